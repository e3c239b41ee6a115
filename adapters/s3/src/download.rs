//! The headers a download is served with: a content type from the short
//! list of media types and a `Content-Disposition` whose file name cannot
//! break the header.

use mosaic_domain::MediaType;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// How the browser should treat a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// Shown in the browser (a photo or video opened in a tab).
    Inline,
    /// Saved as a file.
    Attachment,
}

impl Disposition {
    /// The header token: `inline` or `attachment`.
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Inline => "inline",
            Disposition::Attachment => "attachment",
        }
    }

    /// Parses the header token.
    pub fn parse(token: &str) -> Option<Self> {
        match token {
            "inline" => Some(Disposition::Inline),
            "attachment" => Some(Disposition::Attachment),
            _ => None,
        }
    }
}

/// `Content-Type` and `Content-Disposition` of a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadHeaders {
    /// One of the accepted media MIME types, or `application/octet-stream`.
    pub content_type: &'static str,
    /// What was asked for, except that a file whose name has no media
    /// extension is always an attachment.
    pub disposition: Disposition,
    /// The full `Content-Disposition` value.
    pub content_disposition: String,
}

impl DownloadHeaders {
    /// Headers for offering `file_name` as `wanted`. The type comes from the
    /// name's extension, which registration checked against the declared
    /// type and the file's magic number; anything else is served as an
    /// opaque attachment so that a browser never renders it.
    pub fn for_file(file_name: &str, wanted: Disposition) -> Self {
        let (content_type, disposition) = match media_type_of_name(file_name) {
            Some(media_type) => (media_type.mime(), wanted),
            None => ("application/octet-stream", Disposition::Attachment),
        };
        Self {
            content_type,
            disposition,
            content_disposition: content_disposition(disposition, file_name),
        }
    }
}

/// The media type that goes with a file name's extension, if any.
pub fn media_type_of_name(file_name: &str) -> Option<MediaType> {
    let (_, extension) = file_name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    MediaType::ALL
        .into_iter()
        .find(|t| t.extensions().contains(&extension.as_str()))
}

/// Characters RFC 5987 allows unencoded in `filename*` (`attr-char`).
const ATTR_CHAR_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Longest ASCII fallback name, in characters.
const MAX_FALLBACK_CHARS: usize = 150;

/// A `Content-Disposition` value with a plain ASCII `filename` (for old
/// clients) and the exact name as RFC 5987 `filename*`. Path components,
/// control characters, quotes and backslashes never reach the header.
pub fn content_disposition(disposition: Disposition, file_name: &str) -> String {
    let name = clean_name(file_name);
    let fallback = ascii_fallback(&name);
    let encoded = utf8_percent_encode(&name, ATTR_CHAR_ENCODE);
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}",
        disposition.as_str()
    )
}

/// The last path component without control characters or leading dots,
/// or `download` when nothing is left.
fn clean_name(file_name: &str) -> String {
    let last = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "download".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Letters, digits, space and `._-()` kept; every other character becomes
/// `_`. Keeps the extension when the name is shortened.
fn ascii_fallback(name: &str) -> String {
    let safe: Vec<char> = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.len() <= MAX_FALLBACK_CHARS {
        return safe.into_iter().collect();
    }
    let extension: Vec<char> = match safe.iter().rposition(|&c| c == '.') {
        Some(dot) if safe.len() - dot <= 10 => safe[dot..].to_vec(),
        _ => Vec::new(),
    };
    let head = &safe[..MAX_FALLBACK_CHARS - extension.len()];
    head.iter().chain(extension.iter()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_kept() {
        assert_eq!(
            content_disposition(Disposition::Attachment, "Grandma 1962.jpg"),
            "attachment; filename=\"Grandma 1962.jpg\"; filename*=UTF-8''Grandma%201962.jpg"
        );
    }

    #[test]
    fn unicode_names_get_an_ascii_fallback_and_an_exact_filename_star() {
        assert_eq!(
            content_disposition(Disposition::Inline, "Großmutter é.png"),
            "inline; filename=\"Gro_mutter _.png\"; filename*=UTF-8''Gro%C3%9Fmutter%20%C3%A9.png"
        );
    }

    #[test]
    fn quotes_newlines_and_paths_cannot_break_the_header() {
        let header =
            content_disposition(Disposition::Attachment, "../../x\r\nSet-Cookie: a=b\";.png");
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert_eq!(header.matches('"').count(), 2, "{header}");
        assert!(header.starts_with("attachment; filename=\"x"), "{header}");
        assert_eq!(
            content_disposition(Disposition::Attachment, "..."),
            "attachment; filename=\"download\"; filename*=UTF-8''download"
        );
    }

    #[test]
    fn long_names_keep_their_extension_in_the_fallback() {
        let name = format!("{}.jpeg", "a".repeat(300));
        let fallback = ascii_fallback(&name);
        assert_eq!(fallback.len(), MAX_FALLBACK_CHARS);
        assert!(fallback.ends_with(".jpeg"));
    }

    #[test]
    fn only_media_extensions_are_served_as_media() {
        let photo = DownloadHeaders::for_file("a.JPG", Disposition::Inline);
        assert_eq!(photo.content_type, "image/jpeg");
        assert_eq!(photo.disposition, Disposition::Inline);
        let other = DownloadHeaders::for_file("a.html", Disposition::Inline);
        assert_eq!(other.content_type, "application/octet-stream");
        assert_eq!(other.disposition, Disposition::Attachment);
    }
}
