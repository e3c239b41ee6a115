//! Real processes for the fault tests: the `mosaic-api` binary, a Postgres
//! cluster of the test's own and an s3s-fs server of the test's own, each
//! on a free 127.0.0.1 port, each stopped when dropped.

#![allow(dead_code)] // not every test uses every helper

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::time::Instant;

/// How long a test waits for something it expects to happen.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `check` until it gives a value; fails naming `what` after
/// `patience`.
pub async fn eventually<T, F, Fut>(what: &str, patience: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + patience;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {patience:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `program` as the `postgres` user when we are root (Postgres refuses
/// to run as root), as ourselves otherwise.
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// Whether the test runs as root.
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Sends `signal` (`-KILL`, `-TERM`, …) to `pid`.
pub fn signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill {signal} {pid}");
}

// ----- mosaic-api -------------------------------------------------------------

/// A running `mosaic-api` process, killed when dropped.
pub struct Api {
    child: Child,
    pub base: String,
    stdout: Arc<Mutex<Vec<String>>>,
    log: Arc<Mutex<Vec<String>>>,
    client: reqwest::Client,
}

impl Api {
    /// Starts the binary on a free port over `database_url`, with its data
    /// in `data_dir` and extra `MOSAIC_*` settings.
    pub fn start(data_dir: &Path, database_url: &str, extra: &[(&str, &str)]) -> Self {
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
            .env("MOSAIC_SESSION_SECRET", "cd".repeat(32))
            .env("MOSAIC_ADMIN_EMAIL", "first@example.test")
            .env("MOSAIC_LOG_FORMAT", "text")
            .env("MOSAIC_STORIES_PER_MINUTE", "100000")
            .env("MOSAIC_WEB_DIR", data_dir.join("no-web"));
        for (name, value) in extra {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mosaic-api");
        let stdout = collect_lines(child.stdout.take().unwrap());
        let log = collect_lines(child.stderr.take().unwrap());
        Self {
            child,
            base,
            stdout,
            log,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until `/health` answers; fails with the log if the process
    /// exits or does not answer in time.
    pub async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("mosaic-api exited ({status}); log:\n{}", self.log());
            }
            if let Ok(response) = self
                .client
                .get(format!("{}/health", self.base))
                .send()
                .await
                && response.status() == StatusCode::OK
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "mosaic-api did not start; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Redeems the sign-in link the first start printed; returns the
    /// session cookie of the first administrator.
    pub async fn first_admin_cookie(&self) -> String {
        let link = eventually("the first-start sign-in link", PATIENCE, || async {
            self.stdout
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains("/sign-in?token="))
                .map(|l| l.trim().to_owned())
        })
        .await;
        let token = link.rsplit_once("token=").unwrap().1;
        let response = self
            .client
            .post(format!("{}/api/auth/sign-in-link", self.base))
            .header("Origin", &self.base)
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

    /// A same-origin API request as the web app sends it.
    pub fn request(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        cookie: &str,
    ) -> reqwest::RequestBuilder {
        client
            .request(method, format!("{}{path}", self.base))
            .header("Origin", &self.base)
            .header("X-Requested-With", "mosaic-test")
            .header("Cookie", cookie)
    }

    /// Creates a legacy; returns its id.
    pub async fn create_legacy(&self, cookie: &str) -> String {
        let response = self
            .request(&self.client, reqwest::Method::POST, "/api/legacies", cookie)
            .json(&json!({ "name": "Jane Doe", "birth_date": "1950-01-01", "death_date": "2024-01-01" }))
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// The story with `id` as the API shows it (status and body).
    pub async fn get_story(&self, cookie: &str, id: &str) -> (StatusCode, Value) {
        read(
            self.request(
                &self.client,
                reqwest::Method::GET,
                &format!("/api/stories/{id}"),
                cookie,
            )
            .send()
            .await
            .unwrap(),
        )
        .await
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        self.kill();
    }
}

fn collect_lines(pipe: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Status and JSON body (`Null` when empty, a string when not JSON).
pub async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// Whether `body` is the project's error body with `code`.
pub fn is_error_body(body: &Value, code: &str) -> bool {
    body["error"]["code"] == code
        && body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
        && body["error"].get("details").is_some()
}

/// The body of story number `n` of a test's load: title and content say
/// which it is, so a stored story can be checked against what was sent.
pub fn story(legacy: &str, n: usize) -> Value {
    json!({
        "legacy_id": legacy,
        "title": format!("Story {n}"),
        "content": format!("Story {n} begins. {} Story {n} ends.", "She loved gardening. ".repeat(20)),
        "visibility": "private",
    })
}

// ----- Postgres ---------------------------------------------------------------

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A throwaway PostgreSQL 15 cluster of the test's own (never the shared
/// one of `MOSAIC_TEST_POSTGRES_URL`), stopped when dropped.
pub struct OwnPostgres {
    dir: TempDir,
    pub port: u16,
    pub url: String,
}

impl OwnPostgres {
    /// initdb + start on a free port.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let owned = Command::new("chown")
                .arg("postgres:")
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(owned.success(), "chown the Postgres directory");
        }
        let initdb = as_postgres(&Path::new(PG_BIN).join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-N",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .expect("run initdb (PostgreSQL 15 is installed by scripts/test.d/10-postgres.sh)");
        assert!(
            initdb.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let port = free_port();
        let postgres = Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            dir,
            port,
        };
        assert!(postgres.try_start(), "Postgres did not start");
        postgres
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `pg_ctl start`: whether it started.
    fn try_start(&self) -> bool {
        // Commits are acknowledged only once their WAL is written
        // (synchronous_commit on, the default): the test checks that
        // every acknowledged story survives a crash. fsync is off because
        // the machine does not crash, only the process is killed.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        as_postgres(&Path::new(PG_BIN).join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "30", "-o", &options, "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// The postmaster's process id (first line of `postmaster.pid`).
    pub fn postmaster_pid(&self) -> u32 {
        let text = std::fs::read_to_string(self.data().join("postmaster.pid")).unwrap();
        text.lines().next().unwrap().trim().parse().unwrap()
    }

    /// SIGKILL to the postmaster, as the kernel's OOM killer would do.
    pub fn kill_postmaster(&self) {
        signal(self.postmaster_pid(), "-KILL");
    }

    /// Starts again after a crash: the killed postmaster's backends exit
    /// by themselves once they notice; until then a new postmaster refuses
    /// to start, so this retries until it starts.
    pub async fn restart(&self) {
        eventually("Postgres to start again", PATIENCE, || async {
            self.try_start().then_some(())
        })
        .await;
    }

    /// The server log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = as_postgres(&Path::new(PG_BIN).join("pg_ctl"))
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

// ----- s3s-fs -----------------------------------------------------------------

/// The bucket of [`OwnS3`].
pub const S3_BUCKET: &str = "faults";

/// An s3s-fs server of the test's own, which can be stopped and started
/// again on the same port and folder.
pub struct OwnS3 {
    root: TempDir,
    pub port: u16,
    child: Option<Child>,
}

fn s3s_fs_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("s3s-fs"))
            .find(|path| path.is_file())
    });
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    on_path
        .or_else(|| home.map(|h| h.join("bin/s3s-fs")))
        .filter(|p| p.is_file())
        .expect("s3s-fs is not installed: scripts/test.d/30-s3.sh installs it")
}

impl OwnS3 {
    /// Starts s3s-fs on a free port with an empty bucket.
    pub async fn start() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join(S3_BUCKET)).unwrap();
        let mut s3 = Self {
            root,
            port: free_port(),
            child: None,
        };
        s3.resume().await;
        s3
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The objects stored (file names under the bucket, recursively).
    pub fn stored_objects(&self) -> Vec<String> {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    out.push(path.strip_prefix(base).unwrap().display().to_string());
                }
            }
        }
        let bucket = self.root.path().join(S3_BUCKET);
        let mut out = Vec::new();
        walk(&bucket, &bucket, &mut out);
        out
    }

    /// Stops the server (SIGKILL) and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on its port; retries while the port is
    /// not yet free.
    pub async fn resume(&mut self) {
        let binary = s3s_fs_binary();
        let port = self.port;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let mut child = Command::new(&binary)
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--access-key", "test", "--secret-key", "test"])
                .arg(self.root.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start s3s-fs");
            // Up once it accepts connections; retried if it exited (the
            // port still held by the previous run).
            loop {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    self.child = Some(child);
                    return;
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                assert!(Instant::now() < deadline, "s3s-fs did not start");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert!(Instant::now() < deadline, "s3s-fs did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `MOSAIC_S3_*` settings that point `mosaic-api` at this server.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("MOSAIC_S3_BUCKET", S3_BUCKET.to_owned()),
            ("MOSAIC_S3_ENDPOINT", self.endpoint()),
            ("MOSAIC_S3_PATH_STYLE", "true".to_owned()),
            ("MOSAIC_S3_ACCESS_KEY_ID", "test".to_owned()),
            ("MOSAIC_S3_SECRET_ACCESS_KEY", "test".to_owned()),
        ]
    }
}

impl Drop for OwnS3 {
    fn drop(&mut self) {
        self.stop();
    }
}

// ----- a small filesystem -----------------------------------------------------

/// A tmpfs of a few MiB mounted on a fresh directory, unmounted when
/// dropped. Needs root (CI runs the tests as root): without it the test
/// fails and says why, rather than passing without testing anything.
pub struct SmallDisk {
    dir: TempDir,
}

impl SmallDisk {
    pub fn mount(size_mib: u32) -> Self {
        assert!(
            is_root(),
            "the full-disk test mounts a small tmpfs and needs root (scripts/test runs as root)"
        );
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mib}m,mode=0755")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .expect("run mount");
        assert!(
            mounted.status.success(),
            "cannot mount a tmpfs for the full-disk test: {}",
            String::from_utf8_lossy(&mounted.stderr)
        );
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the disk is full; returns its path.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.dir.path().join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![0x5a_u8; 64 * 1024];
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) if err.raw_os_error() == Some(28) => break, // ENOSPC
                Err(err) => panic!("filling the disk: {err}"),
            }
        }
        // The last bytes, down to nothing.
        for size in [4096, 512, 1] {
            while file.write_all(&vec![0x5a_u8; size]).is_ok() {}
        }
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
