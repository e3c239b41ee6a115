use mosaic_domain::{LegacyId, SearchQuery};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::dto::{LegacyInput, LegacyOut, LegacyPage, page_request};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Legacy endpoints.
#[derive(Debug)]
pub struct LegaciesApi;

#[derive(Debug, ApiResponse)]
enum Created {
    /// The legacy was created; the caller is its creator.
    #[oai(status = 201)]
    Created(Json<LegacyOut>),
}

#[derive(Debug, ApiResponse)]
enum Deleted {
    /// The legacy and everything in it were deleted.
    #[oai(status = 204)]
    Deleted,
}

#[OpenApi(tag = "ApiTags::Legacies")]
impl LegaciesApi {
    /// Create a legacy
    ///
    /// The caller becomes its creator.
    #[oai(path = "/legacies", method = "post", operation_id = "create_legacy")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: Json<LegacyInput>,
    ) -> ApiResult<Created> {
        let details = body.0.parse()?;
        let legacy = state.service.create_legacy(auth.0.id(), details).await?;
        Ok(Created::Created(Json(LegacyOut::new(
            legacy,
            Some(mosaic_domain::Role::Creator),
        ))))
    }

    /// My legacies
    ///
    /// The legacies the caller belongs to or asked to join, newest first.
    #[oai(path = "/legacies", method = "get", operation_id = "list_my_legacies")]
    async fn list_mine(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        /// The `next_cursor` of the previous page; omit for the first page.
        #[oai(validator(pattern = r"^(-?[0-9]{1,19}_[0-9a-fA-F]{32})?$"))]
        cursor: Query<Option<String>>,
        /// Page size, 1–100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<LegacyPage>> {
        let page = page_request(cursor.0, limit.0)?;
        let found = state.service.list_my_legacies(auth.0.id(), page).await?;
        Ok(Json(LegacyPage::from_page(found)))
    }

    /// Find legacies by name
    ///
    /// Open to everyone; for a signed-in caller `my_role` tells their place
    /// in each legacy found. `q` is read like a story search's: every word
    /// must appear in the name (anywhere in its words), `"quoted words"`
    /// next to each other in this order, `-excluded` ones not at all, `OR`
    /// between two terms; case and accents do not matter. A query with
    /// nothing to search for (no letter or digit outside exclusions) answers
    /// 422 VALIDATION_FAILED.
    #[oai(
        path = "/legacies/search",
        method = "get",
        operation_id = "search_legacies"
    )]
    async fn search(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        /// Words of the name, 1–100 characters (at least one neither white
        /// space nor a control character; at least one letter or digit that
        /// is not excluded, otherwise 422).
        #[oai(validator(
            max_length = 100,
            pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
        ))]
        q: Query<String>,
        /// The `next_cursor` of the previous page; omit for the first page.
        #[oai(validator(pattern = r"^(-?[0-9]{1,19}_[0-9a-fA-F]{32})?$"))]
        cursor: Query<Option<String>>,
        /// Page size, 1–100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<LegacyPage>> {
        let query = SearchQuery::new(&q.0).map_err(ApiError::invalid)?;
        let page = page_request(cursor.0, limit.0)?;
        let found = state
            .service
            .search_legacies(auth.user_id(), &query, page)
            .await?;
        Ok(Json(LegacyPage {
            next_cursor: found.next.map(|c| c.encode()),
            items: found.items.into_iter().map(LegacyOut::from).collect(),
        }))
    }

    /// A legacy's details
    ///
    /// Open to everyone, so that relatives can find a legacy and read its
    /// public stories; `my_role` tells the caller's place in it.
    #[oai(path = "/legacies/:id", method = "get", operation_id = "get_legacy")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<LegacyOut>> {
        let view = state
            .service
            .get_legacy(auth.user_id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Json(view.into()))
    }

    /// Change a legacy
    ///
    /// Editors and the creator.
    #[oai(path = "/legacies/:id", method = "put", operation_id = "update_legacy")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        body: Json<LegacyInput>,
    ) -> ApiResult<Json<LegacyOut>> {
        let details = body.0.parse()?;
        let id = LegacyId::from_uuid(id.0);
        let view = state
            .service
            .update_legacy(auth.0.id(), id, details)
            .await?;
        Ok(Json(view.into()))
    }

    /// Delete a legacy
    ///
    /// The creator only. Deletes every story, membership and media item of it.
    #[oai(
        path = "/legacies/:id",
        method = "delete",
        operation_id = "delete_legacy"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Deleted> {
        state
            .service
            .delete_legacy(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Deleted::Deleted)
    }
}
