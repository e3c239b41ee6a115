//! Authentication: one cookie security scheme that resolves the server-side
//! session through the service.

use mosaic_domain::{User, UserId};
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::ApiKey;

use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "mosaic_session";

/// The signed-in user, resolved from the session cookie.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl CurrentUser {
    /// The user's id.
    pub fn id(&self) -> UserId {
        self.0.id
    }
}

/// A signed-in user: the `mosaic_session` cookie must name a live session.
#[derive(Debug, SecurityScheme)]
#[oai(
    ty = "api_key",
    key_name = "mosaic_session",
    key_in = "cookie",
    checker = "resolve_session"
)]
pub struct SignedIn(pub CurrentUser);

async fn resolve_session(req: &Request, key: ApiKey) -> Option<CurrentUser> {
    let state = req.data::<AppState>()?;
    match state.service.authenticate(&key.key).await {
        Ok((user, _session)) => Some(CurrentUser(user)),
        Err(err) => {
            if !matches!(err, mosaic_ports::ServiceError::Unauthenticated) {
                tracing::warn!(error = %err, "session could not be resolved");
            }
            None
        }
    }
}

/// A signed-in user if the cookie names a live session; a visitor otherwise.
#[derive(Debug, SecurityScheme)]
pub enum MaybeSignedIn {
    /// Signed in.
    SignedIn(SignedIn),
    /// Not signed in (or the session is dead).
    #[oai(fallback)]
    Visitor,
}

impl MaybeSignedIn {
    /// The caller's id, if signed in.
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Self::SignedIn(signed_in) => Some(signed_in.0.id()),
            Self::Visitor => None,
        }
    }
}
