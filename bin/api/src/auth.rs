//! Authentication: the session cookie security scheme, which resolves the
//! server-side session through the service, and the cookie itself.

use mosaic_domain::{User, UserId};
use poem::{Request, RequestBody};
use poem_openapi::auth::ApiKey;
use poem_openapi::registry::Registry;
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme};

use crate::error::json_error;
use crate::state::AppState;
use mosaic_ports::ServiceError;
use poem::http::StatusCode;

/// The session cookie's name when the public URL is http.
pub const SESSION_COOKIE: &str = "mosaic_session";

/// The session cookie's name when the public URL is https: the `__Host-`
/// prefix makes browsers accept it only from this host, over https, for
/// path `/` — a sibling subdomain cannot plant a session of its choosing.
pub const SECURE_SESSION_COOKIE: &str = "__Host-mosaic_session";

/// The session cookie's name for the server's scheme.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The `Set-Cookie` value for a session: HttpOnly, SameSite=Lax, and
/// Secure with the `__Host-` name when served over https, for the session's
/// lifetime (`max_age_secs` 0 with an empty token clears it).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let name = session_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The signed-in user, resolved from the session cookie.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl CurrentUser {
    /// The user's id.
    pub fn id(&self) -> UserId {
        self.0.id
    }
}

/// A signed-in user: the session cookie (`mosaic_session`, or
/// `__Host-mosaic_session` when the server is served over https) must name
/// a live session.
#[derive(Debug)]
pub struct SignedIn(pub CurrentUser);

/// `mosaic_session`, accepted only when the server is not served over https.
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "SignedIn",
    ty = "api_key",
    key_name = "mosaic_session",
    key_in = "cookie",
    checker = "resolve_plain_session"
)]
struct PlainSessionCookie(CurrentUser);

/// `__Host-mosaic_session`, the cookie's name over https.
#[derive(Debug, SecurityScheme)]
#[oai(
    rename = "SignedInHttps",
    ty = "api_key",
    key_name = "__Host-mosaic_session",
    key_in = "cookie",
    checker = "resolve_secure_session"
)]
struct SecureSessionCookie(CurrentUser);

/// Either cookie name.
#[derive(Debug, SecurityScheme)]
enum SessionCookie {
    Secure(SecureSessionCookie),
    Plain(PlainSessionCookie),
}

impl<'a> ApiExtractor<'a> for SignedIn {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        SessionCookie::register(registry);
    }

    fn security_schemes() -> Vec<&'static str> {
        SessionCookie::security_schemes()
    }

    async fn from_request(
        req: &'a Request,
        body: &mut RequestBody,
        param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let extracted = SESSION_TROUBLE
            .scope(std::cell::Cell::new(None), async {
                let extracted = SessionCookie::from_request(req, body, param_opts).await;
                (extracted, SESSION_TROUBLE.with(std::cell::Cell::get))
            })
            .await;
        let user = match extracted {
            (Ok(SessionCookie::Secure(SecureSessionCookie(user))), _)
            | (Ok(SessionCookie::Plain(PlainSessionCookie(user))), _) => user,
            // The session could not be looked up: that is the storage's
            // trouble, not the caller's, so not 401.
            (Err(_), Some(trouble)) => return Err(trouble.into_error()),
            (Err(err), None) => return Err(err),
        };
        Ok(Self(user))
    }
}

/// Why a session could not be looked up (as opposed to: there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionTrouble {
    /// The database cannot be reached: 503.
    Unavailable,
    /// The database's disk is full (a session lookup refreshes it): 507.
    StorageFull,
}

impl SessionTrouble {
    fn into_error(self) -> poem::Error {
        let (status, code, error) = match self {
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "UNAVAILABLE",
                ServiceError::Unavailable(anyhow::anyhow!("session lookup")),
            ),
            Self::StorageFull => (
                StatusCode::INSUFFICIENT_STORAGE,
                "STORAGE_FULL",
                ServiceError::StorageFull(anyhow::anyhow!("session lookup")),
            ),
        };
        poem::Error::from_response(json_error(status, code, &error.to_string()))
    }
}

tokio::task_local! {
    /// Set by the session checker when the lookup failed for a reason
    /// other than "no such session", for [`SignedIn`] to answer 503/507.
    static SESSION_TROUBLE: std::cell::Cell<Option<SessionTrouble>>;
}

async fn resolve_secure_session(req: &Request, key: ApiKey) -> Option<CurrentUser> {
    resolve_session(req, key).await
}

/// Over https only the `__Host-` cookie counts: a plain-named one may have
/// been planted by another host.
async fn resolve_plain_session(req: &Request, key: ApiKey) -> Option<CurrentUser> {
    if req.data::<AppState>()?.secure_cookies {
        return None;
    }
    resolve_session(req, key).await
}

async fn resolve_session(req: &Request, key: ApiKey) -> Option<CurrentUser> {
    let state = req.data::<AppState>()?;
    match state.service.authenticate(&key.key).await {
        Ok((user, _session)) => Some(CurrentUser(user)),
        Err(err) => {
            let trouble = match err {
                ServiceError::Unauthenticated => None,
                ServiceError::StorageFull(_) => Some(SessionTrouble::StorageFull),
                ServiceError::Unavailable(_) => Some(SessionTrouble::Unavailable),
                _ => {
                    tracing::warn!(error = %err, "session could not be resolved");
                    None
                }
            };
            if let Some(trouble) = trouble {
                tracing::warn!(error = %err, "session could not be resolved");
                // Outside `SignedIn` (MaybeSignedIn) there is no slot: the
                // caller is then treated as a visitor.
                let _ = SESSION_TROUBLE.try_with(|slot| slot.set(Some(trouble)));
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
