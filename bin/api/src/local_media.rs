//! The local media store's signed URLs: the server's stand-in for S3
//! presigned requests when media live in a folder (`mosaic_s3::local_url`
//! describes the format).
//!
//! `PUT /api/media/local/{key}?…` streams an upload into place;
//! `GET`/`HEAD /api/media/local/{key}?…` streams a file back with a fixed
//! type, a safe `Content-Disposition` and `nosniff`. The signature is the
//! authorisation: no session is needed, so the route sits outside the JSON
//! API — outside its 1 MiB body limit (uploads are up to 500 MB, and the
//! store stops reading at the signed size) and its CSRF guard (a request
//! only works with a URL the server signed for one key, type, size and
//! expiry, and sends no cookie that could be abused).

use mosaic_ports::StorageError;
use mosaic_s3::{LocalStorage, LocalUrlError, LocalWriteError};
use poem::http::{Method, StatusCode, header};
use poem::web::{Data, Path};
use poem::{Body, Request, Response, handler};
use time::OffsetDateTime;

use crate::error::json_error;
use crate::state::AppState;

/// Route pattern, under the same path the signed URLs use
/// ([`mosaic_s3::LOCAL_MEDIA_PATH`]).
pub const LOCAL_MEDIA_ROUTE: &str = "/api/media/local/*key";

/// Serves one request to a signed local media URL.
#[handler]
pub async fn local_media(
    req: &Request,
    Path(key): Path<String>,
    state: Data<&AppState>,
    body: Body,
) -> Response {
    let Some(store) = state.local_media.as_ref() else {
        // Media are in S3: these URLs were never handed out.
        return json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "not found");
    };
    let query = req.uri().query().unwrap_or("");
    let now = OffsetDateTime::now_utc();
    match *req.method() {
        Method::PUT => upload(store, req, &key, query, now, body).await,
        Method::GET => download(store, &key, query, now, true).await,
        Method::HEAD => download(store, &key, query, now, false).await,
        _ => json_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "signed media URLs take PUT (upload) or GET (download)",
        ),
    }
}

async fn upload(
    store: &LocalStorage,
    req: &Request,
    key: &str,
    query: &str,
    now: OffsetDateTime,
    body: Body,
) -> Response {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let content_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let verified = match store.verify_upload(key, query, content_type, content_length, now) {
        Ok(verified) => verified,
        Err(err) => return url_error_response(&err),
    };
    match store
        .write_object(&verified, body.into_bytes_stream())
        .await
    {
        Ok(_) => Response::builder().status(StatusCode::OK).finish(),
        Err(err) => write_error_response(&err),
    }
}

async fn download(
    store: &LocalStorage,
    key: &str,
    query: &str,
    now: OffsetDateTime,
    with_body: bool,
) -> Response {
    let verified = match store.verify_download(key, query, now) {
        Ok(verified) => verified,
        Err(err) => return url_error_response(&err),
    };
    let object = match store.read_object(verified.key()).await {
        Ok(object) => object,
        Err(StorageError::NotFound) => {
            return json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "not found");
        }
        Err(err) => return storage_error_response(&err),
    };
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_LENGTH, object.size_bytes);
    for (name, value) in verified.response_headers() {
        response = response.header(name, value);
    }
    if with_body {
        let stream = futures_util::TryStreamExt::map_err(object.body, std::io::Error::other);
        response.body(Body::from_bytes_stream(stream))
    } else {
        response.finish()
    }
}

/// Statuses for refused URLs: 403 when the URL is not (or no longer) good
/// for anything, the matching 4xx when the request does not fit what was
/// signed.
fn url_error_response(err: &LocalUrlError) -> Response {
    let (status, code) = match err {
        LocalUrlError::Malformed(_) | LocalUrlError::InvalidKey(_) => {
            (StatusCode::BAD_REQUEST, "BAD_REQUEST")
        }
        LocalUrlError::BadSignature | LocalUrlError::WrongMethod { .. } => {
            (StatusCode::FORBIDDEN, "SIGNATURE_INVALID")
        }
        LocalUrlError::Expired => (StatusCode::FORBIDDEN, "URL_EXPIRED"),
        LocalUrlError::WrongContentType { .. } => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "WRONG_CONTENT_TYPE")
        }
        LocalUrlError::MissingContentLength => (StatusCode::LENGTH_REQUIRED, "LENGTH_REQUIRED"),
        LocalUrlError::WrongSize { signed, sent } if sent > signed => {
            (StatusCode::PAYLOAD_TOO_LARGE, "WRONG_SIZE")
        }
        LocalUrlError::WrongSize { .. } => (StatusCode::BAD_REQUEST, "WRONG_SIZE"),
    };
    json_error(status, code, &err.to_string())
}

fn write_error_response(err: &LocalWriteError) -> Response {
    match err {
        LocalWriteError::TooLarge { .. } => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "WRONG_SIZE",
            &err.to_string(),
        ),
        LocalWriteError::TooSmall { .. } => {
            json_error(StatusCode::BAD_REQUEST, "WRONG_SIZE", &err.to_string())
        }
        LocalWriteError::Body(_) => {
            json_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &err.to_string())
        }
        LocalWriteError::Storage(storage) => storage_error_response(storage),
    }
}

fn storage_error_response(err: &StorageError) -> Response {
    tracing::error!(error = ?err, "local media store failed");
    match err {
        StorageError::NotFound => json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "not found"),
        StorageError::Unavailable(_) => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "media storage is unavailable; please try again shortly",
        ),
        StorageError::Internal(_) => json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "something went wrong on our side; it has been logged",
        ),
    }
}
