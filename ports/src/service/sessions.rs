use mosaic_domain::{Session, SessionId, TokenHash, User, UserId};
use sha2::{Digest, Sha256};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::SignInLink;
use crate::service::error::RepoResultExt;

/// A session just started: the record, and the secret for the cookie. The
/// secret is shown only here; the server keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The stored session.
    pub session: Session,
    /// The secret token (64 hex characters) for the browser.
    pub token: String,
}

/// The SHA-256 of a secret token as the browser sends it.
pub(crate) fn hash_token(token: &str) -> TokenHash {
    TokenHash::from_bytes(Sha256::digest(token.as_bytes()).into())
}

impl MosaicService {
    /// Signs a user in: a brand-new session (never a reused one).
    pub async fn start_session(&self, user: UserId) -> ServiceResult<NewSession> {
        let account = self
            .ports
            .users
            .get_user(user)
            .await
            .or_missing(Resource::User)?;
        if account.disabled {
            return Err(ServiceError::Forbidden("this account is disabled"));
        }
        let token = hex::encode(self.ports.ids.new_secret());
        let session = Session::start(
            SessionId::from_uuid(self.ports.ids.new_id()),
            user,
            hash_token(&token),
            self.now(),
        );
        self.ports
            .sessions
            .create_session(&session)
            .await
            .or_missing(Resource::User)?;
        Ok(NewSession { session, token })
    }

    /// Who a session token signs in. Unknown, expired and revoked tokens,
    /// and disabled accounts, are all simply "not signed in".
    pub async fn authenticate(&self, token: &str) -> ServiceResult<(User, Session)> {
        let (session, user) = self
            .ports
            .sessions
            .find_signed_in(&hash_token(token))
            .await
            .or_missing(Resource::Session)?
            .ok_or(ServiceError::Unauthenticated)?;
        if !session.is_live_at(self.now()) || user.disabled {
            return Err(ServiceError::Unauthenticated);
        }
        Ok((user, session))
    }

    /// Signs out: the session is revoked on the server, so a copied cookie
    /// stops working too. Signing out twice is fine.
    pub async fn end_session(&self, token: &str) -> ServiceResult<()> {
        let found = self
            .ports
            .sessions
            .find_session(&hash_token(token))
            .await
            .or_missing(Resource::Session)?;
        if let Some(session) = found {
            self.ports
                .sessions
                .revoke_session(session.id, self.now())
                .await
                .or_missing(Resource::Session)?;
        }
        Ok(())
    }

    /// A single-use sign-in link secret for a user, valid for the configured
    /// lifetime (15 minutes by default).
    pub async fn create_sign_in_link(&self, user: UserId) -> ServiceResult<String> {
        let token = hex::encode(self.ports.ids.new_secret());
        let now = self.now();
        let link = SignInLink {
            token_hash: hash_token(&token),
            user_id: user,
            created_at: now,
            expires_at: now + self.settings.sign_in_link_lifetime,
        };
        self.ports
            .sessions
            .create_sign_in_link(&link)
            .await
            .or_missing(Resource::User)?;
        Ok(token)
    }

    /// Uses a sign-in link: it works once, then starts a session.
    pub async fn redeem_sign_in_link(&self, token: &str) -> ServiceResult<NewSession> {
        let user = self
            .ports
            .sessions
            .consume_sign_in_link(&hash_token(token), self.now())
            .await
            .or_missing(Resource::Session)?
            .ok_or(ServiceError::Unauthenticated)?;
        self.start_session(user).await
    }
}
