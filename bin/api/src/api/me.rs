use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use super::ApiTags;
use crate::auth::SignedIn;
use crate::dto::MeOut;
use crate::error::ApiResult;
use crate::state::AppState;

/// The signed-in user.
#[derive(Debug)]
pub struct MeApi;

#[OpenApi(tag = "ApiTags::Me")]
impl MeApi {
    /// Who am I
    ///
    /// The signed-in user, or 401.
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, state: Data<&AppState>, auth: SignedIn) -> ApiResult<Json<MeOut>> {
        let user = state.service.me(auth.0.id()).await?;
        Ok(Json(user.into()))
    }
}
