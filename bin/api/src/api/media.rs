use mosaic_domain::{LegacyId, MediaId};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiTags;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::dto::{
    MediaFileInput, MediaOut, MediaPage, MediaRegisterInput, UploadTicketOut, page_request,
};
use crate::error::ApiResult;
use crate::state::AppState;

/// Media endpoints: the upload flow (presign, upload straight to storage,
/// register) and viewing.
#[derive(Debug)]
pub struct MediaApi;

#[derive(Debug, ApiResponse)]
enum Registered {
    /// The media item was recorded.
    #[oai(status = 201)]
    Created(Json<MediaOut>),
    /// It had already been recorded by this request's earlier try; nothing
    /// changed.
    #[oai(status = 200)]
    AlreadyRegistered(Json<MediaOut>),
}

#[derive(Debug, ApiResponse)]
enum Deleted {
    /// The media item and its files are gone.
    #[oai(status = 204)]
    Deleted,
}

impl MediaApi {
    /// When URLs presigned now stop working.
    fn urls_expire_at(state: &AppState) -> OffsetDateTime {
        OffsetDateTime::now_utc() + state.service.settings().download_url_lifetime
    }
}

#[OpenApi(tag = "ApiTags::Media")]
impl MediaApi {
    /// Prepare an upload
    ///
    /// Editors and the creator of the legacy. Checks type, size, extension
    /// and the caller's storage quota (413 `QUOTA_EXCEEDED`), then returns a
    /// signed request: send the file's bytes with exactly that method, URL
    /// and headers, then register the media with `POST /api/media`.
    #[oai(
        path = "/media/presign",
        method = "post",
        operation_id = "presign_media_upload"
    )]
    async fn presign(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: Json<MediaFileInput>,
    ) -> ApiResult<Json<UploadTicketOut>> {
        let (legacy, upload) = body.0.parse()?;
        let ticket = state
            .service
            .request_upload(auth.0.id(), legacy, &upload)
            .await?;
        Ok(Json(ticket.into()))
    }

    /// Register an uploaded file
    ///
    /// Checks that the stored file has the declared size and really is the
    /// declared type (its first bytes); a file that is not is deleted and
    /// refused with 422. Registering again answers 200 with the same item.
    #[oai(path = "/media", method = "post", operation_id = "register_media")]
    async fn register(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: Json<MediaRegisterInput>,
    ) -> ApiResult<Registered> {
        let (legacy, media_id, upload) = body.0.parse()?;
        let registered = state
            .service
            .register_media(auth.0.id(), legacy, media_id, upload)
            .await?;
        let view = state
            .service
            .get_media(Some(auth.0.id()), registered.record.id)
            .await?;
        let out = MediaOut::new(view, Self::urls_expire_at(&state));
        Ok(if registered.created {
            Registered::Created(Json(out))
        } else {
            Registered::AlreadyRegistered(Json(out))
        })
    }

    /// A legacy's media
    ///
    /// Members see all of it, others only what they uploaded themselves;
    /// newest first, each with short-lived URLs.
    #[oai(path = "/media", method = "get", operation_id = "list_media")]
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
    ) -> ApiResult<Json<MediaPage>> {
        let page = page_request(cursor.0, limit.0)?;
        let media = state
            .service
            .list_media_views(auth.user_id(), LegacyId::from_uuid(legacy_id.0), page)
            .await?;
        Ok(Json(MediaPage::new(media, Self::urls_expire_at(&state))))
    }

    /// One media item
    ///
    /// With fresh short-lived URLs. An item the caller may not see answers
    /// 404, like a missing one.
    #[oai(path = "/media/:id", method = "get", operation_id = "get_media")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: MaybeSignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<MediaOut>> {
        let view = state
            .service
            .get_media(auth.user_id(), MediaId::from_uuid(id.0))
            .await?;
        Ok(Json(MediaOut::new(view, Self::urls_expire_at(&state))))
    }

    /// Delete a media item
    ///
    /// Its uploader or the legacy's creator. The files are removed after
    /// the record.
    #[oai(path = "/media/:id", method = "delete", operation_id = "delete_media")]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Deleted> {
        state
            .service
            .delete_media(auth.0.id(), MediaId::from_uuid(id.0))
            .await?;
        Ok(Deleted::Deleted)
    }
}
