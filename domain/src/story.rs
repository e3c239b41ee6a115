//! Stories: Markdown memories of a legacy, with a visibility and a history.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;
use time::{Duration, OffsetDateTime};

use crate::validation::{clean_multi_line, clean_single_line, text_value};
use crate::{LegacyId, RevisionId, StoryId, UserId};

text_value!(
    /// A story's title: 1–500 characters on one line.
    StoryTitle, field = "title", max = 500, clean = clean_single_line
);

text_value!(
    /// A story's Markdown body: 1–50,000 characters. Line breaks are kept;
    /// NUL and other control characters are removed.
    StoryContent, field = "content", max = 50_000, clean = clean_multi_line
);

/// Who may read a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Anyone, signed in or not.
    Public,
    /// The legacy's approved members (not pending ones).
    Private,
    /// Only the author.
    Personal,
}

impl Visibility {
    /// Every visibility.
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Private,
        Visibility::Personal,
    ];

    /// The lower-case name used in storage and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Personal => "personal",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A visibility name that is not one of `public`, `private`, `personal`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown visibility '{0}'")]
pub struct UnknownVisibility(pub String);

impl FromStr for Visibility {
    type Err = UnknownVisibility;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Visibility::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownVisibility(s.to_owned()))
    }
}

/// How long a deleted story can be restored before it may be purged.
pub const RESTORE_WINDOW: Duration = Duration::days(30);

/// A story as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// Stable id.
    pub id: StoryId,
    /// The legacy the story is about.
    pub legacy_id: LegacyId,
    /// Who wrote it.
    pub author_id: UserId,
    /// Title.
    pub title: StoryTitle,
    /// Markdown body.
    pub content: StoryContent,
    /// Who may read it.
    pub visibility: Visibility,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// Last edit or restore.
    pub updated_at: OffsetDateTime,
    /// Set when the story was deleted; it stays restorable for
    /// [`RESTORE_WINDOW`].
    pub deleted_at: Option<OffsetDateTime>,
    /// The author asked that the AI companion never use this story, for
    /// anyone. Not part of the story's versions: restoring an earlier text
    /// keeps the current choice.
    pub ai_excluded: bool,
}

impl Story {
    /// Whether a deleted story can still be brought back at `now`.
    /// A story that is not deleted has nothing to restore.
    pub fn is_restorable_at(&self, now: OffsetDateTime) -> bool {
        self.deleted_at
            .is_some_and(|deleted| now < deleted + RESTORE_WINDOW)
    }

    /// The title, body and visibility, as one value.
    pub fn draft(&self) -> StoryDraft {
        StoryDraft {
            title: self.title.clone(),
            content: self.content.clone(),
            visibility: self.visibility,
        }
    }
}

/// The parts of a story its author writes, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryDraft {
    /// Title.
    pub title: StoryTitle,
    /// Markdown body.
    pub content: StoryContent,
    /// Who may read it.
    pub visibility: Visibility,
}

/// An earlier version of a story, kept when the story was edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRevision {
    /// Stable id.
    pub id: RevisionId,
    /// The story this was a version of.
    pub story_id: StoryId,
    /// Title, body and visibility as they were.
    pub draft: StoryDraft,
    /// When this version was replaced by a newer one.
    pub replaced_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn story_deleted_at(deleted_at: Option<OffsetDateTime>) -> Story {
        let at = datetime!(2025-01-01 0:00 UTC);
        Story {
            id: StoryId::from_uuid(uuid::Uuid::nil()),
            legacy_id: LegacyId::from_uuid(uuid::Uuid::nil()),
            author_id: UserId::from_uuid(uuid::Uuid::nil()),
            title: StoryTitle::new("t").unwrap(),
            content: StoryContent::new("c").unwrap(),
            visibility: Visibility::Private,
            created_at: at,
            updated_at: at,
            deleted_at,
            ai_excluded: false,
        }
    }

    #[test]
    fn title_is_limited_to_500_characters() {
        assert!(StoryTitle::new(&"t".repeat(500)).is_ok());
        assert!(StoryTitle::new(&"t".repeat(501)).is_err());
    }

    #[test]
    fn content_is_limited_to_50000_characters_and_keeps_paragraphs() {
        assert!(StoryContent::new(&"c".repeat(50_000)).is_ok());
        assert!(StoryContent::new(&"c".repeat(50_001)).is_err());
        assert_eq!(
            StoryContent::new("one\n\ntwo\0").unwrap().as_str(),
            "one\n\ntwo"
        );
    }

    #[test]
    fn content_of_only_control_characters_is_empty() {
        assert!(StoryContent::new("\0\u{1}\u{2}").is_err());
    }

    #[test]
    fn deleted_story_is_restorable_for_thirty_days() {
        let deleted = datetime!(2025-03-01 12:00 UTC);
        let story = story_deleted_at(Some(deleted));
        assert!(story.is_restorable_at(deleted + Duration::days(29)));
        assert!(!story.is_restorable_at(deleted + Duration::days(30)));
    }

    #[test]
    fn live_story_has_nothing_to_restore() {
        assert!(!story_deleted_at(None).is_restorable_at(datetime!(2025-03-01 12:00 UTC)));
    }

    #[test]
    fn visibility_names_round_trip() {
        for v in Visibility::ALL {
            assert_eq!(v.as_str().parse::<Visibility>(), Ok(v));
        }
        assert!("family".parse::<Visibility>().is_err());
    }
}
