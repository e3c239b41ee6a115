//! Story search on SQLite: a parsed query rendered as an FTS5 `MATCH`
//! expression.
//!
//! Every word or phrase is a double-quoted FTS5 string with `"` doubled, so
//! FTS5 reads no operator (`AND`, `NEAR(`, `*`, `:`, `^`, column filters) in
//! it whatever it holds (the domain already admits only letters, digits and
//! marks; the quoting does not rely on it). FTS5 then tokenizes the string
//! with the table's tokenizer: Porter stemming, diacritics removed.

use mosaic_domain::{SearchLanguage, SearchTerm, StoryQuery};
use mosaic_ports::RepoError;
use mosaic_sql_common::__private::async_trait::async_trait;
use mosaic_sql_common::{REINDEX_BATCH, SearchIndex, read_error};

use crate::SqliteStore;

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
        // The triggers name stories_fts and find the new table.
        sqlx::query("DROP TABLE stories_fts")
            .execute(&mut *tx)
            .await
            .map_err(read_error)?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE VIRTUAL TABLE stories_fts USING fts5(title, content, \
             content = 'stories', content_rowid = 'rowid', tokenize = '{tokenize}')"
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
            after = last;
            done += inserted.rows_affected();
            progress(done, total);
        }
        tx.commit().await.map_err(read_error)?;
        Ok((built, done))
    }
}

/// The FTS5 expression of a parsed search: groups joined with `AND`, the
/// alternatives of a group with `OR`, exclusions after `NOT`.
pub(crate) fn render_match(query: &StoryQuery) -> String {
    let required: Vec<String> = query.all_of().iter().map(|g| alternatives(g)).collect();
    let mut expression = required.join(" AND ");
    if !query.none_of().is_empty() {
        expression = format!("({expression}) NOT {}", alternatives(query.none_of()));
    }
    expression
}

fn alternatives(terms: &[SearchTerm]) -> String {
    let rendered: Vec<String> = terms.iter().map(term).collect();
    format!("({})", rendered.join(" OR "))
}

fn term(term: &SearchTerm) -> String {
    match term {
        SearchTerm::Word(word) => string(word),
        SearchTerm::Prefix(word) => format!("{}*", string(word)),
        SearchTerm::Phrase(words) => string(&words.join(" ")),
    }
}

fn string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(input: &str) -> String {
        render_match(&StoryQuery::parse(input).unwrap())
    }

    #[test]
    fn every_part_of_the_language_renders() {
        assert_eq!(render("rose garden"), r#"("rose") AND ("garden"*)"#);
        assert_eq!(
            render(r#""old house" rose OR tulip -weeds -"weed killer" "#),
            r#"(("old house") AND ("rose" OR "tulip")) NOT ("weeds" OR "weed killer")"#
        );
    }

    #[test]
    fn injection_looking_input_stays_inside_quoted_strings() {
        assert_eq!(
            render(r#"NEAR(a b) title:x"#),
            r#"("near a") AND ("b") AND ("title x")"#
        );
        assert_eq!(string(r#"say "hi""#), r#""say ""hi""""#);
    }
}
