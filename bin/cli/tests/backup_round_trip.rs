//! seed → backup → restore into the other database → the same records,
//! SQLite → Postgres → SQLite, with the real binary.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{Backend, Site, one_line_error};
use mosaic_config::Database;
use mosaic_domain::{
    FileName, LegacyId, MediaId, MediaRecord, MediaType, PageRequest, StoryContent, StoryDraft,
    StoryTitle, UserId, Visibility,
};
use mosaic_ports::{MediaRepo, UserRepo};

/// The archive without its header's timestamp, and the header's other fields.
fn comparable(archive: &Path) -> (serde_json::Value, Vec<String>) {
    let text = std::fs::read_to_string(archive).expect("read archive");
    let mut lines = text.lines();
    let mut header: serde_json::Value =
        serde_json::from_str(lines.next().expect("header")).expect("header is JSON");
    assert!(header["created_at"].is_string());
    header["created_at"] = serde_json::Value::Null;
    (header, lines.map(str::to_owned).collect())
}

/// Adds what the seeder does not make: an earlier version of a story, a
/// soft-deleted story, a linked sign-in identity, and media records.
async fn add_history(site: &Site) {
    let runtime = site.runtime().await;
    let service = &runtime.service;
    let users = service
        .list_users(PageRequest::first().with_limit(100))
        .await
        .unwrap()
        .items;
    // A legacy creator, who may edit and delete its stories.
    let (story, author) = {
        let mut found = None;
        for user in &users {
            let legacies = service
                .list_my_legacies(user.id, PageRequest::first())
                .await
                .unwrap()
                .items;
            if let Some(mine) = legacies
                .iter()
                .find(|l| l.role == mosaic_domain::Role::Creator)
            {
                let stories = service
                    .list_stories(Some(user.id), mine.legacy.id, PageRequest::first())
                    .await
                    .unwrap()
                    .items;
                if let Some(view) = stories.into_iter().find(|v| v.story.author_id == user.id) {
                    found = Some((view.story, user.id));
                    break;
                }
            }
        }
        found.expect("a creator with a story of their own")
    };
    service
        .update_story(
            author,
            story.id,
            StoryDraft {
                title: StoryTitle::new("The lake, again").unwrap(),
                content: StoryContent::new("The boat leaked and nobody minded.").unwrap(),
                visibility: Visibility::Public,
            },
            // The author's AI opt-out travels through backups too.
            Some(true),
        )
        .await
        .expect("edit");
    service
        .delete_story(author, story.id)
        .await
        .expect("soft delete");

    let store: (Arc<dyn UserRepo>, Arc<dyn MediaRepo>) = match &runtime.database {
        Database::Sqlite(s) => (s.clone(), s.clone()),
        Database::Postgres(s) => (s.clone(), s.clone()),
    };
    store
        .0
        .link_identity(author, "https://accounts.google.com", "1234567890")
        .await
        .unwrap();
    for (n, legacy) in [Some(story.legacy_id), None].into_iter().enumerate() {
        let id = MediaId::from_uuid(uuid::Uuid::now_v7());
        store
            .1
            .create_media(&MediaRecord {
                id,
                uploaded_by: author,
                legacy_id: legacy,
                storage_key: format!(
                    "legacies/{}/media/{id}",
                    legacy.map_or(LegacyId::from_uuid(uuid::Uuid::nil()), |l| l)
                ),
                file_name: FileName::new(&format!("photo-{n}.jpg")).unwrap(),
                media_type: MediaType::from_mime("image/jpeg").unwrap(),
                size_bytes: 1000 + n as u64,
                created_at: time::OffsetDateTime::now_utc()
                    .replace_nanosecond(123_000)
                    .unwrap(),
            })
            .await
            .unwrap();
    }
    let _: UserId = author;
    runtime.database.close().await;
}

#[tokio::test]
async fn a_backup_restores_into_the_other_database_with_the_same_records() {
    let work = tempfile::tempdir().unwrap();
    let sqlite = Site::new(Backend::Sqlite).await;
    let seeded = sqlite.json(&[
        "seed",
        "--users",
        "40",
        "--legacies",
        "6",
        "--stories",
        "300",
    ]);
    assert_eq!(seeded["stories"], 300);
    add_history(&sqlite).await;
    let stats = sqlite.json(&["stats"]);
    assert_eq!(stats["stories"]["deleted"], 1);
    assert_eq!(stats["revisions"], 1);
    assert_eq!(stats["media"], 2);

    let first = work.path().join("from-sqlite.jsonl");
    let backup = sqlite.json(&["backup", "--out", first.to_str().unwrap()]);
    assert!(backup["records"].as_u64().unwrap() > 340);

    let postgres = Site::new(Backend::Postgres).await;
    let restored = postgres.json(&["restore", first.to_str().unwrap()]);
    assert_eq!(restored["records"], backup["records"]);
    assert_eq!(postgres.json(&["stats"])["revisions"], 1);
    let second = work.path().join("from-postgres.jsonl");
    postgres.ok(&["backup", "--out", second.to_str().unwrap()]);
    assert_eq!(comparable(&first), comparable(&second));

    let back = Site::new(Backend::Sqlite).await;
    back.ok(&["restore", second.to_str().unwrap()]);
    let third = work.path().join("back-to-sqlite.jsonl");
    back.ok(&["backup", "--out", third.to_str().unwrap()]);
    assert_eq!(comparable(&first), comparable(&third));

    // The restored site works: the seeded administrator can get a link.
    let admin = &back.json(&["user", "list", "--limit", "0"])["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["is_admin"] == true)
        .expect("an administrator")
        .clone();
    back.ok(&["login-link", "--email", admin["email"].as_str().unwrap()]);

    // A database that holds data is refused, and left as it was.
    let refused = postgres.run(&["restore", first.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(one_line_error(&refused).contains("not empty"));
}

#[tokio::test]
async fn a_damaged_archive_restores_nothing() {
    let work = tempfile::tempdir().unwrap();
    let source = Site::new(Backend::Sqlite).await;
    source.ok(&[
        "seed",
        "--users",
        "10",
        "--legacies",
        "3",
        "--stories",
        "40",
    ]);
    let archive = work.path().join("full.jsonl");
    source.ok(&["backup", "--out", archive.to_str().unwrap()]);
    let text = std::fs::read_to_string(&archive).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    // Cut short: no end line.
    let truncated = work.path().join("truncated.jsonl");
    std::fs::write(&truncated, lines[..lines.len() - 5].join("\n")).unwrap();
    // A story pointing at a legacy that is not in the archive (the last line
    // before the end is a story: the seeder makes no revisions or media).
    let broken = work.path().join("broken.jsonl");
    let mut story: serde_json::Value = serde_json::from_str(lines[lines.len() - 2]).unwrap();
    assert_eq!(story["type"], "story");
    story["id"] = serde_json::Value::String(uuid::Uuid::now_v7().to_string());
    story["legacy_id"] = serde_json::Value::String(uuid::Uuid::now_v7().to_string());
    let mut with_orphan: Vec<String> = lines[..lines.len() - 1]
        .iter()
        .map(|l| l.to_string())
        .collect();
    with_orphan.push(story.to_string());
    with_orphan.push(format!(
        "{{\"type\":\"end\",\"records\":{}}}",
        with_orphan.len() - 1
    ));
    std::fs::write(&broken, with_orphan.join("\n")).unwrap();

    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = Site::new(backend).await;
        for bad in [&truncated, &broken] {
            let output = target.run(&["restore", bad.to_str().unwrap()]);
            assert_eq!(output.status.code(), Some(1), "{backend:?} {bad:?}");
            let error = one_line_error(&output);
            assert!(error.contains("nothing was restored"), "{error}");
            let stats = target.json(&["stats"]);
            assert_eq!(
                stats["users"], 0,
                "{backend:?}: {bad:?} left records behind"
            );
            assert_eq!(stats["legacies"], 0);
        }
        // The good archive still restores there afterwards.
        target.ok(&["restore", archive.to_str().unwrap()]);
    }
}
