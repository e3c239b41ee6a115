use async_trait::async_trait;
use mosaic_domain::{
    Legacy, LegacyDetails, LegacyId, Membership, Page, PageRequest, Role, SearchQuery, UserId,
};
use time::OffsetDateTime;

use crate::RepoError;

/// A legacy together with one user's role in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyWithRole {
    /// The legacy.
    pub legacy: Legacy,
    /// The user's role.
    pub role: Role,
}

/// Legacies: the people remembered.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait LegacyRepo: Send + Sync {
    /// Stores a new legacy and its creator's membership in one transaction:
    /// either both exist afterwards or neither.
    /// MUST return [`RepoError::NotFound`] when the creator's user does not
    /// exist and [`RepoError::Conflict`] when the id is taken.
    async fn create_legacy(&self, legacy: &Legacy, creator: &Membership) -> Result<(), RepoError>;

    /// MUST return [`RepoError::NotFound`] when no legacy has this id.
    async fn get_legacy(&self, id: LegacyId) -> Result<Legacy, RepoError>;

    /// Replaces name, dates and biography and sets `updated_at`; returns the
    /// legacy as stored. MUST return [`RepoError::NotFound`] for an unknown id.
    async fn update_legacy(
        &self,
        id: LegacyId,
        details: &LegacyDetails,
        at: OffsetDateTime,
    ) -> Result<Legacy, RepoError>;

    /// Deletes the legacy with its memberships, stories and their revisions
    /// in one transaction, and its media records; returns the storage keys of
    /// the deleted media so the objects can be removed after the commit.
    /// MUST return [`RepoError::NotFound`] for an unknown id.
    async fn delete_legacy(&self, id: LegacyId) -> Result<Vec<String>, RepoError>;

    /// The legacies a user belongs to (any role, pending included) with that
    /// role, newest legacy first, keyset-paginated on the legacy's
    /// `(created_at, id)`.
    async fn list_legacies_of_user(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<LegacyWithRole>, RepoError>;

    /// Legacies whose name contains the query, case-insensitively, newest
    /// first, keyset-paginated on `(created_at, id)`.
    async fn search_legacies(
        &self,
        query: &SearchQuery,
        page: PageRequest,
    ) -> Result<Page<Legacy>, RepoError>;
}
