//! Per-user and per-address rate limits (the seed's 10 stories a minute per
//! person, and a cap on sign-in attempts per IP).
//!
//! The limits live in this process. With N replicas behind a load balancer
//! the effective limit is up to N times higher; that is acceptable for abuse
//! protection, and a shared store can replace this type later without
//! touching the handlers.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use mosaic_domain::UserId;

/// How many requests per minute each limit allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Stories one person may create per minute.
    pub stories_per_minute: NonZeroU32,
    /// Sign-in attempts one IP address may make per minute.
    pub sign_ins_per_minute: NonZeroU32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            stories_per_minute: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            sign_ins_per_minute: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The limiters of one server process.
#[derive(Debug)]
pub struct RateLimits {
    stories: DefaultKeyedRateLimiter<UserId>,
    sign_ins: DefaultKeyedRateLimiter<IpAddr>,
}

impl RateLimits {
    /// Limiters with the given quotas.
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            stories: RateLimiter::keyed(Quota::per_minute(settings.stories_per_minute)),
            sign_ins: RateLimiter::keyed(Quota::per_minute(settings.sign_ins_per_minute)),
        }
    }

    /// `Err(seconds to wait)` when the user wrote too many stories lately.
    pub fn check_story_creation(&self, user: UserId) -> Result<(), u64> {
        check(&self.stories, &user)
    }

    /// `Err(seconds to wait)` when the address tried to sign in too often.
    pub fn check_sign_in(&self, address: IpAddr) -> Result<(), u64> {
        check(&self.sign_ins, &address)
    }

    /// Forgets keys whose limits have fully recovered, so memory stays
    /// bounded; called periodically.
    pub fn forget_idle_keys(&self) {
        self.stories.retain_recent();
        self.sign_ins.retain_recent();
    }
}

fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), u64> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_eleventh_story_in_a_minute_waits() {
        let limits = RateLimits::new(RateLimitSettings::default());
        let user = UserId::from_uuid(Uuid::from_u128(1));
        for _ in 0..10 {
            assert_eq!(limits.check_story_creation(user), Ok(()));
        }
        let wait = limits.check_story_creation(user).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(
            limits.check_story_creation(UserId::from_uuid(Uuid::from_u128(2))),
            Ok(())
        );
    }
}
