//! The `Allow` header of `405 Method Not Allowed` answers (RFC 9110
//! §15.5.6 requires it): which methods the addressed resource supports.
//!
//! For the API the table is read from the operations poem-openapi
//! registered, so it cannot drift from the routes or the document; every
//! other path of the server is either read-only (`GET`, `HEAD`: health,
//! documents, the web app) or one of the few listed here.

use poem::http::{HeaderValue, Method, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::OpenApi;

/// One route pattern and the methods it answers.
#[derive(Debug, Clone)]
struct Entry {
    /// Segments; `None` matches any one segment, `Some("*name")` the rest.
    segments: Vec<Option<String>>,
    allow: HeaderValue,
}

/// The methods every path allows.
#[derive(Debug, Clone)]
pub struct AllowedMethods {
    entries: Vec<Entry>,
    read_only: HeaderValue,
}

/// Methods served for paths outside the table: `GET` and `HEAD`.
const READ_ONLY: &str = "GET, HEAD";

impl AllowedMethods {
    /// The table for the operations of `T` mounted under `prefix`, plus
    /// `extra` (pattern, methods) entries. `HEAD` is listed wherever `GET`
    /// is, because poem answers it with the `GET` handler.
    pub fn new<T: OpenApi>(prefix: &str, extra: &[(&str, &[Method])]) -> Self {
        let mut entries = Vec::new();
        for api in T::meta() {
            for path in api.paths {
                let methods: Vec<Method> =
                    path.operations.iter().map(|op| op.method.clone()).collect();
                entries.push(Entry::new(&format!("{prefix}{}", path.path), &methods));
            }
        }
        for (pattern, methods) in extra {
            entries.push(Entry::new(pattern, methods));
        }
        Self {
            entries,
            read_only: HeaderValue::from_static(READ_ONLY),
        }
    }

    /// The `Allow` value for `path`: the most specific matching entry (a
    /// literal segment beats a parameter, as in the router), or `GET, HEAD`.
    pub fn for_path(&self, path: &str) -> &HeaderValue {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.entries
            .iter()
            .filter_map(|entry| entry.rank(&parts).map(|rank| (rank, entry)))
            .min_by(|a, b| a.0.cmp(&b.0))
            .map_or(&self.read_only, |(_, entry)| &entry.allow)
    }
}

impl Entry {
    fn new(pattern: &str, methods: &[Method]) -> Self {
        let segments = pattern
            .trim_matches('/')
            .split('/')
            .map(|s| {
                let param = s.starts_with(':') || (s.starts_with('{') && s.ends_with('}'));
                (!param).then(|| s.to_owned())
            })
            .collect();
        let mut names: Vec<&str> = Vec::new();
        for method in methods {
            names.push(method.as_str());
            if *method == Method::GET {
                names.push("HEAD");
            }
        }
        names.sort_unstable();
        names.dedup();
        let allow = HeaderValue::from_str(&names.join(", "))
            .unwrap_or_else(|_| HeaderValue::from_static(READ_ONLY));
        Self { segments, allow }
    }

    /// `Some(rank)` when the entry matches; lower ranks are more specific
    /// (one flag per segment: `false` for a literal).
    fn rank(&self, parts: &[&str]) -> Option<Vec<bool>> {
        let mut rank = Vec::with_capacity(parts.len());
        for (i, segment) in self.segments.iter().enumerate() {
            match segment.as_deref() {
                Some(rest) if rest.starts_with('*') => return (parts.len() > i).then_some(rank),
                Some(literal) => {
                    if parts.get(i) != Some(&literal) {
                        return None;
                    }
                    rank.push(false);
                }
                None => {
                    if parts.get(i).is_none_or(|p| p.is_empty()) {
                        return None;
                    }
                    rank.push(true);
                }
            }
        }
        (parts.len() == self.segments.len()).then_some(rank)
    }
}

/// Adds `Allow` to every 405 that lacks one.
pub async fn allow_header<E: Endpoint>(
    next: E,
    req: Request,
    allowed: &AllowedMethods,
) -> poem::Result<Response> {
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await.map(IntoResponse::into_response)?;
    if response.status() == poem::http::StatusCode::METHOD_NOT_ALLOWED
        && !response.headers().contains_key(header::ALLOW)
    {
        response
            .headers_mut()
            .insert(header::ALLOW, allowed.for_path(&path).clone());
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AllowedMethods {
        AllowedMethods::new::<crate::api::AllApis>(
            "/api",
            &[("/api/media/local/*key", &[Method::GET, Method::PUT])],
        )
    }

    #[test]
    fn an_api_path_lists_its_operations_and_head_with_get() {
        let t = table();
        assert_eq!(t.for_path("/api/legacies"), "GET, HEAD, POST");
        assert_eq!(
            t.for_path("/api/legacies/0190a5b4-0000-7000-8000-000000000000"),
            "DELETE, GET, HEAD, PUT"
        );
        assert_eq!(t.for_path("/api/auth/logout"), "POST");
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter() {
        assert_eq!(table().for_path("/api/legacies/search"), "GET, HEAD");
    }

    #[test]
    fn a_wildcard_matches_the_rest_and_other_paths_are_read_only() {
        let t = table();
        assert_eq!(t.for_path("/api/media/local/a/b/c.jpg"), "GET, HEAD, PUT");
        assert_eq!(t.for_path("/"), "GET, HEAD");
        assert_eq!(t.for_path("/legacies/x"), "GET, HEAD");
    }
}
