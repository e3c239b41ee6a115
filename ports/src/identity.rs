//! The identity-provider port: signing in with Google or another OpenID
//! Connect issuer.

use async_trait::async_trait;
use thiserror::Error;

/// The secrets of a login in progress, kept by the server (or a signed
/// cookie) between the redirect to the provider and the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The `state` sent to the provider; the callback MUST echo it.
    pub state: String,
    /// The `nonce` the ID token MUST carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
}

/// Where to send the browser, and what to remember until it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginStart {
    /// The provider's authorization URL with all parameters.
    pub authorize_url: String,
    /// What the callback needs.
    pub pending: PendingLogin,
}

/// An account at the provider, as its verified ID token describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The token's `iss`.
    pub issuer: String,
    /// The token's `sub`: stable per account at that issuer.
    pub subject: String,
    /// The e-mail claim, if any.
    pub email: Option<String>,
    /// Whether the provider vouches for the e-mail; an unverified e-mail is
    /// never used to link to an existing account.
    pub email_verified: bool,
    /// The display name claim, if any.
    pub name: Option<String>,
    /// The picture claim, if any.
    pub picture: Option<String>,
}

/// Why a login failed.
#[derive(Debug, Error)]
pub enum IdentityError {
    /// The callback does not belong to a login this server started, or the
    /// login expired.
    #[error("the sign-in attempt is unknown or expired; please start again")]
    InvalidState,
    /// The provider refused the code or the token failed verification.
    #[error("the identity provider's answer could not be verified: {0}")]
    Rejected(String),
    /// The provider cannot be reached.
    #[error("the identity provider is unavailable")]
    Unavailable(#[source] anyhow::Error),
}

/// An OAuth 2.0 / OpenID Connect provider.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait IdentityProvider: Send + Sync {
    /// A short name for buttons and routes (`google`).
    fn name(&self) -> &str;

    /// Starts an Authorization Code + PKCE login with a fresh `state` and
    /// `nonce`.
    async fn begin_login(&self) -> Result<LoginStart, IdentityError>;

    /// Exchanges the code and verifies the ID token (signature, issuer,
    /// audience, expiry, nonce from `pending`).
    async fn finish_login(
        &self,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<VerifiedIdentity, IdentityError>;
}
