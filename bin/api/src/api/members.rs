use mosaic_domain::{LegacyId, UserId};
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi};
use uuid::Uuid;

use super::ApiTags;
use crate::auth::SignedIn;
use crate::dto::{MemberOut, MembershipOut, RoleChange, TransferInput};
use crate::error::ApiResult;
use crate::state::AppState;

/// Membership endpoints.
#[derive(Debug)]
pub struct MembersApi;

#[derive(Debug, ApiResponse)]
enum Joined {
    /// The request to join was made; it waits for the creator.
    #[oai(status = 201)]
    Requested(Json<MembershipOut>),
}

#[derive(Debug, ApiResponse)]
enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

#[OpenApi(tag = "ApiTags::Members")]
impl MembersApi {
    /// Ask to join a legacy
    #[oai(
        path = "/legacies/:id/join",
        method = "post",
        operation_id = "join_legacy"
    )]
    async fn join(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Joined> {
        let membership = state
            .service
            .join_legacy(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Joined::Requested(Json(membership.into())))
    }

    /// The members of a legacy
    ///
    /// Approved members see the members; the creator also sees requests to join.
    #[oai(
        path = "/legacies/:id/members",
        method = "get",
        operation_id = "list_members"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<MemberOut>>> {
        let members = state
            .service
            .list_members(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Json(members.into_iter().map(Into::into).collect()))
    }

    /// Approve a request to join
    ///
    /// The creator only; the person becomes a member.
    #[oai(
        path = "/legacies/:id/members/:uid/approve",
        method = "post",
        operation_id = "approve_member"
    )]
    async fn approve(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        uid: Path<Uuid>,
    ) -> ApiResult<Json<MembershipOut>> {
        let membership = state
            .service
            .approve_member(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                UserId::from_uuid(uid.0),
            )
            .await?;
        Ok(Json(membership.into()))
    }

    /// Turn down a request to join
    #[oai(
        path = "/legacies/:id/members/:uid/reject",
        method = "post",
        operation_id = "reject_member"
    )]
    async fn reject(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        uid: Path<Uuid>,
    ) -> ApiResult<Done> {
        state
            .service
            .reject_member(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                UserId::from_uuid(uid.0),
            )
            .await?;
        Ok(Done::Done)
    }

    /// Promote or demote a member
    ///
    /// The creator only; the new role is `member` or `editor`.
    #[oai(
        path = "/legacies/:id/members/:uid/role",
        method = "put",
        operation_id = "change_member_role"
    )]
    async fn change_role(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        uid: Path<Uuid>,
        body: Json<RoleChange>,
    ) -> ApiResult<Json<MembershipOut>> {
        let membership = state
            .service
            .change_member_role(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                UserId::from_uuid(uid.0),
                body.0.role.into(),
            )
            .await?;
        Ok(Json(membership.into()))
    }

    /// Remove a member
    ///
    /// The creator removes anyone but themself; removing yourself is leaving.
    #[oai(
        path = "/legacies/:id/members/:uid",
        method = "delete",
        operation_id = "remove_member"
    )]
    async fn remove(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        uid: Path<Uuid>,
    ) -> ApiResult<Done> {
        state
            .service
            .remove_member(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                UserId::from_uuid(uid.0),
            )
            .await?;
        Ok(Done::Done)
    }

    /// Leave a legacy
    ///
    /// Also withdraws a pending request. The creator must transfer first.
    #[oai(
        path = "/legacies/:id/leave",
        method = "post",
        operation_id = "leave_legacy"
    )]
    async fn leave(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Done> {
        state
            .service
            .leave_legacy(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Done::Done)
    }

    /// Hand a legacy to another member
    ///
    /// The creator only; they stay as editor.
    #[oai(
        path = "/legacies/:id/transfer",
        method = "post",
        operation_id = "transfer_legacy"
    )]
    async fn transfer(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        body: Json<TransferInput>,
    ) -> ApiResult<Done> {
        state
            .service
            .transfer_legacy(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                UserId::from_uuid(body.0.to_user_id),
            )
            .await?;
        Ok(Done::Done)
    }
}
