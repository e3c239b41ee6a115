//! Turning database errors into the ports' business errors.
//!
//! Both drivers report constraint failures through sqlx's `ErrorKind`, so one
//! function classifies them. They differ in how they name the constraint:
//! Postgres gives its name (`users_email_key`), SQLite only a message
//! (`UNIQUE constraint failed: users.email`). [`unique_target`] returns
//! whichever exists, and the schemas name things so that the same words
//! (`email`, `user_id`, …) appear in both.

use mosaic_ports::RepoError;
use sqlx::error::{DatabaseError, ErrorKind};

/// What to answer for a unique violation, given the constraint's name
/// (Postgres) or the error message naming the columns (SQLite).
pub type OnUnique<'a> = &'a dyn Fn(&str) -> RepoError;

/// Maps an error of a statement that writes.
///
/// - connection trouble → [`RepoError::Unavailable`]
/// - unique violation → whatever `on_unique` says
/// - foreign-key violation → [`RepoError::NotFound`]: a row the write refers
///   to (user, legacy, story) does not exist
/// - anything else → [`RepoError::Internal`]
pub fn write_error(err: sqlx::Error, on_unique: OnUnique<'_>) -> RepoError {
    if let sqlx::Error::Database(db) = &err {
        match db.kind() {
            ErrorKind::UniqueViolation => return on_unique(&unique_target(db.as_ref())),
            ErrorKind::ForeignKeyViolation => return RepoError::NotFound,
            _ => {}
        }
    }
    read_error(err)
}

/// Maps an error of a statement that only reads (or whose constraint
/// failures would be a bug): connection trouble → [`RepoError::Unavailable`],
/// a missing row → [`RepoError::NotFound`], everything else → internal.
pub fn read_error(err: sqlx::Error) -> RepoError {
    if is_full(&err) {
        return RepoError::Full(err.into());
    }
    if is_unavailable(&err) {
        return RepoError::Unavailable(err.into());
    }
    match err {
        sqlx::Error::RowNotFound => RepoError::NotFound,
        other => RepoError::Internal(other.into()),
    }
}

/// The default answer to a unique violation: the id (or another unique
/// value) is taken.
pub fn conflict(target: &str) -> RepoError {
    RepoError::Conflict(format!(
        "a record with the same unique value exists ({target})"
    ))
}

/// A unique violation on a user row: the e-mail address belongs to another
/// account when the e-mail is the value that clashed, otherwise [`conflict`].
pub fn user_conflict(target: &str) -> RepoError {
    if target.contains("email") {
        RepoError::EmailTaken
    } else {
        conflict(target)
    }
}

/// The constraint's name when the driver reports it, else the message (which
/// names the table and columns on SQLite).
pub fn unique_target(db: &dyn DatabaseError) -> String {
    db.constraint()
        .map(str::to_owned)
        .unwrap_or_else(|| db.message().to_owned())
}

/// Whether the error means "the database's disk is full": SQLite's FULL
/// (which it reports for `ENOSPC`), Postgres's `53100 disk_full`.
pub fn is_full(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<i32>().is_ok_and(|c| c & 0xff == 13)
    } else {
        code == "53100"
    }
}

/// Whether the error means "the database cannot be reached or is not taking
/// work right now", as opposed to a problem with this statement.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let Some(code) = db.code() else {
                return false;
            };
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                code.parse::<i32>().is_ok_and(sqlite_unavailable)
            } else {
                postgres_unavailable(&code)
            }
        }
        _ => false,
    }
}

/// SQLite result codes (the primary code is the low byte of the extended
/// one): BUSY, LOCKED, IOERR, CANTOPEN. (FULL is [`is_full`].)
fn sqlite_unavailable(code: i32) -> bool {
    matches!(code & 0xff, 5 | 6 | 10 | 14)
}

/// Postgres SQLSTATE: class 08 is "connection exception", 57P0x the server
/// shutting down or terminating this backend, 53300 too many connections.
fn postgres_unavailable(sqlstate: &str) -> bool {
    sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate == "53300"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_sqlite_and_shutting_down_postgres_are_unavailable() {
        assert!(sqlite_unavailable(5));
        assert!(sqlite_unavailable(517));
        assert!(!sqlite_unavailable(19));
        assert!(!sqlite_unavailable(2067));
        assert!(postgres_unavailable("57P01"));
        assert!(postgres_unavailable("08006"));
        assert!(!postgres_unavailable("23505"));
    }

    #[test]
    fn pool_timeout_is_unavailable_and_missing_row_is_not_found() {
        assert!(matches!(
            read_error(sqlx::Error::PoolTimedOut),
            RepoError::Unavailable(_)
        ));
        assert!(matches!(
            read_error(sqlx::Error::RowNotFound),
            RepoError::NotFound
        ));
    }
}
