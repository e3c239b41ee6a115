//! The object-storage contract against a real S3 API (s3s-fs, which checks
//! signatures, started by `scripts/test.d/30-s3.sh`), over real HTTP.

mod common;

use std::sync::Arc;

use async_trait::async_trait;
use common::{Downloaded, PNG, Refusal, Transport, unique_key};
use mosaic_domain::MediaType;
use mosaic_ports::{ObjectStorage, PresignedRequest, StorageError};
use mosaic_s3::{Disposition, S3Config, S3Credentials, S3Storage, cors_configuration_json};
use percent_encoding::percent_decode_str;
use time::Duration;

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need an S3-compatible server. Run scripts/test, \
             or start s3s-fs by hand as scripts/test.d/30-s3.sh does and export \
             MOSAIC_TEST_S3_ENDPOINT, MOSAIC_TEST_S3_BUCKET, MOSAIC_TEST_S3_ACCESS_KEY and \
             MOSAIC_TEST_S3_SECRET_KEY"
        )
    })
}

fn config() -> S3Config {
    let endpoint = required("MOSAIC_TEST_S3_ENDPOINT");
    S3Config {
        bucket: required("MOSAIC_TEST_S3_BUCKET"),
        region: "us-east-1".to_owned(),
        endpoint: Some(endpoint),
        path_style: true,
        credentials: S3Credentials::Static {
            access_key_id: required("MOSAIC_TEST_S3_ACCESS_KEY"),
            secret_access_key: required("MOSAIC_TEST_S3_SECRET_KEY"),
        },
    }
}

async fn storage() -> S3Storage {
    S3Storage::new(config()).await
}

/// A browser: sends the presigned request's headers, with the body's real
/// length as `Content-Length`.
#[derive(Debug)]
struct Http(reqwest::Client);

impl Http {
    fn new() -> Self {
        Self(reqwest::Client::new())
    }
}

#[async_trait]
impl Transport for Http {
    async fn upload(
        &self,
        request: &PresignedRequest,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), String> {
        assert_eq!(request.method, "PUT");
        let mut put = self.0.put(&request.url);
        for (name, value) in &request.headers {
            // reqwest appends headers: setting one twice would break the
            // signature, so the ones this test controls are left out here.
            if name.eq_ignore_ascii_case("content-type")
                || name.eq_ignore_ascii_case("content-length")
            {
                continue;
            }
            put = put.header(name, value);
        }
        let response = put
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .map_err(|err| format!("request failed: {err}"))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("{status}: {text}"))
        }
    }

    /// What s3s-fs (like AWS S3) answers: a changed signed header breaks
    /// the signature; an old URL is refused before the signature is checked.
    fn refusal_text(&self, reason: Refusal) -> &'static str {
        match reason {
            Refusal::WrongType | Refusal::WrongLength => {
                "403 Forbidden: <?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code>"
            }
            Refusal::Expired => "<Code>AccessDenied</Code><Message>Request has expired</Message>",
        }
    }

    async fn download(&self, request: &PresignedRequest) -> Result<Downloaded, String> {
        assert_eq!(request.method, "GET");
        let response = self
            .0
            .get(&request.url)
            .send()
            .await
            .map_err(|err| format!("request failed: {err}"))?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type");
        let content_disposition = header("content-disposition");
        let nosniff = header("x-content-type-options").as_deref() == Some("nosniff");
        let bytes = response.bytes().await.map_err(|err| err.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
        }
        Ok(Downloaded {
            bytes: bytes.to_vec(),
            content_type,
            content_disposition,
            nosniff,
        })
    }

    /// s3s-fs ignores `response-content-disposition` (AWS S3 honours it), so
    /// the check is that the signed URL asks for the right header;
    /// `download_url_is_bound_to_its_response_headers` shows that the
    /// signature covers it.
    fn assert_disposition(
        &self,
        request: &PresignedRequest,
        _got: &Downloaded,
        expected_disposition: &str,
    ) {
        assert_eq!(
            query_param(&request.url, "response-content-disposition").as_deref(),
            Some(expected_disposition)
        );
        assert_eq!(
            query_param(&request.url, "response-content-type").as_deref(),
            Some("image/png")
        );
    }
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| percent_decode_str(v).decode_utf8().unwrap().into_owned())
    })
}

#[tokio::test]
async fn upload_register_download_delete() {
    common::upload_register_download_delete(&storage().await, &Http::new()).await;
}

#[tokio::test]
async fn service_uploads_registers_downloads_and_deletes() {
    common::service::service_uploads_registers_downloads_and_deletes(
        Arc::new(storage().await),
        &Http::new(),
    )
    .await;
}

#[tokio::test]
async fn service_refuses_and_removes_a_file_that_is_not_its_type() {
    common::service::service_refuses_and_removes_a_file_that_is_not_its_type(
        Arc::new(storage().await),
        &Http::new(),
    )
    .await;
}

#[tokio::test]
async fn put_and_list_a_folder() {
    common::put_and_list_a_folder(&storage().await).await;
}

#[tokio::test]
async fn upload_with_another_type_is_refused() {
    common::upload_with_another_type_is_refused(&storage().await, &Http::new()).await;
}

#[tokio::test]
async fn upload_with_another_length_is_refused() {
    common::upload_with_another_length_is_refused(&storage().await, &Http::new()).await;
}

#[tokio::test]
async fn upload_to_an_expired_url_is_refused() {
    common::upload_to_an_expired_url_is_refused(&storage().await, &Http::new()).await;
}

#[tokio::test]
async fn unsafe_keys_are_refused() {
    common::unsafe_keys_are_refused(&storage().await).await;
}

#[tokio::test]
async fn the_upload_signature_covers_content_type_and_length() {
    let upload = storage()
        .await
        .presign_upload(&unique_key(), MediaType::Png, 70, Duration::minutes(5))
        .await
        .unwrap();
    let signed = query_param(&upload.url, "X-Amz-SignedHeaders").expect("a SigV4 presigned URL");
    eprintln!("presigned upload: {upload:?}");
    let signed: Vec<&str> = signed.split(';').collect();
    assert!(signed.contains(&"content-type"), "{signed:?}");
    assert!(signed.contains(&"content-length"), "{signed:?}");
}

#[tokio::test]
async fn a_tampered_upload_url_is_refused() {
    let storage = storage().await;
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::minutes(5))
        .await
        .unwrap();
    let other_key = unique_key();
    let tampered = PresignedRequest {
        url: upload.url.replace(&key, &other_key),
        ..upload.clone()
    };
    Http::new()
        .upload(&tampered, "image/png", PNG.to_vec())
        .await
        .expect_err("a URL for another key must be refused");
    assert_eq!(storage.head(&other_key).await.unwrap(), None);
}

#[tokio::test]
async fn download_url_is_bound_to_its_response_headers() {
    let storage = storage().await;
    let key = unique_key();
    let upload = storage
        .presign_upload(&key, MediaType::Png, PNG.len() as u64, Duration::minutes(5))
        .await
        .unwrap();
    Http::new()
        .upload(&upload, "image/png", PNG.to_vec())
        .await
        .unwrap();
    let download = storage
        .presign_download_as(&key, "a.png", Disposition::Attachment, Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        query_param(&download.url, "response-content-disposition").as_deref(),
        Some("attachment; filename=\"a.png\"; filename*=UTF-8''a.png")
    );
    assert!(Http::new().download(&download).await.is_ok());
    let tampered = PresignedRequest {
        url: download.url.replace(
            "response-content-type=image%2Fpng",
            "response-content-type=text%2Fhtml",
        ),
        ..download.clone()
    };
    assert_ne!(
        tampered.url, download.url,
        "the URL carries response-content-type"
    );
    Http::new()
        .download(&tampered)
        .await
        .expect_err("changing a response header in the URL breaks the signature");
    storage.delete(&key).await.unwrap();
}

#[tokio::test]
async fn download_of_a_file_without_media_extension_is_an_attachment() {
    let download = storage()
        .await
        .presign_download(&unique_key(), "notes.html", Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        query_param(&download.url, "response-content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert!(
        query_param(&download.url, "response-content-disposition")
            .unwrap()
            .starts_with("attachment;")
    );
}

#[tokio::test]
async fn check_access_passes_with_good_credentials_and_fails_with_bad_ones() {
    storage()
        .await
        .check_access()
        .await
        .expect("the test bucket is usable");
    let wrong_secret = S3Config {
        credentials: S3Credentials::Static {
            access_key_id: required("MOSAIC_TEST_S3_ACCESS_KEY"),
            secret_access_key: "wrong-secret".to_owned(),
        },
        ..config()
    };
    let err = S3Storage::new(wrong_secret)
        .await
        .check_access()
        .await
        .expect_err("a wrong secret is refused");
    assert!(matches!(err, StorageError::Unavailable(_)), "{err:?}");
    let missing_bucket = S3Config {
        bucket: format!("missing-{}", uuid::Uuid::now_v7()),
        ..config()
    };
    let err = S3Storage::new(missing_bucket)
        .await
        .check_access()
        .await
        .expect_err("a missing bucket is reported");
    assert!(matches!(err, StorageError::Unavailable(_)), "{err:?}");
}

#[test]
fn cors_rule_allows_presigned_uploads_from_the_app_origin() {
    let json: serde_json::Value =
        serde_json::from_str(&cors_configuration_json(&["https://mosaic.example.org"])).unwrap();
    let rule = &json["CORSRules"][0];
    assert_eq!(rule["AllowedOrigins"][0], "https://mosaic.example.org");
    let methods = rule["AllowedMethods"].as_array().unwrap();
    assert!(methods.iter().any(|m| m == "PUT"));
    assert!(
        rule["AllowedHeaders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "Content-Type")
    );
}
