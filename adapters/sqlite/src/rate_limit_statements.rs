//! The rate limiter's statements on SQLite: arrival times in unix
//! microseconds, the database's clock (`julianday('now')` is the same for
//! every use within one statement).

use mosaic_sql_common::RateLimitStatements;

/// Now, in unix microseconds.
macro_rules! now {
    () => {
        "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"
    };
}

pub(crate) static SQLITE_RATE_LIMITS: RateLimitStatements = RateLimitStatements {
    acquire: concat!(
        "INSERT INTO rate_limits (key, tat) VALUES (?1, ",
        now!(),
        " + ?2) ON CONFLICT (key) DO UPDATE SET tat = MAX(tat, ",
        now!(),
        ") + ?2 WHERE MAX(tat, ",
        now!(),
        ") + ?2 - ",
        now!(),
        " <= ?2 * ?3 RETURNING 1"
    ),
    ahead: concat!(
        "SELECT MAX(tat - ",
        now!(),
        ", 0) FROM rate_limits WHERE key = ?1"
    ),
    forget_recovered: concat!("DELETE FROM rate_limits WHERE tat < ", now!()),
};
