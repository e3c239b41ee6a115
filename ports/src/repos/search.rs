use async_trait::async_trait;
use mosaic_domain::{
    LegacyId, LegacyName, PersonName, SearchCursor, SearchPageRequest, SearchScope, Snippet,
    StoryId, StoryQuery, StoryTitle, UserId, Visibility,
};
use time::OffsetDateTime;

use crate::RepoError;

/// Narrowing a search further than what the reader may read. Every filter
/// only ever removes hits. Build it with `..SearchFilters::default()` so
/// that new filters do not break callers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    /// Only stories by this author.
    pub author: Option<UserId>,
    /// Only stories with this visibility.
    pub visibility: Option<Visibility>,
    /// Only stories written at or after this instant.
    pub created_from: Option<OffsetDateTime>,
    /// Only stories written before this instant.
    pub created_before: Option<OffsetDateTime>,
    /// Leave out the stories their authors keep away from the AI companion
    /// (the companion's retrieval sets it).
    pub companion_only: bool,
    // Filters that a use case adds later go here, and each adapter adds one
    // condition to its ranked query.
}

/// One story found, as the reader may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryHit {
    /// The story.
    pub story_id: StoryId,
    /// Its title.
    pub title: StoryTitle,
    /// The legacy it belongs to.
    pub legacy_id: LegacyId,
    /// That legacy's name.
    pub legacy_name: LegacyName,
    /// Who wrote it.
    pub author_id: UserId,
    /// The author's current display name.
    pub author_name: PersonName,
    /// Who may read it.
    pub visibility: Visibility,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// Its last edit.
    pub updated_at: OffsetDateTime,
    /// A piece of its text around the matches, with the matches marked.
    pub snippet: Snippet,
    /// Relevance; higher is better. Comparable only within one search.
    pub rank: f64,
}

impl StoryHit {
    /// Where the page that ends with this hit continues.
    pub fn cursor(&self) -> SearchCursor {
        SearchCursor {
            rank: self.rank,
            id: self.story_id.as_uuid(),
        }
    }
}

/// One page of hits, best first, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// The hits, by rank (higher first), then story id (higher first).
    pub hits: Vec<StoryHit>,
    /// Cursor for the next page; `None` on the last page.
    pub next: Option<SearchCursor>,
}

impl SearchResults {
    /// Builds a page from up to `page.fetch_limit()` hits in order.
    pub fn from_overfetch(mut hits: Vec<StoryHit>, page: SearchPageRequest) -> Self {
        let limit = page.limit() as usize;
        let has_more = hits.len() > limit;
        hits.truncate(limit);
        let next = if has_more {
            hits.last().map(StoryHit::cursor)
        } else {
            None
        };
        Self { hits, next }
    }
}

/// Full-text search over stories: the one search port. Both the search use
/// case and the AI companion's retrieval go through it, so what a reader
/// may find is decided in one place.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait StorySearch: Send + Sync {
    /// The stories that match `query`, that `scope` admits and that pass
    /// `filters`, best first.
    ///
    /// The contract:
    /// - The scope and the filters MUST be conditions of the query that
    ///   ranks and pages, never applied to a page afterwards: every page is
    ///   full when enough readable matches exist, and a story outside the
    ///   scope never contributes a hit, a snippet or a rank.
    /// - Deleted stories MUST NOT be found; a story is found by its current
    ///   title and content as soon as the transaction that wrote them has
    ///   committed (never by an earlier revision); a change of visibility
    ///   takes effect at once.
    /// - A match in the title MUST rank above a match only in the content,
    ///   other things being equal. Stemming, accents and case MUST NOT
    ///   prevent a match ("gardening" finds "garden", "jose" finds "José").
    /// - The query MUST be rendered into the engine's syntax from the
    ///   [`StoryQuery`] tree with the engine's quoting; its words are never
    ///   spliced into SQL.
    /// - Hits are ordered by `rank` descending, then story id descending,
    ///   and `page.cursor()` continues strictly after the given hit, so
    ///   paging a stable set of stories neither repeats nor skips one.
    /// - The snippet comes from the story's content; its highlights mark the
    ///   words that matched.
    async fn search_stories(
        &self,
        query: &StoryQuery,
        scope: SearchScope,
        filters: &SearchFilters,
        page: SearchPageRequest,
    ) -> Result<SearchResults, RepoError>;
}
