//! Text clean-up and the one error type that every validated value returns.
//!
//! Families paste text from everywhere (word processors, phones, e-mails), so
//! invisible control characters are removed rather than refused; only what is
//! left after clean-up is checked against the limits.

use thiserror::Error;

/// Why a value given by a user was refused. The message is written for the
/// person who typed the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// The field is empty after trimming and clean-up.
    #[error("{field} must not be empty")]
    Empty {
        /// The field's name as a user sees it (`title`, `name`, …).
        field: &'static str,
    },
    /// The field is longer than its limit, counted in characters.
    #[error("{field} must be at most {max} characters (got {actual})")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// The limit in characters.
        max: usize,
        /// The length that was given, in characters.
        actual: usize,
    },
    /// Not an e-mail address of the form `name@domain`.
    #[error("'{0}' is not a valid e-mail address")]
    InvalidEmail(String),
    /// A death date earlier than the birth date.
    #[error("the date of death must not be before the date of birth")]
    DeathBeforeBirth,
    /// A pagination cursor that this server did not hand out.
    #[error("the page cursor is not valid; start again from the first page")]
    InvalidCursor,
    /// A page size outside the allowed range.
    #[error("page size must be between 1 and {max}")]
    InvalidPageSize {
        /// The largest page size allowed.
        max: u32,
    },
    /// A search with nothing to look for: no word, only punctuation, emoji
    /// or exclusions.
    #[error("the search has nothing to look for; type at least one word")]
    NothingToSearch,
    /// A search with more words than allowed.
    #[error("a search may have at most {max} words")]
    TooManySearchWords {
        /// The most words allowed.
        max: usize,
    },
    /// A search language without a stemmer here.
    #[error("unknown search language '{0}'")]
    UnknownSearchLanguage(String),
    /// An upload the media rules refuse (type, size or file name).
    #[error("{0}")]
    Upload(String),
}

/// Removes NUL and other control characters and turns line breaks and tabs
/// into single spaces, then trims. For one-line values: names, titles.
pub(crate) fn clean_single_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            out.push(' ');
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// Removes NUL and other control characters but keeps line breaks and tabs
/// (Markdown needs them); `\r\n` becomes `\n`. Trims the ends.
pub(crate) fn clean_multi_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c == '\n' || c == '\t' || !c.is_control() {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// Checks a cleaned value against `1..=max` characters.
pub(crate) fn require_length(
    field: &'static str,
    value: String,
    max: usize,
) -> Result<String, ValidationError> {
    let actual = value.chars().count();
    if actual == 0 {
        return Err(ValidationError::Empty { field });
    }
    if actual > max {
        return Err(ValidationError::TooLong { field, max, actual });
    }
    Ok(value)
}

/// Declares a validated text newtype with a private field.
macro_rules! text_value {
    (
        $(#[$doc:meta])*
        $name:ident, field = $field:literal, max = $max:expr, clean = $clean:path
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The longest value accepted, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Cleans `input` (control characters removed, ends trimmed) and
            /// checks that 1 to [`Self::MAX_CHARS`] characters remain.
            pub fn new(input: &str) -> Result<Self, $crate::ValidationError> {
                $crate::validation::require_length($field, $clean(input), $max).map(Self)
            }

            /// The cleaned text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Gives back the cleaned text.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use text_value;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_text_loses_control_characters_and_keeps_word_breaks() {
        assert_eq!(
            clean_single_line("  Jane\0 \u{7}Doe\n Smith\t "),
            "Jane Doe  Smith"
        );
    }

    #[test]
    fn multi_line_text_keeps_paragraphs_and_drops_carriage_returns() {
        assert_eq!(clean_multi_line("a\r\n\r\nb\0\tc\n"), "a\n\nb\tc");
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert!(require_length("title", "é".repeat(3), 3).is_ok());
        assert_eq!(
            require_length("title", "é".repeat(4), 3),
            Err(ValidationError::TooLong {
                field: "title",
                max: 3,
                actual: 4
            })
        );
    }

    #[test]
    fn empty_after_cleaning_is_refused() {
        assert_eq!(
            require_length("title", clean_single_line(" \0\n "), 3),
            Err(ValidationError::Empty { field: "title" })
        );
    }
}
