//! # mosaic-postgres
//!
//! The production persistence adapter: implements the repository ports of
//! `mosaic-ports` (users, legacies, memberships, stories with revisions, media
//! records, sessions) on PostgreSQL 15+ with sqlx, using the migrations in
//! `migrations/postgres/` (built into the binary). Everything that writes
//! several rows does so in one transaction, and database errors are
//! translated into the ports' business errors (a unique violation becomes
//! `AlreadyMember`, never a 500). It knows nothing of HTTP. It passes the same
//! contract suite as the SQLite adapter (`mosaic-contract-tests`).
//!
//! ```no_run
//! # async fn example() -> Result<(), mosaic_postgres::StoreError> {
//! use mosaic_postgres::{PostgresStore, StoreOptions};
//! let store = PostgresStore::connect(
//!     "postgres://mosaic@db.internal/mosaic",
//!     StoreOptions::default(),
//! )
//! .await?;
//! # let _ = store; Ok(()) }
//! ```
//!
//! The schema needs the `pg_trgm` extension (for name search); the first
//! migration creates it, which a database owner may do on PostgreSQL 13+.

mod admin_statements;
mod invite_statements;
mod rate_limit_statements;
mod search;
mod statements;

use std::str::FromStr;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

/// Bulk loading and the generated family dataset (`mosaic-admin seed`, benchmarks).
pub use mosaic_sql_common::{BulkLoad, SeedPlan, SeedSummary, seed};
pub use mosaic_sql_common::{MigrationMode, StoreError, StoreOptions};

/// The migrations of `migrations/postgres/`, built in.
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/postgres");

/// Every repository port of Mosaic Life on one Postgres database. Cheap to
/// clone (it is a connection pool); the API's replicas each hold one.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and
    /// brings the schema up to date according to `options.migrations`.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|err| StoreError::Config(format!("invalid Postgres URL: {err}")))?
            .application_name("mosaic");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
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
            // The migrator holds an advisory lock: replicas starting
            // together apply each migration once.
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
        let has_table: bool =
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
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
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection (waits for running queries to finish).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A plain (read committed) transaction; statements that read before
    /// writing lock their rows with `FOR UPDATE`.
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }
}

mosaic_sql_common::impl_repositories!(
    store = PostgresStore,
    db = Postgres,
    statements = &statements::POSTGRES,
);

mosaic_sql_common::impl_invites!(
    store = PostgresStore,
    db = Postgres,
    statements = &statements::POSTGRES,
    invites = &invite_statements::POSTGRES_INVITES,
);

mosaic_sql_common::impl_admin_repository!(
    store = PostgresStore,
    db = Postgres,
    statements = &admin_statements::POSTGRES_ADMIN,
);

mosaic_sql_common::impl_rate_limiter!(
    store = PostgresStore,
    db = Postgres,
    statements = &rate_limit_statements::POSTGRES_RATE_LIMITS,
);
