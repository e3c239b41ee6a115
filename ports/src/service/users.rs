use mosaic_domain::{Email, Page, PageRequest, PersonName, User, UserId};

use super::{MosaicService, Resource, ServiceResult};
use crate::RepoError;
use crate::service::error::RepoResultExt;

impl MosaicService {
    /// Creates an account (first sign-in, or an admin inviting a relative).
    pub async fn create_user(&self, email: Email, name: PersonName) -> ServiceResult<User> {
        let now = self.now();
        let user = User {
            id: UserId::from_uuid(self.ports.ids.new_id()),
            email,
            name,
            avatar_url: None,
            is_admin: false,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        self.ports
            .users
            .create_user(&user)
            .await
            .or_missing(Resource::User)?;
        Ok(user)
    }

    /// On a store with no accounts, creates the first one, an
    /// administrator, and returns it; `None` once anyone exists. Safe when
    /// several processes start at once on one empty database (replicas):
    /// exactly one creates the account, the others get `None`.
    pub async fn create_first_admin(
        &self,
        email: Email,
        name: PersonName,
    ) -> ServiceResult<Option<User>> {
        if self.count_users().await? > 0 {
            return Ok(None);
        }
        let now = self.now();
        let admin = User {
            id: UserId::from_uuid(self.ports.ids.new_id()),
            email,
            name,
            avatar_url: None,
            is_admin: true,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        match self.ports.users.create_user(&admin).await {
            Ok(()) => Ok(Some(admin)),
            // Another process created the same first account in between.
            Err(RepoError::EmailTaken) => Ok(None),
            Err(other) => Err(other).or_missing(Resource::User),
        }
    }

    /// The caller's own account.
    pub async fn me(&self, caller: UserId) -> ServiceResult<User> {
        self.ports
            .users
            .get_user(caller)
            .await
            .or_missing(Resource::User)
    }

    /// The account with this e-mail address, if any.
    pub async fn find_user_by_email(&self, email: &Email) -> ServiceResult<Option<User>> {
        self.ports
            .users
            .find_user_by_email(email)
            .await
            .or_missing(Resource::User)
    }

    /// Any account by id (for administrators).
    pub async fn get_user(&self, user: UserId) -> ServiceResult<User> {
        self.ports
            .users
            .get_user(user)
            .await
            .or_missing(Resource::User)
    }

    /// All accounts, newest first (for administrators).
    pub async fn list_users(&self, page: PageRequest) -> ServiceResult<Page<User>> {
        self.ports
            .users
            .list_users(page)
            .await
            .or_missing(Resource::User)
    }

    /// How many accounts exist; the first start creates one when none does.
    pub async fn count_users(&self) -> ServiceResult<u64> {
        self.ports
            .users
            .count_users()
            .await
            .or_missing(Resource::User)
    }

    /// Grants or revokes administrator rights.
    pub async fn set_user_admin(&self, user: UserId, is_admin: bool) -> ServiceResult<User> {
        let mut account = self
            .ports
            .users
            .get_user(user)
            .await
            .or_missing(Resource::User)?;
        account.is_admin = is_admin;
        account.updated_at = self.now();
        self.ports
            .users
            .update_user(&account)
            .await
            .or_missing(Resource::User)?;
        Ok(account)
    }

    /// Disables or re-enables an account. Disabling revokes every session
    /// of the user at once.
    pub async fn set_user_disabled(&self, user: UserId, disabled: bool) -> ServiceResult<User> {
        let mut account = self
            .ports
            .users
            .get_user(user)
            .await
            .or_missing(Resource::User)?;
        let now = self.now();
        account.disabled = disabled;
        account.updated_at = now;
        self.ports
            .users
            .update_user(&account)
            .await
            .or_missing(Resource::User)?;
        if disabled {
            self.ports
                .sessions
                .revoke_user_sessions(user, now)
                .await
                .or_missing(Resource::User)?;
        }
        Ok(account)
    }
}
