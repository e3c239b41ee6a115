//! The import side: a ZIP on disk checked completely — directory, manifest,
//! every file's size and SHA-256, every front matter — before anything is
//! written anywhere. Entries are read in bounded chunks and cut off at their
//! declared size, so a lying header cannot make the reader unpack more.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use async_zip::tokio::read::fs::ZipFileReader;
use futures_lite::io::AsyncReadExt as _;
use mosaic_archive_format::paths::MANIFEST;
use mosaic_archive_format::{ArchiveError, EntryHeader, Hasher, ImportCheck, Limits, Manifest};
use mosaic_domain::{LegacyArchive, MediaId};
use mosaic_ports::ArchiveMediaSource;
use tokio::io::AsyncWriteExt as _;

const CHUNK: usize = 64 * 1024;
const S_IFMT: u16 = 0o170_000;
const S_IFLNK: u16 = 0o120_000;

/// An archive on disk that passed every check, ready to hand its media to
/// the import (see [`ArchiveMediaSource`]).
pub struct CheckedArchive {
    reader: ZipFileReader,
    headers: Vec<EntryHeader>,
    media: HashMap<MediaId, usize>,
    limits: Limits,
    scratch: tempfile::TempDir,
}

impl std::fmt::Debug for CheckedArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedArchive")
            .field("entries", &self.headers.len())
            .field("media", &self.media.len())
            .finish_non_exhaustive()
    }
}

fn zip_error(err: async_zip::error::ZipError) -> ArchiveError {
    ArchiveError::NotZip(err.to_string())
}

type EntryReader = async_zip::base::read::ZipEntryReader<
    'static,
    tokio_util::compat::Compat<tokio::io::BufReader<tokio::fs::File>>,
    async_zip::base::read::WithoutEntry,
>;

/// One entry read in chunks, refusing more than `cap` bytes in all.
struct Capped {
    inner: EntryReader,
    name: String,
    cap: u64,
    total: u64,
    buf: Vec<u8>,
}

impl Capped {
    async fn open(
        reader: &ZipFileReader,
        index: usize,
        header: &EntryHeader,
        limits: &Limits,
    ) -> Result<Self, ArchiveError> {
        Ok(Self {
            inner: reader
                .reader_without_entry(index)
                .await
                .map_err(zip_error)?,
            name: header.name.clone(),
            cap: limits.read_cap(header),
            total: 0,
            buf: vec![0_u8; CHUNK],
        })
    }

    /// The next chunk; empty at the end.
    async fn next(&mut self) -> Result<&[u8], ArchiveError> {
        let n = self
            .inner
            .read(&mut self.buf)
            .await
            .map_err(|err| ArchiveError::NotZip(format!("'{}': {err}", self.name)))?;
        self.total += n as u64;
        if self.total > self.cap {
            return Err(ArchiveError::TooLarge(format!(
                "'{}' holds more bytes than its header says or than is accepted",
                self.name
            )));
        }
        Ok(&self.buf[..n])
    }
}

/// Opens and checks the archive at `path` completely. On success, the
/// legacy's records and the archive for its media.
pub async fn open_archive(
    path: &Path,
    limits: Limits,
) -> Result<(LegacyArchive, CheckedArchive), ArchiveError> {
    let reader = ZipFileReader::new(path).await.map_err(zip_error)?;
    let mut headers = Vec::with_capacity(reader.file().entries().len());
    for entry in reader.file().entries() {
        let name = entry
            .filename()
            .as_str()
            .map_err(|_| ArchiveError::UnsafePath {
                path: String::from_utf8_lossy(entry.filename().as_bytes())
                    .chars()
                    .take(120)
                    .collect(),
                why: "the name is not UTF-8",
            })?;
        headers.push(EntryHeader {
            name: name.to_owned(),
            compressed_size: entry.compressed_size(),
            uncompressed_size: entry.uncompressed_size(),
            is_symlink: entry
                .unix_permissions()
                .is_some_and(|mode| mode & S_IFMT == S_IFLNK),
            is_dir: entry.dir().unwrap_or(false) || name.ends_with('/'),
        });
    }
    limits.check_headers(&headers)?;

    let manifest_index = headers
        .iter()
        .position(|h| h.name == MANIFEST)
        .ok_or(ArchiveError::NotAnArchive)?;
    let mut manifest_bytes = Vec::new();
    let mut entry =
        Capped::open(&reader, manifest_index, &headers[manifest_index], &limits).await?;
    loop {
        let chunk = entry.next().await?;
        if chunk.is_empty() {
            break;
        }
        manifest_bytes.extend_from_slice(chunk);
    }
    let mut check = ImportCheck::new(Manifest::parse(&manifest_bytes)?)?;
    drop(manifest_bytes);
    check.check_listing(&headers)?;

    for (index, header) in headers.iter().enumerate() {
        if header.is_dir || index == manifest_index {
            continue;
        }
        let text = ImportCheck::is_text_name(&header.name);
        let mut hasher = Hasher::new();
        let mut kept = Vec::new();
        let mut entry = Capped::open(&reader, index, header, &limits).await?;
        loop {
            let chunk = entry.next().await?;
            if chunk.is_empty() {
                break;
            }
            hasher.update(chunk);
            if text {
                kept.extend_from_slice(chunk);
            }
        }
        check.file_read(&hasher.finish(&header.name))?;
        if text {
            check.text_file(&header.name, &kept)?;
        }
    }

    let media_paths: HashMap<String, MediaId> = check
        .manifest()
        .media
        .iter()
        .filter_map(|m| m.id.parse().ok().map(|id| (m.path.clone(), id)))
        .collect();
    let media = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| media_paths.get(&h.name).map(|id| (*id, i)))
        .collect();
    let archive = check.finish()?;
    let scratch = tempfile::tempdir()
        .map_err(|err| ArchiveError::NotZip(format!("no scratch folder: {err}")))?;
    Ok((
        archive,
        CheckedArchive {
            reader,
            headers,
            media,
            limits,
            scratch,
        },
    ))
}

#[async_trait]
impl ArchiveMediaSource for CheckedArchive {
    /// Unpacks the item into the scratch folder (replacing the previous
    /// one, so at most one media file is on disk at a time).
    async fn file_of(&mut self, media: MediaId) -> anyhow::Result<PathBuf> {
        let index = *self
            .media
            .get(&media)
            .ok_or_else(|| anyhow::anyhow!("media {media} is not in the archive"))?;
        let header = &self.headers[index];
        let path = self.scratch.path().join("media");
        let mut file = tokio::fs::File::create(&path).await?;
        let mut entry = Capped::open(&self.reader, index, header, &self.limits).await?;
        loop {
            let chunk = entry.next().await?;
            if chunk.is_empty() {
                break;
            }
            file.write_all(chunk).await?;
        }
        file.flush().await?;
        Ok(path)
    }
}
