//! `mosaic-admin restore`: loads a backup archive into an empty database,
//! in one transaction: on any failure nothing is left behind.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;

use mosaic_ports::RepoError;
use mosaic_postgres::PostgresStore;
use mosaic_sqlite::SqliteStore;

use crate::archive::{FORMAT, Header, Line, VERSION};
use crate::context::Existing;
use crate::output::{Unit, print_fields, print_json, progress};
use crate::{CliError, Context};

/// Records written per call.
const BATCH: usize = 1_000;

/// `restore`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The target database (MOSAIC_DATABASE_URL) must be empty: a new SQLite file or
a new Postgres database; it is created and migrated if needed. Everything is
written in one transaction, so a failure (a damaged or truncated archive)
leaves the database as it was. Archives move between SQLite and Postgres.

Examples:
  MOSAIC_DATABASE_URL=sqlite:///srv/mosaic/new.db mosaic-admin restore family.jsonl
  MOSAIC_DATABASE_URL=postgres://mosaic@db/mosaic mosaic-admin restore family.jsonl")]
pub struct Args {
    /// The archive written by `mosaic-admin backup`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

fn read_header(line: Option<std::io::Result<String>>) -> Result<Header, CliError> {
    let text = line
        .transpose()?
        .ok_or_else(|| CliError::new("the archive is empty"))?;
    let header: Header = serde_json::from_str(&text)
        .map_err(|_| CliError::new("not a Mosaic Life backup (no mosaic-backup header line)"))?;
    if header.format != FORMAT {
        return Err(CliError::new(format!(
            "not a Mosaic Life backup (format '{}')",
            header.format
        )));
    }
    if header.version != VERSION {
        return Err(CliError::new(format!(
            "archive version {} is not supported by this build (it reads version {VERSION})",
            header.version
        )));
    }
    Ok(header)
}

/// Runs `restore`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let file = File::open(&args.file)
        .map_err(|e| CliError::new(format!("cannot open {}: {e}", args.file.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut lines = BufReader::new(file).lines();
    let header = read_header(lines.next())?;
    let known = if ctx.config.database_url.starts_with("postgres") {
        PostgresStore::latest_schema_version()
    } else {
        SqliteStore::latest_schema_version()
    };
    if header.schema > known {
        return Err(CliError::new(format!(
            "the archive was taken at schema version {}, newer than this build knows ({known}); \
             restore it with the newer build",
            header.schema
        )));
    }

    let opened = ctx.open(Existing::MayCreate).await?;
    let started = Instant::now();
    let mut writer = opened.admin.begin_restore().await?;
    let bar = progress(ctx, size, Unit::Bytes, "restore");
    let mut batch = Vec::with_capacity(BATCH);
    let mut restored: u64 = 0;
    let mut ended = false;
    for (index, line) in lines.enumerate() {
        let text = line?;
        bar.inc(text.len() as u64 + 1);
        let number = index + 2;
        let parsed: Line = serde_json::from_str(&text).map_err(|e| {
            CliError::new(format!(
                "line {number} of the archive: {e}; nothing was restored"
            ))
        })?;
        if let Line::End { records } = parsed {
            let found = restored + batch.len() as u64;
            if records != found {
                return Err(CliError::new(format!(
                    "the archive says it holds {records} records but has {found}; nothing was restored"
                )));
            }
            ended = true;
            break;
        }
        let record = parsed
            .into_record()
            .map_err(|e| {
                CliError::new(format!(
                    "line {number} of the archive: {e}; nothing was restored"
                ))
            })?
            .ok_or_else(|| CliError::new("the archive's end line is malformed"))?;
        batch.push(record);
        if batch.len() >= BATCH {
            writer.write(&batch).await.map_err(write_failed)?;
            restored += batch.len() as u64;
            batch.clear();
        }
    }
    if !ended {
        bar.finish_and_clear();
        return Err(CliError::new(
            "the archive ends early (no end line): it is incomplete; nothing was restored",
        ));
    }
    writer.write(&batch).await.map_err(write_failed)?;
    restored += batch.len() as u64;
    writer.commit().await?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if ctx.json {
        print_json(&serde_json::json!({
            "file": args.file.display().to_string(),
            "records": restored,
            "database": opened.runtime.database.kind(),
            "seconds": seconds,
        }));
    } else {
        print_fields(&[
            ("archive", args.file.display().to_string()),
            ("records", restored.to_string()),
            ("into", opened.runtime.database.kind().to_owned()),
            ("took", format!("{seconds:.1} s")),
        ]);
    }
    Ok(())
}

/// Why records could not be written, said in terms of the archive.
fn write_failed(err: RepoError) -> CliError {
    let reason = match err {
        RepoError::NotFound => {
            "the archive is inconsistent: a record refers to a user, legacy or story \
             that is not in it"
                .to_owned()
        }
        other => CliError::from(other).to_string(),
    };
    CliError::new(format!("{reason}; nothing was restored"))
}
