//! The import checks, in the order an importer applies them, before it
//! writes anything:
//!
//! 1. [`Limits::check_headers`] on the ZIP's directory: safe names, no
//!    symlinks, no duplicates, entry count, sizes and compression ratio;
//! 2. [`ImportCheck::new`] on `manifest.json`: format, version, kind;
//! 3. [`ImportCheck::check_listing`]: the files are exactly those the
//!    manifest lists, with the sizes it lists;
//! 4. per file, after reading (and counting) its bytes:
//!    [`ImportCheck::file_read`] compares size and SHA-256, and
//!    [`ImportCheck::text_file`] parses a Markdown file's front matter and
//!    compares it with the manifest;
//! 5. [`ImportCheck::finish`]: the records as domain values, checked by the
//!    domain's archive rules.

use std::collections::{HashMap, HashSet};

use mosaic_domain::{
    Biography, Legacy, LegacyArchive, LegacyId, LegacyName, LifeDates, Membership, Role, Story,
    StoryContent, StoryDraft, StoryRevision, StoryTitle, Visibility,
};

use crate::manifest::{ManifestRevision, ManifestStory, person};
use crate::parse;
use crate::paths::{MANIFEST, check_entry_name, printable};
use crate::{ArchiveError, ArchiveKind, FrontMatter, Manifest, ManifestFile};

/// What an importer accepts at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the ZIP.
    pub max_entries: usize,
    /// Sum of the uncompressed sizes.
    pub max_total_bytes: u64,
    /// Uncompressed size of one entry.
    pub max_entry_bytes: u64,
    /// Uncompressed over compressed size, for entries over 1 MiB.
    pub max_ratio: u64,
    /// Size of `manifest.json`.
    pub max_manifest_bytes: u64,
    /// Size of one Markdown file.
    pub max_text_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    /// 100,000 entries, 20 GiB in all, 600 MiB per entry (videos may be
    /// 500 MiB), ratio 100, 64 MiB of manifest, 1 MiB per Markdown file
    /// (a 50,000-character story in 4-byte characters, with front matter).
    fn default() -> Self {
        Self {
            max_entries: 100_000,
            max_total_bytes: 20 * 1024 * MIB,
            max_entry_bytes: 600 * MIB,
            max_ratio: 100,
            max_manifest_bytes: 64 * MIB,
            max_text_bytes: MIB,
        }
    }
}

/// What the ZIP's central directory says about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryHeader {
    /// Its name.
    pub name: String,
    /// Stored (compressed) size.
    pub compressed_size: u64,
    /// Declared uncompressed size (the reader MUST NOT accept more bytes).
    pub uncompressed_size: u64,
    /// Unix mode says symbolic link.
    pub is_symlink: bool,
    /// A directory entry (name ends in `/`).
    pub is_dir: bool,
}

impl Limits {
    /// Checks the ZIP's directory before any entry is read.
    pub fn check_headers(&self, entries: &[EntryHeader]) -> Result<(), ArchiveError> {
        if entries.len() > self.max_entries {
            return Err(ArchiveError::TooLarge(format!(
                "it has {} entries (at most {} are accepted)",
                entries.len(),
                self.max_entries
            )));
        }
        let mut names = HashSet::new();
        let mut total: u64 = 0;
        let mut manifest = false;
        for entry in entries {
            let name = if entry.is_dir {
                entry.name.strip_suffix('/').unwrap_or(&entry.name)
            } else {
                entry.name.as_str()
            };
            check_entry_name(name)?;
            if entry.is_symlink {
                return Err(ArchiveError::Symlink(printable(name)));
            }
            if !names.insert(name) {
                return Err(ArchiveError::DuplicateName(printable(name)));
            }
            if entry.is_dir {
                continue;
            }
            manifest |= name == MANIFEST;
            let size = entry.uncompressed_size;
            if size > self.max_entry_bytes {
                return Err(ArchiveError::TooLarge(format!(
                    "'{}' would unpack to {size} bytes (at most {} per file)",
                    printable(name),
                    self.max_entry_bytes
                )));
            }
            if size > MIB && size / entry.compressed_size.max(1) > self.max_ratio {
                return Err(ArchiveError::TooLarge(format!(
                    "'{}' is compressed {}:1 (at most {}:1 is accepted)",
                    printable(name),
                    size / entry.compressed_size.max(1),
                    self.max_ratio
                )));
            }
            total = total.saturating_add(size);
            if total > self.max_total_bytes {
                return Err(ArchiveError::TooLarge(format!(
                    "it would unpack to more than {} bytes",
                    self.max_total_bytes
                )));
            }
        }
        if manifest {
            Ok(())
        } else {
            Err(ArchiveError::NotAnArchive)
        }
    }

    /// The most bytes to read from an entry: its declared size, within the
    /// limits for its kind. A reader stops and refuses the archive when an
    /// entry yields more.
    pub fn read_cap(&self, header: &EntryHeader) -> u64 {
        let kind_cap = if header.name == MANIFEST {
            self.max_manifest_bytes
        } else if ImportCheck::is_text_name(&header.name) {
            self.max_text_bytes
        } else {
            self.max_entry_bytes
        };
        header.uncompressed_size.min(kind_cap)
    }
}

/// The manifest of an archive being imported, and what has been checked
/// against it so far.
#[derive(Debug)]
pub struct ImportCheck {
    manifest: Manifest,
    files: HashMap<String, ManifestFile>,
    stories: HashMap<String, usize>,
    revisions: HashMap<String, usize>,
    story_text: HashMap<usize, StoryContent>,
    revision_text: HashMap<usize, StoryContent>,
    verified: HashSet<String>,
}

impl ImportCheck {
    /// Whether an entry is a Markdown file the importer reads into memory
    /// (stories and revisions; everything else is streamed).
    pub fn is_text_name(name: &str) -> bool {
        name.ends_with(".md")
            && (name.starts_with(crate::paths::STORIES_DIR)
                || name.starts_with(crate::paths::REVISIONS_DIR))
    }

    /// Starts from the parsed manifest of a legacy archive.
    pub fn new(manifest: Manifest) -> Result<Self, ArchiveError> {
        if manifest.kind != ArchiveKind::Legacy {
            return Err(ArchiveError::NotALegacyArchive);
        }
        if manifest.legacies.len() != 1 {
            return Err(ArchiveError::Manifest(format!(
                "an archive of a legacy holds exactly one legacy (this one lists {})",
                manifest.legacies.len()
            )));
        }
        let mut files = HashMap::new();
        for file in &manifest.files {
            check_entry_name(&file.path)?;
            if file.path == MANIFEST {
                return Err(ArchiveError::Manifest(
                    "it lists itself among the files".into(),
                ));
            }
            if files.insert(file.path.clone(), file.clone()).is_some() {
                return Err(ArchiveError::DuplicateName(printable(&file.path)));
            }
        }
        let listed = |path: &str| {
            if files.contains_key(path) {
                Ok(())
            } else {
                Err(ArchiveError::Manifest(format!(
                    "'{}' is referred to but not listed among the files",
                    printable(path)
                )))
            }
        };
        let mut stories = HashMap::new();
        for (i, story) in manifest.stories.iter().enumerate() {
            listed(&story.path)?;
            if !Self::is_text_name(&story.path) || stories.insert(story.path.clone(), i).is_some() {
                return Err(ArchiveError::Manifest(format!(
                    "story {} has the path '{}'",
                    story.id,
                    printable(&story.path)
                )));
            }
        }
        let mut revisions = HashMap::new();
        for (i, revision) in manifest.revisions.iter().enumerate() {
            listed(&revision.path)?;
            if !Self::is_text_name(&revision.path)
                || stories.contains_key(&revision.path)
                || revisions.insert(revision.path.clone(), i).is_some()
            {
                return Err(ArchiveError::Manifest(format!(
                    "revision {} has the path '{}'",
                    revision.id,
                    printable(&revision.path)
                )));
            }
        }
        for media in &manifest.media {
            listed(&media.path)?;
        }
        Ok(Self {
            manifest,
            files,
            stories,
            revisions,
            story_text: HashMap::new(),
            revision_text: HashMap::new(),
            verified: HashSet::new(),
        })
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The archive's files are exactly those listed, with the sizes listed.
    pub fn check_listing(&self, entries: &[EntryHeader]) -> Result<(), ArchiveError> {
        let mut present = HashSet::new();
        for entry in entries.iter().filter(|e| !e.is_dir && e.name != MANIFEST) {
            let listed = self
                .files
                .get(&entry.name)
                .ok_or_else(|| ArchiveError::ExtraFile(printable(&entry.name)))?;
            if listed.size_bytes != entry.uncompressed_size {
                return Err(ArchiveError::HashMismatch(printable(&entry.name)));
            }
            present.insert(entry.name.as_str());
        }
        let mut missing: Vec<&String> = self
            .files
            .keys()
            .filter(|path| !present.contains(path.as_str()))
            .collect();
        missing.sort();
        match missing.first() {
            Some(path) => Err(ArchiveError::MissingFile(printable(path))),
            None => Ok(()),
        }
    }

    /// A file was read in full: its size and hash must be the manifest's.
    pub fn file_read(&mut self, read: &ManifestFile) -> Result<(), ArchiveError> {
        let listed = self
            .files
            .get(&read.path)
            .ok_or_else(|| ArchiveError::ExtraFile(printable(&read.path)))?;
        if listed.size_bytes != read.size_bytes || !listed.sha256.eq_ignore_ascii_case(&read.sha256)
        {
            return Err(ArchiveError::HashMismatch(printable(&read.path)));
        }
        self.verified.insert(read.path.clone());
        Ok(())
    }

    /// A Markdown file's bytes: its front matter must agree with the
    /// manifest; its body is the text imported.
    pub fn text_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), ArchiveError> {
        let bad = |why: String| ArchiveError::FrontMatter {
            path: printable(path),
            why,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| bad("the file is not UTF-8".into()))?;
        let (fm, body) = FrontMatter::parse(text, &printable(path))?;
        let content =
            StoryContent::new(body).map_err(|err| bad(format!("the text is not valid: {err}")))?;
        if content.as_str() != body {
            return Err(bad("the text holds control characters".into()));
        }
        let same = |key: &str, expected: &str| -> Result<(), ArchiveError> {
            let found = fm.require(key, &printable(path))?;
            if found == expected {
                Ok(())
            } else {
                Err(bad(format!(
                    "'{key}' is '{}' but manifest.json says '{}'",
                    printable(found),
                    printable(expected)
                )))
            }
        };
        if let Some(&i) = self.stories.get(path) {
            let story: &ManifestStory = &self.manifest.stories[i];
            same("id", &story.id)?;
            same("title", &story.title)?;
            same("author_id", &story.author_id)?;
            same("visibility", &story.visibility)?;
            same("created", &story.created_at)?;
            same("updated", &story.updated_at)?;
            if let Some(author) = self
                .manifest
                .people
                .iter()
                .find(|p| p.id == story.author_id)
            {
                same("author", &author.name)?;
            }
            self.story_text.insert(i, content);
        } else if let Some(&i) = self.revisions.get(path) {
            let revision: &ManifestRevision = &self.manifest.revisions[i];
            same("id", &revision.id)?;
            same("story", &revision.story_id)?;
            same("title", &revision.title)?;
            same("visibility", &revision.visibility)?;
            same("replaced", &revision.replaced_at)?;
            self.revision_text.insert(i, content);
        } else {
            return Err(ArchiveError::ExtraFile(printable(path)));
        }
        Ok(())
    }

    /// Everything read and matched: the archive's records as domain values,
    /// checked by [`LegacyArchive::check`].
    pub fn finish(self) -> Result<LegacyArchive, ArchiveError> {
        if let Some(path) = self.files.keys().find(|p| !self.verified.contains(*p)) {
            return Err(ArchiveError::MissingFile(printable(path)));
        }
        let m = &self.manifest;
        let l = &m.legacies[0];
        let what = || "the legacy".to_owned();
        let legacy_id: LegacyId = parse::id(&l.id, what)?;
        let legacy = Legacy {
            id: legacy_id,
            name: parse::value(LegacyName::new(&l.name), what)?,
            dates: parse::value(
                LifeDates::new(
                    l.birth_date
                        .as_deref()
                        .map(|d| parse::date(d, what))
                        .transpose()?,
                    l.death_date
                        .as_deref()
                        .map(|d| parse::date(d, what))
                        .transpose()?,
                ),
                what,
            )?,
            biography: match &l.biography {
                Some(b) => parse::value(Biography::optional(b), what)?,
                None => None,
            },
            created_by: parse::id(&l.created_by, what)?,
            created_at: parse::at(&l.created_at, what)?,
            updated_at: parse::at(&l.updated_at, what)?,
        };
        let people = m.people.iter().map(person).collect::<Result<_, _>>()?;
        let members = m
            .members
            .iter()
            .map(|member| {
                let what = || format!("membership of {}", member.user_id);
                Ok(Membership {
                    legacy_id: parse::id(&member.legacy_id, what)?,
                    user_id: parse::id(&member.user_id, what)?,
                    role: parse::value(member.role.parse::<Role>(), what)?,
                    joined_at: parse::at(&member.joined_at, what)?,
                })
            })
            .collect::<Result<_, ArchiveError>>()?;
        let mut story_text = self.story_text;
        let stories = m
            .stories
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let what = || format!("story {}", s.id);
                Ok(Story {
                    id: parse::id(&s.id, what)?,
                    legacy_id: parse::id(&s.legacy_id, what)?,
                    author_id: parse::id(&s.author_id, what)?,
                    title: parse::value(StoryTitle::new(&s.title), what)?,
                    content: story_text
                        .remove(&i)
                        .ok_or_else(|| ArchiveError::MissingFile(printable(&s.path)))?,
                    visibility: parse::value(s.visibility.parse::<Visibility>(), what)?,
                    created_at: parse::at(&s.created_at, what)?,
                    updated_at: parse::at(&s.updated_at, what)?,
                    deleted_at: None,
                    ai_excluded: s.ai_excluded,
                })
            })
            .collect::<Result<_, ArchiveError>>()?;
        let mut revision_text = self.revision_text;
        let revisions = m
            .revisions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let what = || format!("revision {}", r.id);
                Ok(StoryRevision {
                    id: parse::id(&r.id, what)?,
                    story_id: parse::id(&r.story_id, what)?,
                    draft: StoryDraft {
                        title: parse::value(StoryTitle::new(&r.title), what)?,
                        content: revision_text
                            .remove(&i)
                            .ok_or_else(|| ArchiveError::MissingFile(printable(&r.path)))?,
                        visibility: parse::value(r.visibility.parse::<Visibility>(), what)?,
                    },
                    replaced_at: parse::at(&r.replaced_at, what)?,
                })
            })
            .collect::<Result<_, ArchiveError>>()?;
        let mut media = Vec::with_capacity(m.media.len());
        for item in &m.media {
            let record = item.to_domain()?;
            if item.legacy_id != l.id {
                return Err(ArchiveError::Contents(
                    mosaic_domain::ArchiveContentError::OtherLegacy(format!("media {}", item.id)),
                ));
            }
            if record.size_bytes != self.files[&item.path].size_bytes {
                return Err(ArchiveError::HashMismatch(printable(&item.path)));
            }
            media.push(record);
        }
        let archive = LegacyArchive {
            legacy,
            people,
            members,
            stories,
            revisions,
            media,
        };
        archive.check()?;
        Ok(archive)
    }
}
