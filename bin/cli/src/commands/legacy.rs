//! `mosaic-admin legacy …`: any legacy, whoever created it.

use mosaic_archive::{Limits, open_archive, write_archive};
use mosaic_domain::{AccountMapping, Legacy};
use mosaic_ports::{ImportAs, LegacyOverview};

use super::{collect_pages, find_user, legacy_id};
use crate::context::Existing;
use crate::output::{Unit, confirm, print_fields, print_json, print_table, progress, timestamp};
use crate::{CliError, Context};

/// `legacy`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
LEGACY is a legacy id; USER an e-mail address or user id.

Examples:
  mosaic-admin legacy list
  mosaic-admin legacy show 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11
  mosaic-admin legacy transfer 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11 --to ruth@example.org
  mosaic-admin legacy delete 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11        # asks first
  mosaic-admin legacy delete 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11 --yes
  mosaic-admin legacy export 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11 --out jane.zip
  mosaic-admin legacy import jane.zip --as-creator ruth@example.org")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// List legacies, newest first.
    List {
        /// Show at most this many (0: all).
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Show a legacy and what it holds.
    Show {
        /// Legacy id.
        legacy: String,
    },
    /// Make another member (or editor) the creator; the former creator stays as editor.
    Transfer {
        /// Legacy id.
        legacy: String,
        /// The new creator: e-mail address or user id.
        #[arg(long)]
        to: String,
    },
    /// Write the legacy as an archive (ZIP of Markdown stories, original
    /// media, offline index.html, manifest.json): what its creator may read.
    Export {
        /// Legacy id.
        legacy: String,
        /// The ZIP file to write (replaced if it exists).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Re-create a legacy from an archive, with its stories, earlier versions
    /// and media. The archive is checked completely first; an archive whose
    /// legacy exists here is refused.
    Import {
        /// The ZIP file.
        file: std::path::PathBuf,
        /// Make this account (e-mail address or user id) the creator in
        /// place of the archive's creator. Without it the archive's people
        /// keep their ids; those without an account here get a disabled
        /// placeholder.
        #[arg(long, value_name = "EMAIL")]
        as_creator: Option<String>,
    },
    /// Delete a legacy with its stories, members and media (asks first).
    Delete {
        /// Legacy id.
        legacy: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

fn legacy_json(legacy: &Legacy) -> serde_json::Value {
    serde_json::json!({
        "id": legacy.id.to_string(),
        "name": legacy.name.as_str(),
        "birth_date": legacy.dates.birth().map(|d| d.to_string()),
        "death_date": legacy.dates.death().map(|d| d.to_string()),
        "created_by": legacy.created_by.to_string(),
        "created_at": timestamp(legacy.created_at),
    })
}

fn overview_json(overview: &LegacyOverview) -> serde_json::Value {
    let mut value = legacy_json(&overview.legacy);
    value["contents"] = serde_json::json!({
        "stories": overview.contents.stories,
        "revisions": overview.contents.revisions,
        "members": overview.contents.members,
        "media": overview.contents.media,
        "media_bytes": overview.contents.media_bytes,
    });
    value
}

fn print_overview(overview: &LegacyOverview) {
    let legacy = &overview.legacy;
    let contents = &overview.contents;
    let date = |d: Option<time::Date>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
    print_fields(&[
        ("id", legacy.id.to_string()),
        ("name", legacy.name.as_str().to_owned()),
        ("born", date(legacy.dates.birth())),
        ("died", date(legacy.dates.death())),
        ("creator", legacy.created_by.to_string()),
        ("created", timestamp(legacy.created_at)),
        (
            "stories",
            format!(
                "{} (with {} earlier versions)",
                contents.stories, contents.revisions
            ),
        ),
        ("members", contents.members.to_string()),
        (
            "media",
            format!("{} ({} bytes)", contents.media, contents.media_bytes),
        ),
    ]);
}

/// Runs `legacy`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let admin = &opened.admin;
    match args.action {
        Action::List { limit } => {
            let (legacies, more) = collect_pages(limit, |page| admin.list_legacies(page)).await?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "legacies": legacies.iter().map(legacy_json).collect::<Vec<_>>(),
                    "more": more,
                }));
            } else {
                let rows: Vec<Vec<String>> = legacies
                    .iter()
                    .map(|l| {
                        vec![
                            l.id.to_string(),
                            l.name.as_str().to_owned(),
                            l.created_by.to_string(),
                            timestamp(l.created_at),
                        ]
                    })
                    .collect();
                print_table(&["ID", "NAME", "CREATOR", "CREATED"], &rows);
                if more {
                    eprintln!("(more legacies exist: raise --limit, or --limit 0 for all)");
                }
            }
        }
        Action::Show { legacy } => {
            let overview = admin.legacy_overview(legacy_id(&legacy)?).await?;
            if ctx.json {
                print_json(&overview_json(&overview));
            } else {
                print_overview(&overview);
            }
        }
        Action::Transfer { legacy, to } => {
            let id = legacy_id(&legacy)?;
            let to = find_user(opened.service(), &to).await?;
            admin.transfer_legacy(id, to.id).await?;
            let overview = admin.legacy_overview(id).await?;
            if ctx.json {
                print_json(&overview_json(&overview));
            } else {
                println!(
                    "{} is now the creator of {}",
                    to.email.as_str(),
                    overview.legacy.name.as_str()
                );
            }
        }
        Action::Export { legacy, out } => {
            let id = legacy_id(&legacy)?;
            let overview = admin.legacy_overview(id).await?;
            let bar = progress(
                ctx,
                overview.contents.stories + overview.contents.media,
                Unit::Records,
                "exporting",
            );
            let export = admin.export_legacy(id).await?;
            // Written beside the target and renamed at the end, so a failed
            // export never leaves a file that looks whole.
            let partial = out.with_extension("zip.partial");
            let file = tokio::fs::File::create(&partial).await?;
            let shown = bar.clone();
            let result = write_archive(export, file, &move |done| {
                shown.set_position(done.stories + done.media);
            })
            .await;
            bar.finish_and_clear();
            let summary = match result {
                Ok(summary) => summary,
                Err(err) => {
                    let _ = tokio::fs::remove_file(&partial).await;
                    return Err(CliError::new(format!("export failed: {err}")));
                }
            };
            tokio::fs::rename(&partial, &out).await?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "legacy": id.to_string(),
                    "file": out.display().to_string(),
                    "stories": summary.stories,
                    "revisions": summary.revisions,
                    "media": summary.media,
                    "media_bytes": summary.media_bytes,
                }));
            } else {
                println!(
                    "wrote {}: {} stories ({} earlier versions), {} media files ({} bytes)",
                    out.display(),
                    summary.stories,
                    summary.revisions,
                    summary.media,
                    summary.media_bytes
                );
            }
        }
        Action::Import { file, as_creator } => {
            let importer = match &as_creator {
                Some(who) => Some(find_user(opened.service(), who).await?.id),
                None => None,
            };
            let bar = progress(ctx, 0, Unit::Records, "checking");
            let (archive, mut media) = open_archive(&file, Limits::default())
                .await
                .map_err(|err| CliError::new(format!("{}: {err}", file.display())))?;
            bar.set_message("importing");
            bar.set_length((archive.stories.len() + archive.media.len()) as u64);
            let report = opened
                .service()
                .import_legacy(
                    ImportAs {
                        importer,
                        mapping: AccountMapping::KeepIds,
                    },
                    archive,
                    &mut media,
                )
                .await;
            bar.finish_and_clear();
            let report = report?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "legacy": legacy_json(&report.legacy),
                    "stories": report.stories,
                    "revisions": report.revisions,
                    "media": report.media,
                    "placeholders": report.placeholders,
                }));
            } else {
                println!(
                    "imported the legacy {} ({}): {} stories ({} earlier versions), {} media files; {} placeholder accounts",
                    report.legacy.name.as_str(),
                    report.legacy.id,
                    report.stories,
                    report.revisions,
                    report.media,
                    report.placeholders
                );
            }
        }
        Action::Delete { legacy, yes } => {
            let id = legacy_id(&legacy)?;
            let overview = admin.legacy_overview(id).await?;
            let contents = &overview.contents;
            if !yes {
                eprintln!(
                    "Deleting the legacy '{}' ({}) removes for good:\n  \
                     {} stories (with {} earlier versions)\n  \
                     {} memberships\n  \
                     {} media items ({} bytes)",
                    overview.legacy.name.as_str(),
                    overview.legacy.id,
                    contents.stories,
                    contents.revisions,
                    contents.members,
                    contents.media,
                    contents.media_bytes,
                );
            }
            confirm("Delete it?", yes)?;
            admin.delete_legacy(id).await?;
            if ctx.json {
                let mut value = overview_json(&overview);
                value["deleted"] = serde_json::Value::Bool(true);
                print_json(&value);
            } else {
                println!("deleted the legacy {}", overview.legacy.name.as_str());
            }
        }
    }
    Ok(())
}
