//! The very first start of the real `mosaic-api` binary: with no accounts
//! it prints one single-use sign-in URL for the first administrator, which
//! signs in over HTTP once; a second start prints none.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{assert_error_body, read};
use serde_json::json;

/// A running `mosaic-api` process, killed when dropped.
struct Server {
    child: Child,
    stdout: mpsc::Receiver<String>,
    /// Receives once the server logs that it listens.
    listening: mpsc::Receiver<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &std::path::Path, port: u16) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mosaic-api"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOSAIC_DATA_DIR", data_dir)
        .env("MOSAIC_BIND", format!("127.0.0.1:{port}"))
        .env("MOSAIC_ADMIN_EMAIL", "first@example.test")
        .env("MOSAIC_LOG_FORMAT", "text")
        .env("MOSAIC_WEB_DIR", data_dir.join("no-web"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mosaic-api");
    let (line_tx, stdout) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = line_tx.send(line);
        }
    });
    let (ready_tx, listening) = mpsc::channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if line.contains("listening") {
                let _ = ready_tx.send(());
            }
        }
    });
    Server {
        child,
        stdout,
        listening,
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn the_first_start_prints_one_single_use_sign_in_url_and_the_second_none() {
    let data_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = start(data_dir.path(), port);
    server
        .listening
        .recv_timeout(Duration::from_secs(60))
        .expect("the server starts");
    // The link is printed before the server listens; its line may still be
    // on its way through the pipe.
    let mut printed = Vec::new();
    while let Ok(line) = server.stdout.recv_timeout(Duration::from_secs(10)) {
        let done = line.contains("/sign-in?token=");
        printed.push(line);
        if done {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    printed.extend(server.stdout.try_iter());
    let urls: Vec<&String> = printed
        .iter()
        .filter(|l| l.contains("/sign-in?token="))
        .collect();
    assert_eq!(urls.len(), 1, "printed: {printed:?}");
    let url = urls[0].trim();
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/sign-in?token=")),
        "{url}"
    );
    let token = url.rsplit_once("token=").unwrap().1;

    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let redeem = || {
        client
            .post(format!("{base}/api/auth/sign-in-link"))
            .header("Origin", &base)
            .json(&json!({ "token": token }))
            .send()
    };
    let response = redeem().await.unwrap();
    assert_eq!(response.status(), 204);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, me) = read(
        client
            .get(format!("{base}/api/me"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "first@example.test");
    assert_eq!(me["is_admin"], true);

    // Single use.
    let (status, body) = read(redeem().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_error_body(&body, "UNAUTHORIZED");
    drop(server);

    // Someone exists now: the next start prints no link.
    let port = free_port();
    let again = start(data_dir.path(), port);
    again
        .listening
        .recv_timeout(Duration::from_secs(60))
        .expect("the server starts again");
    std::thread::sleep(Duration::from_millis(300));
    let printed: Vec<String> = again.stdout.try_iter().collect();
    assert!(
        printed.iter().all(|l| !l.contains("token=")),
        "printed: {printed:?}"
    );
}
