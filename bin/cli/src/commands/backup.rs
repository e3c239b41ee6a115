//! `mosaic-admin backup`: every record, streamed from one snapshot into a
//! JSON Lines archive (see [`crate::archive`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use mosaic_config::Database;
use mosaic_ports::{BackupRecord, RecordKind};

use crate::archive::{FORMAT, Header, Line, VERSION};
use crate::context::Existing;
use crate::output::{Unit, print_fields, print_json, progress, timestamp};
use crate::{CliError, Context};

/// Records read per query.
const PAGE: u32 = 1_000;

/// `backup`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The archive holds users, sign-in identities, legacies, memberships, stories
(deleted ones too) with their earlier versions, and media records. It does not
hold media bytes (back up the media store itself) nor sessions (everyone signs
in again). It is read from one snapshot, so the server may keep running.

Examples:
  mosaic-admin backup --out family-2026-11-26.jsonl
  MOSAIC_DATABASE_URL=postgres://mosaic@db/mosaic mosaic-admin restore family-2026-11-26.jsonl")]
pub struct Args {
    /// The archive to write (written beside it as FILE.partial, renamed when complete).
    #[arg(long, short = 'o', value_name = "FILE")]
    out: PathBuf,
}

/// The schema version of the database.
pub(crate) async fn schema_version(database: &Database) -> Result<i64, CliError> {
    let version = match database {
        Database::Sqlite(store) => store.schema_version().await?,
        Database::Postgres(store) => store.schema_version().await?,
    };
    Ok(version.unwrap_or(0))
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn write_line(file: &mut impl Write, value: &impl serde::Serialize) -> Result<(), CliError> {
    serde_json::to_writer(&mut *file, value)
        .map_err(|e| CliError::new(format!("cannot write the archive: {e}")))?;
    file.write_all(b"\n")?;
    Ok(())
}

/// Runs `backup`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let started = Instant::now();
    let counts = opened.admin.stats().await?;
    // An estimate for the bar: identities are not counted.
    let expected = counts.users
        + counts.legacies
        + counts.memberships
        + counts.public_stories
        + counts.private_stories
        + counts.personal_stories
        + counts.deleted_stories
        + counts.revisions
        + counts.media;
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        schema: schema_version(&opened.runtime.database).await?,
        created_at: timestamp(time::OffsetDateTime::now_utc()),
    };
    let partial = partial_path(&args.out);
    let file = File::create(&partial)
        .map_err(|e| CliError::new(format!("cannot create {}: {e}", partial.display())))?;
    let mut file = BufWriter::new(file);
    write_line(&mut file, &header)?;

    let bar = progress(ctx, expected, Unit::Records, "backup");
    let result = async {
        let mut reader = opened.admin.begin_backup().await?;
        let mut written: u64 = 0;
        for kind in RecordKind::ALL {
            let mut after: Option<BackupRecord> = None;
            loop {
                let page = reader.next_page(kind, after.as_ref(), PAGE).await?;
                let Some(last) = page.last().cloned() else {
                    break;
                };
                for record in &page {
                    write_line(&mut file, &Line::from_record(record))?;
                }
                written += page.len() as u64;
                bar.inc(page.len() as u64);
                after = Some(last);
            }
        }
        reader.finish().await?;
        write_line(&mut file, &Line::End { records: written })?;
        let file = file
            .into_inner()
            .map_err(|e| CliError::new(format!("cannot write the archive: {e}")))?;
        file.sync_all()?;
        Ok::<u64, CliError>(written)
    }
    .await;
    bar.finish_and_clear();
    let written = match result {
        Ok(written) => written,
        Err(err) => {
            let _ = std::fs::remove_file(&partial);
            return Err(err);
        }
    };
    std::fs::rename(&partial, &args.out)
        .map_err(|e| CliError::new(format!("cannot rename to {}: {e}", args.out.display())))?;
    let bytes = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    let seconds = started.elapsed().as_secs_f64();
    if ctx.json {
        print_json(&serde_json::json!({
            "file": args.out.display().to_string(),
            "records": written,
            "bytes": bytes,
            "schema": header.schema,
            "seconds": seconds,
        }));
    } else {
        print_fields(&[
            ("archive", args.out.display().to_string()),
            ("records", written.to_string()),
            ("bytes", bytes.to_string()),
            ("schema version", header.schema.to_string()),
            ("took", format!("{seconds:.1} s")),
        ]);
    }
    Ok(())
}
