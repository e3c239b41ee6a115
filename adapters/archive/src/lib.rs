//! # mosaic-archive
//!
//! Mosaic Life archives as ZIP files (the format is in
//! `mosaic-archive-format`; this crate moves the bytes, with `async_zip`):
//!
//! - [`write_archive`] writes an export to any async writer, reading the
//!   snapshot page by page and copying media from storage chunk by chunk;
//!   [`archive_stream`] turns it into an HTTP body without spawning a task.
//! - [`open_archive`] checks an archive on disk completely before an import
//!   writes anything, and then serves its media to the import
//!   ([`CheckedArchive`] is a [`mosaic_ports::ArchiveMediaSource`]).

#![warn(missing_docs)]

mod read;
mod write;

pub use mosaic_archive_format::{ArchiveError, Limits};
pub use read::{CheckedArchive, open_archive};
pub use write::{ExportError, ExportSummary, Progress, archive_stream, write_archive};
