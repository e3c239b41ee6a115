//! `mosaic-admin migrate status|run`: the database schema against the
//! migrations built into this binary.

use mosaic_config::Database;
use mosaic_postgres::PostgresStore;
use mosaic_sqlite::{MigrationMode, SqliteStore, StoreError};

use crate::output::{print_fields, print_json};
use crate::{CliError, Context};

/// `migrate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mosaic-admin migrate status
  MOSAIC_MIGRATE=false mosaic-api   # with `mosaic-admin migrate run` before each upgrade
  mosaic-admin migrate run

A database migrated by a newer build is refused (exit code 1): run the newer
build, or restore a backup made for this one.")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Show the database's schema version and this binary's.
    Status,
    /// Apply pending migrations (creating the database if needed).
    Run,
}

/// Where the schema stands.
#[derive(Debug)]
struct Status {
    kind: &'static str,
    database: Option<i64>,
    binary: i64,
}

impl Status {
    fn state(&self) -> &'static str {
        if self.database == Some(self.binary) {
            "up-to-date"
        } else {
            "pending"
        }
    }
}

fn kind_and_latest(url: &str) -> (&'static str, i64) {
    if url.starts_with("postgres") {
        ("postgres", PostgresStore::latest_schema_version())
    } else {
        ("sqlite", SqliteStore::latest_schema_version())
    }
}

/// Reads the schema version without changing anything.
async fn status(ctx: &Context) -> Result<Status, CliError> {
    let (kind, binary) = kind_and_latest(&ctx.config.database_url);
    match Database::open(&ctx.config.database_url, MigrationMode::Skip).await {
        Ok(database) => {
            database.close().await;
            Ok(Status {
                kind,
                database: Some(binary),
                binary,
            })
        }
        Err(StoreError::SchemaBehind { database, binary }) => Ok(Status {
            kind,
            database,
            binary,
        }),
        Err(other) => Err(other.into()),
    }
}

fn print_status(ctx: &Context, status: &Status, applied: Option<i64>) {
    if ctx.json {
        print_json(&serde_json::json!({
            "database": status.kind,
            "schema_version": status.database,
            "binary_version": status.binary,
            "status": status.state(),
            "applied_from": applied,
        }));
    } else {
        let version = status
            .database
            .map_or_else(|| "none (empty database)".to_owned(), |v| v.to_string());
        print_fields(&[
            ("database", status.kind.to_owned()),
            ("schema version", version),
            ("binary knows", status.binary.to_string()),
            ("status", status.state().to_owned()),
        ]);
    }
}

/// Runs `migrate`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    match args.action {
        Action::Status => {
            ctx.require_existing_database()?;
            let status = status(ctx).await?;
            print_status(ctx, &status, None);
        }
        Action::Run => {
            let before = status(ctx).await?;
            if before.database != Some(before.binary) {
                let database = Database::open(&ctx.config.database_url, MigrationMode::Run).await?;
                database.close().await;
            }
            let after = status(ctx).await?;
            if !ctx.json {
                match before.database {
                    Some(v) if v == after.binary => println!("already at schema version {v}"),
                    Some(v) => println!("migrated from schema version {v} to {}", after.binary),
                    None => println!("created the schema at version {}", after.binary),
                }
            }
            if ctx.json {
                print_status(ctx, &after, before.database);
            }
        }
    }
    Ok(())
}
