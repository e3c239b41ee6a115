//! Liveness, readiness and metrics: plain endpoints for operators and
//! orchestrators, outside the documented API.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};

use crate::error::json_error;
use crate::state::AppState;

/// `GET /health`: the process is up.
#[handler]
pub fn health() -> Response {
    Response::builder()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

/// `GET /ready`: the database answers a query and the server is not
/// draining before shutdown; 503 with the error body otherwise.
#[handler]
pub async fn ready(state: Data<&AppState>) -> Response {
    if state.draining.is_draining() {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "SHUTTING_DOWN",
            "the server is shutting down",
        );
    }
    match state.readiness.check().await {
        Ok(()) => Response::builder()
            .content_type("application/json")
            .body(r#"{"status":"ready"}"#),
        Err(reason) => {
            tracing::warn!(reason, "readiness check failed");
            json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                "the database is not reachable",
            )
        }
    }
}

/// `GET /metrics`: Prometheus text format.
#[handler]
pub fn metrics(state: Data<&AppState>) -> Response {
    let body = state.metrics.render(&state.readiness.pool_gauges());
    Response::builder()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
