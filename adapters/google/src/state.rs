//! Comparing the callback's `state` with the one the login started with.

use mosaic_ports::PendingLogin;
use subtle::ConstantTimeEq;

/// Whether the `state` the provider sent back to the callback is the one
/// this login was started with.
///
/// This check is the caller's job, before [`finish_login`]: the HTTP layer
/// looks up the pending login bound to the browser (single use, short-lived)
/// and calls this with the callback's `state` query parameter. A `false`
/// means a forged, tampered or replayed callback: answer
/// [`IdentityError::InvalidState`] and do not exchange the code.
///
/// The comparison takes the same time wherever the strings differ, so the
/// expected value cannot be guessed byte by byte.
///
/// [`finish_login`]: mosaic_ports::IdentityProvider::finish_login
/// [`IdentityError::InvalidState`]: mosaic_ports::IdentityError::InvalidState
pub fn state_matches(pending: &PendingLogin, received: &str) -> bool {
    let expected = pending.state.as_bytes();
    !expected.is_empty() && bool::from(expected.ct_eq(received.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(state: &str) -> PendingLogin {
        PendingLogin {
            state: state.to_owned(),
            nonce: "n".to_owned(),
            pkce_verifier: "v".to_owned(),
        }
    }

    #[test]
    fn the_same_state_matches() {
        assert!(state_matches(&pending("abc123"), "abc123"));
    }

    #[test]
    fn a_different_or_truncated_state_does_not_match() {
        assert!(!state_matches(&pending("abc123"), "abc124"));
        assert!(!state_matches(&pending("abc123"), "abc12"));
        assert!(!state_matches(&pending("abc123"), "abc1234"));
        assert!(!state_matches(&pending("abc123"), ""));
    }

    #[test]
    fn an_empty_expected_state_never_matches() {
        assert!(!state_matches(&pending(""), ""));
    }
}
