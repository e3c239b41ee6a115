//! The one timestamp type both databases read and write.
//!
//! Postgres stores `timestamptz` (microseconds). SQLite has no date type, so
//! there a timestamp is an INTEGER of unix microseconds: exact, compact, and
//! it orders like time in indexes and in keyset comparisons. The domain's
//! clock already truncates to microseconds, so a value written reads back
//! equal on both.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;

/// A UTC instant as stored: `timestamptz` on Postgres, unix microseconds on
/// SQLite. Both drop sub-microsecond parts the same way (truncation, as the
/// service's clock does), so the databases never disagree about a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// The value as unix microseconds.
    pub fn unix_micros(self) -> Result<i64, BoxDynError> {
        i64::try_from(self.0.unix_timestamp_nanos().div_euclid(1_000))
            .map_err(|_| "timestamp out of range for unix microseconds".into())
    }

    /// The instant `micros` microseconds after the unix epoch, in UTC.
    pub fn from_unix_micros(micros: i64) -> Result<Self, BoxDynError> {
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)?;
        Ok(Self(at))
    }
}

impl Timestamp {
    /// The instant without its sub-microsecond part.
    fn truncated_to_micros(self) -> OffsetDateTime {
        let at = self.0;
        at.replace_nanosecond(at.nanosecond() / 1_000 * 1_000)
            .unwrap_or(at)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(at: OffsetDateTime) -> Self {
        Self(at)
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(at: Timestamp) -> Self {
        at.0
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<Sqlite>>::encode(self.unix_micros()?, buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Self::from_unix_micros(<i64 as Decode<Sqlite>>::decode(value)?)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.truncated_to_micros(), buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <OffsetDateTime as Decode<Postgres>>::decode(value).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn microseconds_round_trip() {
        for at in [
            datetime!(2025-05-06 7:08:09.123456 UTC),
            datetime!(1900-01-01 0:00 UTC),
            datetime!(1969-12-31 23:59:59.999999 UTC),
        ] {
            let micros = Timestamp(at).unix_micros().unwrap();
            assert_eq!(Timestamp::from_unix_micros(micros).unwrap().0, at);
        }
    }

    #[test]
    fn nanoseconds_are_truncated_like_sqlite_does() {
        let at = datetime!(2025-05-06 7:08:09.123456789 UTC);
        let truncated = datetime!(2025-05-06 7:08:09.123456 UTC);
        assert_eq!(Timestamp(at).truncated_to_micros(), truncated);
        let micros = Timestamp(at).unix_micros().unwrap();
        assert_eq!(Timestamp::from_unix_micros(micros).unwrap().0, truncated);
    }

    #[test]
    fn later_instants_have_larger_micros() {
        let a = Timestamp(datetime!(1969-12-31 23:59:59.999998 UTC));
        let b = Timestamp(datetime!(1969-12-31 23:59:59.999999 UTC));
        assert!(a.unix_micros().unwrap() < b.unix_micros().unwrap());
    }
}
