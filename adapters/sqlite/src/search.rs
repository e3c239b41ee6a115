//! Story search on SQLite: a parsed query rendered as an FTS5 `MATCH`
//! expression.
//!
//! Every word or phrase is a double-quoted FTS5 string with `"` doubled, so
//! FTS5 reads no operator (`AND`, `NEAR(`, `*`, `:`, `^`, column filters) in
//! it whatever it holds (the domain already admits only letters, digits and
//! marks; the quoting does not rely on it). FTS5 then tokenizes the string
//! with the table's tokenizer: Porter stemming, diacritics removed. The word
//! being typed is also looked up as a prefix in `stories_prefix`, whose
//! tokenizer removes diacritics but does not stem (Porter would stem the
//! query's prefix too: "bicy" becomes "bici", which starts no word).

use mosaic_domain::{SearchLanguage, SearchTerm, StoryQuery};
use mosaic_ports::RepoError;
use mosaic_sql_common::__private::async_trait::async_trait;
use mosaic_sql_common::{REINDEX_BATCH, RenderedSearch, SearchIndex, read_error};

use crate::SqliteStore;

/// The tokenizer of `stories_prefix`, the same in every language: no
/// stemming, case and diacritics folded.
const PREFIX_TOKENIZER: &str = "unicode61 remove_diacritics 2";

/// The FTS5 tokenizer for a language: Porter stemming exists for English
/// only; every language folds case and removes diacritics.
fn tokenizer(language: SearchLanguage) -> (&'static str, SearchLanguage) {
    if language == SearchLanguage::ENGLISH {
        (
            "porter unicode61 remove_diacritics 2",
            SearchLanguage::ENGLISH,
        )
    } else {
        ("unicode61 remove_diacritics 2", SearchLanguage::SIMPLE)
    }
}

#[async_trait]
impl SearchIndex for SqliteStore {
    async fn search_language(&self) -> Result<SearchLanguage, RepoError> {
        let sql: String = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'stories_fts'",
        )
        .fetch_one(self.pool())
        .await
        .map_err(read_error)?;
        Ok(if sql.contains("porter") {
            SearchLanguage::ENGLISH
        } else {
            SearchLanguage::SIMPLE
        })
    }

    async fn rebuild_search_index(
        &self,
        language: SearchLanguage,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(SearchLanguage, u64), RepoError> {
        let (tokenize, built) = tokenizer(language);
        let mut tx = self.begin_write().await.map_err(read_error)?;
        // The triggers name stories_fts and stories_prefix and find the
        // new tables.
        sqlx::query("DROP TABLE stories_fts; DROP TABLE stories_prefix")
            .execute(&mut *tx)
            .await
            .map_err(read_error)?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE VIRTUAL TABLE stories_fts USING fts5(title, content, \
             content = 'stories', content_rowid = 'rowid', tokenize = '{tokenize}'); \
             CREATE VIRTUAL TABLE stories_prefix USING fts5(title, content, \
             content = 'stories', content_rowid = 'rowid', \
             tokenize = '{PREFIX_TOKENIZER}', prefix = '2 3')"
        )))
        .execute(&mut *tx)
        .await
        .map_err(read_error)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM stories WHERE deleted_at IS NULL")
                .fetch_one(&mut *tx)
                .await
                .map_err(read_error)?;
        let total = u64::try_from(total).unwrap_or_default();
        let mut after = 0i64;
        let mut done = 0u64;
        loop {
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(rowid) FROM (SELECT rowid FROM stories \
                 WHERE deleted_at IS NULL AND rowid > ?1 ORDER BY rowid LIMIT ?2)",
            )
            .bind(after)
            .bind(REINDEX_BATCH)
            .fetch_one(&mut *tx)
            .await
            .map_err(read_error)?;
            let Some(last) = last else { break };
            let inserted = sqlx::query(
                "INSERT INTO stories_fts (rowid, title, content) SELECT rowid, title, content \
                 FROM stories WHERE deleted_at IS NULL AND rowid > ?1 AND rowid <= ?2",
            )
            .bind(after)
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(read_error)?;
            sqlx::query(
                "INSERT INTO stories_prefix (rowid, title, content) SELECT rowid, title, content \
                 FROM stories WHERE deleted_at IS NULL AND rowid > ?1 AND rowid <= ?2",
            )
            .bind(after)
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(read_error)?;
            after = last;
            done += inserted.rows_affected();
            progress(done, total);
        }
        tx.commit().await.map_err(read_error)?;
        Ok((built, done))
    }
}

/// The FTS5 expressions of a parsed search: groups joined with `AND`, the
/// alternatives of a group with `OR`, exclusions after `NOT`. `words` and
/// the stemmed parts are for `stories_fts`, the prefix for `stories_prefix`
/// (diacritics and case folded, no stemming).
pub(crate) fn render_match(query: &StoryQuery) -> RenderedSearch {
    let excluded = (!query.none_of().is_empty()).then(|| alternatives(query.none_of()));
    let mut words = all_of(query.all_of());
    if let Some(excluded) = &excluded {
        words = format!("({words}) NOT {excluded}");
    }
    let prefix = query.prefix().map(|word| format!("{}*", string(word)));
    let beside = query.groups_beside_prefix();
    let beside = (prefix.is_some() && !beside.is_empty()).then(|| all_of(beside));
    RenderedSearch {
        excluded: excluded.filter(|_| prefix.is_some()),
        words,
        prefix,
        beside,
    }
}

fn all_of(groups: &[Vec<SearchTerm>]) -> String {
    let required: Vec<String> = groups.iter().map(|g| alternatives(g)).collect();
    required.join(" AND ")
}

fn alternatives(terms: &[SearchTerm]) -> String {
    let rendered: Vec<String> = terms.iter().map(term).collect();
    format!("({})", rendered.join(" OR "))
}

/// A term for the stemmed index: a prefix is read as a whole word there.
fn term(term: &SearchTerm) -> String {
    match term {
        SearchTerm::Word(word) | SearchTerm::Prefix(word) => string(word),
        SearchTerm::Phrase(words) => string(&words.join(" ")),
    }
}

fn string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(input: &str) -> RenderedSearch {
        render_match(&StoryQuery::parse(input).unwrap())
    }

    #[test]
    fn every_part_of_the_language_renders() {
        let rendered = render("rose garden");
        assert_eq!(rendered.words, r#"("rose") AND ("garden")"#);
        assert_eq!(rendered.prefix.as_deref(), Some(r#""garden"*"#));
        assert_eq!(rendered.beside.as_deref(), Some(r#"("rose")"#));
        assert_eq!(rendered.excluded, None);
        let rendered = render(r#""old house" rose OR tulip -weeds -"weed killer" "#);
        assert_eq!(
            rendered.words,
            r#"(("old house") AND ("rose" OR "tulip")) NOT ("weeds" OR "weed killer")"#
        );
        assert_eq!(
            (rendered.prefix, rendered.beside, rendered.excluded),
            (None, None, None)
        );
        let rendered = render("-weeds rose OR bicy");
        assert_eq!(rendered.words, r#"(("rose" OR "bicy")) NOT ("weeds")"#);
        assert_eq!(rendered.prefix.as_deref(), Some(r#""bicy"*"#));
        assert_eq!(rendered.beside, None);
        assert_eq!(rendered.excluded.as_deref(), Some(r#"("weeds")"#));
    }

    #[test]
    fn injection_looking_input_stays_inside_quoted_strings() {
        let rendered = render(r#"NEAR(a b) title:x"#);
        assert_eq!(rendered.words, r#"("near a") AND ("b") AND ("title x")"#);
        assert_eq!(
            render("x* b*").prefix.as_deref(),
            None,
            "one letter is no prefix"
        );
        assert_eq!(string(r#"say "hi""#), r#""say ""hi""""#);
    }
}
