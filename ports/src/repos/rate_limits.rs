use std::num::NonZeroU32;
use std::time::Duration;

use async_trait::async_trait;

use crate::RepoError;

/// How many requests one key may make: `count` at once, then one more each
/// `period / count` (a generic cell rate: "10 a minute" allows a burst of
/// 10, then one every 6 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// Requests allowed in one period (also the largest burst).
    pub count: NonZeroU32,
    /// The period.
    pub period: Duration,
}

impl RateQuota {
    /// `count` requests a minute.
    pub fn per_minute(count: NonZeroU32) -> Self {
        Self {
            count,
            period: Duration::from_secs(60),
        }
    }

    /// The time one request uses up: `period / count`, at least 1 µs.
    pub fn emission_interval(&self) -> Duration {
        (self.period / self.count.get()).max(Duration::from_micros(1))
    }
}

/// The answer of [`RateLimiter::acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// The request may go ahead; it has been counted.
    Allowed,
    /// Too many requests lately; the next one is allowed after `retry_after`.
    Limited {
        /// How long to wait (more than zero, at most the quota's period).
        retry_after: Duration,
    },
}

impl RateDecision {
    /// `retry_after` rounded up to whole seconds (at least 1), for a
    /// `Retry-After` header; `None` when allowed.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Allowed => None,
            Self::Limited { retry_after } => {
                Some((retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1))
            }
        }
    }
}

/// Rate limits kept in the store, so that every process using the same
/// database enforces one limit: N replicas behind a load balancer allow
/// what one would. Both database adapters implement it (one statement on
/// a table of their own); the HTTP shell keys it by person or address.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request for `key` against `quota`.
    /// MUST answer [`RateDecision::Allowed`] for the first `quota.count`
    /// requests of a key not seen lately, then
    /// [`RateDecision::Limited`] with a `retry_after` in `(0, period]`
    /// until an emission interval has passed.
    /// MUST be atomic across callers and processes: of any number of
    /// concurrent calls for a fresh key, exactly `quota.count` are allowed.
    /// A refused request MUST NOT use up allowance. Keys are independent.
    async fn acquire(&self, key: &str, quota: RateQuota) -> Result<RateDecision, RepoError>;

    /// Forgets keys whose allowance is whole again (so the state stays
    /// bounded) and returns how many. MUST NOT change any later decision.
    async fn forget_recovered(&self) -> Result<u64, RepoError>;
}
