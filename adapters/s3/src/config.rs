//! Choosing the store from configuration: S3 when a bucket is configured,
//! the local folder otherwise.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectInfo, ObjectStorage, PresignedRequest, StorageError, StoredObject};
use thiserror::Error;
use time::Duration;

use crate::download::Disposition;
use crate::local::{LocalConfig, LocalStorage};
use crate::local_url::{SigningKeyError, UrlSigningKey};
use crate::s3::{S3Config, S3Credentials, S3Storage};

/// The bucket; setting it selects S3.
pub const ENV_S3_BUCKET: &str = "MOSAIC_S3_BUCKET";
/// The bucket's region (default `us-east-1`).
pub const ENV_S3_REGION: &str = "MOSAIC_S3_REGION";
/// Endpoint of an S3-compatible store (default: AWS).
pub const ENV_S3_ENDPOINT: &str = "MOSAIC_S3_ENDPOINT";
/// `true`/`false`: path-style URLs (default: `true` with an endpoint,
/// `false` without).
pub const ENV_S3_PATH_STYLE: &str = "MOSAIC_S3_PATH_STYLE";
/// A fixed access key id for the store (with [`ENV_S3_SECRET_ACCESS_KEY`]);
/// without both, credentials come from the standard AWS chain.
pub const ENV_S3_ACCESS_KEY_ID: &str = "MOSAIC_S3_ACCESS_KEY_ID";
/// The secret of [`ENV_S3_ACCESS_KEY_ID`].
pub const ENV_S3_SECRET_ACCESS_KEY: &str = "MOSAIC_S3_SECRET_ACCESS_KEY";
/// The local media folder (default: `media/` in the data directory).
pub const ENV_MEDIA_DIR: &str = "MOSAIC_MEDIA_DIR";
/// The local URL signing key, as at least 64 hex digits (default: a random
/// key kept in `media-signing.key` in the data directory). Replicas sharing
/// one media folder must share it.
pub const ENV_MEDIA_SIGNING_KEY: &str = "MOSAIC_MEDIA_SIGNING_KEY";

/// Name of the generated signing key file in the data directory.
pub const SIGNING_KEY_FILE: &str = "media-signing.key";

/// Which store holds media.
#[derive(Debug, Clone)]
pub enum StorageConfig {
    /// S3 or an S3-compatible store.
    S3(S3Config),
    /// A local folder (the embedded default).
    Local(LocalConfig),
}

/// Why the storage configuration is unusable.
#[derive(Debug, Error)]
pub enum StorageConfigError {
    /// A variable has a value that cannot be used.
    #[error("{name}: {problem}")]
    InvalidVariable {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The local signing key is unusable.
    #[error(transparent)]
    SigningKey(#[from] SigningKeyError),
}

impl StorageConfig {
    /// Reads the `MOSAIC_S3_*` and `MOSAIC_MEDIA_*` variables (see the
    /// `ENV_*` constants). Without `MOSAIC_S3_BUCKET` media stay in a local
    /// folder under `data_dir`, served through `public_base_url`. S3
    /// credentials are `MOSAIC_S3_ACCESS_KEY_ID`/`MOSAIC_S3_SECRET_ACCESS_KEY`
    /// when both are set, the standard AWS chain otherwise. For the local
    /// store this reads, or creates, the signing key file.
    pub fn from_env(data_dir: &Path, public_base_url: &str) -> Result<Self, StorageConfigError> {
        Self::from_vars(|name| std::env::var(name).ok(), data_dir, public_base_url)
    }

    /// [`Self::from_env`] over any source of variables.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        data_dir: &Path,
        public_base_url: &str,
    ) -> Result<Self, StorageConfigError> {
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        if let Some(bucket) = var(ENV_S3_BUCKET) {
            let endpoint = var(ENV_S3_ENDPOINT);
            let path_style = match var(ENV_S3_PATH_STYLE).as_deref() {
                None => endpoint.is_some(),
                Some("true") => true,
                Some("false") => false,
                Some(other) => {
                    return Err(StorageConfigError::InvalidVariable {
                        name: ENV_S3_PATH_STYLE,
                        problem: format!("expected true or false, got {other:?}"),
                    });
                }
            };
            let credentials = match (var(ENV_S3_ACCESS_KEY_ID), var(ENV_S3_SECRET_ACCESS_KEY)) {
                (None, None) => S3Credentials::FromEnvironment,
                (Some(access_key_id), Some(secret_access_key)) => S3Credentials::Static {
                    access_key_id,
                    secret_access_key,
                },
                (Some(_), None) | (None, Some(_)) => {
                    return Err(StorageConfigError::InvalidVariable {
                        name: ENV_S3_SECRET_ACCESS_KEY,
                        problem: format!(
                            "set both {ENV_S3_ACCESS_KEY_ID} and {ENV_S3_SECRET_ACCESS_KEY}, or neither"
                        ),
                    });
                }
            };
            return Ok(StorageConfig::S3(S3Config {
                bucket,
                region: var(ENV_S3_REGION).unwrap_or_else(|| "us-east-1".to_owned()),
                endpoint,
                path_style,
                credentials,
            }));
        }
        let root = var(ENV_MEDIA_DIR)
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("media"));
        let signing_key = match var(ENV_MEDIA_SIGNING_KEY) {
            Some(hex_key) => UrlSigningKey::from_hex(&hex_key)?,
            None => UrlSigningKey::load_or_create(&data_dir.join(SIGNING_KEY_FILE))?,
        };
        Ok(StorageConfig::Local(LocalConfig {
            root,
            public_base_url: public_base_url.to_owned(),
            signing_key,
        }))
    }
}

/// The configured media store. The service takes it as its
/// [`ObjectStorage`]; the HTTP server also asks [`MediaStore::as_local`]
/// whether it must serve the local signed-URL route.
#[derive(Debug, Clone)]
pub enum MediaStore {
    /// S3 or an S3-compatible store.
    S3(S3Storage),
    /// A local folder.
    Local(LocalStorage),
}

impl MediaStore {
    /// Opens the configured store. S3 is not contacted here (see
    /// [`S3Storage::check_access`]); the local folder is created.
    pub async fn open(config: StorageConfig) -> Result<Self, StorageError> {
        Ok(match config {
            StorageConfig::S3(config) => MediaStore::S3(S3Storage::new(config).await),
            StorageConfig::Local(config) => MediaStore::Local(LocalStorage::new(config)?),
        })
    }

    /// Checks that the store can be written, read and deleted in (for
    /// `mosaic-admin storage check`); see [`S3Storage::check_access`].
    pub async fn check_access(&self) -> Result<(), StorageError> {
        match self {
            MediaStore::S3(s3) => s3.check_access().await,
            MediaStore::Local(local) => local.check_access().await,
        }
    }

    /// The local store, whose signed URLs the HTTP server must serve.
    pub fn as_local(&self) -> Option<&LocalStorage> {
        match self {
            MediaStore::Local(local) => Some(local),
            MediaStore::S3(_) => None,
        }
    }

    /// A download URL offering the file as `disposition` (the port's
    /// [`ObjectStorage::presign_download`] offers media inline).
    pub async fn presign_download_as(
        &self,
        key: &str,
        download_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        match self {
            MediaStore::S3(s3) => {
                s3.presign_download_as(key, download_name, disposition, expires_in)
                    .await
            }
            MediaStore::Local(local) => {
                local.presign_download_as(key, download_name, disposition, expires_in)
            }
        }
    }

    fn port(&self) -> &dyn ObjectStorage {
        match self {
            MediaStore::S3(s3) => s3,
            MediaStore::Local(local) => local,
        }
    }
}

#[async_trait]
impl ObjectStorage for MediaStore {
    async fn presign_upload(
        &self,
        key: &str,
        media_type: MediaType,
        size_bytes: u64,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        self.port()
            .presign_upload(key, media_type, size_bytes, expires_in)
            .await
    }

    async fn presign_download(
        &self,
        key: &str,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        self.port()
            .presign_download(key, download_name, expires_in)
            .await
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        self.port().head(key).await
    }

    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, StorageError> {
        self.port().read_prefix(key, len).await
    }

    async fn put(
        &self,
        key: &str,
        media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), StorageError> {
        self.port().put(key, media_type, bytes).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<StoredObject>, StorageError> {
        self.port().list(prefix).await
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.port().delete(key).await
    }

    async fn read(&self, key: &str) -> Result<mosaic_ports::ObjectBytes, StorageError> {
        self.port().read(key).await
    }

    async fn put_file(
        &self,
        key: &str,
        media_type: MediaType,
        path: &std::path::Path,
    ) -> Result<(), StorageError> {
        self.port().put_file(key, media_type, path).await
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        self.port().copy(from, to).await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn without_a_bucket_media_stay_in_the_data_directory() {
        let data = tempfile::tempdir().unwrap();
        let config =
            StorageConfig::from_vars(vars(&[]), data.path(), "http://127.0.0.1:8080").unwrap();
        let StorageConfig::Local(local) = config else {
            panic!("expected the local store");
        };
        assert_eq!(local.root, data.path().join("media"));
        assert!(data.path().join(SIGNING_KEY_FILE).exists());
    }

    #[test]
    fn a_bucket_selects_s3_with_path_style_for_custom_endpoints() {
        let data = tempfile::tempdir().unwrap();
        let config = StorageConfig::from_vars(
            vars(&[
                (ENV_S3_BUCKET, "media"),
                (ENV_S3_ENDPOINT, "http://127.0.0.1:9000"),
            ]),
            data.path(),
            "http://127.0.0.1:8080",
        )
        .unwrap();
        let StorageConfig::S3(s3) = config else {
            panic!("expected S3");
        };
        assert_eq!(s3.bucket, "media");
        assert_eq!(s3.region, "us-east-1");
        assert!(s3.path_style);
        assert_eq!(s3.credentials, S3Credentials::FromEnvironment);
        assert!(!data.path().join(SIGNING_KEY_FILE).exists());
    }

    #[test]
    fn fixed_keys_replace_the_aws_chain_only_when_both_are_set() {
        let data = tempfile::tempdir().unwrap();
        let config = StorageConfig::from_vars(
            vars(&[
                (ENV_S3_BUCKET, "media"),
                (ENV_S3_ACCESS_KEY_ID, "id"),
                (ENV_S3_SECRET_ACCESS_KEY, "secret"),
            ]),
            data.path(),
            "http://x",
        )
        .unwrap();
        let StorageConfig::S3(s3) = config else {
            panic!("expected S3");
        };
        assert_eq!(
            s3.credentials,
            S3Credentials::Static {
                access_key_id: "id".into(),
                secret_access_key: "secret".into()
            }
        );
        assert!(!format!("{s3:?}").contains("secret\""));
        let half = StorageConfig::from_vars(
            vars(&[(ENV_S3_BUCKET, "media"), (ENV_S3_ACCESS_KEY_ID, "id")]),
            data.path(),
            "http://x",
        );
        assert!(half.is_err());
    }

    #[test]
    fn a_bad_path_style_or_signing_key_is_refused() {
        let data = tempfile::tempdir().unwrap();
        assert!(
            StorageConfig::from_vars(
                vars(&[(ENV_S3_BUCKET, "m"), (ENV_S3_PATH_STYLE, "yes")]),
                data.path(),
                "http://x"
            )
            .is_err()
        );
        assert!(
            StorageConfig::from_vars(
                vars(&[(ENV_MEDIA_SIGNING_KEY, "abcd")]),
                data.path(),
                "http://x"
            )
            .is_err()
        );
    }
}
