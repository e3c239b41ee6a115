//! [`SessionRepo`](mosaic_ports::SessionRepo) contract.

use mosaic_domain::{SESSION_LIFETIME, SessionId, UserId};
use mosaic_ports::{RepoError, SignInLink};
use time::Duration;

use crate::Store;
use crate::data::{at, given_user, new_id, session, token_hash};

/// A session reads back equal by its token hash; an unknown hash is `None`.
pub async fn session_reads_back_by_token_hash<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let s = session(alice.id, at(1));
    store.create_session(&s).await.unwrap();
    assert_eq!(store.find_session(&s.token_hash).await.unwrap(), Some(s));
    assert_eq!(store.find_session(&token_hash()).await.unwrap(), None);
}

/// A session and its user read back together by the token hash, revoked
/// or not (the caller decides); an unknown hash is `None`.
pub async fn signed_in_reads_the_session_with_its_user<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let s = session(alice.id, at(1));
    store.create_session(&s).await.unwrap();
    assert_eq!(
        store.find_signed_in(&s.token_hash).await.unwrap(),
        Some((s.clone(), alice.clone()))
    );
    store.revoke_session(s.id, at(2)).await.unwrap();
    let (revoked, user) = store.find_signed_in(&s.token_hash).await.unwrap().unwrap();
    assert_eq!((revoked.revoked_at, user.id), (Some(at(2)), alice.id));
    assert_eq!(store.find_signed_in(&token_hash()).await.unwrap(), None);
}

/// A session of a user who does not exist is `NotFound`.
pub async fn session_of_unknown_user_is_not_found<S: Store>(store: &S) {
    let s = session(UserId::from_uuid(new_id()), at(1));
    assert!(matches!(
        store.create_session(&s).await,
        Err(RepoError::NotFound)
    ));
}

/// Revoking sets `revoked_at`; revoking again keeps the first time.
pub async fn revoke_keeps_the_first_time<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let s = session(alice.id, at(1));
    store.create_session(&s).await.unwrap();
    store.revoke_session(s.id, at(2)).await.unwrap();
    store.revoke_session(s.id, at(3)).await.unwrap();
    let stored = store.find_session(&s.token_hash).await.unwrap().unwrap();
    assert_eq!(stored.revoked_at, Some(at(2)));
    assert!(!stored.is_live_at(at(2)));
}

/// Revoking an unknown session is `NotFound`.
pub async fn revoke_unknown_session_is_not_found<S: Store>(store: &S) {
    let missing = SessionId::from_uuid(new_id());
    assert!(matches!(
        store.revoke_session(missing, at(1)).await,
        Err(RepoError::NotFound)
    ));
}

/// Revoking a user's sessions touches their live sessions only, and counts them.
pub async fn revoke_user_sessions_counts_live_ones<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let live = [session(alice.id, at(100)), session(alice.id, at(200))];
    let revoked = session(alice.id, at(100));
    let expired = session(alice.id, at(0) - SESSION_LIFETIME);
    let bobs = session(bob.id, at(100));
    for s in live.iter().chain([&revoked, &expired, &bobs]) {
        store.create_session(s).await.unwrap();
    }
    store.revoke_session(revoked.id, at(150)).await.unwrap();

    assert_eq!(
        store.revoke_user_sessions(alice.id, at(300)).await.unwrap(),
        2
    );
    for s in &live {
        let stored = store.find_session(&s.token_hash).await.unwrap().unwrap();
        assert_eq!(stored.revoked_at, Some(at(300)));
    }
    let stored = store
        .find_session(&revoked.token_hash)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.revoked_at, Some(at(150)));
    let stored = store.find_session(&bobs.token_hash).await.unwrap().unwrap();
    assert_eq!(stored.revoked_at, None);
    assert_eq!(
        store.revoke_user_sessions(alice.id, at(400)).await.unwrap(),
        0
    );
}

/// Purging deletes sessions that expired or were revoked before the cut-off.
pub async fn purge_removes_expired_and_revoked_sessions<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let cutoff = at(1000);
    let expired = session(alice.id, cutoff - SESSION_LIFETIME - Duration::seconds(1));
    let revoked_early = session(alice.id, at(0));
    let revoked_late = session(alice.id, at(0));
    let live = session(alice.id, cutoff);
    for s in [&expired, &revoked_early, &revoked_late, &live] {
        store.create_session(s).await.unwrap();
    }
    store
        .revoke_session(revoked_early.id, at(10))
        .await
        .unwrap();
    store
        .revoke_session(revoked_late.id, cutoff + Duration::seconds(1))
        .await
        .unwrap();

    assert_eq!(store.purge_sessions(cutoff).await.unwrap(), 2);
    assert_eq!(store.find_session(&expired.token_hash).await.unwrap(), None);
    assert_eq!(
        store.find_session(&revoked_early.token_hash).await.unwrap(),
        None
    );
    assert!(
        store
            .find_session(&revoked_late.token_hash)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .find_session(&live.token_hash)
            .await
            .unwrap()
            .is_some()
    );
}

fn link(user: UserId, created: i64, lifetime: Duration) -> SignInLink {
    SignInLink {
        token_hash: token_hash(),
        user_id: user,
        created_at: at(created),
        expires_at: at(created) + lifetime,
    }
}

/// A sign-in link signs its user in once.
pub async fn sign_in_link_works_once<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let l = link(alice.id, 0, Duration::minutes(15));
    store.create_sign_in_link(&l).await.unwrap();
    assert_eq!(
        store
            .consume_sign_in_link(&l.token_hash, at(60))
            .await
            .unwrap(),
        Some(alice.id)
    );
    assert_eq!(
        store
            .consume_sign_in_link(&l.token_hash, at(61))
            .await
            .unwrap(),
        None
    );
}

/// An expired or unknown link signs nobody in.
pub async fn expired_or_unknown_sign_in_link_is_none<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let l = link(alice.id, 0, Duration::minutes(15));
    store.create_sign_in_link(&l).await.unwrap();
    assert_eq!(
        store
            .consume_sign_in_link(&l.token_hash, l.expires_at)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .consume_sign_in_link(&token_hash(), at(0))
            .await
            .unwrap(),
        None
    );
}

/// Several concurrent uses of one link: exactly one signs in.
pub async fn concurrent_sign_in_link_use_succeeds_once<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    for round in 0..5 {
        let l = link(alice.id, round, Duration::minutes(15));
        store.create_sign_in_link(&l).await.unwrap();
        let (a, b, c) = tokio::join!(
            store.consume_sign_in_link(&l.token_hash, at(round + 1)),
            store.consume_sign_in_link(&l.token_hash, at(round + 1)),
            store.consume_sign_in_link(&l.token_hash, at(round + 1)),
        );
        let users: Vec<_> = [a, b, c].into_iter().filter_map(Result::unwrap).collect();
        assert_eq!(users, vec![alice.id], "round {round}");
    }
}

/// A link for a user who does not exist is `NotFound`.
pub async fn sign_in_link_of_unknown_user_is_not_found<S: Store>(store: &S) {
    let l = link(UserId::from_uuid(new_id()), 0, Duration::minutes(15));
    assert!(matches!(
        store.create_sign_in_link(&l).await,
        Err(RepoError::NotFound)
    ));
}
