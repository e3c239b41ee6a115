//! The Postgres store against the shared contract suite, plus what only this
//! adapter has: migrations, bad stored data, a connection dying mid-write.
//!
//! Needs a server: `MOSAIC_TEST_POSTGRES_URL` (scripts/test.d/10-postgres.sh
//! starts one). Each test creates its own database on it and drops it after.

use std::time::Duration;

use mosaic_contract_tests::data::{
    at, creator_of, given_legacy, given_user, legacy, new_id, story,
};
use mosaic_contract_tests::{Fixture, contract_tests};
use mosaic_domain::{UserId, Visibility};
use mosaic_ports::{LegacyRepo, MembershipRepo, RepoError, StoreHealth, StoryRepo, UserRepo};
use mosaic_postgres::{MigrationMode, PostgresStore, StoreError, StoreOptions};
use sqlx::{Connection, PgConnection};

/// The server URL from the environment; the tests fail without it.
fn server_url() -> String {
    std::env::var("MOSAIC_TEST_POSTGRES_URL").expect(
        "MOSAIC_TEST_POSTGRES_URL is not set: the Postgres adapter's tests need a server \
         (scripts/test starts one; or export postgres://postgres@127.0.0.1:PORT/postgres)",
    )
}

/// `url` with its database name replaced by `database`.
fn url_with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let (server, _) = base.rsplit_once('/').expect("URL has a database part");
    format!("{server}/{database}{query}")
}

/// An empty database of its own on the test server, dropped when this value
/// is dropped — also when the test panics.
struct FreshDatabase {
    name: String,
    url: String,
}

impl FreshDatabase {
    async fn create() -> Self {
        let name = format!("mosaic_test_{}", new_id().simple());
        let mut admin = PgConnection::connect(&server_url())
            .await
            .expect("connect to MOSAIC_TEST_POSTGRES_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let url = url_with_database(&server_url(), &name);
        Self { name, url }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        // Drop runs outside async code (and maybe during a panic): use a
        // thread with its own small runtime. FORCE ends leftover connections.
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&server_url()).await?;
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .execute(&mut admin)
                    .await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if !std::thread::panicking() {
            dropped
                .expect("dropping the test database panicked")
                .expect("drop test database");
        }
    }
}

/// A migrated store on a fresh database.
struct Fresh {
    store: PostgresStore,
    database: FreshDatabase,
}

impl Fixture for Fresh {
    type Store = PostgresStore;

    async fn setup() -> Self {
        let database = FreshDatabase::create().await;
        let store = PostgresStore::connect(&database.url, StoreOptions::default())
            .await
            .expect("connect Postgres store");
        Self { store, database }
    }

    fn store(&self) -> &PostgresStore {
        &self.store
    }

    async fn teardown(self) {
        self.store.close().await;
        // Dropping `self.database` drops the database.
    }
}

contract_tests!(Fresh);

fn options(migrations: MigrationMode) -> StoreOptions {
    StoreOptions {
        migrations,
        ..StoreOptions::default()
    }
}

#[tokio::test]
async fn reconnecting_is_idempotent_and_keeps_data() {
    let fixture = Fresh::setup().await;
    let alice = given_user(&fixture.store, "Alice").await;
    assert_eq!(
        fixture.store.schema_version().await.unwrap(),
        Some(PostgresStore::latest_schema_version())
    );
    for mode in [MigrationMode::Run, MigrationMode::Skip] {
        let again = PostgresStore::connect(&fixture.database.url, options(mode))
            .await
            .unwrap();
        assert_eq!(again.get_user(alice.id).await.unwrap(), alice);
        again.close().await;
    }
    fixture.teardown().await;
}

#[tokio::test]
async fn name_search_has_a_trigram_index() {
    let fixture = Fresh::setup().await;
    let index: String = sqlx::query_scalar(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'legacies_name_folded_trgm'",
    )
    .fetch_one(fixture.store.pool())
    .await
    .unwrap();
    assert!(index.contains("gin_trgm_ops"), "{index}");
    fixture.teardown().await;
}

#[tokio::test]
async fn schema_newer_than_the_build_is_refused() {
    let fixture = Fresh::setup().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', TRUE, '\\x00', 0)",
    )
    .execute(fixture.store.pool())
    .await
    .unwrap();
    for mode in [MigrationMode::Run, MigrationMode::Skip] {
        let err = PostgresStore::connect(&fixture.database.url, options(mode))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::SchemaTooNew {
                    database: 99990101000000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("newer than this build"), "{err}");
    }
    fixture.teardown().await;
}

#[tokio::test]
async fn skipping_migrations_on_an_empty_database_is_refused() {
    let database = FreshDatabase::create().await;
    let err = PostgresStore::connect(&database.url, options(MigrationMode::Skip))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaBehind { database: None, .. }),
        "{err:?}"
    );
    drop(database);
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error_and_closed_store_is_unavailable() {
    let fixture = Fresh::setup().await;
    let options = StoreOptions {
        acquire_timeout: Duration::from_secs(2),
        ..StoreOptions::default()
    };
    // Port 1 on loopback: nothing listens there.
    let err = PostgresStore::connect("postgres://postgres@127.0.0.1:1/postgres", options)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Connect(_)), "{err:?}");

    fixture.store.close().await;
    assert!(matches!(
        fixture.store.ping().await,
        Err(RepoError::Unavailable(_))
    ));
    let missing = UserId::from_uuid(new_id());
    assert!(matches!(
        fixture.store.get_user(missing).await,
        Err(RepoError::Unavailable(_))
    ));
    drop(fixture);
}

#[tokio::test]
async fn invalid_stored_role_or_over_long_title_is_an_internal_error() {
    let fixture = Fresh::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    // Only a bug or a hand edit could store these: the CHECK must go first.
    sqlx::query("ALTER TABLE legacy_members DROP CONSTRAINT legacy_members_role_check")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE legacy_members SET role = 'owner' WHERE legacy_id = $1")
        .bind(grandma.id.as_uuid())
        .execute(store.pool())
        .await
        .unwrap();
    let result = store.get_membership(grandma.id, alice.id).await;
    assert!(matches!(result, Err(RepoError::Internal(_))), "{result:?}");

    let memory = story(grandma.id, alice.id, "long", Visibility::Public, at(2));
    store.create_story(&memory).await.unwrap();
    sqlx::query("UPDATE stories SET title = repeat('t', 501) WHERE id = $1")
        .bind(memory.id.as_uuid())
        .execute(store.pool())
        .await
        .unwrap();
    let result = store.get_story(memory.id).await;
    assert!(matches!(result, Err(RepoError::Internal(_))), "{result:?}");
    fixture.teardown().await;
}

/// Waits until a backend of this database waits on a lock while running a
/// statement that starts with `statement`, and returns its pid.
async fn backend_waiting_on_lock(store: &PostgresStore, statement: &str) -> i32 {
    for _ in 0..200 {
        let pid: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' \
             AND query LIKE $1 || '%'",
        )
        .bind(statement)
        .fetch_optional(store.pool())
        .await
        .unwrap();
        if let Some(pid) = pid {
            return pid;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no backend ever waited on a lock in {statement:?}");
}

/// The connection running `create_legacy` dies after the legacy row is
/// inserted and before the creator's membership is: nothing remains.
#[tokio::test]
async fn connection_killed_mid_transaction_leaves_nothing_half_written() {
    let fixture = Fresh::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    let grandma = legacy("Jane Doe", alice.id, at(1));

    // Another session blocks inserts into legacy_members, so create_legacy
    // stops inside its transaction, after its first statement.
    let mut blocker = store.pool().begin().await.unwrap();
    sqlx::query("LOCK TABLE legacy_members IN EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let creator = creator_of(&grandma);
    let write = store.create_legacy(&grandma, &creator);
    let kill = async {
        let pid = backend_waiting_on_lock(store, "INSERT INTO legacy_members").await;
        let killed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(killed);
    };
    let (result, ()) = tokio::join!(write, kill);
    blocker.rollback().await.unwrap();

    assert!(
        matches!(result, Err(RepoError::Unavailable(_))),
        "{result:?}"
    );
    assert!(matches!(
        store.get_legacy(grandma.id).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        store.get_membership(grandma.id, alice.id).await.unwrap(),
        None
    );
    // The store recovers: the pool replaces the dead connection.
    store.create_legacy(&grandma, &creator).await.unwrap();
    assert_eq!(store.get_legacy(grandma.id).await.unwrap(), grandma);
    fixture.teardown().await;
}

/// The same for a story edit: the revision is written, the connection dies
/// before the story is updated; neither change remains.
#[tokio::test]
async fn connection_killed_mid_story_edit_loses_no_text() {
    let fixture = Fresh::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let memory = story(grandma.id, alice.id, "memory", Visibility::Private, at(2));
    store.create_story(&memory).await.unwrap();

    let mut blocker = store.pool().begin().await.unwrap();
    // Blocks the UPDATE of stories (ROW EXCLUSIVE) but not the row lock
    // read (ROW SHARE) that comes before it.
    sqlx::query("LOCK TABLE stories IN SHARE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let edit = mosaic_contract_tests::data::draft("edit", Visibility::Public);
    let revision = mosaic_domain::RevisionId::from_uuid(new_id());
    let write = store.update_story(memory.id, &edit, revision, at(3));
    let kill = async {
        let pid = backend_waiting_on_lock(store, "UPDATE stories").await;
        let _: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(store.pool())
            .await
            .unwrap();
    };
    let (result, ()) = tokio::join!(write, kill);
    blocker.rollback().await.unwrap();

    assert!(
        matches!(result, Err(RepoError::Unavailable(_))),
        "{result:?}"
    );
    assert!(store.list_revisions(memory.id).await.unwrap().is_empty());
    assert_eq!(store.get_story(memory.id).await.unwrap().story, memory);
    fixture.teardown().await;
}

#[tokio::test]
async fn seeded_dataset_reads_back_through_the_ports() {
    let fixture = Fresh::setup().await;
    mosaic_contract_tests::seeding::seeded_dataset_reads_back_through_the_ports(&fixture.store)
        .await;
    fixture.teardown().await;
}

/// The ids a public search of `legacy` finds for `text`.
async fn public_search(
    store: &PostgresStore,
    legacy: uuid::Uuid,
    text: &str,
) -> Vec<mosaic_domain::StoryId> {
    use mosaic_domain::{LegacyId, ReadScope, SearchPageRequest, SearchScope, StoryQuery};
    use mosaic_ports::{SearchFilters, StorySearch};
    let scope = SearchScope::Legacy {
        legacy: LegacyId::from_uuid(legacy),
        read: ReadScope::public_only(),
    };
    store
        .search_stories(
            &StoryQuery::parse(text).unwrap(),
            scope,
            &SearchFilters::default(),
            SearchPageRequest::first(),
        )
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|hit| hit.story_id)
        .collect()
}

/// Migration 0006 indexes the stories already there for the word being
/// typed, and re-indexes them without stop words.
#[tokio::test]
async fn search_prefix_migration_indexes_existing_stories() {
    let database = FreshDatabase::create().await;
    let mut before = sqlx::migrate!("../../migrations/postgres");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let mut conn = PgConnection::connect(&database.url).await.unwrap();
    before.run(&mut conn).await.unwrap();
    let (user, legacy, story) = (new_id(), new_id(), new_id());
    sqlx::query(
        "INSERT INTO users (id, email, name, created_at, updated_at) \
         VALUES ($1, 'ada@example.org', 'Ada', $2, $2)",
    )
    .bind(user)
    .bind(at(1))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO legacies (id, name, name_folded, created_by, created_at, updated_at) \
         VALUES ($1, 'Jane Doe', 'jane doe', $2, $3, $3)",
    )
    .bind(legacy)
    .bind(user)
    .bind(at(1))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO stories (id, legacy_id, author_id, title, content, visibility, \
         created_at, updated_at) VALUES ($1, $2, $3, 'Summer', 'The bicycle of José.', \
         'public', $4, $4)",
    )
    .bind(story)
    .bind(legacy)
    .bind(user)
    .bind(at(2))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = PostgresStore::connect(&database.url, StoreOptions::default())
        .await
        .unwrap();
    let id = mosaic_domain::StoryId::from_uuid(story);
    for text in ["bicy", "jos", "the ", "bicycles "] {
        assert_eq!(public_search(&store, legacy, text).await, [id], "{text:?}");
    }
    store.close().await;
}

/// A legacy name folded by an older build (lower case only, accents kept)
/// is folded again when the store starts, so accent-insensitive name search
/// finds it.
#[tokio::test]
async fn names_folded_by_an_older_build_are_folded_again_at_start() {
    use mosaic_domain::{PageRequest, SearchQuery};
    let fixture = Fresh::setup().await;
    let alice = given_user(&fixture.store, "Alice").await;
    let elise = given_legacy(&fixture.store, "Élise  Müller", &alice, at(1)).await;
    sqlx::query("UPDATE legacies SET name_folded = 'élise  müller' WHERE id = $1")
        .bind(elise.id.as_uuid())
        .execute(fixture.store.pool())
        .await
        .unwrap();
    let query = SearchQuery::new("elise").unwrap();
    let found = async |store: &PostgresStore| {
        store
            .search_legacies(&query, PageRequest::first())
            .await
            .unwrap()
            .items
    };
    assert!(found(&fixture.store).await.is_empty(), "stale before");
    let again = PostgresStore::connect(&fixture.database.url, options(MigrationMode::Skip))
        .await
        .unwrap();
    assert_eq!(found(&again).await, vec![elise.clone()]);
    assert_eq!(again.refold_legacy_names().await.unwrap(), 0, "done once");
    again.close().await;
    fixture.teardown().await;
}
