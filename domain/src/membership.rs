//! Roles and memberships: who belongs to a legacy, and how far they may go.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;
use time::OffsetDateTime;

use crate::{LegacyId, UserId};

/// A member's role in one legacy. The order is the hierarchy:
/// `Creator > Editor > Member > Pending`, so `role >= Role::Editor` reads as
/// "editor or above".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Asked to join; reads only public stories until approved.
    Pending,
    /// Reads the family's private stories.
    Member,
    /// Also writes stories and edits the legacy's details.
    Editor,
    /// Also manages members and may delete the legacy. Exactly one per legacy.
    Creator,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 4] = [Role::Pending, Role::Member, Role::Editor, Role::Creator];

    /// Approved members (everyone but [`Role::Pending`]).
    pub fn is_active(self) -> bool {
        self != Role::Pending
    }

    /// The lower-case name used in storage and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pending => "pending",
            Role::Member => "member",
            Role::Editor => "editor",
            Role::Creator => "creator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of `pending`, `member`, `editor`, `creator`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown role '{0}'")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// One person's place in one legacy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The legacy.
    pub legacy_id: LegacyId,
    /// The person.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// When they asked to join (or created the legacy).
    pub joined_at: OffsetDateTime,
}

/// Why a membership change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MembershipError {
    /// The person already belongs to the legacy or has asked to join.
    #[error("you are already a member of this legacy or your request is pending")]
    AlreadyMember,
    /// Approve or reject was asked for someone who is not waiting.
    #[error("this person has no pending request to join")]
    NotPending,
    /// The creator cannot be removed, demoted or leave; only a transfer moves
    /// the creator role.
    #[error("the creator cannot be removed or demoted; transfer the legacy first")]
    CreatorIsFixed,
    /// Promote, demote or transfer to someone who is not an approved member.
    #[error("this person is not an approved member of the legacy")]
    NotActiveMember,
    /// A role change to `creator` or `pending`, which only a transfer or a
    /// join request produce.
    #[error("a member's role can only be changed to member or editor")]
    RoleNotAssignable,
    /// Leave or transfer to oneself, or manage one's own membership as creator.
    #[error("this change cannot be made to your own membership")]
    OwnMembership,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_hierarchy_is_creator_over_editor_over_member_over_pending() {
        assert!(Role::Creator > Role::Editor);
        assert!(Role::Editor > Role::Member);
        assert!(Role::Member > Role::Pending);
    }

    #[test]
    fn only_pending_is_not_an_active_member() {
        let active: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_active()).collect();
        assert_eq!(active, [Role::Member, Role::Editor, Role::Creator]);
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
