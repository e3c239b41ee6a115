//! The AI companion over real HTTP on both databases, against the scripted
//! OpenAI-compatible server (started for real on 127.0.0.1): who may have
//! which story reach the model, citations, quota, provider failures,
//! cancellation and conversation ownership.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, Person, TestApp, assert_error_body, read};
use futures_util::StreamExt;
use mosaic_openai_test_server::{Script, ScriptedModel};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A server whose companion talks to `model`, with extra settings.
async fn app_with_model(
    backend: Backend,
    model: &ScriptedModel,
    extra: &[(&str, &str)],
) -> TestApp {
    let mut settings = vec![
        ("MOSAIC_AI_BASE_URL", model.base_url()),
        ("MOSAIC_AI_MODEL", "qwen2.5:7b"),
    ];
    settings.extend_from_slice(extra);
    TestApp::spawn_with(backend, &settings).await
}

async fn write_story(
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

async fn edit_story(app: &TestApp, author: &Person, story: &str, body: Value) {
    let response = app
        .request(Method::PUT, &format!("/api/stories/{story}"), Some(author))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// One parsed Server-Sent Event: its name and JSON data.
#[derive(Debug, Clone)]
struct Event {
    name: String,
    data: Value,
}

/// Asks and reads the whole event stream (it ends after `done`/`error`).
async fn ask(app: &TestApp, who: &Person, body: Value) -> Result<Vec<Event>, (StatusCode, Value)> {
    let response = app
        .request(Method::POST, "/api/chat/stream", Some(who))
        .json(&body)
        .send()
        .await
        .unwrap();
    if response.status() != StatusCode::OK {
        return Err(read(response).await);
    }
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let text = response.text().await.unwrap();
    Ok(parse_events(&text))
}

fn parse_events(text: &str) -> Vec<Event> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = Some(n.to_owned());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                }
            }
            let name = name?;
            Some(Event {
                name,
                data: serde_json::from_str(&data).expect("event data is JSON"),
            })
        })
        .collect()
}

fn answer_text(events: &[Event]) -> String {
    events
        .iter()
        .filter(|e| e.name == "delta")
        .map(|e| e.data["text"].as_str().unwrap())
        .collect()
}

fn cited_stories(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.name == "citation")
        .map(|e| e.data["story_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ----- scenarios ----------------------------------------------------------

async fn off_without_a_model(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let (status, body) = read(
        app.raw(Method::GET, "/api/chat/status")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["enabled"], false);
    let refused = ask(
        &app,
        &alice,
        json!({ "legacy_id": legacy, "question": "Her garden?" }),
    )
    .await
    .unwrap_err();
    assert_eq!(refused.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_error_body(&refused.1, "AI_OFF");
    // Everything else still works, conversations included.
    let (status, page) = read(
        app.request(Method::GET, "/api/chat/conversations", Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"], json!([]));
}

/// The leak matrix: every caller, every visibility, the AI opt-out; each
/// story carries a unique marker word; the model echoes its whole prompt, so
/// any marker that reached it shows in the answer too.
async fn only_readable_stories_reach_the_model(backend: Backend) {
    let model = ScriptedModel::start().await;
    model.set_script(Script::Echo);
    let app = app_with_model(backend, &model, &[]).await;
    let creator = app.person("Carol Creator").await;
    let editor = app.person("Eddie Editor").await;
    let member = app.person("Mona Member").await;
    let pending = app.person("Pete Pending").await;
    let stranger = app.person("Sam Stranger").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    app.add_member(&legacy, &creator, &editor, "editor").await;
    app.add_member(&legacy, &creator, &member, "member").await;
    app.add_member(&legacy, &creator, &pending, "pending").await;

    // (marker, author, visibility, kept out of the AI)
    let mut stories = Vec::new();
    for (author_name, author) in [("creator", &creator), ("editor", &editor)] {
        for visibility in ["public", "private", "personal"] {
            for excluded in [false, true] {
                let marker = format!(
                    "mk{author_name}{visibility}{}",
                    if excluded { "out" } else { "in" }
                );
                let id = write_story(
                    &app,
                    author,
                    &legacy,
                    &format!("Zebra day {marker}"),
                    &format!("We saw a zebra. {marker}"),
                    visibility,
                )
                .await;
                if excluded {
                    edit_story(
                        &app,
                        author,
                        &id,
                        json!({ "title": format!("Zebra day {marker}"), "content": format!("We saw a zebra. {marker}"), "visibility": visibility, "ai_excluded": true }),
                    )
                    .await;
                }
                stories.push((marker, author_name, visibility, excluded, id));
            }
        }
    }
    let callers: [(&str, &Person, Option<&str>); 5] = [
        ("stranger", &stranger, None),
        ("pending", &pending, Some("pending")),
        ("member", &member, Some("member")),
        ("editor", &editor, Some("editor")),
        ("creator", &creator, Some("creator")),
    ];
    for (who, person, role) in callers {
        let before = model.chats().len();
        let events = ask(
            &app,
            person,
            json!({ "legacy_id": legacy, "question": "Tell me about the zebra" }),
        )
        .await
        .unwrap_or_else(|e| panic!("{who}: {e:?}"));
        assert_eq!(events.first().unwrap().name, "start", "{who}");
        assert_eq!(events.last().unwrap().name, "done", "{who}: {events:?}");
        let chats = model.chats();
        assert_eq!(chats.len(), before + 1);
        let prompt = chats.last().unwrap().prompt_text();
        let answer = answer_text(&events);
        let cited = cited_stories(&events);
        for (marker, author, visibility, excluded, id) in &stories {
            let active = matches!(role, Some("member" | "editor" | "creator"));
            let readable = match *visibility {
                "public" => true,
                "private" => active,
                _ => *author == who,
            };
            let allowed = readable && !excluded;
            assert_eq!(
                prompt.contains(marker.as_str()),
                allowed,
                "{who} / {marker} in prompt"
            );
            assert_eq!(
                answer.contains(marker.as_str()),
                allowed,
                "{who} / {marker} in answer"
            );
            if !allowed {
                assert!(!cited.contains(id), "{who} got a citation of {marker}");
            }
        }
    }

    // After a story becomes personal, a member is removed, or a story is
    // deleted, nothing of it reaches the model any more.
    let private_by_creator = stories
        .iter()
        .find(|s| s.1 == "creator" && s.2 == "private" && !s.3)
        .unwrap();
    edit_story(
        &app,
        &creator,
        &private_by_creator.4,
        json!({ "title": "Zebra day", "content": format!("We saw a zebra. {}", private_by_creator.0), "visibility": "personal" }),
    )
    .await;
    let public_by_editor = stories
        .iter()
        .find(|s| s.1 == "editor" && s.2 == "public" && !s.3)
        .unwrap();
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/stories/{}", public_by_editor.4),
            Some(&editor),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    let removed = app
        .request(
            Method::DELETE,
            &format!("/api/legacies/{legacy}/members/{}", member.id),
            Some(&creator),
        )
        .send()
        .await
        .unwrap();
    assert!(removed.status().is_success(), "{}", removed.status());
    ask(
        &app,
        &member,
        json!({ "legacy_id": legacy, "question": "zebra" }),
    )
    .await
    .unwrap();
    let prompt = model.chats().last().unwrap().prompt_text();
    assert!(!prompt.contains(&private_by_creator.0), "{prompt}");
    assert!(!prompt.contains(&public_by_editor.0), "{prompt}");
    let private_by_editor = stories
        .iter()
        .find(|s| s.1 == "editor" && s.2 == "private" && !s.3)
        .unwrap();
    assert!(
        !prompt.contains(&private_by_editor.0),
        "a removed member still gets private stories"
    );
    assert!(
        prompt.contains("mkcreatorpublicin"),
        "public stories still do"
    );
}

async fn citations_are_checked_and_reopened_ones_follow_visibility(backend: Backend) {
    let model = ScriptedModel::start().await;
    let app = app_with_model(backend, &model, &[]).await;
    let creator = app.person("Carol").await;
    let member = app.person("Mona").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    app.add_member(&legacy, &creator, &member, "member").await;
    let story = write_story(
        &app,
        &creator,
        &legacy,
        "Sunday pierogi",
        "She cooked pierogi every Sunday.",
        "private",
    )
    .await;
    // Cites the one passage sent, one that was not, and tries an image and
    // a link (a story could ask for them to leak data through the URL).
    model.set_script(Script::Reply(
        "She cooked pierogi [1], and soup [7]. ![x](https://evil.example/p.png?d=1) [more](http://evil.example/) www.evil.example".into(),
    ));
    let events = ask(
        &app,
        &member,
        json!({ "legacy_id": legacy, "question": "What did she cook on Sundays?" }),
    )
    .await
    .unwrap();
    let citations: Vec<&Event> = events.iter().filter(|e| e.name == "citation").collect();
    assert_eq!(citations.len(), 1, "{events:?}");
    assert_eq!(citations[0].data["n"], 1);
    assert_eq!(citations[0].data["story_id"], story.as_str());
    assert_eq!(citations[0].data["title"], "Sunday pierogi");
    let done = events.last().unwrap();
    assert_eq!(done.name, "done", "{events:?}");
    assert!(done.data["completion_tokens"].as_u64().unwrap() > 0);
    let conversation = done.data["conversation_id"].as_str().unwrap().to_owned();

    let (status, detail) = read(
        app.request(
            Method::GET,
            &format!("/api/chat/conversations/{conversation}"),
            Some(&member),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[0]["content"], "What did she cook on Sundays?");
    let stored = messages[1]["content"].as_str().unwrap();
    assert!(stored.contains("She cooked pierogi [1]"), "{stored}");
    for bad in ["http", "evil", "![", "]("] {
        assert!(!stored.contains(bad), "{bad} survived: {stored}");
    }
    assert_eq!(messages[1]["citations"][0]["available"], true);
    assert_eq!(messages[1]["citations"][0]["title"], "Sunday pierogi");

    // The author makes the story personal: reopened, the citation is
    // unavailable and shows neither title nor story.
    edit_story(&app, &creator, &story, json!({ "title": "Sunday pierogi", "content": "She cooked pierogi every Sunday.", "visibility": "personal" })).await;
    let (_, detail) = read(
        app.request(
            Method::GET,
            &format!("/api/chat/conversations/{conversation}"),
            Some(&member),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    let citation = &detail["messages"][1]["citations"][0];
    assert_eq!(citation["available"], false, "{detail}");
    assert!(
        citation["title"].is_null() && citation["story_id"].is_null(),
        "{citation}"
    );
}

/// The value of one series in `/metrics` (0 when it is not there yet).
async fn metric(app: &TestApp, series: &str) -> u64 {
    let text = reqwest::get(format!("{}/metrics", app.metrics_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0)
}

async fn the_daily_quota_answers_429(backend: Backend) {
    let model = ScriptedModel::start().await;
    let app = app_with_model(backend, &model, &[("MOSAIC_AI_MESSAGES_PER_DAY", "3")]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    for _ in 0..3 {
        ask(
            &app,
            &alice,
            json!({ "legacy_id": legacy, "question": "Her garden?" }),
        )
        .await
        .unwrap();
    }
    let response = app
        .request(Method::POST, "/api/chat/stream", Some(&alice))
        .json(&json!({ "legacy_id": legacy, "question": "Her garden?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=24 * 3600).contains(&retry_after));
    let (_, body) = read(response).await;
    assert_error_body(&body, "AI_QUOTA_EXCEEDED");
    assert_eq!(body["error"]["details"]["messages_per_day"], 3);
    assert_eq!(
        model.chats().len(),
        3,
        "the refused question never reached the model"
    );
    // /metrics counts answers, refusals, tokens and the time to the first text by model.
    let answers = "mosaic_ai_answers_total{model=\"qwen2.5:7b\",";
    assert_eq!(
        metric(&app, &format!("{answers}outcome=\"completed\"}}")).await,
        3
    );
    assert_eq!(
        metric(&app, &format!("{answers}outcome=\"refused_429\"}}")).await,
        1
    );
    assert_eq!(
        metric(
            &app,
            "mosaic_ai_first_delta_seconds_count{model=\"qwen2.5:7b\"}"
        )
        .await,
        3
    );
    assert!(
        metric(
            &app,
            "mosaic_ai_tokens_total{model=\"qwen2.5:7b\",kind=\"prompt\"}"
        )
        .await
            > 0,
        "the scripted model reports usage"
    );
    // Another person has their own quota.
    let bob = app.person("Bob").await;
    ask(
        &app,
        &bob,
        json!({ "legacy_id": legacy, "question": "Her garden?" }),
    )
    .await
    .unwrap();
}

async fn provider_failures_are_clear_errors(backend: Backend) {
    let model = ScriptedModel::start().await;
    let app = app_with_model(
        backend,
        &model,
        &[
            ("MOSAIC_AI_FIRST_TOKEN_TIMEOUT_SECONDS", "1"),
            ("MOSAIC_AI_IDLE_TIMEOUT_SECONDS", "1"),
        ],
    )
    .await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let question = json!({ "legacy_id": legacy, "question": "Her garden?" });

    model.set_script(Script::Fail(500));
    let (status, body) = ask(&app, &alice, question.clone()).await.unwrap_err();
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_error_body(&body, "AI_UPSTREAM_ERROR");

    model.set_script(Script::SlowStart(5_000, "late".into()));
    let (status, body) = ask(&app, &alice, question.clone()).await.unwrap_err();
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_error_body(&body, "AI_TIMEOUT");

    // Silent after the answer started: the stream ends with an error event.
    model.set_script(Script::Stall);
    let events = ask(&app, &alice, question.clone()).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.name, "error", "{events:?}");
    assert_eq!(last.data["code"], "AI_TIMEOUT");

    // A provider that is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("http://127.0.0.1:{port}/v1");
    let app = TestApp::spawn_with(
        backend,
        &[("MOSAIC_AI_BASE_URL", &down), ("MOSAIC_AI_MODEL", "m")],
    )
    .await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let (status, body) = ask(
        &app,
        &alice,
        json!({ "legacy_id": legacy, "question": "Her garden?" }),
    )
    .await
    .unwrap_err();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error_body(&body, "AI_UNAVAILABLE");
}

async fn a_client_that_disconnects_cancels_the_model(backend: Backend) {
    let model = ScriptedModel::start().await;
    model.set_script(Script::Forever);
    let app = app_with_model(backend, &model, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let response = app
        .request(Method::POST, "/api/chat/stream", Some(&alice))
        .json(&json!({ "legacy_id": legacy, "question": "Her garden?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    while seen.matches("event: delta").count() < 3 {
        let bytes = body.next().await.expect("more events").unwrap();
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert_eq!(model.open_streams(), 1);
    drop(body);
    until("the model's stream is cancelled", || {
        model.cancelled_streams() == 1 && model.open_streams() == 0
    })
    .await;
    let cancelled = "mosaic_ai_answers_total{model=\"qwen2.5:7b\",outcome=\"cancelled\"}";
    let deadline = Instant::now() + Duration::from_secs(10);
    while metric(&app, cancelled).await != 1 {
        assert!(Instant::now() < deadline, "the cancelled answer is counted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn conversations_belong_to_one_person(backend: Backend) {
    let model = ScriptedModel::start().await;
    model.set_script(Script::Reply("The stories do not say.".into()));
    let app = app_with_model(backend, &model, &[]).await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    let events = ask(
        &app,
        &alice,
        json!({ "legacy_id": legacy, "question": "What was her dog called?" }),
    )
    .await
    .unwrap();
    let start = &events[0];
    assert_eq!(start.name, "start");
    assert_eq!(start.data["title"], "What was her dog called?");
    let id = start.data["conversation_id"].as_str().unwrap().to_owned();
    // Continuing keeps the conversation, and earlier questions are context.
    let events = ask(
        &app,
        &alice,
        json!({ "legacy_id": legacy, "conversation_id": id, "question": "And her cat?" }),
    )
    .await
    .unwrap();
    assert_eq!(events[0].data["conversation_id"], id.as_str());
    assert!(
        model
            .chats()
            .last()
            .unwrap()
            .prompt_text()
            .contains("What was her dog called?")
    );

    let path = format!("/api/chat/conversations/{id}");
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({ "title": "Mine now" }))),
        (Method::DELETE, None),
    ] {
        let mut request = app.request(method.clone(), &path, Some(&bob));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, body) = read(request.send().await.unwrap()).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{method} by another person: {body}"
        );
        assert_error_body(&body, "NOT_FOUND");
    }
    let (status, _) = ask(
        &app,
        &bob,
        json!({ "legacy_id": legacy, "conversation_id": id, "question": "Hi?" }),
    )
    .await
    .unwrap_err();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, bobs) = read(
        app.request(Method::GET, "/api/chat/conversations", Some(&bob))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bobs["items"], json!([]));

    let (status, renamed) = read(
        app.request(Method::PATCH, &path, Some(&alice))
            .json(&json!({ "title": "Her pets" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["title"], "Her pets");
    let (status, body) = read(
        app.request(Method::PATCH, &path, Some(&alice))
            .json(&json!({ "title": "" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(status.is_client_error(), "{status} {body}");
    let (_, mine) = read(
        app.request(
            Method::GET,
            &format!("/api/chat/conversations?legacy_id={legacy}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["title"], "Her pets");

    let deleted = app
        .request(Method::DELETE, &path, Some(&alice))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, _) = read(
        app.request(Method::GET, &path, Some(&alice))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_questions_are_refused(backend: Backend) {
    let model = ScriptedModel::start().await;
    let app = app_with_model(backend, &model, &[]).await;
    let alice = app.person("Alice").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    for question in [json!(""), json!("  \n "), json!("q".repeat(2_001))] {
        let (status, body) = ask(
            &app,
            &alice,
            json!({ "legacy_id": legacy, "question": question }),
        )
        .await
        .unwrap_err();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status} {body}"
        );
        assert!(body["error"]["code"].is_string(), "{body}");
    }
    let (status, _) = ask(
        &app,
        &alice,
        json!({ "legacy_id": uuid::Uuid::new_v4().to_string(), "question": "Hi?" }),
    )
    .await
    .unwrap_err();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = app
        .raw(Method::POST, "/api/chat/stream")
        .json(&json!({ "legacy_id": legacy, "question": "Hi?" }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    assert!(model.chats().is_empty(), "nothing reached the model");
}

/// Waits until every story in `embedded` has an embedding, none in
/// `without` has one, and no embedding job is waiting or running (the
/// recurring rate-limit job always waits, a minute ahead).
async fn until_embeddings_settle(app: &TestApp, embedded: &[&str], without: &[&str]) {
    let store = app.runtime.database.embeddings();
    let jobs = app.runtime.database.jobs();
    let id = |s: &str| mosaic_domain::StoryId::from_uuid(s.parse().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut settled = true;
        for story in embedded {
            settled &= store.get_embedding(id(story)).await.unwrap().is_some();
        }
        for story in without {
            settled &= store.get_embedding(id(story)).await.unwrap().is_none();
        }
        let counts = jobs.job_counts().await.unwrap();
        settled &= counts.pending <= 1 && counts.running == 0 && counts.dead == 0;
        if settled {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "embeddings did not settle: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// With an embedding model, a story that shares no word with the question
/// (after stemming) but is about the same things is retrieved and cited;
/// a story the asker may not read, or kept out of the companion, never
/// reaches the prompt even when its embedding is the closest of all.
async fn semantic_matches_are_found_and_never_leak(backend: Backend) {
    let model = ScriptedModel::start().await;
    model.set_script(Script::Reply("She made dumplings [1].".into()));
    let app = app_with_model(
        backend,
        &model,
        &[
            ("MOSAIC_AI_EMBEDDING_MODEL", "scripted-embedding"),
            ("MOSAIC_JOB_POLL_MILLIS", "20"),
        ],
    )
    .await;
    let alice = app.person("Alice").await;
    let bob = app.person("Bob").await;
    let legacy = app.create_legacy(&alice, "Jane Doe").await;
    app.add_member(&legacy, &alice, &bob, "member").await;

    let semantic = write_story(
        &app,
        &alice,
        &legacy,
        "Sunday kitchen",
        "Nana made dumplings in her kitchen, always. zqsemantic",
        "public",
    )
    .await;
    let distractor = write_story(
        &app,
        &alice,
        &legacy,
        "At the coast",
        "The boat left the shore at dawn. zqdistract",
        "public",
    )
    .await;
    // Closest of all to the question — but Alice's own.
    let personal = write_story(
        &app,
        &alice,
        &legacy,
        "What did granny bake",
        "What did granny bake? Granny would bake. zqpersonal",
        "personal",
    )
    .await;
    let kept_out = write_story(
        &app,
        &alice,
        &legacy,
        "What did granny bake too",
        "What did granny bake? zqexcluded",
        "public",
    )
    .await;
    edit_story(
        &app,
        &alice,
        &kept_out,
        json!({ "title": "What did granny bake too", "content": "What did granny bake? zqexcluded", "visibility": "public", "ai_excluded": true }),
    )
    .await;
    // Kept out from its creation: never embedded, never retrieved.
    let response = app
        .request(Method::POST, "/api/stories", Some(&alice))
        .json(&json!({ "legacy_id": legacy, "title": "What did granny bake first", "content": "What did granny bake? zqbornout", "visibility": "public", "ai_excluded": true }))
        .send()
        .await
        .unwrap();
    let (status, created) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["ai_excluded"], true);
    let born_out = created["id"].as_str().unwrap().to_owned();
    until_embeddings_settle(
        &app,
        &[&semantic, &distractor, &personal],
        &[&kept_out, &born_out],
    )
    .await;

    // Full-text alone does not find the semantic story.
    let (status, found) = read(
        app.request(
            Method::GET,
            &format!("/api/search?q=what%20OR%20did%20OR%20granny%20OR%20bake&legacy_id={legacy}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let text_hits: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["story_id"].as_str().unwrap())
        .collect();
    assert!(!text_hits.contains(&semantic.as_str()), "{found}");
    assert!(text_hits.contains(&personal.as_str()), "{found}");

    let events = ask(
        &app,
        &bob,
        json!({ "legacy_id": legacy, "question": "What did granny bake?" }),
    )
    .await
    .unwrap();
    assert_eq!(events.last().unwrap().name, "done", "{events:?}");
    let prompt = model.chats().last().unwrap().prompt_text();
    assert!(prompt.contains("zqsemantic"), "{prompt}");
    assert!(
        !prompt.contains("zqpersonal"),
        "a personal story of another reached the model"
    );
    assert!(
        !prompt.contains("zqexcluded"),
        "a story kept out reached the model"
    );
    assert_eq!(cited_stories(&events), vec![semantic.clone()]);
    // The question itself was embedded (the same model as the stories).
    let embedded_question = model.embedding_requests().iter().any(|r| {
        r.body["input"]
            .to_string()
            .contains("What did granny bake?")
    });
    assert!(embedded_question);

    // Its author may read the personal story: for her it is retrieved.
    let events = ask(
        &app,
        &alice,
        json!({ "legacy_id": legacy, "question": "What did granny bake?" }),
    )
    .await
    .unwrap();
    assert_eq!(events.last().unwrap().name, "done", "{events:?}");
    let prompt = model.chats().last().unwrap().prompt_text();
    assert!(
        prompt.contains("zqpersonal") && prompt.contains("zqsemantic"),
        "{prompt}"
    );
    assert!(!prompt.contains("zqexcluded"));

    // Made personal (unreadable to Bob) and then deleted: never again in
    // Bob's prompt; the deleted story's embedding is removed by its job.
    edit_story(
        &app,
        &alice,
        &semantic,
        json!({ "title": "Sunday kitchen", "content": "Nana made dumplings in her kitchen, always. zqsemantic", "visibility": "personal" }),
    )
    .await;
    let events = ask(
        &app,
        &bob,
        json!({ "legacy_id": legacy, "question": "What did granny bake?" }),
    )
    .await
    .unwrap();
    assert_eq!(events.last().unwrap().name, "done", "{events:?}");
    let prompt = model.chats().last().unwrap().prompt_text();
    assert!(!prompt.contains("zqsemantic"), "{prompt}");
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/stories/{semantic}"),
            Some(&alice),
        )
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());
    until_embeddings_settle(&app, &[&distractor, &personal], &[&kept_out, &semantic]).await;
}

macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_databases!(
    off_without_a_model,
    only_readable_stories_reach_the_model,
    citations_are_checked_and_reopened_ones_follow_visibility,
    the_daily_quota_answers_429,
    provider_failures_are_clear_errors,
    a_client_that_disconnects_cancels_the_model,
    conversations_belong_to_one_person,
    bad_questions_are_refused,
    semantic_matches_are_found_and_never_leak,
);
