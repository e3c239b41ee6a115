use mosaic_domain::{LegacyId, SearchPageRequest, SearchScope, StoryQuery, UserId};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::service::error::RepoResultExt;
use crate::{SearchFilters, SearchResults};

impl MosaicService {
    /// Stories matching `query` that the caller may read, best first: in one
    /// legacy (`Some`: anyone, a visitor finds its public stories), or in
    /// every legacy the caller is an approved member of, with their own
    /// personal stories (`None`: signed-in callers only).
    pub async fn search_stories(
        &self,
        caller: Option<UserId>,
        legacy: Option<LegacyId>,
        query: &StoryQuery,
        filters: &SearchFilters,
        page: SearchPageRequest,
    ) -> ServiceResult<SearchResults> {
        let scope = self.search_scope(caller, legacy).await?;
        self.ports
            .search
            .search_stories(query, scope, filters, page)
            .await
            .or_missing(Resource::Legacy)
    }

    /// What `caller` may find, in one legacy or across theirs. Every use
    /// case that searches (the AI companion's retrieval too) starts here.
    pub(crate) async fn search_scope(
        &self,
        caller: Option<UserId>,
        legacy: Option<LegacyId>,
    ) -> ServiceResult<SearchScope> {
        match (legacy, caller) {
            (Some(legacy), caller) => {
                let access = self.access_to_existing(caller, legacy).await?;
                Ok(SearchScope::legacy(&access))
            }
            (None, Some(reader)) => Ok(SearchScope::my_legacies(reader)),
            (None, None) => Err(ServiceError::Unauthenticated),
        }
    }
}
