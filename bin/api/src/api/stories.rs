use mosaic_domain::{LegacyId, RevisionId, StoryId};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::dto::{RevisionOut, StoryCreate, StoryInput, StoryOut, StoryPage, page_request};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Story endpoints.
#[derive(Debug)]
pub struct StoriesApi;

#[derive(Debug, ApiResponse)]
enum Created {
    /// The story was written.
    #[oai(status = 201)]
    Created(Json<StoryOut>),
}

#[OpenApi(tag = "ApiTags::Stories")]
impl StoriesApi {
    /// Write a story
    ///
    /// Editors and the creator of the legacy; at most 10 a minute per person.
    /// `ai_excluded: true` keeps it out of the AI companion from the start.
    #[oai(path = "/stories", method = "post", operation_id = "create_story")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: Json<StoryCreate>,
    ) -> ApiResult<Created> {
        state
            .limits
            .check_story_creation(auth.0.id())
            .await
            .map_err(ApiError::too_many_requests)?;
        let (legacy, draft, ai_excluded) = body.0.parse()?;
        let story = state
            .service
            .create_story_kept_out(auth.0.id(), legacy, draft, ai_excluded)
            .await?;
        Ok(Created::Created(Json(story.into())))
    }

    /// A legacy's stories
    ///
    /// Only the stories the caller may read, newest first.
    #[oai(path = "/stories", method = "get", operation_id = "list_stories")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        legacy_id: Query<Uuid>,
        /// The `next_cursor` of the previous page; omit for the first page.
        #[oai(validator(pattern = r"^(-?[0-9]{1,19}_[0-9a-fA-F]{32})?$"))]
        cursor: Query<Option<String>>,
        /// Page size, 1–100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<StoryPage>> {
        let page = page_request(cursor.0, limit.0)?;
        let stories = state
            .service
            .list_stories(auth.user_id(), LegacyId::from_uuid(legacy_id.0), page)
            .await?;
        Ok(Json(stories.into()))
    }

    /// One story
    ///
    /// A story the caller may not read answers 404, like a missing one.
    #[oai(path = "/stories/:id", method = "get", operation_id = "get_story")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<StoryOut>> {
        let story = state
            .service
            .get_story(auth.user_id(), StoryId::from_uuid(id.0))
            .await?;
        Ok(Json(story.into()))
    }

    /// Edit a story
    ///
    /// The author only; the replaced version is kept in the story's history.
    /// `ai_excluded` keeps the story out of the AI companion (absent: unchanged).
    #[oai(path = "/stories/:id", method = "put", operation_id = "update_story")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        body: Json<StoryInput>,
    ) -> ApiResult<Json<StoryOut>> {
        let ai_excluded = body.0.ai_excluded;
        let draft = body.0.parse()?;
        let story = state
            .service
            .update_story(auth.0.id(), StoryId::from_uuid(id.0), draft, ai_excluded)
            .await?;
        Ok(Json(story.into()))
    }

    /// Delete a story
    ///
    /// The author or the legacy's creator. The story can be restored for 30 days.
    #[oai(
        path = "/stories/:id",
        method = "delete",
        operation_id = "delete_story"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<StoryOut>> {
        let story = state
            .service
            .delete_story(auth.0.id(), StoryId::from_uuid(id.0))
            .await?;
        Ok(Json(story.into()))
    }

    /// Restore a deleted story
    #[oai(
        path = "/stories/:id/restore",
        method = "post",
        operation_id = "restore_story"
    )]
    async fn restore(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<StoryOut>> {
        let story = state
            .service
            .restore_story(auth.0.id(), StoryId::from_uuid(id.0))
            .await?;
        Ok(Json(story.into()))
    }

    /// A story's history
    ///
    /// Earlier versions, newest first; for the author and the creator.
    #[oai(
        path = "/stories/:id/revisions",
        method = "get",
        operation_id = "list_story_revisions"
    )]
    async fn revisions(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<RevisionOut>>> {
        let revisions = state
            .service
            .list_story_revisions(auth.0.id(), StoryId::from_uuid(id.0))
            .await?;
        Ok(Json(revisions.into_iter().map(Into::into).collect()))
    }

    /// Bring back an earlier version
    ///
    /// The author only; the current version goes into the history.
    #[oai(
        path = "/stories/:id/revisions/:rid/restore",
        method = "post",
        operation_id = "restore_story_revision"
    )]
    async fn restore_revision(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        rid: Path<Uuid>,
    ) -> ApiResult<Json<StoryOut>> {
        let story = state
            .service
            .restore_story_revision(
                auth.0.id(),
                StoryId::from_uuid(id.0),
                RevisionId::from_uuid(rid.0),
            )
            .await?;
        Ok(Json(story.into()))
    }
}
