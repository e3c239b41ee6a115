//! `mosaic-admin legacy export` → `legacy import` into an empty site →
//! export again: the two manifests are the same apart from the export time
//! and the media bytes match, on SQLite with the local folder and on
//! Postgres with S3 (s3s-fs). Every kind of damaged archive is refused with
//! an error naming the problem, and nothing is written. An export reads one
//! snapshot: a story edited meanwhile is exported as it was.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Backend, Site};
use futures_lite::io::AsyncReadExt;
use mosaic_config::Runtime;
use mosaic_domain::{
    Email, LegacyDetails, LegacyId, LegacyName, LifeDates, MediaId, PersonName, Role, StoryContent,
    StoryDraft, StoryTitle, UploadRequest, UserId, Visibility,
};
use mosaic_ports::{ObjectStorage, media_storage_key};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-really-an-image";

struct Seeded {
    legacy: LegacyId,
    creator_email: String,
    photo: Vec<u8>,
}

async fn person(runtime: &Runtime, name: &str) -> (UserId, String) {
    let email = format!(
        "{}-{}@example.com",
        name.to_lowercase(),
        uuid::Uuid::new_v4().simple()
    );
    let user = runtime
        .service
        .create_user(Email::new(&email).unwrap(), PersonName::new(name).unwrap())
        .await
        .unwrap();
    (user.id, email)
}

fn draft(title: &str, visibility: Visibility) -> StoryDraft {
    StoryDraft {
        title: StoryTitle::new(title).unwrap(),
        content: StoryContent::new(&format!("# {title}\n\nShe loved the lake.\n")).unwrap(),
        visibility,
    }
}

/// A legacy with stories of every visibility by two authors, an edited
/// story, a deleted one, a pending member and a photo.
async fn seed(site: &Site) -> Seeded {
    let runtime = site.runtime().await;
    let service = &runtime.service;
    let (alice, creator_email) = person(&runtime, "Alice").await;
    let (bob, _) = person(&runtime, "Bob").await;
    let (carol, _) = person(&runtime, "Carol").await;
    let legacy = service
        .create_legacy(
            alice,
            LegacyDetails {
                name: LegacyName::new("Jane Doe").unwrap(),
                dates: LifeDates::default(),
                biography: None,
            },
        )
        .await
        .unwrap();
    service.join_legacy(bob, legacy.id).await.unwrap();
    service.approve_member(alice, legacy.id, bob).await.unwrap();
    service
        .change_member_role(alice, legacy.id, bob, Role::Editor)
        .await
        .unwrap();
    service.join_legacy(carol, legacy.id).await.unwrap();
    for (who, title, visibility) in [
        (alice, "Public by Alice", Visibility::Public),
        (alice, "Family by Alice", Visibility::Private),
        (alice, "Personal by Alice", Visibility::Personal),
        (bob, "Public by Bob", Visibility::Public),
        (bob, "Family by Bob", Visibility::Private),
    ] {
        service
            .create_story(who, legacy.id, draft(title, visibility))
            .await
            .unwrap();
    }
    let edited = service
        .create_story(alice, legacy.id, draft("Lake", Visibility::Public))
        .await
        .unwrap();
    service
        .update_story(
            alice,
            edited.story.id,
            draft("The lake", Visibility::Public),
            None,
        )
        .await
        .unwrap();
    let deleted = service
        .create_story(alice, legacy.id, draft("Deleted", Visibility::Public))
        .await
        .unwrap();
    service.delete_story(alice, deleted.story.id).await.unwrap();

    let media_id = MediaId::from_uuid(uuid::Uuid::now_v7());
    runtime
        .media
        .put(
            &media_storage_key(legacy.id, media_id),
            mosaic_domain::MediaType::Png,
            PNG.to_vec(),
        )
        .await
        .unwrap();
    service
        .register_media(
            bob,
            legacy.id,
            media_id,
            UploadRequest::new("Beach day.png", "image/png", PNG.len() as u64).unwrap(),
        )
        .await
        .unwrap();
    Seeded {
        legacy: legacy.id,
        creator_email,
        photo: PNG.to_vec(),
    }
}

async fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let zip = async_zip::base::read::mem::ZipFileReader::new(std::fs::read(path).unwrap())
        .await
        .unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.file().entries().len() {
        let name = zip.file().entries()[i]
            .filename()
            .as_str()
            .unwrap()
            .to_owned();
        let mut data = Vec::new();
        zip.reader_without_entry(i)
            .await
            .unwrap()
            .read_to_end(&mut data)
            .await
            .unwrap();
        files.insert(name, data);
    }
    files
}

/// The manifest without what differs between two exports of the same
/// contents: the export time, and README.txt (which names it).
fn comparable(files: &BTreeMap<String, Vec<u8>>) -> serde_json::Value {
    let mut m: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    m["exported_at"] = serde_json::Value::Null;
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["path"] != "README.txt");
    m
}

fn export(site: &Site, legacy: LegacyId, out: &Path) {
    let legacy = legacy.to_string();
    site.ok(&["legacy", "export", &legacy, "--out", out.to_str().unwrap()]);
}

async fn round_trip(a: Site, b: Site) {
    let seeded = seed(&a).await;
    let first = a.dir.path().join("first.zip");
    export(&a, seeded.legacy, &first);
    let first_files = unzip(&first).await;
    let m = comparable(&first_files);
    let titles: Vec<&str> = m["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 6, "{titles:?}");
    assert!(
        !titles.contains(&"Deleted"),
        "deleted stories are not exported"
    );
    assert_eq!(m["revisions"].as_array().unwrap().len(), 1);
    assert_eq!(
        m["members"].as_array().unwrap().len(),
        3,
        "creator, editor, pending"
    );
    let photo = m["media"][0]["path"].as_str().unwrap();
    assert_eq!(first_files[photo], seeded.photo);

    // An empty site: its database exists, nothing is in it.
    drop(b.runtime().await);
    let out = b.json(&["legacy", "import", first.to_str().unwrap()]);
    assert_eq!(out["stories"], 6);
    assert_eq!(out["revisions"], 1);
    assert_eq!(out["media"], 1);
    assert_eq!(out["placeholders"], 3);

    let second = b.dir.path().join("second.zip");
    export(&b, seeded.legacy, &second);
    let second_files = unzip(&second).await;
    assert_eq!(comparable(&first_files), comparable(&second_files));
    assert_eq!(
        second_files[photo], seeded.photo,
        "the media bytes came through"
    );

    // The same archive again: refused, nothing duplicated.
    let again = b.run(&["legacy", "import", first.to_str().unwrap()]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already been imported"), "{err}");
    let runtime = b.runtime().await;
    let overview = runtime
        .service
        .list_stories(
            None,
            seeded.legacy,
            mosaic_domain::PageRequest::first().with_limit(100),
        )
        .await
        .unwrap();
    assert_eq!(overview.items.len(), 3, "the public stories, once each");

    // --as-creator: an existing account takes the creator's place.
    let c = Site::new(Backend::Sqlite).await;
    let runtime_c = c.runtime().await;
    let (ruth, ruth_email) = person(&runtime_c, "Ruth").await;
    drop(runtime_c);
    c.ok(&[
        "legacy",
        "import",
        first.to_str().unwrap(),
        "--as-creator",
        &ruth_email,
    ]);
    let runtime_c = c.runtime().await;
    let view = runtime_c
        .service
        .get_legacy(Some(ruth), seeded.legacy)
        .await
        .unwrap();
    assert_eq!(view.legacy.created_by, ruth);
    assert_eq!(view.role, Some(Role::Creator));
    let _ = seeded.creator_email;
}

#[tokio::test]
async fn round_trip_on_sqlite_with_the_local_folder() {
    round_trip(
        Site::new(Backend::Sqlite).await,
        Site::new(Backend::Sqlite).await,
    )
    .await;
}

fn required(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the tests with scripts/test, which starts s3s-fs and Postgres"
        )
    })
}

/// A site on a fresh Postgres database whose media are in a fresh bucket
/// of the test S3 server (s3s-fs, which checks signatures).
async fn postgres_with_s3() -> Site {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    let endpoint = required("MOSAIC_TEST_S3_ENDPOINT");
    let (key, secret) = (
        required("MOSAIC_TEST_S3_ACCESS_KEY"),
        required("MOSAIC_TEST_S3_SECRET_KEY"),
    );
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new(&key, &secret, None, None, "archive-tests"))
        .build();
    let bucket = format!("archive-{}", uuid::Uuid::new_v4().simple());
    aws_sdk_s3::Client::from_conf(config)
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create a test bucket");
    let mut site = Site::new(Backend::Postgres).await;
    site.extra = vec![
        ("MOSAIC_S3_BUCKET".into(), bucket),
        ("MOSAIC_S3_ENDPOINT".into(), endpoint),
        ("MOSAIC_S3_ACCESS_KEY_ID".into(), key),
        ("MOSAIC_S3_SECRET_ACCESS_KEY".into(), secret),
    ];
    site
}

#[tokio::test]
async fn round_trip_on_postgres_with_s3() {
    round_trip(postgres_with_s3().await, postgres_with_s3().await).await;
}

// ----- damaged archives -------------------------------------------------------

/// A ZIP of `entries` as given: names, bytes, unix mode.
async fn zip_of(entries: &[(String, Vec<u8>, Option<u16>)]) -> Vec<u8> {
    let mut zip = async_zip::base::write::ZipFileWriter::new(Vec::new());
    for (name, data, mode) in entries {
        let mut builder =
            async_zip::ZipEntryBuilder::new(name.clone().into(), async_zip::Compression::Deflate);
        if let Some(mode) = mode {
            builder = builder.unix_permissions(*mode);
        }
        zip.write_entry_whole(builder, data).await.unwrap();
    }
    zip.close().await.unwrap()
}

fn entries(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, Vec<u8>, Option<u16>)> {
    files
        .iter()
        .map(|(n, d)| (n.clone(), d.clone(), None))
        .collect()
}

fn manifest_with(
    files: &BTreeMap<String, Vec<u8>>,
    change: impl FnOnce(&mut serde_json::Value),
) -> Vec<u8> {
    let mut m: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    change(&mut m);
    serde_json::to_vec(&m).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    mosaic_archive_format::sha256_hex(bytes)
}

#[tokio::test]
async fn every_kind_of_damaged_archive_is_refused_and_nothing_is_written() {
    let a = Site::new(Backend::Sqlite).await;
    let seeded = seed(&a).await;
    let good = a.dir.path().join("good.zip");
    export(&a, seeded.legacy, &good);
    let files = unzip(&good).await;
    let story = comparable(&files)["stories"][0]["path"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    let mut slip = entries(&files);
    slip.push(("../../evil.sh".into(), b"x".to_vec(), None));
    cases.push((
        "zip-slip",
        zip_of(&slip).await,
        "unsafe path '../../evil.sh'",
    ));
    let mut absolute = entries(&files);
    absolute.push(("/etc/cron.d/evil".into(), b"x".to_vec(), None));
    cases.push(("absolute path", zip_of(&absolute).await, "absolute path"));
    let mut link = entries(&files);
    link.push((
        "media/link".into(),
        b"/etc/passwd".to_vec(),
        Some(0o120_777),
    ));
    cases.push(("symlink", zip_of(&link).await, "symbolic link 'media/link'"));
    let mut twice = entries(&files);
    twice.push((story.clone(), files[&story].clone(), None));
    cases.push(("duplicate", zip_of(&twice).await, "twice"));
    let mut bomb = entries(&files);
    bomb.push(("media/zeros".into(), vec![0_u8; 8 << 20], None));
    cases.push(("zip bomb", zip_of(&bomb).await, "zip bomb"));
    let mut changed = files.clone();
    changed
        .get_mut(&story)
        .unwrap()
        .extend_from_slice(b"tampered");
    let mut changed_manifest = changed.clone();
    // Same size in the manifest, so only the hash can tell.
    let size = changed[&story].len();
    changed_manifest.insert(
        "manifest.json".into(),
        manifest_with(&files, |m| {
            for f in m["files"].as_array_mut().unwrap() {
                if f["path"] == story.as_str() {
                    f["size_bytes"] = size.into();
                }
            }
        }),
    );
    cases.push((
        "hash mismatch",
        zip_of(&entries(&changed_manifest)).await,
        "do not match manifest.json",
    ));
    let mut missing = files.clone();
    missing.remove(&story);
    cases.push((
        "missing file",
        zip_of(&entries(&missing)).await,
        "which the archive does not contain",
    ));
    let mut extra = files.clone();
    extra.insert("notes.txt".into(), b"hello".to_vec());
    cases.push((
        "extra file",
        zip_of(&entries(&extra)).await,
        "'notes.txt', which manifest.json does not list",
    ));
    let mut bad_front = files.clone();
    let broken = b"no front matter".to_vec();
    let (broken_hash, broken_len) = (sha256(&broken), broken.len());
    bad_front.insert(story.clone(), broken);
    bad_front.insert(
        "manifest.json".into(),
        manifest_with(&files, |m| {
            for f in m["files"].as_array_mut().unwrap() {
                if f["path"] == story.as_str() {
                    f["size_bytes"] = broken_len.into();
                    f["sha256"] = broken_hash.clone().into();
                }
            }
        }),
    );
    cases.push((
        "malformed front matter",
        zip_of(&entries(&bad_front)).await,
        "does not start with a '---' line",
    ));
    let mut future = files.clone();
    future.insert(
        "manifest.json".into(),
        manifest_with(&files, |m| m["version"] = 99.into()),
    );
    cases.push((
        "unknown version",
        zip_of(&entries(&future)).await,
        "format version 99 is not supported",
    ));

    let b = Site::new(Backend::Sqlite).await;
    drop(b.runtime().await);
    for (what, bytes, expected) in cases {
        let path = b.dir.path().join(format!("{}.zip", what.replace(' ', "-")));
        std::fs::write(&path, bytes).unwrap();
        let output = b.run(&["legacy", "import", path.to_str().unwrap()]);
        assert!(!output.status.success(), "{what} was accepted");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(err.contains(expected), "{what}: {err}");
        let runtime = b.runtime().await;
        assert!(
            runtime
                .service
                .get_legacy(None, seeded.legacy)
                .await
                .is_err(),
            "{what}: the legacy was written"
        );
        assert!(
            runtime.media.list("legacies/").await.unwrap().is_empty(),
            "{what}: media were left in storage"
        );
    }
    // And the good one still imports.
    b.ok(&["legacy", "import", good.to_str().unwrap()]);
}

#[tokio::test]
async fn an_export_reads_one_snapshot_so_an_edit_meanwhile_is_not_half_in_it() {
    let a = Site::new(Backend::Sqlite).await;
    let seeded = seed(&a).await;
    let runtime = a.runtime().await;
    let service = &runtime.service;
    let creator = service
        .get_legacy(None, seeded.legacy)
        .await
        .unwrap()
        .legacy
        .created_by;
    let story = service
        .create_story(creator, seeded.legacy, draft("Before", Visibility::Public))
        .await
        .unwrap();
    let export = service.export_legacy(creator, seeded.legacy).await.unwrap();
    service
        .update_story(
            creator,
            story.story.id,
            draft("After", Visibility::Public),
            None,
        )
        .await
        .unwrap();
    let out = a.dir.path().join("snapshot.zip");
    let file = tokio::fs::File::create(&out).await.unwrap();
    mosaic_archive::write_archive(export, file, &|_| {})
        .await
        .unwrap();
    let files = unzip(&out).await;
    let m = comparable(&files);
    let titles: Vec<&str> = m["stories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Before") && !titles.contains(&"After"),
        "{titles:?}"
    );
    assert!(
        !m["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["title"] == "Before")
    );
}

#[tokio::test]
async fn a_persons_import_brings_the_media_into_their_quota_and_over_it_writes_nothing() {
    let a = Site::new(Backend::Sqlite).await;
    let seeded = seed(&a).await;
    let archive = a.dir.path().join("legacy.zip");
    export(&a, seeded.legacy, &archive);

    let mut b = Site::new(Backend::Sqlite).await;
    b.extra = vec![("MOSAIC_MEDIA_QUOTA_BYTES".into(), "10".into())];
    let runtime = b.runtime().await;
    let (me, _) = person(&runtime, "Importer").await;
    let target = mosaic_ports::ImportAs {
        importer: Some(me),
        mapping: mosaic_domain::AccountMapping::NewAccounts,
    };
    let (checked, mut media) =
        mosaic_archive::open_archive(&archive, mosaic_archive::Limits::default())
            .await
            .unwrap();
    let refused = runtime
        .service
        .import_legacy(target, checked, &mut media)
        .await;
    assert!(
        matches!(
            refused,
            Err(mosaic_ports::ServiceError::QuotaExceeded {
                quota_bytes: 10,
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(
        runtime
            .service
            .get_legacy(None, seeded.legacy)
            .await
            .is_err()
    );
    assert!(runtime.media.list("legacies/").await.unwrap().is_empty());

    let mut c = Site::new(Backend::Sqlite).await;
    c.extra = vec![("MOSAIC_MEDIA_QUOTA_BYTES".into(), "1000".into())];
    let runtime = c.runtime().await;
    let (me, _) = person(&runtime, "Importer").await;
    let (checked, mut media) =
        mosaic_archive::open_archive(&archive, mosaic_archive::Limits::default())
            .await
            .unwrap();
    let report = runtime
        .service
        .import_legacy(
            mosaic_ports::ImportAs {
                importer: Some(me),
                mapping: mosaic_domain::AccountMapping::NewAccounts,
            },
            checked,
            &mut media,
        )
        .await
        .unwrap();
    assert_eq!(report.media, 1);
    let used = runtime
        .service
        .list_media(Some(me), seeded.legacy, mosaic_domain::PageRequest::first())
        .await
        .unwrap();
    assert_eq!(used.items.len(), 1);
    assert_eq!(used.items[0].uploaded_by, me, "the importer's upload now");
}
