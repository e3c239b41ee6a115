use async_trait::async_trait;

use crate::RepoError;

/// Whether the store can serve requests right now; the readiness check asks.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StoreHealth: Send + Sync {
    /// Runs a trivial query against the database itself (not only the pool).
    /// MUST return [`RepoError::Unavailable`] when the database cannot be
    /// reached in time.
    async fn ping(&self) -> Result<(), RepoError>;
}
