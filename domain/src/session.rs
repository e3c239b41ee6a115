//! Server-side sessions. The browser holds a random secret; the server keeps
//! only its SHA-256 hash, so a leaked database does not sign anyone in.

use time::{Duration, OffsetDateTime};

use crate::{SessionId, UserId};

/// How long a session lasts after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::days(7);

/// The SHA-256 hash of a session's secret token (hashing is the caller's job:
/// this crate does no cryptography).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Wraps a 32-byte hash.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The hash bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for TokenHash {
    // Even a hash is kept out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Stable id, safe to show (for example in `mosaic-admin session list`).
    pub id: SessionId,
    /// Whose session it is.
    pub user_id: UserId,
    /// Hash of the secret the browser holds.
    pub token_hash: TokenHash,
    /// Sign-in time.
    pub created_at: OffsetDateTime,
    /// After this the session no longer signs anyone in.
    pub expires_at: OffsetDateTime,
    /// Set on logout, account disable or admin revoke.
    pub revoked_at: Option<OffsetDateTime>,
}

impl Session {
    /// A fresh session starting at `now` for [`SESSION_LIFETIME`].
    pub fn start(
        id: SessionId,
        user_id: UserId,
        token_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            user_id,
            token_hash,
            created_at: now,
            expires_at: now + SESSION_LIFETIME,
            revoked_at: None,
        }
    }

    /// Whether the session signs its user in at `now`.
    pub fn is_live_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn session(now: OffsetDateTime) -> Session {
        Session::start(
            SessionId::from_uuid(uuid::Uuid::nil()),
            UserId::from_uuid(uuid::Uuid::nil()),
            TokenHash::from_bytes([7; 32]),
            now,
        )
    }

    #[test]
    fn session_lasts_seven_days() {
        let now = datetime!(2025-01-01 0:00 UTC);
        let s = session(now);
        assert!(s.is_live_at(now + Duration::days(7) - Duration::seconds(1)));
        assert!(!s.is_live_at(now + Duration::days(7)));
    }

    #[test]
    fn revoked_session_is_dead_at_once() {
        let now = datetime!(2025-01-01 0:00 UTC);
        let s = Session {
            revoked_at: Some(now),
            ..session(now)
        };
        assert!(!s.is_live_at(now));
    }

    #[test]
    fn token_hash_is_not_printed() {
        assert_eq!(
            format!("{:?}", TokenHash::from_bytes([1; 32])),
            "TokenHash(..)"
        );
    }
}
