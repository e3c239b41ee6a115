//! Signed URLs for the local store: the Mosaic server's stand-in for S3
//! presigned requests.
//!
//! Format (the key is used as is: [`StorageKey`] allows only URL-safe
//! characters; query values are percent-encoded):
//!
//! ```text
//! {public_base_url}/api/media/local/{key}?method=PUT&type=image%2Fpng&size=123&expires=UNIX&sig=HEX
//! {public_base_url}/api/media/local/{key}?method=GET&type=image%2Fpng&disposition=inline&name=a.png&expires=UNIX&sig=HEX
//! ```
//!
//! `sig` is the hex HMAC-SHA256, under the server's [`UrlSigningKey`], of a
//! canonical string holding a version tag, the method, the key, the type,
//! the size (uploads), the disposition and name (downloads) and the expiry,
//! each length-prefixed so that no two different requests share a string.

use std::fmt;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use mosaic_domain::MediaType;
use mosaic_key_file::{KeyError, SecretKey};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::Sha256;
use thiserror::Error;
use time::OffsetDateTime;

use crate::download::{Disposition, DownloadHeaders, content_disposition};
use crate::key::{InvalidKey, StorageKey};

/// The path under the public base URL where the HTTP server serves local
/// media; the storage key follows it.
pub const LOCAL_MEDIA_PATH: &str = "/api/media/local/";

/// Tag at the start of every signed string, so that a signature can never
/// be replayed for another purpose or a future format.
const CANONICAL_VERSION: &str = "mosaic-local-media-v1";

/// Shortest signing key accepted, in bytes.
pub const MIN_SIGNING_KEY_BYTES: usize = mosaic_key_file::MIN_KEY_BYTES;

/// Query values: everything but unreserved characters is encoded.
const QUERY_VALUE_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The secret that signs local media URLs. Every replica serving the same
/// media folder needs the same key.
#[derive(Clone)]
pub struct UrlSigningKey(SecretKey);

impl fmt::Debug for UrlSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrlSigningKey(..)")
    }
}

/// Why a signing key could not be used.
#[derive(Debug, Error)]
pub enum SigningKeyError {
    /// Not hexadecimal, or shorter than 32 bytes.
    #[error("the media URL signing key must be at least 32 bytes, written as hex")]
    Invalid,
    /// The key file could not be read or written.
    #[error("cannot read or create the media URL signing key file {path}")]
    File {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl From<KeyError> for SigningKeyError {
    fn from(err: KeyError) -> Self {
        match err {
            KeyError::Invalid => Self::Invalid,
            KeyError::File { path, source } => Self::File { path, source },
        }
    }
}

impl UrlSigningKey {
    /// A key from raw bytes (at least 32).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SigningKeyError> {
        Ok(Self(SecretKey::from_bytes(bytes)?))
    }

    /// A key written as hex (at least 64 hex digits).
    pub fn from_hex(hex_key: &str) -> Result<Self, SigningKeyError> {
        Ok(Self(SecretKey::from_hex(hex_key)?))
    }

    /// A new random 32-byte key.
    pub fn generate() -> Self {
        Self(SecretKey::generate())
    }

    /// Reads the hex key in `path`, or creates the file (mode 0600) with a
    /// new random key when it does not exist, so that URLs stay valid across
    /// restarts of the embedded server.
    pub fn load_or_create(path: &Path) -> Result<Self, SigningKeyError> {
        Ok(Self(SecretKey::load_or_create(path)?))
    }

    fn mac(&self, canonical: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(canonical.as_bytes());
        mac
    }

    fn sign(&self, canonical: &str) -> String {
        hex::encode(self.mac(canonical).finalize().into_bytes())
    }

    /// Constant-time comparison (through [`Mac::verify_slice`]).
    fn verify(&self, canonical: &str, signature_hex: &str) -> bool {
        match hex::decode(signature_hex) {
            Ok(signature) => self.mac(canonical).verify_slice(&signature).is_ok(),
            Err(_) => false,
        }
    }
}

/// Why a request to a local signed URL is refused. Each failure has its
/// own variant so the HTTP route can say what went wrong.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LocalUrlError {
    /// The query lacks a parameter, repeats one, or has an unreadable value.
    #[error("malformed signed URL: {0}")]
    Malformed(String),
    /// The key in the path is not a valid storage key.
    #[error(transparent)]
    InvalidKey(#[from] InvalidKey),
    /// The signature does not match the URL (tampered or foreign).
    #[error("the URL signature is not valid")]
    BadSignature,
    /// The URL was valid, but its lifetime is over.
    #[error("the signed URL has expired")]
    Expired,
    /// An upload URL used for a download or the other way round.
    #[error("this URL was signed for {signed}, not {used}")]
    WrongMethod {
        /// The method in the signature.
        signed: String,
        /// The method the request used.
        used: &'static str,
    },
    /// The request's `Content-Type` is not the signed one.
    #[error(
        "this upload was signed for Content-Type {signed}, not {}",
        .sent.as_deref().unwrap_or("a request without one")
    )]
    WrongContentType {
        /// The signed type.
        signed: String,
        /// What the request sent, if anything.
        sent: Option<String>,
    },
    /// The request has no `Content-Length` (for example a chunked body).
    #[error("the upload must declare its Content-Length")]
    MissingContentLength,
    /// The request's `Content-Length` is not the signed size.
    #[error("this upload was signed for {signed} bytes, not {sent}")]
    WrongSize {
        /// The signed size.
        signed: u64,
        /// The size the request declared.
        sent: u64,
    },
}

/// An upload request whose URL, type and size passed
/// [`crate::LocalStorage::verify_upload`]: the only way to call
/// [`crate::LocalStorage::write_object`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedUpload {
    pub(crate) key: StorageKey,
    pub(crate) media_type: MediaType,
    pub(crate) size_bytes: u64,
}

impl VerifiedUpload {
    /// The storage key to write.
    pub fn key(&self) -> &str {
        self.key.as_str()
    }
    /// The signed content type.
    pub fn media_type(&self) -> MediaType {
        self.media_type
    }
    /// The signed size; the body must have exactly this many bytes.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
}

/// A download request whose URL passed
/// [`crate::LocalStorage::verify_download`], with the headers to answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDownload {
    pub(crate) key: StorageKey,
    pub(crate) content_type: String,
    pub(crate) content_disposition: String,
}

impl VerifiedDownload {
    /// The storage key to read.
    pub fn key(&self) -> &str {
        self.key.as_str()
    }
    /// The signed `Content-Type`.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }
    /// The `Content-Disposition` built from the signed name.
    pub fn content_disposition(&self) -> &str {
        &self.content_disposition
    }
    /// Every header the response must carry (besides `Content-Length`):
    /// `Content-Type`, `Content-Disposition`, `X-Content-Type-Options:
    /// nosniff`, and `Cache-Control: private` (the URL is a credential).
    pub fn response_headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Content-Type", self.content_type.clone()),
            ("Content-Disposition", self.content_disposition.clone()),
            ("X-Content-Type-Options", "nosniff".to_owned()),
            ("Cache-Control", "private, no-store".to_owned()),
        ]
    }
}

/// Signs and verifies local media URLs for one public base URL.
#[derive(Debug, Clone)]
pub(crate) struct LocalUrlSigner {
    key: UrlSigningKey,
    base_url: String,
}

/// What a signature covers.
struct Signed<'a> {
    method: &'a str,
    key: &'a str,
    content_type: &'a str,
    size: &'a str,
    disposition: &'a str,
    name: &'a str,
    expires: &'a str,
}

impl Signed<'_> {
    fn canonical(&self) -> String {
        let mut out = String::from(CANONICAL_VERSION);
        for field in [
            self.method,
            self.key,
            self.content_type,
            self.size,
            self.disposition,
            self.name,
            self.expires,
        ] {
            out.push('\n');
            out.push_str(&field.len().to_string());
            out.push(':');
            out.push_str(field);
        }
        out
    }
}

impl LocalUrlSigner {
    pub(crate) fn new(key: UrlSigningKey, public_base_url: &str) -> Self {
        Self {
            key,
            base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    pub(crate) fn upload_url(
        &self,
        key: &StorageKey,
        media_type: MediaType,
        size_bytes: u64,
        expires_at: i64,
    ) -> String {
        let size = size_bytes.to_string();
        let expires = expires_at.to_string();
        let signed = Signed {
            method: "PUT",
            key: key.as_str(),
            content_type: media_type.mime(),
            size: &size,
            disposition: "",
            name: "",
            expires: &expires,
        };
        let sig = self.key.sign(&signed.canonical());
        format!(
            "{}{LOCAL_MEDIA_PATH}{}?method=PUT&type={}&size={size}&expires={expires}&sig={sig}",
            self.base_url,
            key.as_str(),
            encode(media_type.mime()),
        )
    }

    pub(crate) fn download_url(
        &self,
        key: &StorageKey,
        headers: &DownloadHeaders,
        name: &str,
        expires_at: i64,
    ) -> String {
        let expires = expires_at.to_string();
        let signed = Signed {
            method: "GET",
            key: key.as_str(),
            content_type: headers.content_type,
            size: "",
            disposition: headers.disposition.as_str(),
            name,
            expires: &expires,
        };
        let sig = self.key.sign(&signed.canonical());
        format!(
            "{}{LOCAL_MEDIA_PATH}{}?method=GET&type={}&disposition={}&name={}&expires={expires}&sig={sig}",
            self.base_url,
            key.as_str(),
            encode(headers.content_type),
            headers.disposition.as_str(),
            encode(name),
        )
    }

    pub(crate) fn verify_upload(
        &self,
        key: &str,
        query: &str,
        content_type: Option<&str>,
        content_length: Option<u64>,
        now: OffsetDateTime,
    ) -> Result<VerifiedUpload, LocalUrlError> {
        let key = StorageKey::parse(key)?;
        let query = Query::parse(query)?;
        let method = query.require("method")?;
        let signed_type = query.require("type")?;
        let size = query.require("size")?;
        let expires = query.require("expires")?;
        let signed = Signed {
            method,
            key: key.as_str(),
            content_type: signed_type,
            size,
            disposition: "",
            name: "",
            expires,
        };
        self.check_signature_and_expiry(&signed, query.require("sig")?, now)?;
        if method != "PUT" {
            return Err(LocalUrlError::WrongMethod {
                signed: method.to_owned(),
                used: "PUT",
            });
        }
        let media_type = MediaType::from_mime(signed_type)
            .filter(|t| t.mime() == signed_type)
            .ok_or_else(|| LocalUrlError::Malformed("unknown media type".into()))?;
        if content_type.map(str::trim) != Some(signed_type) {
            return Err(LocalUrlError::WrongContentType {
                signed: signed_type.to_owned(),
                sent: content_type.map(str::to_owned),
            });
        }
        let size_bytes: u64 = size
            .parse()
            .map_err(|_| LocalUrlError::Malformed("size is not a number".into()))?;
        match content_length {
            None => return Err(LocalUrlError::MissingContentLength),
            Some(sent) if sent != size_bytes => {
                return Err(LocalUrlError::WrongSize {
                    signed: size_bytes,
                    sent,
                });
            }
            Some(_) => {}
        }
        Ok(VerifiedUpload {
            key,
            media_type,
            size_bytes,
        })
    }

    pub(crate) fn verify_download(
        &self,
        key: &str,
        query: &str,
        now: OffsetDateTime,
    ) -> Result<VerifiedDownload, LocalUrlError> {
        let key = StorageKey::parse(key)?;
        let query = Query::parse(query)?;
        let method = query.require("method")?;
        let content_type = query.require("type")?;
        let disposition = query.require("disposition")?;
        let name = query.require("name")?;
        let signed = Signed {
            method,
            key: key.as_str(),
            content_type,
            size: "",
            disposition,
            name,
            expires: query.require("expires")?,
        };
        self.check_signature_and_expiry(&signed, query.require("sig")?, now)?;
        if method != "GET" {
            return Err(LocalUrlError::WrongMethod {
                signed: method.to_owned(),
                used: "GET",
            });
        }
        let disposition = Disposition::parse(disposition)
            .ok_or_else(|| LocalUrlError::Malformed("unknown disposition".into()))?;
        Ok(VerifiedDownload {
            key,
            content_type: content_type.to_owned(),
            content_disposition: content_disposition(disposition, name),
        })
    }

    /// The signature first, so that nothing unsigned is ever trusted; then
    /// the expiry it vouches for.
    fn check_signature_and_expiry(
        &self,
        signed: &Signed<'_>,
        signature: &str,
        now: OffsetDateTime,
    ) -> Result<(), LocalUrlError> {
        if !self.key.verify(&signed.canonical(), signature) {
            return Err(LocalUrlError::BadSignature);
        }
        let expires_at: i64 = signed
            .expires
            .parse()
            .map_err(|_| LocalUrlError::Malformed("expires is not a number".into()))?;
        if now.unix_timestamp() >= expires_at {
            return Err(LocalUrlError::Expired);
        }
        Ok(())
    }
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE_ENCODE).to_string()
}

/// A decoded query string in which every parameter appears at most once.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(query: &str) -> Result<Self, LocalUrlError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(name)?;
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(LocalUrlError::Malformed(format!("{name} appears twice")));
            }
            pairs.push((name, decode(value)?));
        }
        Ok(Self(pairs))
    }

    fn require(&self, name: &str) -> Result<&str, LocalUrlError> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| LocalUrlError::Malformed(format!("{name} is missing")))
    }
}

/// Form decoding: `+` is a space, `%XX` a byte; the result must be UTF-8.
fn decode(text: &str) -> Result<String, LocalUrlError> {
    let text = text.replace('+', " ");
    percent_decode_str(&text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| LocalUrlError::Malformed("a value is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> LocalUrlSigner {
        LocalUrlSigner::new(
            UrlSigningKey::from_bytes(&[7u8; 32]).unwrap(),
            "http://127.0.0.1:8080/",
        )
    }

    fn key() -> StorageKey {
        StorageKey::parse("legacies/l/media/m").unwrap()
    }

    fn query_of(url: &str) -> &str {
        url.split_once('?').unwrap().1
    }

    #[test]
    fn upload_url_has_the_documented_shape() {
        let url = signer().upload_url(&key(), MediaType::Png, 123, 1_700_000_000);
        let expected_prefix = "http://127.0.0.1:8080/api/media/local/legacies/l/media/m?method=PUT&type=image%2Fpng&size=123&expires=1700000000&sig=";
        assert!(url.starts_with(expected_prefix), "{url}");
        assert_eq!(url.len(), expected_prefix.len() + 64);
    }

    #[test]
    fn a_signed_upload_verifies_until_it_expires() {
        let url = signer().upload_url(&key(), MediaType::Png, 123, 1_700_000_000);
        let before = OffsetDateTime::from_unix_timestamp(1_699_999_999).unwrap();
        let upload = signer()
            .verify_upload(
                "legacies/l/media/m",
                query_of(&url),
                Some("image/png"),
                Some(123),
                before,
            )
            .unwrap();
        assert_eq!(upload.size_bytes(), 123);
        assert_eq!(upload.media_type(), MediaType::Png);
        let at_expiry = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(
            signer().verify_upload(
                "legacies/l/media/m",
                query_of(&url),
                Some("image/png"),
                Some(123),
                at_expiry
            ),
            Err(LocalUrlError::Expired)
        );
    }

    #[test]
    fn changing_any_signed_value_breaks_the_signature() {
        let url = signer().upload_url(&key(), MediaType::Png, 123, 1_700_000_000);
        let now = OffsetDateTime::from_unix_timestamp(1_600_000_000).unwrap();
        let query = query_of(&url);
        for tampered in [
            query.replace("size=123", "size=124"),
            query.replace("image%2Fpng", "image%2Fgif"),
            query.replace("expires=1700000000", "expires=1800000000"),
        ] {
            let content_type = if tampered.contains("gif") {
                "image/gif"
            } else {
                "image/png"
            };
            let size = if tampered.contains("size=124") {
                124
            } else {
                123
            };
            assert_eq!(
                signer().verify_upload(
                    "legacies/l/media/m",
                    &tampered,
                    Some(content_type),
                    Some(size),
                    now
                ),
                Err(LocalUrlError::BadSignature),
                "{tampered}"
            );
        }
        assert_eq!(
            signer().verify_upload(
                "legacies/l/media/other",
                query,
                Some("image/png"),
                Some(123),
                now
            ),
            Err(LocalUrlError::BadSignature)
        );
        let other_key = LocalUrlSigner::new(
            UrlSigningKey::from_bytes(&[8u8; 32]).unwrap(),
            "http://127.0.0.1:8080",
        );
        assert_eq!(
            other_key.verify_upload(
                "legacies/l/media/m",
                query,
                Some("image/png"),
                Some(123),
                now
            ),
            Err(LocalUrlError::BadSignature)
        );
    }

    #[test]
    fn a_download_url_cannot_be_used_to_upload() {
        let headers = DownloadHeaders::for_file("a.png", Disposition::Inline);
        let url = signer().download_url(&key(), &headers, "a.png", 1_700_000_000);
        let now = OffsetDateTime::from_unix_timestamp(1_600_000_000).unwrap();
        assert!(matches!(
            signer().verify_upload(
                "legacies/l/media/m",
                query_of(&url),
                Some("image/png"),
                Some(1),
                now
            ),
            Err(LocalUrlError::Malformed(_) | LocalUrlError::BadSignature)
        ));
        let download = signer()
            .verify_download("legacies/l/media/m", query_of(&url), now)
            .unwrap();
        assert_eq!(download.content_type(), "image/png");
        assert_eq!(
            download.content_disposition(),
            "inline; filename=\"a.png\"; filename*=UTF-8''a.png"
        );
    }

    #[test]
    fn repeated_or_missing_parameters_are_malformed() {
        let now = OffsetDateTime::from_unix_timestamp(1_600_000_000).unwrap();
        assert!(matches!(
            signer().verify_download("a", "method=GET&method=GET", now),
            Err(LocalUrlError::Malformed(_))
        ));
        assert!(matches!(
            signer().verify_download("a", "", now),
            Err(LocalUrlError::Malformed(_))
        ));
    }

    #[test]
    fn signing_keys_must_be_long_enough_and_never_print() {
        assert!(UrlSigningKey::from_bytes(&[1u8; 31]).is_err());
        assert!(UrlSigningKey::from_hex("zz").is_err());
        let key = UrlSigningKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(format!("{key:?}"), "UrlSigningKey(..)");
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/media-signing.key");
        let first = UrlSigningKey::load_or_create(&path).unwrap();
        let second = UrlSigningKey::load_or_create(&path).unwrap();
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
