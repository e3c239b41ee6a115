//! File names inside an archive: how the exporter makes them, and which
//! names an importer accepts.

use std::collections::HashSet;

use mosaic_domain::{FileName, MediaId, RevisionId, StoryId, StoryTitle};
use time::OffsetDateTime;

use crate::ArchiveError;

/// The manifest's name.
pub const MANIFEST: &str = "manifest.json";
/// The plain-text explanation.
pub const README: &str = "README.txt";
/// The offline page.
pub const INDEX: &str = "index.html";
/// The folder of stories.
pub const STORIES_DIR: &str = "stories/";
/// The folder of earlier versions.
pub const REVISIONS_DIR: &str = "revisions/";
/// The folder of media.
pub const MEDIA_DIR: &str = "media/";

/// Longest slug taken from a title, in characters.
const SLUG_CHARS: usize = 60;
/// Longest part of a media file name kept, in characters.
const MEDIA_NAME_CHARS: usize = 100;
/// Longest entry name accepted, in bytes.
pub const MAX_ENTRY_NAME_BYTES: usize = 255;

/// A title reduced to lower-case letters and digits joined by `-` (at most
/// 60 characters; `story` when nothing is left). Letters of every script
/// are kept: ZIP names are UTF-8.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
            if out.chars().count() >= SLUG_CHARS {
                break;
            }
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "story".to_owned()
    } else {
        out
    }
}

/// A file name safe on every file system: ASCII letters, digits, `.`, `-`
/// and `_`, anything else as `_`, at most 100 characters.
pub fn safe_file_name(name: &FileName) -> String {
    name.as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(MEDIA_NAME_CHARS)
        .collect()
}

/// Where a media item's bytes go: `media/<id>-<safe name>`.
pub fn media_path(id: MediaId, name: &FileName) -> String {
    format!("{MEDIA_DIR}{id}-{}", safe_file_name(name))
}

/// Where an earlier version goes: `revisions/<story id>/<revision id>.md`.
pub fn revision_path(story: StoryId, revision: RevisionId) -> String {
    format!("{REVISIONS_DIR}{story}/{revision}.md")
}

/// Hands out story paths `stories/<date>-<slug>.md`, adding `-2`, `-3`, …
/// when two stories of one day have the same slug. Given stories in the same
/// order, it gives the same names.
#[derive(Debug, Default)]
pub struct StoryPaths {
    used: HashSet<String>,
}

impl StoryPaths {
    /// The path for the next story.
    pub fn next(&mut self, created_at: OffsetDateTime, title: &StoryTitle) -> String {
        let date = created_at.date();
        let base = format!(
            "{STORIES_DIR}{:04}-{:02}-{:02}-{}",
            date.year(),
            u8::from(date.month()),
            date.day(),
            slug(title.as_str())
        );
        let mut candidate = format!("{base}.md");
        let mut n = 2;
        while !self.used.insert(candidate.clone()) {
            candidate = format!("{base}-{n}.md");
            n += 1;
        }
        candidate
    }
}

/// Checks an entry's name as an importer reads it: relative, `/`-separated,
/// no `.` or `..` component, no empty component, no backslash, drive letter
/// or control character, at most 255 bytes.
pub fn check_entry_name(name: &str) -> Result<(), ArchiveError> {
    let bad = |why: &'static str| ArchiveError::UnsafePath {
        path: printable(name),
        why,
    };
    if name.is_empty() {
        return Err(bad("the name is empty"));
    }
    if name.len() > MAX_ENTRY_NAME_BYTES {
        return Err(bad("the name is too long"));
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err(bad("it is an absolute path"));
    }
    if name.as_bytes().get(1) == Some(&b':') {
        return Err(bad("it names a drive"));
    }
    if name.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    if name.chars().any(char::is_control) {
        return Err(bad("it contains a control character"));
    }
    for part in name.split('/') {
        match part {
            ".." => return Err(bad("it leaves the archive's folder (..)")),
            "." | "" => return Err(bad("it has an empty or '.' component")),
            _ => {}
        }
    }
    Ok(())
}

/// A name shortened and stripped of control characters, for messages.
pub(crate) fn printable(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn slugs_keep_letters_and_digits_of_any_script() {
        assert_eq!(slug("  Grandma's Garden, 1962! "), "grandma-s-garden-1962");
        assert_eq!(slug("Été à Paris"), "été-à-paris");
        assert_eq!(slug("!!!"), "story");
        assert_eq!(slug(&"a".repeat(200)).chars().count(), 60);
    }

    #[test]
    fn same_day_same_title_gets_a_number() {
        let mut paths = StoryPaths::default();
        let at = datetime!(2025-03-04 10:00 UTC);
        let title = StoryTitle::new("First Memory").unwrap();
        assert_eq!(paths.next(at, &title), "stories/2025-03-04-first-memory.md");
        assert_eq!(
            paths.next(at, &title),
            "stories/2025-03-04-first-memory-2.md"
        );
        assert_eq!(
            paths.next(at, &title),
            "stories/2025-03-04-first-memory-3.md"
        );
    }

    #[test]
    fn media_names_are_safe_everywhere() {
        let id = MediaId::from_uuid(uuid::Uuid::nil());
        let name = FileName::new("Oma am Strand (1).JPG").unwrap();
        assert_eq!(
            media_path(id, &name),
            "media/00000000-0000-0000-0000-000000000000-Oma_am_Strand__1_.JPG"
        );
    }

    #[test]
    fn unsafe_entry_names_are_refused() {
        for bad in [
            "../etc/passwd",
            "stories/../../x.md",
            "/etc/passwd",
            "\\windows\\x",
            "C:/x",
            "stories\\x.md",
            "stories//x.md",
            "./x",
            "a\0b",
            "",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(check_entry_name("stories/2025-01-01-a.md").is_ok());
        assert!(check_entry_name("media/x-a.jpg").is_ok());
    }
}
