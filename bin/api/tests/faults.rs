//! Faults, each with real processes: Postgres killed under load, the S3
//! server stopped during uploads, `mosaic-api` killed during SQLite writes,
//! a full disk under the SQLite file, and hundreds of slow clients.
//!
//! Every wait polls for a condition with a deadline; loads are bounded.

mod faults_support;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use faults_support::{
    Api, OwnPostgres, OwnS3, PATIENCE, SmallDisk, eventually, is_error_body, read, story,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// What one request of a load got.
#[derive(Debug, Clone)]
struct Outcome {
    n: usize,
    /// `None`: no HTTP answer (connection error or client timeout).
    status: Option<StatusCode>,
    body: Value,
    elapsed: Duration,
}

/// A bounded create-story load: `workers` clients each sending one request
/// after the other until `stop` is set or `cap` requests have been sent.
/// A worker whose request got no answer stops when `stop_on_error`.
struct Load {
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    stop: Arc<AtomicBool>,
    created: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(
        api: &Api,
        cookie: &str,
        legacy: &str,
        workers: usize,
        cap: usize,
        client_timeout: Duration,
        stop_on_error: bool,
    ) -> Self {
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let created = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let next = Arc::new(AtomicUsize::new(0));
        let client = reqwest::Client::builder()
            .timeout(client_timeout)
            .build()
            .unwrap();
        let handles = (0..workers)
            .map(|_| {
                let (outcomes, stop, created, refused, next) = (
                    Arc::clone(&outcomes),
                    Arc::clone(&stop),
                    Arc::clone(&created),
                    Arc::clone(&refused),
                    Arc::clone(&next),
                );
                let request = api.request(&client, Method::POST, "/api/stories", cookie);
                let legacy = legacy.to_owned();
                tokio::spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let n = next.fetch_add(1, Ordering::SeqCst);
                        if n >= cap {
                            break;
                        }
                        let started = Instant::now();
                        let sent = request.try_clone().unwrap().json(&story(&legacy, n)).send();
                        let outcome = match sent.await {
                            Ok(response) => {
                                let (status, body) = read(response).await;
                                Outcome {
                                    n,
                                    status: Some(status),
                                    body,
                                    elapsed: started.elapsed(),
                                }
                            }
                            Err(err) => Outcome {
                                n,
                                status: None,
                                body: Value::String(err.to_string()),
                                elapsed: started.elapsed(),
                            },
                        };
                        let status = outcome.status;
                        outcomes.lock().await.push(outcome);
                        match status {
                            Some(StatusCode::CREATED) => {
                                created.fetch_add(1, Ordering::SeqCst);
                            }
                            Some(_) => {
                                refused.fetch_add(1, Ordering::SeqCst);
                                // A client backs off a little after an
                                // error (this paces the load; it does not
                                // wait for anything).
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                            None if stop_on_error => break,
                            None => {}
                        }
                    }
                })
            })
            .collect();
        Self {
            outcomes,
            stop,
            created,
            refused,
            handles,
        }
    }

    async fn wait_created(&self, at_least: usize, what: &str) {
        eventually(what, PATIENCE, || async {
            (self.created.load(Ordering::SeqCst) >= at_least).then_some(())
        })
        .await;
    }

    async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::SeqCst);
        for handle in self.handles {
            tokio::time::timeout(PATIENCE, handle)
                .await
                .expect("the load's clients finish")
                .unwrap();
        }
        let mut outcomes = self.outcomes.lock().await.clone();
        outcomes.sort_by_key(|o| o.n);
        outcomes
    }
}

/// Counts of statuses, for messages and the report.
fn status_counts(outcomes: &[Outcome]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for outcome in outcomes {
        let key = outcome
            .status
            .map_or_else(|| "no answer".to_owned(), |s| s.as_u16().to_string());
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

fn created_ids(outcomes: &[Outcome]) -> Vec<(usize, String)> {
    outcomes
        .iter()
        .filter(|o| o.status == Some(StatusCode::CREATED))
        .map(|o| (o.n, o.body["id"].as_str().unwrap().to_owned()))
        .collect()
}

/// `PRAGMA integrity_check` on the SQLite file (with the server stopped).
async fn sqlite_integrity(path: &std::path::Path) -> String {
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open the SQLite file");
    let result: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    result
}

/// Checks that each story the server acknowledged is stored in full.
async fn assert_acknowledged_stories_present(api: &Api, cookie: &str, outcomes: &[Outcome]) {
    for (n, id) in created_ids(outcomes) {
        let (status, body) = api.get_story(cookie, &id).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "acknowledged story {n} ({id}): {body}"
        );
        assert_eq!(body["title"], format!("Story {n}"), "{body}");
        assert_eq!(
            body["content"],
            story("", n)["content"],
            "story {n} is stored in full"
        );
    }
}

// ----- Postgres killed --------------------------------------------------------

/// The database timeout the Postgres test configures, and how long one
/// request may then take at most: a request waits for a connection up to
/// that timeout a few times (session, rate limit, insert), plus slack for
/// a loaded machine.
const DB_TIMEOUT_SECONDS: u64 = 2;
const REQUEST_BOUND: Duration = Duration::from_secs(4 * DB_TIMEOUT_SECONDS + 10);

#[tokio::test]
async fn postgres_killed_under_load_gives_503_then_recovers_with_no_acknowledged_story_lost() {
    let postgres = OwnPostgres::start().await;
    let data = tempfile::tempdir().unwrap();
    let timeout = DB_TIMEOUT_SECONDS.to_string();
    let mut api = Api::start(
        data.path(),
        &postgres.url,
        &[("MOSAIC_DATABASE_TIMEOUT_SECONDS", &timeout)],
    );
    api.wait_healthy().await;
    let cookie = api.first_admin_cookie().await;
    let legacy = api.create_legacy(&cookie).await;
    let probe = reqwest::Client::builder()
        .timeout(REQUEST_BOUND)
        .build()
        .unwrap();
    let ready = || async {
        let response = probe.get(format!("{}/ready", api.base)).send().await;
        read(response.expect("/ready answers")).await
    };
    assert_eq!(ready().await.0, StatusCode::OK);

    // 4 clients, at most 3000 requests in all.
    let load = Load::start(&api, &cookie, &legacy, 4, 3000, REQUEST_BOUND, false);
    load.wait_created(40, "40 stories before the crash").await;
    postgres.kill_postmaster();
    let created_before = load.created.load(Ordering::SeqCst);

    // While it is down: 503s with the error body, and /ready says so.
    eventually("503s while Postgres is down", PATIENCE, || async {
        (load.refused.load(Ordering::SeqCst) >= 12).then_some(())
    })
    .await;
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(is_error_body(&body, "UNAVAILABLE"), "{body}");

    // Back: the server recovers by itself (same process, no restart).
    postgres.restart().await;
    let created_at_restart = load.created.load(Ordering::SeqCst);
    load.wait_created(created_at_restart + 40, "40 stories after Postgres is back")
        .await;
    let outcomes = load.finish().await;
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let counts = status_counts(&outcomes);
    eprintln!(
        "Postgres SIGKILL: {} requests, statuses {counts:?}, {created_before} created before the kill, slowest {:?}",
        outcomes.len(),
        outcomes.iter().map(|o| o.elapsed).max().unwrap()
    );
    for outcome in &outcomes {
        match outcome.status {
            Some(StatusCode::CREATED) => {}
            Some(StatusCode::SERVICE_UNAVAILABLE) => assert!(
                is_error_body(&outcome.body, "UNAVAILABLE"),
                "request {}: {}",
                outcome.n,
                outcome.body
            ),
            other => panic!(
                "request {} answered {other:?} (only 201 or 503 allowed): {}\nserver log:\n{}",
                outcome.n,
                outcome.body,
                api.log()
            ),
        }
        assert!(
            outcome.elapsed < REQUEST_BOUND,
            "request {} took {:?}",
            outcome.n,
            outcome.elapsed
        );
    }
    assert!(counts.get("503").copied().unwrap_or(0) >= 12, "{counts:?}");

    // Every acknowledged story is there in full; no stored story is
    // half-written (each is exactly one the load sent, complete).
    assert_acknowledged_stories_present(&api, &cookie, &outcomes).await;
    let mut db = sqlx::PgConnection::connect(&postgres.url).await.unwrap();
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id::text, title, content FROM stories WHERE legacy_id = $1::uuid")
            .bind(&legacy)
            .fetch_all(&mut db)
            .await
            .unwrap();
    let acknowledged: HashMap<String, usize> = created_ids(&outcomes)
        .into_iter()
        .map(|(n, id)| (id, n))
        .collect();
    assert!(rows.len() >= acknowledged.len());
    for (id, title, content) in &rows {
        let n: usize = title
            .strip_prefix("Story ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a story the load did not send: {title}"));
        assert_eq!(
            content,
            story("", n)["content"].as_str().unwrap(),
            "story {id} is whole"
        );
    }
    let stored: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    for id in acknowledged.keys() {
        assert!(stored.contains(&id), "acknowledged story {id} is stored");
    }
}

// ----- S3 stopped ---------------------------------------------------------------

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

struct Uploads<'a> {
    api: &'a Api,
    cookie: &'a str,
    legacy: &'a str,
    client: reqwest::Client,
}

impl Uploads<'_> {
    fn file(&self, n: usize) -> Value {
        json!({ "legacy_id": self.legacy, "file_name": format!("photo {n}.png"), "content_type": "image/png", "size_bytes": PNG.len() })
    }

    async fn presign(&self, n: usize) -> (StatusCode, Value) {
        let request = self
            .api
            .request(
                &self.client,
                Method::POST,
                "/api/media/presign",
                self.cookie,
            )
            .json(&self.file(n));
        read(request.send().await.expect("presign answers")).await
    }

    /// PUTs the bytes to the presigned URL; `None` when S3 cannot be
    /// reached.
    async fn put(&self, ticket: &Value) -> Option<StatusCode> {
        let upload = &ticket["upload"];
        let mut request = self.client.put(upload["url"].as_str().unwrap());
        for (name, value) in upload["headers"].as_object().unwrap() {
            if !name.eq_ignore_ascii_case("content-length") {
                request = request.header(name, value.as_str().unwrap());
            }
        }
        request
            .body(PNG.to_vec())
            .send()
            .await
            .ok()
            .map(|r| r.status())
    }

    async fn register(&self, n: usize, media_id: &str) -> (StatusCode, Value) {
        let mut body = self.file(n);
        body["media_id"] = json!(media_id);
        let request = self
            .api
            .request(&self.client, Method::POST, "/api/media", self.cookie)
            .json(&body);
        read(request.send().await.expect("register answers")).await
    }

    async fn registered(&self) -> Vec<String> {
        let request = self.api.request(
            &self.client,
            Method::GET,
            &format!("/api/media?legacy_id={}", self.legacy),
            self.cookie,
        );
        let (status, page) = read(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// presign → PUT → register, all successful; returns the media id.
    async fn full(&self, n: usize) -> String {
        let (status, ticket) = self.presign(n).await;
        assert_eq!(status, StatusCode::OK, "{ticket}");
        assert!(self.put(&ticket).await.is_some_and(|s| s.is_success()));
        let id = ticket["media_id"].as_str().unwrap().to_owned();
        let (status, media) = self.register(n, &id).await;
        assert_eq!(status, StatusCode::CREATED, "{media}");
        id
    }
}

#[tokio::test]
async fn s3_stopped_during_uploads_gives_503_registers_nothing_unstored_and_recovers() {
    let mut s3 = OwnS3::start().await;
    let data = tempfile::tempdir().unwrap();
    let settings = s3.settings();
    let extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let db = format!("sqlite://{}/mosaic.db", data.path().display());
    let mut api = Api::start(data.path(), &db, &extra);
    api.wait_healthy().await;
    let cookie = api.first_admin_cookie().await;
    let legacy = api.create_legacy(&cookie).await;
    let uploads = Uploads {
        api: &api,
        cookie: &cookie,
        legacy: &legacy,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    };
    let mut registered = Vec::new();
    for n in 0..3 {
        registered.push(uploads.full(n).await);
    }
    // One uploaded but not yet registered when S3 stops, one presigned
    // whose upload cannot happen.
    let (status, stored_ticket) = uploads.presign(10).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        uploads
            .put(&stored_ticket)
            .await
            .is_some_and(|s| s.is_success())
    );
    let stored_id = stored_ticket["media_id"].as_str().unwrap().to_owned();
    let (status, lost_ticket) = uploads.presign(11).await;
    assert_eq!(status, StatusCode::OK);
    let lost_id = lost_ticket["media_id"].as_str().unwrap().to_owned();

    s3.stop();
    let started = Instant::now();
    assert_eq!(uploads.put(&lost_ticket).await, None, "S3 is down");
    let mut statuses = BTreeMap::new();
    for (n, id) in [(10, &stored_id), (11, &lost_id)] {
        let (status, body) = uploads.register(n, id).await;
        assert_eq!(
            status,
            StatusCode::SERVICE_UNAVAILABLE,
            "register {n}: {body}"
        );
        assert!(is_error_body(&body, "UNAVAILABLE"), "{body}");
        *statuses
            .entry(format!("register {}", status.as_u16()))
            .or_insert(0) += 1;
    }
    // Presigning is local signing (no request to S3): it still answers,
    // and the upload it allows cannot happen while S3 is down.
    let (status, ticket) = uploads.presign(12).await;
    *statuses
        .entry(format!("presign {}", status.as_u16()))
        .or_insert(0) += 1;
    assert!(
        status == StatusCode::OK
            || (status == StatusCode::SERVICE_UNAVAILABLE && is_error_body(&ticket, "UNAVAILABLE")),
        "presign while S3 is down: {status} {ticket}"
    );
    let down_for = started.elapsed();
    // Nothing registered while it was down; lists and reads still work.
    let mut listed = uploads.registered().await;
    listed.sort();
    let mut expected = registered.clone();
    expected.sort();
    assert_eq!(listed, expected, "nothing registered while S3 was down");

    s3.resume().await;
    // The upload stored before the stop can now be registered; the one
    // that never reached S3 cannot.
    let (status, media) = uploads.register(10, &stored_id).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    registered.push(stored_id.clone());
    let (status, body) = uploads.register(11, &lost_id).await;
    assert!(
        status.is_client_error(),
        "an object that is not stored is never registered: {status} {body}"
    );
    registered.push(uploads.full(20).await);
    let mut listed = uploads.registered().await;
    listed.sort();
    let mut expected = registered.clone();
    expected.sort();
    assert_eq!(listed, expected, "only stored objects are registered");
    assert!(!s3.stored_objects().is_empty());
    eprintln!(
        "S3 stopped: {statuses:?} within {down_for:?}; after restart register of the stored object 201, of the unstored one {status}"
    );
}

// ----- mosaic-api killed on SQLite ----------------------------------------------

#[tokio::test]
async fn mosaic_api_killed_during_sqlite_writes_loses_no_acknowledged_write() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("mosaic.db");
    let db = format!("sqlite://{}", file.display());
    let mut api = Api::start(data.path(), &db, &[]);
    api.wait_healthy().await;
    let cookie = api.first_admin_cookie().await;
    let legacy = api.create_legacy(&cookie).await;

    let load = Load::start(&api, &cookie, &legacy, 4, 2000, PATIENCE, true);
    load.wait_created(150, "150 stories before the kill").await;
    api.kill();
    let outcomes = load.finish().await;
    let counts = status_counts(&outcomes);
    for outcome in &outcomes {
        assert!(
            matches!(outcome.status, None | Some(StatusCode::CREATED)),
            "request {}: {:?} {}",
            outcome.n,
            outcome.status,
            outcome.body
        );
    }

    assert_eq!(sqlite_integrity(&file).await, "ok");
    let mut api = Api::start(data.path(), &db, &[]);
    api.wait_healthy().await;
    assert_acknowledged_stories_present(&api, &cookie, &outcomes).await;
    // And it takes writes again.
    let response = api
        .request(
            &reqwest::Client::new(),
            Method::POST,
            "/api/stories",
            &cookie,
        )
        .json(&story(&legacy, 9999))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    api.kill();
    assert_eq!(sqlite_integrity(&file).await, "ok");
    eprintln!(
        "mosaic-api SIGKILL: {counts:?}; {} acknowledged stories all present after restart; integrity_check ok",
        created_ids(&outcomes).len()
    );
}

// ----- full disk ----------------------------------------------------------------

#[tokio::test]
async fn a_full_disk_refuses_writes_with_507_keeps_reads_and_recovers() {
    let disk = SmallDisk::mount(16);
    let file = disk.path().join("mosaic.db");
    let db = format!("sqlite://{}", file.display());
    let mut api = Api::start(disk.path(), &db, &[]);
    api.wait_healthy().await;
    let cookie = api.first_admin_cookie().await;
    let legacy = api.create_legacy(&cookie).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let create = |n: usize| {
        // Large stories, so that the database must grow soon.
        let mut body = story(&legacy, n);
        body["content"] = json!(format!("Story {n}. {}", "x".repeat(40_000)));
        api.request(&client, Method::POST, "/api/stories", &cookie)
            .json(&body)
            .send()
    };
    let mut acknowledged = Vec::new();
    for n in 0..3 {
        let (status, body) = read(create(n).await.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        acknowledged.push(body["id"].as_str().unwrap().to_owned());
    }

    let filler = disk.fill();
    let mut statuses = BTreeMap::new();
    let mut first_refusal = None;
    for n in 100..600 {
        let (status, body) = read(create(n).await.unwrap()).await;
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        if status == StatusCode::CREATED {
            // The database may still have room inside its own pages.
            assert!(first_refusal.is_none(), "a write after a refusal: {body}");
            acknowledged.push(body["id"].as_str().unwrap().to_owned());
            continue;
        }
        assert_eq!(
            status,
            StatusCode::INSUFFICIENT_STORAGE,
            "{body}\nlog:\n{}",
            api.log()
        );
        assert!(is_error_body(&body, "STORAGE_FULL"), "{body}");
        if first_refusal.is_none() {
            first_refusal = Some(n);
        }
        if statuses[&507] >= 5 {
            break;
        }
    }
    assert!(
        first_refusal.is_some(),
        "the disk never filled up: {statuses:?}"
    );

    // Reads keep working.
    for id in &acknowledged {
        let (status, body) = api.get_story(&cookie, id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = read(
        api.request(
            &client,
            Method::GET,
            &format!("/api/stories?legacy_id={legacy}"),
            &cookie,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Space again: writes work again, without a restart.
    std::fs::remove_file(&filler).unwrap();
    // Several at once, so that every pooled connection is used again: none
    // may be left broken by the failed writes.
    let again = futures_util::future::join_all((1000..1012).map(&create)).await;
    for response in again {
        let (status, body) = read(response.unwrap()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}\nlog:\n{}", api.log());
        acknowledged.push(body["id"].as_str().unwrap().to_owned());
    }
    for id in &acknowledged {
        let (status, body) = api.get_story(&cookie, id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    api.kill();
    assert_eq!(sqlite_integrity(&file).await, "ok");
    eprintln!(
        "full disk: statuses after filling {statuses:?} (first refusal at write {}); reads 200; after freeing space 12 concurrent writes 201; integrity_check ok",
        first_refusal.unwrap() - 100
    );
}

// ----- slow clients -------------------------------------------------------------

/// What a slow client does.
#[derive(Debug, Clone, Copy)]
enum Slow {
    /// Connects and sends nothing.
    Idle,
    /// Sends a request header a byte at a time, never finishing it.
    TrickleHeader,
    /// Sends a whole header announcing a body, then the body a byte at a
    /// time.
    TrickleBody,
}

/// Runs one slow client until the server closes the connection; returns
/// how long that took and what the server sent.
async fn slow_client(address: String, kind: Slow, open: Arc<AtomicUsize>) -> (Duration, String) {
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let started = Instant::now();
    open.fetch_add(1, Ordering::SeqCst);
    let header = format!("GET /api/me HTTP/1.1\r\nHost: {address}\r\nX-Padding: ");
    let post = format!(
        "POST /api/legacies HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    );
    let (mut reader, mut writer) = stream.split();
    let mut received = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    if let Slow::TrickleBody = kind {
        writer.write_all(post.as_bytes()).await.unwrap();
    }
    let mut sent = 0usize;
    let mut buf = [0u8; 1024];
    loop {
        tokio::select! {
            read = reader.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            },
            _ = tick.tick() => {
                let byte: &[u8] = match kind {
                    Slow::Idle => continue,
                    Slow::TrickleHeader => {
                        let b = header.as_bytes().get(sent).map_or(b"a".as_slice(), std::slice::from_ref);
                        sent += 1;
                        b
                    }
                    Slow::TrickleBody => b"{",
                };
                if writer.write_all(byte).await.is_err() {
                    // Closed by the server; read what it said.
                    let _ = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut received)).await;
                    break;
                }
            }
        }
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&received).into_owned(),
    )
}

const SLOW_TIMEOUT_SECONDS: u64 = 8;

#[tokio::test]
async fn five_hundred_slow_clients_do_not_stop_normal_requests_and_are_closed() {
    let data = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/mosaic.db", data.path().display());
    let timeout = SLOW_TIMEOUT_SECONDS.to_string();
    let mut api = Api::start(
        data.path(),
        &db,
        &[
            ("MOSAIC_HEADER_READ_TIMEOUT_SECONDS", &timeout),
            ("MOSAIC_BODY_READ_TIMEOUT_SECONDS", &timeout),
            ("MOSAIC_IDLE_TIMEOUT_SECONDS", &timeout),
        ],
    );
    api.wait_healthy().await;
    let cookie = api.first_admin_cookie().await;
    let address = api.base.trim_start_matches("http://").to_owned();

    let open = Arc::new(AtomicUsize::new(0));
    let slow: Vec<_> = (0..500)
        .map(|i| {
            let kind = match i % 5 {
                0 | 1 => Slow::Idle,
                2 | 3 => Slow::TrickleHeader,
                _ => Slow::TrickleBody,
            };
            let address = address.clone();
            let open = Arc::clone(&open);
            tokio::spawn(async move {
                let result = slow_client(address, kind, Arc::clone(&open)).await;
                open.fetch_sub(1, Ordering::SeqCst);
                (kind, result)
            })
        })
        .collect();
    eventually("500 slow connections open", PATIENCE, || async {
        (open.load(Ordering::SeqCst) == 500).then_some(())
    })
    .await;

    // Normal requests are served meanwhile, each within a bound.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = Instant::now();
    let legacy = api.create_legacy(&cookie).await;
    let mut slowest = Duration::ZERO;
    let mut open_after_first = 0;
    for n in 0..20 {
        let begun = Instant::now();
        let response = api
            .request(&client, Method::POST, "/api/stories", &cookie)
            .json(&story(&legacy, n))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let response = client
            .get(format!("{}/health", api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        slowest = slowest.max(begun.elapsed());
        if n == 0 {
            open_after_first = open.load(Ordering::SeqCst);
        }
    }
    let normal_took = started.elapsed();
    let still_open = open.load(Ordering::SeqCst);
    assert!(
        slowest < Duration::from_secs(5),
        "a normal request took {slowest:?}"
    );
    assert_eq!(
        open_after_first, 500,
        "the first normal requests were served while every slow client was connected"
    );

    // The server closes every slow connection after its timeout.
    let mut by_kind: BTreeMap<String, (usize, Duration)> = BTreeMap::new();
    let deadline = Instant::now() + PATIENCE;
    let mut results = Vec::new();
    for handle in slow {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, handle).await {
            Ok(result) => results.push(Some(result.unwrap())),
            Err(_) => results.push(None),
        }
    }
    let stuck: Vec<usize> = (0..500).filter(|i| results[*i].is_none()).collect();
    assert!(
        stuck.is_empty(),
        "{} slow connections were not closed within {PATIENCE:?} (indices {stuck:?}; kind = index % 5: 0,1 idle, 2,3 header, 4 body); server log:\n{}",
        stuck.len(),
        api.log()
    );
    for (kind, (held, said)) in results.into_iter().flatten() {
        assert!(
            held >= Duration::from_secs(SLOW_TIMEOUT_SECONDS - 1),
            "{kind:?} closed after {held:?} only"
        );
        if let Slow::TrickleBody = kind {
            assert!(said.starts_with("HTTP/1.1 408"), "{kind:?}: {said}");
            assert!(said.contains("REQUEST_TIMEOUT"), "{said}");
        } else {
            assert!(said.is_empty(), "{kind:?}: {said}");
        }
        let entry = by_kind.entry(format!("{kind:?}")).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(held);
    }
    eprintln!(
        "slow clients: 500 held; 20 creates + 20 health checks in {normal_took:?} (slowest pair {slowest:?}) with {open_after_first} open after the first and {still_open} after the last; closed by kind (count, longest held): {by_kind:?}"
    );
}

#[tokio::test]
async fn beyond_the_connection_limit_clients_wait_until_a_slot_frees() {
    let data = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/mosaic.db", data.path().display());
    let mut api = Api::start(
        data.path(),
        &db,
        &[
            ("MOSAIC_MAX_CONNECTIONS", "8"),
            ("MOSAIC_HEADER_READ_TIMEOUT_SECONDS", "3"),
        ],
    );
    api.wait_healthy().await;
    let address = api.base.trim_start_matches("http://").to_owned();
    // Let the health check's own connection close, then hold every slot.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut idle = Vec::new();
    for _ in 0..8 {
        idle.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    let started = Instant::now();
    let response = client
        .get(format!("{}/health", api.base))
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    // Served only once the header timeout freed a slot.
    assert!(
        waited >= Duration::from_secs(2),
        "served at once although every slot was taken ({waited:?})"
    );
    eprintln!("connection limit 8: the 9th client was served after {waited:?}");
    drop(idle);
}
