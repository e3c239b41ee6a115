//! Media in S3 or an S3-compatible store, with presigned requests.
//!
//! The browser uploads straight to the bucket with a presigned PUT whose
//! signature covers `Content-Type` and `Content-Length`, so the store itself
//! refuses a body of another type or size. Downloads are presigned GETs
//! that make the store answer with a fixed `Content-Type` and a safe
//! `Content-Disposition`.

use std::fmt;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectInfo, ObjectStorage, PresignedRequest, StorageError, StoredObject};
use time::{Duration, OffsetDateTime};

use crate::download::{Disposition, DownloadHeaders};
use crate::key::StorageKey;

/// Where the bucket is and how to sign in to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// The bucket holding every media object.
    pub bucket: String,
    /// Its region, e.g. `eu-west-1` (S3-compatible stores usually accept
    /// `us-east-1`).
    pub region: String,
    /// Endpoint of an S3-compatible store (`http://127.0.0.1:9000`); `None`
    /// for AWS.
    pub endpoint: Option<String>,
    /// Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted
    /// ones (`bucket.endpoint/key`); most S3-compatible stores need them.
    pub path_style: bool,
    /// The credentials.
    pub credentials: S3Credentials,
}

/// How the adapter gets AWS credentials.
#[derive(Clone, PartialEq, Eq)]
pub enum S3Credentials {
    /// The standard AWS chain: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
    /// (and `AWS_SESSION_TOKEN`), profiles, web identity (Kubernetes IRSA),
    /// container and instance metadata.
    FromEnvironment,
    /// Fixed keys (tests, S3-compatible stores configured by hand).
    Static {
        /// The access key id.
        access_key_id: String,
        /// The secret; never printed.
        secret_access_key: String,
    },
}

impl fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3Credentials::FromEnvironment => f.write_str("FromEnvironment"),
            S3Credentials::Static { access_key_id, .. } => f
                .debug_struct("Static")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"..")
                .finish(),
        }
    }
}

/// Media in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Storage {
    client: Client,
    bucket: String,
}

/// Longest any call to the store may take, retries included. Browsers
/// upload and download with presigned URLs; this client moves at most a
/// photo (up to 50 MB, read once at registration to make its thumbnail) and
/// thumbnails, so a call that takes longer means the store is in trouble,
/// and a request must not hang on it.
const OPERATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Key of the object `check_access` writes and removes again.
pub(crate) const PROBE_KEY: &str = "mosaic-storage-check/probe";

impl S3Storage {
    /// Builds the client. Nothing is sent yet: call [`Self::check_access`]
    /// to find out whether the bucket can be used.
    pub async fn new(config: S3Config) -> Self {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).region(Region::new(config.region));
        if let S3Credentials::Static {
            access_key_id,
            secret_access_key,
        } = config.credentials
        {
            loader = loader.credentials_provider(Credentials::new(
                access_key_id,
                secret_access_key,
                None,
                None,
                "mosaic-static",
            ));
        }
        let shared = loader.load().await;
        let mut builder = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(config.path_style)
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(endpoint) = config.endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        Self {
            client: Client::from_conf(builder.build()),
            bucket: config.bucket,
        }
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Checks that the bucket exists and that these credentials may write,
    /// read and delete in it, with a small probe object that is removed
    /// again. The error says which step failed.
    pub async fn check_access(&self) -> Result<(), StorageError> {
        const PROBE: &[u8] = b"mosaic storage check";
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|err| unavailable("the bucket cannot be reached", err))?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(PROBE_KEY)
            .content_type("text/plain")
            .body(ByteStream::from_static(PROBE))
            .send()
            .await
            .map_err(|err| unavailable("a probe object cannot be written", err))?;
        let read = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(PROBE_KEY)
            .send()
            .await
            .map_err(|err| unavailable("the probe object cannot be read", err))?
            .body
            .collect()
            .await
            .map_err(|err| {
                StorageError::Unavailable(
                    anyhow::Error::new(err).context("the probe object cannot be read"),
                )
            })?
            .into_bytes();
        if read.as_ref() != PROBE {
            return Err(StorageError::Unavailable(anyhow::anyhow!(
                "the probe object came back with other content"
            )));
        }
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(PROBE_KEY)
            .send()
            .await
            .map_err(|err| unavailable("the probe object cannot be deleted", err))?;
        Ok(())
    }

    /// A presigned GET offering the file as `disposition`.
    pub async fn presign_download_as(
        &self,
        key: &str,
        download_name: &str,
        disposition: Disposition,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        let key = parse_key(key)?;
        let headers = DownloadHeaders::for_file(download_name, disposition);
        let presigned = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .response_content_type(headers.content_type)
            .response_content_disposition(headers.content_disposition)
            .response_cache_control("private, no-store")
            .presigned(presigning_config(expires_in)?)
            .await
            .map_err(sdk_error)?;
        Ok(presigned_request(&presigned))
    }
}

/// The CORS configuration the bucket needs so that browsers on
/// `allowed_origins` (e.g. `https://mosaic.example.org`) may upload with
/// presigned PUTs and read with presigned GETs, in the JSON form `aws s3api
/// put-bucket-cors --cors-configuration file://cors.json` takes.
/// `Content-Length` is set by the browser itself and needs no rule.
pub fn cors_configuration_json(allowed_origins: &[&str]) -> String {
    let configuration = serde_json::json!({
        "CORSRules": [{
            "AllowedOrigins": allowed_origins,
            "AllowedMethods": ["PUT", "GET", "HEAD"],
            "AllowedHeaders": ["Content-Type"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000
        }]
    });
    serde_json::to_string_pretty(&configuration).expect("a JSON value always serializes")
}

#[async_trait]
impl ObjectStorage for S3Storage {
    async fn presign_upload(
        &self,
        key: &str,
        media_type: MediaType,
        size_bytes: u64,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        let key = parse_key(key)?;
        let content_length = i64::try_from(size_bytes)
            .map_err(|_| StorageError::Internal(anyhow::anyhow!("upload size out of range")))?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(media_type.mime())
            .content_length(content_length)
            .presigned(presigning_config(expires_in)?)
            .await
            .map_err(sdk_error)?;
        Ok(presigned_request(&presigned))
    }

    /// Inline for the accepted media types (see [`DownloadHeaders::for_file`]).
    async fn presign_download(
        &self,
        key: &str,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<PresignedRequest, StorageError> {
        self.presign_download_as(key, download_name, Disposition::Inline, expires_in)
            .await
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        let key = parse_key(key)?;
        let result = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await;
        match result.map_err(sdk_error) {
            Ok(output) => {
                let size = output.content_length().unwrap_or(0);
                Ok(Some(ObjectInfo {
                    size_bytes: u64::try_from(size).unwrap_or(0),
                }))
            }
            Err(StorageError::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, StorageError> {
        let key = parse_key(key)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str());
        let request = if len == 0 {
            // An existence check only; `bytes=0--1` would be invalid.
            request.range("bytes=0-0")
        } else {
            request.range(format!("bytes=0-{}", len - 1))
        };
        let output = match request.send().await {
            Ok(output) => output,
            // 416: the object exists but is empty.
            Err(err) if status_of(&err) == Some(416) => return Ok(Vec::new()),
            Err(err) => return Err(sdk_error(err)),
        };
        // Read only what is needed, even if a store ignored the range.
        let mut body = output.body;
        let mut prefix = Vec::with_capacity(len);
        while prefix.len() < len {
            match body.next().await {
                Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
                Some(Err(err)) => {
                    return Err(StorageError::Unavailable(
                        anyhow::Error::new(err).context("reading the start of an object"),
                    ));
                }
                None => break,
            }
        }
        prefix.truncate(len);
        Ok(prefix)
    }

    async fn put(
        &self,
        key: &str,
        media_type: MediaType,
        bytes: Vec<u8>,
    ) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(media_type.mime())
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<StoredObject>, StorageError> {
        check_prefix(prefix)?;
        let mut objects = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(continuation.take())
                .send()
                .await
                .map_err(sdk_error)?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                let last_modified = object
                    .last_modified()
                    .and_then(|at| OffsetDateTime::from_unix_timestamp(at.secs()).ok())
                    .ok_or_else(|| {
                        StorageError::Internal(anyhow::anyhow!(
                            "the store listed {key} without a valid modification time"
                        ))
                    })?;
                objects.push(StoredObject {
                    key: key.to_owned(),
                    size_bytes: u64::try_from(object.size().unwrap_or(0)).unwrap_or(0),
                    last_modified,
                });
            }
            match page.next_continuation_token() {
                Some(token) if page.is_truncated() == Some(true) => {
                    continuation = Some(token.to_owned());
                }
                _ => break,
            }
        }
        Ok(objects)
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        let result = self
            .client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await;
        match result.map_err(sdk_error) {
            // S3 answers 204 for a missing key; some compatible stores 404.
            Ok(_) | Err(StorageError::NotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }

    async fn read(&self, key: &str) -> Result<mosaic_ports::ObjectBytes, StorageError> {
        let key = parse_key(key)?;
        let output = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(sdk_error)?;
        let chunks = futures_util::stream::unfold(output.body, |mut body| async move {
            body.next().await.map(|chunk| {
                let chunk = chunk.map_err(|err| {
                    StorageError::Unavailable(anyhow::Error::new(err).context("reading an object"))
                });
                (chunk, body)
            })
        });
        Ok(Box::pin(chunks))
    }

    /// The SDK streams the file from disk (its length is known, so one
    /// signed PUT).
    async fn put_file(
        &self,
        key: &str,
        media_type: MediaType,
        path: &std::path::Path,
    ) -> Result<(), StorageError> {
        let key = parse_key(key)?;
        let body = ByteStream::from_path(path).await.map_err(|err| {
            StorageError::Internal(anyhow::Error::new(err).context("opening the file to store"))
        })?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(media_type.mime())
            .body(body)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let (from, to) = (parse_key(from)?, parse_key(to)?);
        // Keys hold only URL-safe characters (see `StorageKey`).
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{}", self.bucket, from.as_str()))
            .key(to.as_str())
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(())
    }
}

fn parse_key(key: &str) -> Result<StorageKey, StorageError> {
    StorageKey::parse(key).map_err(|err| StorageError::Internal(err.into()))
}

/// A listing prefix is empty or a valid key followed by `/` (a folder).
pub(crate) fn check_prefix(prefix: &str) -> Result<(), StorageError> {
    if prefix.is_empty() {
        return Ok(());
    }
    match prefix.strip_suffix('/') {
        Some(folder) => parse_key(folder).map(|_| ()),
        None => Err(StorageError::Internal(anyhow::anyhow!(
            "a listing prefix must end with '/': {prefix:?}"
        ))),
    }
}

fn presigning_config(expires_in: Duration) -> Result<PresigningConfig, StorageError> {
    let expires_in = std::time::Duration::try_from(expires_in)
        .map_err(|_| StorageError::Internal(anyhow::anyhow!("negative URL lifetime")))?;
    PresigningConfig::expires_in(expires_in).map_err(|err| StorageError::Internal(err.into()))
}

fn presigned_request(presigned: &aws_sdk_s3::presigning::PresignedRequest) -> PresignedRequest {
    PresignedRequest {
        method: presigned.method().to_owned(),
        url: presigned.uri().to_owned(),
        headers: presigned
            .headers()
            .map(|(name, value)| (canonical_header_name(name), value.to_owned()))
            .collect(),
    }
}

/// `content-type` → `Content-Type`, as clients and docs spell headers.
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn status_of<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    err.raw_response()
        .map(|response| response.status().as_u16())
}

/// Missing objects become [`StorageError::NotFound`]; network failures,
/// refused credentials and a missing bucket [`StorageError::Unavailable`];
/// the rest [`StorageError::Internal`].
fn sdk_error<E>(err: SdkError<E, HttpResponse>) -> StorageError
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    let status = status_of(&err);
    let code = err.code().map(str::to_owned);
    let message = anyhow::anyhow!("{}", DisplayErrorContext(&err));
    if code.as_deref() == Some("NoSuchBucket") {
        return StorageError::Unavailable(message);
    }
    match (&err, status) {
        (SdkError::DispatchFailure(_) | SdkError::TimeoutError(_), _) => {
            StorageError::Unavailable(message)
        }
        (_, Some(404)) => StorageError::NotFound,
        (_, Some(401 | 403)) => StorageError::Unavailable(message),
        _ => StorageError::Internal(message),
    }
}

fn unavailable<E>(what: &'static str, err: SdkError<E, HttpResponse>) -> StorageError
where
    E: std::error::Error + Send + Sync + 'static,
{
    StorageError::Unavailable(anyhow::anyhow!("{what}: {}", DisplayErrorContext(&err)))
}
