//! The background-job queue across a process that dies: a real
//! `mosaic-api` process claims a story's embedding job and is killed
//! (SIGKILL) in the middle of it; a new process on the same database claims
//! the job again once the lease has expired and finishes it. On both
//! databases.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Backend;
use mosaic_config::{Config, Runtime, Settings};
use mosaic_domain::{
    Email, LegacyDetails, LegacyName, LifeDates, PersonName, StoryContent, StoryDraft, StoryTitle,
    Visibility,
};
use mosaic_openai_test_server::ScriptedModel;

const PATIENCE: Duration = Duration::from_secs(60);

/// A `mosaic-api` process, killed (SIGKILL) when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn start(data_dir: &std::path::Path, settings: &[(String, String)]) -> Process {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mosaic-api"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOSAIC_BIND", format!("127.0.0.1:{port}"))
        .env("MOSAIC_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("MOSAIC_SESSION_SECRET", "ab".repeat(32))
        .env("MOSAIC_LOG_FORMAT", "text")
        .env("MOSAIC_WEB_DIR", data_dir.join("no-web"));
    for (name, value) in settings {
        command.env(name, value);
    }
    Process(
        command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosaic-api"),
    )
}

async fn until<F: std::future::Future<Output = bool>>(what: &str, mut check: impl FnMut() -> F) {
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_job_of_a_killed_process_is_done_after_a_restart(backend: Backend) {
    let model = ScriptedModel::start().await;
    let data_dir = tempfile::tempdir().unwrap();
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}/mosaic.db", data_dir.path().display()),
        Backend::Postgres => common::postgres::fresh_database_url().await,
    };
    let settings: Vec<(String, String)> = [
        ("MOSAIC_DATA_DIR", data_dir.path().display().to_string()),
        ("MOSAIC_DATABASE_URL", database_url),
        ("MOSAIC_AI_BASE_URL", model.base_url().to_owned()),
        ("MOSAIC_AI_MODEL", "scripted".to_owned()),
        ("MOSAIC_AI_EMBEDDING_MODEL", "scripted-embedding".to_owned()),
        ("MOSAIC_JOB_LEASE_SECONDS", "2".to_owned()),
        ("MOSAIC_JOB_POLL_MILLIS", "20".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();

    // The story is written here (no worker in this process): its job waits.
    let config = Config::from_settings(Settings::from_pairs(settings.clone()).unwrap()).unwrap();
    let runtime = Runtime::open(&config).await.unwrap();
    let service = &runtime.service;
    let alice = service
        .create_user(
            Email::new("alice@example.test").unwrap(),
            PersonName::new("Alice").unwrap(),
        )
        .await
        .unwrap();
    let legacy = service
        .create_legacy(
            alice.id,
            LegacyDetails {
                name: LegacyName::new("Jane Doe").unwrap(),
                dates: LifeDates::new(None, None).unwrap(),
                biography: None,
            },
        )
        .await
        .unwrap();
    let story = service
        .create_story(
            alice.id,
            legacy.id,
            StoryDraft {
                title: StoryTitle::new("Sunday kitchen").unwrap(),
                content: StoryContent::new("Nana made dumplings.").unwrap(),
                visibility: Visibility::Public,
            },
        )
        .await
        .unwrap()
        .story;
    let embeddings = runtime.database.embeddings();
    let jobs = runtime.database.jobs();

    // The first process claims the job and hangs in the model's embedding
    // request; then it is killed.
    model.stall_embeddings(true);
    let first = start(data_dir.path(), &settings);
    until("the first process asked for the embedding", || async {
        !model.embedding_requests().is_empty()
    })
    .await;
    assert_eq!(jobs.job_counts().await.unwrap().running, 1);
    drop(first);
    model.stall_embeddings(false);
    assert_eq!(embeddings.get_embedding(story.id).await.unwrap(), None);
    assert_eq!(
        jobs.job_counts().await.unwrap().running,
        1,
        "the dead process's claim is still held"
    );

    // A new process takes the job over once the lease has expired.
    let _second = start(data_dir.path(), &settings);
    until("the embedding is stored", || async {
        embeddings.get_embedding(story.id).await.unwrap().is_some()
    })
    .await;
    let stored = embeddings.get_embedding(story.id).await.unwrap().unwrap();
    assert_eq!(stored.model, "scripted-embedding");
    assert_eq!(
        stored.vector,
        mosaic_openai_test_server::embed("Sunday kitchen\n\nNana made dumplings.")
    );
    until("the job is done and removed", || async {
        let counts = jobs.job_counts().await.unwrap();
        // The recurring rate-limit job always waits for its next run.
        counts.running == 0 && counts.pending <= 1 && counts.dead == 0
    })
    .await;
    let story_requests = model
        .embedding_requests()
        .iter()
        .filter(|r| r.body["input"].to_string().contains("Nana made dumplings"))
        .count();
    assert_eq!(story_requests, 2, "asked once by each process");
    runtime.database.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_job_of_a_killed_process_is_done_after_a_restart() {
    a_job_of_a_killed_process_is_done_after_a_restart(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_job_of_a_killed_process_is_done_after_a_restart() {
    a_job_of_a_killed_process_is_done_after_a_restart(Backend::Postgres).await;
}
