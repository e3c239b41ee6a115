//! The texts of the archive's files: stories and revisions as Markdown
//! with front matter, `README.txt`, and the pieces of `index.html`.

use mosaic_domain::{Legacy, MediaRecord, PersonName, Story, StoryRevision};

use crate::FrontMatter;
use crate::manifest::timestamp;
use crate::paths::{INDEX, MANIFEST, MEDIA_DIR, REVISIONS_DIR, STORIES_DIR};

/// A story's Markdown file: front matter (id, title, author, visibility,
/// created, updated), then the story exactly as written.
pub fn story_file(story: &Story, author: &PersonName) -> String {
    FrontMatter::new()
        .with("id", story.id.to_string())
        .with("title", story.title.as_str())
        .with("author", author.as_str())
        .with("author_id", story.author_id.to_string())
        .with("visibility", story.visibility.as_str())
        .with("created", timestamp(story.created_at))
        .with("updated", timestamp(story.updated_at))
        .render(story.content.as_str())
}

/// An earlier version's Markdown file.
pub fn revision_file(revision: &StoryRevision) -> String {
    FrontMatter::new()
        .with("id", revision.id.to_string())
        .with("story", revision.story_id.to_string())
        .with("title", revision.draft.title.as_str())
        .with("visibility", revision.draft.visibility.as_str())
        .with("replaced", timestamp(revision.replaced_at))
        .render(revision.draft.content.as_str())
}

/// `README.txt`.
pub fn readme(title: &str, exported_at: &str) -> String {
    format!(
        "Mosaic Life archive: {title}
Exported {exported_at}.

This archive holds stories and photos as plain files that any computer can
open without Mosaic Life:

  index.html       Open it in a web browser to read every story and see the
                   photos. It works offline and runs no scripts.
  {STORIES_DIR}        One Markdown file per story. The lines between the two
                   '---' at the top say who wrote it, when, and who could
                   read it (public, private = family members, personal =
                   only the author). The story follows.
  {REVISIONS_DIR}      Earlier versions of stories, in the same form, in one
                   folder per story.
  {MEDIA_DIR}          Photos and videos, exactly as they were uploaded.
  {MANIFEST}    The same information for programs: the legacy, its
                   members and their roles, every story, version and photo,
                   and the size and SHA-256 checksum of every file (to check
                   that nothing was damaged or changed).

A Mosaic Life site can import an archive of a legacy again
(mosaic-admin legacy import FILE, or 'Import an archive' in the web app).
The format is described at the top of {MANIFEST}: format
\"mosaic-life-archive\", version 1.
"
    )
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The start of `index.html`, through the photo section's heading. The page
/// has no scripts (its content security policy forbids them) and loads
/// nothing from the network: photos are the archive's own files.
pub fn index_head(title: &str, legacies: &[Legacy]) -> String {
    let mut out = format!(
        "<!doctype html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: data:; media-src 'self' file:; style-src 'unsafe-inline'\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>{title}</title>
<style>
body {{ font-family: Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
article {{ border-top: 1px solid #ccc; padding: 1rem 0; }}
.meta {{ color: #666; font-size: 0.9rem; }}
.text {{ white-space: pre-wrap; }}
.photos {{ display: flex; flex-wrap: wrap; gap: 0.5rem; }}
.photos figure {{ margin: 0; width: 14rem; }}
.photos img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>{title}</h1>
",
        title = escape_html(title)
    );
    for legacy in legacies {
        let dates = match (legacy.dates.birth(), legacy.dates.death()) {
            (None, None) => String::new(),
            (b, d) => format!(
                "<p class=\"meta\">{} – {}</p>\n",
                b.map(|d| d.to_string()).unwrap_or_default(),
                d.map(|d| d.to_string()).unwrap_or_default()
            ),
        };
        out.push_str(&format!(
            "<section class=\"legacy\"><h2>{}</h2>\n{dates}",
            escape_html(legacy.name.as_str())
        ));
        if let Some(bio) = &legacy.biography {
            out.push_str(&format!(
                "<div class=\"text\">{}</div>\n",
                escape_html(bio.as_str())
            ));
        }
        out.push_str("</section>\n");
    }
    out.push_str("<h2>Photos and videos</h2>\n<div class=\"photos\">\n");
    out
}

/// One media item of `index.html`, linking the file at `path`.
pub fn index_media(media: &MediaRecord, path: &str) -> String {
    let name = escape_html(media.file_name.as_str());
    let href = escape_html(path);
    if media.media_type.is_image() {
        format!(
            "<figure><a href=\"{href}\"><img src=\"{href}\" alt=\"{name}\" loading=\"lazy\"></a><figcaption>{name}</figcaption></figure>\n"
        )
    } else {
        format!("<figure><a href=\"{href}\">{name}</a> (video)</figure>\n")
    }
}

/// Between the photos and the stories.
pub fn index_stories_heading() -> String {
    "</div>\n<h2>Stories</h2>\n".to_owned()
}

/// One story of `index.html`, with its text.
pub fn index_story(story: &Story, author: &PersonName, path: &str) -> String {
    format!(
        "<article id=\"story-{id}\"><h3>{title}</h3>
<p class=\"meta\">{author} · {date} · {visibility} · <a href=\"{href}\">Markdown</a></p>
<div class=\"text\">{text}</div></article>
",
        id = story.id,
        title = escape_html(story.title.as_str()),
        author = escape_html(author.as_str()),
        date = story.created_at.date(),
        visibility = story.visibility.as_str(),
        href = escape_html(path),
        text = escape_html(story.content.as_str()),
    )
}

/// The end of `index.html`.
pub fn index_tail() -> String {
    format!(
        "<p class=\"meta\">Made by Mosaic Life. The files beside {INDEX} hold everything shown here.</p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
