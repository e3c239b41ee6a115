//! Several real `mosaic-api` processes as a deployment runs them: replicas
//! on one Postgres starting at the same moment, sharing sessions and rate
//! limits, and a replica stopped with SIGTERM draining before it exits.
//! (`scripts/test.d/80-replicas.sh` adds a load balancer and load.)

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use common::{assert_error_body, read};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;

/// How long the test waits for a step it expects to happen quickly.
const PATIENCE: Duration = Duration::from_secs(60);

/// One running `mosaic-api` process, killed when dropped.
struct Replica {
    child: Child,
    base: String,
    /// Lines printed on stdout (the first-start sign-in link).
    stdout: Arc<Mutex<Vec<String>>>,
    /// Receives once the process logs that it listens.
    listening: mpsc::Receiver<()>,
    /// The log, for failure messages.
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Replica {
    /// Starts the binary on its own port and data directory over
    /// `database_url`, with extra `MOSAIC_*` settings.
    fn start(data_dir: &std::path::Path, database_url: &str, extra: &[(&str, &str)]) -> Self {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(env!("CARGO_BIN_EXE_mosaic-api"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MOSAIC_DATA_DIR", data_dir)
            .env("MOSAIC_DATABASE_URL", database_url)
            .env("MOSAIC_BIND", format!("127.0.0.1:{port}"))
            .env("MOSAIC_PUBLIC_URL", &base)
            // Every replica of a deployment shares the cookie key.
            .env("MOSAIC_SESSION_SECRET", "ab".repeat(32))
            .env("MOSAIC_ADMIN_EMAIL", "first@example.test")
            .env("MOSAIC_LOG_FORMAT", "text")
            .env("MOSAIC_WEB_DIR", data_dir.join("no-web"));
        for (name, value) in extra {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mosaic-api");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&stdout);
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&log);
        let (ready_tx, listening) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if line.contains("listening") {
                    let _ = ready_tx.send(());
                }
                lines.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            base,
            stdout,
            listening,
            log,
        }
    }

    /// Waits until the process listens; fails with its log otherwise.
    fn wait_listening(&mut self) {
        if self.listening.recv_timeout(PATIENCE).is_err() {
            let status = self.child.try_wait();
            panic!(
                "mosaic-api did not start ({status:?}); log:\n{}",
                self.log.lock().unwrap().join("\n")
            );
        }
    }

    /// Sends SIGTERM, as Kubernetes does when it stops a pod.
    fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
    }

    /// Waits for the process to exit by itself.
    async fn exit_status(&mut self) -> ExitStatus {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the replica did not stop"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the first-start link (printed before the process listens,
    /// but its line may still be on its way through the pipe).
    async fn wait_for_link(&self) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(link) = self.printed_links().pop() {
                return link;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no sign-in link printed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The sign-in links it printed (the first start prints one).
    fn printed_links(&self) -> Vec<String> {
        self.stdout
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains("/sign-in?token="))
            .map(|l| l.trim().to_owned())
            .collect()
    }
}

/// A new empty database on the test Postgres server.
async fn fresh_postgres() -> String {
    common::postgres::fresh_database_url().await
}

/// Redeems a sign-in link's token at `base`; returns the session cookie.
async fn redeem(client: &reqwest::Client, base: &str, link: &str) -> String {
    let token = link.rsplit_once("token=").unwrap().1;
    let response = client
        .post(format!("{base}/api/auth/sign-in-link"))
        .header("Origin", base)
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn send(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = client
        .request(method, format!("{base}{path}"))
        .header("Origin", base)
        .header("X-Requested-With", "mosaic-test")
        .header("Cookie", cookie);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn replicas_starting_together_on_an_empty_postgres_migrate_once_and_make_one_admin() {
    for round in 0..2 {
        let database_url = fresh_postgres().await;
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let mut replicas: Vec<Replica> = dirs
            .iter()
            .map(|dir| Replica::start(dir.path(), &database_url, &[]))
            .collect();
        for replica in &mut replicas {
            replica.wait_listening();
        }
        let mut db = sqlx::PgConnection::connect(&database_url).await.unwrap();
        let migrations: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut db)
                .await
                .unwrap();
        let versions: Vec<i64> = migrations.iter().map(|m| m.0).collect();
        let mut unique = versions.clone();
        unique.dedup();
        assert_eq!(versions, unique, "round {round}: each migration once");
        assert!(migrations.iter().all(|m| m.1), "{migrations:?}");
        assert_eq!(
            versions.last().copied(),
            Some(mosaic_postgres_latest_version()),
            "round {round}: every migration applied"
        );
        let admins: Vec<(String, bool)> = sqlx::query_as("SELECT email, is_admin FROM users")
            .fetch_all(&mut db)
            .await
            .unwrap();
        assert_eq!(
            admins,
            vec![("first@example.test".to_owned(), true)],
            "round {round}"
        );
        let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_links")
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(links, 1, "round {round}: one link was made");
        // Printed by one of them (the line may still be in a pipe).
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let links = loop {
            let links: Vec<String> = replicas.iter().flat_map(Replica::printed_links).collect();
            if !links.is_empty() {
                break links;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "round {round}: no link printed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };

        // Whichever replica printed it, the link works on any of them.
        let client = reqwest::Client::new();
        let cookie = redeem(&client, &replicas[2].base, &links[0]).await;
        let me = send(
            &client,
            &replicas[0].base,
            reqwest::Method::GET,
            "/api/me",
            &cookie,
            None,
        )
        .await;
        assert_eq!(me.status(), StatusCode::OK);
        let printed: Vec<String> = replicas.iter().flat_map(Replica::printed_links).collect();
        assert_eq!(printed.len(), 1, "round {round}: {printed:?}");
    }
}

/// The newest migration the binary carries: the highest-numbered file in
/// `migrations/postgres/`.
fn mosaic_postgres_latest_version() -> i64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/postgres");
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.split('_').next()?.parse::<i64>().ok()
        })
        .max()
        .unwrap()
}

#[tokio::test]
async fn two_replicas_share_sessions_and_one_story_limit() {
    let database_url = fresh_postgres().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Replica::start(dir_a.path(), &database_url, &[]);
    a.wait_listening();
    let mut b = Replica::start(dir_b.path(), &database_url, &[]);
    b.wait_listening();
    let link = a.wait_for_link().await;
    let client = reqwest::Client::new();
    use reqwest::Method;

    // A session made on one replica works on the other.
    let cookie = redeem(&client, &a.base, &link).await;
    let (status, me) =
        read(send(&client, &b.base, Method::GET, "/api/me", &cookie, None).await).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "first@example.test");
    let legacy =
        json!({ "name": "Jane Doe", "birth_date": "1950-01-01", "death_date": "2024-01-01" });
    let (status, legacy) = read(
        send(
            &client,
            &b.base,
            Method::POST,
            "/api/legacies",
            &cookie,
            Some(legacy),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{legacy}");
    let story = |n: usize| json!({ "legacy_id": legacy["id"], "title": format!("Story {n}"), "content": "She loved gardening.", "visibility": "private" });

    // Ten stories a minute per person, whichever replica gets them.
    for n in 0..10 {
        let replica = if n % 2 == 0 { &a } else { &b };
        let (status, body) = read(
            send(
                &client,
                &replica.base,
                Method::POST,
                "/api/stories",
                &cookie,
                Some(story(n)),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "story {n}: {body}");
    }
    for replica in [&a, &b] {
        let response = send(
            &client,
            &replica.base,
            Method::POST,
            "/api/stories",
            &cookie,
            Some(story(10)),
        )
        .await;
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_error_body(&body, "RATE_LIMITED");
        assert!((1..=60).contains(&retry_after), "{retry_after}");
    }

    // Signing out on one replica ends the session on the other.
    let out = send(
        &client,
        &b.base,
        Method::POST,
        "/api/auth/logout",
        &cookie,
        None,
    )
    .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me = send(&client, &a.base, Method::GET, "/api/me", &cookie, None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sigterm_turns_ready_to_503_keeps_serving_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/mosaic.db", dir.path().display());
    // A drain far longer than the test: a second SIGTERM ends it, so no
    // step depends on how fast this machine is.
    let mut replica = Replica::start(
        dir.path(),
        &database_url,
        &[("MOSAIC_SHUTDOWN_DRAIN_SECONDS", "600")],
    );
    replica.wait_listening();
    let link = replica.wait_for_link().await;
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{}/ready", replica.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    replica.terminate();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let body = loop {
        let response = client
            .get(format!("{}/ready", replica.base))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            break read(response).await.1;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/ready never turned 503"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_error_body(&body, "SHUTTING_DOWN");

    // Draining: still alive, and requests on new connections are served,
    // writes included.
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let health = fresh
        .get(format!("{}/health", replica.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let cookie = redeem(&fresh, &replica.base, &link).await;
    let (status, me) = read(
        send(
            &fresh,
            &replica.base,
            reqwest::Method::GET,
            "/api/me",
            &cookie,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert!(replica.child.try_wait().unwrap().is_none(), "still running");

    // A second SIGTERM ends the drain; the process stops cleanly.
    replica.terminate();
    let status = replica.exit_status().await;
    assert!(
        status.success(),
        "{status:?}: {}",
        replica.log.lock().unwrap().join("\n")
    );
    let refused = fresh.get(format!("{}/health", replica.base)).send().await;
    assert!(refused.is_err_and(|e| e.is_connect()));
    let log = replica.log.lock().unwrap().join("\n");
    assert!(log.contains("draining"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_admin_creation_on_postgres_makes_exactly_one() {
    use mosaic_config::{Config, Runtime, Settings};
    use mosaic_domain::{Email, PersonName};

    let database_url = fresh_postgres().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::from_settings(
        Settings::from_pairs([
            ("MOSAIC_DATABASE_URL".to_owned(), database_url.clone()),
            (
                "MOSAIC_DATA_DIR".to_owned(),
                dir.path().display().to_string(),
            ),
        ])
        .unwrap(),
    )
    .unwrap();
    // Four "replicas": four runtimes, each with its own connection pool.
    let mut runtimes = Vec::new();
    for _ in 0..4 {
        runtimes.push(Runtime::open(&config).await.unwrap());
    }
    let attempts = runtimes.iter().flat_map(|runtime| {
        (0..2).map(|_| {
            let service = runtime.service.clone();
            tokio::spawn(async move {
                service
                    .create_first_admin(
                        Email::new("first@example.test").unwrap(),
                        PersonName::new("Administrator").unwrap(),
                    )
                    .await
            })
        })
    });
    let mut created = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        if let Some(admin) = attempt.await.unwrap().expect("no error for any caller") {
            created.push(admin);
        }
    }
    assert_eq!(created.len(), 1, "{created:?}");
    assert!(created[0].is_admin);
    assert_eq!(runtimes[3].service.count_users().await.unwrap(), 1);
    // Once someone exists nobody creates another.
    let again = runtimes[0]
        .service
        .create_first_admin(
            Email::new("other@example.test").unwrap(),
            PersonName::new("Someone").unwrap(),
        )
        .await
        .unwrap();
    assert!(again.is_none());
}
