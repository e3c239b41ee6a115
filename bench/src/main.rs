//! `mosaic-bench`: seeds a store with a family dataset and times the hot
//! read and write paths at the port level (no HTTP), printing the median and
//! 99th percentile per operation. See `bench/README.md` for how to run it.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use mosaic_domain::{
    Cursor, LegacyAccess, PageRequest, Role, SearchQuery, StoryContent, StoryId, StoryTitle,
    Visibility,
};
use mosaic_ports::{MembershipRepo, StoryRepo};
use mosaic_postgres::PostgresStore;
use mosaic_sql_common::{BulkLoad, SeedPlan, SeedSummary, seed};
use mosaic_sqlite::SqliteStore;

/// Seeds a store and times port calls over it.
#[derive(Debug, Parser)]
struct Args {
    /// SQLite database file to create (must not exist yet).
    #[arg(
        long,
        conflicts_with = "postgres",
        required_unless_present = "postgres"
    )]
    sqlite: Option<std::path::PathBuf>,
    /// URL of an empty Postgres database.
    #[arg(long)]
    postgres: Option<String>,
    /// Dataset size: `family` (10k users, 1k legacies, 100k stories) or `small`.
    #[arg(long, default_value = "family")]
    plan: String,
    /// Timed calls per operation (after 10% as many untimed warm-up calls).
    #[arg(long, default_value_t = 2_000)]
    iterations: usize,
    /// Which page of the busiest legacy's story list is the "deep" one.
    #[arg(long, default_value_t = 200)]
    deep_page: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let plan = match args.plan.as_str() {
        "family" => SeedPlan::family_site(),
        "small" => SeedPlan::small(),
        other => bail!("unknown plan {other:?}: use family or small"),
    };
    let options = mosaic_sql_common::StoreOptions::default();
    match (&args.sqlite, &args.postgres) {
        (Some(path), _) => {
            if path.exists() {
                bail!("{} exists; the benchmark seeds a new file", path.display());
            }
            let store = SqliteStore::open(path, options).await?;
            run("sqlite", &store, &plan, &args).await
        }
        (None, Some(url)) => {
            let store = PostgresStore::connect(url, options).await?;
            run("postgres", &store, &plan, &args).await
        }
        (None, None) => bail!("name a store: --sqlite FILE or --postgres URL"),
    }
}

async fn run<S>(name: &str, store: &S, plan: &SeedPlan, args: &Args) -> Result<()>
where
    S: StoryRepo + MembershipRepo + mosaic_ports::LegacyRepo + mosaic_ports::RateLimiter + BulkLoad,
{
    let started = Instant::now();
    let summary = seed(store, plan).await.context("seeding")?;
    println!(
        "{name}: seeded {} users, {} legacies, {} memberships, {} stories in {:.1} s",
        summary.users,
        summary.legacies,
        summary.memberships,
        summary.stories,
        started.elapsed().as_secs_f64()
    );
    let timings = measure(store, &summary, args).await?;
    println!("\n| operation ({name}) | median | p99 |\n|---|---|---|");
    for (operation, mut samples) in timings {
        samples.sort();
        println!(
            "| {operation} | {} | {} |",
            format_duration(percentile(&samples, 50)),
            format_duration(percentile(&samples, 99)),
        );
    }
    Ok(())
}

async fn measure<S>(
    store: &S,
    summary: &SeedSummary,
    args: &Args,
) -> Result<Vec<(&'static str, Vec<Duration>)>>
where
    S: StoryRepo + MembershipRepo + mosaic_ports::LegacyRepo + mosaic_ports::RateLimiter,
{
    let legacy = summary.busiest_legacy;
    let member = summary.busiest_legacy_member;
    let role = store
        .get_membership(legacy, member)
        .await?
        .context("the seeded member has no membership")?
        .role;
    let scope = LegacyAccess::user(legacy, member, Some(role)).read_scope();
    let first = PageRequest::first();

    // Walk to the deep page once, collecting story ids to read back.
    let mut cursor: Option<Cursor> = None;
    let mut story_ids: Vec<StoryId> = Vec::new();
    for _ in 0..args.deep_page {
        let request = cursor.map_or(first, |c| first.after(c));
        let page = store.list_stories(legacy, scope, request).await?;
        story_ids.extend(page.items.iter().map(|view| view.story.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => bail!("the busiest legacy has fewer than {} pages", args.deep_page),
        }
    }
    let deep = first.after(cursor.context("no deep cursor")?);
    let search = SearchQuery::new(summary.common_surname)?;
    let partial = SearchQuery::new("arga")?;
    let writer = mosaic_domain::LegacyAccess::user(
        legacy,
        summary.busiest_legacy_editor,
        Some(Role::Editor),
    )
    .story_writer()?;

    let n = args.iterations;
    let mut results = Vec::new();
    results.push((
        "list stories as member, first page",
        time(n, async |_| {
            store.list_stories(legacy, scope, first).await.map(|_| ())
        })
        .await?,
    ));
    results.push((
        "list stories as member, deep page",
        time(n, async |_| {
            store.list_stories(legacy, scope, deep).await.map(|_| ())
        })
        .await?,
    ));
    results.push((
        "get one story",
        time(n, async |i| {
            store
                .get_story(story_ids[i % story_ids.len()])
                .await
                .map(|_| ())
        })
        .await?,
    ));
    results.push((
        "search legacies by surname",
        time(n, async |_| {
            store.search_legacies(&search, first).await.map(|_| ())
        })
        .await?,
    ));
    results.push((
        "search legacies by name fragment",
        time(n, async |_| {
            store.search_legacies(&partial, first).await.map(|_| ())
        })
        .await?,
    ));
    let new_story = |i: usize| {
        let draft = mosaic_domain::StoryDraft {
            title: StoryTitle::new(&format!("Benchmark memory {i}")).expect("title"),
            content: StoryContent::new("She sang while she cooked.").expect("content"),
            visibility: Visibility::Private,
        };
        writer.new_story(
            StoryId::from_uuid(uuid::Uuid::now_v7()),
            draft,
            time::OffsetDateTime::now_utc(),
        )
    };
    results.push((
        "create a story",
        time(n, async |i| store.create_story(&new_story(i)).await).await?,
    ));
    // The shared rate limit the API checks before creating a story (one
    // upsert); 1,000 people, a quota none of them reaches.
    let quota = mosaic_ports::RateQuota::per_minute(std::num::NonZeroU32::MAX);
    results.push((
        "rate-limit check (allowed)",
        time(n, async |i| {
            store
                .acquire(&format!("story:bench-{}", i % 1000), quota)
                .await
                .map(|_| ())
        })
        .await?,
    ));
    results.push((
        "create a story with its rate-limit check",
        time(n, async |i| {
            store
                .acquire(&format!("story:bench-{}", i % 1000), quota)
                .await?;
            store.create_story(&new_story(i)).await
        })
        .await?,
    ));
    Ok(results)
}

/// Runs `call` `n / 10` times untimed, then `n` times timed.
async fn time(
    n: usize,
    mut call: impl AsyncFnMut(usize) -> Result<(), mosaic_ports::RepoError>,
) -> Result<Vec<Duration>> {
    for i in 0..n / 10 {
        call(i).await?;
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let started = Instant::now();
        call(i).await?;
        samples.push(started.elapsed());
    }
    Ok(samples)
}

fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    let index = (sorted.len() * percent / 100).min(sorted.len().saturating_sub(1));
    sorted[index]
}

fn format_duration(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1_000.0)
}
