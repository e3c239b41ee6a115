//! What every command gets: the configuration, the output mode, and a way to
//! open the database, media store and services the way the server does.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use mosaic_config::{Config, Database, Runtime};
use mosaic_ports::{AdminRepo, AdminService, MosaicService};

use crate::CliError;

/// The configuration and output mode of one run.
#[derive(Debug)]
pub struct Context {
    /// The server's configuration (same variables, same file).
    pub config: Config,
    /// `--json`: machine-readable output, no progress bars.
    pub json: bool,
}

/// The opened runtime and the operator's service over it.
#[derive(Debug)]
pub struct Opened {
    /// Database, media store and service.
    pub runtime: Runtime,
    /// The operator's use cases.
    pub admin: AdminService,
}

impl Opened {
    /// The ordinary application service.
    pub fn service(&self) -> &MosaicService {
        self.admin.service()
    }
}

/// Whether a command may bring a database into existence (a new SQLite
/// file) or needs one that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Fail with a clear message when the SQLite file does not exist.
    Required,
    /// Create it (seed, restore, migrate run).
    MayCreate,
}

impl Context {
    /// Reads `MOSAIC_*` from the environment and the `MOSAIC_CONFIG` file.
    pub fn from_env(json: bool) -> Result<Self, CliError> {
        Ok(Self {
            config: Config::from_env()?,
            json,
        })
    }

    /// Whether to draw progress bars: on a terminal, without `--json`.
    pub fn show_progress(&self) -> bool {
        !self.json && std::io::stderr().is_terminal()
    }

    /// Opens database (migrating as the configuration says, like the
    /// server), media store and services.
    pub async fn open(&self, existing: Existing) -> Result<Opened, CliError> {
        if existing == Existing::Required {
            self.require_existing_database()?;
        }
        let runtime = Runtime::open(&self.config).await?;
        let admin = AdminService::new(runtime.service.clone(), admin_repo(&runtime.database));
        Ok(Opened { runtime, admin })
    }

    /// Refuses to go on when the configured SQLite file does not exist, so
    /// that a mistyped path is not silently answered from a new, empty
    /// database.
    pub fn require_existing_database(&self) -> Result<(), CliError> {
        if let Some(path) = sqlite_file(&self.config.database_url)
            && !path.exists()
        {
            return Err(CliError::new(format!(
                "no database at {} (check MOSAIC_DATABASE_URL / MOSAIC_DATA_DIR; \
                 `mosaic-admin migrate run` creates a new one)",
                path.display()
            )));
        }
        Ok(())
    }
}

/// The file of a `sqlite:` URL (`None` for in-memory and other databases).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The operator's port of the configured database.
pub fn admin_repo(database: &Database) -> Arc<dyn AdminRepo> {
    match database {
        Database::Sqlite(store) => store.clone(),
        Database::Postgres(store) => store.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/mosaic.db"),
            Some(PathBuf::from("data/mosaic.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/m.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/m.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/mosaic"), None);
    }
}
