//! Media in a local directory through `object_store`: the embedded default.
//!
//! There is no S3 to presign against, so uploads and downloads go through
//! the Mosaic server itself, at URLs it signed (see [`crate::local_url`]).
//! The HTTP route verifies the URL with [`LocalStorage::verify_upload`] or
//! [`LocalStorage::verify_download`], then streams the body with
//! [`LocalStorage::write_object`] or [`LocalStorage::read_object`].

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectInfo, ObjectStorage, PresignedRequest, StorageError, StoredObject};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use thiserror::Error;
use time::{Duration, OffsetDateTime};

use crate::download::{Disposition, DownloadHeaders};
use crate::key::StorageKey;
use crate::local_url::{
    LocalUrlError, LocalUrlSigner, UrlSigningKey, VerifiedDownload, VerifiedUpload,
};
use crate::s3::{PROBE_KEY, check_prefix};

/// Where the local store keeps files and how it signs its URLs.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// The media folder; created when missing.
    pub root: PathBuf,
    /// The URL browsers reach the Mosaic server at, e.g.
    /// `http://127.0.0.1:8080`; signed URLs start with it.
    pub public_base_url: String,
    /// Signs and verifies the URLs.
    pub signing_key: UrlSigningKey,
}

/// Media files in a local folder.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    store: Arc<LocalFileSystem>,
    signer: LocalUrlSigner,
}

/// A stored object, ready to be streamed as a response body.
pub struct LocalObject {
    /// Its size, for `Content-Length`.
    pub size_bytes: u64,
    /// Its bytes.
    pub body: BoxStream<'static, Result<Bytes, StorageError>>,
}

impl std::fmt::Debug for LocalObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalObject")
            .field("size_bytes", &self.size_bytes)
            .finish_non_exhaustive()
    }
}

/// Why an upload body was not stored. Nothing is left behind in any case.
#[derive(Debug, Error)]
pub enum LocalWriteError {
    /// The body went on past the signed size.
    #[error("the upload is larger than the {signed} bytes it was signed for")]
    TooLarge {
        /// The signed size.
        signed: u64,
    },
    /// The body ended before the signed size.
    #[error("the upload has {received} bytes, not the {signed} it was signed for")]
    TooSmall {
        /// The signed size.
        signed: u64,
        /// What arrived.
        received: u64,
    },
    /// Reading the request body failed (for example, the client went away).
    #[error("the upload body could not be read")]
    Body(#[source] anyhow::Error),
    /// Writing the file failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Parts written to the staging file at a time (object_store buffers up to
/// this much per upload).
const WRITE_CHUNK_BYTES: usize = 1024 * 1024;

impl LocalStorage {
    /// Opens (and creates when missing) the media folder.
    pub fn new(config: LocalConfig) -> Result<Self, StorageError> {
        std::fs::create_dir_all(&config.root).map_err(|err| {
            StorageError::Unavailable(anyhow::Error::new(err).context(format!(
                "cannot create the media folder {}",
                config.root.display()
            )))
        })?;
        let store = LocalFileSystem::new_with_prefix(&config.root)
            .map_err(|err| StorageError::Unavailable(err.into()))?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
            signer: LocalUrlSigner::new(config.signing_key, &config.public_base_url),
        })
    }

    /// Checks that the media folder can be written, read and deleted in,
    /// with a small probe file that is removed again.
    pub async fn check_access(&self) -> Result<(), StorageError> {
        const PROBE: &[u8] = b"mosaic storage check";
        let path = ObjectPath::from(PROBE_KEY);
        let unavailable = |what: &'static str| {
            move |err: object_store::Error| {
                StorageError::Unavailable(anyhow::Error::new(err).context(what))
            }
        };
        self.store
            .put(&path, PutPayload::from_static(PROBE))
            .await
            .map_err(unavailable("a probe file cannot be written"))?;
        let read = self
            .store
            .get(&path)
            .await
            .map_err(unavailable("the probe file cannot be read"))?
            .bytes()
            .await
            .map_err(unavailable("the probe file cannot be read"))?;
        if read.as_ref() != PROBE {
            return Err(StorageError::Unavailable(anyhow::anyhow!(
                "the probe file came back with other content"
            )));
        }
        self.store
            .delete(&path)
            .await
            .map_err(unavailable("the probe file cannot be deleted"))?;
        Ok(())
    }

    /// Checks a request to an upload URL: `key` is the path after
    /// [`crate::LOCAL_MEDIA_PATH`], `query` the raw query string, and
    /// `content_type` and `content_length` the request's headers. The
    /// signature is checked first, then expiry, method, type and size.
    pub fn verify_upload(
        &self,
        key: &str,
        query: &str,
        content_type: Option<&str>,
        content_length: Option<u64>,
        now: OffsetDateTime,
    ) -> Result<VerifiedUpload, LocalUrlError> {
        self.signer
            .verify_upload(key, query, content_type, content_length, now)
    }

    /// Checks a request to a download URL; the answer carries the headers
    /// to respond with.
    pub fn verify_download(
        &self,
        key: &str,
        query: &str,
        now: OffsetDateTime,
    ) -> Result<VerifiedDownload, LocalUrlError> {
        self.signer.verify_download(key, query, now)
    }

    /// Streams a verified upload's body into place. The file appears only
    /// when exactly the signed number of bytes arrived (it is written to a
    /// staging file and renamed); a longer body is cut off as soon as it
    /// passes the signed size.
    pub async fn write_object<S, E>(
        &self,
        upload: &VerifiedUpload,
        body: S,
    ) -> Result<ObjectInfo, LocalWriteError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<anyhow::Error>,
    {
        let path = object_path(&upload.key);
        let multipart = self
            .store
            .put_multipart(&path)
            .await
            .map_err(storage_error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(multipart, WRITE_CHUNK_BYTES);
        let mut body = std::pin::pin!(body);
        let mut received: u64 = 0;
        let outcome = loop {
            let chunk = match body.next().await {
                None => break Ok(()),
                Some(Err(err)) => break Err(LocalWriteError::Body(err.into())),
                Some(Ok(chunk)) => chunk,
            };
            received += chunk.len() as u64;
            if received > upload.size_bytes {
                break Err(LocalWriteError::TooLarge {
                    signed: upload.size_bytes,
                });
            }
            if let Err(err) = writer.wait_for_capacity(2).await {
                break Err(storage_error(err).into());
            }
            writer.put(chunk);
        };
        let outcome = outcome.and_then(|()| {
            if received == upload.size_bytes {
                Ok(())
            } else {
                Err(LocalWriteError::TooSmall {
                    signed: upload.size_bytes,
                    received,
                })
            }
        });
        match outcome {
            Ok(()) => {
                writer.finish().await.map_err(storage_error)?;
                Ok(ObjectInfo {
                    size_bytes: received,
                })
            }
            Err(err) => {
                if let Err(abort_err) = writer.abort().await {
                    tracing::warn!(key = upload.key(), error = %abort_err, "staging file of a refused upload was not removed");
                }
                Err(err)
            }
        }
    }

    /// [`Self::write_object`] for a body already in memory.
    pub async fn write_object_bytes(
        &self,
        upload: &VerifiedUpload,
        body: Bytes,
    ) -> Result<ObjectInfo, LocalWriteError> {
        let stream = futures_util::stream::once(async { Ok::<_, std::convert::Infallible>(body) });
        self.write_object(upload, stream).await
    }

    /// The object's bytes as a stream, for a streamed response. Call it with
    /// [`VerifiedDownload::key`] after [`Self::verify_download`].
    pub async fn read_object(&self, key: &str) -> Result<LocalObject, StorageError> {
        let key = parse_key(key)?;
        let result = self
            .store
            .get(&object_path(&key))
            .await
            .map_err(storage_error)?;
        let size_bytes = result.meta.size;
        let body = result.into_stream().map_err(storage_error).boxed();
        Ok(LocalObject { size_bytes, body })
    }

    /// A signed download URL offering the file as `disposition`.
    pub fn presign_download_as(
        &self,
        key: &str,
        download_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        let key = parse_key(key)?;
        let headers = DownloadHeaders::for_file(download_name, disposition);
        let url = self
            .signer
            .download_url(&key, &headers, download_name, expiry(expires_in));
        Ok(PresignedRequest {
            method: "GET".to_owned(),
            url,
            headers: Vec::new(),
        })
    }
}

#[async_trait]
impl ObjectStorage for LocalStorage {
    async fn presign_upload(
        &self,
        key: &str,
        media_type: MediaType,
        size_bytes: u64,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        let key = parse_key(key)?;
        let url = self
            .signer
            .upload_url(&key, media_type, size_bytes, expiry(expires_in));
        Ok(PresignedRequest {
            method: "PUT".to_owned(),
            url,
            headers: vec![
                ("Content-Type".to_owned(), media_type.mime().to_owned()),
                ("Content-Length".to_owned(), size_bytes.to_string()),
            ],
        })
    }

    /// Inline for the accepted media types (see [`DownloadHeaders::for_file`]).
    async fn presign_download(
        &self,
        key: &str,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        self.presign_download_as(key, download_name, Disposition::Inline, expires_in)
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        let key = parse_key(key)?;
        match self.store.head(&object_path(&key)).await {
            Ok(meta) => Ok(Some(ObjectInfo {
                size_bytes: meta.size,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(storage_error(err)),
        }
    }

    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, StorageError> {
        let key = parse_key(key)?;
        let path = object_path(&key);
        // The size first: a range past the end of the file is an error.
        let size = self.store.head(&path).await.map_err(storage_error)?.size;
        let end = size.min(len as u64);
        if end == 0 {
            return Ok(Vec::new());
        }
        let bytes = self
            .store
            .get_range(&path, 0..end)
            .await
            .map_err(storage_error)?;
        Ok(bytes.to_vec())
    }

    /// Written to a staging file and renamed, so a reader never sees half
    /// a file.
    async fn put(
        &self,
        key: &str,
        _media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        self.store
            .put(&object_path(&key), PutPayload::from(bytes))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    /// Staging files of uploads in progress are not listed (`object_store`
    /// skips them).
    async fn list(&self, prefix: &str) -> Result<Vec<StoredObject>, StorageError> {
        check_prefix(prefix)?;
        let folder = ObjectPath::from(prefix.trim_end_matches('/'));
        let folder = (!prefix.is_empty()).then_some(&folder);
        let metas: Vec<object_store::ObjectMeta> = match self.store.list(folder).try_collect().await
        {
            Ok(metas) => metas,
            // A folder that does not exist yet holds nothing.
            Err(object_store::Error::NotFound { .. }) => Vec::new(),
            Err(err) => return Err(storage_error(err)),
        };
        metas
            .into_iter()
            .map(|meta| {
                let last_modified =
                    OffsetDateTime::from_unix_timestamp(meta.last_modified.timestamp()).map_err(
                        |err| StorageError::Internal(anyhow::Error::new(err).context("file time")),
                    )?;
                Ok(StoredObject {
                    key: meta.location.to_string(),
                    size_bytes: meta.size,
                    last_modified,
                })
            })
            .collect()
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        match self.store.delete(&object_path(&key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(storage_error(err)),
        }
    }

    async fn read(&self, key: &str) -> Result<mosaic_ports::ObjectBytes, StorageError> {
        Ok(self.read_object(key).await?.body)
    }

    /// Streamed through a staging file and renamed, like uploads.
    async fn put_file(
        &self,
        key: &str,
        _media_type: MediaType,
        path: &std::path::Path,
    ) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        let file = tokio::fs::File::open(path).await.map_err(|err| {
            StorageError::Internal(anyhow::Error::new(err).context("opening the file to store"))
        })?;
        let multipart = self
            .store
            .put_multipart(&object_path(&key))
            .await
            .map_err(storage_error)?;
        let mut writer = WriteMultipart::new_with_chunk_size(multipart, WRITE_CHUNK_BYTES);
        let mut chunks = tokio_util::io::ReaderStream::with_capacity(file, WRITE_CHUNK_BYTES);
        let outcome = loop {
            match chunks.next().await {
                None => break Ok(()),
                Some(Err(err)) => {
                    break Err(StorageError::Internal(
                        anyhow::Error::new(err).context("reading the file to store"),
                    ));
                }
                Some(Ok(chunk)) => {
                    if let Err(err) = writer.wait_for_capacity(2).await {
                        break Err(storage_error(err));
                    }
                    writer.put(chunk);
                }
            }
        };
        match outcome {
            Ok(()) => writer.finish().await.map(|_| ()).map_err(storage_error),
            Err(err) => {
                let _ = writer.abort().await;
                Err(err)
            }
        }
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let (from, to) = (parse_key(from)?, parse_key(to)?);
        self.store
            .copy(&object_path(&from), &object_path(&to))
            .await
            .map_err(storage_error)
    }
}

fn parse_key(key: &str) -> Result<StorageKey, StorageError> {
    StorageKey::parse(key).map_err(|err| StorageError::Internal(err.into()))
}

/// `StorageKey` allows only characters that `object_store` paths keep as
/// they are, so this conversion never changes the key.
fn object_path(key: &StorageKey) -> ObjectPath {
    ObjectPath::from(key.as_str())
}

/// Unix time at which a URL made now with lifetime `expires_in` expires.
fn expiry(expires_in: Duration) -> i64 {
    (OffsetDateTime::now_utc() + expires_in).unix_timestamp()
}

fn storage_error(err: object_store::Error) -> StorageError {
    match err {
        object_store::Error::NotFound { .. } => StorageError::NotFound,
        other => StorageError::Internal(other.into()),
    }
}
