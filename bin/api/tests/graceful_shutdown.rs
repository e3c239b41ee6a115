//! Graceful shutdown: once it begins, the server refuses new connections at
//! once, but a request already in flight (here a slow JSON upload) still
//! gets its normal answer before the server stops.

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use common::{Backend, TestApp, read};
use mosaic_domain::LegacyId;
use reqwest::{Method, StatusCode};
use tokio::sync::mpsc;

/// How long the test waits for a step it expects to happen quickly.
const PATIENCE: Duration = Duration::from_secs(10);

/// Tries to open a new TCP connection until one is refused; gives up after
/// [`PATIENCE`].
async fn wait_until_connections_are_refused(address: &str) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match tokio::net::TcpStream::connect(address).await {
            Err(err) if err.kind() == ErrorKind::ConnectionRefused => return,
            other => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "new connections are still accepted during shutdown: {other:?}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

#[tokio::test]
async fn an_upload_in_flight_finishes_while_new_connections_are_refused() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.person("Alice").await;
    let address = app.base_url.trim_start_matches("http://").to_owned();

    // The request body arrives in three parts, each only when the test
    // sends it, so the request is still being received at shutdown.
    let body = br#"{"name": "Jane Doe", "birth_date": "1950-01-01", "death_date": "2024-01-01"}"#;
    let parts: Vec<Vec<u8>> = body.chunks(30).map(<[u8]>::to_vec).collect();
    assert_eq!(parts.len(), 3);
    let (send_part, parts_to_upload) = mpsc::channel::<Vec<u8>>(1);
    let stream = futures_util::stream::unfold(parts_to_upload, |mut parts| async move {
        let part = parts.recv().await?;
        Some((Ok::<_, std::io::Error>(part), parts))
    });
    let upload = app
        .request(Method::POST, "/api/legacies", Some(&alice))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send();
    let in_flight = tokio::spawn(async move { read(upload.await.expect("an answer")).await });

    send_part.send(parts[0].clone()).await.unwrap();
    // Time for the server to accept the connection and read the headers;
    // no endpoint tells when a request has started.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!in_flight.is_finished(), "the upload is not complete yet");

    let server = app.begin_shutdown();
    wait_until_connections_are_refused(&address).await;
    let refused = reqwest::Client::new()
        .get(format!("{}/health", app.base_url))
        .send()
        .await;
    assert!(
        refused.as_ref().is_err_and(reqwest::Error::is_connect),
        "a new client reached the server: {refused:?}"
    );
    assert!(!in_flight.is_finished(), "the upload waits for its body");

    // The rest of the body, slowly; the request completes normally.
    for part in &parts[1..] {
        tokio::time::sleep(Duration::from_millis(100)).await;
        send_part.send(part.clone()).await.unwrap();
    }
    drop(send_part);
    let (status, legacy) = tokio::time::timeout(PATIENCE, in_flight)
        .await
        .expect("the upload finished within the grace period")
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{legacy}");
    assert_eq!(legacy["name"], "Jane Doe");
    assert_eq!(legacy["my_role"], "creator");

    // The server then stops by itself, and what the request wrote is stored.
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stopped after its last request")
        .unwrap()
        .expect("a clean stop");
    let id = LegacyId::from_uuid(legacy["id"].as_str().unwrap().parse().unwrap());
    let stored = app
        .runtime
        .service
        .get_legacy(None, id)
        .await
        .expect("the legacy is stored");
    assert_eq!(stored.legacy.name.as_str(), "Jane Doe");
}
