//! Manifest text into domain values, every failure naming the record.

use std::str::FromStr;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::ArchiveError;

fn bad(what: String, why: impl std::fmt::Display) -> ArchiveError {
    ArchiveError::Manifest(format!("{what}: {why}"))
}

/// A typed id.
pub(crate) fn id<T: FromStr>(text: &str, what: impl Fn() -> String) -> Result<T, ArchiveError> {
    text.parse().map_err(|_| {
        bad(
            what(),
            format!("'{}' is not an id", crate::paths::printable(text)),
        )
    })
}

/// An RFC 3339 timestamp.
pub(crate) fn at(text: &str, what: impl Fn() -> String) -> Result<OffsetDateTime, ArchiveError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        bad(
            what(),
            format!(
                "'{}' is not an RFC 3339 time",
                crate::paths::printable(text)
            ),
        )
    })
}

/// A `YYYY-MM-DD` date.
pub(crate) fn date(text: &str, what: impl Fn() -> String) -> Result<Date, ArchiveError> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| {
        bad(
            what(),
            format!("'{}' is not a date", crate::paths::printable(text)),
        )
    })
}

/// A validated domain value.
pub(crate) fn value<T, E: std::fmt::Display>(
    result: Result<T, E>,
    what: impl Fn() -> String,
) -> Result<T, ArchiveError> {
    result.map_err(|err| bad(what(), err))
}
