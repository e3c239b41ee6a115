//! # mosaic-archive-format
//!
//! The Mosaic Life archive: a ZIP that opens without any software of ours.
//!
//! ```text
//! README.txt                          what this is and how it is laid out
//! index.html                          offline page: every story with its text, every photo
//! stories/<date>-<slug>.md            one per story: YAML front matter, then the Markdown
//! revisions/<story id>/<rev id>.md    earlier versions, same form
//! media/<id>-<safe file name>         the original bytes as uploaded
//! manifest.json                       format, version, legacy, people, members, stories,
//!                                     revisions, media, and size + SHA-256 of every file
//! ```
//!
//! This crate holds the format and its rules and does no I/O: names and
//! paths ([`paths`]), front matter ([`FrontMatter`]), the manifest
//! ([`Manifest`]), the file texts ([`files`]), and the import checks
//! ([`ImportCheck`]: zip-slip and absolute paths, symlinks, duplicate
//! names, size and ratio limits, hash mismatches, missing or extra files,
//! malformed front matter, unknown versions). Reading and writing the ZIP
//! itself is the `mosaic-archive` adapter's job.

#![warn(missing_docs)]

mod check;
pub mod files;
mod front_matter;
mod manifest;
mod parse;
pub mod paths;

use sha2::{Digest, Sha256};
use thiserror::Error;

pub use check::{EntryHeader, ImportCheck, Limits};
pub use front_matter::FrontMatter;
pub use manifest::{
    ArchiveKind, FORMAT_NAME, FORMAT_VERSION, Manifest, ManifestFile, ManifestLegacy,
    ManifestMedia, ManifestMember, ManifestPerson, ManifestRevision, ManifestStory, timestamp,
};

/// Why an archive is refused. Every message names the problem and, where
/// there is one, the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ArchiveError {
    /// The file is not a ZIP, or the ZIP is damaged.
    #[error("the file is not a readable ZIP archive: {0}")]
    NotZip(String),
    /// No `manifest.json`, or one of another format.
    #[error("this is not a Mosaic Life archive (manifest.json is missing or names another format)")]
    NotAnArchive,
    /// A version this code does not read.
    #[error("the archive's format version {0} is not supported (this version reads version 1)")]
    UnknownVersion(String),
    /// The manifest does not parse or holds a bad value.
    #[error("manifest.json is not valid: {0}")]
    Manifest(String),
    /// An entry name that could write outside the target or is malformed.
    #[error("the archive contains an unsafe path '{path}': {why}")]
    UnsafePath {
        /// The name (shortened).
        path: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A symbolic link entry.
    #[error("the archive contains a symbolic link '{0}'; archives hold only files")]
    Symlink(String),
    /// The same name twice.
    #[error("the archive contains '{0}' twice")]
    DuplicateName(String),
    /// Too many entries, too large, or compressed suspiciously well.
    #[error("the archive is refused as a possible zip bomb: {0}")]
    TooLarge(String),
    /// A file the manifest does not list.
    #[error("the archive contains '{0}', which manifest.json does not list")]
    ExtraFile(String),
    /// A file the manifest lists but the archive lacks.
    #[error("manifest.json lists '{0}', which the archive does not contain")]
    MissingFile(String),
    /// A file whose bytes are not those the manifest recorded.
    #[error("the contents of '{0}' do not match manifest.json (size or SHA-256 differ)")]
    HashMismatch(String),
    /// A Markdown file whose front matter is malformed or disagrees with
    /// the manifest.
    #[error("the front matter of '{path}' is not valid: {why}")]
    FrontMatter {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// A personal archive (not importable).
    #[error(
        "this archive holds one person's stories across legacies; only an archive of a legacy can be imported"
    )]
    NotALegacyArchive,
    /// The records do not fit together.
    #[error("the archive's contents are inconsistent: {0}")]
    Contents(#[from] mosaic_domain::ArchiveContentError),
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 over bytes given piece by piece.
#[derive(Debug, Clone, Default)]
pub struct Hasher {
    inner: Sha256,
    len: u64,
}

impl Hasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.inner.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// Bytes seen so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no byte was seen.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file's record: path, size and hash.
    pub fn finish(self, path: &str) -> ManifestFile {
        ManifestFile {
            path: path.to_owned(),
            size_bytes: self.len,
            sha256: hex::encode(self.inner.finalize()),
        }
    }
}
