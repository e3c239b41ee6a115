//! Per-person and per-address rate limits (the seed's 10 stories a minute
//! per person, and a cap on sign-in attempts per IP), kept in the database
//! through the [`RateLimiter`] port so that N replicas behind a load
//! balancer enforce one limit, not N.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use mosaic_domain::UserId;
use mosaic_ports::{RateLimiter, RateQuota, RepoError};

/// How many requests per minute each limit allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Stories one person may create per minute.
    pub stories_per_minute: NonZeroU32,
    /// Sign-in attempts one IP address may make per minute.
    pub sign_ins_per_minute: NonZeroU32,
    /// Archive exports and imports one person may start per hour.
    pub archives_per_hour: NonZeroU32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            stories_per_minute: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            sign_ins_per_minute: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
            archives_per_hour: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The server's limits over the shared limiter.
#[derive(Clone)]
pub struct RateLimits {
    limiter: Arc<dyn RateLimiter>,
    settings: RateLimitSettings,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl RateLimits {
    /// Limits with the given quotas, kept by `limiter`.
    pub fn new(limiter: Arc<dyn RateLimiter>, settings: RateLimitSettings) -> Self {
        Self { limiter, settings }
    }

    /// `Err(seconds to wait)` when the user wrote too many stories lately.
    pub async fn check_story_creation(&self, user: UserId) -> Result<(), u64> {
        let key = format!("story:{}", user.as_uuid());
        self.check(&key, self.settings.stories_per_minute).await
    }

    /// `Err(seconds to wait)` when the address tried to sign in too often.
    pub async fn check_sign_in(&self, address: IpAddr) -> Result<(), u64> {
        let key = format!("sign-in:{address}");
        self.check(&key, self.settings.sign_ins_per_minute).await
    }

    /// `Err(seconds to wait)` when the user started too many archive
    /// exports or imports in the last hour.
    pub async fn check_archive(&self, user: UserId) -> Result<(), u64> {
        let key = format!("archive:{}", user.as_uuid());
        let quota = RateQuota {
            count: self.settings.archives_per_hour,
            period: std::time::Duration::from_secs(3600),
        };
        self.check_quota(&key, quota).await
    }

    /// Forgets keys whose limits have fully recovered, so the table stays
    /// small; run by the recurring background job. Safe on any number of
    /// replicas at once.
    pub async fn forget_recovered(&self) -> Result<u64, RepoError> {
        self.limiter.forget_recovered().await
    }

    /// The limiter guards requests that need the database anyway: when it
    /// cannot answer, the request goes ahead and meets the same outage (a
    /// clear 503) in its own query, rather than failing here on a guess.
    async fn check(&self, key: &str, per_minute: NonZeroU32) -> Result<(), u64> {
        self.check_quota(key, RateQuota::per_minute(per_minute))
            .await
    }

    async fn check_quota(&self, key: &str, quota: RateQuota) -> Result<(), u64> {
        match self.limiter.acquire(key, quota).await {
            Ok(decision) => decision.retry_after_secs().map_or(Ok(()), Err),
            Err(err) => {
                tracing::warn!(error = %err, "rate limiter unavailable; request let through");
                Ok(())
            }
        }
    }
}
