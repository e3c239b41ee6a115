//! The backup archive: JSON Lines, database-agnostic and versioned.
//!
//! ```text
//! {"format":"mosaic-backup","version":1,"schema":1,"created_at":"2026-11-26T01:02:03.456789Z"}
//! {"type":"user","id":"…","email":"…",…}
//! … one record per line: users, identities, legacies, memberships,
//!   stories (soft-deleted ones with deleted_at), revisions, media …
//! {"type":"end","records":12345}
//! ```
//!
//! Records are domain values, not table rows, so an archive written from
//! SQLite restores into Postgres and back. Media bytes and sessions are not
//! in it. The closing `end` line carries the record count: an archive cut
//! short is refused before anything is committed.

use mosaic_domain::{
    Biography, Email, FileName, Legacy, LegacyName, LifeDates, MediaRecord, MediaType, Membership,
    PersonName, Role, Story, StoryContent, StoryDraft, StoryRevision, StoryTitle, User, Visibility,
};
use mosaic_ports::{BackupRecord, IdentityLink};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// The `format` of the header line.
pub const FORMAT: &str = "mosaic-backup";
/// The archive layout this build writes and reads.
pub const VERSION: u32 = 1;

/// The first line of an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The archive layout ([`VERSION`]).
    pub version: u32,
    /// The schema version of the database it was taken from.
    pub schema: i64,
    /// When it was taken (RFC 3339, UTC).
    pub created_at: String,
}

/// Every line after the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Line {
    /// A user.
    User {
        id: Uuid,
        email: String,
        name: String,
        avatar_url: Option<String>,
        is_admin: bool,
        disabled: bool,
        created_at: String,
        updated_at: String,
    },
    /// A linked sign-in identity.
    Identity {
        issuer: String,
        subject: String,
        user_id: Uuid,
    },
    /// A legacy.
    Legacy {
        id: Uuid,
        name: String,
        birth_date: Option<String>,
        death_date: Option<String>,
        biography: Option<String>,
        created_by: Uuid,
        created_at: String,
        updated_at: String,
    },
    /// A membership.
    Membership {
        legacy_id: Uuid,
        user_id: Uuid,
        role: String,
        joined_at: String,
    },
    /// A story; `deleted_at` is set for a soft-deleted one.
    Story {
        id: Uuid,
        legacy_id: Uuid,
        author_id: Uuid,
        title: String,
        content: String,
        visibility: String,
        created_at: String,
        updated_at: String,
        deleted_at: Option<String>,
        /// Kept out of the AI companion (absent in archives made before).
        #[serde(default)]
        ai_excluded: bool,
    },
    /// An earlier version of a story.
    Revision {
        id: Uuid,
        story_id: Uuid,
        title: String,
        content: String,
        visibility: String,
        replaced_at: String,
    },
    /// A media record (the bytes stay in the media store).
    Media {
        id: Uuid,
        uploaded_by: Uuid,
        legacy_id: Option<Uuid>,
        storage_key: String,
        file_name: String,
        media_type: String,
        size_bytes: u64,
        created_at: String,
    },
    /// The last line: how many records came before it.
    End { records: u64 },
}

fn at(value: OffsetDateTime) -> String {
    // Formatting a UTC time as RFC 3339 fails only for years beyond 9999.
    value.format(&Rfc3339).unwrap_or_else(|_| value.to_string())
}

fn parse_at(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| format!("bad timestamp '{text}': {e}"))
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("bad date '{text}': {e}"))
}

fn bad(err: impl std::fmt::Display) -> String {
    err.to_string()
}

impl Line {
    /// The archive line of a record.
    pub fn from_record(record: &BackupRecord) -> Self {
        match record {
            BackupRecord::User(u) => Line::User {
                id: u.id.as_uuid(),
                email: u.email.as_str().to_owned(),
                name: u.name.as_str().to_owned(),
                avatar_url: u.avatar_url.clone(),
                is_admin: u.is_admin,
                disabled: u.disabled,
                created_at: at(u.created_at),
                updated_at: at(u.updated_at),
            },
            BackupRecord::Identity(i) => Line::Identity {
                issuer: i.issuer.clone(),
                subject: i.subject.clone(),
                user_id: i.user_id.as_uuid(),
            },
            BackupRecord::Legacy(l) => Line::Legacy {
                id: l.id.as_uuid(),
                name: l.name.as_str().to_owned(),
                birth_date: l.dates.birth().map(|d| d.to_string()),
                death_date: l.dates.death().map(|d| d.to_string()),
                biography: l.biography.as_ref().map(|b| b.as_str().to_owned()),
                created_by: l.created_by.as_uuid(),
                created_at: at(l.created_at),
                updated_at: at(l.updated_at),
            },
            BackupRecord::Membership(m) => Line::Membership {
                legacy_id: m.legacy_id.as_uuid(),
                user_id: m.user_id.as_uuid(),
                role: m.role.as_str().to_owned(),
                joined_at: at(m.joined_at),
            },
            BackupRecord::Story(s) => Line::Story {
                id: s.id.as_uuid(),
                legacy_id: s.legacy_id.as_uuid(),
                author_id: s.author_id.as_uuid(),
                title: s.title.as_str().to_owned(),
                content: s.content.as_str().to_owned(),
                visibility: s.visibility.as_str().to_owned(),
                created_at: at(s.created_at),
                updated_at: at(s.updated_at),
                deleted_at: s.deleted_at.map(at),
                ai_excluded: s.ai_excluded,
            },
            BackupRecord::Revision(r) => Line::Revision {
                id: r.id.as_uuid(),
                story_id: r.story_id.as_uuid(),
                title: r.draft.title.as_str().to_owned(),
                content: r.draft.content.as_str().to_owned(),
                visibility: r.draft.visibility.as_str().to_owned(),
                replaced_at: at(r.replaced_at),
            },
            BackupRecord::Media(m) => Line::Media {
                id: m.id.as_uuid(),
                uploaded_by: m.uploaded_by.as_uuid(),
                legacy_id: m.legacy_id.map(|l| l.as_uuid()),
                storage_key: m.storage_key.clone(),
                file_name: m.file_name.as_str().to_owned(),
                media_type: m.media_type.mime().to_owned(),
                size_bytes: m.size_bytes,
                created_at: at(m.created_at),
            },
        }
    }

    /// The record of a line, every value validated as when it was first
    /// stored; `Ok(None)` for the `end` line.
    pub fn into_record(self) -> Result<Option<BackupRecord>, String> {
        let record = match self {
            Line::User {
                id,
                email,
                name,
                avatar_url,
                is_admin,
                disabled,
                created_at,
                updated_at,
            } => BackupRecord::User(User {
                id: id.into(),
                email: Email::new(&email).map_err(bad)?,
                name: PersonName::new(&name).map_err(bad)?,
                avatar_url,
                is_admin,
                disabled,
                created_at: parse_at(&created_at)?,
                updated_at: parse_at(&updated_at)?,
            }),
            Line::Identity {
                issuer,
                subject,
                user_id,
            } => BackupRecord::Identity(IdentityLink {
                issuer,
                subject,
                user_id: user_id.into(),
            }),
            Line::Legacy {
                id,
                name,
                birth_date,
                death_date,
                biography,
                created_by,
                created_at,
                updated_at,
            } => BackupRecord::Legacy(Legacy {
                id: id.into(),
                name: LegacyName::new(&name).map_err(bad)?,
                dates: LifeDates::new(
                    birth_date.as_deref().map(parse_date).transpose()?,
                    death_date.as_deref().map(parse_date).transpose()?,
                )
                .map_err(bad)?,
                biography: match biography {
                    Some(text) => Biography::optional(&text).map_err(bad)?,
                    None => None,
                },
                created_by: created_by.into(),
                created_at: parse_at(&created_at)?,
                updated_at: parse_at(&updated_at)?,
            }),
            Line::Membership {
                legacy_id,
                user_id,
                role,
                joined_at,
            } => BackupRecord::Membership(Membership {
                legacy_id: legacy_id.into(),
                user_id: user_id.into(),
                role: role.parse::<Role>().map_err(bad)?,
                joined_at: parse_at(&joined_at)?,
            }),
            Line::Story {
                id,
                legacy_id,
                author_id,
                title,
                content,
                visibility,
                created_at,
                updated_at,
                deleted_at,
                ai_excluded,
            } => BackupRecord::Story(Story {
                id: id.into(),
                legacy_id: legacy_id.into(),
                author_id: author_id.into(),
                title: StoryTitle::new(&title).map_err(bad)?,
                content: StoryContent::new(&content).map_err(bad)?,
                visibility: visibility.parse::<Visibility>().map_err(bad)?,
                created_at: parse_at(&created_at)?,
                updated_at: parse_at(&updated_at)?,
                deleted_at: deleted_at.as_deref().map(parse_at).transpose()?,
                ai_excluded,
            }),
            Line::Revision {
                id,
                story_id,
                title,
                content,
                visibility,
                replaced_at,
            } => BackupRecord::Revision(StoryRevision {
                id: id.into(),
                story_id: story_id.into(),
                draft: StoryDraft {
                    title: StoryTitle::new(&title).map_err(bad)?,
                    content: StoryContent::new(&content).map_err(bad)?,
                    visibility: visibility.parse::<Visibility>().map_err(bad)?,
                },
                replaced_at: parse_at(&replaced_at)?,
            }),
            Line::Media {
                id,
                uploaded_by,
                legacy_id,
                storage_key,
                file_name,
                media_type,
                size_bytes,
                created_at,
            } => BackupRecord::Media(MediaRecord {
                id: id.into(),
                uploaded_by: uploaded_by.into(),
                legacy_id: legacy_id.map(Into::into),
                storage_key,
                file_name: FileName::new(&file_name).map_err(bad)?,
                media_type: MediaType::from_mime(&media_type)
                    .ok_or_else(|| format!("unknown media type '{media_type}'"))?,
                size_bytes,
                created_at: parse_at(&created_at)?,
            }),
            Line::End { .. } => return Ok(None),
        };
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_line_round_trips_with_its_deletion_time() {
        let line = r#"{"type":"story","id":"0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11","legacy_id":"0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a12","author_id":"0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a13","title":"The lake","content":"The boat leaked.","visibility":"private","created_at":"2025-01-02T03:04:05.123456Z","updated_at":"2025-01-02T03:04:05.123456Z","deleted_at":"2025-02-01T00:00:00Z"}"#;
        let parsed: Line = serde_json::from_str(line).unwrap();
        let record = parsed.clone().into_record().unwrap().unwrap();
        assert_eq!(Line::from_record(&record), parsed);
        let BackupRecord::Story(story) = record else {
            panic!("not a story")
        };
        assert!(story.deleted_at.is_some());
    }

    #[test]
    fn invalid_values_in_an_archive_are_refused() {
        let line = r#"{"type":"user","id":"0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11","email":"not an address","name":"A","avatar_url":null,"is_admin":false,"disabled":false,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-01-02T03:04:05Z"}"#;
        let parsed: Line = serde_json::from_str(line).unwrap();
        assert!(parsed.into_record().is_err());
    }
}
