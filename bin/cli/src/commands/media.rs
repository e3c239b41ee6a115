//! `mosaic-admin media gc`: removes objects in the media store that no
//! media record owns (abandoned uploads, leftovers of deletions).

use mosaic_ports::OrphanMediaReport;
use time::Duration;

use crate::context::Existing;
use crate::output::{confirm, print_json, print_table};
use crate::{CliError, Context};

/// `media`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Objects younger than the grace period are left alone: they may be uploads
in progress.

Examples:
  mosaic-admin media gc --dry-run
  mosaic-admin media gc --yes                     # e.g. daily from cron
  mosaic-admin media gc --older-than-hours 1 --yes")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Delete media objects without a media record (asks first).
    Gc {
        /// Only report what would be deleted.
        #[arg(long)]
        dry_run: bool,
        /// Leave objects written less than this many hours ago.
        #[arg(long, default_value_t = 24)]
        older_than_hours: u32,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

fn print_report(ctx: &Context, report: &OrphanMediaReport) {
    if ctx.json {
        print_json(&serde_json::json!({
            "dry_run": report.dry_run,
            "scanned": report.scanned,
            "orphans": report.orphans.iter().map(|o| serde_json::json!({
                "key": o.key, "size_bytes": o.size_bytes,
            })).collect::<Vec<_>>(),
            "recent_unregistered": report.recent_unregistered,
            "failed": report.failed,
        }));
        return;
    }
    let rows: Vec<Vec<String>> = report
        .orphans
        .iter()
        .map(|o| vec![o.key.clone(), o.size_bytes.to_string()])
        .collect();
    if !rows.is_empty() {
        print_table(&["KEY", "BYTES"], &rows);
    }
    let verb = if report.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    println!(
        "scanned {} objects; {verb} {} orphans; left {} recent uploads alone; {} failed",
        report.scanned,
        report.orphans.len() - report.failed.len().min(report.orphans.len()),
        report.recent_unregistered,
        report.failed.len()
    );
}

/// Runs `media`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let Action::Gc {
        dry_run,
        older_than_hours,
        yes,
    } = args.action;
    let opened = ctx.open(Existing::Required).await?;
    let service = opened.service();
    let grace = Duration::hours(i64::from(older_than_hours));
    let preview = service.collect_orphan_media(grace, true).await?;
    if dry_run || preview.orphans.is_empty() {
        print_report(ctx, &preview);
        return Ok(());
    }
    if !yes {
        let bytes: u64 = preview.orphans.iter().map(|o| o.size_bytes).sum();
        eprintln!(
            "{} objects ({bytes} bytes) have no media record and are older than {older_than_hours} hours.",
            preview.orphans.len()
        );
    }
    confirm("Delete them?", yes)?;
    let report = service.collect_orphan_media(grace, false).await?;
    print_report(ctx, &report);
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::new(format!(
            "{} objects could not be deleted (they are tried again next time)",
            report.failed.len()
        )))
    }
}
