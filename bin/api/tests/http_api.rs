//! The server over HTTP: the seed's journey on both databases, the error
//! body for every kind of bad request, CSRF, rate limits, sessions,
//! pagination, health and the served OpenAPI document.

mod common;

use std::collections::BTreeMap;

use common::{Backend, TestApp, assert_error_body, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn seed_journey(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.person("Alice").await;

    let response = app
        .request(Method::POST, "/api/legacies", Some(&alice))
        .json(
            &json!({ "name": "Jane Doe", "birth_date": "1950-01-01", "death_date": "2024-01-01" }),
        )
        .send()
        .await
        .unwrap();
    let (status, legacy) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{legacy}");
    assert_eq!(legacy["my_role"], "creator");
    let legacy_id = legacy["id"].as_str().unwrap();

    let response = app
        .request(Method::POST, "/api/stories", Some(&alice))
        .json(&json!({ "legacy_id": legacy_id, "title": "Childhood Memory", "content": "She loved gardening...", "visibility": "private" }))
        .send()
        .await
        .unwrap();
    let (status, story) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{story}");
    assert_eq!(story["author_name"], "Alice");

    let (status, listed) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy_id}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["title"], "Childhood Memory");
    assert_eq!(listed["items"][0]["id"], story["id"]);
    assert_eq!(listed["items"][0]["author_name"], "Alice");

    let (status, mine) = read(
        app.request(Method::GET, "/api/legacies", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["items"][0]["name"], "Jane Doe");
}

#[tokio::test]
async fn seed_journey_on_sqlite() {
    seed_journey(Backend::Sqlite).await;
}

#[tokio::test]
async fn seed_journey_on_postgres() {
    seed_journey(Backend::Postgres).await;
}

#[tokio::test]
async fn every_kind_of_bad_request_gets_the_error_body() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;

    // Malformed JSON.
    let response = app
        .request(Method::POST, "/api/legacies", Some(&alice))
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "BAD_REQUEST");

    // Wrong types.
    for wrong in [
        json!({ "name": ["Jane"] }),
        json!({ "name": "Jane", "birth_date": "yesterday" }),
        json!([1, 2]),
    ] {
        let response = app
            .request(Method::POST, "/api/legacies", Some(&alice))
            .json(&wrong)
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{wrong}");
        assert_error_body(&body, "BAD_REQUEST");
    }

    // A value that breaks a rule.
    let response = app
        .request(Method::POST, "/api/legacies", Some(&alice))
        .json(&json!({ "name": "Jane", "birth_date": "2000-01-01", "death_date": "1999-01-01" }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error_body(&body, "VALIDATION_FAILED");

    // Not a UUID in the path.
    let (status, body) = read(
        app.request(Method::GET, "/api/stories/not-a-uuid", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "BAD_REQUEST");

    // Unknown id.
    let path = format!("/api/stories/{}", uuid::Uuid::now_v7());
    let (status, body) = read(
        app.request(Method::GET, &path, Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");

    // Unknown route under /api.
    let (status, body) = read(
        app.request(Method::GET, "/api/no-such-thing", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");

    // Missing auth.
    let (status, body) = read(
        app.request(Method::GET, "/api/me", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");

    // Oversized body, declared and chunked.
    let huge = "x".repeat(2 * 1024 * 1024);
    let response = app
        .request(Method::POST, "/api/stories", Some(&alice))
        .header("Content-Type", "application/json")
        .body(format!("{{\"legacy_id\":\"{legacy}\",\"title\":\"t\",\"content\":\"{huge}\",\"visibility\":\"public\"}}"))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error_body(&body, "PAYLOAD_TOO_LARGE");
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..40).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let response = app
        .request(Method::POST, "/api/legacies", Some(&alice))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error_body(&body, "PAYLOAD_TOO_LARGE");

    // Over-long title: outside the document's `maxLength`, so refused as a
    // bad request, and nothing was stored.
    let response = app
        .request(Method::POST, "/api/stories", Some(&alice))
        .json(&json!({ "legacy_id": legacy, "title": "t".repeat(501), "content": "c", "visibility": "public" }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "BAD_REQUEST");
    let (_, listed) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused_and_changes_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;

    // What a hostile page's <form method=post> sends along with the cookie.
    let response = app
        .raw(Method::POST, "/api/legacies")
        .header("Cookie", &alice.cookie)
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("name=Hijacked")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error_body(&body, "CSRF_REJECTED");

    // Same origin but a simple form body (no JSON, no custom header).
    let response = app
        .raw(
            Method::DELETE,
            &format!("/api/legacies/{}", uuid::Uuid::now_v7()),
        )
        .header("Cookie", &alice.cookie)
        .header("Origin", &app.base_url)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // JSON from another origin is refused too.
    let response = app
        .raw(Method::POST, "/api/legacies")
        .header("Cookie", &alice.cookie)
        .header("Origin", "https://evil.example")
        .json(&json!({ "name": "Hijacked" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (_, mine) = read(
        app.request(Method::GET, "/api/legacies", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 0, "{mine}");
}

#[tokio::test]
async fn the_eleventh_story_in_a_minute_is_refused_with_retry_after() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    for i in 0..10 {
        app.create_story(&alice, &legacy, &format!("Story {i}"), "public")
            .await;
    }
    let response = app
        .request(Method::POST, "/api/stories", Some(&alice))
        .json(&json!({ "legacy_id": legacy, "title": "One too many", "content": "c", "visibility": "public" }))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_error_body(&body, "RATE_LIMITED");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn logging_out_kills_the_session_for_good() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    assert_eq!(
        app.request(Method::GET, "/api/me", Some(&alice))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let response = app
        .request(Method::POST, "/api/auth/logout", Some(&alice))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The old cookie, replayed, signs nobody in.
    let (status, body) = read(
        app.request(Method::GET, "/api/me", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_sets_a_safe_cookie() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let token = app
        .runtime
        .service
        .create_sign_in_link(alice.id)
        .await
        .unwrap();

    let response = app
        .request(Method::POST, "/api/auth/sign-in-link", None)
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("mosaic_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let me = app
        .request(Method::GET, "/api/me", None)
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    let (status, me) = read(me).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], alice.id.to_string());

    let again = app
        .request(Method::POST, "/api/auth/sign-in-link", None)
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(again).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
}

#[tokio::test]
async fn stories_page_through_without_gaps_or_repeats() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let mut created = Vec::new();
    for (i, visibility) in ["public", "private", "personal"]
        .iter()
        .cycle()
        .take(9)
        .enumerate()
    {
        created.push(
            app.create_story(&alice, &legacy, &format!("Story {i}"), visibility)
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/stories?legacy_id={legacy}&limit=4");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = read(
            app.request(Method::GET, &path, Some(&alice))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    created.reverse();
    assert_eq!(seen, created, "newest first, each once");

    let (status, body) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}&cursor=garbage"),
            None,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    // Not of the cursor's documented form.
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "BAD_REQUEST");
}

#[tokio::test]
async fn an_edit_keeps_the_old_version_and_it_can_be_restored() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let story = app
        .create_story(&alice, &legacy, "First draft", "private")
        .await;

    let edited = app
        .request(Method::PUT, &format!("/api/stories/{story}"), Some(&alice))
        .json(
            &json!({ "title": "Second draft", "content": "More detail.", "visibility": "public" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);
    let (_, revisions) = read(
        app.request(
            Method::GET,
            &format!("/api/stories/{story}/revisions"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(revisions[0]["title"], "First draft");
    let revision = revisions[0]["id"].as_str().unwrap();

    let (status, restored) = read(
        app.request(
            Method::POST,
            &format!("/api/stories/{story}/revisions/{revision}/restore"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(restored["title"], "First draft");
    assert_eq!(restored["author_name"], "Alice");
    let (_, revisions) = read(
        app.request(
            Method::GET,
            &format!("/api/stories/{story}/revisions"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        revisions.as_array().unwrap().len(),
        2,
        "nothing is lost: {revisions}"
    );

    // Delete, then undo.
    let (status, deleted) = read(
        app.request(
            Method::DELETE,
            &format!("/api/stories/{story}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(deleted["deleted_at"].is_string());
    assert_eq!(
        app.request(Method::GET, &format!("/api/stories/{story}"), Some(&alice))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let (status, back) = read(
        app.request(
            Method::POST,
            &format!("/api/stories/{story}/restore"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(back["deleted_at"].is_null());
    assert_eq!(back["author_name"], "Alice");
}

#[tokio::test]
async fn a_visitor_sees_who_wrote_each_public_story() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    app.add_member(&legacy, &alice, &bob, "editor").await;
    let by_alice = app.create_story(&alice, &legacy, "Garden", "public").await;
    let by_bob = app.create_story(&bob, &legacy, "Kitchen", "public").await;

    let (status, listed) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}"),
            None,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let authors: Vec<(&str, &str)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["author_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        authors,
        [(by_bob.as_str(), "Bob"), (by_alice.as_str(), "Alice")]
    );

    let (status, one) = read(
        app.request(Method::GET, &format!("/api/stories/{by_bob}"), None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["author_name"], "Bob");

    // The creator deletes and restores Bob's story: it is still Bob's.
    let (status, deleted) = read(
        app.request(
            Method::DELETE,
            &format!("/api/stories/{by_bob}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["author_name"], "Bob");
}

/// The legacy-name search reads the story search's query language: words,
/// phrases, exclusions, `OR`, case and accents; nothing searchable is a 422.
#[tokio::test]
async fn legacy_name_search_shares_the_story_query_language() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    app.create_legacy(&alice, "José van der Berg").await;
    app.create_legacy(&alice, "Jose Berg").await;
    app.create_legacy(&alice, "Ann van Dijk").await;
    let names = async |q: &str| {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/api/legacies/search", app.base_url),
            &[("q", q)],
        )
        .unwrap();
        let path = format!("{}?{}", url.path(), url.query().unwrap());
        let (status, body) =
            read(app.request(Method::GET, &path, None).send().await.unwrap()).await;
        (status, body)
    };
    let found = async |q: &str| {
        let (status, body) = names(q).await;
        assert_eq!(status, StatusCode::OK, "{q:?}: {body}");
        let mut names: Vec<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(found("JOSE berg").await, ["Jose Berg", "José van der Berg"]);
    assert_eq!(found("josé -\"der berg\"").await, ["Jose Berg"]);
    assert_eq!(found("\"van der\"").await, ["José van der Berg"]);
    assert_eq!(
        found("dijk OR jose").await,
        ["Ann van Dijk", "Jose Berg", "José van der Berg"]
    );
    for nothing in ["%", "-berg", "OR", "🌹"] {
        let (status, body) = names(nothing).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nothing:?}: {body}"
        );
        assert_error_body(&body, "VALIDATION_FAILED");
    }
}

#[tokio::test]
async fn search_tells_a_signed_in_caller_their_role_in_each_legacy() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let mine = app.create_legacy(&alice, "Jane Searchable").await;
    let joined = app.create_legacy(&bob, "John Searchable").await;
    let asked = app.create_legacy(&bob, "June Searchable").await;
    let other = app.create_legacy(&bob, "Jack Searchable").await;
    app.add_member(&joined, &bob, &alice, "editor").await;
    app.add_member(&asked, &bob, &alice, "pending").await;

    let roles_seen_by = async |who: Option<&common::Person>| {
        let (status, found) = read(
            app.request(Method::GET, "/api/legacies/search?q=searchable", who)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{found}");
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["id"].as_str().unwrap().to_owned(), l["my_role"].clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        roles_seen_by(Some(&alice)).await,
        BTreeMap::from([
            (mine.clone(), json!("creator")),
            (joined.clone(), json!("editor")),
            (asked.clone(), json!("pending")),
            (other.clone(), json!(null)),
        ])
    );
    assert_eq!(
        roles_seen_by(None).await,
        BTreeMap::from([
            (mine, json!(null)),
            (joined, json!(null)),
            (asked, json!(null)),
            (other, json!(null)),
        ])
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.raw(Method::GET, "/health").send().await.unwrap();
    assert!(!response.headers()["x-request-id"].is_empty());
    let response = app
        .raw(Method::GET, "/health")
        .header("X-Request-Id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn readiness_really_asks_the_database() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(
        app.raw(Method::GET, "/health")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.raw(Method::GET, "/ready")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    app.runtime.database.close().await;
    let (status, body) = read(app.raw(Method::GET, "/ready").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error_body(&body, "UNAVAILABLE");
    assert_eq!(
        app.raw(Method::GET, "/health")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_status() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    app.request(Method::GET, "/api/me", Some(&alice))
        .send()
        .await
        .unwrap();
    app.request(Method::GET, "/api/me", Some(&alice))
        .send()
        .await
        .unwrap();
    app.request(Method::GET, "/api/me", None)
        .send()
        .await
        .unwrap();
    let text = reqwest::get(format!("{}/metrics", app.metrics_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            "mosaic_http_requests_total{route=\"get_me\",method=\"GET\",status=\"200\"} 2"
        ),
        "{text}"
    );
    // Refused before an operation runs: counted under the API as a whole.
    assert!(
        text.contains("mosaic_http_requests_total{route=\"api\",method=\"GET\",status=\"401\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("mosaic_http_request_duration_seconds_bucket"),
        "{text}"
    );
    let open_connections = text
        .lines()
        .find_map(|line| line.strip_prefix("mosaic_db_pool_connections "))
        .and_then(|value| value.parse::<u64>().ok());
    assert!(open_connections.is_some_and(|n| n >= 1), "{text}");
    assert!(text.contains("mosaic_db_pool_idle_connections "), "{text}");
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served: serde_json::Value = app
        .raw(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap(),
    )
    .unwrap();
    assert!(
        served == committed,
        "the served /openapi.json differs from bin/api/openapi.json"
    );
    let docs = app.raw(Method::GET, "/docs").send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_web_app_is_served_compressed_with_the_right_caching() {
    let web = tempfile::tempdir().unwrap();
    std::fs::create_dir(web.path().join("assets")).unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>Mosaic Life</title>",
    )
    .unwrap();
    std::fs::write(
        web.path().join("assets/app-3f2a.js"),
        "console.log('mosaic');".repeat(200),
    )
    .unwrap();
    let web_dir = web.path().display().to_string();
    let app = TestApp::spawn_with(Backend::Sqlite, &[("MOSAIC_WEB_DIR", &web_dir)]).await;

    let asset = app
        .raw(Method::GET, "/assets/app-3f2a.js")
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(asset.headers()["content-encoding"], "gzip");
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    // A client-side route falls back to index.html, which is always revalidated.
    let page = app
        .raw(Method::GET, "/legacies/some-id")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<title>Mosaic Life</title>")
    );

    // The API keeps answering JSON errors, not the web app.
    let (status, body) = read(
        app.raw(Method::GET, "/api/no-such-thing")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");
}

#[tokio::test]
async fn behind_a_trusted_proxy_sign_in_attempts_are_limited_per_forwarded_client() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("MOSAIC_TRUSTED_PROXY_HOPS", "1"),
            ("MOSAIC_SIGN_INS_PER_MINUTE", "2"),
        ],
    )
    .await;
    // Through the balancer every connection comes from 127.0.0.1; the
    // balancer appends the client's address. A forged first entry changes
    // nothing.
    let attempt = |forwarded: &'static str| {
        app.request(Method::POST, "/api/auth/sign-in-link", None)
            .header("X-Forwarded-For", forwarded)
            .json(&json!({ "token": "not-a-real-token" }))
            .send()
    };
    for forged in ["1.1.1.1, 198.51.100.7", "2.2.2.2, 198.51.100.7"] {
        let (status, body) = read(attempt(forged).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let refused = attempt("3.3.3.3, 198.51.100.7").await.unwrap();
    assert!(refused.headers().contains_key("retry-after"));
    let (status, body) = read(refused).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_error_body(&body, "RATE_LIMITED");
    // Another client behind the same balancer has its own allowance.
    let (status, body) = read(attempt("198.51.100.8").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
