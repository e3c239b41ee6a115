//! Retrieval for the AI companion: the candidate stories for a question,
//! through the one story-search port (the same scope rule as every search,
//! plus the companion's filter), never through a second permission path.

use mosaic_domain::{
    LegacyAccess, PageRequest, Question, SearchPageRequest, SearchScope, Story, retrieval_query,
};

use super::error::RepoResultExt;
use super::{MosaicService, Resource, ServiceResult};
use crate::{RepoError, SearchFilters};

impl MosaicService {
    /// Up to `limit` stories that may inform an answer to `question` for
    /// this asker, best first: the search port's hits in the legacy, within
    /// the asker's read scope, leaving out stories kept away from the
    /// companion. A question without searchable words gets the newest
    /// readable stories instead. The caller still passes every story
    /// through the domain's `Passages::select`.
    pub(crate) async fn retrieve(
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
}
