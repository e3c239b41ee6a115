//! Settings from `MOSAIC_*` environment variables and an optional TOML file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why the configuration cannot be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file named by `MOSAIC_CONFIG` cannot be read or parsed.
    #[error("cannot use the configuration file {path}: {problem}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A setting has a value that cannot be used.
    #[error("{name}: {problem}")]
    Invalid {
        /// The variable.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

/// Where settings come from: the environment first, then the TOML file
/// named by `MOSAIC_CONFIG`, whose keys are the variable names without the
/// `MOSAIC_` prefix, in lower case (`database_url = "postgres://…"`).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    env: HashMap<String, String>,
    file: HashMap<String, String>,
}

impl Settings {
    /// Reads the process environment and the optional file.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_pairs(std::env::vars())
    }

    /// Settings from given variables (and the file they name); for tests.
    pub fn from_pairs(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("MOSAIC_"))
            .collect();
        let file = match env.get("MOSAIC_CONFIG").filter(|p| !p.is_empty()) {
            Some(path) => read_file(Path::new(path))?,
            None => HashMap::new(),
        };
        Ok(Self { env, file })
    }

    /// The value of a `MOSAIC_*` setting, if set (empty counts as unset).
    pub fn get(&self, name: &str) -> Option<String> {
        let from_file = || {
            let key = name
                .strip_prefix("MOSAIC_")
                .unwrap_or(name)
                .to_ascii_lowercase();
            self.file.get(&key).cloned()
        };
        self.env
            .get(name)
            .cloned()
            .or_else(from_file)
            .filter(|v| !v.trim().is_empty())
    }
}

fn read_file(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    let problem = |problem: String| ConfigError::File {
        path: path.to_owned(),
        problem,
    };
    let text = std::fs::read_to_string(path).map_err(|e| problem(e.to_string()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| problem(e.to_string()))?;
    table
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(problem(format!(
                        "'{key}' must be a string, number or boolean, not {}",
                        other.type_str()
                    )));
                }
            };
            Ok((key.to_ascii_lowercase(), text))
        })
        .collect()
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line (for log collectors).
    Json,
    /// Human-readable lines (for a terminal).
    Text,
}

/// Everything both shells need to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the server listens (`MOSAIC_BIND`, default `127.0.0.1:8080`).
    pub bind: String,
    /// Where `/metrics` (Prometheus) is served, apart from the public
    /// listener so that the public never sees it (`MOSAIC_METRICS_BIND`,
    /// e.g. `127.0.0.1:9090`; default: not served).
    pub metrics_bind: Option<String>,
    /// The URL people use to reach the server (`MOSAIC_PUBLIC_URL`, default
    /// `http://` + bind address). Links and cookies are built from it.
    pub public_url: String,
    /// Where the SQLite file and local media live (`MOSAIC_DATA_DIR`,
    /// default `./data`).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`MOSAIC_DATABASE_URL`, default: the
    /// SQLite file `mosaic.db` in the data directory).
    pub database_url: String,
    /// Whether to migrate at start-up (`MOSAIC_MIGRATE`, default `true`).
    pub migrate: bool,
    /// The built web app (`MOSAIC_WEB_DIR`, default `web/dist` when it
    /// exists).
    pub web_dir: Option<PathBuf>,
    /// Media bytes per user (`MOSAIC_MEDIA_QUOTA_BYTES`, default 1 GiB).
    pub media_quota_bytes: u64,
    /// How long a presigned upload URL works, in seconds
    /// (`MOSAIC_UPLOAD_URL_SECONDS`, default 900).
    pub upload_url_seconds: u32,
    /// Stories one person may create per minute (`MOSAIC_STORIES_PER_MINUTE`,
    /// default 10).
    pub stories_per_minute: u32,
    /// Sign-in attempts per minute from one address
    /// (`MOSAIC_SIGN_INS_PER_MINUTE`, default 20).
    pub sign_ins_per_minute: u32,
    /// How many proxies of the operator's stand in front of the server, so
    /// that the client's address is read from `X-Forwarded-For`
    /// (`MOSAIC_TRUSTED_PROXY_HOPS`, default 0: clients connect directly).
    pub trusted_proxy_hops: u32,
    /// After SIGTERM, how long the server keeps serving with `/ready`
    /// answering 503, so a load balancer moves traffic away before
    /// connections close (`MOSAIC_SHUTDOWN_DRAIN_SECONDS`, default 5; 0
    /// skips it; Ctrl-C never drains).
    pub shutdown_drain_seconds: u32,
    /// Then how long in-flight requests may take to finish
    /// (`MOSAIC_SHUTDOWN_GRACE_SECONDS`, default 20).
    pub shutdown_grace_seconds: u32,
    /// Connections served at once; more wait in the accept queue
    /// (`MOSAIC_MAX_CONNECTIONS`, default 1024).
    pub max_connections: u32,
    /// How long a client may take to send a request's header before the
    /// connection is closed (`MOSAIC_HEADER_READ_TIMEOUT_SECONDS`, default 10).
    pub header_read_timeout_seconds: u32,
    /// How long a client may take to send a JSON API request's body before
    /// it is answered 408 (`MOSAIC_BODY_READ_TIMEOUT_SECONDS`, default 30).
    pub body_read_timeout_seconds: u32,
    /// A connection with no traffic for this long is closed
    /// (`MOSAIC_IDLE_TIMEOUT_SECONDS`, default 60).
    pub idle_timeout_seconds: u32,
    /// How long a query waits for a database connection (or, on SQLite,
    /// the write lock) before the request is answered 503
    /// (`MOSAIC_DATABASE_TIMEOUT_SECONDS`, default 5).
    pub database_timeout_seconds: u32,
    /// Archive exports and imports one person may start per hour
    /// (`MOSAIC_ARCHIVES_PER_HOUR`, default 20).
    pub archives_per_hour: u32,
    /// The language stories are stemmed in (`MOSAIC_SEARCH_LANGUAGE`,
    /// default `english`; `simple` stems nothing). New databases start in
    /// English; `mosaic-admin search reindex` rebuilds the index in this
    /// language.
    pub search_language: mosaic_domain::SearchLanguage,
    /// Log format (`MOSAIC_LOG_FORMAT`: `json` or `text`, default `json`).
    pub log_format: LogFormat,
    /// Address of the first account, created on first start
    /// (`MOSAIC_ADMIN_EMAIL`, default `admin@localhost`).
    pub first_admin_email: String,
    /// Questions one person may ask the AI companion per day
    /// (`MOSAIC_AI_MESSAGES_PER_DAY`, default 100).
    pub ai_messages_per_day: u32,
    /// How long a background job is leased to the worker that claimed it,
    /// in seconds: a job whose worker died is claimed again after this
    /// (`MOSAIC_JOB_LEASE_SECONDS`, default 60).
    pub job_lease_seconds: u32,
    /// How often an idle worker looks for due jobs, in milliseconds
    /// (`MOSAIC_JOB_POLL_MILLIS`, default 1000).
    pub job_poll_millis: u32,
    /// All raw settings, for adapters that read their own (`MOSAIC_S3_*`).
    pub settings: Settings,
}

impl Config {
    /// Reads the process environment (and the `MOSAIC_CONFIG` file).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_settings(Settings::from_env()?)
    }

    /// Builds the configuration from settings.
    pub fn from_settings(settings: Settings) -> Result<Self, ConfigError> {
        let bind = settings
            .get("MOSAIC_BIND")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let metrics_bind = settings.get("MOSAIC_METRICS_BIND");
        let public_url = settings
            .get("MOSAIC_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(invalid(
                "MOSAIC_PUBLIC_URL",
                "must start with http:// or https://",
            ));
        }
        let data_dir = PathBuf::from(
            settings
                .get("MOSAIC_DATA_DIR")
                .unwrap_or_else(|| "data".to_owned()),
        );
        let database_url = settings
            .get("MOSAIC_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("mosaic.db").display()));
        let migrate = parse_bool(&settings, "MOSAIC_MIGRATE", true)?;
        let web_dir = match settings.get("MOSAIC_WEB_DIR") {
            Some(dir) => Some(PathBuf::from(dir)),
            None => Some(PathBuf::from("web/dist")).filter(|dir| dir.join("index.html").is_file()),
        };
        let media_quota_bytes = match settings.get("MOSAIC_MEDIA_QUOTA_BYTES") {
            Some(v) => v.parse().map_err(|_| {
                invalid(
                    "MOSAIC_MEDIA_QUOTA_BYTES",
                    "must be a whole number of bytes",
                )
            })?,
            None => 1024 * 1024 * 1024,
        };
        let upload_url_seconds = parse_count(&settings, "MOSAIC_UPLOAD_URL_SECONDS", 900)?;
        let stories_per_minute = parse_count(&settings, "MOSAIC_STORIES_PER_MINUTE", 10)?;
        let sign_ins_per_minute = parse_count(&settings, "MOSAIC_SIGN_INS_PER_MINUTE", 20)?;
        let trusted_proxy_hops = parse_number(&settings, "MOSAIC_TRUSTED_PROXY_HOPS", 0)?;
        let ai_messages_per_day = parse_count(&settings, "MOSAIC_AI_MESSAGES_PER_DAY", 100)?;
        let shutdown_drain_seconds = parse_number(&settings, "MOSAIC_SHUTDOWN_DRAIN_SECONDS", 5)?;
        let shutdown_grace_seconds = parse_number(&settings, "MOSAIC_SHUTDOWN_GRACE_SECONDS", 20)?;
        let archives_per_hour = parse_count(&settings, "MOSAIC_ARCHIVES_PER_HOUR", 20)?;
        let job_lease_seconds = parse_count(&settings, "MOSAIC_JOB_LEASE_SECONDS", 60)?;
        let job_poll_millis = parse_count(&settings, "MOSAIC_JOB_POLL_MILLIS", 1000)?;
        let max_connections = parse_count(&settings, "MOSAIC_MAX_CONNECTIONS", 1024)?;
        let header_read_timeout_seconds =
            parse_count(&settings, "MOSAIC_HEADER_READ_TIMEOUT_SECONDS", 10)?;
        let body_read_timeout_seconds =
            parse_count(&settings, "MOSAIC_BODY_READ_TIMEOUT_SECONDS", 30)?;
        let idle_timeout_seconds = parse_count(&settings, "MOSAIC_IDLE_TIMEOUT_SECONDS", 60)?;
        let database_timeout_seconds =
            parse_count(&settings, "MOSAIC_DATABASE_TIMEOUT_SECONDS", 5)?;
        let search_language = match settings.get("MOSAIC_SEARCH_LANGUAGE") {
            None => mosaic_domain::SearchLanguage::default(),
            Some(name) => mosaic_domain::SearchLanguage::new(&name).map_err(|_| {
                invalid(
                    "MOSAIC_SEARCH_LANGUAGE",
                    &format!(
                        "must be one of {}",
                        mosaic_domain::SearchLanguage::SUPPORTED.join(", ")
                    ),
                )
            })?,
        };
        let log_format = match settings.get("MOSAIC_LOG_FORMAT").as_deref() {
            None | Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(_) => return Err(invalid("MOSAIC_LOG_FORMAT", "must be json or text")),
        };
        let first_admin_email = settings
            .get("MOSAIC_ADMIN_EMAIL")
            .unwrap_or_else(|| "admin@localhost".to_owned());
        Ok(Self {
            bind,
            metrics_bind,
            public_url,
            data_dir,
            database_url,
            migrate,
            web_dir,
            media_quota_bytes,
            upload_url_seconds,
            stories_per_minute,
            sign_ins_per_minute,
            trusted_proxy_hops,
            ai_messages_per_day,
            shutdown_drain_seconds,
            shutdown_grace_seconds,
            archives_per_hour,
            max_connections,
            header_read_timeout_seconds,
            body_read_timeout_seconds,
            idle_timeout_seconds,
            database_timeout_seconds,
            search_language,
            log_format,
            first_admin_email,
            job_lease_seconds,
            job_poll_millis,
            settings,
        })
    }

    /// Whether the public URL is https (cookies then get `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn invalid(name: &str, problem: &str) -> ConfigError {
    ConfigError::Invalid {
        name: name.to_owned(),
        problem: problem.to_owned(),
    }
}

fn parse_count(settings: &Settings, name: &str, default: u32) -> Result<u32, ConfigError> {
    match settings.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid(name, "must be a whole number above 0")),
    }
}

fn parse_number(settings: &Settings, name: &str, default: u32) -> Result<u32, ConfigError> {
    match settings.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| invalid(name, "must be a whole number (0 or more)")),
    }
}

fn parse_bool(settings: &Settings, name: &str, default: bool) -> Result<bool, ConfigError> {
    match settings
        .get(name)
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(_) => Err(invalid(name, "must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_settings(Settings::from_pairs(
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )?)
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = config(&[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://data/mosaic.db");
        assert!(c.migrate);
        assert!(!c.is_https());
    }

    #[test]
    fn file_settings_apply_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mosaic.toml");
        std::fs::write(
            &file,
            "bind = \"127.0.0.1:9000\"\nmigrate = false\npublic_url = \"https://family.example\"\n",
        )
        .unwrap();
        let c = config(&[
            ("MOSAIC_CONFIG", file.to_str().unwrap()),
            ("MOSAIC_BIND", "127.0.0.1:9100"),
        ])
        .unwrap();
        assert_eq!(c.bind, "127.0.0.1:9100");
        assert!(!c.migrate);
        assert!(c.is_https());
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        let err = config(&[("MOSAIC_MIGRATE", "perhaps")]).unwrap_err();
        assert!(err.to_string().contains("MOSAIC_MIGRATE"));
        assert!(config(&[("MOSAIC_PUBLIC_URL", "family.example")]).is_err());
        let err = config(&[("MOSAIC_SHUTDOWN_DRAIN_SECONDS", "-1")]).unwrap_err();
        assert!(err.to_string().contains("MOSAIC_SHUTDOWN_DRAIN_SECONDS"));
    }

    #[test]
    fn connection_and_database_timeouts_are_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(
            (
                c.max_connections,
                c.header_read_timeout_seconds,
                c.body_read_timeout_seconds,
                c.idle_timeout_seconds,
                c.database_timeout_seconds
            ),
            (1024, 10, 30, 60, 5)
        );
        let c = config(&[
            ("MOSAIC_MAX_CONNECTIONS", "50"),
            ("MOSAIC_HEADER_READ_TIMEOUT_SECONDS", "2"),
            ("MOSAIC_DATABASE_TIMEOUT_SECONDS", "3"),
        ])
        .unwrap();
        assert_eq!(
            (
                c.max_connections,
                c.header_read_timeout_seconds,
                c.database_timeout_seconds
            ),
            (50, 2, 3)
        );
        let err = config(&[("MOSAIC_HEADER_READ_TIMEOUT_SECONDS", "0")]).unwrap_err();
        assert!(
            err.to_string()
                .contains("MOSAIC_HEADER_READ_TIMEOUT_SECONDS")
        );
    }

    #[test]
    fn shutdown_drain_and_grace_are_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(
            (c.shutdown_drain_seconds, c.shutdown_grace_seconds),
            (5, 20)
        );
        let c = config(&[
            ("MOSAIC_SHUTDOWN_DRAIN_SECONDS", "0"),
            ("MOSAIC_SHUTDOWN_GRACE_SECONDS", "45"),
        ])
        .unwrap();
        assert_eq!(
            (c.shutdown_drain_seconds, c.shutdown_grace_seconds),
            (0, 45)
        );
    }
}
