//! # mosaic-sqlite
//!
//! The embedded-default persistence adapter: the same repository ports as
//! `mosaic-postgres`, on a single SQLite file in the data directory (WAL mode,
//! foreign keys on, busy timeout set) so that Mosaic Life runs with no database
//! server to install. Migrations live in `migrations/sqlite/` and are built
//! into the binary. It passes the same contract suite as the Postgres adapter
//! (`mosaic-contract-tests`).
//!
//! ```no_run
//! # async fn example() -> Result<(), mosaic_sqlite::StoreError> {
//! use mosaic_sqlite::{SqliteStore, StoreOptions};
//! let store = SqliteStore::open("/var/lib/mosaic/mosaic.db", StoreOptions::default()).await?;
//! # let _ = store; Ok(()) }
//! ```
//!
//! Writes that read first (story edits, creator transfers, legacy deletion)
//! run in `BEGIN IMMEDIATE` transactions: SQLite then takes the write lock at
//! the start, so a concurrent writer waits (up to the busy timeout) instead of
//! failing on a stale read.

mod admin_statements;
mod invite_statements;
mod rate_limit_statements;
mod search;
mod statements;

use std::path::Path;
use std::str::FromStr;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, Transaction};

/// Bulk loading and the generated family dataset (`mosaic-admin seed`, benchmarks).
pub use mosaic_sql_common::{BulkLoad, SeedPlan, SeedSummary, seed};
pub use mosaic_sql_common::{MigrationMode, StoreError, StoreOptions};

/// The migrations of `migrations/sqlite/`, built in.
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// File name of the database inside a data directory.
pub const DEFAULT_FILE_NAME: &str = "mosaic.db";

/// Every repository port of Mosaic Life on one SQLite database. Cheap to
/// clone (it is a connection pool).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its parent directories) the database
    /// file at `path` and brings its schema up to date according to
    /// `options.migrations`.
    pub async fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, StoreError> {
        let path = path.as_ref();
        create_parent_dir(path)?;
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Self::with_connect_options(connect, options, false).await
    }

    /// Opens the database named by a URL: `sqlite://path/to/file.db`,
    /// `sqlite:///absolute/path.db` or `sqlite::memory:`. Like [`Self::open`],
    /// creates a missing file and its parent directories.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|err| StoreError::Config(format!("invalid SQLite URL: {err}")))?
            .create_if_missing(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            create_parent_dir(connect.get_filename())?;
        }
        Self::with_connect_options(connect, options, in_memory).await
    }

    /// A private database in memory, migrated, gone when the store is
    /// dropped. It uses a single connection, so concurrent calls queue.
    pub async fn in_memory() -> Result<Self, StoreError> {
        Self::connect("sqlite::memory:", StoreOptions::default()).await
    }

    async fn with_connect_options(
        connect: SqliteConnectOptions,
        options: StoreOptions,
        in_memory: bool,
    ) -> Result<Self, StoreError> {
        let connect = connect
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except for the last commits on
            // power loss, and much faster than FULL.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.acquire_timeout);
        let pool = if in_memory {
            // Every connection to `:memory:` is its own database: keep
            // exactly one, forever.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(options.max_connections.max(1))
        }
        .acquire_timeout(options.acquire_timeout)
        // After some errors (a full disk: SQLITE_FULL) SQLite rolls the
        // transaction back by itself; sqlx's ROLLBACK then fails and the
        // connection keeps counting an open transaction, so every later
        // `BEGIN` on it would fail. Such a connection is closed instead of
        // being reused.
        .before_acquire(|conn, _meta| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
        .connect_with(connect)
        .await
        .map_err(StoreError::Connect)?;
        let store = Self { pool };
        store.prepare_schema(options.migrations).await?;
        Ok(store)
    }

    /// Applies pending migrations (or checks there are none, with
    /// [`MigrationMode::Skip`]); refuses a schema newer than this build.
    async fn prepare_schema(&self, mode: MigrationMode) -> Result<(), StoreError> {
        let applied = self.schema_version().await?;
        let known = mosaic_sql_common::latest_known_version(&MIGRATOR);
        if mosaic_sql_common::schema_decision(applied, known, mode)? {
            MIGRATOR
                .run(&self.pool)
                .await
                .map_err(StoreError::Migrate)?;
        }
        // Names folded by an older build (before accents were folded and
        // words spaced alike) are folded again; a no-op once done.
        self.refold_legacy_names()
            .await
            .map_err(StoreError::Refold)?;
        Ok(())
    }

    /// The version the database's schema is complete up to (see
    /// [`mosaic_sql_common::complete_schema_version`]), `None` when it has none.
    pub async fn schema_version(&self) -> Result<Option<i64>, StoreError> {
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master \
             WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::Connect)?;
        if !has_table {
            return Ok(None);
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::Connect)?;
        Ok(mosaic_sql_common::complete_schema_version(
            &applied, &MIGRATOR,
        ))
    }

    /// The latest migration this build knows.
    pub fn latest_schema_version() -> i64 {
        mosaic_sql_common::latest_known_version(&MIGRATOR)
    }

    /// The connection pool, for tools and tests that need raw SQL.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection (waits for running queries to finish).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction holding SQLite's write lock from its first statement.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

/// Creates the directory a database file goes in, when missing.
fn create_parent_dir(path: &Path) -> Result<(), StoreError> {
    match path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|err| {
            StoreError::Config(format!("cannot create directory {}: {err}", dir.display()))
        }),
        None => Ok(()),
    }
}

mosaic_sql_common::impl_repositories!(
    store = SqliteStore,
    db = Sqlite,
    statements = &statements::SQLITE,
);

mosaic_sql_common::impl_invites!(
    store = SqliteStore,
    db = Sqlite,
    statements = &statements::SQLITE,
    invites = &invite_statements::SQLITE_INVITES,
);

mosaic_sql_common::impl_admin_repository!(
    store = SqliteStore,
    db = Sqlite,
    statements = &admin_statements::SQLITE_ADMIN,
);

mosaic_sql_common::impl_rate_limiter!(
    store = SqliteStore,
    db = Sqlite,
    statements = &rate_limit_statements::SQLITE_RATE_LIMITS,
);
