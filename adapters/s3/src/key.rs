//! Storage keys as this adapter accepts them.
//!
//! Keys are built by the service from ids (`legacies/{uuid}/media/{uuid}`),
//! so a key that fails these checks is a programming error or an attack on
//! the local signed-URL route. Either way it must never reach the file
//! system or a bucket: no `..`, no absolute paths, nothing but a small ASCII
//! alphabet.

use thiserror::Error;

/// The longest key accepted, in bytes (S3's own limit is 1024).
pub const MAX_KEY_BYTES: usize = 1024;

/// Why a storage key was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid storage key: {reason}")]
pub struct InvalidKey {
    /// What is wrong with it.
    pub reason: &'static str,
}

/// A storage key that is safe as a relative path and as an S3 key: one or
/// more `/`-separated segments of ASCII letters, digits, `-`, `_` and `.`,
/// where no segment is empty or starts with a dot (so no `.`, `..` or
/// hidden files), and no leading `/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorageKey(String);

impl StorageKey {
    /// Checks `key` against the rules above.
    pub fn parse(key: &str) -> Result<Self, InvalidKey> {
        if key.is_empty() {
            return Err(InvalidKey { reason: "empty" });
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(InvalidKey {
                reason: "longer than 1024 bytes",
            });
        }
        if key.starts_with('/') {
            return Err(InvalidKey {
                reason: "absolute path",
            });
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
        if !key.chars().all(allowed) {
            return Err(InvalidKey {
                reason: "only ASCII letters, digits, '-', '_', '.' and '/' are allowed",
            });
        }
        for segment in key.split('/') {
            if segment.is_empty() {
                return Err(InvalidKey {
                    reason: "empty path segment",
                });
            }
            if segment.starts_with('.') {
                return Err(InvalidKey {
                    reason: "a path segment starts with '.' (no '.', '..' or hidden names)",
                });
            }
        }
        Ok(Self(key.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_built_from_ids_are_accepted() {
        let key = "legacies/0190f1d2-7c1e-7abc-8def-0123456789ab/media/0190f1d2-7c1e-7abc-8def-0123456789ac";
        assert_eq!(StorageKey::parse(key).unwrap().as_str(), key);
        assert!(StorageKey::parse("a/b.c_d-e").is_ok());
    }

    #[test]
    fn traversal_and_absolute_keys_are_refused() {
        for key in [
            "",
            "/etc/passwd",
            "../secret",
            "a/../../b",
            "a/./b",
            "a//b",
            "a/",
            ".hidden",
            "a\\b",
            "a/b c",
            "a/é",
            "a%2F..",
            "a\0b",
        ] {
            assert!(StorageKey::parse(key).is_err(), "{key:?} was accepted");
        }
        assert!(StorageKey::parse(&"a".repeat(MAX_KEY_BYTES + 1)).is_err());
    }
}
