use async_trait::async_trait;
use mosaic_domain::{
    LegacyId, Page, PageRequest, PersonName, ReadScope, RevisionId, Story, StoryDraft, StoryId,
    StoryRevision,
};
use time::OffsetDateTime;

use crate::RepoError;

/// A story as shown to readers: the story with its author's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryView {
    /// The story.
    pub story: Story,
    /// The author's current display name (it follows a rename).
    pub author_name: PersonName,
}

impl StoryView {
    /// The same author's name with a newer state of the story (after an
    /// edit, a deletion or a restore; the author never changes).
    pub fn with_story(self, story: Story) -> Self {
        Self {
            story,
            author_name: self.author_name,
        }
    }
}

/// Stories and their history.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StoryRepo: Send + Sync {
    /// Stores a new story.
    /// MUST return [`RepoError::NotFound`] when the legacy or the author does
    /// not exist, [`RepoError::Conflict`] when the id is taken.
    async fn create_story(&self, story: &Story) -> Result<(), RepoError>;

    /// The story, deleted or not (`deleted_at` tells), with its author's
    /// name. The view MUST carry the author's current display name, read in
    /// the same query as the story.
    /// MUST return [`RepoError::NotFound`] when no story has this id.
    async fn get_story(&self, id: StoryId) -> Result<StoryView, RepoError>;

    /// The legacy's stories that `scope` admits and that are not deleted,
    /// newest first by `(created_at, id)`. The scope MUST be part of the
    /// query, so that every page is full when enough readable stories exist.
    /// Each view MUST carry the author's current display name, read in the
    /// same query as the page (one query per page, not one per story).
    async fn list_stories(
        &self,
        legacy: LegacyId,
        scope: ReadScope,
        page: PageRequest,
    ) -> Result<Page<StoryView>, RepoError>;

    /// In one transaction: stores the story's current title, content and
    /// visibility as a revision with id `revision` and `replaced_at = at`,
    /// then writes `draft` and sets `updated_at = at`. Returns the story as
    /// stored. The current version MUST be read inside the transaction, so
    /// that of two concurrent edits each leaves the version it replaced as a
    /// revision and no text is lost.
    /// MUST return [`RepoError::NotFound`] for an unknown or deleted story.
    async fn update_story(
        &self,
        id: StoryId,
        draft: &StoryDraft,
        revision: RevisionId,
        at: OffsetDateTime,
    ) -> Result<Story, RepoError>;

    /// Sets whether the AI companion must leave the story out (the author's
    /// choice; not a new version of the story, so no revision). Returns the
    /// story as stored.
    /// MUST return [`RepoError::NotFound`] for an unknown or deleted story.
    async fn set_story_ai_excluded(&self, id: StoryId, excluded: bool) -> Result<Story, RepoError>;

    /// Soft-deletes (`Some(time)`) or restores (`None`) a story; returns it.
    /// MUST return [`RepoError::NotFound`] for an unknown id.
    async fn set_story_deleted(
        &self,
        id: StoryId,
        deleted_at: Option<OffsetDateTime>,
    ) -> Result<Story, RepoError>;

    /// The story's earlier versions, newest first.
    async fn list_revisions(&self, story: StoryId) -> Result<Vec<StoryRevision>, RepoError>;

    /// One earlier version. MUST return [`RepoError::NotFound`] when the
    /// revision does not exist or belongs to another story.
    async fn get_revision(
        &self,
        story: StoryId,
        revision: RevisionId,
    ) -> Result<StoryRevision, RepoError>;

    /// Removes for good the stories deleted before `deleted_before`, with
    /// their revisions; returns how many stories were removed.
    async fn purge_deleted_stories(&self, deleted_before: OffsetDateTime)
    -> Result<u64, RepoError>;
}
