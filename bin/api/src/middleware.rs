//! Cross-cutting request handling: request ids, structured logs, metrics,
//! CSRF protection and body size limits.

use std::time::{Duration, Instant};

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OperationId;
use tracing::Instrument;
use uuid::Uuid;

use crate::error::json_error;
use crate::metrics::Metrics;

/// The header that carries the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Gives every request an id (the caller's `X-Request-Id` when it is a
/// sane token, a new UUID otherwise), runs it inside a tracing span that
/// carries the id so every log line of the request has it, logs one line
/// when it ends, records metrics, and returns the id in the response.
pub async fn observe<E: Endpoint>(
    next: E,
    req: Request,
    metrics: &Metrics,
) -> poem::Result<Response> {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, path = %path);
    let started = Instant::now();

    let mut response = next.get_response(req).instrument(span.clone()).await;

    let elapsed = started.elapsed();
    let status = response.status();
    let route = response
        .data::<OperationId>()
        .map_or_else(|| route_label(&path), |id| id.0.to_owned());
    metrics.record(&route, method.as_str(), status.as_u16(), elapsed);
    span.in_scope(|| {
        tracing::info!(status = status.as_u16(), route = %route, latency_ms = elapsed.as_secs_f64() * 1000.0, "request finished");
    });
    if let Ok(value) = request_id.parse() {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}

/// The path as logged, cut to a sane length. (No secret travels in a path:
/// sign-in tokens are sent in request bodies.)
fn loggable_path(path: &str) -> String {
    path.chars().take(200).collect()
}

/// A bounded label for requests that are not API operations.
fn route_label(path: &str) -> String {
    match path {
        "/health" | "/ready" | "/metrics" | "/openapi.json" => {
            path.trim_start_matches('/').to_owned()
        }
        p if p.starts_with("/api/") => "api".to_owned(),
        p if p.starts_with("/docs") => "docs".to_owned(),
        crate::sign_in::LOGIN_PATH => "google_login".to_owned(),
        crate::sign_in::CALLBACK_PATH => "google_callback".to_owned(),
        _ => "web".to_owned(),
    }
}

/// Everything but the safe methods of RFC 9110 §9.2.1.
fn is_state_changing(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Refuses state-changing requests that a cross-site page could make:
/// the `Origin` (when sent) must be this server's, the browser must not
/// flag it cross-site, and the request must be "non-simple" (a JSON body or
/// the `X-Requested-With` header), which a plain HTML form cannot produce.
pub async fn csrf_guard<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    if is_state_changing(req.method())
        && let Err(why) = check_same_origin(&req)
    {
        tracing::warn!(reason = why, "cross-site request refused");
        return Ok(json_error(StatusCode::FORBIDDEN, "CSRF_REJECTED", why));
    }
    next.call(req).await.map(IntoResponse::into_response)
}

fn check_same_origin(req: &Request) -> Result<(), &'static str> {
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err("cross-site requests cannot change anything");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin
            .to_str()
            .map_err(|_| "the Origin header is not valid")?;
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map_or("", |(_, rest)| rest.trim_end_matches('/'));
        if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return Err("requests from another site cannot change anything");
        }
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if json || headers.contains_key("x-requested-with") {
        Ok(())
    } else {
        Err("send a JSON body or the X-Requested-With header")
    }
}

/// Refuses bodies over `limit` bytes with 413, whether or not the client
/// declared a `Content-Length`, and bodies that do not arrive within
/// `timeout` with 408 (closing the connection: the rest of a slow body is
/// not waited for).
pub async fn body_limit<E: Endpoint>(
    next: E,
    mut req: Request,
    limit: usize,
    timeout: Duration,
) -> poem::Result<Response> {
    let too_large = || {
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "the request body is too large",
        )
    };
    // The archive import streams its (large) body to disk and enforces its
    // own limit.
    if req.original_uri().path() == crate::api::IMPORT_ROUTE {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Ok(too_large());
    }
    if is_state_changing(req.method()) {
        let body = req.take_body().into_bytes_limit(limit);
        let Ok(body) = tokio::time::timeout(timeout, body).await else {
            tracing::warn!(
                seconds = timeout.as_secs_f64(),
                "request body not received in time"
            );
            let mut response = json_error(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                "the request body did not arrive in time",
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Ok(response);
        };
        match body {
            Ok(bytes) => req.set_body(bytes),
            Err(poem::error::ReadBodyError::PayloadTooLarge) => return Ok(too_large()),
            Err(other) => {
                return Ok(json_error(
                    StatusCode::BAD_REQUEST,
                    "BAD_REQUEST",
                    &format!("the request body could not be read: {other}"),
                ));
            }
        }
    }
    next.call(req).await.map(IntoResponse::into_response)
}
