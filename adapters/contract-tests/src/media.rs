//! [`MediaRepo`](mosaic_ports::MediaRepo) contract.

use mosaic_domain::{LegacyAccess, LegacyId, MediaId, MediaRecord, Role, UserId};
use mosaic_ports::RepoError;

use crate::Store;
use crate::data::{all_pages, at, given_legacy, given_member, given_user, media, new_id};

/// Every field reads back equal, with and without a legacy.
pub async fn created_media_reads_back_equal<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let photo = media(Some(grandma.id), alice.id, 50 * 1024 * 1024, at(2));
    let loose = media(None, alice.id, 1, at(3));
    store.create_media(&photo).await.unwrap();
    store.create_media(&loose).await.unwrap();
    assert_eq!(store.get_media(photo.id).await.unwrap(), photo);
    assert_eq!(store.get_media(loose.id).await.unwrap(), loose);
}

/// The same id or the same storage key twice is `Conflict`.
pub async fn duplicate_media_id_or_key_is_conflict<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let photo = media(Some(grandma.id), alice.id, 10, at(2));
    store.create_media(&photo).await.unwrap();
    let mut same_id = media(Some(grandma.id), alice.id, 10, at(3));
    same_id.id = photo.id;
    assert!(matches!(
        store.create_media(&same_id).await,
        Err(RepoError::Conflict(_))
    ));
    let mut same_key = media(Some(grandma.id), alice.id, 10, at(3));
    same_key.storage_key = photo.storage_key.clone();
    assert!(matches!(
        store.create_media(&same_key).await,
        Err(RepoError::Conflict(_))
    ));
}

/// An uploader or legacy that does not exist is `NotFound`.
pub async fn media_of_unknown_uploader_or_legacy_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let no_user = media(None, UserId::from_uuid(new_id()), 10, at(2));
    assert!(matches!(
        store.create_media(&no_user).await,
        Err(RepoError::NotFound)
    ));
    let no_legacy = media(Some(LegacyId::from_uuid(new_id())), alice.id, 10, at(2));
    assert!(matches!(
        store.create_media(&no_legacy).await,
        Err(RepoError::NotFound)
    ));
}

/// `get_media` of an unknown id is `NotFound`.
pub async fn unknown_media_is_not_found<S: Store>(store: &S) {
    let missing = MediaId::from_uuid(new_id());
    assert!(matches!(
        store.get_media(missing).await,
        Err(RepoError::NotFound)
    ));
}

/// Delete returns the record and removes it; again it is `NotFound`.
pub async fn delete_media_returns_the_record<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let photo = media(None, alice.id, 10, at(2));
    store.create_media(&photo).await.unwrap();
    assert_eq!(store.delete_media(photo.id).await.unwrap(), photo);
    assert!(matches!(
        store.get_media(photo.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.delete_media(photo.id).await,
        Err(RepoError::NotFound)
    ));
}

/// Approved members list all of a legacy's media, anyone else only their
/// own uploads, across pages with timestamp ties; other legacies' media
/// never appear.
pub async fn media_list_follows_scope_and_pages<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let pending = given_user(store, "Pending").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let other = given_legacy(store, "John Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Member).await;
    given_member(store, grandma.id, pending.id, Role::Pending).await;
    let mut all = Vec::new();
    for i in 0..7 {
        // Pending once uploaded while an editor (then was demoted): their
        // own uploads stay visible to them.
        let uploader = if i % 3 == 0 { pending.id } else { alice.id };
        let m = media(Some(grandma.id), uploader, 10, at(i / 2));
        store.create_media(&m).await.unwrap();
        all.push(m);
    }
    store
        .create_media(&media(Some(other.id), pending.id, 10, at(0)))
        .await
        .unwrap();
    all.sort_by_key(|m| std::cmp::Reverse((m.created_at, m.id)));

    for (name, access) in [
        ("anonymous", LegacyAccess::anonymous(grandma.id)),
        (
            "member",
            LegacyAccess::user(grandma.id, bob.id, Some(Role::Member)),
        ),
        (
            "creator",
            LegacyAccess::user(grandma.id, alice.id, Some(Role::Creator)),
        ),
        (
            "pending",
            LegacyAccess::user(grandma.id, pending.id, Some(Role::Pending)),
        ),
    ] {
        let expected: Vec<MediaRecord> = all
            .iter()
            .filter(|m| access.can_view_media(m.uploaded_by))
            .cloned()
            .collect();
        let scope = access.media_scope();
        let listed = all_pages(2, async |page| {
            store.list_media(grandma.id, scope, page).await.unwrap()
        })
        .await
        .concat();
        assert_eq!(listed, expected, "media listed for the {name}");
    }
}

/// The byte total per uploader counts all their media, 0 when none.
pub async fn media_bytes_are_summed_per_uploader<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    assert_eq!(store.media_bytes_of_user(alice.id).await.unwrap(), 0);
    let big = media(Some(grandma.id), alice.id, 500 * 1024 * 1024, at(2));
    let small = media(None, alice.id, 7, at(3));
    store.create_media(&big).await.unwrap();
    store.create_media(&small).await.unwrap();
    store
        .create_media(&media(Some(grandma.id), bob.id, 1000, at(4)))
        .await
        .unwrap();
    assert_eq!(
        store.media_bytes_of_user(alice.id).await.unwrap(),
        500 * 1024 * 1024 + 7
    );
    store.delete_media(big.id).await.unwrap();
    assert_eq!(store.media_bytes_of_user(alice.id).await.unwrap(), 7);
    assert_eq!(store.media_bytes_of_user(bob.id).await.unwrap(), 1000);
}

/// `existing_storage_keys` returns exactly those of the given keys that a
/// record has, for none, one and thousands of keys, also keys with quotes,
/// backslashes and non-ASCII letters.
pub async fn existing_storage_keys_are_found_among_any_number<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    assert!(store.existing_storage_keys(&[]).await.unwrap().is_empty());
    let mut stored = Vec::new();
    for (i, key) in [
        "plain/key",
        "with \"quotes\"",
        "back\\slash",
        "ünïcode/ключ",
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = media(None, alice.id, 1, at(i as i64));
        m.storage_key = key.to_owned();
        store.create_media(&m).await.unwrap();
        stored.push(m.storage_key);
    }
    let mut asked: Vec<String> = (0..5_000).map(|i| format!("absent/{i}")).collect();
    asked.extend(stored.iter().cloned());
    let mut found = store.existing_storage_keys(&asked).await.unwrap();
    found.sort();
    stored.sort();
    assert_eq!(found, stored);
    let one_absent = ["absent/x".to_owned()];
    assert!(
        store
            .existing_storage_keys(&one_absent)
            .await
            .unwrap()
            .is_empty()
    );
}
