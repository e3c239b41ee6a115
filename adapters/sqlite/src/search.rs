//! Story search on SQLite: a parsed query rendered as an FTS5 `MATCH`
//! expression.
//!
//! Every word or phrase is a double-quoted FTS5 string with `"` doubled, so
//! FTS5 reads no operator (`AND`, `NEAR(`, `*`, `:`, `^`, column filters) in
//! it whatever it holds (the domain already admits only letters, digits and
//! marks; the quoting does not rely on it). FTS5 then tokenizes the string
//! with the table's tokenizer: Porter stemming, diacritics removed.

use mosaic_domain::{SearchTerm, StoryQuery};

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
