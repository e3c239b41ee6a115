//! The error every repository port returns.

use thiserror::Error;

/// What can go wrong in a repository call. Adapters translate their
/// infrastructure errors into the business variants (a unique violation on
/// a membership becomes [`RepoError::AlreadyMember`]); only the unexpected
/// ends up in [`RepoError::Internal`].
#[derive(Debug, Error)]
pub enum RepoError {
    /// The record does not exist (or no longer exists).
    #[error("not found")]
    NotFound,
    /// The user already has a membership (of any role) in the legacy.
    #[error("already a member")]
    AlreadyMember,
    /// Another account already uses the e-mail address.
    #[error("e-mail address already in use")]
    EmailTaken,
    /// Another unique value already exists (an id, an identity link).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store cannot be reached (connection refused, pool timed out).
    #[error("storage unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// The store's disk is full: nothing more can be written until space
    /// is freed (reads still work).
    #[error("storage full")]
    Full(#[source] anyhow::Error),
    /// Anything else: a bug or a broken invariant in storage.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl RepoError {
    /// Wraps any error as [`RepoError::Internal`].
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(err.into())
    }
}
