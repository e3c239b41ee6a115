//! Translating openidconnect's errors into the port's [`IdentityError`]:
//! the provider refused the code or its answer did not verify → `Rejected`;
//! the provider could not be reached, said it is in trouble or answered
//! with something other than OAuth JSON (a proxy's error page) →
//! `Unavailable`.

use std::error::Error;

use anyhow::anyhow;
use mosaic_ports::IdentityError;
use openidconnect::core::CoreErrorResponseType;
use openidconnect::{
    ClaimsVerificationError, DiscoveryError, HttpClientError, IssuerUrl, JsonWebKeySetUrl,
    RequestTokenError, StandardErrorResponse, reqwest,
};

type TokenError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<CoreErrorResponseType>,
>;

/// Discovery failed: whatever the cause, the provider cannot be used.
pub(crate) fn discovery_failure(
    issuer: &IssuerUrl,
    error: DiscoveryError<HttpClientError<reqwest::Error>>,
) -> IdentityError {
    IdentityError::Unavailable(anyhow!(error_chain(&error)).context(format!(
        "could not read the OpenID configuration of {} (from {}/.well-known/openid-configuration)",
        issuer.as_str(),
        issuer.as_str().trim_end_matches('/'),
    )))
}

/// Fetching the issuer's signing keys again failed.
pub(crate) fn key_set_failure(
    url: &JsonWebKeySetUrl,
    error: DiscoveryError<HttpClientError<reqwest::Error>>,
) -> IdentityError {
    IdentityError::Unavailable(anyhow!(error_chain(&error)).context(format!(
        "could not fetch the signing keys from {}",
        url.as_str()
    )))
}

/// The code exchange failed.
pub(crate) fn token_exchange_failure(error: TokenError) -> IdentityError {
    match error {
        RequestTokenError::ServerResponse(response) => match response.error() {
            // RFC 6749 §4.1.2.1: the provider's own trouble, not a verdict on
            // the code.
            CoreErrorResponseType::Extension(code)
                if code == "server_error" || code == "temporarily_unavailable" =>
            {
                IdentityError::Unavailable(anyhow!(
                    "the token endpoint answered {response}; try again later"
                ))
            }
            _ => IdentityError::Rejected(format!("the provider refused the code: {response}")),
        },
        RequestTokenError::Request(e) => IdentityError::Unavailable(
            anyhow!(error_chain(&e)).context("could not reach the token endpoint"),
        ),
        RequestTokenError::Parse(e, _body) => IdentityError::Rejected(format!(
            "the provider's token response could not be read: {}",
            error_chain(&e)
        )),
        RequestTokenError::Other(message) => IdentityError::Unavailable(anyhow!(
            "the token endpoint gave an unexpected answer: {message}"
        )),
    }
}

/// The ID token did not verify.
pub(crate) fn verification_failure(error: ClaimsVerificationError) -> IdentityError {
    IdentityError::Rejected(format!(
        "the ID token is not valid: {}",
        error_chain(&error)
    ))
}

/// `error: cause: cause…` on one line.
pub(crate) fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
