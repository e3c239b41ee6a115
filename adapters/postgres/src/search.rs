//! Story search on Postgres: a parsed query rendered as `tsquery` text.
//!
//! Every lexeme is single-quoted with `'` doubled and `\` escaped, so that
//! `to_tsquery` reads each word as one lexeme whatever it holds (the domain
//! already admits only letters, digits and marks; the quoting does not rely
//! on it). `to_tsquery` then stems each word and strips its accents with the
//! `mosaic_search` text search configuration, like the stored vectors.

use mosaic_domain::uuid::Uuid;
use mosaic_domain::{SearchLanguage, SearchTerm, StoryQuery};
use mosaic_ports::RepoError;
use mosaic_sql_common::__private::async_trait::async_trait;
use mosaic_sql_common::{REINDEX_BATCH, SearchIndex, read_error};

use crate::PostgresStore;

/// The token types the default parser gives words (and parts of
/// hyphenated words) in; each goes through unaccent, then the stemmer.
const WORD_TOKENS: &str = "asciiword, asciihword, hword_asciipart, word, hword, hword_part";

/// The language's dictionary: its Snowball stemmer, or `simple`.
fn dictionary(language: SearchLanguage) -> String {
    if language == SearchLanguage::SIMPLE {
        "simple".to_owned()
    } else {
        format!("{}_stem", language.as_str())
    }
}

#[async_trait]
impl SearchIndex for PostgresStore {
    async fn search_language(&self) -> Result<SearchLanguage, RepoError> {
        // The last dictionary plain words go through (after unaccent).
        let name: String = sqlx::query_scalar(
            "SELECT d.dictname::text FROM pg_ts_config_map m \
             JOIN pg_ts_config c ON c.oid = m.mapcfg JOIN pg_ts_dict d ON d.oid = m.mapdict \
             WHERE c.cfgname = 'mosaic_search' AND m.maptokentype = \
               (SELECT tokid FROM ts_token_type('default') WHERE alias = 'asciiword') \
             ORDER BY m.mapseqno DESC LIMIT 1",
        )
        .fetch_one(self.pool())
        .await
        .map_err(read_error)?;
        // A mapping this build did not make (changed by hand) reads as
        // "simple": a reindex puts it right.
        Ok(SearchLanguage::new(name.trim_end_matches("_stem")).unwrap_or(SearchLanguage::SIMPLE))
    }

    async fn rebuild_search_index(
        &self,
        language: SearchLanguage,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(SearchLanguage, u64), RepoError> {
        let mut tx = self.pool().begin().await.map_err(read_error)?;
        // DDL cannot take parameters; the dictionary name comes from the
        // fixed list of `SearchLanguage`, never from input as typed.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER TEXT SEARCH CONFIGURATION mosaic_search ALTER MAPPING FOR {WORD_TOKENS} \
             WITH unaccent, {}",
            dictionary(language)
        )))
        .execute(&mut *tx)
        .await
        .map_err(read_error)?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stories")
            .fetch_one(&mut *tx)
            .await
            .map_err(read_error)?;
        let total = u64::try_from(total).unwrap_or_default();
        // Writing a row recomputes its generated search_vector.
        let mut after = Uuid::nil();
        let mut done = 0u64;
        loop {
            let ids: Vec<Uuid> = sqlx::query_scalar(
                "UPDATE stories SET title = title WHERE id IN \
                 (SELECT id FROM stories WHERE id > $1 ORDER BY id LIMIT $2) RETURNING id",
            )
            .bind(after)
            .bind(REINDEX_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(read_error)?;
            let Some(last) = ids.iter().max() else { break };
            after = *last;
            done += ids.len() as u64;
            progress(done, total);
        }
        tx.commit().await.map_err(read_error)?;
        Ok((language, done))
    }
}

/// The `tsquery` text of a parsed search: groups joined with `&`, the
/// alternatives of a group with `|`, exclusions as `!( … )`.
pub(crate) fn render_tsquery(query: &StoryQuery) -> String {
    let groups = query.all_of().iter().map(|group| alternatives(group));
    let excluded =
        (!query.none_of().is_empty()).then(|| format!("!{}", alternatives(query.none_of())));
    groups.chain(excluded).collect::<Vec<_>>().join(" & ")
}

fn alternatives(terms: &[SearchTerm]) -> String {
    let rendered: Vec<String> = terms.iter().map(term).collect();
    format!("({})", rendered.join(" | "))
}

fn term(term: &SearchTerm) -> String {
    match term {
        SearchTerm::Word(word) => lexeme(word),
        SearchTerm::Prefix(word) => format!("{}:*", lexeme(word)),
        SearchTerm::Phrase(words) => {
            let words: Vec<String> = words.iter().map(|w| lexeme(w)).collect();
            format!("({})", words.join(" <-> "))
        }
    }
}

fn lexeme(word: &str) -> String {
    let mut quoted = String::with_capacity(word.len() + 2);
    quoted.push('\'');
    for c in word.chars() {
        match c {
            '\'' => quoted.push_str("''"),
            '\\' => quoted.push_str("\\\\"),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(input: &str) -> String {
        render_tsquery(&StoryQuery::parse(input).unwrap())
    }

    #[test]
    fn every_part_of_the_language_renders() {
        assert_eq!(render("rose garden"), "('rose') & ('garden':*)");
        assert_eq!(
            render(r#""old house" rose OR tulip -weeds -"weed killer" "#),
            "(('old' <-> 'house')) & ('rose' | 'tulip') & !('weeds' | ('weed' <-> 'killer'))"
        );
    }

    #[test]
    fn injection_looking_input_stays_inside_quoted_lexemes() {
        assert_eq!(render("a' | 'b:* & !c"), "('a') & ('b') & ('c':*)");
        assert_eq!(lexeme(r"it's\"), r"'it''s\\'");
    }
}
