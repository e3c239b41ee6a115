//! Connecting and migrating: the options both stores take and the errors
//! they can fail with at start-up.

use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use thiserror::Error;

/// Whether a store applies pending migrations when it connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MigrationMode {
    /// Apply pending migrations (the default). Several processes starting at
    /// once is safe: the migrator takes a lock.
    #[default]
    Run,
    /// Apply nothing (someone runs `mosaic-admin migrate` instead), but
    /// refuse to start unless the schema is exactly the one this build knows.
    Skip,
}

/// How a store connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Whether to migrate at start-up.
    pub migrations: MigrationMode,
    /// Most connections in the pool.
    pub max_connections: u32,
    /// How long a query waits for a free connection (and, on SQLite, for the
    /// write lock) before it fails as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            migrations: MigrationMode::Run,
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Why a store could not be opened.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The URL or path is not usable.
    #[error("invalid database configuration: {0}")]
    Config(String),
    /// The database could not be reached or opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// The database was migrated by a newer build of Mosaic Life.
    #[error(
        "the database schema is at version {database}, newer than this build of Mosaic Life \
         knows (version {binary}); run the newer build or restore a backup made for this one"
    )]
    SchemaTooNew {
        /// Latest migration applied to the database.
        database: i64,
        /// Latest migration this build carries.
        binary: i64,
    },
    /// Migrations are pending but the store was told not to run them.
    #[error(
        "the database schema is at version {database:?} but this build needs version {binary}; \
         run `mosaic-admin migrate` or start with migrations enabled"
    )]
    SchemaBehind {
        /// Latest migration applied to the database (`None`: empty database).
        database: Option<i64>,
        /// Latest migration this build carries.
        binary: i64,
    },
    /// Applying a migration failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[source] MigrateError),
    /// Bringing derived data up to date after migrating failed (legacy
    /// names folded for search).
    #[error("updating the legacy names folded for search failed: {0}")]
    Refold(#[source] mosaic_ports::RepoError),
}

/// The latest version among a migrator's migrations.
pub fn latest_known_version(migrator: &Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The schema version a database is at, from the versions it has applied
/// (`applied`, any order): the latest known migration up to which *every*
/// known migration is applied. A migration that arrived with a lower number
/// than one already applied (two branches landing out of order) thus counts
/// as pending, and runs. A version this build does not know (a newer build
/// migrated the database) is reported as is. `None`: nothing applied.
pub fn complete_schema_version(applied: &[i64], migrator: &Migrator) -> Option<i64> {
    let known: Vec<i64> = migrator.iter().map(|m| m.version).collect();
    complete_version(applied, known)
}

fn complete_version(applied: &[i64], mut known: Vec<i64>) -> Option<i64> {
    let latest_applied = applied.iter().copied().max()?;
    known.sort_unstable();
    known.dedup();
    if latest_applied > known.last().copied().unwrap_or(0) {
        return Some(latest_applied);
    }
    let mut complete = None;
    for version in known {
        if !applied.contains(&version) {
            break;
        }
        complete = Some(version);
    }
    complete
}

/// Decides whether a database at schema version `applied` may be used by
/// this build (which knows up to `known`) in `mode`, and whether migrations
/// must run. `Ok(true)`: run them; `Ok(false)`: nothing to do.
pub fn schema_decision(
    applied: Option<i64>,
    known: i64,
    mode: MigrationMode,
) -> Result<bool, StoreError> {
    match (applied, mode) {
        (Some(database), _) if database > known => Err(StoreError::SchemaTooNew {
            database,
            binary: known,
        }),
        (Some(database), _) if database == known => Ok(false),
        (_, MigrationMode::Run) => Ok(true),
        (database, MigrationMode::Skip) => Err(StoreError::SchemaBehind {
            database,
            binary: known,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_migration_numbered_below_an_applied_one_is_still_pending() {
        let known = || vec![1, 2, 3, 4];
        assert_eq!(complete_version(&[], known()), None);
        assert_eq!(complete_version(&[1, 2, 3, 4], known()), Some(4));
        // 3 landed after 4 was applied: the database is complete up to 2 only.
        assert_eq!(complete_version(&[1, 2, 4], known()), Some(2));
        assert!(
            schema_decision(complete_version(&[1, 2, 4], known()), 4, MigrationMode::Run).unwrap()
        );
        assert_eq!(complete_version(&[2], known()), None);
        // A newer build's migration is reported, so it is refused as too new.
        assert_eq!(complete_version(&[1, 2, 3, 4, 5], known()), Some(5));
    }

    #[test]
    fn newer_schema_is_refused_in_both_modes() {
        for mode in [MigrationMode::Run, MigrationMode::Skip] {
            assert!(matches!(
                schema_decision(Some(5), 4, mode),
                Err(StoreError::SchemaTooNew {
                    database: 5,
                    binary: 4
                })
            ));
        }
    }

    #[test]
    fn pending_migrations_run_unless_skipped() {
        assert!(schema_decision(None, 4, MigrationMode::Run).unwrap());
        assert!(schema_decision(Some(3), 4, MigrationMode::Run).unwrap());
        assert!(matches!(
            schema_decision(Some(3), 4, MigrationMode::Skip),
            Err(StoreError::SchemaBehind { .. })
        ));
        assert!(!schema_decision(Some(4), 4, MigrationMode::Skip).unwrap());
    }

    #[test]
    fn too_new_message_says_what_to_do() {
        let message = StoreError::SchemaTooNew {
            database: 9,
            binary: 4,
        }
        .to_string();
        assert!(message.contains("version 9"), "{message}");
        assert!(message.contains("newer"), "{message}");
    }
}
