//! # mosaic-google
//!
//! The identity-provider adapter: OAuth 2.0 Authorization Code with PKCE and
//! OpenID Connect ID-token verification (JWKS signature, issuer, audience,
//! expiry, nonce) against Google by default or any OIDC issuer found by
//! discovery. It implements the identity-provider port of `mosaic-ports` and
//! knows nothing of cookies or HTTP routing.
//!
//! ## Use
//!
//! 1. At start-up: [`OidcConfig::from_env`] (`None` → no login button), then
//!    [`OidcProvider::discover`] once; share the provider.
//! 2. `GET /auth/google/login`: [`IdentityProvider::begin_login`]; keep the
//!    returned [`PendingLogin`] bound to the browser (server-side or in a
//!    short-lived signed cookie, single use, ten minutes) and redirect to
//!    `authorize_url`.
//! 3. `GET /auth/google/callback?code&state`: take the pending login (and
//!    forget it), check [`state_matches`] — on `false` answer
//!    [`IdentityError::InvalidState`] without exchanging the code — then
//!    [`IdentityProvider::finish_login`], which exchanges the code with the
//!    PKCE verifier and returns the verified identity. Users are keyed by
//!    `issuer` + `subject`; trust `email` for linking only when
//!    `email_verified`.
//!
//! ```no_run
//! use mosaic_google::{OidcConfig, OidcProvider, state_matches};
//! use mosaic_ports::{IdentityError, IdentityProvider, VerifiedIdentity};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // Start-up.
//! let Some(config) = OidcConfig::from_env()? else {
//!     return Ok(()); // not configured: no login button
//! };
//! let provider = OidcProvider::discover(config).await?;
//!
//! // GET /auth/google/login: remember `start.pending` for this browser,
//! // redirect to `start.authorize_url`.
//! let start = provider.begin_login().await?;
//!
//! // GET /auth/google/callback?code=…&state=…
//! # let (code, state) = ("code", "state");
//! let pending = start.pending; // taken out of storage: single use
//! if !state_matches(&pending, state) {
//!     return Err(IdentityError::InvalidState.into());
//! }
//! let identity: VerifiedIdentity = provider.finish_login(code, &pending).await?;
//! println!("{} at {}", identity.subject, identity.issuer);
//! # Ok(())
//! # }
//! ```
//!
//! The provider's HTTP client follows no redirects and times out after ten
//! seconds. Signing keys are cached from discovery and fetched again once
//! when an ID token names a key the cache does not hold (key rotation).
//!
//! [`IdentityProvider::begin_login`]: mosaic_ports::IdentityProvider::begin_login
//! [`IdentityProvider::finish_login`]: mosaic_ports::IdentityProvider::finish_login
//! [`PendingLogin`]: mosaic_ports::PendingLogin
//! [`IdentityError::InvalidState`]: mosaic_ports::IdentityError::InvalidState

mod config;
mod errors;
mod provider;
mod state;

pub use config::{DEFAULT_SCOPES, GOOGLE_ISSUER_URL, OidcConfig, OidcConfigError, env_vars};
pub use provider::OidcProvider;
pub use state::state_matches;
