//! # mosaic-key-file
//!
//! Server-side secret keys (the media URL signing key, the sign-in cookie
//! key): given as hex in a setting, or generated once and kept in a file in
//! the data directory so that they survive restarts of the embedded server.
//! Replicas that do not share a data directory must all be given the same
//! key through the setting.

use std::fmt;
use std::io::Write;
use std::path::Path;

use thiserror::Error;

/// Shortest key accepted, in bytes (256 bits).
pub const MIN_KEY_BYTES: usize = 32;

/// A secret key of at least [`MIN_KEY_BYTES`] bytes. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// Why a key could not be used.
#[derive(Debug, Error)]
pub enum KeyError {
    /// Not hexadecimal, or shorter than 32 bytes.
    #[error("a key must be at least {MIN_KEY_BYTES} bytes, written as hex")]
    Invalid,
    /// The key file could not be read or written.
    #[error("cannot read or create the key file {path}")]
    File {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl SecretKey {
    /// A key from raw bytes (at least 32).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(KeyError::Invalid);
        }
        Ok(Self(bytes.to_vec()))
    }

    /// A key written as hex (at least 64 hex digits), as
    /// `openssl rand -hex 32` prints one.
    pub fn from_hex(hex_key: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| KeyError::Invalid)?;
        Self::from_bytes(&bytes)
    }

    /// A new random 32-byte key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; MIN_KEY_BYTES];
        // Without a random source no secret can be made; running with a
        // guessable key would be worse than stopping.
        getrandom::fill(&mut bytes).expect("the operating system has no random number source");
        Self(bytes.to_vec())
    }

    /// Reads the hex key in `path`, or creates the file (mode 0600) with a
    /// new random key when it does not exist. When two processes race to
    /// create it, both end up with the key of the one that won.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let file_error = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => return Self::from_hex(&text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(file_error(err)),
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(file_error)?;
        }
        let key = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(hex::encode(&key.0).as_bytes())
                    .map_err(file_error)?;
                Ok(key)
            }
            // Another process created it first: use theirs.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path).map_err(file_error)?;
                Self::from_hex(&text)
            }
            Err(err) => Err(file_error(err)),
        }
    }

    /// The setting's key when it is given, else the key kept in `path`.
    pub fn from_setting_or_file(setting: Option<&str>, path: &Path) -> Result<Self, KeyError> {
        match setting {
            Some(hex_key) => Self::from_hex(hex_key),
            None => Self::load_or_create(path),
        }
    }

    /// The key's bytes, for a MAC.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_non_hex_keys_are_refused() {
        assert!(SecretKey::from_bytes(&[1u8; 31]).is_err());
        assert!(SecretKey::from_hex("zz").is_err());
        assert!(SecretKey::from_hex(&"ab".repeat(31)).is_err());
        let key = SecretKey::from_hex(&format!(" {} ", "ab".repeat(32))).unwrap();
        assert_eq!(key.as_bytes(), &[0xab; 32]);
    }

    #[test]
    fn a_created_key_file_is_read_back_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("test.key");
        let first = SecretKey::load_or_create(&path).unwrap();
        let second = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(first, second);
        assert_ne!(
            first,
            SecretKey::load_or_create(&dir.path().join("other.key")).unwrap()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_setting_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.key");
        let key = SecretKey::from_setting_or_file(Some(&"cd".repeat(32)), &path).unwrap();
        assert_eq!(key.as_bytes(), &[0xcd; 32]);
        assert!(!path.exists());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SecretKey::from_bytes(&[0xab; 32]).unwrap();
        assert!(!format!("{key:?}").contains("ab"));
    }
}
