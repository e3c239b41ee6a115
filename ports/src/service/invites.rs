//! Invite links: the creator makes, lists and revokes them; anyone holding
//! one may look at it and accept it, signed in or by creating an account.

use std::sync::Arc;

use mosaic_domain::{
    Email, Invite, InviteGrant, InviteId, InviteState, InviteTerms, LegacyId, PersonName, Role,
    Session, SessionId, User, UserId,
};

use super::sessions::hash_token;
use super::{MosaicService, NewSession, Resource, ServiceError, ServiceResult, SignUpPolicy};
use crate::service::error::RepoResultExt;
use crate::{InviteAcceptance, InviteRepo, Invitee};

/// An invite just made, with the secret for its link. The secret is shown
/// only here; the server keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvite {
    /// The stored invite.
    pub invite: Invite,
    /// The secret (64 hex characters) to put in the link.
    pub token: String,
}

/// What someone holding an invite link may see before accepting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitePreview {
    /// The invite.
    pub invite: Invite,
    /// Whether it still works now.
    pub state: InviteState,
    /// The legacy's name.
    pub legacy_name: mosaic_domain::LegacyName,
    /// Who made it.
    pub invited_by: PersonName,
}

/// An accepted invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteAccepted {
    /// The legacy joined.
    pub legacy_id: LegacyId,
    /// The person's role there now.
    pub role: Role,
    /// Whether this acceptance changed their membership (`false`: they
    /// already had this role or a higher one).
    pub changed: bool,
}

impl MosaicService {
    /// The same service with invite links kept in `repo`.
    pub fn with_invites(mut self, repo: Arc<dyn InviteRepo>) -> Self {
        self.invites = Some(repo);
        self
    }

    fn invite_repo(&self) -> ServiceResult<&dyn InviteRepo> {
        self.invites.as_deref().ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("the service was built without invites"))
        })
    }

    /// Makes an invite to `legacy`; only its creator may.
    pub async fn create_invite(
        &self,
        caller: UserId,
        legacy: LegacyId,
        terms: InviteTerms,
    ) -> ServiceResult<NewInvite> {
        let owner = self
            .access_to_existing(Some(caller), legacy)
            .await?
            .legacy_owner()
            .map_err(|err| ServiceError::from_access(err, Resource::Legacy))?;
        let token = hex::encode(self.ports.ids.new_secret());
        let invite = Invite::new(
            InviteId::from_uuid(self.ports.ids.new_id()),
            owner.legacy_id(),
            owner.user(),
            terms,
            hash_token(&token),
            self.now(),
        );
        self.invite_repo()?
            .create_invite(&invite)
            .await
            .or_missing(Resource::Legacy)?;
        Ok(NewInvite { invite, token })
    }

    /// Every invite of `legacy` with its state now; only its creator may see them.
    pub async fn list_invites(
        &self,
        caller: UserId,
        legacy: LegacyId,
    ) -> ServiceResult<Vec<(Invite, InviteState)>> {
        self.access_to_existing(Some(caller), legacy)
            .await?
            .legacy_owner()
            .map_err(|err| ServiceError::from_access(err, Resource::Legacy))?;
        let now = self.now();
        let invites = self
            .invite_repo()?
            .list_invites(legacy)
            .await
            .or_missing(Resource::Legacy)?;
        Ok(invites
            .into_iter()
            .map(|invite| {
                let state = invite.state_at(now);
                (invite, state)
            })
            .collect())
    }

    /// Revokes an invite of `legacy` (its link stops working at once); only
    /// its creator may. Revoking twice is fine.
    pub async fn revoke_invite(
        &self,
        caller: UserId,
        legacy: LegacyId,
        invite: InviteId,
    ) -> ServiceResult<Invite> {
        self.access_to_existing(Some(caller), legacy)
            .await?
            .legacy_owner()
            .map_err(|err| ServiceError::from_access(err, Resource::Legacy))?;
        self.invite_repo()?
            .revoke_invite(legacy, invite, self.now())
            .await
            .or_missing(Resource::Invite)
    }

    /// What an invite link leads to: the legacy's name, who invited, the
    /// role, and whether it still works. Anyone with the link may look; an
    /// unknown link is "not found".
    pub async fn preview_invite(&self, token: &str) -> ServiceResult<InvitePreview> {
        let invite = self
            .invite_repo()?
            .find_invite(&hash_token(token))
            .await
            .or_missing(Resource::Invite)?
            .ok_or(ServiceError::NotFound(Resource::Invite))?;
        let legacy = self
            .ports
            .legacies
            .get_legacy(invite.legacy_id)
            .await
            .or_missing(Resource::Invite)?;
        let maker = self
            .ports
            .users
            .get_user(invite.created_by)
            .await
            .or_missing(Resource::Invite)?;
        Ok(InvitePreview {
            state: invite.state_at(self.now()),
            invite,
            legacy_name: legacy.name,
            invited_by: maker.name,
        })
    }

    /// Accepts an invite for someone signed in: they join with its role at
    /// once, or are raised to it; a higher role is kept. Accepting again is
    /// harmless and uses nothing.
    pub async fn accept_invite(
        &self,
        caller: UserId,
        token: &str,
    ) -> ServiceResult<InviteAccepted> {
        let outcome = self
            .invite_repo()?
            .accept_invite(&hash_token(token), &Invitee::Existing(caller), self.now())
            .await
            .or_missing(Resource::Invite)?;
        accepted(outcome)
    }

    /// Accepts an invite for someone without an account: the account, its
    /// first session and the membership are made in one transaction. The
    /// invite is the permission to sign up, but an allow-list, when set,
    /// still applies; an e-mail that has an account is refused (that person
    /// signs in first), so an invite never signs anyone in as someone else.
    pub async fn accept_invite_as_new_account(
        &self,
        token: &str,
        email: Email,
        name: PersonName,
        policy: &SignUpPolicy,
    ) -> ServiceResult<(InviteAccepted, NewSession)> {
        if !policy.allows(&email) {
            return Err(ServiceError::Forbidden(
                "this site accepts new accounts only for some e-mail addresses, and this one is not among them",
            ));
        }
        let now = self.now();
        let user = User {
            id: UserId::from_uuid(self.ports.ids.new_id()),
            email,
            name,
            avatar_url: None,
            is_admin: false,
            disabled: false,
            created_at: now,
            updated_at: now,
        };
        let secret = hex::encode(self.ports.ids.new_secret());
        let session = Session::start(
            SessionId::from_uuid(self.ports.ids.new_id()),
            user.id,
            hash_token(&secret),
            now,
        );
        let invitee = Invitee::NewAccount {
            user,
            session: session.clone(),
        };
        let outcome = self
            .invite_repo()?
            .accept_invite(&hash_token(token), &invitee, now)
            .await
            .map_err(|err| match err {
                crate::RepoError::EmailTaken => ServiceError::Conflict(
                    "an account with this e-mail address exists: sign in first, then open the invite link again"
                        .into(),
                ),
                other => ServiceError::from_repo(other, Resource::Invite),
            })?;
        let accepted = accepted(outcome)?;
        Ok((
            accepted,
            NewSession {
                session,
                token: secret,
            },
        ))
    }
}

fn accepted(outcome: InviteAcceptance) -> ServiceResult<InviteAccepted> {
    match outcome {
        InviteAcceptance::Accepted { invite, grant, .. } => Ok(InviteAccepted {
            legacy_id: invite.legacy_id,
            role: grant.role(),
            changed: !matches!(grant, InviteGrant::Keep(_)),
        }),
        InviteAcceptance::Refused(state) => Err(ServiceError::InviteClosed(state)),
    }
}
