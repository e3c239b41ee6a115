//! Who may do what, over HTTP: every endpoint × every kind of caller ×
//! every story visibility, with the exact status expected. The table below
//! is the specification; read a row as "for this endpoint on a story of
//! this visibility, these callers get these statuses".
//!
//! Callers: a visitor who is not signed in, a signed-in stranger, someone
//! whose request to join is pending, a member, an editor, the creator, and
//! the story's author (another editor).

mod common;

use std::collections::BTreeSet;

use common::{Backend, Person, TestApp, assert_error_body, read};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Stranger,
    Pending,
    Member,
    Editor,
    Creator,
    Author,
}

const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::Stranger,
    Caller::Pending,
    Caller::Member,
    Caller::Editor,
    Caller::Creator,
    Caller::Author,
];

/// A legacy with one person of each kind and one story per visibility,
/// written by the author.
struct World {
    app: TestApp,
    legacy: String,
    stranger: Person,
    pending: Person,
    member: Person,
    editor: Person,
    creator: Person,
    author: Person,
    applicant: Person,
}

impl World {
    async fn new() -> Self {
        // The matrix writes many stories as one author in a few seconds.
        let app =
            TestApp::spawn_with(Backend::Sqlite, &[("MOSAIC_STORIES_PER_MINUTE", "10000")]).await;
        let creator = app.person("Creator").await;
        let legacy = app.create_legacy(&creator, "Jane Doe").await;
        let (stranger, pending, member, editor, author, applicant) = (
            app.person("Stranger").await,
            app.person("Pending").await,
            app.person("Member").await,
            app.person("Editor").await,
            app.person("Author").await,
            app.person("Applicant").await,
        );
        app.add_member(&legacy, &creator, &pending, "pending").await;
        app.add_member(&legacy, &creator, &applicant, "pending")
            .await;
        app.add_member(&legacy, &creator, &member, "member").await;
        app.add_member(&legacy, &creator, &editor, "editor").await;
        app.add_member(&legacy, &creator, &author, "editor").await;
        Self {
            app,
            legacy,
            stranger,
            pending,
            member,
            editor,
            creator,
            author,
            applicant,
        }
    }

    fn person(&self, caller: Caller) -> Option<&Person> {
        match caller {
            Caller::Anonymous => None,
            Caller::Stranger => Some(&self.stranger),
            Caller::Pending => Some(&self.pending),
            Caller::Member => Some(&self.member),
            Caller::Editor => Some(&self.editor),
            Caller::Creator => Some(&self.creator),
            Caller::Author => Some(&self.author),
        }
    }

    async fn story(&self, visibility: &str) -> String {
        self.app
            .create_story(
                &self.author,
                &self.legacy,
                &format!("A {visibility} story"),
                visibility,
            )
            .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        caller: Caller,
        body: Option<serde_json::Value>,
    ) -> StatusCode {
        let mut request = self.app.request(method, path, self.person(caller));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, body) = read(request.send().await.unwrap()).await;
        if status.is_client_error() {
            assert!(
                body["error"]["code"].is_string(),
                "{path}: error without the error body: {body}"
            );
        }
        status
    }
}

#[derive(Debug, Clone, Copy)]
enum StoryEndpoint {
    Get,
    Update,
    Delete,
    Restore,
    Revisions,
}

impl StoryEndpoint {
    async fn call(self, world: &World, caller: Caller, visibility: &str) -> StatusCode {
        let story = world.story(visibility).await;
        match self {
            Self::Get => {
                world
                    .send(Method::GET, &format!("/api/stories/{story}"), caller, None)
                    .await
            }
            Self::Update => {
                let body =
                    json!({ "title": "Edited", "content": "New words", "visibility": visibility });
                world
                    .send(
                        Method::PUT,
                        &format!("/api/stories/{story}"),
                        caller,
                        Some(body),
                    )
                    .await
            }
            Self::Delete => {
                world
                    .send(
                        Method::DELETE,
                        &format!("/api/stories/{story}"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Restore => {
                let deleted = world
                    .send(
                        Method::DELETE,
                        &format!("/api/stories/{story}"),
                        Caller::Author,
                        None,
                    )
                    .await;
                assert_eq!(deleted, StatusCode::OK);
                world
                    .send(
                        Method::POST,
                        &format!("/api/stories/{story}/restore"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Revisions => {
                world
                    .send(
                        Method::GET,
                        &format!("/api/stories/{story}/revisions"),
                        caller,
                        None,
                    )
                    .await
            }
        }
    }
}

//                                  anonymous stranger pending member editor creator author
#[rustfmt::skip]
const STORY_RULES: &[(StoryEndpoint, &str, [u16; 7])] = &[
    (StoryEndpoint::Get,       "public",   [200, 200, 200, 200, 200, 200, 200]),
    (StoryEndpoint::Get,       "private",  [404, 404, 404, 200, 200, 200, 200]),
    (StoryEndpoint::Get,       "personal", [404, 404, 404, 404, 404, 404, 200]),
    (StoryEndpoint::Update,    "public",   [401, 403, 403, 403, 403, 403, 200]),
    (StoryEndpoint::Update,    "private",  [401, 404, 404, 403, 403, 403, 200]),
    (StoryEndpoint::Update,    "personal", [401, 404, 404, 404, 404, 404, 200]),
    (StoryEndpoint::Delete,    "public",   [401, 403, 403, 403, 403, 200, 200]),
    (StoryEndpoint::Delete,    "private",  [401, 404, 404, 403, 403, 200, 200]),
    (StoryEndpoint::Delete,    "personal", [401, 404, 404, 404, 404, 404, 200]),
    (StoryEndpoint::Restore,   "public",   [401, 403, 403, 403, 403, 200, 200]),
    (StoryEndpoint::Restore,   "private",  [401, 404, 404, 403, 403, 200, 200]),
    (StoryEndpoint::Restore,   "personal", [401, 404, 404, 404, 404, 404, 200]),
    (StoryEndpoint::Revisions, "public",   [401, 403, 403, 403, 403, 200, 200]),
    (StoryEndpoint::Revisions, "private",  [401, 404, 404, 403, 403, 200, 200]),
    (StoryEndpoint::Revisions, "personal", [401, 404, 404, 404, 404, 404, 200]),
];

#[derive(Debug, Clone, Copy)]
enum LegacyEndpoint {
    Get,
    Search,
    ListStories,
    CreateStory,
    Update,
    ListMembers,
    Me,
    // These change the legacy's membership or existence: each cell runs in
    // a world of its own.
    Join,
    Leave,
    Approve,
    Delete,
}

impl LegacyEndpoint {
    fn needs_own_world(self) -> bool {
        matches!(
            self,
            Self::Join | Self::Leave | Self::Approve | Self::Delete
        )
    }

    async fn call(self, world: &World, caller: Caller) -> StatusCode {
        let legacy = &world.legacy;
        match self {
            Self::Get => {
                world
                    .send(
                        Method::GET,
                        &format!("/api/legacies/{legacy}"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Search => {
                world
                    .send(Method::GET, "/api/legacies/search?q=jane", caller, None)
                    .await
            }
            Self::ListStories => {
                world
                    .send(
                        Method::GET,
                        &format!("/api/stories?legacy_id={legacy}"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::CreateStory => {
                let body = json!({ "legacy_id": legacy, "title": "New", "content": "Words", "visibility": "private" });
                world
                    .send(Method::POST, "/api/stories", caller, Some(body))
                    .await
            }
            Self::Update => {
                let body = json!({ "name": "Jane Q. Doe", "birth_date": "1950-01-01" });
                world
                    .send(
                        Method::PUT,
                        &format!("/api/legacies/{legacy}"),
                        caller,
                        Some(body),
                    )
                    .await
            }
            Self::ListMembers => {
                world
                    .send(
                        Method::GET,
                        &format!("/api/legacies/{legacy}/members"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Me => world.send(Method::GET, "/api/me", caller, None).await,
            Self::Join => {
                world
                    .send(
                        Method::POST,
                        &format!("/api/legacies/{legacy}/join"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Leave => {
                world
                    .send(
                        Method::POST,
                        &format!("/api/legacies/{legacy}/leave"),
                        caller,
                        None,
                    )
                    .await
            }
            Self::Approve => {
                let path = format!(
                    "/api/legacies/{legacy}/members/{}/approve",
                    world.applicant.id
                );
                world.send(Method::POST, &path, caller, None).await
            }
            Self::Delete => {
                world
                    .send(
                        Method::DELETE,
                        &format!("/api/legacies/{legacy}"),
                        caller,
                        None,
                    )
                    .await
            }
        }
    }
}

//                                     anonymous stranger pending member editor creator author
#[rustfmt::skip]
const LEGACY_RULES: &[(LegacyEndpoint, [u16; 7])] = &[
    (LegacyEndpoint::Get,         [200, 200, 200, 200, 200, 200, 200]),
    (LegacyEndpoint::Search,      [200, 200, 200, 200, 200, 200, 200]),
    (LegacyEndpoint::ListStories, [200, 200, 200, 200, 200, 200, 200]),
    (LegacyEndpoint::CreateStory, [401, 403, 403, 403, 201, 201, 201]),
    (LegacyEndpoint::Update,      [401, 403, 403, 403, 200, 200, 200]),
    (LegacyEndpoint::ListMembers, [401, 403, 403, 200, 200, 200, 200]),
    (LegacyEndpoint::Me,          [401, 200, 200, 200, 200, 200, 200]),
    (LegacyEndpoint::Join,        [401, 201, 409, 409, 409, 409, 409]),
    (LegacyEndpoint::Leave,       [401, 403, 204, 204, 204, 409, 204]),
    (LegacyEndpoint::Approve,     [401, 403, 403, 403, 403, 200, 403]),
    (LegacyEndpoint::Delete,      [401, 403, 403, 403, 403, 204, 403]),
];

#[tokio::test]
async fn story_endpoints_answer_each_caller_exactly_as_specified() {
    let world = World::new().await;
    let mut mismatches = Vec::new();
    for (endpoint, visibility, expected) in STORY_RULES {
        for (caller, want) in CALLERS.iter().zip(expected) {
            let got = endpoint.call(&world, *caller, visibility).await;
            if got.as_u16() != *want {
                mismatches.push(format!(
                    "{endpoint:?} {visibility} as {caller:?}: expected {want}, got {got}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test]
async fn legacy_and_membership_endpoints_answer_each_caller_exactly_as_specified() {
    let shared = World::new().await;
    let mut mismatches = Vec::new();
    for (endpoint, expected) in LEGACY_RULES {
        for (caller, want) in CALLERS.iter().zip(expected) {
            let got = if endpoint.needs_own_world() {
                let own = World::new().await;
                endpoint.call(&own, *caller).await
            } else {
                endpoint.call(&shared, *caller).await
            };
            if got.as_u16() != *want {
                mismatches.push(format!(
                    "{endpoint:?} as {caller:?}: expected {want}, got {got}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The list shows exactly the stories a caller may open, never one more.
#[tokio::test]
async fn story_lists_show_exactly_what_each_caller_may_read() {
    let world = World::new().await;
    let public = world.story("public").await;
    let private = world.story("private").await;
    let personal = world.story("personal").await;
    let creators_personal = world
        .app
        .create_story(&world.creator, &world.legacy, "Creator's own", "personal")
        .await;

    let expected = |caller: Caller| -> BTreeSet<String> {
        let mut ids = BTreeSet::from([public.clone()]);
        if matches!(
            caller,
            Caller::Member | Caller::Editor | Caller::Creator | Caller::Author
        ) {
            ids.insert(private.clone());
        }
        if caller == Caller::Author {
            ids.insert(personal.clone());
        }
        if caller == Caller::Creator {
            ids.insert(creators_personal.clone());
        }
        ids
    };
    for caller in CALLERS {
        let response = world.app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={}", world.legacy),
            world.person(caller),
        );
        let (status, page) = read(response.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        let listed: BTreeSet<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed, expected(caller), "as {caller:?}");
    }
}

#[tokio::test]
async fn a_hidden_story_looks_exactly_like_a_missing_one() {
    let world = World::new().await;
    let personal = world.story("personal").await;
    let hidden = world.app.request(
        Method::GET,
        &format!("/api/stories/{personal}"),
        Some(&world.creator),
    );
    let (hidden_status, hidden_body) = read(hidden.send().await.unwrap()).await;
    let missing = world.app.request(
        Method::GET,
        &format!("/api/stories/{}", uuid::Uuid::now_v7()),
        Some(&world.creator),
    );
    let (missing_status, missing_body) = read(missing.send().await.unwrap()).await;
    assert_eq!(hidden_status, StatusCode::NOT_FOUND);
    assert_eq!(
        (hidden_status, &hidden_body),
        (missing_status, &missing_body)
    );
    assert_error_body(&hidden_body, "NOT_FOUND");
}
