//! `manifest.json`: what the archive holds, with the size and SHA-256 of
//! every other file. Ids are UUID strings, timestamps RFC 3339 in UTC,
//! dates `YYYY-MM-DD`.

use mosaic_domain::{
    ArchivedMedia, ArchivedPerson, Legacy, MediaRecord, Membership, PersonName, Story,
    StoryRevision,
};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::ArchiveError;

/// The format's name, the first field of every manifest.
pub const FORMAT_NAME: &str = "mosaic-life-archive";
/// The version this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// What an archive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchiveKind {
    /// One legacy as one member may read it (`GET /api/legacies/{id}/export`,
    /// `mosaic-admin legacy export`); can be imported.
    Legacy,
    /// Everything one person wrote and uploaded, across legacies
    /// (`GET /api/export`); for keeping, not for import.
    Person,
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// What the archive covers.
    pub kind: ArchiveKind,
    /// When the export was made.
    pub exported_at: String,
    /// The legacies (exactly one for [`ArchiveKind::Legacy`]).
    pub legacies: Vec<ManifestLegacy>,
    /// Everyone named: members, authors, uploaders, with display names.
    pub people: Vec<ManifestPerson>,
    /// Memberships and roles.
    pub members: Vec<ManifestMember>,
    /// Stories; the text is in the file at `path`.
    pub stories: Vec<ManifestStory>,
    /// Earlier versions; the text is in the file at `path`.
    pub revisions: Vec<ManifestRevision>,
    /// Media records; the bytes are in the file at `path`.
    pub media: Vec<ManifestMedia>,
    /// Every file of the archive but this one.
    pub files: Vec<ManifestFile>,
}

/// A legacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLegacy {
    /// Id.
    pub id: String,
    /// The remembered person's name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// `YYYY-MM-DD`.
    pub death_date: Option<String>,
    /// Markdown.
    pub biography: Option<String>,
    /// The creator's id.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestPerson {
    /// Id on the exporting site.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestMember {
    /// The legacy.
    pub legacy_id: String,
    /// The person.
    pub user_id: String,
    /// `creator`, `editor`, `member` or `pending`.
    pub role: String,
    /// RFC 3339.
    pub joined_at: String,
}

/// A story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestStory {
    /// Id.
    pub id: String,
    /// The legacy.
    pub legacy_id: String,
    /// The author.
    pub author_id: String,
    /// Title.
    pub title: String,
    /// `public`, `private` or `personal`.
    pub visibility: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The Markdown file.
    pub path: String,
    /// The author keeps the story out of the AI companion (absent in
    /// archives written before the companion existed: not kept out).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ai_excluded: bool,
}

/// An earlier version of a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRevision {
    /// Id.
    pub id: String,
    /// The story.
    pub story_id: String,
    /// Title as it was.
    pub title: String,
    /// Visibility as it was.
    pub visibility: String,
    /// When it was replaced (RFC 3339).
    pub replaced_at: String,
    /// The Markdown file.
    pub path: String,
}

/// A media record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestMedia {
    /// Id.
    pub id: String,
    /// The legacy.
    pub legacy_id: String,
    /// The uploader.
    pub uploaded_by: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// MIME type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// RFC 3339.
    pub created_at: String,
    /// The file with the original bytes.
    pub path: String,
}

/// A file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Its name in the archive.
    pub path: String,
    /// Its size.
    pub size_bytes: u64,
    /// Lower-case hex SHA-256 of its bytes.
    pub sha256: String,
}

/// Only the fields that say which format a manifest is in.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<serde_json::Value>,
}

/// RFC 3339 in UTC.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

impl Manifest {
    /// An empty manifest of `kind`, made at `at`.
    pub fn new(kind: ArchiveKind, at: OffsetDateTime) -> Self {
        Self {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            kind,
            exported_at: timestamp(at),
            legacies: Vec::new(),
            people: Vec::new(),
            members: Vec::new(),
            stories: Vec::new(),
            revisions: Vec::new(),
            media: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Reads a manifest: first its format and version (an unknown one is
    /// refused by name, whatever else the file holds), then all of it.
    pub fn parse(bytes: &[u8]) -> Result<Self, ArchiveError> {
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|err| ArchiveError::Manifest(format!("it is not valid JSON ({err})")))?;
        if header.format.as_deref() != Some(FORMAT_NAME) {
            return Err(ArchiveError::NotAnArchive);
        }
        match header.version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            other => {
                return Err(ArchiveError::UnknownVersion(
                    other.map_or_else(|| "none".to_owned(), |v| v.to_string()),
                ));
            }
        }
        serde_json::from_slice(bytes).map_err(|err| ArchiveError::Manifest(err.to_string()))
    }

    /// The manifest as written (pretty, stable field order).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }
}

impl ManifestLegacy {
    /// From the domain.
    pub fn of(legacy: &Legacy) -> Self {
        Self {
            id: legacy.id.to_string(),
            name: legacy.name.as_str().to_owned(),
            birth_date: legacy.dates.birth().map(date),
            death_date: legacy.dates.death().map(date),
            biography: legacy.biography.as_ref().map(|b| b.as_str().to_owned()),
            created_by: legacy.created_by.to_string(),
            created_at: timestamp(legacy.created_at),
            updated_at: timestamp(legacy.updated_at),
        }
    }
}

impl ManifestPerson {
    /// From the domain.
    pub fn of(person: &ArchivedPerson) -> Self {
        Self {
            id: person.id.to_string(),
            name: person.name.as_str().to_owned(),
        }
    }
}

impl ManifestMember {
    /// From the domain.
    pub fn of(m: &Membership) -> Self {
        Self {
            legacy_id: m.legacy_id.to_string(),
            user_id: m.user_id.to_string(),
            role: m.role.as_str().to_owned(),
            joined_at: timestamp(m.joined_at),
        }
    }
}

impl ManifestStory {
    /// From the domain, with the file it is written to.
    pub fn of(story: &Story, path: String) -> Self {
        Self {
            id: story.id.to_string(),
            legacy_id: story.legacy_id.to_string(),
            author_id: story.author_id.to_string(),
            title: story.title.as_str().to_owned(),
            visibility: story.visibility.as_str().to_owned(),
            created_at: timestamp(story.created_at),
            updated_at: timestamp(story.updated_at),
            path,
            ai_excluded: story.ai_excluded,
        }
    }
}

impl ManifestRevision {
    /// From the domain, with the file it is written to.
    pub fn of(revision: &StoryRevision, path: String) -> Self {
        Self {
            id: revision.id.to_string(),
            story_id: revision.story_id.to_string(),
            title: revision.draft.title.as_str().to_owned(),
            visibility: revision.draft.visibility.as_str().to_owned(),
            replaced_at: timestamp(revision.replaced_at),
            path,
        }
    }
}

impl ManifestMedia {
    /// From the domain, with the file it is written to.
    pub fn of(media: &MediaRecord, path: String) -> Self {
        Self {
            id: media.id.to_string(),
            legacy_id: media.legacy_id.map(|l| l.to_string()).unwrap_or_default(),
            uploaded_by: media.uploaded_by.to_string(),
            file_name: media.file_name.as_str().to_owned(),
            media_type: media.media_type.mime().to_owned(),
            size_bytes: media.size_bytes,
            created_at: timestamp(media.created_at),
            path,
        }
    }

    /// The domain record (without a storage key).
    pub fn to_domain(&self) -> Result<ArchivedMedia, ArchiveError> {
        let what = || format!("media {}", self.id);
        Ok(ArchivedMedia {
            id: crate::parse::id(&self.id, what)?,
            uploaded_by: crate::parse::id(&self.uploaded_by, what)?,
            file_name: crate::parse::value(mosaic_domain::FileName::new(&self.file_name), what)?,
            media_type: mosaic_domain::MediaType::from_mime(&self.media_type)
                .ok_or_else(|| ArchiveError::Manifest(format!("{}: unknown media type", what())))?,
            size_bytes: self.size_bytes,
            created_at: crate::parse::at(&self.created_at, what)?,
        })
    }
}

/// A person of the manifest as a domain value.
pub(crate) fn person(p: &ManifestPerson) -> Result<ArchivedPerson, ArchiveError> {
    let what = || format!("person {}", p.id);
    Ok(ArchivedPerson {
        id: crate::parse::id(&p.id, what)?,
        name: crate::parse::value(PersonName::new(&p.name), what)?,
    })
}
