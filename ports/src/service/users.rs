use mosaic_domain::{Email, PersonName, User, UserId};

use super::{MosaicService, Resource, ServiceResult};
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

    /// The caller's own account.
    pub async fn me(&self, caller: UserId) -> ServiceResult<User> {
        self.ports
            .users
            .get_user(caller)
            .await
            .or_missing(Resource::User)
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
