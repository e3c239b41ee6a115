//! `GET /auth/google/login` and `GET /auth/google/callback`: browser
//! redirects, outside the JSON API.

use std::time::{SystemTime, UNIX_EPOCH};

use mosaic_google::state_matches;
use poem::http::{StatusCode, header};
use poem::web::Data;
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::failure::{SignInFailure, failure_response};
use super::login_cookie::{
    LoginCookieError, clear_login_cookie, login_cookie_name, set_login_cookie,
};
use crate::auth::session_cookie;
use crate::state::AppState;

/// The path that starts a login.
pub const LOGIN_PATH: &str = "/auth/google/login";
/// The path the provider sends the browser back to.
pub const CALLBACK_PATH: &str = "/auth/google/callback";

/// Where the browser goes after signing in.
const AFTER_SIGN_IN: &str = "/";

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

async fn check_rate_limit(req: &Request, state: &AppState) -> Result<(), SignInFailure> {
    match state.client_address.of(req) {
        Some(address) => state
            .limits
            .check_sign_in(address)
            .await
            .map_err(|retry_after_secs| SignInFailure::RateLimited { retry_after_secs }),
        None => Ok(()),
    }
}

/// The first cookie named `name` in the request's `Cookie` headers. (These
/// routes live outside the OpenAPI service, which is what sets up poem's
/// cookie jar.)
fn cookie_value<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Starts a login: a fresh `state`, `nonce` and PKCE verifier are kept in
/// the signed login cookie, and the browser is sent to the provider.
#[handler]
pub async fn login(req: &Request, state: Data<&AppState>) -> Response {
    match start_login(req, &state).await {
        Ok(response) => response,
        Err(failure) => failure_response(req, failure, &[]),
    }
}

async fn start_login(req: &Request, state: &AppState) -> Result<Response, SignInFailure> {
    check_rate_limit(req, state).await?;
    let provider = state
        .sign_in_provider
        .as_ref()
        .ok_or(SignInFailure::NotConfigured)?
        .get()
        .await?;
    let start = provider.begin_login().await?;
    let cookie = state.login_cookies.seal(&start.pending, unix_now());
    Ok(Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, start.authorize_url)
        .header(
            header::SET_COOKIE,
            set_login_cookie(&cookie, state.secure_cookies),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .finish())
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Finishes a login: checks `state` against the login cookie, exchanges
/// the code, signs the person in with a new session and sends the browser
/// to the app. The login cookie is cleared whatever the outcome.
#[handler]
pub async fn callback(req: &Request, state: Data<&AppState>) -> Response {
    let clear = clear_login_cookie(state.secure_cookies);
    match finish_login(req, &state).await {
        Ok(session_cookie) => Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, AFTER_SIGN_IN)
            .header(header::SET_COOKIE, session_cookie)
            .header(header::SET_COOKIE, clear)
            .header(header::CACHE_CONTROL, "no-store")
            .finish(),
        Err(failure) => failure_response(req, failure, &[clear]),
    }
}

/// The session's `Set-Cookie` value on success.
async fn finish_login(req: &Request, state: &AppState) -> Result<String, SignInFailure> {
    check_rate_limit(req, state).await?;
    let provider = state
        .sign_in_provider
        .as_ref()
        .ok_or(SignInFailure::NotConfigured)?;
    let params: CallbackParams = req.params().map_err(|_| SignInFailure::ProviderError)?;
    if let Some(error) = params.error.as_deref() {
        let description: String = params
            .error_description
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        tracing::info!(error = %error.chars().take(64).collect::<String>(), description = %description, "the provider answered the sign-in with an error");
        return Err(if error == "access_denied" {
            SignInFailure::AccessDenied
        } else {
            SignInFailure::ProviderError
        });
    }

    let cookie = cookie_value(req, login_cookie_name(state.secure_cookies))
        .ok_or(SignInFailure::LoginExpired)?;
    let pending = state
        .login_cookies
        .open(cookie, unix_now())
        .map_err(|err| match err {
            LoginCookieError::Expired => SignInFailure::LoginExpired,
            LoginCookieError::Tampered => SignInFailure::InvalidState,
        })?;
    let received_state = params.state.as_deref().unwrap_or_default();
    if !state_matches(&pending, received_state) {
        return Err(SignInFailure::InvalidState);
    }
    let code = params
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or(SignInFailure::ProviderError)?;

    let identity = provider.get().await?.finish_login(code, &pending).await?;
    let started = state
        .service
        .sign_in_with_identity(identity, &state.sign_up)
        .await?;
    let max_age = (started.session.expires_at - started.session.created_at).whole_seconds();
    tracing::info!(user = %started.session.user_id, "signed in with the identity provider");
    Ok(session_cookie(
        &started.token,
        max_age,
        state.secure_cookies,
    ))
}
