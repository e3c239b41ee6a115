//! Invite links: the creator makes, lists and revokes them; whoever holds
//! one looks at it and accepts it, signed in or with a new account.

use mosaic_domain::{
    Email, INVITE_DEFAULT_DAYS, Invite, InviteId, InviteState, InviteTerms, LegacyId, PersonName,
    Role,
};
use mosaic_ports::InviteAccepted;
use poem::Request;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiTags;
use crate::auth::{SignedIn, session_cookie};
use crate::dto::{RoleDto, Text};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Invite endpoints.
#[derive(Debug)]
pub struct InvitesApi;

/// The role an invite grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum InviteRoleDto {
    /// Reads family stories.
    Member,
    /// Also writes stories.
    Editor,
}

impl From<InviteRoleDto> for Role {
    fn from(role: InviteRoleDto) -> Self {
        match role {
            InviteRoleDto::Member => Role::Member,
            InviteRoleDto::Editor => Role::Editor,
        }
    }
}

impl From<Role> for InviteRoleDto {
    /// An invite's role (the domain allows only member and editor).
    fn from(role: Role) -> Self {
        if role == Role::Editor {
            Self::Editor
        } else {
            Self::Member
        }
    }
}

/// Whether an invite still lets people in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum InviteStateDto {
    /// It works.
    Open,
    /// Its time is over.
    Expired,
    /// As many people as it allows have used it.
    UsedUp,
    /// Its maker withdrew it.
    Revoked,
}

impl From<InviteState> for InviteStateDto {
    fn from(state: InviteState) -> Self {
        match state {
            InviteState::Open => Self::Open,
            InviteState::Expired => Self::Expired,
            InviteState::UsedUp => Self::UsedUp,
            InviteState::Revoked => Self::Revoked,
        }
    }
}

/// What a new invite grants; absent or `null` fields take their defaults.
#[derive(Debug, Clone, Object)]
pub struct InviteInput {
    /// The role people get; `member` by default.
    #[oai(nullable)]
    pub role: Option<InviteRoleDto>,
    /// Days it works, 1–90; 14 by default.
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "90")))]
    pub days: Option<u32>,
    /// How many people may use it, 1–100; 1 by default.
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "100")))]
    pub max_uses: Option<u32>,
}

/// An invite as its maker sees it (never with its secret, which is shown
/// once, when it is made).
#[derive(Debug, Clone, Object)]
pub struct InviteOut {
    /// The invite.
    pub id: Uuid,
    /// The legacy.
    pub legacy_id: Uuid,
    /// The role it grants.
    pub role: InviteRoleDto,
    /// Whether it works now.
    pub state: InviteStateDto,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
    /// How many people may use it.
    pub max_uses: u32,
    /// How many have.
    pub uses: u32,
    /// When it was withdrawn; `null` unless it was.
    #[oai(nullable)]
    pub revoked_at: Option<OffsetDateTime>,
}

impl InviteOut {
    fn new(invite: Invite, state: InviteState) -> Self {
        Self {
            id: invite.id.as_uuid(),
            legacy_id: invite.legacy_id.as_uuid(),
            role: invite.role.into(),
            state: state.into(),
            created_at: invite.created_at,
            expires_at: invite.expires_at,
            max_uses: invite.max_uses,
            uses: invite.uses,
            revoked_at: invite.revoked_at,
        }
    }
}

/// A new invite with its secret: put `path` after the site's address to
/// make the link. The secret is not shown again.
#[derive(Debug, Clone, Object)]
pub struct InviteCreated {
    /// The invite.
    pub invite: InviteOut,
    /// The secret of the link.
    pub token: String,
    /// The link's path, `/invites/{token}`.
    pub path: String,
}

/// What an invite link leads to.
#[derive(Debug, Clone, Object)]
pub struct InvitePreviewOut {
    /// The legacy.
    pub legacy_id: Uuid,
    /// Whose legacy it is.
    pub legacy_name: String,
    /// Who sent the invite.
    pub invited_by: String,
    /// The role it grants.
    pub role: InviteRoleDto,
    /// Whether it still works.
    pub state: InviteStateDto,
    /// When it stops working.
    pub expires_at: OffsetDateTime,
}

/// The account to create when accepting an invite without one.
#[derive(Debug, Clone, Object)]
pub struct NewAccountInput {
    /// The name relatives will see, 1–200 characters, at least one of them
    /// neither white space nor a control character.
    #[oai(validator(
        max_length = 200,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub name: Text,
    /// An e-mail address (`name@domain`, at most 254 characters, no spaces
    /// inside); it must not belong to an account already.
    #[oai(validator(
        max_length = 254,
        pattern = r"^[ \t\r\n]*[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+@[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+(\.[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+)*[ \t\r\n]*$"
    ))]
    pub email: Text,
}

/// An accepted invite.
#[derive(Debug, Clone, Object)]
pub struct InviteAcceptedOut {
    /// The legacy joined.
    pub legacy_id: Uuid,
    /// The person's role there now.
    pub role: RoleDto,
    /// `false` when they already had this role or a higher one (nothing changed).
    pub changed: bool,
}

impl From<InviteAccepted> for InviteAcceptedOut {
    fn from(accepted: InviteAccepted) -> Self {
        Self {
            legacy_id: accepted.legacy_id.as_uuid(),
            role: accepted.role.into(),
            changed: accepted.changed,
        }
    }
}

#[derive(Debug, ApiResponse)]
enum Created {
    /// The invite was made.
    #[oai(status = 201)]
    Created(Json<InviteCreated>),
}

#[derive(Debug, ApiResponse)]
enum Revoked {
    /// The invite no longer works.
    #[oai(status = 204)]
    Revoked,
}

#[derive(Debug, ApiResponse)]
enum JoinedWithAccount {
    /// The account was made and joined the legacy; the session cookie is set.
    #[oai(status = 201)]
    Joined(
        Json<InviteAcceptedOut>,
        #[oai(header = "Set-Cookie")] String,
    ),
}

#[OpenApi(tag = "ApiTags::Members")]
impl InvitesApi {
    /// Make an invite link
    ///
    /// The creator only. The answer holds the link's secret, shown only
    /// this once.
    #[oai(
        path = "/legacies/:id/invites",
        method = "post",
        operation_id = "create_invite"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        body: Json<InviteInput>,
    ) -> ApiResult<Created> {
        let terms = InviteTerms::new(
            body.0.role.unwrap_or(InviteRoleDto::Member).into(),
            body.0.days.unwrap_or(INVITE_DEFAULT_DAYS),
            body.0.max_uses.unwrap_or(1),
        )
        .map_err(|err| ApiError::unprocessable(err.to_string()))?;
        let made = state
            .service
            .create_invite(auth.0.id(), LegacyId::from_uuid(id.0), terms)
            .await?;
        let path = format!("/invites/{}", made.token);
        Ok(Created::Created(Json(InviteCreated {
            invite: InviteOut::new(made.invite, InviteState::Open),
            token: made.token,
            path,
        })))
    }

    /// The invite links of a legacy
    ///
    /// The creator only; newest first, in every state.
    #[oai(
        path = "/legacies/:id/invites",
        method = "get",
        operation_id = "list_invites"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<Vec<InviteOut>>> {
        let invites = state
            .service
            .list_invites(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        Ok(Json(
            invites
                .into_iter()
                .map(|(invite, state)| InviteOut::new(invite, state))
                .collect(),
        ))
    }

    /// Withdraw an invite link
    ///
    /// The creator only; the link stops working at once. Withdrawing twice is fine.
    #[oai(
        path = "/legacies/:id/invites/:invite_id",
        method = "delete",
        operation_id = "revoke_invite"
    )]
    async fn revoke(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        invite_id: Path<Uuid>,
    ) -> ApiResult<Revoked> {
        state
            .service
            .revoke_invite(
                auth.0.id(),
                LegacyId::from_uuid(id.0),
                InviteId::from_uuid(invite_id.0),
            )
            .await?;
        Ok(Revoked::Revoked)
    }

    /// Look at an invite link
    ///
    /// Open to anyone holding the link: whose legacy it is, who sent it,
    /// the role, and whether it still works. An unknown link is 404.
    #[oai(path = "/invites/:token", method = "get", operation_id = "get_invite")]
    async fn preview(
        &self,
        state: Data<&AppState>,
        /// The secret of the link (64 hex characters).
        #[oai(validator(pattern = "^[0-9a-f]{64}$"))]
        token: Path<String>,
    ) -> ApiResult<Json<InvitePreviewOut>> {
        let preview = state.service.preview_invite(&token.0).await?;
        Ok(Json(InvitePreviewOut {
            legacy_id: preview.invite.legacy_id.as_uuid(),
            legacy_name: preview.legacy_name.as_str().to_owned(),
            invited_by: preview.invited_by.as_str().to_owned(),
            role: preview.invite.role.into(),
            state: preview.state.into(),
            expires_at: preview.invite.expires_at,
        }))
    }

    /// Accept an invite link
    ///
    /// Signed in: join the legacy with the invite's role at once (a pending
    /// request is raised to it; a higher role is kept, and accepting again
    /// changes nothing). An invite that no longer works is 409
    /// (`INVITE_EXPIRED`, `INVITE_USED_UP`, `INVITE_REVOKED`).
    #[oai(
        path = "/invites/:token/accept",
        method = "post",
        operation_id = "accept_invite"
    )]
    async fn accept(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        /// The secret of the link (64 hex characters).
        #[oai(validator(pattern = "^[0-9a-f]{64}$"))]
        token: Path<String>,
    ) -> ApiResult<Json<InviteAcceptedOut>> {
        let accepted = state.service.accept_invite(auth.0.id(), &token.0).await?;
        Ok(Json(accepted.into()))
    }

    /// Accept an invite link with a new account
    ///
    /// For someone without an account: the account (name and e-mail), a
    /// session and the membership are made together, and the session cookie
    /// is set. The invite is the permission to sign up, though an
    /// allow-list (`MOSAIC_SIGNUP_ALLOWED`) still applies (403). An e-mail
    /// that belongs to an account is 409: that person signs in first.
    #[oai(
        path = "/invites/:token/accept-new-account",
        method = "post",
        operation_id = "accept_invite_with_new_account"
    )]
    async fn accept_new(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// The secret of the link (64 hex characters).
        #[oai(validator(pattern = "^[0-9a-f]{64}$"))]
        token: Path<String>,
        body: Json<NewAccountInput>,
    ) -> ApiResult<JoinedWithAccount> {
        if let Some(address) = state.client_address.of(req) {
            state
                .limits
                .check_sign_in(address)
                .await
                .map_err(ApiError::too_many_requests)?;
        }
        let email = Email::new(&body.0.email.0).map_err(ApiError::invalid)?;
        let name = PersonName::new(&body.0.name.0).map_err(ApiError::invalid)?;
        let (accepted, started) = state
            .service
            .accept_invite_as_new_account(&token.0, email, name, &state.sign_up)
            .await?;
        let max_age = (started.session.expires_at - started.session.created_at).whole_seconds();
        Ok(JoinedWithAccount::Joined(
            Json(accepted.into()),
            session_cookie(&started.token, max_age, state.secure_cookies),
        ))
    }
}
