//! Story search on Postgres: a parsed query rendered as `tsquery` text.
//!
//! Every lexeme is single-quoted with `'` doubled and `\` escaped, so that
//! `to_tsquery` reads each word as one lexeme whatever it holds (the domain
//! already admits only letters, digits and marks; the quoting does not rely
//! on it). `to_tsquery` then stems each word and strips its accents with the
//! `mosaic_search` text search configuration, like the stored
//! `search_vector`; the word being typed is also looked up as a prefix with
//! `mosaic_prefix` (accents stripped, no stemming) in `prefix_vector`.

use mosaic_domain::uuid::Uuid;
use mosaic_domain::{SearchLanguage, SearchTerm, StoryQuery};
use mosaic_ports::RepoError;
use mosaic_sql_common::__private::async_trait::async_trait;
use mosaic_sql_common::{REINDEX_BATCH, RenderedSearch, SearchIndex, read_error};

use crate::PostgresStore;

/// The token types the default parser gives words (and parts of
/// hyphenated words) in; each goes through unaccent, then the stemmer.
const WORD_TOKENS: &str = "asciiword, asciihword, hword_asciipart, word, hword, hword_part";

/// The dictionary words go through after unaccent: `mosaic_stem` (the
/// language's Snowball stemmer without stop words, so that both databases
/// match every word alike), or `simple`.
fn dictionary(language: SearchLanguage) -> &'static str {
    if language == SearchLanguage::SIMPLE {
        "simple"
    } else {
        "mosaic_stem"
    }
}

#[async_trait]
impl SearchIndex for PostgresStore {
    async fn search_language(&self) -> Result<SearchLanguage, RepoError> {
        // The last dictionary plain words go through (after unaccent), and
        // its options (`language = 'english'` for mosaic_stem).
        let (name, options): (String, Option<String>) = sqlx::query_as(
            "SELECT d.dictname::text, d.dictinitoption FROM pg_ts_config_map m \
             JOIN pg_ts_config c ON c.oid = m.mapcfg JOIN pg_ts_dict d ON d.oid = m.mapdict \
             WHERE c.cfgname = 'mosaic_search' AND m.maptokentype = \
               (SELECT tokid FROM ts_token_type('default') WHERE alias = 'asciiword') \
             ORDER BY m.mapseqno DESC LIMIT 1",
        )
        .fetch_one(self.pool())
        .await
        .map_err(read_error)?;
        let language = if name == "mosaic_stem" {
            options
                .as_deref()
                .and_then(|o| o.split('\'').nth(1))
                .unwrap_or_default()
                .to_owned()
        } else {
            name.trim_end_matches("_stem").to_owned()
        };
        // A mapping this build did not make (changed by hand) reads as
        // "simple": a reindex puts it right.
        Ok(SearchLanguage::new(&language).unwrap_or(SearchLanguage::SIMPLE))
    }

    async fn rebuild_search_index(
        &self,
        language: SearchLanguage,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(SearchLanguage, u64), RepoError> {
        let mut tx = self.pool().begin().await.map_err(read_error)?;
        // DDL cannot take parameters; the language and dictionary names
        // come from the fixed list of `SearchLanguage`, never from input as
        // typed.
        if language != SearchLanguage::SIMPLE {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER TEXT SEARCH DICTIONARY mosaic_stem (Language = '{}')",
                language.as_str()
            )))
            .execute(&mut *tx)
            .await
            .map_err(read_error)?;
        }
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
        // Writing a row recomputes its generated search_vector and
        // prefix_vector (the prefix one folds accents and case only, alike
        // in every language, but is rebuilt all the same).
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

/// The `tsquery` texts of a parsed search: groups joined with `&`, the
/// alternatives of a group with `|`, exclusions as `!( … )`. `words` and
/// the stemmed parts go through `mosaic_search`, the prefix through
/// `mosaic_prefix` (accents and case folded, no stemming).
pub(crate) fn render_tsquery(query: &StoryQuery) -> RenderedSearch {
    let excluded = (!query.none_of().is_empty()).then(|| alternatives(query.none_of()));
    let words = query
        .all_of()
        .iter()
        .map(|group| alternatives(group))
        .chain(excluded.as_ref().map(|e| format!("!{e}")))
        .collect::<Vec<_>>()
        .join(" & ");
    let prefix = query.prefix().map(|word| format!("{}:*", lexeme(word)));
    let beside = query.groups_beside_prefix();
    let beside = (prefix.is_some() && !beside.is_empty()).then(|| {
        beside
            .iter()
            .map(|group| alternatives(group))
            .collect::<Vec<_>>()
            .join(" & ")
    });
    RenderedSearch {
        excluded: excluded.filter(|_| prefix.is_some()),
        words,
        prefix,
        beside,
    }
}

fn alternatives(terms: &[SearchTerm]) -> String {
    let rendered: Vec<String> = terms.iter().map(term).collect();
    format!("({})", rendered.join(" | "))
}

/// A term for the stemmed index: a prefix is read as a whole word there.
fn term(term: &SearchTerm) -> String {
    match term {
        SearchTerm::Word(word) | SearchTerm::Prefix(word) => lexeme(word),
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

    fn render(input: &str) -> RenderedSearch {
        render_tsquery(&StoryQuery::parse(input).unwrap())
    }

    #[test]
    fn every_part_of_the_language_renders() {
        let rendered = render("rose garden");
        assert_eq!(rendered.words, "('rose') & ('garden')");
        assert_eq!(rendered.prefix.as_deref(), Some("'garden':*"));
        assert_eq!(rendered.beside.as_deref(), Some("('rose')"));
        assert_eq!(rendered.excluded, None);
        let rendered = render(r#""old house" rose OR tulip -weeds -"weed killer" "#);
        assert_eq!(
            rendered.words,
            "(('old' <-> 'house')) & ('rose' | 'tulip') & !('weeds' | ('weed' <-> 'killer'))"
        );
        assert_eq!(
            (rendered.prefix, rendered.beside, rendered.excluded),
            (None, None, None)
        );
        let rendered = render("-weeds rose OR bicy");
        assert_eq!(rendered.words, "('rose' | 'bicy') & !('weeds')");
        assert_eq!(rendered.prefix.as_deref(), Some("'bicy':*"));
        assert_eq!(rendered.beside, None);
        assert_eq!(rendered.excluded.as_deref(), Some("('weeds')"));
    }

    #[test]
    fn injection_looking_input_stays_inside_quoted_lexemes() {
        let rendered = render("a' | 'b:* & !c");
        assert_eq!(rendered.words, "('a') & ('b') & ('c')");
        assert_eq!(rendered.prefix, None, "one letter is no prefix");
        assert_eq!(render("x !cd").prefix.as_deref(), Some("'cd':*"));
        assert_eq!(lexeme(r"it's\"), r"'it''s\\'");
    }
}
