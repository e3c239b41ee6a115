use mosaic_domain::{
    LegacyAccess, LegacyId, Page, PageRequest, RevisionId, StoryDraft, StoryId, StoryRevision,
    UserId,
};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::StoryView;
use crate::service::error::RepoResultExt;

/// Whether a use case works on deleted stories too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deleted {
    Excluded,
    Included,
}

impl MosaicService {
    /// Writes a new story (editors and the creator).
    pub async fn create_story(
        &self,
        caller: UserId,
        legacy: LegacyId,
        draft: StoryDraft,
    ) -> ServiceResult<StoryView> {
        self.create_story_kept_out(caller, legacy, draft, false)
            .await
    }

    /// Writes a new story (editors and the creator), kept out of the AI
    /// companion from the start when `ai_excluded` (in the same write, so
    /// it is never eligible, not even for a moment).
    pub async fn create_story_kept_out(
        &self,
        caller: UserId,
        legacy: LegacyId,
        draft: StoryDraft,
        ai_excluded: bool,
    ) -> ServiceResult<StoryView> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        let writer = access
            .story_writer()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        let mut story = writer.new_story(
            StoryId::from_uuid(self.ports.ids.new_id()),
            draft,
            self.now(),
        );
        story.ai_excluded = ai_excluded;
        self.ports
            .stories
            .create_story(&story)
            .await
            .or_missing(Resource::Legacy)?;
        // The author is the caller, whose account exists (it just wrote).
        let author = self
            .ports
            .users
            .get_user(caller)
            .await
            .or_missing(Resource::User)?;
        Ok(StoryView {
            story,
            author_name: author.name,
        })
    }

    /// The stories of a legacy the caller may read, newest first.
    pub async fn list_stories(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
        page: PageRequest,
    ) -> ServiceResult<Page<StoryView>> {
        // The hot path of the app: a non-empty page proves the legacy
        // exists, so only an empty one pays for the existence check that
        // tells "no stories yet" from "no such legacy".
        let access = self.access(caller, legacy).await?;
        let stories = self
            .ports
            .stories
            .list_stories(legacy, access.read_scope(), page)
            .await
            .or_missing(Resource::Legacy)?;
        if stories.items.is_empty() {
            self.ports
                .legacies
                .get_legacy(legacy)
                .await
                .or_missing(Resource::Legacy)?;
        }
        Ok(stories)
    }

    /// One story, if the caller may read it; otherwise "not found".
    pub async fn get_story(&self, caller: Option<UserId>, id: StoryId) -> ServiceResult<StoryView> {
        let (view, _) = self.readable_story(caller, id, Deleted::Excluded).await?;
        Ok(view)
    }

    /// Replaces title, content and visibility (the author); the version
    /// replaced is kept as a revision. `ai_excluded`, when given, sets
    /// whether the AI companion must leave the story out; it is set before
    /// the text, so a story being taken out is never used with its new text.
    pub async fn update_story(
        &self,
        caller: UserId,
        id: StoryId,
        draft: StoryDraft,
        ai_excluded: Option<bool>,
    ) -> ServiceResult<StoryView> {
        let (view, access) = self
            .readable_story(Some(caller), id, Deleted::Excluded)
            .await?;
        access
            .check_edit(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        if let Some(excluded) = ai_excluded
            && excluded != view.story.ai_excluded
        {
            self.ports
                .stories
                .set_story_ai_excluded(id, excluded)
                .await
                .or_missing(Resource::Story)?;
        }
        let revision = RevisionId::from_uuid(self.ports.ids.new_id());
        let story = self
            .ports
            .stories
            .update_story(id, &draft, revision, self.now())
            .await
            .or_missing(Resource::Story)?;
        Ok(view.with_story(story))
    }

    /// Deletes a story (the author or the creator). It stays restorable for
    /// [`RESTORE_WINDOW`](mosaic_domain::RESTORE_WINDOW).
    pub async fn delete_story(&self, caller: UserId, id: StoryId) -> ServiceResult<StoryView> {
        let (view, access) = self
            .readable_story(Some(caller), id, Deleted::Excluded)
            .await?;
        access
            .check_delete(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        let story = self
            .ports
            .stories
            .set_story_deleted(id, Some(self.now()))
            .await
            .or_missing(Resource::Story)?;
        Ok(view.with_story(story))
    }

    /// Brings back a deleted story (those who may delete it).
    pub async fn restore_story(&self, caller: UserId, id: StoryId) -> ServiceResult<StoryView> {
        let (view, access) = self
            .readable_story(Some(caller), id, Deleted::Included)
            .await?;
        access
            .check_delete(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        if view.story.deleted_at.is_none() {
            return Err(ServiceError::Conflict("this story is not deleted".into()));
        }
        if !view.story.is_restorable_at(self.now()) {
            return Err(ServiceError::NotFound(Resource::Story));
        }
        let story = self
            .ports
            .stories
            .set_story_deleted(id, None)
            .await
            .or_missing(Resource::Story)?;
        Ok(view.with_story(story))
    }

    /// The earlier versions of a story, newest first (the author and the
    /// creator).
    pub async fn list_story_revisions(
        &self,
        caller: UserId,
        id: StoryId,
    ) -> ServiceResult<Vec<StoryRevision>> {
        let (view, access) = self
            .readable_story(Some(caller), id, Deleted::Excluded)
            .await?;
        access
            .check_view_history(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        self.ports
            .stories
            .list_revisions(id)
            .await
            .or_missing(Resource::Story)
    }

    /// Makes an earlier version current again (the author). The version it
    /// replaces becomes a revision itself, so nothing is lost.
    pub async fn restore_story_revision(
        &self,
        caller: UserId,
        id: StoryId,
        revision: RevisionId,
    ) -> ServiceResult<StoryView> {
        let (view, access) = self
            .readable_story(Some(caller), id, Deleted::Excluded)
            .await?;
        access
            .check_edit(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        let earlier = self
            .ports
            .stories
            .get_revision(id, revision)
            .await
            .or_missing(Resource::Revision)?;
        let new_revision = RevisionId::from_uuid(self.ports.ids.new_id());
        let story = self
            .ports
            .stories
            .update_story(id, &earlier.draft, new_revision, self.now())
            .await
            .or_missing(Resource::Story)?;
        Ok(view.with_story(story))
    }

    /// Loads a story, with its author's name, and the caller's access to its
    /// legacy; a story the caller may not read, or a deleted one when those
    /// are excluded, is "not found".
    async fn readable_story(
        &self,
        caller: Option<UserId>,
        id: StoryId,
        deleted: Deleted,
    ) -> ServiceResult<(StoryView, LegacyAccess)> {
        let view = self
            .ports
            .stories
            .get_story(id)
            .await
            .or_missing(Resource::Story)?;
        if deleted == Deleted::Excluded && view.story.deleted_at.is_some() {
            return Err(ServiceError::NotFound(Resource::Story));
        }
        let access = self.access(caller, view.story.legacy_id).await?;
        access
            .check_read(&view.story)
            .map_err(|e| ServiceError::from_access(e, Resource::Story))?;
        Ok((view, access))
    }
}
