use async_trait::async_trait;
use mosaic_domain::{LegacyId, ReadScope, StoryId};
use time::OffsetDateTime;

use crate::RepoError;

/// A story's embedding as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryEmbedding {
    /// The story.
    pub story_id: StoryId,
    /// The embedding model that computed it.
    pub model: String,
    /// SHA-256 of the text it was computed from (see
    /// [`embedding_text`](mosaic_domain::embedding_text)), so an unchanged
    /// story is not embedded again.
    pub content_hash: [u8; 32],
    /// The vector (stored as little-endian `f32`s).
    pub vector: Vec<f32>,
    /// When it was computed.
    pub computed_at: OffsetDateTime,
}

/// A story close to a question, with its cosine similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearStory {
    /// The story.
    pub story_id: StoryId,
    /// Cosine similarity to the question, in [-1, 1].
    pub similarity: f32,
}

/// Stored story embeddings for the AI companion's semantic retrieval.
///
/// Contract:
/// - One embedding per story (a new one replaces the old); it goes when
///   the story is deleted for good or its legacy is.
/// - [`Self::nearest_stories`] applies the same [`ReadScope`] rule as the
///   story list and the search port, **in the query**: a story outside the
///   scope, deleted, or kept out of the AI companion MUST NOT be returned
///   whatever its similarity; nor one embedded by another model.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StoryEmbeddings: Send + Sync {
    /// The story's embedding, if it has one.
    async fn get_embedding(&self, story: StoryId) -> Result<Option<StoryEmbedding>, RepoError>;

    /// Stores (or replaces) an embedding. MUST return `NotFound` when the
    /// story does not exist.
    async fn put_embedding(&self, embedding: &StoryEmbedding) -> Result<(), RepoError>;

    /// Removes the story's embedding; whether there was one.
    async fn delete_embedding(&self, story: StoryId) -> Result<bool, RepoError>;

    /// Up to `limit` stories of `legacy` admitted by `scope` and open to the
    /// companion, embedded by `model`, most similar to `query` first (ties
    /// by story id).
    async fn nearest_stories(
        &self,
        legacy: LegacyId,
        scope: ReadScope,
        model: &str,
        query: &[f32],
        limit: usize,
    ) -> Result<Vec<NearStory>, RepoError>;

    /// Ids of live (not deleted) stories after `after` in id order, at most
    /// `limit` (for rebuilding every embedding).
    async fn live_story_ids(
        &self,
        after: Option<StoryId>,
        limit: u32,
    ) -> Result<Vec<StoryId>, RepoError>;

    /// Live stories, and how many of them have an embedding by `model`.
    async fn embedding_coverage(&self, model: &str) -> Result<(u64, u64), RepoError>;
}
