//! Story search on Postgres: a parsed query rendered as `tsquery` text.
//!
//! Every lexeme is single-quoted with `'` doubled and `\` escaped, so that
//! `to_tsquery` reads each word as one lexeme whatever it holds (the domain
//! already admits only letters, digits and marks; the quoting does not rely
//! on it). `to_tsquery` then stems each word and strips its accents with the
//! `mosaic_search` text search configuration, like the stored vectors.

use mosaic_domain::{SearchTerm, StoryQuery};

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
