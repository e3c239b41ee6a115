//! # mosaic-config
//!
//! The composition root both shells share, so that `mosaic-api` and
//! `mosaic-admin` read the same `MOSAIC_*` settings and point at the same
//! database and media store in the same way:
//!
//! - [`Config`]: settings from the environment, optionally from a TOML file
//!   named by `MOSAIC_CONFIG` (environment variables win);
//! - [`Database`]: the SQLite file (the embedded default) or Postgres,
//!   chosen by the database URL;
//! - [`Runtime`]: database + media store + [`MosaicService`], opened once.

mod config;
mod links;
mod runtime;

pub use config::{Config, ConfigError, LogFormat, Settings};
pub use links::{invite_url, sign_in_url};
pub use runtime::{Database, Runtime, StartupError};
