use std::collections::HashMap;

use async_trait::async_trait;
use mosaic_domain::{CreatorTransfer, LegacyId, Membership, PersonName, Role, UserId};

use crate::RepoError;

/// A member as shown in a legacy's member list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    /// The membership.
    pub membership: Membership,
    /// The member's display name.
    pub name: PersonName,
}

/// Who belongs to which legacy, with what role.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait MembershipRepo: Send + Sync {
    /// MUST return `Ok(None)` when the user has no membership in the legacy.
    async fn get_membership(
        &self,
        legacy: LegacyId,
        user: UserId,
    ) -> Result<Option<Membership>, RepoError>;

    /// Stores a new membership.
    /// MUST return [`RepoError::AlreadyMember`] when the user already has a
    /// membership of any role in the legacy, also when two calls race: of two
    /// concurrent calls for the same user and legacy exactly one succeeds.
    /// MUST return [`RepoError::NotFound`] when the legacy or user is missing.
    async fn add_membership(&self, membership: &Membership) -> Result<(), RepoError>;

    /// Sets the role of an existing membership.
    /// MUST return [`RepoError::NotFound`] when there is no such membership.
    /// MUST NOT be used to make or unmake a creator (see `transfer_creator`).
    async fn set_role(&self, legacy: LegacyId, user: UserId, role: Role) -> Result<(), RepoError>;

    /// Deletes a membership.
    /// MUST return [`RepoError::NotFound`] when there is no such membership.
    async fn remove_membership(&self, legacy: LegacyId, user: UserId) -> Result<(), RepoError>;

    /// In one transaction: `to` becomes creator, `from` gets
    /// `former_creator_role`, and the legacy's `created_by` becomes `to`.
    /// MUST return [`RepoError::NotFound`] (and change nothing) unless `from`
    /// is the creator and `to` a member of the legacy.
    async fn transfer_creator(&self, transfer: &CreatorTransfer) -> Result<(), RepoError>;

    /// The legacy's members, creator first, then by role and join time.
    /// Pending requests are included only when `include_pending`.
    async fn list_members(
        &self,
        legacy: LegacyId,
        include_pending: bool,
    ) -> Result<Vec<MemberEntry>, RepoError>;

    /// The user's role (pending included) in each of `legacies` where they
    /// have one; legacies without a membership, or unknown ones, are absent.
    /// MUST be one query whatever the number of legacies (it serves a whole
    /// page of search results), and none for an empty list.
    async fn roles_of_user_in(
        &self,
        user: UserId,
        legacies: &[LegacyId],
    ) -> Result<HashMap<LegacyId, Role>, RepoError>;
}
