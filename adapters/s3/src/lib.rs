//! # mosaic-s3
//!
//! The object-storage adapter for photos and videos: S3 and S3-compatible
//! stores (presigned uploads and downloads with aws-sdk-s3) for production,
//! and a local directory through `object_store` as the embedded default. Keys
//! are built from ids, never from file names. It implements the
//! object-storage port of `mosaic-ports` ([`mosaic_ports::ObjectStorage`]).
//!
//! The upload flow is the same for both stores: the service asks for a
//! presigned upload, the browser sends the bytes straight to that URL with
//! the headers given, then the service registers the media after checking
//! its size ([`ObjectStorage::head`]) and magic number
//! ([`ObjectStorage::read_prefix`]).
//!
//! - [`S3Storage`]: a presigned PUT whose signature covers `Content-Type`
//!   and `Content-Length`, so the store refuses any other type or size;
//!   presigned GETs that fix the response's `Content-Type` and
//!   `Content-Disposition`. [`S3Storage::check_access`] and
//!   [`cors_configuration_json`] are for `mosaic-admin storage check`.
//! - [`LocalStorage`]: URLs of the Mosaic server itself under
//!   [`LOCAL_MEDIA_PATH`], signed with HMAC-SHA256 (format in
//!   [`local_url`]). The HTTP route checks a request with
//!   [`LocalStorage::verify_upload`] / [`LocalStorage::verify_download`] and
//!   moves the bytes with [`LocalStorage::write_object`] /
//!   [`LocalStorage::read_object`].
//! - [`StorageConfig::from_env`] and [`MediaStore::open`] pick one from the
//!   environment: S3 when `MOSAIC_S3_BUCKET` is set, the local folder
//!   otherwise.
//!
//! | variable | meaning |
//! |---|---|
//! | `MOSAIC_S3_BUCKET` | the bucket; setting it selects S3 |
//! | `MOSAIC_S3_REGION` | its region (default `us-east-1`) |
//! | `MOSAIC_S3_ENDPOINT` | an S3-compatible store's URL (default: AWS) |
//! | `MOSAIC_S3_PATH_STYLE` | `true`/`false` (default: `true` exactly when an endpoint is set) |
//! | `MOSAIC_S3_ACCESS_KEY_ID`, `MOSAIC_S3_SECRET_ACCESS_KEY` | fixed S3 keys (both or neither); without them: |
//! | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, … | S3 credentials: the standard AWS chain (also profiles, IRSA, instance roles) |
//! | `MOSAIC_MEDIA_DIR` | the local folder (default `<data dir>/media`) |
//! | `MOSAIC_MEDIA_SIGNING_KEY` | local URL signing key, ≥ 64 hex digits (default: generated once into `<data dir>/media-signing.key`) |
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::path::Path;
//! use std::sync::Arc;
//! use mosaic_s3::{MediaStore, StorageConfig};
//!
//! let config = StorageConfig::from_env(Path::new("data"), "http://127.0.0.1:8080")?;
//! let store = MediaStore::open(config).await?;
//! let serve_local_route = store.as_local().cloned();
//! let port: Arc<dyn mosaic_ports::ObjectStorage> = Arc::new(store);
//! # let _ = (serve_local_route, port);
//! # Ok(())
//! # }
//! ```

mod config;
mod download;
mod key;
mod local;
pub mod local_url;
mod s3;

#[cfg(doc)]
use mosaic_ports::ObjectStorage;

pub use config::{
    ENV_MEDIA_DIR, ENV_MEDIA_SIGNING_KEY, ENV_S3_ACCESS_KEY_ID, ENV_S3_BUCKET, ENV_S3_ENDPOINT,
    ENV_S3_PATH_STYLE, ENV_S3_REGION, ENV_S3_SECRET_ACCESS_KEY, MediaStore, SIGNING_KEY_FILE,
    StorageConfig, StorageConfigError,
};
pub use download::{Disposition, DownloadHeaders, content_disposition, media_type_of_name};
pub use key::{InvalidKey, MAX_KEY_BYTES, StorageKey};
pub use local::{LocalConfig, LocalObject, LocalStorage, LocalWriteError};
pub use local_url::{
    LOCAL_MEDIA_PATH, LocalUrlError, SigningKeyError, UrlSigningKey, VerifiedDownload,
    VerifiedUpload,
};
pub use s3::{S3Config, S3Credentials, S3Storage, cors_configuration_json};
