//! The shared rate limiter ([`RateLimiter`](mosaic_ports::RateLimiter)) on
//! one table, `rate_limits (key, tat)`: a generic cell-rate algorithm whose
//! only state per key is its "theoretical arrival time". One upsert both
//! decides and counts, so any number of processes on the same database
//! enforce one limit without a lock of their own.
//!
//! Times come from the database's clock (not the callers'), so replicas
//! whose clocks differ still agree.

/// The SQL of the rate limiter in one dialect; parameters as numbered.
#[derive(Debug)]
pub struct RateLimitStatements {
    /// Upsert the arrival time of key (1), with the emission interval in
    /// microseconds (2) and the burst, requests per period (3): a fresh key gets `now + interval`; an
    /// existing one `max(tat, now) + interval` unless that is more than
    /// `interval * burst` ahead of now. Returns a row exactly when allowed.
    pub acquire: &'static str,
    /// Microseconds from now until the key's arrival time (0 when past), (1).
    pub ahead: &'static str,
    /// Delete every key whose arrival time has passed.
    pub forget_recovered: &'static str,
}

/// Implements [`RateLimiter`](mosaic_ports::RateLimiter) for `$store`, which
/// must have `fn pool(&self) -> &sqlx::Pool<$db>`. `$statements` is a
/// `&'static RateLimitStatements` in the store's dialect.
#[macro_export]
macro_rules! impl_rate_limiter {
    (store = $store:ty, db = $db:ty, statements = $statements:expr $(,)?) => {
        const _: () = {
            use std::time::Duration;

            use $crate::__private::async_trait::async_trait;
            use $crate::__private::ports::{RateDecision, RateLimiter, RateQuota, RepoError};
            use $crate::__private::sqlx;
            use $crate::{RateLimitStatements, read_error};

            const SQL: &RateLimitStatements = $statements;

            fn micros(duration: Duration) -> i64 {
                i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
            }

            #[async_trait]
            impl RateLimiter for $store {
                async fn acquire(
                    &self,
                    key: &str,
                    quota: RateQuota,
                ) -> Result<RateDecision, RepoError> {
                    let interval = micros(quota.emission_interval());
                    let burst = i64::from(quota.count.get());
                    let allowed: Option<i32> = sqlx::query_scalar(SQL.acquire)
                        .bind(key)
                        .bind(interval)
                        .bind(burst)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?;
                    if allowed.is_some() {
                        return Ok(RateDecision::Allowed);
                    }
                    let ahead: Option<i64> = sqlx::query_scalar(SQL.ahead)
                        .bind(key)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?;
                    // The next request is allowed once the arrival time is
                    // no more than `interval * (burst - 1)` ahead. (The key
                    // may have recovered since the upsert: then wait the
                    // least amount.)
                    let wait = ahead.unwrap_or(0) - interval * (burst - 1);
                    let wait = u64::try_from(wait).unwrap_or(0).max(1);
                    Ok(RateDecision::Limited {
                        retry_after: Duration::from_micros(wait).min(quota.period),
                    })
                }

                async fn forget_recovered(&self) -> Result<u64, RepoError> {
                    let done = sqlx::query(SQL.forget_recovered)
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
