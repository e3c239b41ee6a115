//! Keyset pagination and search patterns, the same for both dialects.

use mosaic_domain::{
    Cursor, Legacy, MediaRecord, PageRequest, SearchPageRequest, SearchQuery, Story, User,
};
use mosaic_ports::RepoError;
use time::macros::datetime;
use uuid::Uuid;

use crate::Timestamp;

/// The `(created_at, id)` a page's rows must be below. The first page has no
/// cursor; it gets a bound above every real row, so that one SQL statement
/// (and one index range scan) serves every page.
pub fn keyset_bound(page: &PageRequest) -> (Timestamp, Uuid) {
    match page.cursor() {
        Some(cursor) => (Timestamp(cursor.created_at), cursor.id),
        None => (
            Timestamp(datetime!(9999-12-31 23:59:59.999999 UTC)),
            Uuid::max(),
        ),
    }
}

/// The `(rank, id)` a page of search hits must be below; the first page
/// gets a bound above every real hit.
pub fn search_bound(page: &SearchPageRequest) -> (f64, Uuid) {
    match page.cursor() {
        Some(cursor) => (cursor.rank, cursor.id),
        None => (f64::MAX, Uuid::max()),
    }
}

/// The SQL `LIMIT`: one row more than the page, see `Page::from_overfetch`.
pub fn fetch_limit(page: &PageRequest) -> i64 {
    i64::from(page.fetch_limit())
}

/// Text lower-cased for case-insensitive search, the same way for both
/// databases (Unicode lower case, not only ASCII as SQLite's `LIKE`).
pub fn fold_case(text: &str) -> String {
    text.to_lowercase()
}

/// A `LIKE` pattern matching case-folded names ([`fold_case`]) that contain
/// `query`, with `%`, `_` and the escape character `\` in the query taken
/// literally (statements say `ESCAPE '\'`).
pub fn contains_pattern(query: &SearchQuery) -> String {
    let mut pattern = String::with_capacity(query.as_str().len() + 2);
    pattern.push('%');
    for c in fold_case(query.as_str()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Where a page of users continues.
pub fn cursor_of_user(user: &User) -> Cursor {
    Cursor {
        created_at: user.created_at,
        id: user.id.as_uuid(),
    }
}

/// Where a page of legacies continues.
pub fn cursor_of_legacy(legacy: &Legacy) -> Cursor {
    Cursor {
        created_at: legacy.created_at,
        id: legacy.id.as_uuid(),
    }
}

/// Where a page of stories continues.
pub fn cursor_of_story(story: &Story) -> Cursor {
    Cursor {
        created_at: story.created_at,
        id: story.id.as_uuid(),
    }
}

/// Where a page of media continues.
pub fn cursor_of_media(media: &MediaRecord) -> Cursor {
    Cursor {
        created_at: media.created_at,
        id: media.id.as_uuid(),
    }
}

/// Converts every row into its domain value, failing on the first invalid one.
pub fn convert_rows<R, T>(
    rows: Vec<R>,
    into_domain: impl Fn(R) -> Result<T, RepoError>,
) -> Result<Vec<T>, RepoError> {
    rows.into_iter().map(into_domain).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_in_a_search_are_literal() {
        let query = SearchQuery::new(r"50%_A\b").unwrap();
        assert_eq!(contains_pattern(&query), r"%50\%\_a\\b%");
        let query = SearchQuery::new("ÉLISE").unwrap();
        assert_eq!(contains_pattern(&query), "%élise%");
    }

    #[test]
    fn first_page_bound_is_above_any_cursor() {
        let (at, id) = keyset_bound(&PageRequest::first());
        assert_eq!(id, Uuid::max());
        assert!(at.0 > time::OffsetDateTime::now_utc());
    }
}
