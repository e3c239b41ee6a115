//! Retrieval for the AI companion: the candidate stories for a question,
//! through the one story-search port (the same scope rule as every search,
//! plus the companion's filter), never through a second permission path.
//! With an embedding model, the stories nearest the question — from the
//! embeddings port, restricted in its query by the same read scope and
//! opt-out — are fused with the full-text ranking (reciprocal rank fusion).

use std::collections::HashMap;

use mosaic_domain::{
    LegacyAccess, PageRequest, Question, RRF_K, SearchPageRequest, SearchScope, Story, StoryId,
    reciprocal_rank_fusion, retrieval_query,
};

use super::error::RepoResultExt;
use super::{MosaicService, Resource, ServiceResult};
use crate::{RepoError, SearchFilters};

impl MosaicService {
    /// Up to `limit` stories that may inform an answer to `question` for
    /// this asker, best first: the search port's hits in the legacy, within
    /// the asker's read scope, leaving out stories kept away from the
    /// companion. A question without searchable words gets the newest
    /// readable stories instead. With an embedding model, the nearest
    /// stories in the same scope are fused in. The caller still passes
    /// every story through the domain's `Passages::select`.
    pub(crate) async fn retrieve(
        &self,
        access: &LegacyAccess,
        question: &Question,
        limit: usize,
    ) -> ServiceResult<Vec<Story>> {
        let text = self.retrieve_text(access, question, limit).await?;
        let near = self.retrieve_near(access, question, limit).await?;
        if near.is_empty() {
            return Ok(text);
        }
        let text_ids: Vec<StoryId> = text.iter().map(|s| s.id).collect();
        let mut fused = reciprocal_rank_fusion(&[&text_ids, &near], RRF_K);
        fused.truncate(limit);
        let mut known: HashMap<StoryId, Story> = text.into_iter().map(|s| (s.id, s)).collect();
        let mut stories = Vec::with_capacity(fused.len());
        for id in fused {
            if let Some(story) = known.remove(&id) {
                stories.push(story);
                continue;
            }
            match self.ports.stories.get_story(id).await {
                Ok(view) => stories.push(view.story),
                Err(RepoError::NotFound) => {}
                Err(err) => return Err(super::ServiceError::from_repo(err, Resource::Story)),
            }
        }
        Ok(stories)
    }

    /// The full-text ranking (or the newest stories).
    async fn retrieve_text(
        &self,
        access: &LegacyAccess,
        question: &Question,
        limit: usize,
    ) -> ServiceResult<Vec<Story>> {
        let wanted = u32::try_from(limit).unwrap_or(u32::MAX);
        let Some(query) = retrieval_query(question) else {
            let page = PageRequest::new(None, Some(wanted.clamp(1, PageRequest::MAX_LIMIT)))?;
            let newest = self
                .ports
                .stories
                .list_stories(access.legacy_id(), access.read_scope(), page)
                .await
                .or_missing(Resource::Legacy)?;
            return Ok(newest.items.into_iter().map(|view| view.story).collect());
        };
        let filters = SearchFilters {
            companion_only: true,
            ..SearchFilters::default()
        };
        let hits = self
            .ports
            .search
            .search_stories(
                &query,
                SearchScope::legacy(access),
                &filters,
                SearchPageRequest::first().with_limit(wanted),
            )
            .await
            .or_missing(Resource::Legacy)?;
        let mut stories = Vec::with_capacity(hits.hits.len());
        for hit in hits.hits {
            match self.ports.stories.get_story(hit.story_id).await {
                Ok(view) => stories.push(view.story),
                // Deleted for good between the search and now.
                Err(RepoError::NotFound) => {}
                Err(err) => return Err(super::ServiceError::from_repo(err, Resource::Story)),
            }
        }
        Ok(stories)
    }

    /// The stories nearest the question by embedding, in the asker's read
    /// scope (applied by the embeddings port in its query); empty without
    /// an embedding model. A model that cannot embed the question now
    /// leaves full-text ranking alone rather than failing the question.
    async fn retrieve_near(
        &self,
        access: &LegacyAccess,
        question: &Question,
        limit: usize,
    ) -> ServiceResult<Vec<StoryId>> {
        let Some((model, name)) = self.embedding_model() else {
            return Ok(Vec::new());
        };
        let embeddings = &self.companion()?.embeddings;
        let vector = match model.embed(&[question.as_str().to_owned()]).await {
            Ok(mut vectors) if vectors.len() == 1 => vectors.remove(0),
            Ok(_) => return Ok(Vec::new()),
            Err(err) => {
                tracing::warn!(error = %err, "the question could not be embedded; full-text ranking alone");
                return Ok(Vec::new());
            }
        };
        let near = embeddings
            .nearest_stories(
                access.legacy_id(),
                access.read_scope(),
                &name,
                &vector,
                limit,
            )
            .await
            .or_missing(Resource::Legacy)?;
        Ok(near.into_iter().map(|n| n.story_id).collect())
    }
}
