//! Signing in with an OpenID Connect provider, over HTTP, against the real
//! server and the real test provider (`adapters/google/tests/oidc-server`,
//! started by `scripts/test.d/20-oidc.sh`, which exports
//! `MOSAIC_TEST_OIDC_ISSUER`).
//!
//! The test plays the browser: it opens `/auth/google/login`, follows the
//! redirect to the provider's authorize URL (adding a `login_hint` that
//! tells the provider who signs in and how it misbehaves — see the comment
//! at the top of `server.mjs`), and takes the provider's redirect back to
//! our callback, carrying the login cookie, as a browser would. The
//! registered redirect URL names the server's public address
//! (`http://mosaic.test`); the test plays the reverse proxy too and sends
//! that path to the server's real port.

mod common;

use common::{Backend, TestApp, assert_error_body, read};
use mosaic_domain::{Email, PersonName, UserId};
use mosaic_ports::{Clock, MosaicService, ServiceSettings};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::sync::Arc;
use time::OffsetDateTime;

const CLIENT_ID: &str = "mosaic-api-test-client";
const PUBLIC_URL: &str = "http://mosaic.test";
const REDIRECT_URL: &str = "http://mosaic.test/auth/google/callback";

fn test_issuer() -> String {
    std::env::var("MOSAIC_TEST_OIDC_ISSUER").unwrap_or_else(|_| {
        panic!(
            "MOSAIC_TEST_OIDC_ISSUER is not set. Run scripts/test, or start the test \
             provider as scripts/test.d/20-oidc.sh does (node \
             adapters/google/tests/oidc-server/server.mjs PORT) and export \
             MOSAIC_TEST_OIDC_ISSUER=http://127.0.0.1:PORT"
        )
    })
}

/// A server whose sign-in provider is `issuer`, with extra settings.
async fn spawn_with_issuer(issuer: &str, extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![
        ("MOSAIC_OIDC_ISSUER", issuer),
        ("MOSAIC_OIDC_CLIENT_ID", CLIENT_ID),
        ("MOSAIC_OIDC_CLIENT_SECRET", "test-client-secret"),
        ("MOSAIC_OIDC_REDIRECT_URL", REDIRECT_URL),
    ];
    settings.extend_from_slice(extra);
    TestApp::spawn_with(Backend::Sqlite, &settings).await
}

/// A server signing in with the test provider.
async fn spawn(extra: &[(&str, &str)]) -> TestApp {
    spawn_with_issuer(&test_issuer(), extra).await
}

/// A subject nobody else uses, so tests never share an account.
fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// `name=value` of every `Set-Cookie`, with the whole header for checks.
fn set_cookies(response: &reqwest::Response) -> Vec<(String, String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let header = v.to_str().expect("ASCII Set-Cookie").to_owned();
            let pair = header.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name.to_owned(), value.to_owned(), header)
        })
        .collect()
}

fn cookie_named(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    set_cookies(response)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, value, header)| (value, header))
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location on a {} answer", response.status()))
        .to_str()
        .expect("ASCII Location")
        .to_owned()
}

/// A login started in a browser: where the provider is, and the login
/// cookie (`name=value`) the server set.
#[derive(Debug, Clone)]
struct StartedLogin {
    authorize_url: String,
    login_cookie: String,
}

async fn start_login(app: &TestApp) -> StartedLogin {
    let response = browser()
        .get(format!("{}/auth/google/login", app.base_url))
        .send()
        .await
        .expect("the login route answers");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let authorize_url = location(&response);
    assert!(
        authorize_url.starts_with(&test_issuer()),
        "redirected to {authorize_url}"
    );
    let (value, header) = cookie_named(&response, "mosaic_login").expect("a login cookie is set");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=600"] {
        assert!(header.contains(attribute), "{header} lacks {attribute}");
    }
    StartedLogin {
        authorize_url,
        login_cookie: format!("mosaic_login={value}"),
    }
}

/// The provider's redirect back: the callback's path and query on our
/// server.
async fn authorize(login: &StartedLogin, login_hint: &[(&str, &str)]) -> String {
    let mut hint = Url::parse("http://hint.invalid/").unwrap();
    hint.query_pairs_mut().extend_pairs(login_hint);
    let mut url = Url::parse(&login.authorize_url).expect("the authorize URL parses");
    url.query_pairs_mut()
        .append_pair("login_hint", hint.query().unwrap_or_default());
    let response = browser()
        .get(url)
        .send()
        .await
        .expect("the provider answers");
    assert!(
        response.status().is_redirection(),
        "the provider should redirect, got {}",
        response.status()
    );
    let back = location(&response);
    let path = back
        .strip_prefix(PUBLIC_URL)
        .unwrap_or_else(|| panic!("the provider sent the browser to {back}"));
    assert!(path.starts_with("/auth/google/callback?"), "{path}");
    path.to_owned()
}

/// Opens our callback as the browser (optionally with extra cookies).
async fn callback(app: &TestApp, path: &str, cookies: &[&str]) -> reqwest::Response {
    let mut request = browser().get(format!("{}{path}", app.base_url));
    if !cookies.is_empty() {
        request = request.header("Cookie", cookies.join("; "));
    }
    request.send().await.expect("the callback answers")
}

/// Same, asking for JSON as an API client would.
async fn callback_json(app: &TestApp, path: &str, cookies: &[&str]) -> (StatusCode, Value) {
    let mut request = browser()
        .get(format!("{}{path}", app.base_url))
        .header("Accept", "application/json");
    if !cookies.is_empty() {
        request = request.header("Cookie", cookies.join("; "));
    }
    read(request.send().await.expect("the callback answers")).await
}

/// A whole login; returns the callback's answer.
async fn login(app: &TestApp, login_hint: &[(&str, &str)]) -> reqwest::Response {
    let started = start_login(app).await;
    let path = authorize(&started, login_hint).await;
    callback(app, &path, &[&started.login_cookie]).await
}

/// Asserts a signed-in answer and returns the session cookie `name=value`.
fn signed_in(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        response.headers()
    );
    assert_eq!(location(response), "/");
    let (token, header) = cookie_named(response, "mosaic_session")
        .unwrap_or_else(|| panic!("no session cookie: {:?}", response.headers()));
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(header.contains(attribute), "{header} lacks {attribute}");
    }
    assert!(
        !header.contains("Secure"),
        "{header}: the public URL is http"
    );
    assert_eq!(token.len(), 64, "{header}");
    let (_, cleared) = cookie_named(response, "mosaic_login").expect("the login cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    format!("mosaic_session={token}")
}

/// Asserts a failed sign-in: a redirect to the sign-in page with `code`,
/// the error body, no session, and the login cookie cleared.
async fn refused(response: reqwest::Response, code: &str) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/sign-in?error={code}"));
    assert!(
        cookie_named(&response, "mosaic_session").is_none(),
        "a refused sign-in set a session"
    );
    let cleared = cookie_named(&response, "mosaic_login");
    if let Some((_, header)) = cleared {
        assert!(header.contains("Max-Age=0"), "{header}");
    }
    let (_, body) = read(response).await;
    assert_error_body(&body, &code.to_ascii_uppercase());
}

async fn me(app: &TestApp, cookie: &str) -> (StatusCode, Value) {
    read(
        app.raw(Method::GET, "/api/me")
            .header("Cookie", cookie)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn replace_param(path: &str, name: &str, value: &str) -> String {
    let mut url = Url::parse(&format!("http://x{path}")).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

// ----- the happy path ---------------------------------------------------------

#[tokio::test]
async fn a_full_login_signs_in_the_identity_the_provider_vouched_for() {
    let app = spawn(&[]).await;
    let subject = unique("grace");
    let response = login(
        &app,
        &[
            ("sub", &subject),
            ("email", "Grace@Example.test"),
            ("email_verified", "true"),
            ("name", "Grace Hopper"),
            ("picture", "https://example.test/grace.png"),
        ],
    )
    .await;
    let cookie = signed_in(&response);

    let (status, body) = me(&app, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "grace@example.test");
    assert_eq!(body["name"], "Grace Hopper");
    assert_eq!(body["avatar_url"], "https://example.test/grace.png");
    assert_eq!(body["is_admin"], false);

    // Signing in again (while still holding the old cookie) is the same
    // account with a brand-new session; the name follows the provider.
    let started = start_login(&app).await;
    let path = authorize(
        &started,
        &[
            ("sub", &subject),
            ("email", "grace@example.test"),
            ("name", "Rear Admiral Grace Hopper"),
        ],
    )
    .await;
    let again = callback(&app, &path, &[&started.login_cookie, &cookie]).await;
    let second_cookie = signed_in(&again);
    assert_ne!(second_cookie, cookie);
    let (_, body_again) = me(&app, &second_cookie).await;
    assert_eq!(body_again["id"], body["id"]);
    assert_eq!(body_again["name"], "Rear Admiral Grace Hopper");
}

#[tokio::test]
async fn the_providers_endpoint_shows_the_google_button_only_when_configured() {
    let app = spawn(&[]).await;
    let (status, body) = read(
        app.raw(Method::GET, "/api/auth/providers")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["google"], true, "{body}");
    assert_eq!(body["google_login_url"], "/auth/google/login");
    assert_eq!(body["sign_in_links"], true);

    let plain = TestApp::spawn(Backend::Sqlite).await;
    let (_, body) = read(
        plain
            .raw(Method::GET, "/api/auth/providers")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["google"], false, "{body}");
    assert_eq!(body["google_login_url"], Value::Null);
    let response = browser()
        .get(format!("{}/auth/google/login", plain.base_url))
        .send()
        .await
        .unwrap();
    refused(response, "not_configured").await;
}

#[tokio::test]
async fn over_https_the_cookies_are_secure_and_host_prefixed() {
    let app = spawn(&[("MOSAIC_PUBLIC_URL", "https://mosaic.test")]).await;
    let response = browser()
        .get(format!("{}/auth/google/login", app.base_url))
        .send()
        .await
        .unwrap();
    let (login_value, login_header) =
        cookie_named(&response, "__Host-mosaic_login").expect("a __Host- login cookie");
    assert!(login_header.contains("; Secure"), "{login_header}");
    let started = StartedLogin {
        authorize_url: location(&response),
        login_cookie: format!("__Host-mosaic_login={login_value}"),
    };
    let path = authorize(&started, &[("sub", &unique("secure"))]).await;
    let response = callback(&app, &path, &[&started.login_cookie]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (token, header) =
        cookie_named(&response, "__Host-mosaic_session").expect("a __Host- session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "; Secure"] {
        assert!(header.contains(attribute), "{header} lacks {attribute}");
    }
    assert!(!header.contains("Domain"), "{header}");

    let (status, _) = me(&app, &format!("__Host-mosaic_session={token}")).await;
    assert_eq!(status, StatusCode::OK);
    // Over https a cookie without the prefix could come from another host.
    let (status, body) = me(&app, &format!("mosaic_session={token}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");

    // Signing out revokes that session and clears the prefixed cookie.
    let logout = app
        .raw(Method::POST, "/api/auth/logout")
        .header("Cookie", format!("__Host-mosaic_session={token}"))
        .header("Origin", &app.base_url)
        .header("X-Requested-With", "mosaic")
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let (_, cleared) = cookie_named(&logout, "__Host-mosaic_session").expect("cleared");
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Secure"),
        "{cleared}"
    );
    let (status, _) = me(&app, &format!("__Host-mosaic_session={token}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// ----- state and the login cookie -----------------------------------------------

#[tokio::test]
async fn a_tampered_state_is_refused_without_a_session() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[]).await;
    let tampered = replace_param(&path, "state", "forged-state");
    refused(
        callback(&app, &tampered, &[&started.login_cookie]).await,
        "invalid_state",
    )
    .await;

    let (status, body) = callback_json(&app, &tampered, &[&started.login_cookie]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "INVALID_STATE");
}

#[tokio::test]
async fn a_tampered_login_cookie_is_refused() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[]).await;
    // A later issue time, to outlive the ten minutes.
    let (name, value) = started.login_cookie.split_once('=').unwrap();
    let (issued, rest) = value.split_once('.').unwrap();
    let later: i64 = issued.parse::<i64>().unwrap() + 3600;
    let forged = format!("{name}={later}.{rest}");
    refused(callback(&app, &path, &[&forged]).await, "invalid_state").await;
}

#[tokio::test]
async fn a_callback_in_another_browser_than_the_login_is_refused() {
    // Login CSRF: the attacker's callback opened in the victim's browser,
    // which holds its own login cookie.
    let app = spawn(&[]).await;
    let attacker = start_login(&app).await;
    let attacker_path = authorize(&attacker, &[("sub", &unique("attacker"))]).await;
    let victim = start_login(&app).await;
    refused(
        callback(&app, &attacker_path, &[&victim.login_cookie]).await,
        "invalid_state",
    )
    .await;
}

#[tokio::test]
async fn a_callback_without_the_login_cookie_has_expired() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[]).await;
    refused(callback(&app, &path, &[]).await, "login_expired").await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[("sub", &unique("replay"))]).await;
    signed_in(&callback(&app, &path, &[&started.login_cookie]).await);

    // The browser dropped the login cookie on the first use.
    refused(callback(&app, &path, &[]).await, "login_expired").await;
    // Someone who kept a copy of it still cannot use the code again: the
    // provider redeems a code once.
    refused(
        callback(&app, &path, &[&started.login_cookie]).await,
        "rejected",
    )
    .await;
}

#[tokio::test]
async fn a_code_redeemed_once_cannot_sign_in_a_second_browser() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[("sub", &unique("code"))]).await;
    signed_in(&callback(&app, &path, &[&started.login_cookie]).await);
    let (status, body) = callback_json(&app, &path, &[&started.login_cookie]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_body(&body, "REJECTED");
}

#[tokio::test]
async fn the_person_cancelling_at_the_provider_is_told_so() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let state = Url::parse(&started.authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let path = format!("/auth/google/callback?error=access_denied&state={state}");
    refused(
        callback(&app, &path, &[&started.login_cookie]).await,
        "access_denied",
    )
    .await;
}

// ----- ID tokens that fail verification ------------------------------------------

async fn assert_scenario_rejected(scenario: &str) {
    let app = spawn(&[]).await;
    let subject = unique(scenario);
    let response = login(&app, &[("sub", &subject), ("scenario", scenario)]).await;
    refused(response, "rejected").await;
    assert_eq!(
        app.runtime.service.count_users().await.unwrap(),
        0,
        "{scenario}: no account may be created"
    );
}

#[tokio::test]
async fn an_id_token_with_the_wrong_nonce_is_refused() {
    assert_scenario_rejected("wrong-nonce").await;
}

#[tokio::test]
async fn an_id_token_for_another_audience_is_refused() {
    assert_scenario_rejected("wrong-audience").await;
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    assert_scenario_rejected("expired").await;
}

#[tokio::test]
async fn an_id_token_signed_by_an_unknown_key_is_refused() {
    assert_scenario_rejected("unknown-key").await;
}

// ----- the provider in trouble ------------------------------------------------------

#[tokio::test]
async fn a_provider_down_at_start_up_hides_the_button_and_login_says_why() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let app = spawn_with_issuer(&format!("http://127.0.0.1:{closed_port}"), &[]).await;

    // The server runs (sign-in links still work) …
    let health = app.raw(Method::GET, "/health").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // … without the Google button …
    let (_, body) = read(
        app.raw(Method::GET, "/api/auth/providers")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["google"], false, "{body}");
    // … and a login attempt gets a clear answer, never a bare 500.
    let response = browser()
        .get(format!("{}/auth/google/login", app.base_url))
        .send()
        .await
        .unwrap();
    refused(response, "provider_unavailable").await;
    let (status, body) = read(
        browser()
            .get(format!("{}/auth/google/login", app.base_url))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error_body(&body, "PROVIDER_UNAVAILABLE");
}

#[tokio::test]
async fn a_token_endpoint_in_trouble_is_reported_as_unavailable() {
    let app = spawn(&[]).await;
    let started = start_login(&app).await;
    let path = authorize(&started, &[("scenario", "provider-error")]).await;
    let (status, body) = callback_json(&app, &path, &[&started.login_cookie]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error_body(&body, "PROVIDER_UNAVAILABLE");
}

// ----- accounts -----------------------------------------------------------------

async fn existing_account(app: &TestApp, email: &str, name: &str) -> UserId {
    app.runtime
        .service
        .create_user(Email::new(email).unwrap(), PersonName::new(name).unwrap())
        .await
        .expect("create user")
        .id
}

#[tokio::test]
async fn an_unverified_email_is_not_linked_to_the_existing_account() {
    let app = spawn(&[]).await;
    existing_account(&app, "ada@example.test", "Ada").await;
    let response = login(
        &app,
        &[
            ("sub", &unique("impostor")),
            ("email", "ada@example.test"),
            ("email_verified", "false"),
        ],
    )
    .await;
    refused(response, "email_not_verified").await;
    assert_eq!(app.runtime.service.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn a_verified_email_signs_in_to_the_existing_account() {
    let app = spawn(&[]).await;
    let ada = existing_account(&app, "ada@example.test", "Administrator").await;
    let cookie = signed_in(
        &login(
            &app,
            &[
                ("sub", &unique("ada")),
                ("email", "ada@example.test"),
                ("name", "Ada Lovelace"),
            ],
        )
        .await,
    );
    let (_, body) = me(&app, &cookie).await;
    assert_eq!(body["id"], ada.to_string());
    assert_eq!(body["name"], "Ada Lovelace");
}

#[tokio::test]
async fn the_sign_up_allow_list_refuses_other_addresses() {
    let app = spawn(&[("MOSAIC_SIGNUP_ALLOWED", "family.example, aunt@gmail.com")]).await;
    let response = login(
        &app,
        &[
            ("sub", &unique("stranger")),
            ("email", "stranger@gmail.com"),
        ],
    )
    .await;
    refused(response, "signup_not_allowed").await;

    let started = start_login(&app).await;
    let path = authorize(
        &started,
        &[
            ("sub", &unique("stranger")),
            ("email", "stranger@gmail.com"),
        ],
    )
    .await;
    let (status, body) = callback_json(&app, &path, &[&started.login_cookie]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error_body(&body, "SIGNUP_NOT_ALLOWED");
    assert_eq!(app.runtime.service.count_users().await.unwrap(), 0);

    for email in ["cousin@family.example", "aunt@gmail.com"] {
        let cookie = signed_in(&login(&app, &[("sub", &unique("family")), ("email", email)]).await);
        let (_, body) = me(&app, &cookie).await;
        assert_eq!(body["email"], email);
    }
}

// ----- sessions after login --------------------------------------------------------

#[tokio::test]
async fn after_logout_the_old_cookie_is_refused() {
    let app = spawn(&[]).await;
    let cookie = signed_in(&login(&app, &[("sub", &unique("logout"))]).await);
    let logout = app
        .raw(Method::POST, "/api/auth/logout")
        .header("Cookie", &cookie)
        .header("Origin", &app.base_url)
        .header("X-Requested-With", "mosaic")
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let (status, body) = me(&app, &cookie).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
}

/// A clock eight days back: a session it starts expired yesterday.
#[derive(Debug)]
struct EightDaysAgo;

impl Clock for EightDaysAgo {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() - time::Duration::days(8)
    }
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn(&[]).await;
    let cookie = signed_in(
        &login(
            &app,
            &[("sub", &unique("expired")), ("email", "old@example.test")],
        )
        .await,
    );
    let (_, body) = me(&app, &cookie).await;
    let user = UserId::from_uuid(body["id"].as_str().unwrap().parse().unwrap());

    // The same database, through a service whose clock is a week and a day
    // behind: the session it starts is stored with an expiry in the past.
    let mut ports = app
        .runtime
        .database
        .ports(Arc::new(app.runtime.media.clone()));
    ports.clock = Arc::new(EightDaysAgo);
    let service = MosaicService::new(ports, ServiceSettings::default());
    let stale = service.start_session(user).await.unwrap();
    assert!(stale.session.expires_at < OffsetDateTime::now_utc());

    let (status, body) = me(&app, &format!("mosaic_session={}", stale.token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
    // The live one still works.
    assert_eq!(me(&app, &cookie).await.0, StatusCode::OK);
}

#[tokio::test]
async fn disabling_a_user_revokes_every_session_and_blocks_new_logins() {
    let app = spawn(&[]).await;
    let subject = unique("disabled");
    let first = signed_in(&login(&app, &[("sub", &subject)]).await);
    let second = signed_in(&login(&app, &[("sub", &subject)]).await);
    let (_, body) = me(&app, &first).await;
    let user = UserId::from_uuid(body["id"].as_str().unwrap().parse().unwrap());

    app.runtime
        .service
        .set_user_disabled(user, true)
        .await
        .unwrap();
    for cookie in [&first, &second] {
        let (status, body) = me(&app, cookie).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_error_body(&body, "UNAUTHORIZED");
    }
    refused(login(&app, &[("sub", &subject)]).await, "account_disabled").await;

    // Enabling again does not bring the revoked sessions back.
    app.runtime
        .service
        .set_user_disabled(user, false)
        .await
        .unwrap();
    assert_eq!(me(&app, &first).await.0, StatusCode::UNAUTHORIZED);
    signed_in(&login(&app, &[("sub", &subject)]).await);
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_address() {
    let app = spawn(&[("MOSAIC_SIGN_INS_PER_MINUTE", "2")]).await;
    start_login(&app).await;
    start_login(&app).await;
    let response = browser()
        .get(format!("{}/auth/google/login", app.base_url))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    let (_, body) = read(response).await;
    assert_error_body(&body, "RATE_LIMITED");
}
