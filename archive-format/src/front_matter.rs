//! The YAML front matter at the top of each Markdown file.
//!
//! Every value is written as a double-quoted YAML scalar with JSON escapes
//! (valid YAML 1.2, so any Markdown tool reads it), one `key: "value"` per
//! line between two `---` lines. The importer reads back exactly that form
//! and refuses anything else, so a file we did not write is not guessed at.

use crate::ArchiveError;

/// Front matter fields in the order written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FrontMatter {
    fields: Vec<(String, String)>,
}

impl FrontMatter {
    /// No fields yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.fields.push((key.to_owned(), value.into()));
        self
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key`, or an error naming the file and the field.
    pub fn require(&self, key: &str, path: &str) -> Result<&str, ArchiveError> {
        self.get(key).ok_or_else(|| ArchiveError::FrontMatter {
            path: path.to_owned(),
            why: format!("the field '{key}' is missing"),
        })
    }

    /// The file: front matter, then `body` exactly as given.
    pub fn render(&self, body: &str) -> String {
        let mut out = String::with_capacity(body.len() + 256);
        out.push_str("---\n");
        for (key, value) in &self.fields {
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&serde_json::Value::String(value.clone()).to_string());
            out.push('\n');
        }
        out.push_str("---\n");
        out.push_str(body);
        out
    }

    /// Splits a file into its front matter and body. `path` names the file
    /// in errors.
    pub fn parse<'a>(text: &'a str, path: &str) -> Result<(Self, &'a str), ArchiveError> {
        let bad = |why: String| ArchiveError::FrontMatter {
            path: path.to_owned(),
            why,
        };
        let rest = text
            .strip_prefix("---\n")
            .ok_or_else(|| bad("the file does not start with a '---' line".into()))?;
        let mut fields = Vec::new();
        let mut remaining = rest;
        loop {
            let (line, after) = remaining
                .split_once('\n')
                .ok_or_else(|| bad("the closing '---' line is missing".into()))?;
            remaining = after;
            if line == "---" {
                break;
            }
            let (key, value) = line
                .split_once(": ")
                .ok_or_else(|| bad(format!("the line '{}' is not 'key: \"value\"'", cut(line))))?;
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(bad(format!("'{}' is not a field name", cut(key))));
            }
            let value: String = serde_json::from_str(value).map_err(|_| {
                bad(format!(
                    "the value of '{key}' is not a double-quoted string"
                ))
            })?;
            if fields.iter().any(|(k, _): &(String, String)| k == key) {
                return Err(bad(format!("the field '{key}' appears twice")));
            }
            fields.push((key.to_owned(), value));
        }
        Ok((Self { fields }, remaining))
    }
}

fn cut(text: &str) -> String {
    crate::paths::printable(text).chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_round_trips_any_text() {
        let fm = FrontMatter::new()
            .with("title", "He said \"hi\": ---\nnew line")
            .with("visibility", "private");
        let body = "# Heading\n\n---\nnot front matter\n";
        let text = fm.render(body);
        assert!(text.starts_with("---\ntitle: \"He said \\\"hi\\\": ---\\nnew line\"\n"));
        let (parsed, parsed_body) = FrontMatter::parse(&text, "stories/a.md").unwrap();
        assert_eq!(parsed, fm);
        assert_eq!(parsed_body, body);
    }

    #[test]
    fn malformed_front_matter_names_the_problem() {
        for (text, expected) in [
            ("no front matter", "does not start"),
            ("---\ntitle: \"x\"\n", "closing '---' line is missing"),
            ("---\ntitle x\n---\n", "is not 'key: \"value\"'"),
            ("---\ntitle: x\n---\n", "not a double-quoted string"),
            ("---\nTitle!: \"x\"\n---\n", "not a field name"),
            ("---\na: \"x\"\na: \"y\"\n---\n", "appears twice"),
        ] {
            let err = FrontMatter::parse(text, "stories/a.md")
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.contains("stories/a.md"), "{err}");
        }
    }
}
