//! # mosaic-admin
//!
//! The administrator's command line: a thin clap shell over the same
//! configuration (`MOSAIC_*` variables, `MOSAIC_CONFIG` file) and application
//! service as the server. One module per subcommand under [`commands`], each
//! with an `Args` struct and an `async fn run(args, ctx)`; destructive
//! commands ask for confirmation unless `--yes`.
//!
//! Output: aligned tables for people, `--json` for scripts. Exit codes: 0
//! done, 1 failed or aborted (one line on stderr says why), 2 bad arguments.

pub mod archive;
pub mod commands;
mod context;
mod error;
mod output;

use clap::{Parser, Subcommand};

pub use context::Context;
pub use error::CliError;

const EXAMPLES: &str = "\
Examples:
  mosaic-admin migrate status
  mosaic-admin login-link --email me@example.org --create --name 'Ada Lovelace'
  mosaic-admin user list --json
  mosaic-admin legacy delete 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11
  mosaic-admin backup --out family.mosaic-backup.jsonl
  MOSAIC_DATABASE_URL=postgres://mosaic@db/mosaic mosaic-admin restore family.mosaic-backup.jsonl

The database and media store are those of the server: set the same MOSAIC_*
variables (MOSAIC_DATABASE_URL, MOSAIC_DATA_DIR, MOSAIC_S3_*, ...) or point
MOSAIC_CONFIG at the same TOML file.";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "mosaic-admin",
    version,
    about = "Administer a Mosaic Life installation: migrations, users, sign-in links, legacies, \
             sessions, media, seeding, backup and restore.",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    /// Print JSON (one document) instead of tables, and no progress bars.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one module each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show or apply database migrations.
    Migrate(commands::migrate::Args),
    /// List, show, create, disable/enable users and grant/revoke admin rights.
    User(commands::user::Args),
    /// Print a single-use sign-in link (15 minutes) for an account.
    LoginLink(commands::login_link::Args),
    /// List, show, transfer or delete legacies.
    Legacy(commands::legacy::Args),
    /// Make, list or withdraw invite links to a legacy.
    Invite(commands::invite::Args),
    /// List or revoke sessions, or purge the expired ones.
    Session(commands::session::Args),
    /// Media maintenance: remove objects no media record owns.
    Media(commands::media::Args),
    /// Check that the media store can be written, read and deleted in.
    Storage(commands::storage::Args),
    /// Fill the database with a generated family dataset (demos, benchmarks).
    Seed(commands::seed::Args),
    /// Write every record (not media bytes, not sessions) to an archive file.
    Backup(commands::backup::Args),
    /// Load an archive written by `backup` into an empty database.
    Restore(commands::restore::Args),
    /// Counts of users, legacies, stories by visibility, media bytes.
    Stats(commands::stats::Args),
    /// The story-search index: its language, rebuilding it.
    Search(commands::search::Args),
    /// The AI companion: check the model endpoint, rebuild story embeddings.
    Ai(commands::ai::Args),
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let ctx = Context::from_env(cli.json)?;
    match cli.command {
        Command::Migrate(args) => commands::migrate::run(args, &ctx).await,
        Command::User(args) => commands::user::run(args, &ctx).await,
        Command::LoginLink(args) => commands::login_link::run(args, &ctx).await,
        Command::Legacy(args) => commands::legacy::run(args, &ctx).await,
        Command::Invite(args) => commands::invite::run(args, &ctx).await,
        Command::Session(args) => commands::session::run(args, &ctx).await,
        Command::Media(args) => commands::media::run(args, &ctx).await,
        Command::Storage(args) => commands::storage::run(args, &ctx).await,
        Command::Seed(args) => commands::seed::run(args, &ctx).await,
        Command::Backup(args) => commands::backup::run(args, &ctx).await,
        Command::Restore(args) => commands::restore::run(args, &ctx).await,
        Command::Stats(args) => commands::stats::run(args, &ctx).await,
        Command::Search(args) => commands::search::run(args, &ctx).await,
        Command::Ai(args) => commands::ai::run(args, &ctx).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
