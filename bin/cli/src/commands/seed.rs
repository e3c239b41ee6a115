//! `mosaic-admin seed`: a generated family dataset for demos and
//! benchmarks, written in batched transactions (the persistence layer's
//! seeder).

use std::time::Instant;

use async_trait::async_trait;
use indicatif::ProgressBar;
use mosaic_config::Database;
use mosaic_ports::RepoError;
use mosaic_sql_common::{Batch, BulkLoad, SeedPlan, seed};

use crate::context::Existing;
use crate::output::{Unit, print_fields, print_json, progress};
use crate::{CliError, Context};

/// `seed`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Users get the addresses seed-<run>-user-<n>@family.example (user 0 of each
run is an administrator); a database can be seeded more than once. Names,
roles, visibilities and texts follow from --rng-seed; ids differ on every run.

Examples:
  mosaic-admin seed --users 200 --legacies 20 --stories 1000
  mosaic-admin seed --users 10000 --legacies 1000 --stories 100000   # a large family site")]
pub struct Args {
    /// Users to create (at least 3).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(3..))]
    users: u32,
    /// Legacies to create (at least 2).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(2..))]
    legacies: u32,
    /// Stories to create, over all legacies (at least 2).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(2..))]
    stories: u32,
    /// Seed of the random choices.
    #[arg(long, default_value_t = 42)]
    rng_seed: u64,
}

/// Counts loaded rows on a progress bar.
struct Counting<'a> {
    inner: &'a dyn BulkLoad,
    bar: ProgressBar,
}

#[async_trait]
impl BulkLoad for Counting<'_> {
    async fn load(&self, batch: &Batch) -> Result<(), RepoError> {
        self.inner.load(batch).await?;
        let rows = batch.users.len() + batch.legacies.len() + batch.stories.len();
        self.bar.inc(rows as u64);
        Ok(())
    }

    async fn analyze(&self) -> Result<(), RepoError> {
        self.inner.analyze().await
    }
}

/// Runs `seed`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let users = args.users as usize;
    let stories = args.stories as usize;
    let plan = SeedPlan {
        users,
        legacies: args.legacies as usize,
        stories,
        // Enough members that the busiest legacy gets a member and an editor.
        members_per_legacy: 15.min(users - 1).max(4),
        busiest_legacy_stories: (stories / 20).max(1),
        rng_seed: args.rng_seed,
    };
    let opened = ctx.open(Existing::MayCreate).await?;
    let total = (plan.users + plan.legacies + plan.stories) as u64;
    let bar = progress(ctx, total, Unit::Records, "seeding");
    let started = Instant::now();
    let summary = match &opened.runtime.database {
        Database::Sqlite(store) => {
            seed(
                &Counting {
                    inner: store.as_ref(),
                    bar: bar.clone(),
                },
                &plan,
            )
            .await
        }
        Database::Postgres(store) => {
            seed(
                &Counting {
                    inner: store.as_ref(),
                    bar: bar.clone(),
                },
                &plan,
            )
            .await
        }
    };
    bar.finish_and_clear();
    let summary = summary?;
    let seconds = started.elapsed().as_secs_f64();
    if ctx.json {
        print_json(&serde_json::json!({
            "users": summary.users,
            "legacies": summary.legacies,
            "memberships": summary.memberships,
            "stories": summary.stories,
            "seconds": seconds,
        }));
    } else {
        print_fields(&[
            ("users", summary.users.to_string()),
            ("legacies", summary.legacies.to_string()),
            ("memberships", summary.memberships.to_string()),
            ("stories", summary.stories.to_string()),
            ("took", format!("{seconds:.1} s")),
        ]);
    }
    Ok(())
}
