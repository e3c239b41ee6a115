//! The object-storage contract, run against every store.
//!
//! A store comes with a [`Transport`]: how a browser's request reaches it.
//! For S3 that is real HTTP to the presigned URL; for the local store it is
//! what the Mosaic HTTP route will do with the request (verify the signed
//! URL, then stream the body), called directly because the route does not
//! exist yet.

#![allow(dead_code)] // each test binary uses a part of this module

pub mod service;

use async_trait::async_trait;
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectStorage, PresignedRequest, StorageError};
use time::Duration;

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// What a download returned.
#[derive(Debug)]
pub struct Downloaded {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub nosniff: bool,
}

/// Why an upload must be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    WrongType,
    WrongLength,
    Expired,
}

/// How a browser's request reaches the store.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends `body` to the upload URL with every header the presigned
    /// request lists, except that `Content-Type` is `content_type` and
    /// `Content-Length` is the body's real length (browsers compute it).
    /// `Err` carries why the store refused.
    async fn upload(
        &self,
        request: &PresignedRequest,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), String>;

    /// Text the store's refusal must contain for `reason`, so that a test
    /// fails when an upload is refused for another reason than the one
    /// under test.
    fn refusal_text(&self, reason: Refusal) -> &'static str;

    /// Follows a download URL.
    async fn download(&self, request: &PresignedRequest) -> Result<Downloaded, String>;

    /// Asserts that the download answers with `expected_disposition` as
    /// `Content-Disposition` (where the store cannot show it, that the URL
    /// makes it ask for it: see the S3 transport).
    fn assert_disposition(
        &self,
        request: &PresignedRequest,
        got: &Downloaded,
        expected_disposition: &str,
    );
}

pub fn unique_key() -> String {
    format!(
        "legacies/{}/media/{}",
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7()
    )
}

fn assert_refused(transport: &dyn Transport, refusal: &str, reason: Refusal) {
    let expected = transport.refusal_text(reason);
    assert!(
        refusal.contains(expected),
        "refused, but not for {reason:?}: expected {expected:?} in {refusal:?}"
    );
    eprintln!("{reason:?} refused as expected: {refusal}");
}

fn header<'a>(request: &'a PresignedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// presign → upload real bytes → head size → magic bytes → download the
/// same bytes with a safe disposition → delete → gone → delete again.
pub async fn upload_register_download_delete(
    storage: &dyn ObjectStorage,
    transport: &dyn Transport,
) {
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::minutes(5))
        .await
        .expect("presigning an upload");
    assert_eq!(upload.method, "PUT");
    assert_eq!(header(&upload, "content-type"), Some("image/png"));
    assert_eq!(
        header(&upload, "content-length"),
        Some(PNG.len().to_string().as_str()),
        "the client must be told the signed length: {:?}",
        upload.headers
    );
    assert_eq!(
        storage.head(&key).await.unwrap(),
        None,
        "nothing before the upload"
    );

    transport
        .upload(&upload, "image/png", PNG.to_vec())
        .await
        .expect("the upload of exactly what was signed is accepted");

    let info = storage
        .head(&key)
        .await
        .unwrap()
        .expect("the object exists");
    assert_eq!(info.size_bytes, PNG.len() as u64);
    let prefix = storage.read_prefix(&key, 16).await.unwrap();
    assert_eq!(prefix, &PNG[..16]);
    assert!(MediaType::Png.matches_magic(&prefix));
    let whole = storage.read_prefix(&key, 4096).await.unwrap();
    assert_eq!(whole, PNG, "a prefix longer than the object is the object");

    let download = storage
        .presign_download(&key, "Grandma's garden é.png", Duration::minutes(5))
        .await
        .expect("presigning a download");
    assert_eq!(download.method, "GET");
    let got = transport
        .download(&download)
        .await
        .expect("the download works");
    assert_eq!(got.bytes, PNG);
    assert_eq!(got.content_type.as_deref(), Some("image/png"));
    transport.assert_disposition(
        &download,
        &got,
        "inline; filename=\"Grandma_s garden _.png\"; filename*=UTF-8''Grandma%27s%20garden%20%C3%A9.png",
    );

    storage.delete(&key).await.expect("deleting");
    assert_eq!(storage.head(&key).await.unwrap(), None);
    assert!(matches!(
        storage.read_prefix(&key, 16).await,
        Err(StorageError::NotFound)
    ));
    storage.delete(&key).await.expect("deleting again is fine");
}

/// `put` stores (and replaces) an object the server makes itself; `list`
/// finds exactly the objects under a folder prefix, with their size and a
/// recent modification time, and no longer after they are deleted.
pub async fn put_and_list_a_folder(storage: &dyn ObjectStorage) {
    let folder = format!("legacies/{}/", uuid::Uuid::now_v7());
    let photo = format!("{folder}media/{}", uuid::Uuid::now_v7());
    let thumbnail = format!("{photo}.thumb.jpg");
    let neighbour = format!("legacies/{}/media/x", uuid::Uuid::now_v7());
    assert!(
        storage.list(&folder).await.unwrap().is_empty(),
        "an unknown folder lists nothing"
    );
    let before = time::OffsetDateTime::now_utc() - Duration::minutes(1);
    storage
        .put(&photo, MediaType::Png, PNG.to_vec())
        .await
        .expect("put");
    storage
        .put(&thumbnail, MediaType::Jpeg, vec![1, 2, 3])
        .await
        .expect("put");
    storage
        .put(&thumbnail, MediaType::Jpeg, vec![1, 2, 3, 4])
        .await
        .expect("a second put replaces the object");
    storage
        .put(&neighbour, MediaType::Jpeg, vec![9])
        .await
        .unwrap();
    assert_eq!(
        storage.read_prefix(&thumbnail, 100).await.unwrap(),
        [1, 2, 3, 4]
    );

    let mut listed = storage.list(&folder).await.expect("list");
    listed.sort_by(|a, b| a.key.cmp(&b.key));
    let keys: Vec<(&str, u64)> = listed
        .iter()
        .map(|o| (o.key.as_str(), o.size_bytes))
        .collect();
    assert_eq!(
        keys,
        [(photo.as_str(), PNG.len() as u64), (thumbnail.as_str(), 4)]
    );
    let after = time::OffsetDateTime::now_utc() + Duration::minutes(1);
    for object in &listed {
        assert!(
            object.last_modified > before && object.last_modified < after,
            "{object:?} has a modification time of now"
        );
    }
    let everything = storage.list("legacies/").await.unwrap();
    assert!(everything.iter().any(|o| o.key == neighbour));
    assert!(everything.iter().any(|o| o.key == photo));

    storage.delete(&photo).await.unwrap();
    let listed = storage.list(&folder).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, thumbnail);
    for key in [&thumbnail, &neighbour] {
        storage.delete(key).await.unwrap();
    }
    assert!(storage.list(&folder).await.unwrap().is_empty());
    assert!(
        storage.list("legacies").await.is_err(),
        "a prefix that is not a folder is refused"
    );
}

/// A PUT with another Content-Type than the signed one is refused and
/// leaves nothing behind.
pub async fn upload_with_another_type_is_refused(
    storage: &dyn ObjectStorage,
    transport: &dyn Transport,
) {
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::minutes(5))
        .await
        .unwrap();
    let refusal = transport
        .upload(&upload, "text/html", PNG.to_vec())
        .await
        .expect_err("a different Content-Type must be refused");
    assert_refused(transport, &refusal, Refusal::WrongType);
    assert_eq!(storage.head(&key).await.unwrap(), None);
}

/// A PUT of more or fewer bytes than signed is refused.
pub async fn upload_with_another_length_is_refused(
    storage: &dyn ObjectStorage,
    transport: &dyn Transport,
) {
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::minutes(5))
        .await
        .unwrap();
    let mut longer = PNG.to_vec();
    longer.extend_from_slice(&[0u8; 1000]);
    let refusal = transport
        .upload(&upload, "image/png", longer)
        .await
        .expect_err("a longer body must be refused");
    assert_refused(transport, &refusal, Refusal::WrongLength);
    let refusal = transport
        .upload(&upload, "image/png", PNG[..PNG.len() - 1].to_vec())
        .await
        .expect_err("a shorter body must be refused");
    assert_refused(transport, &refusal, Refusal::WrongLength);
    assert_eq!(storage.head(&key).await.unwrap(), None);
}

/// A PUT after the URL's lifetime is refused.
pub async fn upload_to_an_expired_url_is_refused(
    storage: &dyn ObjectStorage,
    transport: &dyn Transport,
) {
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::seconds(1))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let refusal = transport
        .upload(&upload, "image/png", PNG.to_vec())
        .await
        .expect_err("an expired URL must be refused");
    assert_refused(transport, &refusal, Refusal::Expired);
    assert_eq!(storage.head(&key).await.unwrap(), None);
}

/// Keys that could leave the media folder or bucket prefix are refused by
/// every operation.
pub async fn unsafe_keys_are_refused(storage: &dyn ObjectStorage) {
    for key in ["../escape", "/etc/passwd", "legacies/../../x", "a//b", ""] {
        assert!(
            storage
                .presign_upload(key, MediaType::Png, 10, Duration::minutes(5))
                .await
                .is_err(),
            "presign_upload accepted {key:?}"
        );
        assert!(
            storage
                .presign_download(key, "a.png", Duration::minutes(5))
                .await
                .is_err(),
            "presign_download accepted {key:?}"
        );
        assert!(storage.head(key).await.is_err(), "head accepted {key:?}");
        assert!(
            storage.read_prefix(key, 16).await.is_err(),
            "read_prefix accepted {key:?}"
        );
        assert!(
            storage.delete(key).await.is_err(),
            "delete accepted {key:?}"
        );
    }
}
