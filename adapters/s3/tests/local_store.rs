//! The object-storage contract against the local folder store, plus the
//! checks its signed-URL route relies on.

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use common::{Downloaded, PNG, Refusal, Transport, unique_key};
use futures_util::TryStreamExt;
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectStorage, PresignedRequest};
use mosaic_s3::{
    LOCAL_MEDIA_PATH, LocalConfig, LocalStorage, LocalUrlError, LocalWriteError, UrlSigningKey,
};
use time::{Duration, OffsetDateTime};

const BASE_URL: &str = "http://127.0.0.1:8080";

/// A store in a fresh temporary folder (kept alive by the returned guard).
fn storage() -> (LocalStorage, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let storage = LocalStorage::new(LocalConfig {
        root: dir.path().join("media"),
        public_base_url: BASE_URL.to_owned(),
        signing_key: UrlSigningKey::generate(),
    })
    .unwrap();
    (storage, dir)
}

/// Splits a signed URL into the route's path parameter and query string.
fn route_parts(url: &str) -> (&str, &str) {
    let rest = url
        .strip_prefix(BASE_URL)
        .and_then(|rest| rest.strip_prefix(LOCAL_MEDIA_PATH))
        .unwrap_or_else(|| panic!("{url} is not a local media URL"));
    rest.split_once('?').expect("a signed URL has a query")
}

/// What the HTTP route will do with a request to a signed URL.
#[derive(Debug)]
struct Route(LocalStorage);

#[async_trait]
impl Transport for Route {
    async fn upload(
        &self,
        request: &PresignedRequest,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), String> {
        assert_eq!(request.method, "PUT");
        let (key, query) = route_parts(&request.url);
        let upload = self
            .0
            .verify_upload(
                key,
                query,
                Some(content_type),
                Some(body.len() as u64),
                OffsetDateTime::now_utc(),
            )
            .map_err(|err| err.to_string())?;
        self.0
            .write_object_bytes(&upload, Bytes::from(body))
            .await
            .map_err(|err| err.to_string())?;
        Ok(())
    }

    /// The `LocalUrlError` messages.
    fn refusal_text(&self, reason: Refusal) -> &'static str {
        match reason {
            Refusal::WrongType => "this upload was signed for Content-Type image/png",
            Refusal::WrongLength => "this upload was signed for 70 bytes",
            Refusal::Expired => "the signed URL has expired",
        }
    }

    async fn download(&self, request: &PresignedRequest) -> Result<Downloaded, String> {
        assert_eq!(request.method, "GET");
        let (key, query) = route_parts(&request.url);
        let download = self
            .0
            .verify_download(key, query, OffsetDateTime::now_utc())
            .map_err(|err| err.to_string())?;
        let object = self
            .0
            .read_object(download.key())
            .await
            .map_err(|err| err.to_string())?;
        let chunks: Vec<Bytes> = object
            .body
            .try_collect()
            .await
            .map_err(|err| err.to_string())?;
        let bytes = chunks.concat();
        assert_eq!(bytes.len() as u64, object.size_bytes);
        let headers = download.response_headers();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        Ok(Downloaded {
            bytes,
            content_type: header("content-type"),
            content_disposition: header("content-disposition"),
            nosniff: header("x-content-type-options").as_deref() == Some("nosniff"),
        })
    }

    fn assert_disposition(
        &self,
        _request: &PresignedRequest,
        got: &Downloaded,
        expected_disposition: &str,
    ) {
        assert_eq!(
            got.content_disposition.as_deref(),
            Some(expected_disposition)
        );
        assert!(
            got.nosniff,
            "local downloads carry X-Content-Type-Options: nosniff"
        );
    }
}

#[tokio::test]
async fn upload_register_download_delete() {
    let (storage, _dir) = storage();
    common::upload_register_download_delete(&storage, &Route(storage.clone())).await;
}

#[tokio::test]
async fn service_uploads_registers_downloads_and_deletes() {
    let (storage, _dir) = storage();
    common::service::service_uploads_registers_downloads_and_deletes(
        Arc::new(storage.clone()),
        &Route(storage),
    )
    .await;
}

#[tokio::test]
async fn service_refuses_and_removes_a_file_that_is_not_its_type() {
    let (storage, _dir) = storage();
    common::service::service_refuses_and_removes_a_file_that_is_not_its_type(
        Arc::new(storage.clone()),
        &Route(storage),
    )
    .await;
}

#[tokio::test]
async fn put_and_list_a_folder() {
    let (storage, _dir) = storage();
    common::put_and_list_a_folder(&storage).await;
}

#[tokio::test]
async fn upload_with_another_type_is_refused() {
    let (storage, _dir) = storage();
    common::upload_with_another_type_is_refused(&storage, &Route(storage.clone())).await;
}

#[tokio::test]
async fn upload_with_another_length_is_refused() {
    let (storage, _dir) = storage();
    common::upload_with_another_length_is_refused(&storage, &Route(storage.clone())).await;
}

#[tokio::test]
async fn upload_to_an_expired_url_is_refused() {
    let (storage, _dir) = storage();
    common::upload_to_an_expired_url_is_refused(&storage, &Route(storage.clone())).await;
}

#[tokio::test]
async fn unsafe_keys_are_refused() {
    let (storage, _dir) = storage();
    common::unsafe_keys_are_refused(&storage).await;
}

/// A signed upload URL for `PNG` and its route parts.
async fn signed_upload(storage: &LocalStorage, lifetime: Duration) -> (String, String) {
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, lifetime)
        .await
        .unwrap();
    let (_, query) = route_parts(&upload.url);
    (key, query.to_owned())
}

#[tokio::test]
async fn each_failure_of_an_upload_url_has_its_own_error() {
    let (storage, dir) = storage();
    let (key, query) = signed_upload(&storage, Duration::minutes(5)).await;
    let now = OffsetDateTime::now_utc();
    let size = Some(PNG.len() as u64);
    let png = Some("image/png");

    assert!(storage.verify_upload(&key, &query, png, size, now).is_ok());

    let sig_at = query.find("sig=").unwrap() + 4;
    let mut tampered = query.clone();
    let flipped = if &query[sig_at..=sig_at] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(sig_at..=sig_at, flipped);
    assert_eq!(
        storage.verify_upload(&key, &tampered, png, size, now),
        Err(LocalUrlError::BadSignature)
    );
    let bigger = query.replace(&format!("size={}", PNG.len()), "size=999999");
    assert_eq!(
        storage.verify_upload(&key, &bigger, png, Some(999_999), now),
        Err(LocalUrlError::BadSignature),
        "the signed size cannot be changed"
    );
    assert_eq!(
        storage.verify_upload(&key, &query, Some("image/jpeg"), size, now),
        Err(LocalUrlError::WrongContentType {
            signed: "image/png".into(),
            sent: Some("image/jpeg".into())
        })
    );
    assert!(matches!(
        storage.verify_upload(&key, &query, None, size, now),
        Err(LocalUrlError::WrongContentType { sent: None, .. })
    ));
    assert_eq!(
        storage.verify_upload(&key, &query, png, Some(PNG.len() as u64 + 1), now),
        Err(LocalUrlError::WrongSize {
            signed: PNG.len() as u64,
            sent: PNG.len() as u64 + 1
        })
    );
    assert_eq!(
        storage.verify_upload(&key, &query, png, None, now),
        Err(LocalUrlError::MissingContentLength)
    );
    assert_eq!(
        storage.verify_upload(&key, &query, png, size, now + Duration::minutes(6)),
        Err(LocalUrlError::Expired)
    );
    let escaped = format!("{key}/../../../../etc/passwd");
    assert!(matches!(
        storage.verify_upload(&escaped, &query, png, size, now),
        Err(LocalUrlError::InvalidKey(_))
    ));
    let other_store = LocalStorage::new(LocalConfig {
        root: dir.path().join("other"),
        public_base_url: BASE_URL.to_owned(),
        signing_key: UrlSigningKey::generate(),
    })
    .unwrap();
    assert_eq!(
        other_store.verify_upload(&key, &query, png, size, now),
        Err(LocalUrlError::BadSignature),
        "a URL signed with another key is refused"
    );
}

#[tokio::test]
async fn an_upload_url_expires_by_the_clock() {
    let (storage, _dir) = storage();
    let (key, query) = signed_upload(&storage, Duration::seconds(1)).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        storage.verify_upload(
            &key,
            &query,
            Some("image/png"),
            Some(PNG.len() as u64),
            OffsetDateTime::now_utc()
        ),
        Err(LocalUrlError::Expired)
    );
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// A client can declare the signed `Content-Length` and still send
/// another number of bytes; `write_object` counts them itself.
#[tokio::test]
async fn a_body_that_lies_about_its_length_is_not_stored() {
    let (storage, dir) = storage();
    let (key, query) = signed_upload(&storage, Duration::minutes(5)).await;
    let upload = storage
        .verify_upload(
            &key,
            &query,
            Some("image/png"),
            Some(PNG.len() as u64),
            OffsetDateTime::now_utc(),
        )
        .unwrap();

    let mut longer = PNG.to_vec();
    longer.push(0);
    let too_large = storage
        .write_object_bytes(&upload, Bytes::from(longer))
        .await
        .unwrap_err();
    assert!(
        matches!(too_large, LocalWriteError::TooLarge { signed } if signed == PNG.len() as u64)
    );

    let too_small = storage
        .write_object_bytes(&upload, Bytes::from_static(&PNG[..10]))
        .await
        .unwrap_err();
    assert!(matches!(
        too_small,
        LocalWriteError::TooSmall { received: 10, .. }
    ));

    let broken = futures_util::stream::iter(vec![
        Ok(Bytes::from_static(&PNG[..10])),
        Err(std::io::Error::other("client went away")),
    ]);
    let body_error = storage.write_object(&upload, broken).await.unwrap_err();
    assert!(matches!(body_error, LocalWriteError::Body(_)));

    assert_eq!(storage.head(&key).await.unwrap(), None);
    assert_eq!(
        files_under(&dir.path().join("media")),
        Vec::<std::path::PathBuf>::new(),
        "no staging file is left behind"
    );
}

#[tokio::test]
async fn a_large_upload_streams_through_in_many_chunks() {
    let (storage, _dir) = storage();
    let key = unique_key();
    let mut video = b"\0\0\0\x18ftypisom".to_vec();
    video.extend((0..3 * 1024 * 1024 + 17).map(|i| (i % 251) as u8));
    let upload = storage
        .presign_upload(
            &key,
            MediaType::Mp4,
            video.len() as u64,
            Duration::minutes(5),
        )
        .await
        .unwrap();
    let (_, query) = route_parts(&upload.url);
    let verified = storage
        .verify_upload(
            &key,
            query,
            Some("video/mp4"),
            Some(video.len() as u64),
            OffsetDateTime::now_utc(),
        )
        .unwrap();
    let chunks: Vec<Result<Bytes, std::io::Error>> = video
        .chunks(16 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let info = storage
        .write_object(&verified, futures_util::stream::iter(chunks))
        .await
        .unwrap();
    assert_eq!(info.size_bytes, video.len() as u64);
    assert!(MediaType::Mp4.matches_magic(&storage.read_prefix(&key, 16).await.unwrap()));
    let object = storage.read_object(&key).await.unwrap();
    let read: Vec<Bytes> = object.body.try_collect().await.unwrap();
    assert_eq!(read.concat(), video);
}

#[tokio::test]
async fn each_failure_of_a_download_url_has_its_own_error() {
    let (storage, _dir) = storage();
    let key = unique_key();
    let download = storage
        .presign_download(&key, "photo.png", Duration::minutes(5))
        .await
        .unwrap();
    let (path_key, query) = route_parts(&download.url);
    assert_eq!(path_key, key);
    let now = OffsetDateTime::now_utc();
    let verified = storage.verify_download(&key, query, now).unwrap();
    assert_eq!(verified.content_type(), "image/png");
    assert_eq!(
        verified.content_disposition(),
        "inline; filename=\"photo.png\"; filename*=UTF-8''photo.png"
    );
    assert!(
        verified
            .response_headers()
            .contains(&("X-Content-Type-Options", "nosniff".to_owned()))
    );

    let renamed = query.replace("name=photo.png", "name=photo.html");
    assert_eq!(
        storage.verify_download(&key, &renamed, now),
        Err(LocalUrlError::BadSignature)
    );
    let retyped = query.replace("type=image%2Fpng", "type=text%2Fhtml");
    assert_eq!(
        storage.verify_download(&key, &retyped, now),
        Err(LocalUrlError::BadSignature)
    );
    assert_eq!(
        storage.verify_download(&key, query, now + Duration::minutes(6)),
        Err(LocalUrlError::Expired)
    );
    assert!(matches!(
        storage.verify_download("../x", query, now),
        Err(LocalUrlError::InvalidKey(_))
    ));

    let (upload_key, upload_query) = signed_upload(&storage, Duration::minutes(5)).await;
    assert!(
        storage
            .verify_download(&upload_key, &upload_query, now)
            .is_err(),
        "an upload URL does not download"
    );
    assert!(matches!(
        storage.read_object(&key).await,
        Err(mosaic_ports::StorageError::NotFound)
    ));
}

#[tokio::test]
async fn check_access_passes_on_a_writable_folder_and_leaves_nothing() {
    let (storage, dir) = storage();
    storage.check_access().await.unwrap();
    assert_eq!(
        files_under(&dir.path().join("media")),
        Vec::<std::path::PathBuf>::new()
    );
}
