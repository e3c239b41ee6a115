//! Signing in with Google or another OpenID Connect issuer: the two
//! browser routes, the signed login cookie that links them, and the
//! provider discovered at start-up (or later, when it was down).

mod failure;
mod login_cookie;
mod provider;
mod routes;

pub use failure::SignInFailure;
pub use login_cookie::{
    LOGIN_COOKIE_LIFETIME_SECS, LoginCookieError, LoginCookieSigner, login_cookie_name,
};
pub use provider::{DISCOVERY_RETRY_INTERVAL, SignInProvider};
pub use routes::{CALLBACK_PATH, LOGIN_PATH, callback, login};
