//! The project's error body, and the mapping from service errors to HTTP.
//!
//! Every error answer has the shape
//! `{"error": {"code": "...", "message": "...", "details": ...}}`. Handlers
//! return [`ApiError`]; errors poem raises before a handler runs (malformed
//! JSON, wrong types, missing auth, unknown routes, oversized bodies) are
//! turned into the same body by [`framework_error_response`].

use mosaic_domain::{MembershipError, ValidationError};
use mosaic_ports::{Resource, ServiceError};
use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

/// The body of every error response.
#[derive(Debug, Clone, Object)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// One error.
#[derive(Debug, Clone, Object)]
pub struct ErrorDetail {
    /// Stable, machine-readable code (`NOT_FOUND`, `VALIDATION_FAILED`, …).
    pub code: String,
    /// A sentence for the person using the app.
    pub message: String,
    /// Extra structured information, when there is any; `null` otherwise.
    #[oai(nullable)]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    /// An error body without details.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.to_owned(),
                message: message.into(),
                details: None,
            },
        }
    }
}

/// Every error a handler can answer with.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request is malformed.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Sign in first.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// Signed in, but not allowed.
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// Missing, or hidden from the caller.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Conflicts with the current state.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body or upload is too large, or the quota is used up.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not JSON (`Content-Type` must be `application/json`).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// Well-formed, but a value breaks a rule.
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// Too many requests; try again after `Retry-After` seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// A bug on our side.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A backing service is down.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
    /// The server's disk is full: nothing can be saved until space is
    /// freed (code `STORAGE_FULL`); reading still works.
    #[oai(status = 507)]
    InsufficientStorage(Json<ErrorBody>),
}

impl ApiError {
    /// 422 for a value that breaks a validation rule.
    pub fn invalid(err: ValidationError) -> Self {
        Self::Unprocessable(Json(ErrorBody::new("VALIDATION_FAILED", err.to_string())))
    }

    /// 422 for input that breaks a rule of this request.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::Unprocessable(Json(ErrorBody::new("VALIDATION_FAILED", message)))
    }

    /// 400 for a malformed request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(Json(ErrorBody::new("BAD_REQUEST", message)))
    }

    /// 429 with the seconds to wait.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::TooManyRequests(
            Json(ErrorBody::new(
                "RATE_LIMITED",
                format!("too many requests; try again in {retry_after_secs} s"),
            )),
            retry_after_secs,
        )
    }

    /// 401 for a missing or dead session.
    pub fn unauthorized() -> Self {
        Self::Unauthorized(Json(ErrorBody::new(
            "UNAUTHORIZED",
            "you need to sign in to do this",
        )))
    }
}

fn membership_code(err: MembershipError) -> &'static str {
    match err {
        MembershipError::AlreadyMember => "ALREADY_MEMBER",
        MembershipError::NotPending => "NOT_PENDING",
        MembershipError::CreatorIsFixed => "CREATOR_IS_FIXED",
        MembershipError::NotActiveMember => "NOT_ACTIVE_MEMBER",
        MembershipError::RoleNotAssignable => "ROLE_NOT_ASSIGNABLE",
        MembershipError::OwnMembership => "OWN_MEMBERSHIP",
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        let message = err.to_string();
        match err {
            ServiceError::NotFound(resource) => {
                let what = match resource {
                    Resource::Legacy => "legacy",
                    Resource::Story => "story",
                    Resource::Media => "media",
                    Resource::Invite => "invite",
                    _ => "resource",
                };
                let mut body = ErrorBody::new("NOT_FOUND", message);
                body.error.details = Some(serde_json::json!({ "resource": what }));
                Self::NotFound(Json(body))
            }
            ServiceError::Unauthenticated => Self::unauthorized(),
            ServiceError::Forbidden(_) => {
                Self::Forbidden(Json(ErrorBody::new("FORBIDDEN", message)))
            }
            ServiceError::Invalid(validation) => Self::invalid(validation),
            ServiceError::Membership(MembershipError::RoleNotAssignable) => {
                Self::Unprocessable(Json(ErrorBody::new("ROLE_NOT_ASSIGNABLE", message)))
            }
            ServiceError::Membership(membership) => {
                Self::Conflict(Json(ErrorBody::new(membership_code(membership), message)))
            }
            ServiceError::Conflict(_) => Self::Conflict(Json(ErrorBody::new("CONFLICT", message))),
            ServiceError::InviteClosed(state) => {
                let code = match state {
                    mosaic_domain::InviteState::Expired => "INVITE_EXPIRED",
                    mosaic_domain::InviteState::UsedUp => "INVITE_USED_UP",
                    mosaic_domain::InviteState::Revoked => "INVITE_REVOKED",
                    mosaic_domain::InviteState::Open => "CONFLICT",
                };
                Self::Conflict(Json(ErrorBody::new(code, message)))
            }
            ServiceError::InvalidArchive(_) => {
                Self::Unprocessable(Json(ErrorBody::new("INVALID_ARCHIVE", message)))
            }
            ServiceError::QuotaExceeded {
                quota_bytes,
                used_bytes,
            } => {
                let mut body = ErrorBody::new("QUOTA_EXCEEDED", message);
                body.error.details = Some(
                    serde_json::json!({ "quota_bytes": quota_bytes, "used_bytes": used_bytes }),
                );
                Self::PayloadTooLarge(Json(body))
            }
            // Only the chat endpoints meet these, and they answer with
            // `ChatError`, which has the gateway statuses; elsewhere they
            // cannot occur, so "unavailable" is the honest fallback.
            ServiceError::CompanionOff | ServiceError::Model(_) => {
                Self::Unavailable(Json(ErrorBody::new("AI_UNAVAILABLE", message)))
            }
            ServiceError::AiQuotaExceeded { retry_after, .. } => {
                Self::too_many_requests(retry_after_seconds(retry_after))
            }
            ServiceError::Unavailable(source) => {
                tracing::error!(error = ?source, "backing service unavailable");
                Self::Unavailable(Json(ErrorBody::new("UNAVAILABLE", message)))
            }
            ServiceError::StorageFull(source) => {
                tracing::error!(error = ?source, "storage full");
                Self::InsufficientStorage(Json(ErrorBody::new("STORAGE_FULL", message)))
            }
            ServiceError::Internal(source) => {
                tracing::error!(error = ?source, "internal error");
                Self::Internal(Json(ErrorBody::new(
                    "INTERNAL",
                    "something went wrong on our side; it has been logged",
                )))
            }
        }
    }
}

/// Whole seconds to wait, at least one (for `Retry-After`).
pub fn retry_after_seconds(wait: time::Duration) -> u64 {
    u64::try_from(wait.whole_seconds()).unwrap_or(0).max(1)
}

/// Handler results.
pub type ApiResult<T> = Result<T, ApiError>;

/// The code for an HTTP status, for errors raised outside the handlers.
fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        408 => "REQUEST_TIMEOUT",
        409 => "CONFLICT",
        411 | 413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "VALIDATION_FAILED",
        429 => "RATE_LIMITED",
        502 => "BAD_GATEWAY",
        503 => "UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        507 => "STORAGE_FULL",
        s if s >= 500 => "INTERNAL",
        _ => "ERROR",
    }
}

/// Turns an error raised by poem or poem-openapi (before or around a
/// handler) into a response with the project's error body.
pub fn framework_error_response(err: poem::Error) -> poem::Response {
    if err.is_from_response() {
        // An `ApiError` a handler returned: already in the project's shape.
        return err.into_response();
    }
    let status = err.status();
    let message = if status == StatusCode::UNAUTHORIZED {
        "you need to sign in to do this".to_owned()
    } else if status.is_server_error() {
        tracing::error!(error = %err, "unhandled server error");
        "something went wrong on our side; it has been logged".to_owned()
    } else if status == StatusCode::NOT_FOUND {
        "not found".to_owned()
    } else {
        err.to_string()
    };
    json_error(status, code_for_status(status), &message)
}

/// A response with the error body, for code outside poem-openapi handlers.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> poem::Response {
    let body =
        serde_json::json!({ "error": { "code": code, "message": message, "details": null } });
    poem::Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}
