//! Prepares a database for the HTTP benchmark (`bench/http/run.sh`):
//! seeds the family dataset through the real store, then signs in a member
//! and an editor of the busiest legacy through the service, and writes what
//! the load generator needs (ids and session cookies) as JSON.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use mosaic_config::{Config, Database, Runtime, Settings};
use mosaic_sql_common::{SeedPlan, seed};

/// Seed a database and write the HTTP benchmark's fixture.
#[derive(Debug, Parser)]
struct Args {
    /// `sqlite://FILE` or `postgres://…` of an empty database.
    #[arg(long)]
    database_url: String,
    /// The data directory the server will use.
    #[arg(long)]
    data_dir: PathBuf,
    /// Dataset size: `family` (10k users, 1k legacies, 100k stories) or `small`.
    #[arg(long, default_value = "family")]
    plan: String,
    /// Where to write the fixture JSON.
    #[arg(long)]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let plan = match args.plan.as_str() {
        "family" => SeedPlan::family_site(),
        "small" => SeedPlan::small(),
        other => bail!("unknown plan {other:?}: use family or small"),
    };
    let settings = Settings::from_pairs([
        ("MOSAIC_DATABASE_URL".to_owned(), args.database_url.clone()),
        (
            "MOSAIC_DATA_DIR".to_owned(),
            args.data_dir.display().to_string(),
        ),
    ])?;
    let config = Config::from_settings(settings)?;
    let runtime = Runtime::open(&config)
        .await
        .context("opening the database")?;

    let started = Instant::now();
    let summary = match &runtime.database {
        Database::Sqlite(store) => seed(store.as_ref(), &plan).await,
        Database::Postgres(store) => seed(store.as_ref(), &plan).await,
    }
    .context("seeding")?;
    eprintln!(
        "seeded {} users, {} legacies, {} stories in {:.1} s",
        summary.users,
        summary.legacies,
        summary.stories,
        started.elapsed().as_secs_f64()
    );

    let member = runtime
        .service
        .start_session(summary.busiest_legacy_member)
        .await?;
    let editor = runtime
        .service
        .start_session(summary.busiest_legacy_editor)
        .await?;
    let fixture = serde_json::json!({
        "legacy_id": summary.busiest_legacy.to_string(),
        "story_id": summary.sample_story.to_string(),
        "surname": summary.common_surname,
        "member_cookie": format!("mosaic_session={}", member.token),
        "editor_cookie": format!("mosaic_session={}", editor.token),
    });
    std::fs::write(&args.out, serde_json::to_string_pretty(&fixture)?)?;
    runtime.database.close().await;
    Ok(())
}
