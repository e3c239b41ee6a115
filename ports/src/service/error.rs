//! What a use case can answer instead of a result.

use mosaic_domain::{AccessError, JoinError, MembershipError, ValidationError};
use thiserror::Error;

use crate::{ModelError, RepoError, StorageError};

/// The kinds of thing a caller can fail to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A user.
    User,
    /// A legacy.
    Legacy,
    /// A membership.
    Member,
    /// A story.
    Story,
    /// An earlier version of a story.
    Revision,
    /// A media item.
    Media,
    /// A session.
    Session,
    /// A conversation with the AI companion.
    Conversation,
    /// An invite link.
    Invite,
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Resource::User => "user",
            Resource::Legacy => "legacy",
            Resource::Member => "member",
            Resource::Story => "story",
            Resource::Revision => "revision",
            Resource::Media => "media item",
            Resource::Session => "session",
            Resource::Conversation => "conversation",
            Resource::Invite => "invite",
        })
    }
}

/// Why a use case did not happen. Business outcomes come first; the shells
/// map each variant to one HTTP status or CLI exit code in one place.
///
/// One enum serves every use case (rather than one per use case, as
/// `STYLE.md` suggests) because the use cases share almost all variants and
/// both shells would otherwise repeat the same mapping thirty times; the
/// variants carry the specific reason (`MembershipError`, `ValidationError`)
/// so no information is lost. Adding a variant still makes the compiler show
/// every `match` that must decide about it.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// Missing — or hidden from this caller, which must look the same.
    #[error("{0} not found")]
    NotFound(Resource),
    /// The caller must sign in first.
    #[error("you need to sign in to do this")]
    Unauthenticated,
    /// The caller may see the thing but not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Input that breaks a validation rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A membership change the lifecycle rules refuse.
    #[error(transparent)]
    Membership(#[from] MembershipError),
    /// The request conflicts with the current state (a taken e-mail, a story
    /// that is not deleted being restored, …).
    #[error("{0}")]
    Conflict(String),
    /// The user's media quota would be exceeded.
    #[error(
        "this upload would exceed your storage quota of {quota_bytes} bytes ({used_bytes} used)"
    )]
    QuotaExceeded {
        /// The quota.
        quota_bytes: u64,
        /// Bytes already used.
        used_bytes: u64,
    },
    /// No AI model is configured on this server.
    #[error("the AI companion is not available on this server")]
    CompanionOff,
    /// The caller asked the companion as many questions as a day allows.
    #[error(
        "you have asked the AI companion {per_day} questions in the last day, the most a day \
         allows; please try again later"
    )]
    AiQuotaExceeded {
        /// Questions per day.
        per_day: u32,
        /// Until the quota starts afresh.
        retry_after: time::Duration,
    },
    /// The AI model failed (unreachable, too slow, or answered an error).
    #[error(transparent)]
    Model(ModelError),
    /// An archive whose records do not fit together.
    #[error("the archive cannot be imported: {0}")]
    InvalidArchive(#[from] mosaic_domain::ArchiveContentError),
    /// An invite link that no longer works (expired, used up or revoked).
    #[error("{}", invite_closed_message(*.0))]
    InviteClosed(mosaic_domain::InviteState),
    /// The database or object storage cannot be reached.
    #[error("a storage service is unavailable; please try again shortly")]
    Unavailable(#[source] anyhow::Error),
    /// The database's disk is full: writes fail until an operator frees
    /// space; reads still work.
    #[error("the server's storage is full; nothing can be saved until space is freed")]
    StorageFull(#[source] anyhow::Error),
    /// A bug or broken invariant. Logged in full, shown as a generic message.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ServiceError {
    /// Turns a repository error into a service error, naming what was not
    /// found when the repository says "not found".
    pub(crate) fn from_repo(err: RepoError, missing: Resource) -> Self {
        match err {
            RepoError::NotFound => Self::NotFound(missing),
            RepoError::AlreadyMember => Self::Membership(MembershipError::AlreadyMember),
            RepoError::EmailTaken => {
                Self::Conflict("this e-mail address is already used by another account".into())
            }
            RepoError::Conflict(what) => Self::Conflict(what),
            RepoError::Unavailable(source) => Self::Unavailable(source),
            RepoError::Full(source) => Self::StorageFull(source),
            RepoError::Internal(source) => Self::Internal(source),
        }
    }

    /// Turns an access-rule refusal into a service error; `Hidden` becomes
    /// "not found" for the given resource.
    pub(crate) fn from_access(err: AccessError, hidden: Resource) -> Self {
        match err {
            AccessError::Unauthenticated => Self::Unauthenticated,
            AccessError::Hidden => Self::NotFound(hidden),
            AccessError::Forbidden(why) => Self::Forbidden(why),
        }
    }
}

impl From<JoinError> for ServiceError {
    fn from(err: JoinError) -> Self {
        match err {
            JoinError::Access(access) => Self::from_access(access, Resource::Legacy),
            JoinError::Membership(membership) => Self::Membership(membership),
        }
    }
}

impl From<StorageError> for ServiceError {
    fn from(err: StorageError) -> Self {
        match err {
            StorageError::NotFound => Self::NotFound(Resource::Media),
            StorageError::Unavailable(source) => Self::Unavailable(source),
            StorageError::Internal(source) => Self::Internal(source),
        }
    }
}

fn invite_closed_message(state: mosaic_domain::InviteState) -> &'static str {
    use mosaic_domain::InviteState;
    match state {
        InviteState::Expired => "this invite has expired; ask the person who sent it for a new one",
        InviteState::UsedUp => {
            "this invite has been used as many times as it allows; ask the person who sent it for a new one"
        }
        InviteState::Revoked => {
            "this invite was withdrawn; ask the person who sent it for a new one"
        }
        InviteState::Open => "this invite works",
    }
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Shorthand for mapping repository errors with the resource they concern.
pub(crate) trait RepoResultExt<T> {
    fn or_missing(self, missing: Resource) -> ServiceResult<T>;
}

impl<T> RepoResultExt<T> for Result<T, RepoError> {
    fn or_missing(self, missing: Resource) -> ServiceResult<T> {
        self.map_err(|err| ServiceError::from_repo(err, missing))
    }
}
