//! Archives over HTTP: who may download which stories (the permission
//! matrix of both export endpoints), the metrics counter and the rate
//! limit, and an import through `POST /api/legacies/import` (accepted once,
//! refused the second time, refused with nothing written when damaged).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Backend, Person, TestApp, assert_error_body, read};
use futures_lite::io::AsyncReadExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every file of a ZIP, by name.
async fn unzip(bytes: Vec<u8>) -> BTreeMap<String, Vec<u8>> {
    let zip = async_zip::base::read::mem::ZipFileReader::new(bytes)
        .await
        .expect("a readable ZIP");
    let mut files = BTreeMap::new();
    for i in 0..zip.file().entries().len() {
        let name = zip.file().entries()[i]
            .filename()
            .as_str()
            .unwrap()
            .to_owned();
        let mut reader = zip.reader_without_entry(i).await.unwrap();
        let mut data = Vec::new();
        reader.read_to_end(&mut data).await.unwrap();
        files.insert(name, data);
    }
    files
}

fn manifest(files: &BTreeMap<String, Vec<u8>>) -> Value {
    serde_json::from_slice(&files["manifest.json"]).expect("manifest.json is JSON")
}

fn titles(manifest: &Value) -> BTreeSet<String> {
    manifest["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn download(app: &TestApp, path: &str, who: Option<&Person>) -> (StatusCode, Vec<u8>) {
    let response = app.request(Method::GET, path, who).send().await.unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        assert_eq!(
            response.headers()["content-type"],
            "application/zip",
            "an archive is served as application/zip"
        );
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"mosaic-life-"),
        );
    }
    (status, response.bytes().await.unwrap().to_vec())
}

async fn story(app: &TestApp, who: &Person, legacy: &str, title: &str, visibility: &str) -> String {
    let response = app
        .request(Method::POST, "/api/stories", Some(who))
        .json(&json!({ "legacy_id": legacy, "title": title, "content": format!("Text of {title}."), "visibility": visibility }))
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

struct Family {
    app: TestApp,
    legacy: String,
    creator: Person,
    editor: Person,
    member: Person,
    pending: Person,
    stranger: Person,
}

async fn family(extra: &[(&str, &str)]) -> Family {
    let app = TestApp::spawn_with(Backend::Sqlite, extra).await;
    let creator = app.person("Creator").await;
    let legacy = app.create_legacy(&creator, "Jane Doe").await;
    let (editor, member, pending, stranger) = (
        app.person("Editor").await,
        app.person("Member").await,
        app.person("Pending").await,
        app.person("Stranger").await,
    );
    app.add_member(&legacy, &creator, &editor, "editor").await;
    app.add_member(&legacy, &creator, &member, "member").await;
    app.add_member(&legacy, &creator, &pending, "pending").await;
    story(&app, &editor, &legacy, "Public by editor", "public").await;
    story(&app, &editor, &legacy, "Family by editor", "private").await;
    story(&app, &editor, &legacy, "Personal by editor", "personal").await;
    story(&app, &creator, &legacy, "Personal by creator", "personal").await;
    let edited = story(&app, &creator, &legacy, "Family by creator", "private").await;
    let response = app
        .request(Method::PUT, &format!("/api/stories/{edited}"), Some(&creator))
        .json(&json!({ "title": "Family by creator", "content": "Edited text.", "visibility": "private" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let gone = story(&app, &creator, &legacy, "Deleted by creator", "public").await;
    let response = app
        .request(
            Method::DELETE,
            &format!("/api/stories/{gone}"),
            Some(&creator),
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    Family {
        app,
        legacy,
        creator,
        editor,
        member,
        pending,
        stranger,
    }
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn each_caller_downloads_exactly_the_stories_they_may_read() {
    let f = family(&[]).await;
    let path = format!("/api/legacies/{}/export", f.legacy);
    let cases: [(&Person, &[&str]); 3] = [
        (
            &f.creator,
            &[
                "Public by editor",
                "Family by editor",
                "Personal by creator",
                "Family by creator",
            ],
        ),
        (
            &f.editor,
            &[
                "Public by editor",
                "Family by editor",
                "Personal by editor",
                "Family by creator",
            ],
        ),
        (
            &f.member,
            &["Public by editor", "Family by editor", "Family by creator"],
        ),
    ];
    for (who, expected) in cases {
        let (status, bytes) = download(&f.app, &path, Some(who)).await;
        assert_eq!(status, StatusCode::OK);
        let files = unzip(bytes).await;
        let m = manifest(&files);
        assert_eq!(m["format"], "mosaic-life-archive");
        assert_eq!(m["version"], 1);
        assert_eq!(titles(&m), set(expected));
        // Nothing anyone else may not read is anywhere in the archive.
        let everything: Vec<u8> = files.values().flatten().copied().collect();
        let text = String::from_utf8_lossy(&everything);
        for hidden in [
            "Personal by editor",
            "Personal by creator",
            "Deleted by creator",
        ] {
            if !expected.contains(&hidden) {
                assert!(!text.contains(hidden), "{hidden} leaked into an archive");
            }
        }
        assert!(files.contains_key("README.txt") && files.contains_key("index.html"));
        for story in m["stories"].as_array().unwrap() {
            let path = story["path"].as_str().unwrap();
            let md = String::from_utf8(files[path].clone()).unwrap();
            assert!(md.starts_with("---\nid: \""), "{md}");
            assert!(
                String::from_utf8_lossy(&files["index.html"])
                    .contains(story["title"].as_str().unwrap())
            );
        }
    }

    // Revisions: the creator sees the history of their edited story; the
    // member does not see any history.
    let (_, bytes) = download(&f.app, &path, Some(&f.creator)).await;
    let creator_manifest = manifest(&unzip(bytes).await);
    assert_eq!(creator_manifest["revisions"].as_array().unwrap().len(), 1);
    let (_, bytes) = download(&f.app, &path, Some(&f.member)).await;
    let member_manifest = manifest(&unzip(bytes).await);
    assert!(member_manifest["revisions"].as_array().unwrap().is_empty());
    // Requests to join are listed for the creator only.
    let roles = |m: &Value| -> BTreeSet<String> {
        m["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["role"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(roles(&creator_manifest).contains("pending"));
    assert!(!roles(&member_manifest).contains("pending"));

    // Outsiders and people waiting to join are refused; visitors must sign in.
    for who in [&f.pending, &f.stranger] {
        let response = f
            .app
            .request(Method::GET, &path, Some(who))
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_error_body(&body, "FORBIDDEN");
    }
    let (status, body) = read(
        f.app
            .request(Method::GET, &path, None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, "UNAUTHORIZED");
    let missing = format!("/api/legacies/{}/export", uuid::Uuid::now_v7());
    let (status, body) = read(
        f.app
            .request(Method::GET, &missing, Some(&f.creator))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, "NOT_FOUND");

    // Every export is counted.
    let metrics = reqwest::get(format!("{}/metrics", f.app.metrics_url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "mosaic_archive_operations_total{kind=\"legacy_export\",outcome=\"completed\"} 5"
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn my_export_holds_what_i_wrote_in_every_legacy_and_nothing_else() {
    let f = family(&[]).await;
    let other = f.app.create_legacy(&f.editor, "John Roe").await;
    story(
        &f.app,
        &f.editor,
        &other,
        "Editor's own legacy story",
        "personal",
    )
    .await;
    story(&f.app, &f.creator, &f.legacy, "Public by creator", "public").await;

    let (status, bytes) = download(&f.app, "/api/export", Some(&f.editor)).await;
    assert_eq!(status, StatusCode::OK);
    let m = manifest(&unzip(bytes).await);
    assert_eq!(m["kind"], "person");
    assert_eq!(
        titles(&m),
        set(&[
            "Public by editor",
            "Family by editor",
            "Personal by editor",
            "Editor's own legacy story"
        ])
    );
    assert_eq!(m["legacies"].as_array().unwrap().len(), 2);

    // Someone who wrote nothing gets an empty archive, not an error.
    let (status, bytes) = download(&f.app, "/api/export", Some(&f.stranger)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(titles(&manifest(&unzip(bytes).await)).is_empty());
    let (status, _) = download(&f.app, "/api/export", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn exports_are_rate_limited_per_person() {
    let f = family(&[("MOSAIC_ARCHIVES_PER_HOUR", "2")]).await;
    let path = format!("/api/legacies/{}/export", f.legacy);
    for _ in 0..2 {
        assert_eq!(
            download(&f.app, &path, Some(&f.member)).await.0,
            StatusCode::OK
        );
    }
    let response = f
        .app
        .request(Method::GET, &path, Some(&f.member))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    let (status, body) = read(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_error_body(&body, "RATE_LIMITED");
    // Another person has their own allowance.
    assert_eq!(
        download(&f.app, &path, Some(&f.creator)).await.0,
        StatusCode::OK
    );
}

async fn import(app: &TestApp, who: &Person, bytes: Vec<u8>) -> (StatusCode, Value) {
    read(
        app.request(Method::POST, "/api/legacies/import", Some(who))
            .header("Content-Type", "application/zip")
            .body(bytes)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn an_archive_imports_once_into_another_site_and_damage_is_refused_with_nothing_written() {
    let f = family(&[]).await;
    let (_, bytes) = download(
        &f.app,
        &format!("/api/legacies/{}/export", f.legacy),
        Some(&f.creator),
    )
    .await;
    let original = manifest(&unzip(bytes.clone()).await);

    let site = TestApp::spawn(Backend::Sqlite).await;
    let me = site.person("Importer").await;

    // A damaged copy first: one byte of a story changed.
    let mut files = unzip(bytes.clone()).await;
    let story_path = original["stories"][0]["path"].as_str().unwrap().to_owned();
    files.get_mut(&story_path).unwrap().push(b'!');
    let damaged = zip_of(&files).await;
    let (status, body) = import(&site, &me, damaged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error_body(&body, "INVALID_ARCHIVE");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&story_path),
        "{body}"
    );
    let (status, _) = read(
        site.request(
            Method::GET,
            &format!("/api/legacies/{}", f.legacy),
            Some(&me),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "nothing of a refused archive is written"
    );

    let (status, body) = import(&site, &me, bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["legacy"]["id"], f.legacy.as_str());
    assert_eq!(body["legacy"]["my_role"], "creator");
    assert_eq!(body["stories"], 4);
    assert_eq!(body["revisions"], 1);
    let listed = site
        .request(
            Method::GET,
            &format!("/api/stories?legacy_id={}&limit=100", f.legacy),
            Some(&me),
        )
        .send()
        .await
        .unwrap();
    let (status, page) = read(listed).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let got: BTreeSet<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect();
    // The importer became the creator, so the creator's personal story is
    // theirs to read; the others' stories keep their authors' names.
    assert_eq!(
        got,
        set(&[
            "Public by editor",
            "Family by editor",
            "Personal by creator",
            "Family by creator"
        ])
    );

    let (status, body) = import(&site, &me, bytes).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already been imported")
    );

    let (status, body) = import(&site, &me, b"not a zip".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error_body(&body, "INVALID_ARCHIVE");
}

/// A ZIP of these files (the test's way of making a damaged archive).
async fn zip_of(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut zip = async_zip::base::write::ZipFileWriter::new(Vec::new());
    for (name, data) in files {
        zip.write_entry_whole(
            async_zip::ZipEntryBuilder::new(name.clone().into(), async_zip::Compression::Deflate),
            data,
        )
        .await
        .unwrap();
    }
    zip.close().await.unwrap()
}
