//! `GET /api/search` over HTTP on both databases: what each caller finds,
//! the shape of a hit, paging, filters, and every kind of bad query.

mod common;

use std::collections::HashSet;

use common::{Backend, Person, TestApp, assert_error_body, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn write(
    app: &TestApp,
    author: &Person,
    legacy: &str,
    title: &str,
    content: &str,
    visibility: &str,
) -> String {
    let response = app
        .request(Method::POST, "/api/stories", Some(author))
        .json(&json!({ "legacy_id": legacy, "title": title, "content": content, "visibility": visibility }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, who: Option<&Person>, query: &str) -> (StatusCode, Value) {
    let url =
        reqwest::Url::parse_with_params(&format!("{}/api/search", app.base_url), &[("q", query)])
            .unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap());
    read(app.request(Method::GET, &path, who).send().await.unwrap()).await
}

/// The titles of a successful search, in order.
async fn titles(app: &TestApp, who: Option<&Person>, query: &str) -> Vec<String> {
    let (status, body) = search(app, who, query).await;
    assert_eq!(status, StatusCode::OK, "{query:?}: {body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn searches_stories_the_caller_may_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let stranger = app.person("Stranger").await;
    let grandma = app.create_legacy(&alice, "Jane Doe").await;
    let other = app.create_legacy(&stranger, "John Roe").await;
    app.add_member(&grandma, &alice, &bob, "member").await;
    let private = write(
        &app,
        &alice,
        &grandma,
        "The orchard",
        "We picked apples in José's orchard.",
        "private",
    )
    .await;
    write(
        &app,
        &alice,
        &grandma,
        "Alice's notes",
        "The orchard needs pruning.",
        "personal",
    )
    .await;
    write(
        &app,
        &alice,
        &grandma,
        "Public orchard",
        "An orchard anyone may read about.",
        "public",
    )
    .await;
    write(
        &app,
        &stranger,
        &other,
        "Their orchard",
        "Another family's public orchard.",
        "public",
    )
    .await;

    // Bob, a member: the family's private and public stories, not Alice's
    // personal one, nor another family's public story.
    let (status, body) = search(&app, Some(&bob), "orchards jose").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hits = body["items"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{body}");
    let hit = &hits[0];
    assert_eq!(hit["story_id"], private.as_str());
    assert_eq!(hit["title"], "The orchard");
    assert_eq!(hit["legacy_id"], grandma.as_str());
    assert_eq!(hit["legacy_name"], "Jane Doe");
    assert_eq!(hit["author_id"], alice.id.as_uuid().to_string());
    assert_eq!(hit["author_name"], "Alice");
    assert_eq!(hit["visibility"], "private");
    assert!(
        hit["created_at"].is_string() && hit["updated_at"].is_string(),
        "{hit}"
    );
    assert!(hit["rank"].as_f64().unwrap() > 0.0, "{hit}");
    // The last page: `null`, as on every page of the API.
    assert!(body["next_cursor"].is_null(), "{body}");
    // The snippet is plain text with the matches given as character ranges.
    let text: Vec<char> = hit["snippet"]["text"].as_str().unwrap().chars().collect();
    let marked: HashSet<String> = hit["snippet"]["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            text[h["start"].as_u64().unwrap() as usize..h["end"].as_u64().unwrap() as usize]
                .iter()
                .collect()
        })
        .collect();
    assert!(
        marked.contains("José") && marked.contains("orchard"),
        "{marked:?} in {hit}"
    );

    let mut bobs = titles(&app, Some(&bob), "orchard ").await;
    bobs.sort();
    assert_eq!(bobs, ["Public orchard", "The orchard"]);
    let mut alices = titles(&app, Some(&alice), "orchard ").await;
    alices.sort();
    assert_eq!(alices, ["Alice's notes", "Public orchard", "The orchard"]);
    assert_eq!(
        titles(&app, Some(&stranger), "orchard ").await,
        ["Their orchard"]
    );

    // One legacy: what the caller may read there; a visitor its public stories.
    let in_grandma = |who: Option<&Person>| {
        let path = format!("/api/search?q=orchard&legacy_id={grandma}");
        let request = app.request(Method::GET, &path, who);
        async move { read(request.send().await.unwrap()).await }
    };
    for who in [None, Some(&stranger)] {
        let (status, body) = in_grandma(who).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let titles: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Public orchard"]);
    }
    let (_, body) = in_grandma(Some(&bob)).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2, "{body}");

    // Without a legacy a visitor must sign in.
    let (status, body) = search(&app, None, "orchard").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
    // An unknown legacy is not found.
    let path = format!("/api/search?q=orchard&legacy_id={}", uuid::Uuid::now_v7());
    let (status, body) = read(
        app.request(Method::GET, &path, Some(&bob))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");
}

#[tokio::test]
async fn searches_stories_the_caller_may_read_on_sqlite() {
    searches_stories_the_caller_may_read(Backend::Sqlite).await;
}

#[tokio::test]
async fn searches_stories_the_caller_may_read_on_postgres() {
    searches_stories_the_caller_may_read(Backend::Postgres).await;
}

async fn pages_and_filters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.person("Alice").await;
    let grandma = app.create_legacy(&alice, "Jane Doe").await;
    let mut written = HashSet::new();
    for i in 0..7 {
        let visibility = if i % 2 == 0 { "public" } else { "private" };
        written.insert(
            write(
                &app,
                &alice,
                &grandma,
                &format!("Kite {i}"),
                "Flying a kite on the beach.",
                visibility,
            )
            .await,
        );
    }
    let mut seen = HashSet::new();
    let mut path = "/api/search?q=kite&limit=3".to_owned();
    let mut pages = 0;
    loop {
        let (status, body) = read(
            app.request(Method::GET, &path, Some(&alice))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages += 1;
        for hit in body["items"].as_array().unwrap() {
            assert!(
                seen.insert(hit["story_id"].as_str().unwrap().to_owned()),
                "repeated {hit}"
            );
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/search?q=kite&limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!((seen, pages), (written, 3));

    let count = async |query: &str| {
        let (status, body) = read(
            app.request(
                Method::GET,
                &format!("/api/search?q=kite&{query}"),
                Some(&alice),
            )
            .send()
            .await
            .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        body["items"].as_array().unwrap().len()
    };
    assert_eq!(count("visibility=private").await, 3);
    assert_eq!(count(&format!("author={}", alice.id.as_uuid())).await, 7);
    assert_eq!(count(&format!("author={}", uuid::Uuid::now_v7())).await, 0);
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(count(&format!("from={today}&to={today}")).await, 7);
    assert_eq!(
        count(&format!("to={}", today.previous_day().unwrap())).await,
        0
    );
    assert_eq!(
        count(&format!("from={}", today.next_day().unwrap())).await,
        0
    );
}

#[tokio::test]
async fn pages_and_filters_on_sqlite() {
    pages_and_filters(Backend::Sqlite).await;
}

#[tokio::test]
async fn pages_and_filters_on_postgres() {
    pages_and_filters(Backend::Postgres).await;
}

/// Results appear while typing: each prefix of "bicycle" finds it (the
/// prefix is matched unstemmed), the match is highlighted, and stop words
/// are words like any other on both databases.
async fn results_while_typing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.person("Alice").await;
    let grandma = app.create_legacy(&alice, "Jane Doe").await;
    write(
        &app,
        &alice,
        &grandma,
        "Summer",
        "José fixed the bicycles in the shed.",
        "private",
    )
    .await;
    write(
        &app,
        &alice,
        &grandma,
        "Winter",
        "Snow on the garden.",
        "private",
    )
    .await;
    let typed = "bicycles";
    for end in 2..=typed.len() {
        let prefix = &typed[..end];
        assert_eq!(
            titles(&app, Some(&alice), prefix).await,
            ["Summer"],
            "{prefix:?}"
        );
    }
    assert!(
        titles(&app, Some(&alice), "b").await.is_empty(),
        "one letter: a whole word"
    );
    assert!(
        titles(&app, Some(&alice), "bicy ").await.is_empty(),
        "a finished word"
    );
    assert_eq!(
        titles(&app, Some(&alice), "bicycle ").await,
        ["Summer"],
        "stemmed"
    );
    assert_eq!(titles(&app, Some(&alice), "-snow jos").await, ["Summer"]);
    let (status, body) = search(&app, Some(&alice), "shed bicy").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hit = &body["items"][0];
    let text: Vec<char> = hit["snippet"]["text"].as_str().unwrap().chars().collect();
    let marked: HashSet<String> = hit["snippet"]["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            text[h["start"].as_u64().unwrap() as usize..h["end"].as_u64().unwrap() as usize]
                .iter()
                .collect()
        })
        .collect();
    assert!(
        marked.contains("bicycles") && marked.contains("shed"),
        "{marked:?} in {hit}"
    );
    let mut both = titles(&app, Some(&alice), "the ").await;
    both.sort();
    assert_eq!(both, ["Summer", "Winter"], "a stop word is a word");
}

#[tokio::test]
async fn results_while_typing_on_sqlite() {
    results_while_typing(Backend::Sqlite).await;
}

#[tokio::test]
async fn results_while_typing_on_postgres() {
    results_while_typing(Backend::Postgres).await;
}

/// Bad queries answer a 4xx with the error body and never a 500; operator
/// characters are searched as words.
#[tokio::test]
async fn bad_and_hostile_queries_get_clear_answers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let grandma = app.create_legacy(&alice, "Jane Doe").await;
    write(
        &app,
        &alice,
        &grandma,
        "Quote",
        "O'Brien said: near the lake.",
        "public",
    )
    .await;

    for nothing in ["\"\"", "-lake", "🌹", "*&|!", "OR"] {
        let (status, body) = search(&app, Some(&alice), nothing).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{nothing:?}: {body}"
        );
        assert_error_body(&body, "VALIDATION_FAILED");
    }
    let (status, body) = search(&app, Some(&alice), &"lake ".repeat(33)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error_body(&body, "VALIDATION_FAILED");
    for bad in [
        "/api/search".to_owned(),
        "/api/search?q=".to_owned(),
        format!("/api/search?q={}", "a".repeat(501)),
        "/api/search?q=lake&limit=0".to_owned(),
        "/api/search?q=lake&limit=101".to_owned(),
        "/api/search?q=lake&legacy_id=nope".to_owned(),
        "/api/search?q=lake&visibility=family".to_owned(),
        "/api/search?q=lake&from=yesterday".to_owned(),
        "/api/search?q=lake&cursor=garbage".to_owned(),
        // A rank that is not a finite number (the exponent all ones).
        format!(
            "/api/search?q=lake&cursor=7ff0000000000000_{}",
            "0".repeat(32)
        ),
        format!(
            "/api/search?q=lake&cursor=fff8000000000000_{}",
            "0".repeat(32)
        ),
    ] {
        let (status, body) = read(
            app.request(Method::GET, &bad, Some(&alice))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_error_body(&body, "BAD_REQUEST");
    }
    // Every date the document allows is answered: an empty range finds
    // nothing, a bound beyond the days a story can carry bounds nothing.
    for (dates, found) in [
        ("from=2025-02-01&to=2025-01-01", 0),
        ("from=0000-12-31", 1),
        ("to=9999-12-31", 1),
        ("from=0001-01-01&to=9998-12-31", 1),
        ("to=0000-01-01", 0),
        ("from=9999-01-01", 0),
    ] {
        let path = format!("/api/search?q=lake&{dates}");
        let (status, body) = read(
            app.request(Method::GET, &path, Some(&alice))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{dates}: {body}");
        assert_eq!(
            body["items"].as_array().unwrap().len(),
            found,
            "{dates}: {body}"
        );
    }
    for hostile in [
        "O'Brien",
        "\"o'brien",
        "brien*",
        "NEAR(brien",
        "said:near",
        "brien & | !",
        "'); DROP TABLE stories; --",
        "\\lake",
    ] {
        let (status, body) = search(&app, Some(&alice), hostile).await;
        assert_eq!(status, StatusCode::OK, "{hostile:?}: {body}");
    }
    assert_eq!(titles(&app, Some(&alice), "said:near").await, ["Quote"]);
}
