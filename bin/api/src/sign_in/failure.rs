//! How a failed provider sign-in is answered: browsers are sent to the web
//! app's sign-in page with a short code it can explain
//! (`/sign-in?error=login_expired`); clients that ask for JSON get the
//! status and the project's error body. The redirect carries the error body
//! too, so no answer ever lacks it.

use mosaic_ports::{IdentityError, IdentitySignInError, ServiceError};
use poem::http::{StatusCode, header};
use poem::{Request, Response};

/// Why a sign-in with the provider did not happen. Each has a stable code
/// (`error=` on the redirect, upper case in the JSON body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    /// No provider is configured on this server.
    NotConfigured,
    /// Too many attempts from this address.
    RateLimited {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// The provider cannot be reached (at discovery, or at the code
    /// exchange).
    ProviderUnavailable,
    /// The person cancelled at the provider (`error=access_denied`).
    AccessDenied,
    /// The provider answered the callback with another error.
    ProviderError,
    /// No login cookie: never started here, already used, or expired.
    LoginExpired,
    /// The callback's `state` does not match the login cookie, or the
    /// cookie was altered.
    InvalidState,
    /// The provider refused the code, or the ID token failed verification.
    Rejected,
    /// No account exists and this e-mail may not create one.
    SignUpNotAllowed,
    /// The provider has not verified the e-mail address.
    EmailNotVerified,
    /// The provider shared no usable e-mail address.
    NoEmail,
    /// The account is disabled.
    AccountDisabled,
    /// Our database is unavailable.
    Unavailable,
    /// A bug on our side (logged).
    Internal,
}

impl SignInFailure {
    /// The code for the web app's `?error=`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::RateLimited { .. } => "rate_limited",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::AccessDenied => "access_denied",
            Self::ProviderError => "provider_error",
            Self::LoginExpired => "login_expired",
            Self::InvalidState => "invalid_state",
            Self::Rejected => "rejected",
            Self::SignUpNotAllowed => "signup_not_allowed",
            Self::EmailNotVerified => "email_not_verified",
            Self::NoEmail => "no_email",
            Self::AccountDisabled => "account_disabled",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status for clients that asked for JSON.
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotConfigured => StatusCode::NOT_FOUND,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::ProviderUnavailable | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::ProviderError => StatusCode::BAD_GATEWAY,
            Self::AccessDenied
            | Self::SignUpNotAllowed
            | Self::EmailNotVerified
            | Self::NoEmail
            | Self::AccountDisabled => StatusCode::FORBIDDEN,
            Self::LoginExpired | Self::InvalidState | Self::Rejected => StatusCode::BAD_REQUEST,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A sentence for the person signing in.
    pub fn message(self) -> &'static str {
        match self {
            Self::NotConfigured => {
                "signing in with an identity provider is not set up on this server"
            }
            Self::RateLimited { .. } => {
                "too many sign-in attempts; please wait a minute and try again"
            }
            Self::ProviderUnavailable => {
                "the identity provider cannot be reached; please try again shortly"
            }
            Self::AccessDenied => "sign-in was cancelled at the identity provider",
            Self::ProviderError => "the identity provider reported an error; please try again",
            Self::LoginExpired => {
                "this sign-in attempt expired or was already used; please start again"
            }
            Self::InvalidState => {
                "this sign-in attempt does not belong to this browser; please start again"
            }
            Self::Rejected => {
                "the identity provider's answer could not be verified; please start again"
            }
            Self::SignUpNotAllowed => {
                "this e-mail address may not create an account here; ask the family's administrator for an invitation"
            }
            Self::EmailNotVerified => "your identity provider has not verified your e-mail address",
            Self::NoEmail => "your identity provider did not share an e-mail address",
            Self::AccountDisabled => "this account is disabled",
            Self::Unavailable => "a storage service is unavailable; please try again shortly",
            Self::Internal => "something went wrong on our side; it has been logged",
        }
    }
}

impl From<IdentityError> for SignInFailure {
    fn from(err: IdentityError) -> Self {
        match err {
            IdentityError::InvalidState => Self::InvalidState,
            IdentityError::Rejected(reason) => {
                tracing::warn!(reason = %reason, "sign-in rejected");
                Self::Rejected
            }
            IdentityError::Unavailable(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "identity provider unavailable");
                Self::ProviderUnavailable
            }
        }
    }
}

impl From<IdentitySignInError> for SignInFailure {
    fn from(err: IdentitySignInError) -> Self {
        match err {
            IdentitySignInError::SignUpNotAllowed => Self::SignUpNotAllowed,
            IdentitySignInError::EmailNotVerified => Self::EmailNotVerified,
            IdentitySignInError::NoEmail => Self::NoEmail,
            IdentitySignInError::AccountDisabled => Self::AccountDisabled,
            IdentitySignInError::Service(
                ServiceError::Unavailable(cause) | ServiceError::StorageFull(cause),
            ) => {
                tracing::error!(error = ?cause, "sign-in: storage unavailable");
                Self::Unavailable
            }
            IdentitySignInError::Service(other) => {
                tracing::error!(error = ?other, "sign-in failed");
                Self::Internal
            }
        }
    }
}

/// Whether the caller asked for JSON rather than a page.
fn wants_json(req: &Request) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

/// The answer to a failed sign-in; `set_cookies` are added (the callback
/// clears the login cookie whatever happens).
pub fn failure_response(req: &Request, failure: SignInFailure, set_cookies: &[String]) -> Response {
    let body = serde_json::json!({
        "error": { "code": failure.code().to_ascii_uppercase(), "message": failure.message(), "details": null }
    });
    let mut builder = if wants_json(req) {
        Response::builder().status(failure.status())
    } else {
        Response::builder().status(StatusCode::SEE_OTHER).header(
            header::LOCATION,
            format!("/sign-in?error={}", failure.code()),
        )
    };
    if let SignInFailure::RateLimited { retry_after_secs } = failure {
        builder = builder.header(header::RETRY_AFTER, retry_after_secs.to_string());
    }
    for cookie in set_cookies {
        builder = builder.header(header::SET_COOKIE, cookie.as_str());
    }
    builder
        .header(header::CACHE_CONTROL, "no-store")
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}
