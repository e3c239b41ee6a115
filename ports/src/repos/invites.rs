use async_trait::async_trait;
use mosaic_domain::{
    Invite, InviteGrant, InviteId, InviteState, LegacyId, Session, TokenHash, User, UserId,
};
use time::OffsetDateTime;

use crate::RepoError;

/// Who accepts an invite.
// One value per acceptance, passed by reference: the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    /// Someone signed in already.
    Existing(UserId),
    /// Someone without an account: it is created, and a session started for
    /// it, in the same transaction that lets them in.
    NewAccount {
        /// The account to create.
        user: User,
        /// Their first session.
        session: Session,
    },
}

/// What accepting an invite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteAcceptance {
    /// They are in (or already were, with this role or higher).
    Accepted {
        /// The invite, as it stands after this use.
        invite: Invite,
        /// What happened to their membership.
        grant: InviteGrant,
        /// Who accepted.
        user: UserId,
    },
    /// The invite no longer works; nothing was written.
    Refused(InviteState),
}

/// Invite links to legacies.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait InviteRepo: Send + Sync {
    /// Stores a new invite.
    /// MUST return [`RepoError::NotFound`] when the legacy or its maker is missing.
    async fn create_invite(&self, invite: &Invite) -> Result<(), RepoError>;

    /// The invite whose secret has this hash, in whatever state.
    /// MUST return `Ok(None)` when there is none.
    async fn find_invite(&self, token_hash: &TokenHash) -> Result<Option<Invite>, RepoError>;

    /// Every invite of a legacy, in any state, newest first.
    async fn list_invites(&self, legacy: LegacyId) -> Result<Vec<Invite>, RepoError>;

    /// Marks an invite of `legacy` revoked at `at`; revoking twice keeps
    /// the first time. Returns the invite as it now stands.
    /// MUST return [`RepoError::NotFound`] when `legacy` has no invite `id`.
    async fn revoke_invite(
        &self,
        legacy: LegacyId,
        id: InviteId,
        at: OffsetDateTime,
    ) -> Result<Invite, RepoError>;

    /// Accepts the invite whose secret has this hash for `invitee`, in one
    /// transaction: decides with [`Invite::state_at`] at `now` whether it
    /// still works (if not: [`InviteAcceptance::Refused`], nothing written),
    /// creates the new account and its session if there is one, then makes
    /// or raises the membership as [`InviteGrant::for_current`] says and
    /// counts one use — except for [`InviteGrant::Keep`], which changes
    /// nothing and uses nothing, so accepting twice is harmless.
    /// Concurrent acceptances MUST be serialized on the invite: of two
    /// people accepting a single-use invite at once, exactly one gets in.
    /// MUST return [`RepoError::NotFound`] for an unknown hash (or a missing
    /// existing user), and [`RepoError::EmailTaken`] (writing nothing) when
    /// the new account's e-mail belongs to someone.
    async fn accept_invite(
        &self,
        token_hash: &TokenHash,
        invitee: &Invitee,
        now: OffsetDateTime,
    ) -> Result<InviteAcceptance, RepoError>;
}
