//! Security headers on every response, so that whatever a browser renders
//! from this server (the web app, the API documentation, a JSON answer
//! opened in a tab, a media file) runs only this server's own code and
//! cannot be framed.
//!
//! - `Content-Security-Policy`: scripts and styles only from this origin,
//!   no inline script; images, video and uploads also from the media
//!   store's origin when it is not this server; no plugins, no framing
//!   (`frame-ancestors 'none'`), forms and `<base>` only to this origin.
//!   The API documentation page (`/docs`, poem-openapi's Swagger UI) is all
//!   inline: its policy allows exactly those inline scripts and styles by
//!   their SHA-256 hashes, computed from the page served, so nothing else
//!   inline runs there either.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//!   strict-origin-when-cross-origin`, `X-Frame-Options: DENY` (for
//!   browsers without `frame-ancestors`).
//! - `Strict-Transport-Security` when the public URL is https.

use base64::Engine;
use poem::http::{HeaderName, HeaderValue, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use sha2::{Digest, Sha256};

/// Where the API documentation page is served.
pub const DOCS_PREFIX: &str = "/docs";

/// The headers to add, built once at start-up.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    common: Vec<(HeaderName, HeaderValue)>,
    app_policy: HeaderValue,
    docs_policy: HeaderValue,
}

impl SecurityHeaders {
    /// `https`: the public URL is https (adds HSTS). `media_origin`: the
    /// origin of presigned media URLs when it is not this server's.
    /// `docs_html`: the documentation page, whose inline code is hashed.
    pub fn new(https: bool, media_origin: Option<&str>, docs_html: &str) -> Self {
        let mut common = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ];
        if https {
            common.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            ));
        }
        let media = media_origin.map(|o| format!(" {o}")).unwrap_or_default();
        let app_policy = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; \
             img-src 'self' data: blob:{media}; media-src 'self' blob:{media}; \
             connect-src 'self'{media}; font-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        let scripts = inline_hashes(docs_html, "script");
        let styles = inline_hashes(docs_html, "style");
        let docs_policy = format!(
            "default-src 'self'; script-src{scripts}; style-src 'self'{styles}; \
             img-src 'self' data:; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
            scripts = if scripts.is_empty() {
                " 'none'".to_owned()
            } else {
                scripts
            },
        );
        Self {
            common,
            app_policy: HeaderValue::from_str(&app_policy).expect("an ASCII policy"),
            docs_policy: HeaderValue::from_str(&docs_policy).expect("an ASCII policy"),
        }
    }

    fn apply(&self, path: &str, response: &mut Response) {
        let headers = response.headers_mut();
        for (name, value) in &self.common {
            headers.insert(name.clone(), value.clone());
        }
        let policy = if path == DOCS_PREFIX || path.starts_with("/docs/") {
            &self.docs_policy
        } else {
            &self.app_policy
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    }
}

/// `" 'sha256-…'"` for the content of every inline `<tag …>…</tag>` in
/// `html` (elements with a `src` are not inline and are skipped).
fn inline_hashes(html: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let attributes = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(body_end) = body.find(&close) else {
            break;
        };
        if !attributes.contains("src=") {
            let digest = Sha256::digest(&body.as_bytes()[..body_end]);
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            out.push_str(&format!(" 'sha256-{encoded}'"));
        }
        rest = &body[body_end + close.len()..];
    }
    out
}

/// Adds the security headers to every response.
pub async fn security_headers<E: Endpoint>(
    next: E,
    req: Request,
    headers: &SecurityHeaders,
) -> poem::Result<Response> {
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await.map(IntoResponse::into_response)?;
    headers.apply(&path, &mut response);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_is_hashed_and_external_code_is_not() {
        let html = "<script src=\"/a.js\"></script><script>alert(1)</script><style>p{}</style>";
        let scripts = inline_hashes(html, "script");
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            scripts,
            " 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
        assert_eq!(inline_hashes(html, "style").matches("sha256-").count(), 1);
    }

    #[test]
    fn the_app_policy_allows_no_inline_script_and_no_framing() {
        let headers = SecurityHeaders::new(false, Some("https://media.example"), "");
        let policy = headers.app_policy.to_str().unwrap();
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(
            policy.contains("connect-src 'self' https://media.example"),
            "{policy}"
        );
        assert!(
            !headers
                .common
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        );
        let https = SecurityHeaders::new(true, None, "");
        assert!(
            https
                .common
                .iter()
                .any(|(name, _)| name == header::STRICT_TRANSPORT_SECURITY)
        );
    }
}
