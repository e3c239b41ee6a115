use async_trait::async_trait;
use mosaic_domain::{Email, Page, PageRequest, User, UserId};

use crate::RepoError;

/// People with an account, and the external identities they sign in with.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait UserRepo: Send + Sync {
    /// Stores a new user.
    /// MUST return [`RepoError::EmailTaken`] when another user has the same
    /// e-mail, and [`RepoError::Conflict`] when the id is taken.
    async fn create_user(&self, user: &User) -> Result<(), RepoError>;

    /// MUST return [`RepoError::NotFound`] when no user has this id.
    async fn get_user(&self, id: UserId) -> Result<User, RepoError>;

    /// MUST return `Ok(None)` when no user has this (normalised) e-mail.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, RepoError>;

    /// The user linked to an identity-provider account (`issuer` + `subject`).
    /// MUST return `Ok(None)` when the identity is not linked.
    async fn find_user_by_identity(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<User>, RepoError>;

    /// Links an identity-provider account to a user.
    /// MUST be idempotent for the same user, MUST return
    /// [`RepoError::Conflict`] when the identity is linked to another user and
    /// [`RepoError::NotFound`] when the user does not exist.
    async fn link_identity(
        &self,
        user: UserId,
        issuer: &str,
        subject: &str,
    ) -> Result<(), RepoError>;

    /// Replaces e-mail, name, avatar, admin flag, disabled flag and
    /// `updated_at` of an existing user.
    /// MUST return [`RepoError::NotFound`] for an unknown id and
    /// [`RepoError::EmailTaken`] when the new e-mail belongs to another user.
    async fn update_user(&self, user: &User) -> Result<(), RepoError>;

    /// All users, newest first.
    async fn list_users(&self, page: PageRequest) -> Result<Page<User>, RepoError>;

    /// How many users exist (the first start prints a sign-in link when 0).
    async fn count_users(&self) -> Result<u64, RepoError>;
}
