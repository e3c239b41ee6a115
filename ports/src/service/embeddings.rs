//! Story embeddings for the AI companion: kept up to date by the
//! background job every story write enqueues, rebuilt by an operator, and
//! reported on.

use mosaic_domain::{StoryId, embedding_text};
use sha2::{Digest, Sha256};

use super::error::RepoResultExt;
use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::{JobCounts, LanguageModel, RepoError, StoryEmbedding};

/// What [`MosaicService::refresh_story_embedding`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddingRefresh {
    /// A new embedding was computed and stored.
    Computed,
    /// The stored embedding already matches the story's text and model.
    Unchanged,
    /// The story is gone, deleted or kept out of the companion: its
    /// embedding (if any) was removed.
    Removed,
    /// No embedding model is configured: nothing to do.
    Off,
}

/// What `mosaic-admin ai status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddingStatus {
    /// The embedding model, when configured.
    pub model: Option<String>,
    /// Live stories.
    pub stories: u64,
    /// Live stories embedded by the configured model.
    pub embedded: u64,
    /// The background queue.
    pub jobs: JobCounts,
}

/// What `mosaic-admin ai status` found at the configured endpoint.
#[derive(Debug)]
pub struct ModelCheck {
    /// The chat model's name.
    pub chat_model: String,
    /// Whether the endpoint answers and lists the chat model.
    pub chat: Result<(), crate::ModelError>,
    /// The embedding model's name and whether it embeds a test text, when
    /// one is configured.
    pub embedding: Option<(String, Result<usize, crate::ModelError>)>,
}

/// SHA-256 of the text an embedding is computed from.
pub(crate) fn content_hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Stories embedded per request to the model during a rebuild.
const REINDEX_BATCH: u32 = 32;

impl MosaicService {
    /// The embedding model, when the companion has one.
    pub(crate) fn embedding_model(&self) -> Option<(&dyn LanguageModel, String)> {
        let model = self.companion.as_ref()?.model.as_deref()?;
        let name = model.embedding_model_name().filter(|_| model.embeds())?;
        Some((model, name))
    }

    /// Brings one story's embedding up to date with the story as it is now
    /// (the job story writes enqueue): computed when its text changed or
    /// was never embedded by this model, removed when the story is gone,
    /// deleted or kept out of the companion. Idempotent, so a job that runs
    /// twice (a lease expired mid-run) does no harm.
    pub async fn refresh_story_embedding(&self, id: StoryId) -> ServiceResult<EmbeddingRefresh> {
        let Some((model, name)) = self.embedding_model() else {
            return Ok(EmbeddingRefresh::Off);
        };
        let embeddings = &self.companion()?.embeddings;
        let story = match self.ports.stories.get_story(id).await {
            Ok(view) => Some(view.story),
            Err(RepoError::NotFound) => None,
            Err(err) => return Err(ServiceError::from_repo(err, Resource::Story)),
        };
        let Some(story) = story.filter(|s| s.deleted_at.is_none() && !s.ai_excluded) else {
            embeddings
                .delete_embedding(id)
                .await
                .or_missing(Resource::Story)?;
            return Ok(EmbeddingRefresh::Removed);
        };
        let text = embedding_text(story.title.as_str(), story.content.as_str());
        let hash = content_hash(&text);
        let stored = embeddings
            .get_embedding(id)
            .await
            .or_missing(Resource::Story)?;
        if stored.is_some_and(|e| e.model == name && e.content_hash == hash) {
            return Ok(EmbeddingRefresh::Unchanged);
        }
        let vector = model
            .embed(&[text])
            .await
            .map_err(ServiceError::Model)?
            .pop()
            .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("no embedding returned")))?;
        let embedding = StoryEmbedding {
            story_id: id,
            model: name.to_owned(),
            content_hash: hash,
            vector,
            computed_at: self.now(),
        };
        match embeddings.put_embedding(&embedding).await {
            Ok(()) => Ok(EmbeddingRefresh::Computed),
            // Purged while the model was computing.
            Err(RepoError::NotFound) => Ok(EmbeddingRefresh::Removed),
            Err(err) => Err(ServiceError::from_repo(err, Resource::Story)),
        }
    }

    /// Recomputes the embedding of every live story that needs it (the
    /// operator's `mosaic-admin ai reindex`), batch by batch; `progress`
    /// gets (done, total). Returns how many were computed.
    pub async fn reindex_embeddings(
        &self,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> ServiceResult<u64> {
        let Some((model, name)) = self.embedding_model() else {
            return Err(ServiceError::CompanionOff);
        };
        let embeddings = &self.companion()?.embeddings;
        let (total, _) = embeddings
            .embedding_coverage(&name)
            .await
            .or_missing(Resource::Story)?;
        let (mut done, mut computed) = (0u64, 0u64);
        let mut after = None;
        progress(0, total);
        loop {
            let ids = embeddings
                .live_story_ids(after, REINDEX_BATCH)
                .await
                .or_missing(Resource::Story)?;
            let Some(last) = ids.last().copied() else {
                break;
            };
            after = Some(last);
            let mut todo = Vec::new();
            for id in ids {
                let story = match self.ports.stories.get_story(id).await {
                    Ok(view) => view.story,
                    Err(RepoError::NotFound) => continue,
                    Err(err) => return Err(ServiceError::from_repo(err, Resource::Story)),
                };
                if story.ai_excluded {
                    embeddings
                        .delete_embedding(id)
                        .await
                        .or_missing(Resource::Story)?;
                    continue;
                }
                let text = embedding_text(story.title.as_str(), story.content.as_str());
                let hash = content_hash(&text);
                let stored = embeddings
                    .get_embedding(id)
                    .await
                    .or_missing(Resource::Story)?;
                if !stored.is_some_and(|e| e.model == name && e.content_hash == hash) {
                    todo.push((id, text, hash));
                }
            }
            let batch = u64::try_from(todo.len()).unwrap_or(u64::MAX);
            if !todo.is_empty() {
                let texts: Vec<String> = todo.iter().map(|(_, text, _)| text.clone()).collect();
                let vectors = model.embed(&texts).await.map_err(ServiceError::Model)?;
                for ((id, _, hash), vector) in todo.into_iter().zip(vectors) {
                    let embedding = StoryEmbedding {
                        story_id: id,
                        model: name.to_owned(),
                        content_hash: hash,
                        vector,
                        computed_at: self.now(),
                    };
                    match embeddings.put_embedding(&embedding).await {
                        Ok(()) | Err(RepoError::NotFound) => {}
                        Err(err) => return Err(ServiceError::from_repo(err, Resource::Story)),
                    }
                }
            }
            computed += batch;
            done = (done + u64::from(REINDEX_BATCH)).min(total);
            progress(done, total);
        }
        progress(total, total);
        Ok(computed)
    }

    /// Checks the configured endpoint: that it answers for the chat model,
    /// and that the embedding model (if configured) embeds a test text
    /// (the vector's length is reported).
    pub async fn check_model(&self) -> ServiceResult<ModelCheck> {
        let (_, model) = self.model()?;
        let chat = model.check().await;
        let embedding = match self.embedding_model() {
            Some((model, name)) => {
                let probe = model
                    .embed(&["Mosaic Life status check".to_owned()])
                    .await
                    .and_then(|mut vectors| match vectors.pop() {
                        Some(vector) if !vector.is_empty() => Ok(vector.len()),
                        _ => Err(crate::ModelError::Protocol(anyhow::anyhow!(
                            "the embedding model returned no vector"
                        ))),
                    });
                Some((name, probe))
            }
            None => None,
        };
        Ok(ModelCheck {
            chat_model: model.model_name().to_owned(),
            chat,
            embedding,
        })
    }

    /// The embedding model, how many live stories it has embedded, and the
    /// background queue's counts.
    pub async fn embedding_status(&self) -> ServiceResult<EmbeddingStatus> {
        let companion = self.companion()?;
        let jobs = companion
            .jobs
            .job_counts()
            .await
            .or_missing(Resource::Story)?;
        let model = self.embedding_model().map(|(_, name)| name.to_owned());
        let (stories, embedded) = companion
            .embeddings
            .embedding_coverage(model.as_deref().unwrap_or(""))
            .await
            .or_missing(Resource::Story)?;
        Ok(EmbeddingStatus {
            model,
            stories,
            embedded,
            jobs,
        })
    }
}
