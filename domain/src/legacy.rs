//! A legacy: the person a family remembers.

use time::{Date, OffsetDateTime};

use crate::validation::{clean_multi_line, clean_single_line, text_value};
use crate::{LegacyId, SearchTerm, StoryQuery, UserId, ValidationError};

text_value!(
    /// The remembered person's name: 1–200 characters on one line.
    LegacyName, field = "name", max = 200, clean = clean_single_line
);

text_value!(
    /// A short biography in Markdown: 1–5,000 characters. An empty biography
    /// is expressed as `None` (see [`Biography::optional`]).
    Biography, field = "biography", max = 5_000, clean = clean_multi_line
);

impl Biography {
    /// Like [`Biography::new`], but text that is empty after clean-up means
    /// "no biography" instead of an error.
    pub fn optional(input: &str) -> Result<Option<Self>, ValidationError> {
        match Self::new(input) {
            Ok(bio) => Ok(Some(bio)),
            Err(ValidationError::Empty { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// What someone typed to find a legacy by name (1–100 characters), read
/// with the story search's query language ([`StoryQuery`]): every word must
/// appear in the name, `"quoted words"` next to each other in this order,
/// `-excluded` ones not at all, `OR` between two terms; case and accents do
/// not matter. A word matches anywhere in the name's words ("arga" finds
/// "Margaret"); there is no stemming in names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    text: String,
    parsed: StoryQuery,
}

impl SearchQuery {
    /// The longest query accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Checks the length, then parses (refusing a query with nothing to
    /// search for, like a story search).
    pub fn new(input: &str) -> Result<Self, ValidationError> {
        let text = crate::validation::require_length(
            "search query",
            clean_single_line(input),
            Self::MAX_CHARS,
        )?;
        let parsed = StoryQuery::parse(&text)?;
        Ok(Self { text, parsed })
    }

    /// The cleaned text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The groups of which a name must match every one, each a list of
    /// alternatives, and the terms it must match none of; every term is
    /// the [`fold_name`] form of its words, one space apart. A name
    /// matches a term when its folded form contains the term.
    pub fn folded_terms(&self) -> (Vec<Vec<String>>, Vec<String>) {
        let fold = |term: &SearchTerm| {
            term.words()
                .iter()
                .map(|word| fold_word(word))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let groups = self
            .parsed
            .all_of()
            .iter()
            .map(|group| group.iter().map(fold).collect())
            .collect();
        (groups, self.parsed.none_of().iter().map(fold).collect())
    }
}

/// A name as legacy-name search matches it: accents removed, lower case,
/// its words (letters, digits and marks as in [`StoryQuery`]) one space
/// apart. "Jean-Paul  Müller" becomes "jean paul muller".
pub fn fold_name(name: &str) -> String {
    crate::search::words_of(name)
        .iter()
        .map(|word| fold_word(word))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word with its accents (combining marks after canonical decomposition)
/// removed, lower case.
fn fold_word(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Birth and death dates, both optional; death is never before birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LifeDates {
    birth: Option<Date>,
    death: Option<Date>,
}

impl LifeDates {
    /// Checks that a death date, when both are known, is not before birth.
    pub fn new(birth: Option<Date>, death: Option<Date>) -> Result<Self, ValidationError> {
        if let (Some(b), Some(d)) = (birth, death)
            && d < b
        {
            return Err(ValidationError::DeathBeforeBirth);
        }
        Ok(Self { birth, death })
    }

    /// Date of birth, if known.
    pub fn birth(&self) -> Option<Date> {
        self.birth
    }

    /// Date of death, if known (a legacy may be for someone living).
    pub fn death(&self) -> Option<Date> {
        self.death
    }
}

/// The person being remembered, and who started remembering them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Legacy {
    /// Stable id.
    pub id: LegacyId,
    /// The remembered person's name.
    pub name: LegacyName,
    /// Birth and death dates.
    pub dates: LifeDates,
    /// Optional short biography (Markdown).
    pub biography: Option<Biography>,
    /// Who created the legacy. The current creator is the member whose role is
    /// [`Role::Creator`](crate::Role::Creator); it changes only by a transfer.
    pub created_by: UserId,
    /// When the legacy was created.
    pub created_at: OffsetDateTime,
    /// Last change to name, dates or biography.
    pub updated_at: OffsetDateTime,
}

/// The editable details of a legacy, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyDetails {
    /// The remembered person's name.
    pub name: LegacyName,
    /// Birth and death dates.
    pub dates: LifeDates,
    /// Optional short biography.
    pub biography: Option<Biography>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn death_before_birth_is_refused() {
        assert_eq!(
            LifeDates::new(Some(date!(1950 - 01 - 01)), Some(date!(1949 - 12 - 31))),
            Err(ValidationError::DeathBeforeBirth)
        );
    }

    #[test]
    fn death_on_the_day_of_birth_is_accepted() {
        let day = date!(1950 - 01 - 01);
        assert!(LifeDates::new(Some(day), Some(day)).is_ok());
    }

    #[test]
    fn either_date_may_be_unknown() {
        assert!(LifeDates::new(None, Some(date!(2024 - 01 - 01))).is_ok());
        assert!(LifeDates::new(Some(date!(1950 - 01 - 01)), None).is_ok());
    }

    #[test]
    fn legacy_name_must_not_be_blank() {
        assert_eq!(
            LegacyName::new("   "),
            Err(ValidationError::Empty { field: "name" })
        );
        assert_eq!(LegacyName::new(" Jane Doe ").unwrap().as_str(), "Jane Doe");
    }

    #[test]
    fn blank_biography_means_none() {
        assert_eq!(Biography::optional(" \n "), Ok(None));
        assert!(Biography::optional(&"b".repeat(5_001)).is_err());
    }
}
