//! Rebuilding the story-search index, for `mosaic-admin search reindex`.
//! Each adapter implements it with its own statements: the index is a
//! Postgres text search configuration plus a generated column, or an FTS5
//! table, and the two share nothing but this contract.

use async_trait::async_trait;
use mosaic_domain::SearchLanguage;
use mosaic_ports::RepoError;

/// Stories per batch while rebuilding (one progress step each).
pub const REINDEX_BATCH: i64 = 1_000;

/// The search index of a store.
#[async_trait]
pub trait SearchIndex: Send + Sync {
    /// The language the index is built in now (`simple` when it stems
    /// nothing).
    async fn search_language(&self) -> Result<SearchLanguage, RepoError>;

    /// Rebuilds the index of every live story for `language`, in one
    /// transaction (searches see the old index until it commits), calling
    /// `progress(done, total)` after each batch of stories. Returns the
    /// language the index is now in (SQLite stems English only: any other
    /// language becomes `simple` there) and how many stories were indexed.
    async fn rebuild_search_index(
        &self,
        language: SearchLanguage,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(SearchLanguage, u64), RepoError>;
}
