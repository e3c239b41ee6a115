//! Invite links: the creator of a legacy hands relatives one link that
//! lets them in with a chosen role, without the pending step.
//!
//! The rules here: which roles an invite may grant, how long it lives and
//! how often it may be used ([`InviteTerms`]), whether it still works
//! ([`Invite::state_at`]), and what accepting it does to someone's current
//! role ([`InviteGrant::for_current`]) — it never lowers anyone.

use thiserror::Error;
use time::{Duration, OffsetDateTime};

use crate::{InviteId, LegacyId, Role, TokenHash, UserId};

/// How long an invite works unless its maker chooses otherwise.
pub const INVITE_DEFAULT_DAYS: u32 = 14;
/// The longest an invite may work.
pub const INVITE_MAX_DAYS: u32 = 90;
/// The most people one invite may let in.
pub const INVITE_MAX_USES: u32 = 100;

/// Why invite terms are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum InviteError {
    /// Invites grant `member` or `editor` only: `creator` moves by transfer,
    /// and `pending` is what joining without an invite gives.
    #[error("an invite can make someone a member or an editor, nothing else")]
    RoleNotInvitable,
    /// A lifetime of 0 or more than [`INVITE_MAX_DAYS`] days.
    #[error("an invite must work for 1 to {INVITE_MAX_DAYS} days")]
    Lifetime,
    /// A use limit of 0 or more than [`INVITE_MAX_USES`].
    #[error("an invite may let in 1 to {INVITE_MAX_USES} people")]
    Uses,
}

/// What an invite grants and for how long: validated, so holding one means
/// it is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteTerms {
    role: Role,
    days: u32,
    max_uses: u32,
}

impl InviteTerms {
    /// Terms for `role`, working `days` days, for at most `max_uses` people.
    pub fn new(role: Role, days: u32, max_uses: u32) -> Result<Self, InviteError> {
        if !matches!(role, Role::Member | Role::Editor) {
            return Err(InviteError::RoleNotInvitable);
        }
        if days == 0 || days > INVITE_MAX_DAYS {
            return Err(InviteError::Lifetime);
        }
        if max_uses == 0 || max_uses > INVITE_MAX_USES {
            return Err(InviteError::Uses);
        }
        Ok(Self {
            role,
            days,
            max_uses,
        })
    }

    /// The role granted.
    pub fn role(&self) -> Role {
        self.role
    }

    /// How many people may use it.
    pub fn max_uses(&self) -> u32 {
        self.max_uses
    }

    /// How long it works.
    pub fn lifetime(&self) -> Duration {
        Duration::days(i64::from(self.days))
    }
}

/// An invite to one legacy, stored with the hash of its secret only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// The invite.
    pub id: InviteId,
    /// The legacy it lets people into.
    pub legacy_id: LegacyId,
    /// The role it grants ([`Role::Member`] or [`Role::Editor`]).
    pub role: Role,
    /// Who made it.
    pub created_by: UserId,
    /// The SHA-256 of the secret in the link.
    pub token_hash: TokenHash,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// From this moment on it no longer works.
    pub expires_at: OffsetDateTime,
    /// How many people may use it.
    pub max_uses: u32,
    /// How many have.
    pub uses: u32,
    /// When its maker revoked it, if they did.
    pub revoked_at: Option<OffsetDateTime>,
}

/// Whether an invite still lets people in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    /// It works.
    Open,
    /// Its time is over.
    Expired,
    /// As many people as allowed have used it.
    UsedUp,
    /// Its maker revoked it.
    Revoked,
}

impl InviteState {
    /// The lower-case name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InviteState::Open => "open",
            InviteState::Expired => "expired",
            InviteState::UsedUp => "used_up",
            InviteState::Revoked => "revoked",
        }
    }
}

impl Invite {
    /// A new invite made by `created_by` (the legacy's owner) at `now`.
    pub fn new(
        id: InviteId,
        legacy_id: LegacyId,
        created_by: UserId,
        terms: InviteTerms,
        token_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            legacy_id,
            role: terms.role,
            created_by,
            token_hash,
            created_at: now,
            expires_at: now + terms.lifetime(),
            max_uses: terms.max_uses,
            uses: 0,
            revoked_at: None,
        }
    }

    /// Whether it works at `now`. Revoked wins over used up, which wins
    /// over expired: the most deliberate reason is the one people are told.
    pub fn state_at(&self, now: OffsetDateTime) -> InviteState {
        if self.revoked_at.is_some() {
            InviteState::Revoked
        } else if self.uses >= self.max_uses {
            InviteState::UsedUp
        } else if now >= self.expires_at {
            InviteState::Expired
        } else {
            InviteState::Open
        }
    }
}

/// What accepting an invite does to the person's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteGrant {
    /// Not a member yet: they join with this role.
    Join(Role),
    /// Pending, or a lower role than the invite's: raised to this role.
    Raise(Role),
    /// Already this role or higher: nothing changes, and the invite is not
    /// used up by them.
    Keep(Role),
}

impl InviteGrant {
    /// The grant of an invite for `invited` to someone whose role now is
    /// `current` (`None`: not a member).
    pub fn for_current(current: Option<Role>, invited: Role) -> Self {
        match current {
            None => InviteGrant::Join(invited),
            Some(role) if role < invited => InviteGrant::Raise(invited),
            Some(role) => InviteGrant::Keep(role),
        }
    }

    /// The role the person has afterwards.
    pub fn role(self) -> Role {
        match self {
            InviteGrant::Join(role) | InviteGrant::Raise(role) | InviteGrant::Keep(role) => role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use uuid::Uuid;

    fn invite(terms: InviteTerms) -> Invite {
        Invite::new(
            InviteId::from_uuid(Uuid::now_v7()),
            LegacyId::from_uuid(Uuid::now_v7()),
            UserId::from_uuid(Uuid::now_v7()),
            terms,
            TokenHash::from_bytes([7; 32]),
            datetime!(2026-01-01 0:00 UTC),
        )
    }

    #[test]
    fn invites_grant_member_or_editor_only() {
        assert!(InviteTerms::new(Role::Member, 14, 1).is_ok());
        assert!(InviteTerms::new(Role::Editor, 14, 1).is_ok());
        assert_eq!(
            InviteTerms::new(Role::Creator, 14, 1),
            Err(InviteError::RoleNotInvitable)
        );
        assert_eq!(
            InviteTerms::new(Role::Pending, 14, 1),
            Err(InviteError::RoleNotInvitable)
        );
    }

    #[test]
    fn lifetime_and_uses_have_bounds() {
        assert_eq!(
            InviteTerms::new(Role::Member, 0, 1),
            Err(InviteError::Lifetime)
        );
        assert_eq!(
            InviteTerms::new(Role::Member, 91, 1),
            Err(InviteError::Lifetime)
        );
        assert!(InviteTerms::new(Role::Member, 90, 100).is_ok());
        assert_eq!(
            InviteTerms::new(Role::Member, 14, 0),
            Err(InviteError::Uses)
        );
        assert_eq!(
            InviteTerms::new(Role::Member, 14, 101),
            Err(InviteError::Uses)
        );
    }

    #[test]
    fn an_invite_works_until_it_expires_is_used_up_or_revoked() {
        let mut invite = invite(InviteTerms::new(Role::Member, 14, 2).unwrap());
        assert_eq!(invite.expires_at, datetime!(2026-01-15 0:00 UTC));
        assert_eq!(
            invite.state_at(datetime!(2026-01-14 23:59 UTC)),
            InviteState::Open
        );
        assert_eq!(
            invite.state_at(datetime!(2026-01-15 0:00 UTC)),
            InviteState::Expired
        );
        invite.uses = 2;
        assert_eq!(
            invite.state_at(datetime!(2026-01-02 0:00 UTC)),
            InviteState::UsedUp
        );
        invite.revoked_at = Some(datetime!(2026-01-02 0:00 UTC));
        assert_eq!(
            invite.state_at(datetime!(2026-01-20 0:00 UTC)),
            InviteState::Revoked
        );
    }

    #[test]
    fn accepting_never_lowers_a_role() {
        use InviteGrant::*;
        assert_eq!(
            InviteGrant::for_current(None, Role::Member),
            Join(Role::Member)
        );
        assert_eq!(
            InviteGrant::for_current(Some(Role::Pending), Role::Member),
            Raise(Role::Member)
        );
        assert_eq!(
            InviteGrant::for_current(Some(Role::Member), Role::Editor),
            Raise(Role::Editor)
        );
        assert_eq!(
            InviteGrant::for_current(Some(Role::Member), Role::Member),
            Keep(Role::Member)
        );
        assert_eq!(
            InviteGrant::for_current(Some(Role::Editor), Role::Member),
            Keep(Role::Editor)
        );
        assert_eq!(
            InviteGrant::for_current(Some(Role::Creator), Role::Editor),
            Keep(Role::Creator)
        );
    }
}
