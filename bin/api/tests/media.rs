//! The media flow over HTTP against the real server, with both stores:
//! S3 through s3s-fs (a real S3 API server that checks presigned
//! signatures, including the signed Content-Type and Content-Length;
//! started by `scripts/test.d/30-s3.sh`) with a fresh bucket per test, and
//! the local folder with the server's own signed URLs. Every byte goes over
//! real HTTP: presign → PUT → register → list → thumbnail → download →
//! delete.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use common::{Backend, Person, TestApp, assert_error_body, read};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage};
use mosaic_domain::{LegacyId, MediaId, MediaType};
use mosaic_ports::{ObjectStorage, media_storage_key, thumbnail_storage_key};
use percent_encoding::percent_decode_str;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;

/// Where the server keeps media in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    /// s3s-fs, a bucket of the test's own.
    S3,
    /// A folder in the test's data directory.
    Local,
}

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: the S3 media tests need an S3-compatible server. Run \
             scripts/test, or start s3s-fs as scripts/test.d/30-s3.sh does and export \
             MOSAIC_TEST_S3_ENDPOINT, MOSAIC_TEST_S3_ACCESS_KEY and MOSAIC_TEST_S3_SECRET_KEY"
        )
    })
}

/// Creates an empty bucket on the test S3 server, so that a test's objects
/// (and its orphan collection) see no other test's.
async fn fresh_bucket() -> String {
    let endpoint = required("MOSAIC_TEST_S3_ENDPOINT");
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new(
            required("MOSAIC_TEST_S3_ACCESS_KEY"),
            required("MOSAIC_TEST_S3_SECRET_KEY"),
            None,
            None,
            "mosaic-api-tests",
        ))
        .build();
    let bucket = format!("mosaic-api-{}", Uuid::now_v7().simple());
    aws_sdk_s3::Client::from_conf(config)
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create a bucket on the test S3 server");
    bucket
}

/// The server on SQLite over `store`, with extra settings.
async fn spawn(store: Store, extra: &[(&str, &str)]) -> TestApp {
    spawn_on(Backend::Sqlite, store, extra).await
}

/// The server on `backend` over `store`, with extra settings.
async fn spawn_on(backend: Backend, store: Store, extra: &[(&str, &str)]) -> TestApp {
    let mut settings: Vec<(String, String)> = Vec::new();
    if store == Store::S3 {
        settings.extend(
            [
                ("MOSAIC_S3_BUCKET", fresh_bucket().await),
                ("MOSAIC_S3_ENDPOINT", required("MOSAIC_TEST_S3_ENDPOINT")),
                ("MOSAIC_S3_PATH_STYLE", "true".to_owned()),
                (
                    "MOSAIC_S3_ACCESS_KEY_ID",
                    required("MOSAIC_TEST_S3_ACCESS_KEY"),
                ),
                (
                    "MOSAIC_S3_SECRET_ACCESS_KEY",
                    required("MOSAIC_TEST_S3_SECRET_KEY"),
                ),
            ]
            .map(|(k, v)| (k.to_owned(), v)),
        );
    }
    settings.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let app = TestApp::spawn_with(backend, &pairs).await;
    let expected = match store {
        Store::S3 => "S3",
        Store::Local => "Local",
    };
    assert!(
        format!("{:?}", app.runtime.media).starts_with(expected),
        "the server runs on the {expected} store"
    );
    app
}

// ----- files ---------------------------------------------------------------------

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Latitude seconds × 100 in the photo's GPS EXIF: easy to look for.
const GPS_SECONDS: u32 = 2417;

/// A 640×480 JPEG photo carrying EXIF with a GPS position (as phones
/// write it), right after the start-of-image marker.
fn jpeg_with_gps() -> Vec<u8> {
    let photo = RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&photo)
        .unwrap();
    // Big-endian TIFF: IFD0 (at 8) points to a GPS IFD (at 26) holding
    // GPSLatitudeRef "N" and GPSLatitude (rationals at 56).
    let mut tiff = b"MM\0\x2A".to_vec();
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3]);
    tiff.extend_from_slice(&56u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [(48u32, 1u32), (51, 1), (GPS_SECONDS, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    jpeg.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    jpeg.extend_from_slice(&payload);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ----- the flow ------------------------------------------------------------------

fn file(legacy: &str, name: &str, content_type: &str, size: usize) -> Value {
    json!({ "legacy_id": legacy, "file_name": name, "content_type": content_type, "size_bytes": size })
}

async fn presign(app: &TestApp, who: &Person, file: &Value) -> (StatusCode, Value) {
    read(
        app.request(Method::POST, "/api/media/presign", Some(who))
            .json(file)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn register(
    app: &TestApp,
    who: &Person,
    file: &Value,
    media_id: &str,
) -> (StatusCode, Value) {
    let mut body = file.clone();
    body["media_id"] = json!(media_id);
    read(
        app.request(Method::POST, "/api/media", Some(who))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Sends `body` to a presigned upload as a browser does: every header the
/// ticket lists except `Content-Length`, which the browser computes from
/// the body; `content_type` replaces the listed one when given.
async fn put(ticket: &Value, body: Vec<u8>, content_type: Option<&str>) -> (StatusCode, String) {
    let upload = &ticket["upload"];
    assert_eq!(upload["method"], "PUT");
    let headers: BTreeMap<String, String> =
        serde_json::from_value(upload["headers"].clone()).unwrap();
    let url = upload["url"].as_str().unwrap();
    let mut request = reqwest::Client::new().put(url);
    if let Some((origin, _)) = url.split_once("/api/media/local/") {
        // What a browser adds to the web app's own PUT to the local store:
        // the CSRF guard of the JSON API must not stand in its way.
        request = request
            .header("Origin", origin)
            .header("Sec-Fetch-Site", "same-origin");
    }
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        if name.eq_ignore_ascii_case("content-type")
            && let Some(other) = content_type
        {
            request = request.header(name, other);
            continue;
        }
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.unwrap();
    (response.status(), response.text().await.unwrap_or_default())
}

/// Presigns, uploads and registers a file; returns the registered item.
async fn upload(app: &TestApp, who: &Person, legacy: &str, name: &str, bytes: &[u8]) -> Value {
    let content_type = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        other => panic!("no type for {other:?}"),
    };
    let file = file(legacy, name, content_type, bytes.len());
    let (status, ticket) = presign(app, who, &file).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let (status, text) = put(&ticket, bytes.to_vec(), None).await;
    assert!(status.is_success(), "upload: {status} {text}");
    let (status, media) = register(app, who, &file, ticket["media_id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    media
}

async fn get_bytes(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

fn key_of(legacy: &str, media: &str) -> String {
    media_storage_key(
        LegacyId::from_uuid(legacy.parse().unwrap()),
        MediaId::from_uuid(media.parse().unwrap()),
    )
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| percent_decode_str(v).decode_utf8().unwrap().into_owned())
    })
}

async fn upload_view_and_delete(backend: Backend, store: Store) {
    let app = spawn_on(backend, store, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let photo = jpeg_with_gps();
    assert!(contains(&photo, &GPS_SECONDS.to_be_bytes()));

    // Presign → PUT with exactly the returned headers → register.
    let file = file(&legacy, "Lake house, 1968.jpg", "image/jpeg", photo.len());
    let (status, ticket) = presign(&app, &alice, &file).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let media_id = ticket["media_id"].as_str().unwrap().to_owned();
    let headers = &ticket["upload"]["headers"];
    assert_eq!(headers["Content-Type"], "image/jpeg", "{ticket}");
    assert_eq!(
        headers["Content-Length"],
        photo.len().to_string(),
        "{ticket}"
    );
    let (status, text) = put(&ticket, photo.clone(), None).await;
    assert!(status.is_success(), "upload refused: {status} {text}");
    let (status, media) = register(&app, &alice, &file, &media_id).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    assert_eq!(media["id"], media_id.as_str());
    assert_eq!(media["file_name"], "Lake house, 1968.jpg");
    assert_eq!(media["content_type"], "image/jpeg");
    assert_eq!(media["size_bytes"], photo.len());

    // Registering again changes nothing and says so.
    let (status, again) = register(&app, &alice, &file, &media_id).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], media_id.as_str());

    // The list shows it, with a thumbnail that loads and has no EXIF.
    let (status, page) = read(
        app.request(
            Method::GET,
            &format!("/api/media?legacy_id={legacy}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["id"], media_id.as_str());
    let thumbnail_url = items[0]["thumbnail_url"].as_str().expect("a thumbnail");
    let thumbnail = get_bytes(thumbnail_url).await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    let thumbnail = thumbnail.bytes().await.unwrap();
    assert!(MediaType::Jpeg.matches_magic(&thumbnail));
    assert!(!contains(&thumbnail, b"Exif"), "the thumbnail has no EXIF");
    assert!(!contains(&thumbnail, &GPS_SECONDS.to_be_bytes()));
    let small = image::load_from_memory_with_format(&thumbnail, ImageFormat::Jpeg).unwrap();
    assert_eq!((small.width(), small.height()), (400, 300));

    // The original downloads byte for byte, offered inline under its name.
    let (status, one) = read(
        app.request(Method::GET, &format!("/api/media/{media_id}"), Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    let url = one["url"].as_str().unwrap();
    let download = get_bytes(url).await;
    assert_eq!(download.status(), StatusCode::OK);
    // The plain `filename` keeps only safe characters; `filename*` has
    // the exact name.
    let expected_disposition =
        "inline; filename=\"Lake house_ 1968.jpg\"; filename*=UTF-8''Lake%20house%2C%201968.jpg";
    match store {
        Store::Local => {
            let header = |name: &str| {
                download
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            assert_eq!(header("content-type").as_deref(), Some("image/jpeg"));
            assert_eq!(
                header("content-disposition").as_deref(),
                Some(expected_disposition)
            );
            assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        }
        // s3s-fs ignores the response overrides (AWS honours them); the
        // signed URL must ask for them.
        Store::S3 => {
            assert_eq!(
                query_param(url, "response-content-disposition").as_deref(),
                Some(expected_disposition)
            );
            assert_eq!(
                query_param(url, "response-content-type").as_deref(),
                Some("image/jpeg")
            );
        }
    }
    assert_eq!(download.bytes().await.unwrap().as_ref(), photo.as_slice());

    // Delete: gone from the API and from storage, thumbnail included.
    let key = key_of(&legacy, &media_id);
    assert!(app.runtime.media.head(&key).await.unwrap().is_some());
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/media/{media_id}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, body) = read(
        app.request(Method::GET, &format!("/api/media/{media_id}"), Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None);
    assert_eq!(
        app.runtime
            .media
            .head(&thumbnail_storage_key(&key))
            .await
            .unwrap(),
        None
    );
    assert_ne!(
        get_bytes(url).await.status(),
        StatusCode::OK,
        "the old URL finds nothing"
    );
}

#[tokio::test]
async fn upload_view_and_delete_on_s3() {
    upload_view_and_delete(Backend::Sqlite, Store::S3).await;
}

#[tokio::test]
async fn upload_view_and_delete_on_the_local_store() {
    upload_view_and_delete(Backend::Sqlite, Store::Local).await;
}

#[tokio::test]
async fn upload_view_and_delete_on_postgres_and_s3() {
    upload_view_and_delete(Backend::Postgres, Store::S3).await;
}

/// A body of another size than signed is refused by the store; an object
/// of the wrong size that got in anyway is refused at registration and
/// deleted.
async fn a_wrong_size_is_refused(store: Store) {
    let app = spawn(store, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let file = file(&legacy, "dot.png", "image/png", PNG.len());
    let (_, ticket) = presign(&app, &alice, &file).await;
    let media_id = ticket["media_id"].as_str().unwrap().to_owned();
    let key = key_of(&legacy, &media_id);

    let mut longer = PNG.to_vec();
    longer.extend_from_slice(&[0; 100]);
    let (status, text) = put(&ticket, longer, None).await;
    assert!(status.is_client_error(), "longer body: {status} {text}");
    let (status, text) = put(&ticket, PNG[..20].to_vec(), None).await;
    assert!(status.is_client_error(), "shorter body: {status} {text}");
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None);

    // As if the store had let a short body through.
    app.runtime
        .media
        .put(&key, MediaType::Png, PNG[..20].to_vec())
        .await
        .unwrap();
    let (status, body) = register(&app, &alice, &file, &media_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error_body(&body, "VALIDATION_FAILED");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("20 bytes"),
        "{body}"
    );
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None, "deleted");
}

#[tokio::test]
async fn a_wrong_size_is_refused_on_s3() {
    a_wrong_size_is_refused(Store::S3).await;
}

#[tokio::test]
async fn a_wrong_size_is_refused_on_the_local_store() {
    a_wrong_size_is_refused(Store::Local).await;
}

/// A PUT with another Content-Type than signed is refused.
async fn a_wrong_type_is_refused(store: Store) {
    let app = spawn(store, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let file = file(&legacy, "dot.png", "image/png", PNG.len());
    let (_, ticket) = presign(&app, &alice, &file).await;
    let (status, text) = put(&ticket, PNG.to_vec(), Some("text/html")).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "{status} {text}"
    );
    let key = key_of(&legacy, ticket["media_id"].as_str().unwrap());
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_wrong_type_is_refused_on_s3() {
    a_wrong_type_is_refused(Store::S3).await;
}

#[tokio::test]
async fn a_wrong_type_is_refused_on_the_local_store() {
    a_wrong_type_is_refused(Store::Local).await;
}

/// A PNG renamed `.mp4` with its true type is refused at presign; PNG
/// bytes declared as an MP4 get into storage (type and size are as signed)
/// but registration reads their magic number, refuses and deletes them.
async fn a_png_posing_as_a_video_is_refused(store: Store) {
    let app = spawn(store, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;

    let (status, body) = presign(
        &app,
        &alice,
        &file(&legacy, "holiday.mp4", "image/png", PNG.len()),
    )
    .await;
    // The document ties each type to its extensions, so this is a request
    // outside it.
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_error_body(&body, "BAD_REQUEST");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("file_name"),
        "{body}"
    );

    let video = file(&legacy, "holiday.mp4", "video/mp4", PNG.len());
    let (status, ticket) = presign(&app, &alice, &video).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let (status, text) = put(&ticket, PNG.to_vec(), None).await;
    assert!(status.is_success(), "{status} {text}");
    let media_id = ticket["media_id"].as_str().unwrap();
    let key = key_of(&legacy, media_id);
    assert!(app.runtime.media.head(&key).await.unwrap().is_some());
    let (status, body) = register(&app, &alice, &video, media_id).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a video/mp4 file"),
        "{body}"
    );
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_png_posing_as_a_video_is_refused_on_s3() {
    a_png_posing_as_a_video_is_refused(Store::S3).await;
}

#[tokio::test]
async fn a_png_posing_as_a_video_is_refused_on_the_local_store() {
    a_png_posing_as_a_video_is_refused(Store::Local).await;
}

/// With `MOSAIC_UPLOAD_URL_SECONDS=1`, an upload two seconds later is
/// refused.
async fn an_expired_upload_url_is_refused(store: Store) {
    let app = spawn(store, &[("MOSAIC_UPLOAD_URL_SECONDS", "1")]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let (_, ticket) = presign(
        &app,
        &alice,
        &file(&legacy, "dot.png", "image/png", PNG.len()),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, text) = put(&ticket, PNG.to_vec(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    if store == Store::Local {
        assert!(text.contains("URL_EXPIRED"), "{text}");
    }
    let key = key_of(&legacy, ticket["media_id"].as_str().unwrap());
    assert_eq!(app.runtime.media.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_upload_url_is_refused_on_s3() {
    an_expired_upload_url_is_refused(Store::S3).await;
}

#[tokio::test]
async fn an_expired_upload_url_is_refused_on_the_local_store() {
    an_expired_upload_url_is_refused(Store::Local).await;
}

/// A quota of 100 bytes: the 70-byte PNG fits, a second one does not.
#[tokio::test]
async fn an_upload_over_the_quota_is_refused_with_413() {
    let app = spawn(Store::Local, &[("MOSAIC_MEDIA_QUOTA_BYTES", "100")]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    upload(&app, &alice, &legacy, "first.png", PNG).await;
    let (status, body) = presign(
        &app,
        &alice,
        &file(&legacy, "second.png", "image/png", PNG.len()),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_error_body(&body, "QUOTA_EXCEEDED");
    assert_eq!(body["error"]["details"]["quota_bytes"], 100);
    assert_eq!(body["error"]["details"]["used_bytes"], PNG.len());
}

/// Members see a legacy's media; a stranger neither sees nor deletes it
/// (404, like a missing item), nor uploads to it.
#[tokio::test]
async fn a_stranger_cannot_see_delete_or_upload() {
    let app = spawn(Store::Local, &[]).await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let mallory = app.person("Mallory").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    app.add_member(&legacy, &alice, &bob, "member").await;
    let media = upload(&app, &alice, &legacy, "dot.png", PNG).await;
    let id = media["id"].as_str().unwrap();

    let list = |who: &Person| {
        app.request(
            Method::GET,
            &format!("/api/media?legacy_id={legacy}"),
            Some(who),
        )
        .send()
    };
    let (_, page) = read(list(&bob).await.unwrap()).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let (status, page) = read(list(&mallory).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["items"].as_array().unwrap().is_empty(), "{page}");

    for method in [Method::GET, Method::DELETE] {
        let (status, body) = read(
            app.request(method.clone(), &format!("/api/media/{id}"), Some(&mallory))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {body}");
        assert_error_body(&body, "NOT_FOUND");
    }
    let (status, _) = presign(
        &app,
        &mallory,
        &file(&legacy, "dot.png", "image/png", PNG.len()),
    )
    .await;
    assert!(status.is_client_error());
    let (status, _) = read(
        app.request(Method::GET, &format!("/api/media/{id}"), Some(&bob))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the member sees it");
}

/// A tampered local URL is refused with the error body and writes nothing.
#[tokio::test]
async fn a_tampered_local_upload_url_is_refused() {
    let app = spawn(Store::Local, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let (_, mut ticket) = presign(
        &app,
        &alice,
        &file(&legacy, "dot.png", "image/png", PNG.len()),
    )
    .await;
    let url = ticket["upload"]["url"].as_str().unwrap().to_owned();
    let other_key = key_of(&legacy, &Uuid::now_v7().to_string());
    let tampered = url.replacen(
        &key_of(&legacy, ticket["media_id"].as_str().unwrap()),
        &other_key,
        1,
    );
    ticket["upload"]["url"] = json!(tampered);
    let (status, text) = put(&ticket, PNG.to_vec(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_error_body(&body, "SIGNATURE_INVALID");
    assert_eq!(app.runtime.media.head(&other_key).await.unwrap(), None);
}

/// Orphan collection removes objects no record owns once they are older
/// than the grace period, and keeps registered media and their thumbnails.
async fn orphan_collection(backend: Backend, store: Store) {
    let app = spawn_on(backend, store, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let kept = upload(&app, &alice, &legacy, "dot.png", PNG).await;
    let kept_key = key_of(&legacy, kept["id"].as_str().unwrap());
    // Presigned and uploaded, never registered.
    let orphan_key = key_of(&legacy, &Uuid::now_v7().to_string());
    app.runtime
        .media
        .put(&orphan_key, MediaType::Png, PNG.to_vec())
        .await
        .unwrap();
    let service = &app.runtime.service;

    let within_grace = service
        .collect_orphan_media(service.settings().orphan_media_grace, false)
        .await
        .unwrap();
    assert_eq!(within_grace.recent_unregistered, 1, "{within_grace:?}");
    assert!(within_grace.orphans.is_empty());
    assert!(app.runtime.media.head(&orphan_key).await.unwrap().is_some());

    // Modification times have whole seconds on some stores.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let dry = service
        .collect_orphan_media(Duration::ZERO, true)
        .await
        .unwrap();
    let dry_keys: Vec<&str> = dry.orphans.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(dry_keys, [orphan_key.as_str()]);
    assert!(app.runtime.media.head(&orphan_key).await.unwrap().is_some());

    let swept = service
        .collect_orphan_media(Duration::ZERO, false)
        .await
        .unwrap();
    assert_eq!(swept.scanned, 3, "original, thumbnail, orphan: {swept:?}");
    assert_eq!(swept.orphans.len(), 1);
    assert!(swept.failed.is_empty());
    assert_eq!(app.runtime.media.head(&orphan_key).await.unwrap(), None);
    assert!(app.runtime.media.head(&kept_key).await.unwrap().is_some());
    assert!(
        app.runtime
            .media
            .head(&thumbnail_storage_key(&kept_key))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn orphan_collection_on_s3() {
    orphan_collection(Backend::Sqlite, Store::S3).await;
}

#[tokio::test]
async fn orphan_collection_on_the_local_store() {
    orphan_collection(Backend::Sqlite, Store::Local).await;
}

#[tokio::test]
async fn orphan_collection_on_postgres_and_s3() {
    orphan_collection(Backend::Postgres, Store::S3).await;
}

/// Deleting a legacy removes its media objects and thumbnails too.
#[tokio::test]
async fn deleting_a_legacy_removes_its_media_files() {
    let app = spawn(Store::Local, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let media = upload(&app, &alice, &legacy, "dot.png", PNG).await;
    let key = key_of(&legacy, media["id"].as_str().unwrap());
    assert!(
        app.runtime
            .media
            .head(&thumbnail_storage_key(&key))
            .await
            .unwrap()
            .is_some()
    );
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/legacies/{legacy}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let left = app
        .runtime
        .media
        .list(&format!("legacies/{legacy}/"))
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

/// A video is stored and served as it is, with no thumbnail.
#[tokio::test]
async fn a_video_has_no_thumbnail() {
    let app = spawn(Store::Local, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    mp4.resize(256, 0);
    let file = file(&legacy, "first steps.mp4", "video/mp4", mp4.len());
    let (_, ticket) = presign(&app, &alice, &file).await;
    let (status, text) = put(&ticket, mp4.clone(), None).await;
    assert!(status.is_success(), "{status} {text}");
    let (status, media) = register(&app, &alice, &file, ticket["media_id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    assert!(media["thumbnail_url"].is_null(), "{media}");
    let key = key_of(&legacy, ticket["media_id"].as_str().unwrap());
    assert_eq!(
        app.runtime
            .media
            .head(&thumbnail_storage_key(&key))
            .await
            .unwrap(),
        None
    );
    let video = get_bytes(media["url"].as_str().unwrap()).await;
    assert_eq!(
        video.headers()["content-type"].to_str().unwrap(),
        "video/mp4"
    );
    assert_eq!(video.bytes().await.unwrap().as_ref(), mp4.as_slice());
}

/// A PNG is written next to its thumbnail in the PNG cycle too (the gallery
/// case other than JPEG), and a real PNG is kept byte for byte.
#[tokio::test]
async fn a_png_gets_a_thumbnail_and_downloads_unchanged() {
    let app = spawn(Store::Local, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let mut png = Cursor::new(Vec::new());
    RgbImage::from_pixel(1000, 500, image::Rgb([10, 200, 30]))
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    let png = png.into_inner();
    let media = upload(&app, &alice, &legacy, "meadow.png", &png).await;
    let thumbnail = get_bytes(media["thumbnail_url"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();
    let small = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!((small.width(), small.height()), (400, 200));
    let original = get_bytes(media["url"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(original.as_ref(), png.as_slice());
}

// ----- who may do what --------------------------------------------------------

/// Every kind of caller against a photo the uploader (an editor) added:
/// the expected status of viewing it, how many items the legacy's list
/// shows them, presigning an upload, and deleting it.
#[tokio::test]
async fn media_authorization_matrix() {
    let app = spawn(Store::Local, &[]).await;
    let creator = app.person("Creator").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    let mut callers: Vec<(&str, Option<Person>)> = vec![("anonymous", None)];
    for (name, role) in [
        ("stranger", None),
        ("pending", Some("pending")),
        ("member", Some("member")),
        ("editor", Some("editor")),
        ("uploader", Some("editor")),
    ] {
        let person = app.person(name).await;
        if let Some(role) = role {
            app.add_member(&legacy, &creator, &person, role).await;
        }
        callers.push((name, Some(person)));
    }
    callers.push(("creator", Some(creator.clone())));
    let uploader = callers[5].1.clone().unwrap();

    // caller → (view, items listed, presign, delete)
    let expected = [
        ("anonymous", (404, 0, 401, 401)),
        ("stranger", (404, 0, 403, 404)),
        ("pending", (404, 0, 403, 404)),
        ("member", (200, 1, 403, 403)),
        ("editor", (200, 1, 200, 403)),
        ("uploader", (200, 1, 200, 204)),
        ("creator", (200, 1, 200, 204)),
    ];
    for ((name, who), (expected_name, (view, listed, presigned, deleted))) in
        callers.iter().zip(expected)
    {
        assert_eq!(*name, expected_name);
        let who = who.as_ref();
        let media = upload(&app, &uploader, &legacy, "dot.png", PNG).await;
        let id = media["id"].as_str().unwrap();
        let status = |response: reqwest::Response| response.status().as_u16();

        let got = app
            .request(Method::GET, &format!("/api/media/{id}"), who)
            .send()
            .await
            .unwrap();
        assert_eq!(status(got), view, "{name} views");

        let (_, page) = read(
            app.request(Method::GET, &format!("/api/media?legacy_id={legacy}"), who)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let shown = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["id"] == id)
            .count();
        assert_eq!(shown, listed, "{name} lists: {page}");

        let presign_status = app
            .request(Method::POST, "/api/media/presign", who)
            .json(&file(&legacy, "dot.png", "image/png", PNG.len()))
            .send()
            .await
            .unwrap();
        assert_eq!(status(presign_status), presigned, "{name} presigns");

        let delete_status = app
            .request(Method::DELETE, &format!("/api/media/{id}"), who)
            .send()
            .await
            .unwrap();
        assert_eq!(status(delete_status), deleted, "{name} deletes");
        let key = key_of(&legacy, id);
        assert_eq!(
            app.runtime.media.head(&key).await.unwrap().is_none(),
            deleted == 204,
            "{name}: the file is removed exactly when the item is"
        );
    }
}
