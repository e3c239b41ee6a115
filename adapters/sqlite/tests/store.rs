//! The SQLite store against the shared contract suite, plus what only this
//! adapter has: file settings, migrations, bad stored data, failures.
//! Each test gets its own database file in its own temporary directory.

use mosaic_contract_tests::data::{at, given_legacy, given_user, new_id, story};
use mosaic_contract_tests::{Fixture, contract_tests};
use mosaic_domain::{UserId, Visibility};
use mosaic_ports::{LegacyRepo, MembershipRepo, RepoError, StoreHealth, StoryRepo, UserRepo};
use mosaic_sqlite::{MigrationMode, SqliteStore, StoreError, StoreOptions};
use tempfile::TempDir;

/// A store on a new file in a new temporary directory.
struct FreshFile {
    store: SqliteStore,
    dir: TempDir,
}

impl Fixture for FreshFile {
    type Store = SqliteStore;

    async fn setup() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = SqliteStore::open(dir.path().join("mosaic.db"), StoreOptions::default())
            .await
            .expect("open SQLite store");
        Self { store, dir }
    }

    fn store(&self) -> &SqliteStore {
        &self.store
    }

    async fn teardown(self) {
        self.store.close().await;
        drop(self.dir);
    }
}

contract_tests!(FreshFile);

#[tokio::test]
async fn file_uses_wal_foreign_keys_and_a_busy_timeout() {
    let fixture = FreshFile::setup().await;
    let pool = fixture.store.pool();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(busy_timeout_ms, 5_000);
    fixture.teardown().await;
}

#[tokio::test]
async fn reopening_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("mosaic.db");
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let alice = given_user(&store, "Alice").await;
    assert_eq!(
        store.schema_version().await.unwrap(),
        Some(SqliteStore::latest_schema_version())
    );
    store.close().await;
    for mode in [MigrationMode::Run, MigrationMode::Skip] {
        let options = StoreOptions {
            migrations: mode,
            ..StoreOptions::default()
        };
        let store = SqliteStore::open(&path, options).await.unwrap();
        assert_eq!(store.get_user(alice.id).await.unwrap(), alice);
        store.close().await;
    }
}

#[tokio::test]
async fn schema_newer_than_the_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mosaic.db");
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', TRUE, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    for mode in [MigrationMode::Run, MigrationMode::Skip] {
        let options = StoreOptions {
            migrations: mode,
            ..StoreOptions::default()
        };
        let err = SqliteStore::open(&path, options).await.unwrap_err();
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
}

#[tokio::test]
async fn skipping_migrations_on_an_empty_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        migrations: MigrationMode::Skip,
        ..StoreOptions::default()
    };
    let err = SqliteStore::open(dir.path().join("mosaic.db"), options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaBehind { database: None, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("mosaic-admin migrate"), "{err}");
}

#[tokio::test]
async fn url_names_a_file_whose_directories_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("data").join("mosaic.db");
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::connect(&url, StoreOptions::default())
        .await
        .unwrap();
    let alice = given_user(&store, "Alice").await;
    store.close().await;
    assert!(path.is_file());
    let again = SqliteStore::connect(&url, StoreOptions::default())
        .await
        .unwrap();
    assert_eq!(again.get_user(alice.id).await.unwrap(), alice);
    again.close().await;
}

#[tokio::test]
async fn in_memory_store_works() {
    let store = SqliteStore::in_memory().await.unwrap();
    store.ping().await.unwrap();
    let alice = given_user(&store, "Alice").await;
    assert_eq!(store.get_user(alice.id).await.unwrap(), alice);
    let by_url = SqliteStore::connect("sqlite::memory:", StoreOptions::default())
        .await
        .unwrap();
    // A separate in-memory database.
    assert_eq!(by_url.count_users().await.unwrap(), 0);
}

#[tokio::test]
async fn unopenable_file_is_a_connect_error() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be.
    let err = SqliteStore::open(dir.path(), StoreOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Connect(_)), "{err:?}");
}

#[tokio::test]
async fn closed_store_is_unavailable() {
    let fixture = FreshFile::setup().await;
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
}

#[tokio::test]
async fn invalid_stored_role_is_an_internal_error() {
    let fixture = FreshFile::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    // Only a bug or a hand edit could store this: the CHECK must be off.
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("UPDATE legacy_members SET role = 'owner' WHERE legacy_id = ?1")
        .bind(grandma.id.as_uuid())
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let result = store.get_membership(grandma.id, alice.id).await;
    assert!(matches!(result, Err(RepoError::Internal(_))), "{result:?}");
    fixture.teardown().await;
}

#[tokio::test]
async fn invalid_utf8_or_over_long_story_is_an_internal_error() {
    let fixture = FreshFile::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let bad_bytes = story(grandma.id, alice.id, "bytes", Visibility::Public, at(2));
    let too_long = story(grandma.id, alice.id, "long", Visibility::Public, at(3));
    store.create_story(&bad_bytes).await.unwrap();
    store.create_story(&too_long).await.unwrap();
    sqlx::query("UPDATE stories SET title = CAST(x'4fff' AS TEXT) WHERE id = ?1")
        .bind(bad_bytes.id.as_uuid())
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE stories SET title = ?2 WHERE id = ?1")
        .bind(too_long.id.as_uuid())
        .bind("t".repeat(501))
        .execute(store.pool())
        .await
        .unwrap();
    for id in [bad_bytes.id, too_long.id] {
        let result = store.get_story(id).await;
        assert!(matches!(result, Err(RepoError::Internal(_))), "{result:?}");
    }
    let listed = store
        .list_stories(
            grandma.id,
            mosaic_domain::ReadScope::public_only(),
            mosaic_domain::PageRequest::first(),
        )
        .await;
    assert!(matches!(listed, Err(RepoError::Internal(_))), "{listed:?}");
    fixture.teardown().await;
}

#[tokio::test]
async fn failure_inside_a_transaction_leaves_nothing_half_written() {
    let fixture = FreshFile::setup().await;
    let store = &fixture.store;
    let alice = given_user(store, "Alice").await;
    // The second statement of create_legacy (the creator's membership) fails.
    sqlx::query(
        "CREATE TRIGGER fail_membership BEFORE INSERT ON legacy_members \
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let grandma = mosaic_contract_tests::data::legacy("Jane Doe", alice.id, at(1));
    let result = store
        .create_legacy(&grandma, &mosaic_contract_tests::data::creator_of(&grandma))
        .await;
    assert!(result.is_err());
    assert!(matches!(
        store.get_legacy(grandma.id).await,
        Err(RepoError::NotFound)
    ));

    // The revision of update_story is written, then the update fails.
    let grandpa = {
        sqlx::query("DROP TRIGGER fail_membership")
            .execute(store.pool())
            .await
            .unwrap();
        given_legacy(store, "John Doe", &alice, at(2)).await
    };
    let memory = story(grandpa.id, alice.id, "memory", Visibility::Public, at(3));
    store.create_story(&memory).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER fail_story_update BEFORE UPDATE OF title ON stories \
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let edit = mosaic_contract_tests::data::draft("edit", Visibility::Public);
    let revision = mosaic_domain::RevisionId::from_uuid(new_id());
    assert!(
        store
            .update_story(memory.id, &edit, revision, at(4))
            .await
            .is_err()
    );
    assert!(store.list_revisions(memory.id).await.unwrap().is_empty());
    assert_eq!(store.get_story(memory.id).await.unwrap().story, memory);
    fixture.teardown().await;
}

#[tokio::test]
async fn seeded_dataset_reads_back_through_the_ports() {
    let fixture = FreshFile::setup().await;
    mosaic_contract_tests::seeding::seeded_dataset_reads_back_through_the_ports(&fixture.store)
        .await;
    fixture.teardown().await;
}

/// The ids a public search of `legacy` finds for `text`.
async fn public_search(
    store: &SqliteStore,
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
/// typed, and its triggers keep both indexes in step afterwards.
#[tokio::test]
async fn search_prefix_migration_indexes_existing_stories() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mosaic.db");
    let mut before = sqlx::migrate!("../../migrations/sqlite");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 6)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    before.run(&mut conn).await.unwrap();
    let (user, legacy, story) = (new_id(), new_id(), new_id());
    let micros = |n| i64::try_from(at(n).unix_timestamp_nanos() / 1_000).unwrap();
    sqlx::query(
        "INSERT INTO users (id, email, name, is_admin, disabled, created_at, updated_at) \
         VALUES (?1, 'ada@example.org', 'Ada', 0, 0, ?2, ?2)",
    )
    .bind(user)
    .bind(micros(1))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO legacies (id, name, name_folded, created_by, created_at, updated_at) \
         VALUES (?1, 'Jane Doe', 'jane doe', ?2, ?3, ?3)",
    )
    .bind(legacy)
    .bind(user)
    .bind(micros(1))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO stories (id, legacy_id, author_id, title, content, visibility, \
         created_at, updated_at) VALUES (?1, ?2, ?3, 'Summer', 'The bicycle of José.', \
         'public', ?4, ?4)",
    )
    .bind(story)
    .bind(legacy)
    .bind(user)
    .bind(micros(2))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let id = mosaic_domain::StoryId::from_uuid(story);
    for text in ["bicy", "jos", "the ", "bicycles "] {
        assert_eq!(public_search(&store, legacy, text).await, [id], "{text:?}");
    }
    // Edited and deleted afterwards: the triggers of 0006 keep both
    // indexes in step.
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query("UPDATE stories SET content = 'A tricycle.' WHERE id = ?1")
        .bind(story)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert!(public_search(&store, legacy, "bicy").await.is_empty());
    assert_eq!(public_search(&store, legacy, "tric").await, [id]);
    store.close().await;
}

/// A legacy name folded by an older build (lower case only, accents kept)
/// is folded again when the store opens, so accent-insensitive name search
/// finds it.
#[tokio::test]
async fn names_folded_by_an_older_build_are_folded_again_at_open() {
    use mosaic_domain::{PageRequest, SearchQuery};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mosaic.db");
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    let alice = given_user(&store, "Alice").await;
    let elise = given_legacy(&store, "Élise  Müller", &alice, at(1)).await;
    sqlx::query("UPDATE legacies SET name_folded = 'élise  müller' WHERE id = ?1")
        .bind(elise.id.as_uuid())
        .execute(store.pool())
        .await
        .unwrap();
    let query = SearchQuery::new("elise").unwrap();
    let found = async |store: &SqliteStore| {
        store
            .search_legacies(&query, PageRequest::first())
            .await
            .unwrap()
            .items
    };
    assert!(found(&store).await.is_empty(), "stale before");
    store.close().await;
    let again = SqliteStore::open(&path, StoreOptions::default())
        .await
        .unwrap();
    assert_eq!(found(&again).await, vec![elise.clone()]);
    assert_eq!(again.refold_legacy_names().await.unwrap(), 0, "done once");
    again.close().await;
}
