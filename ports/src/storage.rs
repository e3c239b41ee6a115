//! The object-storage port: where the bytes of photos and videos live.

use std::path::Path;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use mosaic_domain::MediaType;
use thiserror::Error;
use time::{Duration, OffsetDateTime};

/// What a client needs to send one HTTP request straight to storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedRequest {
    /// `PUT` for uploads, `GET` for downloads.
    pub method: String,
    /// The signed URL.
    pub url: String,
    /// Headers the client MUST send exactly as given (for uploads:
    /// `Content-Type` and `Content-Length`, which the signature covers).
    pub headers: Vec<(String, String)>,
}

/// What storage knows of a stored object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Size in bytes.
    pub size_bytes: u64,
}

/// One object found by [`ObjectStorage::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// Its key.
    pub key: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// When it was last written.
    pub last_modified: OffsetDateTime,
}

/// Why a storage call failed.
#[derive(Debug, Error)]
pub enum StorageError {
    /// No object has this key.
    #[error("object not found")]
    NotFound,
    /// Storage cannot be reached or refused the credentials.
    #[error("object storage unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// An object's bytes, chunk by chunk (see [`ObjectStorage::read`]).
pub type ObjectBytes = BoxStream<'static, Result<Bytes, StorageError>>;

/// Object storage for media: S3, an S3-compatible store, or a local folder.
/// Keys are built by the caller from ids, never from user file names.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ObjectStorage: Send + Sync {
    /// A URL to upload exactly `size_bytes` bytes of `media_type` to `key`
    /// within `expires_in`. Where the store supports it, the signature MUST
    /// cover content type and length so that nothing else can be uploaded.
    async fn presign_upload(
        &self,
        key: &str,
        media_type: MediaType,
        size_bytes: u64,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError>;

    /// A URL to download `key` within `expires_in`, offered to the browser
    /// as `download_name`.
    async fn presign_download(
        &self,
        key: &str,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError>;

    /// Size of the stored object. MUST return `Ok(None)` when there is none.
    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError>;

    /// Up to `len` first bytes of the object (for magic-number checks).
    /// MUST return [`StorageError::NotFound`] when there is no object.
    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, StorageError>;

    /// Stores `bytes` under `key` as `media_type`, replacing any object
    /// there. For objects the server makes itself (thumbnails), never for
    /// uploads, which go straight from the browser to a presigned URL.
    async fn put(
        &self,
        key: &str,
        media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), StorageError>;

    /// Every object whose key starts with `prefix`, which MUST be empty or
    /// end with `/` (a folder). Objects still being uploaded MUST NOT be
    /// listed (a local store's staging files are not objects).
    async fn list(&self, prefix: &str) -> Result<Vec<StoredObject>, StorageError>;

    /// Deletes the object. MUST succeed when there is no object (idempotent).
    async fn delete(&self, key: &str) -> Result<(), StorageError>;

    /// The object's bytes as a stream, read as the stream is polled (never
    /// the whole object in memory). MUST return [`StorageError::NotFound`]
    /// when there is no object.
    async fn read(&self, key: &str) -> Result<ObjectBytes, StorageError>;

    /// Stores the local file at `path` under `key` as `media_type`,
    /// streaming it (never the whole file in memory), replacing any object
    /// there. For objects the server makes itself (archive imports).
    async fn put_file(
        &self,
        key: &str,
        media_type: MediaType,
        path: &Path,
    ) -> Result<(), StorageError>;

    /// Copies the object at `from` to `to` inside the store (replacing any
    /// object at `to`). MUST return [`StorageError::NotFound`] when there is
    /// no object at `from`.
    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError>;
}
