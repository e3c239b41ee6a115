//! The parameters of the inserts that more than one repository makes (a
//! user, a session, a membership), bound in one place in the order of their
//! statements, so the account, restore and invite paths cannot drift apart.
//!
//! Macros rather than functions for the same reason as
//! [`impl_repositories!`](crate::impl_repositories): they expand into each
//! adapter, against its concrete driver.

/// `sqlx::query($sql)` with a [`User`](mosaic_domain::User)'s columns bound
/// as `insert_user` numbers them.
#[doc(hidden)]
#[macro_export]
macro_rules! bind_user {
    ($sql:expr, $user:expr) => {
        $crate::__private::sqlx::query($sql)
            .bind($user.id.as_uuid())
            .bind($user.email.as_str())
            .bind($user.name.as_str())
            .bind($user.avatar_url.as_deref())
            .bind($user.is_admin)
            .bind($user.disabled)
            .bind($crate::Timestamp($user.created_at))
            .bind($crate::Timestamp($user.updated_at))
    };
}

/// `sqlx::query($sql)` with a [`Session`](mosaic_domain::Session)'s columns
/// bound as `insert_session` numbers them.
#[doc(hidden)]
#[macro_export]
macro_rules! bind_session {
    ($sql:expr, $session:expr) => {
        $crate::__private::sqlx::query($sql)
            .bind($session.id.as_uuid())
            .bind($session.user_id.as_uuid())
            .bind($session.token_hash.as_bytes().as_slice())
            .bind($crate::Timestamp($session.created_at))
            .bind($crate::Timestamp($session.expires_at))
            .bind($session.revoked_at.map($crate::Timestamp))
    };
}

/// `sqlx::query($sql)` with a [`Membership`](mosaic_domain::Membership)'s
/// columns bound as `insert_membership` numbers them.
#[doc(hidden)]
#[macro_export]
macro_rules! bind_membership {
    ($sql:expr, $membership:expr) => {
        $crate::__private::sqlx::query($sql)
            .bind($membership.legacy_id.as_uuid())
            .bind($membership.user_id.as_uuid())
            .bind($membership.role.as_str())
            .bind($crate::Timestamp($membership.joined_at))
    };
}
