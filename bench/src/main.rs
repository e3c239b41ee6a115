//! `mosaic-bench`: seeds a store with a family dataset and times the hot
//! read and write paths at the port level (no HTTP), printing the median and
//! 99th percentile per operation. See `bench/README.md` for how to run it.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use mosaic_domain::{
    Cursor, LegacyAccess, PageRequest, Role, SearchPageRequest, SearchQuery, SearchScope,
    StoryContent, StoryId, StoryQuery, StoryTitle, Visibility,
};
use mosaic_ports::{MembershipRepo, SearchFilters, StoryRepo, StorySearch};
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
            run("sqlite", &store, &plan, &args).await?;
            // The FTS5 indexes' shadow tables (the text itself is not copied).
            for table in ["stories_fts", "stories_prefix"] {
                let bytes: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name LIKE ?1 || '%'",
                )
                .bind(table)
                .fetch_one(store.pool())
                .await?;
                print_index_size("sqlite", &format!("FTS5 tables {table}*"), bytes);
            }
            Ok(())
        }
        (None, Some(url)) => {
            let store = PostgresStore::connect(url, options).await?;
            run("postgres", &store, &plan, &args).await?;
            let (index, vectors, prefix_index, prefix_vectors): (i64, i64, i64, i64) =
                sqlx::query_as(
                    "SELECT pg_relation_size('stories_search'), \
                     COALESCE(SUM(pg_column_size(search_vector)), 0)::bigint, \
                     pg_relation_size('stories_search_prefix'), \
                     COALESCE(SUM(pg_column_size(prefix_vector)), 0)::bigint FROM stories",
                )
                .fetch_one(store.pool())
                .await?;
            print_index_size("postgres", "GIN index stories_search", index);
            print_index_size("postgres", "stored search_vector column", vectors);
            print_index_size("postgres", "GIN index stories_search_prefix", prefix_index);
            print_index_size("postgres", "stored prefix_vector column", prefix_vectors);
            Ok(())
        }
        (None, None) => bail!("name a store: --sqlite FILE or --postgres URL"),
    }
}

fn print_index_size(name: &str, what: &str, bytes: i64) {
    println!("{name}: {what}: {:.1} MB", bytes as f64 / (1024.0 * 1024.0));
}

async fn run<S>(name: &str, store: &S, plan: &SeedPlan, args: &Args) -> Result<()>
where
    S: StoryRepo
        + MembershipRepo
        + mosaic_ports::LegacyRepo
        + mosaic_ports::RateLimiter
        + StorySearch
        + BulkLoad,
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
    S: StoryRepo
        + MembershipRepo
        + mosaic_ports::LegacyRepo
        + mosaic_ports::RateLimiter
        + StorySearch,
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

    // Story search as the busiest legacy's member, across their legacies:
    // a word in about a third of the stories, a word in one story (the
    // sample story's number), a phrase, and a prefix while typing.
    let sample = store.get_story(summary.sample_story).await?;
    let rare = sample
        .story
        .title
        .as_str()
        .trim_start_matches("Memory ")
        .split(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let searches = [
        ("search stories, common word", "bread ".to_owned()),
        ("search stories, rare word", format!("{rare} ")),
        ("search stories, phrase", "\"stubborn fig tree\"".to_owned()),
        ("search stories, prefix", "bicy".to_owned()),
    ];
    let mine = SearchScope::my_legacies(member);
    let in_legacy = SearchScope::legacy(&LegacyAccess::user(legacy, member, Some(role)));
    let no_filters = SearchFilters::default();
    for (what, text) in &searches {
        let found = store
            .search_stories(
                &StoryQuery::parse(text)?,
                mine,
                &no_filters,
                SearchPageRequest::first(),
            )
            .await?;
        println!(
            "{what} ({text:?}): {} hits on the first page",
            found.hits.len()
        );
    }

    let n = args.iterations;
    let mut results = Vec::new();
    for (what, text) in searches {
        let query = StoryQuery::parse(&text)?;
        results.push((
            what,
            time(n, async |_| {
                store
                    .search_stories(&query, mine, &no_filters, SearchPageRequest::first())
                    .await
                    .map(|_| ())
            })
            .await?,
        ));
    }
    let common = StoryQuery::parse("bread ")?;
    results.push((
        "search stories, common word, one legacy",
        time(n, async |_| {
            store
                .search_stories(&common, in_legacy, &no_filters, SearchPageRequest::first())
                .await
                .map(|_| ())
        })
        .await?,
    ));
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
