//! Starts the real server on port 0 over a real database, and talks HTTP
//! to it. Users and sessions are created through the service, the way the
//! sign-in flow creates them.

#![allow(dead_code)] // each test binary uses a different part of this

use mosaic_api::Application;
use mosaic_api::wiring::app_state;
use mosaic_config::{Config, Runtime, Settings};
use mosaic_domain::{Email, PersonName, UserId};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Which database the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server with its own data directory and database.
pub struct TestApp {
    pub base_url: String,
    /// The metrics listener (`MOSAIC_METRICS_BIND`), on its own port.
    pub metrics_url: String,
    pub runtime: Runtime,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    _data_dir: TempDir,
}

/// A signed-in person: their id and session cookie.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: UserId,
    pub cookie: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    /// Like [`TestApp::spawn`] with extra `MOSAIC_*` settings.
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}/mosaic.db", data_dir.path().display()),
            Backend::Postgres => postgres::fresh_database_url().await,
        };
        // The public URL must be the one the server really answers at:
        // signed local media URLs and sign-in links are built from it. So
        // take a free port first (the race with another process for it is
        // acceptable in tests).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut pairs = vec![
            (
                "MOSAIC_PUBLIC_URL".to_owned(),
                format!("http://127.0.0.1:{port}"),
            ),
            (
                "MOSAIC_DATA_DIR".to_owned(),
                data_dir.path().display().to_string(),
            ),
            ("MOSAIC_DATABASE_URL".to_owned(), database_url),
            ("MOSAIC_BIND".to_owned(), "127.0.0.1:0".to_owned()),
        ];
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let settings = Settings::from_pairs(pairs).expect("settings");
        let config = Config::from_settings(settings).expect("config");
        let runtime = Runtime::open(&config).await.expect("open runtime");
        let state = app_state(&runtime, &config).await.expect("app state");
        let app = Application::bind(&format!("127.0.0.1:{port}"), state, config.web_dir.clone())
            .await
            .expect("bind")
            .with_metrics("127.0.0.1:0")
            .await
            .expect("bind the metrics listener");
        let base_url = format!("http://127.0.0.1:{}", app.port());
        let metrics_url = format!(
            "http://{}",
            app.metrics_address().expect("a metrics listener")
        );
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Self {
            base_url,
            metrics_url,
            runtime,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            stop: Some(stop),
            server: Some(server),
            _data_dir: data_dir,
        }
    }

    /// Begins the graceful shutdown (what SIGTERM does); the handle ends
    /// with the server's result once it has stopped.
    pub fn begin_shutdown(&mut self) -> JoinHandle<std::io::Result<()>> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.take().expect("the server is running")
    }

    /// A new account with a live session.
    pub async fn person(&self, name: &str) -> Person {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase().replace(' ', "."),
            uuid::Uuid::new_v4().simple()
        );
        let user = self
            .runtime
            .service
            .create_user(Email::new(&email).unwrap(), PersonName::new(name).unwrap())
            .await
            .expect("create user");
        let session = self
            .runtime
            .service
            .start_session(user.id)
            .await
            .expect("start session");
        Person {
            id: user.id,
            cookie: format!("mosaic_session={}", session.token),
        }
    }

    /// A same-origin request as the web app sends it; `who` signs it in.
    pub fn request(&self, method: Method, path: &str, who: Option<&Person>) -> RequestBuilder {
        let mut builder = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .header("Origin", &self.base_url)
            .header("X-Requested-With", "mosaic");
        if let Some(person) = who {
            builder = builder.header("Cookie", &person.cookie);
        }
        builder
    }

    /// A raw request: no Origin, no custom header, no cookie.
    pub fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base_url))
    }

    pub async fn create_legacy(&self, creator: &Person, name: &str) -> String {
        let response = self
            .request(Method::POST, "/api/legacies", Some(creator))
            .json(&json!({ "name": name, "birth_date": "1950-01-01", "death_date": "2024-01-01" }))
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// `person` asks to join and `creator` approves, then gives `role`.
    pub async fn add_member(&self, legacy: &str, creator: &Person, person: &Person, role: &str) {
        let joined = self
            .request(
                Method::POST,
                &format!("/api/legacies/{legacy}/join"),
                Some(person),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(joined.status(), StatusCode::CREATED);
        if role == "pending" {
            return;
        }
        let approved = self
            .request(
                Method::POST,
                &format!("/api/legacies/{legacy}/members/{}/approve", person.id),
                Some(creator),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(approved.status(), StatusCode::OK);
        if role == "editor" {
            let promoted = self
                .request(
                    Method::PUT,
                    &format!("/api/legacies/{legacy}/members/{}/role", person.id),
                    Some(creator),
                )
                .json(&json!({ "role": "editor" }))
                .send()
                .await
                .unwrap();
            assert_eq!(promoted.status(), StatusCode::OK);
        }
    }

    pub async fn create_story(
        &self,
        author: &Person,
        legacy: &str,
        title: &str,
        visibility: &str,
    ) -> String {
        let response = self
            .request(Method::POST, "/api/stories", Some(author))
            .json(&json!({ "legacy_id": legacy, "title": title, "content": "She loved gardening...", "visibility": visibility }))
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Status and JSON body (`Null` when the body is empty).
pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Asserts the project's error body with the given code.
pub fn assert_error_body(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"].get("details").is_some(), "{body}");
}

pub mod postgres {
    /// A new, empty database on the test server named by
    /// `MOSAIC_TEST_POSTGRES_URL` (started by `scripts/test`).
    pub async fn fresh_database_url() -> String {
        let server = std::env::var("MOSAIC_TEST_POSTGRES_URL").expect(
            "MOSAIC_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a throwaway Postgres",
        );
        use sqlx::Connection;
        let name = format!("api_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connect to the test Postgres server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let base = server
            .rsplit_once('/')
            .map_or(server.as_str(), |(base, _)| base);
        format!("{base}/{name}")
    }
}
