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

/// A legacy's name as its `name_folded` column keeps it for search, the
/// same way for both databases: accents removed, lower case (all of
/// Unicode, not only ASCII as SQLite's `LIKE`), words one space apart
/// ([`mosaic_domain::fold_name`]).
pub fn fold_name(name: &str) -> String {
    mosaic_domain::fold_name(name)
}

/// The `LIKE` patterns of a legacy-name search over `name_folded`: groups
/// of alternatives that must each match, and patterns that must not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePatterns {
    /// One pattern every match has (the longest single-term group, or `%`),
    /// so that Postgres can use its trigram index on `name_folded`.
    pub anchor: String,
    /// Every group must have a pattern the name is `LIKE`.
    pub groups: Vec<Vec<String>>,
    /// The name must be `LIKE` none of these.
    pub excluded: Vec<String>,
}

/// The patterns of a legacy-name search ([`SearchQuery::folded_terms`]):
/// each term is found anywhere in the folded name, with `%`, `_` and the
/// escape character `\` taken literally (statements say `ESCAPE '\'`).
pub fn name_patterns(query: &SearchQuery) -> NamePatterns {
    let (groups, excluded) = query.folded_terms();
    let groups: Vec<Vec<String>> = groups
        .iter()
        .map(|group| group.iter().map(|term| contains(term)).collect())
        .collect();
    let anchor = groups
        .iter()
        .filter(|group| group.len() == 1)
        .map(|group| group[0].clone())
        .max_by_key(|pattern| pattern.chars().count())
        .unwrap_or_else(|| "%".to_owned());
    NamePatterns {
        anchor,
        groups,
        excluded: excluded.iter().map(|term| contains(term)).collect(),
    }
}

fn contains(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
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
    fn name_search_terms_become_contains_patterns() {
        let query = SearchQuery::new(r#"Élise OR Ann "van der" -Müller 50%"#).unwrap();
        let patterns = name_patterns(&query);
        assert_eq!(
            patterns.groups,
            [vec!["%elise%", "%ann%"], vec!["%van der%"], vec!["%50%"]]
        );
        assert_eq!(patterns.excluded, ["%muller%"]);
        assert_eq!(patterns.anchor, "%van der%");
        let only_or = name_patterns(&SearchQuery::new("ann OR bob").unwrap());
        assert_eq!(only_or.anchor, "%");
        assert_eq!(contains(r"a%_\b"), r"%a\%\_\\b%");
        assert_eq!(fold_name("  Jean-Paul  MÜLLER "), "jean paul muller");
    }

    #[test]
    fn first_page_bound_is_above_any_cursor() {
        let (at, id) = keyset_bound(&PageRequest::first());
        assert_eq!(id, Uuid::max());
        assert!(at.0 > time::OffsetDateTime::now_utc());
    }
}
