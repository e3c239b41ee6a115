use async_trait::async_trait;
use mosaic_domain::{
    Legacy, LegacyId, MediaId, MediaRecord, MediaScope, PersonName, ReadScope, Role, StoryId,
    StoryRevision, UserId,
};

use crate::{MemberEntry, RepoError, RestoreWriter, StoryView};

/// Reads for an archive export from one consistent snapshot of the store (a
/// read transaction held until [`ArchiveSnapshot::finish`]), so that a story
/// edited during the export is either wholly old or wholly new. Every list
/// is in id order and paged by id.
#[async_trait]
pub trait ArchiveSnapshot: Send {
    /// MUST return [`RepoError::NotFound`] when no legacy has this id.
    async fn legacy(&mut self, id: LegacyId) -> Result<Legacy, RepoError>;

    /// The user's role in the legacy, `None` when they have no membership.
    async fn role_of(&mut self, legacy: LegacyId, user: UserId) -> Result<Option<Role>, RepoError>;

    /// The legacies the user belongs to (any role), wrote a story in or
    /// uploaded media to, by id.
    async fn legacies_of_contributor(&mut self, user: UserId) -> Result<Vec<LegacyId>, RepoError>;

    /// The legacy's members with their display names; pending ones only
    /// when `include_pending`. By user id.
    async fn members(
        &mut self,
        legacy: LegacyId,
        include_pending: bool,
    ) -> Result<Vec<MemberEntry>, RepoError>;

    /// Up to `limit` stories of the legacy with id above `after`, by id,
    /// not deleted, that `scope` admits and, when `author` is given, written
    /// by them. The filters MUST be part of the query.
    async fn stories(
        &mut self,
        legacy: LegacyId,
        scope: ReadScope,
        author: Option<UserId>,
        after: Option<StoryId>,
        limit: u32,
    ) -> Result<Vec<StoryView>, RepoError>;

    /// The revisions of these stories, by story then revision id.
    async fn revisions(&mut self, stories: &[StoryId]) -> Result<Vec<StoryRevision>, RepoError>;

    /// Up to `limit` media records of the legacy with id above `after`, by
    /// id, that `scope` admits and, when `uploader` is given, uploaded by
    /// them. The filters MUST be part of the query.
    async fn media(
        &mut self,
        legacy: LegacyId,
        scope: MediaScope,
        uploader: Option<UserId>,
        after: Option<MediaId>,
        limit: u32,
    ) -> Result<Vec<MediaRecord>, RepoError>;

    /// Display names of these users (unknown ids are left out).
    async fn names(&mut self, users: &[UserId]) -> Result<Vec<(UserId, PersonName)>, RepoError>;

    /// Ends the snapshot.
    async fn finish(self: Box<Self>) -> Result<(), RepoError>;
}

/// Archives: reading a consistent snapshot for an export, and writing an
/// import in one transaction.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ArchiveRepo: Send + Sync {
    /// Starts reading from one snapshot.
    async fn begin_archive_snapshot(&self) -> Result<Box<dyn ArchiveSnapshot>, RepoError>;

    /// Starts an import: records written through the writer (users,
    /// legacy, memberships, stories, revisions, media, in that order) are
    /// visible only after [`RestoreWriter::commit`]; dropping it leaves the
    /// store as it was. A record whose id exists MUST give
    /// [`RepoError::Conflict`] (that is how a second import of the same
    /// archive is refused).
    async fn begin_import(&self) -> Result<Box<dyn RestoreWriter>, RepoError>;
}
