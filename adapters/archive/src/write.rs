//! The export: an [`ArchiveExport`] written as a ZIP to any async writer,
//! page by page, media bytes copied from storage chunk by chunk, so memory
//! stays flat whatever the archive's size.

use std::collections::{BTreeMap, HashMap};
use std::io;

use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipEntryBuilder};
use bytes::Bytes;
use futures_lite::io::AsyncWriteExt as _;
use futures_util::{Stream, StreamExt};
use mosaic_archive_format::paths::{
    INDEX, MANIFEST, README, StoryPaths, media_path, revision_path,
};
use mosaic_archive_format::{
    ArchiveKind, Hasher, Manifest, ManifestFile, ManifestLegacy, ManifestMedia, ManifestMember,
    ManifestPerson, ManifestRevision, ManifestStory, files,
};
use mosaic_domain::{MediaId, MediaRecord, PersonName, StoryId, UserId};
use mosaic_ports::{ArchiveExport, ExportKind, ServiceError};
use thiserror::Error;
use tokio::io::AsyncWrite;
use tokio_util::compat::Compat;

/// Stories (and media records) read per page.
const PAGE: u32 = 100;

/// Why an export stopped.
#[derive(Debug, Error)]
pub enum ExportError {
    /// Reading the snapshot or the media failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// Writing the ZIP failed (the client went away, the disk is full).
    #[error("writing the archive failed: {0}")]
    Write(String),
}

impl From<async_zip::error::ZipError> for ExportError {
    fn from(err: async_zip::error::ZipError) -> Self {
        Self::Write(err.to_string())
    }
}

impl From<io::Error> for ExportError {
    fn from(err: io::Error) -> Self {
        Self::Write(err.to_string())
    }
}

/// What was written, for progress and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExportSummary {
    /// Stories.
    pub stories: u64,
    /// Earlier versions.
    pub revisions: u64,
    /// Media files.
    pub media: u64,
    /// Bytes of media copied.
    pub media_bytes: u64,
}

/// Called as the export goes on, with the totals so far.
pub type Progress<'a> = &'a (dyn Fn(&ExportSummary) + Send + Sync);

type Zip<W> = ZipFileWriter<Compat<W>>;

/// Writes one entry from pieces, hashing as it goes.
async fn write_entry<W, I>(
    zip: &mut Zip<W>,
    path: &str,
    compression: Compression,
    pieces: I,
) -> Result<ManifestFile, ExportError>
where
    W: AsyncWrite + Unpin + Send,
    I: IntoIterator<Item = Vec<u8>>,
{
    let mut entry = zip
        .write_entry_stream(ZipEntryBuilder::new(path.to_owned().into(), compression))
        .await?;
    let mut hasher = Hasher::new();
    for piece in pieces {
        hasher.update(&piece);
        entry.write_all(&piece).await?;
    }
    entry.close().await?;
    Ok(hasher.finish(path))
}

/// Writes `export` as a ZIP to `out` and returns what it wrote. `out` is
/// flushed and shut down at the end; the snapshot is ended.
pub async fn write_archive<W>(
    mut export: ArchiveExport,
    out: W,
    progress: Progress<'_>,
) -> Result<ExportSummary, ExportError>
where
    W: AsyncWrite + Unpin + Send,
{
    let mut zip = ZipFileWriter::with_tokio(out);
    let kind = match export.kind() {
        ExportKind::Legacy => ArchiveKind::Legacy,
        ExportKind::Person(_) => ArchiveKind::Person,
    };
    let legacies = export.legacies();
    let mut manifest = Manifest::new(kind, export.exported_at());
    manifest.legacies = legacies.iter().map(ManifestLegacy::of).collect();
    let title = match (kind, legacies.as_slice()) {
        (ArchiveKind::Legacy, [legacy]) => legacy.name.as_str().to_owned(),
        _ => "My stories".to_owned(),
    };
    let mut summary = ExportSummary::default();
    let mut people: BTreeMap<UserId, Option<PersonName>> = BTreeMap::new();

    let readme = files::readme(&title, &manifest.exported_at);
    manifest.files.push(
        write_entry(
            &mut zip,
            README,
            Compression::Deflate,
            [readme.into_bytes()],
        )
        .await?,
    );

    // Media first: their bytes are the bulk, streamed straight from storage.
    let mut media_index: Vec<(MediaRecord, String)> = Vec::new();
    for legacy in &legacies {
        let mut after: Option<MediaId> = None;
        loop {
            let page = export.media(legacy.id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for record in page {
                let path = media_path(record.id, &record.file_name);
                let file = copy_media(&mut zip, &mut export, &record, &path).await?;
                summary.media += 1;
                summary.media_bytes += file.size_bytes;
                progress(&summary);
                manifest.files.push(file);
                manifest
                    .media
                    .push(ManifestMedia::of(&record, path.clone()));
                people.entry(record.uploaded_by).or_insert(None);
                media_index.push((record, path));
            }
        }
    }

    // Stories and their earlier versions.
    let mut paths = StoryPaths::default();
    let mut story_paths: HashMap<StoryId, String> = HashMap::new();
    for legacy in &legacies {
        let mut after: Option<StoryId> = None;
        loop {
            let page = export.stories(legacy.id, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.story.id);
            for view in &page {
                let story = &view.story;
                let path = paths.next(story.created_at, &story.title);
                let text = files::story_file(story, &view.author_name);
                manifest.files.push(
                    write_entry(&mut zip, &path, Compression::Deflate, [text.into_bytes()]).await?,
                );
                manifest
                    .stories
                    .push(ManifestStory::of(story, path.clone()));
                people.insert(story.author_id, Some(view.author_name.clone()));
                story_paths.insert(story.id, path);
                summary.stories += 1;
            }
            let stories: Vec<_> = page.into_iter().map(|v| v.story).collect();
            for revision in export.revisions(legacy.id, &stories).await? {
                let path = revision_path(revision.story_id, revision.id);
                let text = files::revision_file(&revision);
                manifest.files.push(
                    write_entry(&mut zip, &path, Compression::Deflate, [text.into_bytes()]).await?,
                );
                manifest
                    .revisions
                    .push(ManifestRevision::of(&revision, path));
                summary.revisions += 1;
            }
            progress(&summary);
        }
    }

    // index.html: a second pass over the same snapshot, one story at a time.
    {
        let mut entry = zip
            .write_entry_stream(ZipEntryBuilder::new(
                INDEX.to_owned().into(),
                Compression::Deflate,
            ))
            .await?;
        let mut hasher = Hasher::new();
        let put = |hasher: &mut Hasher, text: String| {
            hasher.update(text.as_bytes());
            text
        };
        let head = put(&mut hasher, files::index_head(&title, &legacies));
        entry.write_all(head.as_bytes()).await?;
        for (record, path) in &media_index {
            let piece = put(&mut hasher, files::index_media(record, path));
            entry.write_all(piece.as_bytes()).await?;
        }
        let heading = put(&mut hasher, files::index_stories_heading());
        entry.write_all(heading.as_bytes()).await?;
        for legacy in &legacies {
            let mut after: Option<StoryId> = None;
            loop {
                let page = export.stories(legacy.id, after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.story.id);
                for view in &page {
                    let path = story_paths
                        .get(&view.story.id)
                        .map(String::as_str)
                        .unwrap_or_default();
                    let piece = put(
                        &mut hasher,
                        files::index_story(&view.story, &view.author_name, path),
                    );
                    entry.write_all(piece.as_bytes()).await?;
                }
            }
        }
        let tail = put(&mut hasher, files::index_tail());
        entry.write_all(tail.as_bytes()).await?;
        entry.close().await?;
        manifest.files.push(hasher.finish(INDEX));
    }

    // Members and everyone named, with display names.
    for legacy in &legacies {
        for entry in export.members(legacy.id).await? {
            people.insert(entry.membership.user_id, Some(entry.name.clone()));
            manifest.members.push(ManifestMember::of(&entry.membership));
        }
    }
    let unnamed: Vec<UserId> = people
        .iter()
        .filter(|(_, name)| name.is_none())
        .map(|(id, _)| *id)
        .collect();
    for (id, name) in export.names(&unnamed).await? {
        people.insert(id, Some(name));
    }
    manifest.people = people
        .into_iter()
        .filter_map(|(id, name)| {
            name.map(|name| ManifestPerson::of(&mosaic_domain::ArchivedPerson { id, name }))
        })
        .collect();
    manifest
        .members
        .sort_by(|a, b| (&a.legacy_id, &a.user_id).cmp(&(&b.legacy_id, &b.user_id)));

    zip.write_entry_whole(
        ZipEntryBuilder::new(MANIFEST.to_owned().into(), Compression::Deflate),
        &manifest.to_json(),
    )
    .await?;
    let mut out = zip.close().await?.into_inner();
    tokio::io::AsyncWriteExt::shutdown(&mut out).await?;
    export.finish().await?;
    Ok(summary)
}

/// Copies one media item's bytes from storage into a stored (uncompressed:
/// photos and videos are compressed already) entry.
async fn copy_media<W>(
    zip: &mut Zip<W>,
    export: &mut ArchiveExport,
    record: &MediaRecord,
    path: &str,
) -> Result<ManifestFile, ExportError>
where
    W: AsyncWrite + Unpin + Send,
{
    let mut bytes = export.media_bytes(record).await?;
    let mut entry = zip
        .write_entry_stream(ZipEntryBuilder::new(
            path.to_owned().into(),
            Compression::Stored,
        ))
        .await?;
    let mut hasher = Hasher::new();
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk.map_err(ServiceError::from)?;
        hasher.update(&chunk);
        entry.write_all(&chunk).await?;
    }
    entry.close().await?;
    Ok(hasher.finish(path))
}

/// The archive as a stream of chunks for an HTTP response body, produced
/// as the client reads (a 64 KiB pipe between the ZIP writer and the body:
/// the writer waits while the client is slow). No task is spawned: the
/// writer runs inside the body stream. When the export fails half-way the
/// stream ends with an error, so the client sees a broken download rather
/// than a short file that looks whole.
pub fn archive_stream(
    export: ArchiveExport,
    on_done: impl FnOnce(&Result<ExportSummary, ExportError>) + Send + 'static,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let produce = futures_util::stream::once(async move {
        let result = write_archive(export, writer, &|_| {}).await;
        on_done(&result);
        result
    })
    .filter_map(|result| async move {
        match result {
            Ok(_) => None,
            Err(err) => Some(Err(io::Error::other(err.to_string()))),
        }
    });
    let consume = tokio_util::io::ReaderStream::new(reader);
    futures_util::stream::select(consume, produce)
}
