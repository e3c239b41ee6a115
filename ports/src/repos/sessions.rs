use async_trait::async_trait;
use mosaic_domain::{Session, SessionId, TokenHash, User, UserId};
use time::OffsetDateTime;

use crate::RepoError;

/// A one-time sign-in link, stored as the hash of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLink {
    /// Hash of the secret in the link.
    pub token_hash: TokenHash,
    /// Who it signs in.
    pub user_id: UserId,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// After this it no longer works.
    pub expires_at: OffsetDateTime,
}

/// Server-side sessions and one-time sign-in links.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait SessionRepo: Send + Sync {
    /// Stores a new session.
    /// MUST return [`RepoError::NotFound`] when the user does not exist.
    async fn create_session(&self, session: &Session) -> Result<(), RepoError>;

    /// The session with this token hash, live or not (the caller checks).
    /// MUST return `Ok(None)` when there is none.
    async fn find_session(&self, token_hash: &TokenHash) -> Result<Option<Session>, RepoError>;

    /// The session with this token hash together with its user, read in
    /// one query (every signed-in request asks this), live or not: the
    /// caller checks liveness and the disabled flag.
    /// MUST return `Ok(None)` when there is no such session.
    async fn find_signed_in(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<(Session, User)>, RepoError>;

    /// Marks one session revoked at `at`; revoking twice keeps the first time.
    /// MUST return [`RepoError::NotFound`] when no session has this id.
    async fn revoke_session(&self, id: SessionId, at: OffsetDateTime) -> Result<(), RepoError>;

    /// Revokes every live session of a user; returns how many.
    async fn revoke_user_sessions(
        &self,
        user: UserId,
        at: OffsetDateTime,
    ) -> Result<u64, RepoError>;

    /// Deletes sessions that expired or were revoked before `before`;
    /// returns how many.
    async fn purge_sessions(&self, before: OffsetDateTime) -> Result<u64, RepoError>;

    /// Stores a sign-in link.
    /// MUST return [`RepoError::NotFound`] when the user does not exist.
    async fn create_sign_in_link(&self, link: &SignInLink) -> Result<(), RepoError>;

    /// Uses up a sign-in link: returns its user when the link exists and has
    /// not expired at `now`, and deletes it in the same statement so that it
    /// works once, also under concurrent use.
    /// MUST return `Ok(None)` for an unknown, used or expired link.
    async fn consume_sign_in_link(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, RepoError>;
}
