//! Running the real `mosaic-admin` binary against a throwaway SQLite file or
//! Postgres database, and opening the same database through the service to
//! check what a command did.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use mosaic_config::{Config, Runtime, Settings};

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A data directory and a database for one test.
#[derive(Debug)]
pub struct Site {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    /// More `MOSAIC_*` variables (for example an S3 media store).
    pub extra: Vec<(String, String)>,
}

impl Site {
    /// A new, empty site on `backend` (Postgres: a fresh database on the
    /// server named by `MOSAIC_TEST_POSTGRES_URL`).
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("mosaic.db").display()),
            Backend::Postgres => fresh_postgres_database().await,
        };
        Self {
            dir,
            database_url,
            extra: Vec::new(),
        }
    }

    /// The variables the binary and [`Site::runtime`] see.
    pub fn vars(&self) -> Vec<(String, String)> {
        let mut vars = vec![
            (
                "MOSAIC_DATA_DIR".into(),
                self.dir.path().join("data").display().to_string(),
            ),
            ("MOSAIC_DATABASE_URL".into(), self.database_url.clone()),
            ("MOSAIC_PUBLIC_URL".into(), "https://family.example".into()),
        ];
        vars.extend(self.extra.iter().cloned());
        vars
    }

    /// Runs `mosaic-admin args…` with `stdin` as its input.
    pub fn run_with_input(&self, args: &[&str], stdin: &str) -> Output {
        run_admin(&self.vars(), args, stdin)
    }

    /// Runs `mosaic-admin args…` with empty input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "mosaic-admin {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// Runs a `--json` command that must succeed and parses its output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut args = args.to_vec();
        args.push("--json");
        let out = self.ok(&args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {out}"))
    }

    /// The same database, media store and service the binary uses.
    pub async fn runtime(&self) -> Runtime {
        let config = Config::from_settings(Settings::from_pairs(self.vars()).expect("settings"))
            .expect("config");
        Runtime::open(&config).await.expect("open runtime")
    }
}

/// Runs the binary with only the given `MOSAIC_*` variables.
pub fn run_admin(vars: &[(String, String)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mosaic-admin"));
    for (name, _) in std::env::vars() {
        if name.starts_with("MOSAIC_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .envs(vars.iter().cloned())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mosaic-admin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("mosaic-admin output")
}

/// A new database on the test Postgres server.
pub async fn fresh_postgres_database() -> String {
    let server = std::env::var("MOSAIC_TEST_POSTGRES_URL").expect(
        "MOSAIC_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a throwaway Postgres",
    );
    use sqlx::Connection;
    let name = format!("admin_test_{}", uuid::Uuid::new_v4().simple());
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

/// The stderr of a failed run: exactly one line.
pub fn one_line_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "expected a one-line error, got: {stderr}"
    );
    stderr
}
