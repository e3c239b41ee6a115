//! Story search: the query language, who a search may find, snippets and
//! ranked paging.
//!
//! What a person types is parsed here, once, into a [`StoryQuery`]: a small
//! syntax tree of words, phrases and prefixes. Every word in it is made of
//! letters, digits and combining marks only, lower-cased, so no operator
//! character of the input (`"`, `*`, `:`, `&`, `|`, `!`, `(`, `'`, …) can
//! reach a search engine; each database adapter renders the tree into its
//! own syntax (`tsquery`, FTS5 `MATCH`) with its own quoting.
//!
//! The language is the one people know from web search:
//!
//! | input | meaning |
//! |---|---|
//! | `rose garden` | both words (in any order, anywhere) |
//! | `"rose garden"` | the words next to each other, in this order |
//! | `-weeds`, `-"weed killer"` | no story containing the word or phrase |
//! | `rose OR tulip` | either word (`OR` in capitals, between two terms) |
//! | `gard` (last word, no space after it) | any word starting with `gard` |
//!
//! Stemming, accents and case are the engine's business: "gardening" finds
//! "garden", "Jose" finds "José". A prefix is matched against the words as
//! written (accents and case folded, never stemmed: a stemmer turns `bicy`
//! into `bici`, which starts no word), and also as a whole word with its
//! stemmed forms, so a finished last word (`bicycle`) still finds
//! "bicycles". A last word of one letter is a whole word, not a prefix
//! ([`StoryQuery::MIN_PREFIX_CHARS`]): every story has a word starting with
//! "a". Stop words do not exist: "the" is a word like any other, on every
//! database.

use std::fmt;

use uuid::Uuid;

use crate::{
    LegacyAccess, LegacyId, PageRequest, ReadScope, Role, UserId, ValidationError, Visibility,
};

/// One thing a story must (or must not) contain. Words are non-empty,
/// lower-case, and made only of letters, digits and combining marks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchTerm {
    /// A whole word; the engine matches its other forms (stemming).
    Word(String),
    /// Two or more words next to each other, in this order.
    Phrase(Vec<String>),
    /// The start of a word (the last word, while typing).
    Prefix(String),
}

impl SearchTerm {
    /// The words of the term, in order.
    pub fn words(&self) -> &[String] {
        match self {
            SearchTerm::Word(word) | SearchTerm::Prefix(word) => std::slice::from_ref(word),
            SearchTerm::Phrase(words) => words,
        }
    }
}

/// A parsed story search: every group must match (a group matches when any
/// of its terms does), and no excluded term may match. There is always at
/// least one group; a query with nothing to search for is refused by
/// [`StoryQuery::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoryQuery {
    all_of: Vec<Vec<SearchTerm>>,
    none_of: Vec<SearchTerm>,
}

impl StoryQuery {
    /// The longest query accepted, in characters.
    pub const MAX_CHARS: usize = 500;
    /// The most words a query may hold (excluded ones included).
    pub const MAX_WORDS: usize = 32;
    /// The shortest last word read as a prefix, in letters and digits; a
    /// shorter one is a whole word.
    pub const MIN_PREFIX_CHARS: usize = 2;

    /// Parses what someone typed. Refuses a query longer than
    /// [`Self::MAX_CHARS`], with more than [`Self::MAX_WORDS`] words, or with
    /// nothing to search for (only punctuation, emoji or exclusions).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let actual = input.chars().count();
        if actual > Self::MAX_CHARS {
            return Err(ValidationError::TooLong {
                field: "search query",
                max: Self::MAX_CHARS,
                actual,
            });
        }
        let tokens = tokenize(input);
        let typing_last_word = input.chars().last().is_some_and(|c| !c.is_whitespace());
        let mut all_of: Vec<Vec<SearchTerm>> = Vec::new();
        let mut none_of = Vec::new();
        let mut or_pending = false;
        let mut word_count = 0;
        let last = tokens.len().saturating_sub(1);
        for (index, token) in tokens.into_iter().enumerate() {
            match token {
                Token::Or => or_pending = !all_of.is_empty(),
                Token::Text {
                    text,
                    quoted,
                    negated,
                } => {
                    let mut words = words_of(&text);
                    word_count += words.len();
                    let term = match words.len() {
                        0 => {
                            or_pending = false;
                            continue;
                        }
                        1 if !quoted
                            && !negated
                            && index == last
                            && typing_last_word
                            && prefix_long_enough(&words[0]) =>
                        {
                            SearchTerm::Prefix(words.remove(0))
                        }
                        1 => SearchTerm::Word(words.remove(0)),
                        _ => SearchTerm::Phrase(words),
                    };
                    if negated {
                        none_of.push(term);
                        or_pending = false;
                    } else if or_pending && let Some(group) = all_of.last_mut() {
                        group.push(term);
                        or_pending = false;
                    } else {
                        all_of.push(vec![term]);
                    }
                }
            }
        }
        if word_count > Self::MAX_WORDS {
            return Err(ValidationError::TooManySearchWords {
                max: Self::MAX_WORDS,
            });
        }
        if all_of.is_empty() {
            return Err(ValidationError::NothingToSearch);
        }
        Ok(Self { all_of, none_of })
    }

    /// The groups that must all match; within a group any term may.
    pub fn all_of(&self) -> &[Vec<SearchTerm>] {
        &self.all_of
    }

    /// Terms no story found may contain.
    pub fn none_of(&self) -> &[SearchTerm] {
        &self.none_of
    }

    /// Every term, required and excluded.
    pub fn terms(&self) -> impl Iterator<Item = &SearchTerm> {
        self.all_of.iter().flatten().chain(&self.none_of)
    }

    /// The word being typed, when the query ends in one: the start of a
    /// word, to match unstemmed (it is in the last group).
    pub fn prefix(&self) -> Option<&str> {
        self.all_of.last()?.iter().find_map(|term| match term {
            SearchTerm::Prefix(word) => Some(word.as_str()),
            _ => None,
        })
    }

    /// The groups that must match besides the one holding the prefix (all
    /// groups when there is no prefix). A story matches the query when it
    /// matches every group with the prefix read as a whole word, or when it
    /// matches these groups, no excluded term, and has a word starting with
    /// the prefix.
    pub fn groups_beside_prefix(&self) -> &[Vec<SearchTerm>] {
        match self.prefix() {
            Some(_) => &self.all_of[..self.all_of.len() - 1],
            None => &self.all_of,
        }
    }
}

/// Whether a last word is long enough to be read as a prefix.
fn prefix_long_enough(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphanumeric()).count() >= StoryQuery::MIN_PREFIX_CHARS
}

/// The parts of the input before words are taken out.
enum Token {
    /// `OR` in capitals, outside quotes.
    Or,
    /// A run of text: a bare token or the inside of quotes.
    Text {
        text: String,
        quoted: bool,
        negated: bool,
    },
}

fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            chars.next();
            match chars.peek() {
                Some(next) if !next.is_whitespace() => negated = true,
                _ => continue,
            }
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let text: String = chars.by_ref().take_while(|&c| c != '"').collect();
            tokens.push(Token::Text {
                text,
                quoted: true,
                negated,
            });
            continue;
        }
        let mut text = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            text.push(c);
            chars.next();
        }
        if text == "OR" && !negated {
            tokens.push(Token::Or);
        } else {
            tokens.push(Token::Text {
                text,
                quoted: false,
                negated,
            });
        }
    }
    tokens
}

/// Letters, digits and combining marks (so that "é" written as "e" plus an
/// accent stays one word).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c as u32,
            0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The lower-cased words of a run of text; everything else separates words.
pub(crate) fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !is_word_char(c))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The language stories are indexed and searched in: which stemmer turns
/// "gardening" into "garden". `simple` stems nothing. The names are the
/// Snowball stemmers Postgres ships; the SQLite adapter stems English only
/// (Porter) and treats every other language as `simple`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SearchLanguage(&'static str);

impl SearchLanguage {
    /// English, the default.
    pub const ENGLISH: SearchLanguage = SearchLanguage("english");
    /// No stemming: words match as written (accents and case still fold).
    pub const SIMPLE: SearchLanguage = SearchLanguage("simple");
    /// Every language name accepted.
    pub const SUPPORTED: [&'static str; 29] = [
        "simple",
        "arabic",
        "armenian",
        "basque",
        "catalan",
        "danish",
        "dutch",
        "english",
        "finnish",
        "french",
        "german",
        "greek",
        "hindi",
        "hungarian",
        "indonesian",
        "irish",
        "italian",
        "lithuanian",
        "nepali",
        "norwegian",
        "portuguese",
        "romanian",
        "russian",
        "serbian",
        "spanish",
        "swedish",
        "tamil",
        "turkish",
        "yiddish",
    ];

    /// A language by its lower-case English name (`english`, `french`, …).
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        let wanted = name.trim().to_lowercase();
        Self::SUPPORTED
            .iter()
            .find(|known| **known == wanted)
            .map(|known| Self(known))
            .ok_or_else(|| ValidationError::UnknownSearchLanguage(name.to_owned()))
    }

    /// The lower-case name.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Default for SearchLanguage {
    fn default() -> Self {
        Self::ENGLISH
    }
}

impl fmt::Display for SearchLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Which stories a search may find: exactly those the reader may read, in
/// one legacy or across their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// One legacy, with the reader's standing there (an outsider or a
    /// visitor: its public stories).
    Legacy {
        /// The legacy searched.
        legacy: LegacyId,
        /// The visibility filter of the reader in that legacy.
        read: ReadScope,
    },
    /// Every legacy where `reader` is an approved member, read as a member
    /// reads it, plus the reader's own personal stories wherever they are.
    MyLegacies {
        /// The signed-in reader.
        reader: UserId,
    },
}

impl SearchScope {
    /// The stories of one legacy that the caller may read there.
    pub fn legacy(access: &LegacyAccess) -> Self {
        Self::Legacy {
            legacy: access.legacy_id(),
            read: access.read_scope(),
        }
    }

    /// The stories of every legacy the reader belongs to, and their own
    /// personal stories.
    pub fn my_legacies(reader: UserId) -> Self {
        Self::MyLegacies { reader }
    }

    /// Inside the legacies of [`SearchScope::MyLegacies`], the visibility
    /// filter: that of an approved member, the same rule as
    /// [`LegacyAccess::read_scope`].
    pub fn member_read_scope(reader: UserId) -> ReadScope {
        ReadScope::of(Some(reader), true)
    }

    /// Whether a story (of `legacy`, with this visibility and author) is in
    /// the scope, given the reader's role in that legacy. The specification
    /// that adapters' queries are tested against.
    pub fn admits(
        &self,
        legacy: LegacyId,
        reader_role: Option<Role>,
        visibility: Visibility,
        author: UserId,
    ) -> bool {
        match *self {
            SearchScope::Legacy { legacy: l, read } => {
                l == legacy && read.admits(visibility, author)
            }
            SearchScope::MyLegacies { reader } => {
                let access = LegacyAccess::user(legacy, reader, reader_role);
                let own_personal = visibility == Visibility::Personal && author == reader;
                (access.is_active_member() && access.can_read(visibility, author)) || own_personal
            }
        }
    }
}

/// Where a page of ranked hits ends: the rank and id of its last hit.
/// Hits are ordered by rank (higher first), then id (higher first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchCursor {
    /// Rank of the last hit seen.
    pub rank: f64,
    /// Id of the last story seen (breaks ties in rank).
    pub id: Uuid,
}

impl SearchCursor {
    /// The opaque text form handed to clients (exact: the rank's bits).
    pub fn encode(&self) -> String {
        format!("{:016x}_{}", self.rank.to_bits(), self.id.simple())
    }

    /// Parses what [`SearchCursor::encode`] produced.
    pub fn decode(text: &str) -> Result<Self, ValidationError> {
        let (bits, id) = text.split_once('_').ok_or(ValidationError::InvalidCursor)?;
        if bits.len() != 16 {
            return Err(ValidationError::InvalidCursor);
        }
        let bits = u64::from_str_radix(bits, 16).map_err(|_| ValidationError::InvalidCursor)?;
        let rank = f64::from_bits(bits);
        if !rank.is_finite() {
            return Err(ValidationError::InvalidCursor);
        }
        let id = Uuid::try_parse(id).map_err(|_| ValidationError::InvalidCursor)?;
        Ok(Self { rank, id })
    }
}

/// What page of hits to read: at most `limit` hits after `after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchPageRequest {
    after: Option<SearchCursor>,
    limit: u32,
}

impl SearchPageRequest {
    /// Validates a client's page size (the limits of [`PageRequest`]) and
    /// cursor.
    pub fn new(after: Option<&str>, limit: Option<u32>) -> Result<Self, ValidationError> {
        let limit = limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
        if limit == 0 || limit > PageRequest::MAX_LIMIT {
            return Err(ValidationError::InvalidPageSize {
                max: PageRequest::MAX_LIMIT,
            });
        }
        let after = after
            .filter(|s| !s.is_empty())
            .map(SearchCursor::decode)
            .transpose()?;
        Ok(Self { after, limit })
    }

    /// The first page, of the default size.
    pub fn first() -> Self {
        Self {
            after: None,
            limit: PageRequest::DEFAULT_LIMIT,
        }
    }

    /// The same request with another size (clamped to 1..=MAX_LIMIT).
    pub fn with_limit(self, limit: u32) -> Self {
        Self {
            limit: limit.clamp(1, PageRequest::MAX_LIMIT),
            ..self
        }
    }

    /// The page after `cursor`, same size.
    pub fn after(self, cursor: SearchCursor) -> Self {
        Self {
            after: Some(cursor),
            ..self
        }
    }

    /// The cursor to continue from, if any.
    pub fn cursor(&self) -> Option<SearchCursor> {
        self.after
    }

    /// Hits wanted.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows an adapter should fetch: one more than wanted, to learn whether
    /// another page follows.
    pub fn fetch_limit(&self) -> u32 {
        self.limit + 1
    }
}

/// A highlighted range of a [`Snippet`], in characters (Unicode scalar
/// values, not bytes): `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    /// First character of the match.
    pub start: usize,
    /// One past the last character of the match.
    pub end: usize,
}

/// A short piece of a story around what matched, as plain text, and where
/// the matches are in it. Never HTML: a client marks the ranges itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    text: String,
    highlights: Vec<Highlight>,
}

impl Snippet {
    /// The character an engine is told to put before a match. Story text
    /// cannot contain it (control characters are removed from stories).
    pub const START_MARK: char = '\u{1}';
    /// The character an engine is told to put after a match.
    pub const END_MARK: char = '\u{2}';

    /// Reads an engine's snippet with matches between [`Self::START_MARK`]
    /// and [`Self::END_MARK`]; stray or unbalanced marks are dropped.
    pub fn from_marked(marked: &str) -> Self {
        let mut text = String::with_capacity(marked.len());
        let mut highlights = Vec::new();
        let mut chars = 0;
        let mut open: Option<usize> = None;
        for c in marked.chars() {
            match c {
                Self::START_MARK => open = Some(chars),
                Self::END_MARK => {
                    if let Some(start) = open.take()
                        && start < chars
                    {
                        highlights.push(Highlight { start, end: chars });
                    }
                }
                c => {
                    text.push(c);
                    chars += 1;
                }
            }
        }
        Self { text, highlights }
    }

    /// The plain text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The matched ranges, in order, not overlapping.
    pub fn highlights(&self) -> &[Highlight] {
        &self.highlights
    }
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> SearchTerm {
        SearchTerm::Word(w.into())
    }
    fn prefix(w: &str) -> SearchTerm {
        SearchTerm::Prefix(w.into())
    }
    fn phrase(words: &[&str]) -> SearchTerm {
        SearchTerm::Phrase(words.iter().map(|w| w.to_string()).collect())
    }
    fn parse(input: &str) -> StoryQuery {
        StoryQuery::parse(input).unwrap()
    }

    #[test]
    fn words_all_must_match_and_the_last_one_is_a_prefix_while_typing() {
        let query = parse("Rose GARDEN");
        assert_eq!(query.all_of(), [vec![word("rose")], vec![prefix("garden")]]);
        let query = parse("rose garden ");
        assert_eq!(query.all_of(), [vec![word("rose")], vec![word("garden")]]);
    }

    #[test]
    fn a_prefix_needs_two_letters_and_splits_from_the_other_groups() {
        let query = parse("rose OR tulip bi");
        assert_eq!(query.prefix(), Some("bi"));
        assert_eq!(
            query.groups_beside_prefix(),
            [vec![word("rose"), word("tulip")]]
        );
        let query = parse("rose OR bi");
        assert_eq!(query.all_of(), [vec![word("rose"), prefix("bi")]]);
        assert!(query.groups_beside_prefix().is_empty());
        // One letter (a combining accent is no letter) is a whole word.
        let query = parse("rose b");
        assert_eq!(query.all_of(), [vec![word("rose")], vec![word("b")]]);
        assert_eq!(query.prefix(), None);
        assert_eq!(query.groups_beside_prefix(), query.all_of());
        assert_eq!(parse("e\u{301}").all_of(), [vec![word("e\u{301}")]]);
        assert_eq!(parse("é").all_of(), [vec![word("é")]]);
    }

    #[test]
    fn quotes_make_a_phrase_and_an_unclosed_quote_runs_to_the_end() {
        let query = parse(r#""the old house" lake"#);
        assert_eq!(
            query.all_of(),
            [vec![phrase(&["the", "old", "house"])], vec![prefix("lake")]]
        );
        assert_eq!(
            parse(r#""old house"#).all_of(),
            [vec![phrase(&["old", "house"])]]
        );
        assert_eq!(parse(r#""lake""#).all_of(), [vec![word("lake")]]);
    }

    #[test]
    fn minus_excludes_a_word_or_a_phrase() {
        let query = parse(r#"garden -weeds -"weed killer""#);
        assert_eq!(query.all_of(), [vec![word("garden")]]);
        assert_eq!(
            query.none_of(),
            [word("weeds"), phrase(&["weed", "killer"])]
        );
        // A lone minus, or one inside a word, is not an exclusion.
        let query = parse("well-known - garden");
        assert_eq!(
            query.all_of(),
            [vec![phrase(&["well", "known"])], vec![prefix("garden")]]
        );
        assert!(query.none_of().is_empty());
    }

    #[test]
    fn or_joins_the_terms_beside_it() {
        let query = parse("rose OR tulip OR \"sweet pea\" garden");
        assert_eq!(
            query.all_of(),
            [
                vec![word("rose"), word("tulip"), phrase(&["sweet", "pea"])],
                vec![prefix("garden")]
            ]
        );
        // Lower-case "or" is a word; a dangling OR is ignored.
        assert_eq!(
            parse("OR rose or").all_of(),
            [vec![word("rose")], vec![prefix("or")]]
        );
        assert_eq!(parse("rose OR").all_of(), [vec![word("rose")]]);
    }

    #[test]
    fn punctuation_splits_words_and_never_survives() {
        let query = parse("O'Brien's 1950s NEAR(x) a:b *&|!");
        assert_eq!(
            query.all_of(),
            [
                vec![phrase(&["o", "brien", "s"])],
                vec![word("1950s")],
                vec![phrase(&["near", "x"])],
                vec![phrase(&["a", "b"])],
            ]
        );
    }

    #[test]
    fn accents_and_other_scripts_are_words() {
        assert_eq!(parse("José ").all_of(), [vec![word("josé")]]);
        // "e" followed by a combining acute accent stays one word.
        assert_eq!(parse("Jose\u{301} ").all_of(), [vec![word("jose\u{301}")]]);
        assert_eq!(parse("東京 ").all_of(), [vec![word("東京")]]);
    }

    #[test]
    fn nothing_searchable_is_refused() {
        for input in ["", "   ", "\"\"", "-garden", "OR", "🌹🌷", "*&|! ''", "- -"] {
            assert_eq!(
                StoryQuery::parse(input),
                Err(ValidationError::NothingToSearch),
                "{input:?}"
            );
        }
    }

    #[test]
    fn long_queries_are_refused_with_the_limit() {
        assert!(StoryQuery::parse(&"a ".repeat(32)).is_ok());
        assert_eq!(
            StoryQuery::parse(&"a ".repeat(33)),
            Err(ValidationError::TooManySearchWords { max: 32 })
        );
        assert!(StoryQuery::parse(&"x".repeat(500)).is_ok());
        assert!(matches!(
            StoryQuery::parse(&"x".repeat(501)),
            Err(ValidationError::TooLong { max: 500, .. })
        ));
    }

    #[test]
    fn snippet_marks_become_character_offsets() {
        let s = Snippet::from_marked("Ça \u{1}José\u{2} 🌹 \u{1}garden\u{2}.");
        assert_eq!(s.text(), "Ça José 🌹 garden.");
        assert_eq!(
            s.highlights(),
            [
                Highlight { start: 3, end: 7 },
                Highlight { start: 10, end: 16 }
            ]
        );
        let s = Snippet::from_marked("a\u{2}b\u{1}\u{2}c\u{1}d");
        assert_eq!(s.text(), "abcd");
        assert!(s.highlights().is_empty());
    }

    #[test]
    fn search_languages_are_a_fixed_list() {
        assert_eq!(
            SearchLanguage::new(" French "),
            Ok(SearchLanguage("french"))
        );
        assert_eq!(SearchLanguage::default().as_str(), "english");
        for bad in ["", "klingon", "english_stem", "english; DROP"] {
            assert!(SearchLanguage::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn search_cursor_round_trips_exactly() {
        let cursor = SearchCursor {
            rank: 0.1 + 0.2,
            id: Uuid::now_v7(),
        };
        assert_eq!(SearchCursor::decode(&cursor.encode()), Ok(cursor));
        for bad in [
            "",
            "x_y",
            "7ff0000000000000_00000000000000000000000000000000",
            "1_2",
        ] {
            assert!(SearchCursor::decode(bad).is_err(), "{bad:?}");
        }
    }
}
