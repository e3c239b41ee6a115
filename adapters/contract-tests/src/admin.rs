//! [`AdminRepo`](mosaic_ports::AdminRepo): counts, lists across the whole
//! store, snapshot export and one-transaction restore.

use mosaic_domain::{RevisionId, Role, Visibility};
use mosaic_ports::{BackupRecord, IdentityLink, RecordKind, RepoError};
use time::Duration;

use crate::Store;
use crate::data::*;

/// Stories count by visibility while live and apart once deleted; media
/// bytes are summed; only unrevoked, unexpired sessions are live.
pub async fn store_counts_count_by_visibility_and_state<S: Store>(store: &S) {
    let ada = given_user(store, "Ada").await;
    let legacy = given_legacy(store, "Rose", &ada, at(0)).await;
    for (n, visibility) in [
        Visibility::Public,
        Visibility::Private,
        Visibility::Private,
        Visibility::Personal,
    ]
    .into_iter()
    .enumerate()
    {
        let story = story(legacy.id, ada.id, "s", visibility, at(n as i64));
        store.create_story(&story).await.unwrap();
        if n == 2 {
            store
                .set_story_deleted(story.id, Some(at(100)))
                .await
                .unwrap();
        }
    }
    store
        .create_media(&media(Some(legacy.id), ada.id, 1_000, at(1)))
        .await
        .unwrap();
    store
        .create_media(&media(None, ada.id, 234, at(2)))
        .await
        .unwrap();
    let live = session(ada.id, at(0));
    let revoked = session(ada.id, at(0));
    let expired = session(ada.id, at(0) - Duration::days(30));
    for s in [&live, &revoked, &expired] {
        store.create_session(s).await.unwrap();
    }
    store.revoke_session(revoked.id, at(1)).await.unwrap();

    let counts = store.store_counts(at(10)).await.unwrap();
    assert_eq!(counts.users, 1);
    assert_eq!(counts.legacies, 1);
    assert_eq!(counts.memberships, 1);
    assert_eq!(counts.public_stories, 1);
    assert_eq!(counts.private_stories, 1);
    assert_eq!(counts.personal_stories, 1);
    assert_eq!(counts.deleted_stories, 1);
    assert_eq!(counts.media, 2);
    assert_eq!(counts.media_bytes, 1_234);
    assert_eq!(counts.live_sessions, 1);
}

/// The contents of a legacy are what deleting it removes; an unknown legacy
/// is not found.
pub async fn legacy_contents_count_what_delete_removes<S: Store>(store: &S) {
    let ada = given_user(store, "Ada").await;
    let ruth = given_user(store, "Ruth").await;
    let legacy = given_legacy(store, "Rose", &ada, at(0)).await;
    let other = given_legacy(store, "Other", &ada, at(1)).await;
    given_member(store, legacy.id, ruth.id, Role::Pending).await;
    let story = story(legacy.id, ada.id, "s", Visibility::Private, at(2));
    store.create_story(&story).await.unwrap();
    store
        .update_story(
            story.id,
            &draft("new", Visibility::Public),
            RevisionId::from_uuid(new_id()),
            at(3),
        )
        .await
        .unwrap();
    store
        .create_story(&crate::data::story(
            other.id,
            ada.id,
            "x",
            Visibility::Public,
            at(2),
        ))
        .await
        .unwrap();
    store
        .create_media(&media(Some(legacy.id), ada.id, 77, at(1)))
        .await
        .unwrap();

    let contents = store.legacy_contents(legacy.id).await.unwrap();
    assert_eq!(contents.stories, 1);
    assert_eq!(contents.revisions, 1);
    assert_eq!(contents.members, 2);
    assert_eq!(contents.media, 1);
    assert_eq!(contents.media_bytes, 77);
    assert!(matches!(
        store
            .legacy_contents(mosaic_domain::LegacyId::from_uuid(new_id()))
            .await,
        Err(RepoError::NotFound)
    ));
}

/// Every legacy and every session page newest first; sessions filter by user.
pub async fn all_legacies_and_sessions_page_newest_first<S: Store>(store: &S) {
    let ada = given_user(store, "Ada").await;
    let ruth = given_user(store, "Ruth").await;
    for n in 0..5 {
        let creator = if n % 2 == 0 { &ada } else { &ruth };
        given_legacy(store, &format!("Legacy {n}"), creator, at(n)).await;
    }
    let pages = all_pages(2, async |page| store.list_all_legacies(page).await.unwrap()).await;
    let names: Vec<String> = pages
        .into_iter()
        .flatten()
        .map(|l| l.name.as_str().to_owned())
        .collect();
    assert_eq!(
        names,
        ["Legacy 4", "Legacy 3", "Legacy 2", "Legacy 1", "Legacy 0"]
    );

    for n in 0..3 {
        store.create_session(&session(ada.id, at(n))).await.unwrap();
    }
    store
        .create_session(&session(ruth.id, at(5)))
        .await
        .unwrap();
    let all: Vec<_> = all_pages(2, async |page| {
        store.list_sessions(None, page).await.unwrap()
    })
    .await
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].user_id, ruth.id);
    let adas: Vec<_> = all_pages(2, async |page| {
        store.list_sessions(Some(ada.id), page).await.unwrap()
    })
    .await
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(adas.len(), 3);
    assert!(adas.windows(2).all(|w| w[0].created_at >= w[1].created_at));
}

/// Records written in a restore read back equal through the ports, and an
/// export pages through each kind in order, every record once.
pub async fn restored_records_read_back_and_export_in_order<S: Store>(store: &S) {
    let ada = user("Ada");
    let ruth = user("Ruth");
    let rose = legacy("Rose", ada.id, at(0));
    let mut kept = story(rose.id, ada.id, "kept", Visibility::Private, at(1));
    kept.deleted_at = Some(at(5));
    let revision = mosaic_domain::StoryRevision {
        id: RevisionId::from_uuid(new_id()),
        story_id: kept.id,
        draft: draft("before", Visibility::Public),
        replaced_at: at(2),
    };
    let photo = media(Some(rose.id), ruth.id, 42, at(3));
    let records = vec![
        BackupRecord::User(ada.clone()),
        BackupRecord::User(ruth.clone()),
        BackupRecord::Identity(IdentityLink {
            issuer: "https://issuer.example".into(),
            subject: "b".into(),
            user_id: ruth.id,
        }),
        BackupRecord::Identity(IdentityLink {
            issuer: "https://issuer.example".into(),
            subject: "a".into(),
            user_id: ada.id,
        }),
        BackupRecord::Legacy(rose.clone()),
        BackupRecord::Membership(creator_of(&rose)),
        BackupRecord::Membership(membership(rose.id, ruth.id, Role::Editor)),
        BackupRecord::Story(kept.clone()),
        BackupRecord::Revision(revision.clone()),
        BackupRecord::Media(photo.clone()),
    ];
    let mut writer = store.begin_restore().await.unwrap();
    writer.write(&records[..3]).await.unwrap();
    writer.write(&records[3..]).await.unwrap();
    writer.commit().await.unwrap();
    // The restored story gets its embedding job in the same transaction.
    assert_eq!(store.job_counts().await.unwrap().pending, 1);
    let job = store
        .claim(
            time::OffsetDateTime::now_utc(),
            std::time::Duration::from_secs(30),
        )
        .await
        .unwrap()
        .expect("the restored story's embedding job");
    assert_eq!(
        (job.kind.as_str(), job.key.clone()),
        ("story.embedding", kept.id.as_uuid().to_string())
    );

    assert_eq!(store.get_user(ada.id).await.unwrap(), ada);
    let found = store
        .find_user_by_identity("https://issuer.example", "a")
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(ada.id));
    assert_eq!(store.get_legacy(rose.id).await.unwrap(), rose);
    let editor = store.get_membership(rose.id, ruth.id).await.unwrap();
    assert_eq!(editor.map(|m| m.role), Some(Role::Editor));
    assert_eq!(store.get_story(kept.id).await.unwrap().story, kept);
    assert_eq!(store.list_revisions(kept.id).await.unwrap(), vec![revision]);
    assert_eq!(store.get_media(photo.id).await.unwrap(), photo);

    let mut reader = store.begin_export().await.unwrap();
    let mut exported = Vec::new();
    for kind in RecordKind::ALL {
        let mut after: Option<BackupRecord> = None;
        loop {
            let page = reader.next_page(kind, after.as_ref(), 1).await.unwrap();
            assert!(page.len() <= 1);
            let Some(last) = page.last().cloned() else {
                break;
            };
            assert!(page.iter().all(|r| r.kind() == kind));
            exported.extend(page);
            after = Some(last);
        }
    }
    reader.finish().await.unwrap();
    assert_eq!(exported.len(), records.len());
    let subjects: Vec<&str> = exported
        .iter()
        .filter_map(|r| match r {
            BackupRecord::Identity(link) => Some(link.subject.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        subjects,
        ["a", "b"],
        "identities in (issuer, subject) order"
    );
    let mut users: Vec<_> = [ada.id, ruth.id].map(|id| id.as_uuid()).to_vec();
    users.sort();
    let exported_users: Vec<_> = exported
        .iter()
        .filter_map(|r| match r {
            BackupRecord::User(u) => Some(u.id.as_uuid()),
            _ => None,
        })
        .collect();
    assert_eq!(exported_users, users, "users in id order");
}

/// A restore is refused when the store has data, and one dropped without a
/// commit leaves nothing behind.
pub async fn restore_needs_an_empty_store_and_is_all_or_nothing<S: Store>(store: &S) {
    let ada = user("Ada");
    let mut writer = store.begin_restore().await.unwrap();
    writer
        .write(&[BackupRecord::User(ada.clone())])
        .await
        .unwrap();
    drop(writer);
    assert_eq!(store.count_users().await.unwrap(), 0);

    // A record that refers to one not written is not found.
    let mut writer = store.begin_restore().await.unwrap();
    let orphan = legacy("Orphan", ada.id, at(0));
    assert!(matches!(
        writer.write(&[BackupRecord::Legacy(orphan)]).await,
        Err(RepoError::NotFound)
    ));
    drop(writer);

    given_user(store, "Ruth").await;
    assert!(matches!(
        store.begin_restore().await.map(|_| ()),
        Err(RepoError::Conflict(_))
    ));
}
