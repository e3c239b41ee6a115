//! Invite links over HTTP, on both databases: the creator makes, lists and
//! withdraws them; a relative looks at one without signing in, joins with a
//! new account (session cookie set, family stories readable at once) or
//! signed in; every closed state, the wrong legacy, a member already there,
//! a higher role kept, the sign-up allow-list and a taken e-mail.

mod common;

use common::{Backend, Person, TestApp, assert_error_body, read};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn make_invite(
    app: &TestApp,
    creator: &Person,
    legacy: &str,
    body: Value,
) -> (StatusCode, Value) {
    read(
        app.request(
            Method::POST,
            &format!("/api/legacies/{legacy}/invites"),
            Some(creator),
        )
        .json(&body)
        .send()
        .await
        .unwrap(),
    )
    .await
}

async fn accept(app: &TestApp, who: &Person, token: &str) -> (StatusCode, Value) {
    read(
        app.request(
            Method::POST,
            &format!("/api/invites/{token}/accept"),
            Some(who),
        )
        .send()
        .await
        .unwrap(),
    )
    .await
}

async fn my_role(app: &TestApp, who: &Person, legacy: &str) -> Value {
    let (status, body) = read(
        app.request(Method::GET, &format!("/api/legacies/{legacy}"), Some(who))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["my_role"].clone()
}

async fn the_whole_invite_life(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let creator = app.person("Creator").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    app.create_story(&creator, &legacy, "Sunday dinners", "private")
        .await;

    // Only the creator makes invites; defaults are a member, 14 days, one person.
    let editor = app.person("Editor").await;
    app.add_member(&legacy, &creator, &editor, "editor").await;
    let (status, body) = make_invite(&app, &editor, &legacy, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error_body(&body, "FORBIDDEN");
    let (status, made) = make_invite(&app, &creator, &legacy, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["invite"]["role"], "member");
    assert_eq!(made["invite"]["max_uses"], 1);
    assert_eq!(made["invite"]["state"], "open");
    let token = made["token"].as_str().unwrap().to_owned();
    assert_eq!(made["path"], format!("/invites/{token}"));

    // Anyone holding the link sees whose legacy it is and who sent it.
    let (status, preview) = read(
        app.raw(Method::GET, &format!("/api/invites/{token}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["legacy_name"], "Jane Doe");
    assert_eq!(preview["invited_by"], "Creator");
    assert_eq!(preview["state"], "open");

    // A relative without an account joins with name and e-mail: the cookie
    // signs them in, and they read family stories at once.
    let joined = app
        .request(
            Method::POST,
            &format!("/api/invites/{token}/accept-new-account"),
            None,
        )
        .json(&json!({ "name": "Aunt May", "email": "  May@Family.Example " }))
        .send()
        .await
        .unwrap();
    let cookie = joined
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap().to_owned());
    let (status, body) = read(joined).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["role"], "member");
    let aunt = Person {
        id: mosaic_domain::UserId::from_uuid(uuid::Uuid::nil()),
        cookie: cookie.expect("a session cookie"),
    };
    let (status, me) = read(
        app.request(Method::GET, "/api/me", Some(&aunt))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "may@family.example");
    let (status, stories) = read(
        app.request(
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}"),
            Some(&aunt),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{stories}");
    assert_eq!(stories["items"][0]["title"], "Sunday dinners");

    // The single use is gone: the next person is told so, and nothing changes for them.
    let cousin = app.person("Cousin").await;
    let (status, body) = accept(&app, &cousin, &token).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error_body(&body, "INVITE_USED_UP");
    assert_eq!(my_role(&app, &cousin, &legacy).await, Value::Null);

    // Several uses, as an editor: a pending request is raised; a higher role kept; accepting twice is harmless.
    let (_, made) = make_invite(
        &app,
        &creator,
        &legacy,
        json!({ "role": "editor", "days": 30, "max_uses": 5 }),
    )
    .await;
    let token = made["token"].as_str().unwrap().to_owned();
    let pending = app.person("Pending").await;
    app.add_member(&legacy, &creator, &pending, "pending").await;
    let (status, body) = accept(&app, &pending, &token).await;
    assert_eq!(
        (status, body["role"].clone(), body["changed"].clone()),
        (StatusCode::OK, json!("editor"), json!(true))
    );
    let (status, body) = accept(&app, &pending, &token).await;
    assert_eq!(
        (status, body["changed"].clone()),
        (StatusCode::OK, json!(false))
    );
    let (status, body) = accept(&app, &creator, &token).await;
    assert_eq!(
        (status, body["role"].clone(), body["changed"].clone()),
        (StatusCode::OK, json!("creator"), json!(false))
    );
    assert_eq!(my_role(&app, &pending, &legacy).await, "editor");

    // The creator lists them, newest first, and withdraws one: it stops working at once.
    let (status, list) = read(
        app.request(
            Method::GET,
            &format!("/api/legacies/{legacy}/invites"),
            Some(&creator),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let states: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["role"].clone(), i["state"].clone(), i["uses"].clone()))
        .collect();
    assert_eq!(
        states,
        [
            (json!("editor"), json!("open"), json!(1)),
            (json!("member"), json!("used_up"), json!(1))
        ]
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|i| i.get("token").is_none()),
        "secrets are never listed"
    );
    let invite_id = made["invite"]["id"].as_str().unwrap();
    let other_legacy = app.create_legacy(&creator, "John Doe").await;
    let wrong = app
        .request(
            Method::DELETE,
            &format!("/api/legacies/{other_legacy}/invites/{invite_id}"),
            Some(&creator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong.status(),
        StatusCode::NOT_FOUND,
        "an invite is withdrawn only through its own legacy"
    );
    let revoked = app
        .request(
            Method::DELETE,
            &format!("/api/legacies/{legacy}/invites/{invite_id}"),
            Some(&creator),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let (status, body) = accept(&app, &cousin, &token).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error_body(&body, "INVITE_REVOKED");
    let (_, preview) = read(
        app.raw(Method::GET, &format!("/api/invites/{token}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(preview["state"], "revoked");

    // Members and outsiders never see the invites.
    for who in [&editor, &cousin] {
        let response = app
            .request(
                Method::GET,
                &format!("/api/legacies/{legacy}/invites"),
                Some(who),
            )
            .send()
            .await
            .unwrap();
        assert!(
            matches!(
                response.status(),
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ),
            "{}",
            response.status()
        );
    }

    // An unknown link is 404; a malformed one 400; bad terms 400/422 with nothing made.
    let (status, body) = read(
        app.raw(Method::GET, &format!("/api/invites/{}", "0".repeat(64)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_error_body(&body, "NOT_FOUND");
    let malformed = app
        .raw(Method::GET, "/api/invites/not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    for terms in [
        json!({ "role": "creator" }),
        json!({ "days": 0 }),
        json!({ "days": 91 }),
        json!({ "max_uses": 101 }),
    ] {
        let (status, body) = make_invite(&app, &creator, &legacy, terms.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{terms}: {body}");
    }
}

#[tokio::test]
async fn the_whole_invite_life_on_sqlite() {
    the_whole_invite_life(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_whole_invite_life_on_postgres() {
    the_whole_invite_life(Backend::Postgres).await;
}

#[tokio::test]
async fn a_new_account_needs_a_free_e_mail_and_the_allow_list() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MOSAIC_SIGNUP_ALLOWED", "family.example")],
    )
    .await;
    let creator = app.person("Creator").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    let (_, made) = make_invite(&app, &creator, &legacy, json!({ "max_uses": 3 })).await;
    let token = made["token"].as_str().unwrap();
    let join = async |name: &str, email: &str| {
        read(
            app.request(
                Method::POST,
                &format!("/api/invites/{token}/accept-new-account"),
                None,
            )
            .json(&json!({ "name": name, "email": email }))
            .send()
            .await
            .unwrap(),
        )
        .await
    };

    let (status, body) = join("Stranger", "someone@elsewhere.example").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error_body(&body, "FORBIDDEN");
    let (status, body) = join("Aunt", "aunt@family.example").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The same e-mail again is someone's account: never signed in as them.
    let (status, body) = join("Impostor", "AUNT@family.example").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error_body(&body, "CONFLICT");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sign in first"),
        "{body}"
    );
    let (status, body) = join("   ", "x@family.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = join("Uncle", "not an address").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (_, list) = read(
        app.request(
            Method::GET,
            &format!("/api/legacies/{legacy}/invites"),
            Some(&creator),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        list[0]["uses"], 1,
        "only the one that joined used the invite"
    );
}
