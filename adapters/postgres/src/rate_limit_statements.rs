//! The rate limiter's statements on Postgres: an UNLOGGED table (losing it
//! in a crash only forgets recent counts), the database's `now()`.

use mosaic_sql_common::RateLimitStatements;

pub(crate) static POSTGRES_RATE_LIMITS: RateLimitStatements = RateLimitStatements {
    acquire: "INSERT INTO rate_limits AS g (key, tat) \
              VALUES ($1, now() + $2 * interval '1 microsecond') \
              ON CONFLICT (key) DO UPDATE \
              SET tat = GREATEST(g.tat, now()) + $2 * interval '1 microsecond' \
              WHERE GREATEST(g.tat, now()) + $2 * interval '1 microsecond' - now() \
                    <= $2 * $3 * interval '1 microsecond' \
              RETURNING 1",
    ahead: "SELECT GREATEST((EXTRACT(EPOCH FROM tat - now()) * 1000000)::bigint, 0) \
            FROM rate_limits WHERE key = $1",
    forget_recovered: "DELETE FROM rate_limits WHERE tat < now()",
};
