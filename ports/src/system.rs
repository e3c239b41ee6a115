//! Time and randomness, the two inputs the domain refuses to fetch itself.

use time::OffsetDateTime;
use uuid::Uuid;

/// The current time.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now, in UTC, with microsecond precision (what both databases store,
    /// so a value read back equals the value written).
    fn now(&self) -> OffsetDateTime;
}

/// New ids and secrets.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A new unique id; time-ordered (UUID v7) in production.
    fn new_id(&self) -> Uuid;

    /// 32 bytes from a cryptographically secure source, for session tokens
    /// and sign-in links.
    fn new_secret(&self) -> [u8; 32];
}

/// The system clock, truncated to microseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
            .unwrap_or(now)
    }
}

/// UUID v7 ids and secrets from the operating system's generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }

    fn new_secret(&self) -> [u8; 32] {
        let mut secret = [0u8; 32];
        // The OS generator failing means the machine cannot make secrets at
        // all; signing people in with a weak token would be worse than stopping.
        getrandom::fill(&mut secret).expect("the operating system's random generator failed");
        secret
    }
}
