//! [`UserRepo`](mosaic_ports::UserRepo) contract.

use mosaic_domain::{Email, PageRequest, PersonName, UserId};
use mosaic_ports::RepoError;

use crate::Store;
use crate::data::{at, given_user, new_id, user};

/// Every field, timestamps to the microsecond, reads back equal.
pub async fn created_user_reads_back_equal<S: Store>(store: &S) {
    let mut alice = user("Alice");
    alice.avatar_url = Some("https://images.example/alice.png".into());
    alice.is_admin = true;
    alice.updated_at = at(5);
    store.create_user(&alice).await.unwrap();
    assert_eq!(store.get_user(alice.id).await.unwrap(), alice);
}

/// `get_user` of an unknown id is `NotFound`.
pub async fn unknown_user_is_not_found<S: Store>(store: &S) {
    let missing = UserId::from_uuid(new_id());
    assert!(matches!(
        store.get_user(missing).await,
        Err(RepoError::NotFound)
    ));
}

/// A second account with the same e-mail is `EmailTaken`.
pub async fn duplicate_email_is_email_taken<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let mut twin = user("Twin");
    twin.email = alice.email.clone();
    assert!(matches!(
        store.create_user(&twin).await,
        Err(RepoError::EmailTaken)
    ));
}

/// A second user with the same id is `Conflict`.
pub async fn duplicate_id_is_conflict<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let mut same_id = user("Other");
    same_id.id = alice.id;
    assert!(matches!(
        store.create_user(&same_id).await,
        Err(RepoError::Conflict(_))
    ));
}

/// Lookup by e-mail finds the user, or `None`.
pub async fn user_is_found_by_email<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    assert_eq!(
        store.find_user_by_email(&alice.email).await.unwrap(),
        Some(alice)
    );
    let nobody = Email::new("nobody@family.example").unwrap();
    assert_eq!(store.find_user_by_email(&nobody).await.unwrap(), None);
}

/// Linking the same identity twice to the same user is fine, and the
/// identity then finds the user; an unknown identity finds nobody.
pub async fn identity_link_is_idempotent_and_finds_the_user<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let issuer = "https://accounts.google.com";
    store
        .link_identity(alice.id, issuer, "sub-1")
        .await
        .unwrap();
    store
        .link_identity(alice.id, issuer, "sub-1")
        .await
        .unwrap();
    assert_eq!(
        store.find_user_by_identity(issuer, "sub-1").await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.find_user_by_identity(issuer, "sub-2").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .find_user_by_identity("https://other.example", "sub-1")
            .await
            .unwrap(),
        None
    );
}

/// An identity linked to one user cannot be linked to another.
pub async fn identity_of_another_user_is_conflict<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    store
        .link_identity(alice.id, "issuer", "subject")
        .await
        .unwrap();
    assert!(matches!(
        store.link_identity(bob.id, "issuer", "subject").await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(
        store
            .find_user_by_identity("issuer", "subject")
            .await
            .unwrap(),
        Some(alice)
    );
}

/// Linking to a user that does not exist is `NotFound`.
pub async fn identity_of_unknown_user_is_not_found<S: Store>(store: &S) {
    let missing = UserId::from_uuid(new_id());
    assert!(matches!(
        store.link_identity(missing, "issuer", "subject").await,
        Err(RepoError::NotFound)
    ));
}

/// Update replaces e-mail, name, avatar, flags and `updated_at`.
pub async fn update_user_replaces_fields<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let mut changed = alice.clone();
    changed.email = Email::new("alice.new@family.example").unwrap();
    changed.name = PersonName::new("Alice B.").unwrap();
    changed.avatar_url = Some("https://images.example/a.png".into());
    changed.is_admin = true;
    changed.disabled = true;
    changed.updated_at = at(99);
    store.update_user(&changed).await.unwrap();
    assert_eq!(store.get_user(alice.id).await.unwrap(), changed);
}

/// Updating a user that does not exist is `NotFound`.
pub async fn update_unknown_user_is_not_found<S: Store>(store: &S) {
    assert!(matches!(
        store.update_user(&user("Ghost")).await,
        Err(RepoError::NotFound)
    ));
}

/// Taking another user's e-mail is `EmailTaken`, and changes nothing.
pub async fn update_to_taken_email_is_email_taken<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let mut changed = bob.clone();
    changed.email = alice.email.clone();
    assert!(matches!(
        store.update_user(&changed).await,
        Err(RepoError::EmailTaken)
    ));
    assert_eq!(store.get_user(bob.id).await.unwrap(), bob);
}

/// Users come newest first across pages; the count is exact.
pub async fn users_page_newest_first_and_count<S: Store>(store: &S) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let mut created = Vec::new();
    for i in 0..7 {
        let mut u = user(&format!("User {i}"));
        // Pairs share a timestamp: the id breaks the tie.
        u.created_at = at(i / 2);
        store.create_user(&u).await.unwrap();
        created.push(u);
    }
    created.sort_by_key(|u| std::cmp::Reverse((u.created_at, u.id)));
    let mut seen = Vec::new();
    let mut page = PageRequest::new(None, Some(3)).unwrap();
    loop {
        let result = store.list_users(page).await.unwrap();
        assert!(result.items.len() <= 3);
        seen.extend(result.items);
        match result.next {
            Some(cursor) => page = page.after(cursor),
            None => break,
        }
    }
    assert_eq!(seen, created);
    assert_eq!(store.count_users().await.unwrap(), 7);
}
