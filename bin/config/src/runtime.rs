//! Opening the database and media store and building the service.

use std::sync::Arc;

use mosaic_domain::DailyQuota;
use mosaic_images::{ImageThumbnailer, ThumbnailSettings};
use mosaic_openai::{OpenAiConfig, OpenAiConfigError, OpenAiModel};
use mosaic_ports::{
    CompanionPorts, CompanionSettings, ConversationRepo, JobQueue, LanguageModel, MosaicService,
    ObjectStorage, Ports, RandomIds, RateLimiter, RepoError, ServiceSettings, StoreHealth,
    StoryEmbeddings, SystemClock,
};
use mosaic_postgres::PostgresStore;
use mosaic_s3::{MediaStore, StorageConfig};
use mosaic_sqlite::SqliteStore;
use mosaic_sqlite::{MigrationMode, StoreError, StoreOptions};
use thiserror::Error;

use crate::Config;

/// Why the shells could not start.
#[derive(Debug, Error)]
pub enum StartupError {
    /// The database cannot be opened or has the wrong schema.
    #[error(transparent)]
    Database(#[from] StoreError),
    /// The media store cannot be configured or opened.
    #[error("media storage: {0}")]
    Storage(String),
    /// The AI companion's settings cannot be used.
    #[error(transparent)]
    Companion(#[from] OpenAiConfigError),
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The database the configuration points at.
#[derive(Debug, Clone)]
pub enum Database {
    /// The embedded default.
    Sqlite(Arc<SqliteStore>),
    /// Production.
    Postgres(Arc<PostgresStore>),
}

impl Database {
    /// Opens the database named by `url` (`sqlite://path` or
    /// `postgres://…`), migrating or not.
    pub async fn open(url: &str, migrations: MigrationMode) -> Result<Self, StoreError> {
        Self::open_with(
            url,
            StoreOptions {
                migrations,
                ..StoreOptions::default()
            },
        )
        .await
    }

    /// Like [`Database::open`] with every store option.
    pub async fn open_with(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(Arc::new(
                PostgresStore::connect(url, options).await?,
            )))
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(Arc::new(
                SqliteStore::connect(url, options).await?,
            )))
        } else {
            Err(StoreError::Config(format!(
                "MOSAIC_DATABASE_URL must start with sqlite:// or postgres://, not '{}'",
                url.split(':').next().unwrap_or("")
            )))
        }
    }

    /// The service's ports over this database and the given media store.
    pub fn ports(&self, storage: Arc<dyn ObjectStorage>) -> Ports {
        match self {
            Self::Sqlite(store) => Ports::from_store(
                store.clone(),
                storage,
                Arc::new(SystemClock),
                Arc::new(RandomIds),
            ),
            Self::Postgres(store) => Ports::from_store(
                store.clone(),
                storage,
                Arc::new(SystemClock),
                Arc::new(RandomIds),
            ),
        }
    }

    /// The archive repository of this database (export snapshots, imports).
    pub fn archives(&self) -> Arc<dyn mosaic_ports::ArchiveRepo> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// Invite links, kept in this database.
    pub fn invites(&self) -> Arc<dyn mosaic_ports::InviteRepo> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// The rate limiter kept in this database (shared by every process
    /// using it).
    pub fn rate_limiter(&self) -> Arc<dyn RateLimiter> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// The background-job queue kept in this database (shared by every
    /// process using it).
    pub fn jobs(&self) -> Arc<dyn JobQueue> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// The story embeddings kept in this database.
    pub fn embeddings(&self) -> Arc<dyn StoryEmbeddings> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// The AI companion's conversations, kept in this database.
    pub fn conversations(&self) -> Arc<dyn ConversationRepo> {
        match self {
            Self::Sqlite(store) => store.clone(),
            Self::Postgres(store) => store.clone(),
        }
    }

    /// Connections open in the pool, and how many of them are idle.
    pub fn pool_connections(&self) -> (u32, usize) {
        match self {
            Self::Sqlite(store) => (store.pool().size(), store.pool().num_idle()),
            Self::Postgres(store) => (store.pool().size(), store.pool().num_idle()),
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(store) => store.close().await,
            Self::Postgres(store) => store.close().await,
        }
    }
}

#[async_trait::async_trait]
impl StoreHealth for Database {
    async fn ping(&self) -> Result<(), RepoError> {
        match self {
            Self::Sqlite(store) => store.ping().await,
            Self::Postgres(store) => store.ping().await,
        }
    }
}

/// Database, media store and service, opened once per process.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The database.
    pub database: Database,
    /// The media store.
    pub media: MediaStore,
    /// The application service over both.
    pub service: MosaicService,
}

impl Runtime {
    /// Opens everything the configuration names. Migrations run when the
    /// configuration says so.
    pub async fn open(config: &Config) -> Result<Self, StartupError> {
        let migrations = if config.migrate {
            MigrationMode::Run
        } else {
            MigrationMode::Skip
        };
        Self::open_with(config, migrations).await
    }

    /// Like [`Runtime::open`] with an explicit migration mode.
    pub async fn open_with(
        config: &Config,
        migrations: MigrationMode,
    ) -> Result<Self, StartupError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartupError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let options = StoreOptions {
            migrations,
            acquire_timeout: std::time::Duration::from_secs(u64::from(
                config.database_timeout_seconds,
            )),
            ..StoreOptions::default()
        };
        let database = Database::open_with(&config.database_url, options).await?;
        let storage_config = StorageConfig::from_vars(
            |name| config.settings.get(name),
            &config.data_dir,
            &config.public_url,
        )
        .map_err(|e| StartupError::Storage(e.to_string()))?;
        let media = MediaStore::open(storage_config)
            .await
            .map_err(|e| StartupError::Storage(e.to_string()))?;
        let settings = ServiceSettings {
            media_quota_bytes: config.media_quota_bytes,
            upload_url_lifetime: time::Duration::seconds(i64::from(config.upload_url_seconds)),
            ..ServiceSettings::default()
        };
        let model = companion_model(config)?;
        let service = MosaicService::new(database.ports(Arc::new(media.clone())), settings)
            .with_thumbnails(Arc::new(
                ImageThumbnailer::new(ThumbnailSettings::default()),
            ))
            .with_archives(database.archives())
            .with_invites(database.invites())
            .with_companion(CompanionPorts {
                model,
                conversations: database.conversations(),
                limiter: database.rate_limiter(),
                embeddings: database.embeddings(),
                jobs: database.jobs(),
                settings: CompanionSettings {
                    quota: DailyQuota::new(config.ai_messages_per_day),
                    ..CompanionSettings::default()
                },
            });
        Ok(Self {
            database,
            media,
            service,
        })
    }
}

/// The configured language model, if `MOSAIC_AI_BASE_URL` is set (the API
/// key is never logged; the endpoint and model are).
fn companion_model(config: &Config) -> Result<Option<Arc<dyn LanguageModel>>, StartupError> {
    let Some(settings) = OpenAiConfig::from_vars(|name| config.settings.get(name))? else {
        tracing::info!("the AI companion is off: MOSAIC_AI_BASE_URL is not set");
        return Ok(None);
    };
    tracing::info!(
        base_url = %settings.base_url,
        model = %settings.model,
        embedding_model = settings.embedding_model.as_deref().unwrap_or("none"),
        "the AI companion is on"
    );
    let model = OpenAiModel::new(settings)
        .map_err(|e| StartupError::Storage(format!("AI model client: {e}")))?;
    Ok(Some(Arc::new(model)))
}
