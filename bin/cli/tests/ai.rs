//! `mosaic-admin ai status|reindex` on both databases against the scripted
//! OpenAI-compatible server: the endpoint check, embedding coverage, the job
//! queue, and rebuilding every embedding.

mod common;

use common::{Backend, Site};
use mosaic_domain::{
    LegacyDetails, LegacyName, LifeDates, StoryContent, StoryDraft, StoryTitle, Visibility,
};
use mosaic_openai_test_server::{EMBEDDING_DIMENSIONS, ScriptedModel, embed};

async fn status_and_reindex(backend: Backend) {
    let model = ScriptedModel::start().await;
    let mut site = Site::new(backend).await;
    site.json(&["migrate", "run"]);

    // Without a model: off, said plainly; reindex refuses.
    let off = site.json(&["ai", "status"]);
    assert_eq!(off["enabled"], false);
    let refused = site.run(&["ai", "reindex"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("MOSAIC_AI_EMBEDDING_MODEL"));

    site.extra = vec![
        ("MOSAIC_AI_BASE_URL".into(), model.base_url().to_owned()),
        ("MOSAIC_AI_MODEL".into(), "scripted".into()),
        (
            "MOSAIC_AI_EMBEDDING_MODEL".into(),
            "scripted-embedding".into(),
        ),
    ];
    let link = site.json(&[
        "login-link",
        "--email",
        "ada@example.org",
        "--create",
        "--name",
        "Ada",
    ]);
    let ada = link["user_id"].as_str().unwrap().parse().unwrap();
    let runtime = site.runtime().await;
    let service = &runtime.service;
    let legacy = service
        .create_legacy(
            ada,
            LegacyDetails {
                name: LegacyName::new("Jane Doe").unwrap(),
                dates: LifeDates::default(),
                biography: None,
            },
        )
        .await
        .unwrap();
    let mut stories = Vec::new();
    for title in ["Gardening", "Kitchen", "Sailing"] {
        let story = service
            .create_story(
                ada,
                legacy.id,
                StoryDraft {
                    title: StoryTitle::new(title).unwrap(),
                    content: StoryContent::new("Summers with José.").unwrap(),
                    visibility: Visibility::Private,
                },
            )
            .await
            .unwrap()
            .story;
        stories.push(story);
    }

    // No server ran: the three embedding jobs wait (plus nothing else).
    let status = site.json(&["ai", "status"]);
    assert_eq!(status["enabled"], true);
    assert_eq!(status["chat_model"], "scripted");
    assert_eq!(status["chat_model_check"], "ok");
    assert_eq!(status["embedding_model"], "scripted-embedding");
    assert_eq!(status["embedding_model_check"], "ok");
    assert_eq!(status["embedding_dimensions"], EMBEDDING_DIMENSIONS);
    assert_eq!(status["stories"], 3);
    assert_eq!(status["stories_embedded"], 0);
    assert_eq!(status["jobs_pending"], 3);
    assert_eq!(status["jobs_dead"], 0);

    let rebuilt = site.json(&["ai", "reindex"]);
    assert_eq!(rebuilt["computed"], 3);
    assert_eq!(rebuilt["stories_embedded"], 3);
    let embeddings = runtime.database.embeddings();
    for story in &stories {
        let stored = embeddings.get_embedding(story.id).await.unwrap().unwrap();
        assert_eq!(stored.model, "scripted-embedding");
        assert_eq!(
            stored.vector,
            embed(&format!("{}\n\nSummers with José.", story.title.as_str()))
        );
    }
    // Up to date: nothing to compute again.
    assert_eq!(site.json(&["ai", "reindex"])["computed"], 0);
    let plain = site.ok(&["ai", "status"]);
    assert!(plain.contains("3 of 3"), "{plain}");
    assert!(
        plain.contains("scripted-embedding — ok, 64 dimensions"),
        "{plain}"
    );

    // An endpoint that does not answer fails the check, with the reason.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    site.extra[0].1 = format!("http://127.0.0.1:{port}/v1");
    let down = site.run(&["ai", "status"]);
    assert!(!down.status.success());
    let out = String::from_utf8_lossy(&down.stdout);
    assert!(out.contains("failed"), "{out}");
    runtime.database.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_reindex_on_sqlite() {
    status_and_reindex(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_reindex_on_postgres() {
    status_and_reindex(Backend::Postgres).await;
}
