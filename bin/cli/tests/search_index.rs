//! `mosaic-admin search status|reindex` on both databases: the index is
//! rebuilt in another language (stemming off and on again) and searches
//! follow it.

mod common;

use common::{Backend, Site};
use mosaic_domain::{
    LegacyDetails, LegacyName, LifeDates, SearchPageRequest, StoryContent, StoryDraft, StoryQuery,
    StoryTitle, Visibility,
};
use mosaic_ports::SearchFilters;

async fn reindex_follows_the_language(backend: Backend) {
    let site = Site::new(backend).await;
    site.json(&["migrate", "run"]);
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
    for title in ["Gardening", "Kitchen"] {
        service
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
            .unwrap();
    }
    let count = async |text: &str| {
        service
            .search_stories(
                Some(ada),
                None,
                &StoryQuery::parse(text).unwrap(),
                &SearchFilters::default(),
                SearchPageRequest::first(),
            )
            .await
            .unwrap()
            .hits
            .len()
    };
    assert_eq!(count("garden ").await, 1, "English stemming from the start");
    assert_eq!(count("bicy").await, 0);
    assert_eq!(count("gard").await, 1, "the word being typed, unstemmed");

    let status = site.json(&["search", "status"]);
    assert_eq!(status["language"], "english");
    assert_eq!(status["configured_language"], "english");

    let rebuilt = site.json(&["search", "reindex", "--language", "simple"]);
    assert_eq!(rebuilt["language"], "simple");
    assert_eq!(rebuilt["stories"], 2);
    assert_eq!(site.json(&["search", "status"])["language"], "simple");
    assert_eq!(count("garden ").await, 0, "no stemming");
    assert_eq!(count("gardening ").await, 1);
    assert_eq!(count("jose ").await, 2, "accents still fold");
    assert_eq!(count("gard").await, 1, "the prefix index is rebuilt too");
    assert_eq!(count("jos").await, 2);
    assert_eq!(count("with ").await, 2, "no stop words");

    let plain = site.ok(&["search", "reindex"]);
    assert!(plain.contains("english"), "{plain}");
    assert_eq!(count("garden ").await, 1);
    assert_eq!(count("gard").await, 1);
    assert_eq!(count("summ").await, 2);
    assert_eq!(count("with ").await, 2, "no stop words");

    let refused = site.run(&["search", "reindex", "--language", "klingon"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown search language"));
}

#[tokio::test]
async fn reindex_follows_the_language_on_sqlite() {
    reindex_follows_the_language(Backend::Sqlite).await;
}

#[tokio::test]
async fn reindex_follows_the_language_on_postgres() {
    reindex_follows_the_language(Backend::Postgres).await;
}
