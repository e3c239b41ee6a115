//! The import checks over an archive made by the format's own functions:
//! a good archive passes and gives back the records; each kind of damage is
//! refused with an error naming it.

use std::collections::BTreeMap;

use mosaic_archive_format::paths::{
    INDEX, MANIFEST, README, StoryPaths, media_path, revision_path,
};
use mosaic_archive_format::*;
use mosaic_domain::*;
use time::macros::datetime;
use uuid::Uuid;

const AT: time::OffsetDateTime = datetime!(2025-05-06 7:08:09.123456 UTC);

struct Built {
    manifest: Manifest,
    files: BTreeMap<String, Vec<u8>>,
    legacy: Legacy,
    stories: Vec<Story>,
    revision: StoryRevision,
}

fn id() -> Uuid {
    Uuid::now_v7()
}

fn build() -> Built {
    let creator = ArchivedPerson {
        id: UserId::from_uuid(id()),
        name: PersonName::new("Alice").unwrap(),
    };
    let editor = ArchivedPerson {
        id: UserId::from_uuid(id()),
        name: PersonName::new("Bob \"the Builder\"").unwrap(),
    };
    let legacy = Legacy {
        id: LegacyId::from_uuid(id()),
        name: LegacyName::new("Jane Doe").unwrap(),
        dates: LifeDates::new(Some(time::macros::date!(1930 - 02 - 03)), None).unwrap(),
        biography: Some(Biography::new("Loved *gardens*.").unwrap()),
        created_by: creator.id,
        created_at: AT,
        updated_at: AT,
    };
    let mut manifest = Manifest::new(ArchiveKind::Legacy, AT);
    manifest.legacies.push(ManifestLegacy::of(&legacy));
    manifest.people = vec![ManifestPerson::of(&creator), ManifestPerson::of(&editor)];
    for (person, role) in [(&creator, Role::Creator), (&editor, Role::Editor)] {
        manifest.members.push(ManifestMember::of(&Membership {
            legacy_id: legacy.id,
            user_id: person.id,
            role,
            joined_at: AT,
        }));
    }
    let mut files = BTreeMap::new();
    let mut paths = StoryPaths::default();
    let mut stories = Vec::new();
    for (author, visibility, title, text) in [
        (
            &creator,
            Visibility::Public,
            "First Memory",
            "She loved ---\n\ngardening.",
        ),
        (
            &editor,
            Visibility::Private,
            "First Memory",
            "Second one, same day.",
        ),
        (&editor, Visibility::Personal, "Été", "Nur für mich."),
    ] {
        let story = Story {
            id: StoryId::from_uuid(id()),
            legacy_id: legacy.id,
            author_id: author.id,
            title: StoryTitle::new(title).unwrap(),
            content: StoryContent::new(text).unwrap(),
            visibility,
            created_at: AT,
            updated_at: AT,
            deleted_at: None,
            ai_excluded: false,
        };
        let path = paths.next(story.created_at, &story.title);
        files.insert(
            path.clone(),
            files::story_file(&story, &author.name).into_bytes(),
        );
        manifest.stories.push(ManifestStory::of(&story, path));
        stories.push(story);
    }
    let revision = StoryRevision {
        id: RevisionId::from_uuid(id()),
        story_id: stories[0].id,
        draft: StoryDraft {
            title: StoryTitle::new("Fist Memory").unwrap(),
            content: StoryContent::new("She loved gardning.").unwrap(),
            visibility: Visibility::Private,
        },
        replaced_at: AT,
    };
    let path = revision_path(revision.story_id, revision.id);
    files.insert(path.clone(), files::revision_file(&revision).into_bytes());
    manifest
        .revisions
        .push(ManifestRevision::of(&revision, path));
    let photo = MediaRecord {
        id: MediaId::from_uuid(id()),
        uploaded_by: editor.id,
        legacy_id: Some(legacy.id),
        storage_key: "ignored".into(),
        file_name: FileName::new("beach.png").unwrap(),
        media_type: MediaType::Png,
        size_bytes: 12,
        created_at: AT,
    };
    let path = media_path(photo.id, &photo.file_name);
    files.insert(path.clone(), b"\x89PNG\r\n\x1a\nabcd".to_vec());
    manifest.media.push(ManifestMedia::of(&photo, path));
    files.insert(
        README.into(),
        files::readme("Jane Doe", &manifest.exported_at).into_bytes(),
    );
    files.insert(
        INDEX.into(),
        files::index_head("Jane Doe", std::slice::from_ref(&legacy)).into_bytes(),
    );
    for (path, bytes) in &files {
        let mut h = Hasher::new();
        h.update(bytes);
        manifest.files.push(h.finish(path));
    }
    Built {
        manifest,
        files,
        legacy,
        stories,
        revision,
    }
}

fn headers(files: &BTreeMap<String, Vec<u8>>, manifest: &Manifest) -> Vec<EntryHeader> {
    let mut out: Vec<EntryHeader> = files
        .iter()
        .map(|(name, bytes)| EntryHeader {
            name: name.clone(),
            compressed_size: bytes.len() as u64,
            uncompressed_size: bytes.len() as u64,
            is_symlink: false,
            is_dir: false,
        })
        .collect();
    out.push(EntryHeader {
        name: MANIFEST.into(),
        compressed_size: 10,
        uncompressed_size: manifest.to_json().len() as u64,
        is_symlink: false,
        is_dir: false,
    });
    out
}

/// Runs every check the way an importer does.
fn import(
    manifest_json: &[u8],
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<LegacyArchive, ArchiveError> {
    let manifest = Manifest::parse(manifest_json)?;
    let headers = headers(files, &manifest);
    Limits::default().check_headers(&headers)?;
    let mut check = ImportCheck::new(manifest)?;
    check.check_listing(&headers)?;
    for (path, bytes) in files {
        let mut h = Hasher::new();
        h.update(bytes);
        check.file_read(&h.finish(path))?;
        if ImportCheck::is_text_name(path) {
            check.text_file(path, bytes)?;
        }
    }
    check.finish()
}

#[test]
fn a_good_archive_gives_back_every_record_exactly() {
    let b = build();
    let archive = import(&b.manifest.to_json(), &b.files).unwrap();
    assert_eq!(archive.legacy, b.legacy);
    assert_eq!(archive.stories, b.stories);
    assert_eq!(archive.revisions, vec![b.revision.clone()]);
    assert_eq!(archive.members.len(), 2);
    assert_eq!(archive.media.len(), 1);
    assert_eq!(archive.people[1].name.as_str(), "Bob \"the Builder\"");
    // Two stories of one day with one title get distinct files.
    let paths: Vec<&str> = b.manifest.stories.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        &paths[..2],
        [
            "stories/2025-05-06-first-memory.md",
            "stories/2025-05-06-first-memory-2.md"
        ]
    );
}

#[test]
fn an_unknown_format_version_is_refused_by_name() {
    let b = build();
    let mut json: serde_json::Value = serde_json::from_slice(&b.manifest.to_json()).unwrap();
    json["version"] = 2.into();
    json["something_new"] = true.into();
    let err = import(&serde_json::to_vec(&json).unwrap(), &b.files).unwrap_err();
    assert_eq!(err, ArchiveError::UnknownVersion("2".into()));
    assert!(
        err.to_string()
            .contains("format version 2 is not supported")
    );
}

#[test]
fn another_format_is_not_an_archive() {
    let b = build();
    let err = import(br#"{"format":"something-else","version":1}"#, &b.files).unwrap_err();
    assert_eq!(err, ArchiveError::NotAnArchive);
    assert!(matches!(
        import(b"not json", &b.files),
        Err(ArchiveError::Manifest(_))
    ));
}

#[test]
fn a_changed_file_is_a_hash_mismatch() {
    let mut b = build();
    let path = b.manifest.stories[0].path.clone();
    let file = b.files.get_mut(&path).unwrap();
    let last = file.len() - 1;
    file[last] ^= 1;
    let err = import(&b.manifest.to_json(), &b.files).unwrap_err();
    assert_eq!(err, ArchiveError::HashMismatch(path));
}

#[test]
fn a_missing_file_and_an_extra_file_are_named() {
    let mut b = build();
    let path = b.manifest.media[0].path.clone();
    b.files.remove(&path);
    assert_eq!(
        import(&b.manifest.to_json(), &b.files).unwrap_err(),
        ArchiveError::MissingFile(path)
    );

    let mut b = build();
    b.files
        .insert("stories/extra.md".into(), b"---\n---\nx".to_vec());
    assert_eq!(
        import(&b.manifest.to_json(), &b.files).unwrap_err(),
        ArchiveError::ExtraFile("stories/extra.md".into())
    );
}

#[test]
fn front_matter_that_disagrees_with_the_manifest_is_refused() {
    let mut b = build();
    let path = b.manifest.stories[1].path.clone();
    let text = String::from_utf8(b.files[&path].clone()).unwrap();
    let changed = text.replace("visibility: \"private\"", "visibility: \"public\"");
    b.files.insert(path.clone(), changed.into_bytes());
    // Re-hash so that only the front matter is wrong.
    b.manifest.files.retain(|f| f.path != path);
    let mut h = Hasher::new();
    h.update(&b.files[&path]);
    b.manifest.files.push(h.finish(&path));
    let err = import(&b.manifest.to_json(), &b.files).unwrap_err();
    assert!(
        matches!(&err, ArchiveError::FrontMatter { path: p, why } if *p == path && why.contains("visibility")),
        "{err}"
    );
}

#[test]
fn malformed_front_matter_is_refused() {
    let mut b = build();
    let path = b.manifest.stories[0].path.clone();
    b.files
        .insert(path.clone(), b"no front matter here".to_vec());
    b.manifest.files.retain(|f| f.path != path);
    let mut h = Hasher::new();
    h.update(&b.files[&path]);
    b.manifest.files.push(h.finish(&path));
    let err = import(&b.manifest.to_json(), &b.files).unwrap_err();
    assert!(
        err.to_string().contains("does not start with a '---' line"),
        "{err}"
    );
}

#[test]
fn zip_slip_absolute_paths_symlinks_and_duplicates_are_refused() {
    let limits = Limits::default();
    let header = |name: &str| EntryHeader {
        name: name.into(),
        compressed_size: 10,
        uncompressed_size: 10,
        is_symlink: false,
        is_dir: false,
    };
    let manifest = header(MANIFEST);
    for name in [
        "../evil.sh",
        "media/../../evil",
        "/etc/cron.d/x",
        "C:/x",
        "media\\x",
    ] {
        let err = limits
            .check_headers(&[manifest.clone(), header(name)])
            .unwrap_err();
        assert!(
            matches!(err, ArchiveError::UnsafePath { .. }),
            "{name}: {err}"
        );
    }
    let mut link = header("media/link");
    link.is_symlink = true;
    assert_eq!(
        limits.check_headers(&[manifest.clone(), link]).unwrap_err(),
        ArchiveError::Symlink("media/link".into())
    );
    assert_eq!(
        limits
            .check_headers(&[manifest.clone(), header("a.md"), header("a.md")])
            .unwrap_err(),
        ArchiveError::DuplicateName("a.md".into())
    );
    assert_eq!(
        limits.check_headers(&[header("a.md")]).unwrap_err(),
        ArchiveError::NotAnArchive
    );
}

#[test]
fn zip_bombs_are_refused_by_ratio_entry_size_and_total() {
    let limits = Limits {
        max_total_bytes: 100 << 20,
        ..Limits::default()
    };
    let manifest = EntryHeader {
        name: MANIFEST.into(),
        compressed_size: 10,
        uncompressed_size: 10,
        is_symlink: false,
        is_dir: false,
    };
    let entry = |name: &str, compressed: u64, uncompressed: u64| EntryHeader {
        name: name.into(),
        compressed_size: compressed,
        uncompressed_size: uncompressed,
        is_symlink: false,
        is_dir: false,
    };
    let ratio = limits
        .check_headers(&[manifest.clone(), entry("media/zeros", 10_000, 1 << 30)])
        .unwrap_err();
    assert!(
        matches!(&ratio, ArchiveError::TooLarge(m) if m.contains("per file")),
        "{ratio}"
    );
    let ratio = limits
        .check_headers(&[manifest.clone(), entry("media/zeros", 100_000, 50 << 20)])
        .unwrap_err();
    assert!(
        matches!(&ratio, ArchiveError::TooLarge(m) if m.contains(":1")),
        "{ratio}"
    );
    let total = limits
        .check_headers(&[
            manifest.clone(),
            entry("media/a", 60 << 20, 60 << 20),
            entry("media/b", 60 << 20, 60 << 20),
        ])
        .unwrap_err();
    assert!(
        matches!(&total, ArchiveError::TooLarge(m) if m.contains("more than")),
        "{total}"
    );
    // Small files compress well and that is fine.
    assert!(
        limits
            .check_headers(&[manifest, entry("stories/a.md", 10, 500_000)])
            .is_ok()
    );
}

#[test]
fn a_personal_archive_is_not_importable() {
    let mut b = build();
    b.manifest.kind = ArchiveKind::Person;
    assert_eq!(
        import(&b.manifest.to_json(), &b.files).unwrap_err(),
        ArchiveError::NotALegacyArchive
    );
}

#[test]
fn a_size_that_differs_from_the_zip_header_is_a_mismatch() {
    let b = build();
    let manifest = b.manifest.clone();
    let mut headers = headers(&b.files, &manifest);
    headers[0].uncompressed_size += 1;
    let check = ImportCheck::new(manifest).unwrap();
    assert!(matches!(
        check.check_listing(&headers),
        Err(ArchiveError::HashMismatch(_))
    ));
}
