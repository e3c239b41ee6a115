//! Photos and videos: which files are accepted and what is recorded of them.

use std::fmt;

use time::OffsetDateTime;

use crate::validation::clean_single_line;
use crate::{LegacyId, MediaId, UserId, ValidationError};

/// The file types a family may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `image/jpeg`
    Jpeg,
    /// `image/png`
    Png,
    /// `image/gif`
    Gif,
    /// `image/webp`
    Webp,
    /// `video/mp4`
    Mp4,
    /// `video/quicktime`
    QuickTime,
}

const MIB: u64 = 1024 * 1024;

impl MediaType {
    /// Every accepted type.
    pub const ALL: [MediaType; 6] = [
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Gif,
        MediaType::Webp,
        MediaType::Mp4,
        MediaType::QuickTime,
    ];

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Gif => "image/gif",
            MediaType::Webp => "image/webp",
            MediaType::Mp4 => "video/mp4",
            MediaType::QuickTime => "video/quicktime",
        }
    }

    /// Parses a MIME type (case-insensitive, parameters ignored).
    pub fn from_mime(mime: &str) -> Option<Self> {
        let essence = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.mime() == essence)
    }

    /// File-name extensions that go with the type.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaType::Jpeg => &["jpg", "jpeg"],
            MediaType::Png => &["png"],
            MediaType::Gif => &["gif"],
            MediaType::Webp => &["webp"],
            MediaType::Mp4 => &["mp4", "m4v"],
            MediaType::QuickTime => &["mov", "qt"],
        }
    }

    /// Photos (as opposed to videos).
    pub fn is_image(self) -> bool {
        self.mime().starts_with("image/")
    }

    /// The largest file accepted: 50 MiB for images, 500 MiB for videos.
    pub fn max_size_bytes(self) -> u64 {
        if self.is_image() { 50 * MIB } else { 500 * MIB }
    }

    /// Whether `head`, the first bytes of a file, carry this type's magic
    /// number. 12 bytes are enough for every type.
    pub fn matches_magic(self, head: &[u8]) -> bool {
        match self {
            MediaType::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
            MediaType::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            MediaType::Gif => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
            MediaType::Webp => {
                head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP"
            }
            MediaType::Mp4 => head.len() >= 12 && &head[4..8] == b"ftyp" && &head[8..10] != b"qt",
            MediaType::QuickTime => {
                head.len() >= 8
                    && (&head[4..8] == b"moov"
                        || &head[4..8] == b"mdat"
                        || &head[4..8] == b"wide"
                        || (&head[4..8] == b"ftyp" && head.len() >= 12 && &head[8..12] == b"qt  "))
            }
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

/// A file name as the uploader had it, reduced to its last path component and
/// cleaned. It is only ever shown or offered as a download name; storage
/// keys come from ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileName(String);

impl FileName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 255;

    /// Keeps the part after the last `/` or `\`, removes control characters,
    /// refuses an empty result or one over 255 characters.
    pub fn new(input: &str) -> Result<Self, ValidationError> {
        let last = input.rsplit(['/', '\\']).next().unwrap_or("");
        let cleaned = clean_single_line(last);
        let cleaned = cleaned.trim_start_matches('.').to_owned();
        crate::validation::require_length("file name", cleaned, Self::MAX_CHARS).map(Self)
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-cased extension after the last dot, if any.
    pub fn extension(&self) -> Option<String> {
        self.0
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
    }
}

/// An upload that passed the rules: type allowed, size within its limit,
/// extension matching the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    /// The cleaned file name.
    pub file_name: FileName,
    /// The declared type.
    pub media_type: MediaType,
    /// The declared size.
    pub size_bytes: u64,
}

impl UploadRequest {
    /// Applies the upload rules to what the client declared.
    pub fn new(
        file_name: &str,
        content_type: &str,
        size_bytes: u64,
    ) -> Result<Self, ValidationError> {
        let file_name = FileName::new(file_name)?;
        let media_type = MediaType::from_mime(content_type).ok_or_else(|| {
            ValidationError::Upload(format!(
                "files of type '{}' cannot be uploaded; use JPEG, PNG, GIF, WebP, MP4 or QuickTime",
                content_type.chars().take(100).collect::<String>()
            ))
        })?;
        if size_bytes == 0 {
            return Err(ValidationError::Upload("the file is empty".into()));
        }
        if size_bytes > media_type.max_size_bytes() {
            return Err(ValidationError::Upload(format!(
                "the file is too large: {} files may be at most {} MB",
                if media_type.is_image() {
                    "image"
                } else {
                    "video"
                },
                media_type.max_size_bytes() / MIB
            )));
        }
        let extension_ok = file_name
            .extension()
            .is_some_and(|ext| media_type.extensions().contains(&ext.as_str()));
        if !extension_ok {
            return Err(ValidationError::Upload(format!(
                "the file name '{}' does not end in an extension for {}",
                file_name.as_str(),
                media_type.mime()
            )));
        }
        Ok(Self {
            file_name,
            media_type,
            size_bytes,
        })
    }
}

/// A stored photo or video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    /// Stable id; the storage key is derived from it.
    pub id: MediaId,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// The legacy it belongs to, if any.
    pub legacy_id: Option<LegacyId>,
    /// Where the bytes are, in the object store.
    pub storage_key: String,
    /// The name the uploader gave it.
    pub file_name: FileName,
    /// Its type.
    pub media_type: MediaType,
    /// Its size.
    pub size_bytes: u64,
    /// When it was registered.
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_upload_keeps_only_the_last_path_component() {
        let upload = UploadRequest::new("../../etc/Grandma.JPG", "image/jpeg", 10).unwrap();
        assert_eq!(upload.file_name.as_str(), "Grandma.JPG");
        assert_eq!(upload.media_type, MediaType::Jpeg);
    }

    #[test]
    fn unknown_types_are_refused() {
        assert!(UploadRequest::new("a.svg", "image/svg+xml", 10).is_err());
        assert!(UploadRequest::new("a.exe", "application/octet-stream", 10).is_err());
    }

    #[test]
    fn images_over_50_mib_and_videos_over_500_mib_are_refused() {
        assert!(UploadRequest::new("a.png", "image/png", 50 * MIB).is_ok());
        assert!(UploadRequest::new("a.png", "image/png", 50 * MIB + 1).is_err());
        assert!(UploadRequest::new("a.mp4", "video/mp4", 500 * MIB).is_ok());
        assert!(UploadRequest::new("a.mp4", "video/mp4", 500 * MIB + 1).is_err());
    }

    #[test]
    fn extension_must_match_the_type() {
        assert!(UploadRequest::new("photo.png", "video/mp4", 10).is_err());
        assert!(UploadRequest::new("photo", "image/png", 10).is_err());
    }

    #[test]
    fn magic_numbers_identify_each_type() {
        assert!(MediaType::Png.matches_magic(b"\x89PNG\r\n\x1a\n\0\0\0\0"));
        assert!(!MediaType::Mp4.matches_magic(b"\x89PNG\r\n\x1a\n\0\0\0\0"));
        assert!(MediaType::Jpeg.matches_magic(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(MediaType::Webp.matches_magic(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(MediaType::Mp4.matches_magic(b"\0\0\0\x18ftypisom"));
        assert!(MediaType::QuickTime.matches_magic(b"\0\0\0\x14ftypqt  "));
        assert!(!MediaType::Mp4.matches_magic(b"\0\0\0\x14ftypqt  "));
    }
}
