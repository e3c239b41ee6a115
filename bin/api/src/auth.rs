//! Authentication: the session cookie security scheme, which resolves the
//! server-side session through the service, and the cookie itself.

use mosaic_domain::{User, UserId};
use poem::{Request, RequestBody};
use poem_openapi::auth::ApiKey;
use poem_openapi::registry::Registry;
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions, SecurityScheme};

use crate::state::AppState;

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
        let user = match SessionCookie::from_request(req, body, param_opts).await? {
            SessionCookie::Secure(SecureSessionCookie(user))
            | SessionCookie::Plain(PlainSessionCookie(user)) => user,
        };
        Ok(Self(user))
    }
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
