//! The HTTP contract beyond single operations: what the document declares
//! (nullable fields, constraints, strict types, unknown fields), the
//! `Allow` header of every 405, `HEAD` wherever `GET` works, sign-out at
//! the brief's path, the security headers of every response, and
//! `/metrics` only on its own listener.

mod common;

use common::{Backend, TestApp, assert_error_body, read};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

/// Every optional property of every schema in the document is declared
/// nullable: the server sends `null` for an absent value, and a strict
/// client must be told so.
#[test]
fn every_optional_property_in_the_document_is_nullable() {
    let doc: Value = serde_json::from_str(&mosaic_api::openapi_json()).unwrap();
    let mut missing = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(properties) = schema["properties"].as_object() else {
            continue;
        };
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (property, declared) in properties {
            if !required.contains(&property.as_str()) && declared["nullable"] != true {
                missing.push(format!("{name}.{property}"));
            }
        }
    }
    assert!(missing.is_empty(), "optional but not nullable: {missing:?}");
}

/// The limits the server enforces are in the document.
#[test]
fn the_document_declares_the_enforced_limits() {
    let doc: Value = serde_json::from_str(&mosaic_api::openapi_json()).unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["LegacyInput"]["properties"]["name"]["maxLength"],
        200
    );
    assert!(schemas["LegacyInput"]["properties"]["name"]["pattern"].is_string());
    assert_eq!(
        schemas["LegacyInput"]["properties"]["birth_date"]["format"],
        "date"
    );
    assert_eq!(
        schemas["StoryInput"]["properties"]["title"]["maxLength"],
        500
    );
    assert_eq!(
        schemas["StoryInput"]["properties"]["content"]["maxLength"],
        50000
    );
    let limit = doc["paths"]["/stories"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["schema"]["minimum"], 1.0, "{limit}");
    assert_eq!(limit["schema"]["maximum"], 100.0, "{limit}");
}

#[tokio::test]
async fn absent_values_are_null_and_unknown_fields_are_ignored() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let (status, legacy) = read(
        app.request(Method::POST, "/api/legacies", Some(&alice))
            .json(&json!({ "name": "Jane Doe", "nickname": "JD", "biography": null }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{legacy}");
    for field in ["birth_date", "death_date", "biography"] {
        assert!(legacy[field].is_null(), "{field}: {legacy}");
    }
    assert!(legacy.get("nickname").is_none(), "{legacy}");

    let (status, page) = read(
        app.request(Method::GET, "/api/legacies", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page["next_cursor"].is_null(), "{page}");
}

#[tokio::test]
async fn values_outside_the_document_are_refused_with_400() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    for wrong in [
        json!({ "name": 12 }),
        json!({ "name": false }),
        json!({ "name": "x".repeat(201) }),
        json!({ "name": " \t " }),
        json!({ "name": "Jane", "birth_date": "1950-1-1" }),
    ] {
        let (status, body) = read(
            app.request(Method::POST, "/api/legacies", Some(&alice))
                .json(&wrong)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}: {body}");
        assert_error_body(&body, "BAD_REQUEST");
    }
    for query in ["limit=0", "limit=101", "limit=-1", "cursor=nonsense"] {
        let (status, body) = read(
            app.request(
                Method::GET,
                &format!("/api/stories?legacy_id={legacy}&{query}"),
                Some(&alice),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_error_body(&body, "BAD_REQUEST");
    }
    let (status, _) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}&limit=100"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for wrong in [
        json!({ "legacy_id": legacy, "file_name": "a.jpg", "content_type": "image/jpeg", "size_bytes": 0 }),
        json!({ "legacy_id": legacy, "file_name": "a.jpg", "content_type": "image/jpeg", "size_bytes": -1 }),
        json!({ "legacy_id": legacy, "file_name": "a.jpg", "content_type": "text/plain", "size_bytes": 10 }),
        json!({ "legacy_id": legacy, "file_name": "notes.txt", "content_type": "image/jpeg", "size_bytes": 10 }),
    ] {
        let (status, body) = read(
            app.request(Method::POST, "/api/media/presign", Some(&alice))
                .json(&wrong)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}: {body}");
        assert_error_body(&body, "BAD_REQUEST");
    }
}

#[tokio::test]
async fn every_405_says_which_methods_are_allowed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let legacy = uuid::Uuid::now_v7();
    for (method, path, allow) in [
        (
            Method::DELETE,
            "/api/legacies".to_owned(),
            "GET, HEAD, POST",
        ),
        (
            Method::POST,
            format!("/api/legacies/{legacy}"),
            "DELETE, GET, HEAD, PUT",
        ),
        (Method::GET, format!("/api/legacies/{legacy}/join"), "POST"),
        (Method::TRACE, "/api/auth/providers".to_owned(), "GET, HEAD"),
        (Method::GET, "/api/auth/logout".to_owned(), "POST"),
        (Method::GET, "/auth/logout".to_owned(), "POST"),
        (Method::POST, "/health".to_owned(), "GET, HEAD"),
        (Method::PUT, "/openapi.json".to_owned(), "GET, HEAD"),
    ] {
        let response = app
            .request(method.clone(), &path, None)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(response.headers()[header::ALLOW], allow, "{method} {path}");
        let (_, body) = read(response).await;
        assert_error_body(&body, "METHOD_NOT_ALLOWED");
    }
}

/// A tiny built web app, so that the server serves `/`.
fn web_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Mosaic Life</title><script type=\"module\" src=\"/assets/app.js\"></script>",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app.js"), "console.log(1)").unwrap();
    dir
}

#[tokio::test]
async fn head_works_wherever_get_does_and_the_web_app_refuses_writes_with_allow() {
    let web = web_dir();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MOSAIC_WEB_DIR", web.path().to_str().unwrap())],
    )
    .await;
    for path in [
        "/",
        "/legacies/anything",
        "/assets/app.js",
        "/health",
        "/openapi.json",
        "/api/auth/providers",
        "/docs",
    ] {
        let get = app.raw(Method::GET, path).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::OK, "GET {path}");
        let head = app.raw(Method::HEAD, path).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
    let response = app.request(Method::POST, "/", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "GET, HEAD");
}

#[tokio::test]
async fn signing_out_at_the_briefs_path_revokes_the_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let response = app
        .request(Method::POST, "/auth/logout", Some(&alice))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (status, _) = read(
        app.request(Method::GET, "/api/me", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The same guards as the API: a cross-site form cannot sign anyone out.
    let bob = app.person("Bob").await;
    let (status, body) = read(
        app.raw(Method::POST, "/auth/logout")
            .header("Cookie", &bob.cookie)
            .header("Origin", "https://evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error_body(&body, "CSRF_REJECTED");
}

fn header_of(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {}", response.url()))
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let web = web_dir();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MOSAIC_WEB_DIR", web.path().to_str().unwrap())],
    )
    .await;
    for path in [
        "/",
        "/assets/app.js",
        "/api/me",
        "/api/legacies/search?q=x",
        "/health",
        "/openapi.json",
        "/no/such/page",
        "/docs",
    ] {
        let response = app.raw(Method::GET, path).send().await.unwrap();
        assert_eq!(
            header_of(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header_of(&response, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(header_of(&response, "x-frame-options"), "DENY", "{path}");
        let policy = header_of(&response, "content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("object-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-eval"), "{path}: {policy}");
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "{path}"
        );
        if path == "/docs" {
            // The documentation page is inline code: allowed by hash only.
            assert!(policy.contains("script-src 'sha256-"), "{policy}");
        } else {
            assert!(policy.contains("script-src 'self';"), "{path}: {policy}");
            assert!(policy.contains("style-src 'self';"), "{path}: {policy}");
        }
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MOSAIC_PUBLIC_URL", "https://family.example")],
    )
    .await;
    let response = app.raw(Method::GET, "/health").send().await.unwrap();
    assert_eq!(
        header_of(&response, "strict-transport-security"),
        "max-age=31536000"
    );
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_listener() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let public = app.raw(Method::GET, "/metrics").send().await.unwrap();
    assert_ne!(public.status(), StatusCode::OK);
    assert!(
        !public
            .text()
            .await
            .unwrap()
            .contains("mosaic_http_requests_total")
    );
    let private = reqwest::get(format!("{}/metrics", app.metrics_url))
        .await
        .unwrap();
    assert_eq!(private.status(), StatusCode::OK);
    assert!(
        private
            .text()
            .await
            .unwrap()
            .contains("mosaic_http_requests_total")
    );
    // Nothing else is served there.
    let other = reqwest::get(format!("{}/api/me", app.metrics_url))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}
