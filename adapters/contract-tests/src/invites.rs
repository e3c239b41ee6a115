//! [`InviteRepo`](mosaic_ports::InviteRepo) contract.

use mosaic_domain::{
    Invite, InviteGrant, InviteId, InviteState, InviteTerms, LegacyId, Role, User, UserId,
};
use mosaic_ports::{InviteAcceptance, Invitee, RepoError};
use time::{Duration, OffsetDateTime};

use crate::Store;
use crate::data::{at, given_legacy, given_member, given_user, new_id, session, token_hash, user};

fn invite(legacy: LegacyId, maker: UserId, role: Role, uses: u32, now: OffsetDateTime) -> Invite {
    Invite::new(
        InviteId::from_uuid(new_id()),
        legacy,
        maker,
        InviteTerms::new(role, 14, uses).expect("valid terms"),
        token_hash(),
        now,
    )
}

async fn role_of<S: Store>(store: &S, legacy: LegacyId, user: UserId) -> Option<Role> {
    store
        .get_membership(legacy, user)
        .await
        .unwrap()
        .map(|m| m.role)
}

fn grant_of(outcome: &InviteAcceptance) -> Option<InviteGrant> {
    match outcome {
        InviteAcceptance::Accepted { grant, .. } => Some(*grant),
        InviteAcceptance::Refused(_) => None,
    }
}

/// An invite reads back equal by its hash and in its legacy's list (newest
/// first); an unknown hash is `None`; an unknown legacy or maker is `NotFound`.
pub async fn invite_reads_back_and_lists_newest_first<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(0)).await;
    let first = invite(grandma.id, alice.id, Role::Member, 1, at(1));
    let second = invite(grandma.id, alice.id, Role::Editor, 5, at(2));
    store.create_invite(&first).await.unwrap();
    store.create_invite(&second).await.unwrap();
    assert_eq!(
        store.find_invite(&first.token_hash).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(store.find_invite(&token_hash()).await.unwrap(), None);
    assert_eq!(
        store.list_invites(grandma.id).await.unwrap(),
        vec![second, first]
    );
    let orphan = invite(
        LegacyId::from_uuid(new_id()),
        alice.id,
        Role::Member,
        1,
        at(3),
    );
    assert!(matches!(
        store.create_invite(&orphan).await,
        Err(RepoError::NotFound)
    ));
}

/// Revoking keeps the first time and is only found within the invite's legacy.
pub async fn revoke_keeps_the_first_time_and_needs_the_right_legacy<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(0)).await;
    let other = given_legacy(store, "John Doe", &alice, at(0)).await;
    let inv = invite(grandma.id, alice.id, Role::Member, 1, at(1));
    store.create_invite(&inv).await.unwrap();
    assert!(matches!(
        store.revoke_invite(other.id, inv.id, at(2)).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        store
            .revoke_invite(grandma.id, inv.id, at(2))
            .await
            .unwrap()
            .revoked_at,
        Some(at(2))
    );
    assert_eq!(
        store
            .revoke_invite(grandma.id, inv.id, at(3))
            .await
            .unwrap()
            .revoked_at,
        Some(at(2))
    );
}

/// Accepting lets a newcomer in with the invite's role and counts a use; a
/// pending request is raised; a higher role is kept and nothing is used.
pub async fn accepting_joins_raises_and_never_lowers<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(0)).await;
    let (newcomer, pending, editor) = (
        given_user(store, "Newcomer").await,
        given_user(store, "Pending").await,
        given_user(store, "Editor").await,
    );
    given_member(store, grandma.id, pending.id, Role::Pending).await;
    given_member(store, grandma.id, editor.id, Role::Editor).await;
    let inv = invite(grandma.id, alice.id, Role::Member, 10, at(1));
    store.create_invite(&inv).await.unwrap();
    let accept = async |who: &User| {
        store
            .accept_invite(&inv.token_hash, &Invitee::Existing(who.id), at(2))
            .await
            .unwrap()
    };

    assert_eq!(
        grant_of(&accept(&newcomer).await),
        Some(InviteGrant::Join(Role::Member))
    );
    assert_eq!(
        grant_of(&accept(&pending).await),
        Some(InviteGrant::Raise(Role::Member))
    );
    assert_eq!(
        grant_of(&accept(&editor).await),
        Some(InviteGrant::Keep(Role::Editor))
    );
    assert_eq!(
        grant_of(&accept(&alice).await),
        Some(InviteGrant::Keep(Role::Creator))
    );
    // Accepting again is harmless.
    assert_eq!(
        grant_of(&accept(&newcomer).await),
        Some(InviteGrant::Keep(Role::Member))
    );

    assert_eq!(
        role_of(store, grandma.id, newcomer.id).await,
        Some(Role::Member)
    );
    assert_eq!(
        role_of(store, grandma.id, pending.id).await,
        Some(Role::Member)
    );
    assert_eq!(
        role_of(store, grandma.id, editor.id).await,
        Some(Role::Editor)
    );
    assert_eq!(
        role_of(store, grandma.id, alice.id).await,
        Some(Role::Creator)
    );
    assert_eq!(
        store
            .find_invite(&inv.token_hash)
            .await
            .unwrap()
            .unwrap()
            .uses,
        2
    );
}

/// An expired, used-up or revoked invite is refused with its state and
/// writes nothing; an unknown one is `NotFound`.
pub async fn a_closed_invite_is_refused_and_writes_nothing<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(0)).await;
    let (bob, carol) = (
        given_user(store, "Bob").await,
        given_user(store, "Carol").await,
    );
    let once = invite(grandma.id, alice.id, Role::Member, 1, at(1));
    store.create_invite(&once).await.unwrap();
    store
        .accept_invite(&once.token_hash, &Invitee::Existing(bob.id), at(2))
        .await
        .unwrap();
    assert_eq!(
        store
            .accept_invite(&once.token_hash, &Invitee::Existing(carol.id), at(3))
            .await
            .unwrap(),
        InviteAcceptance::Refused(InviteState::UsedUp)
    );
    let late = invite(grandma.id, alice.id, Role::Member, 5, at(1));
    store.create_invite(&late).await.unwrap();
    assert_eq!(
        store
            .accept_invite(
                &late.token_hash,
                &Invitee::Existing(carol.id),
                at(1) + Duration::days(14)
            )
            .await
            .unwrap(),
        InviteAcceptance::Refused(InviteState::Expired)
    );
    let withdrawn = invite(grandma.id, alice.id, Role::Member, 5, at(1));
    store.create_invite(&withdrawn).await.unwrap();
    store
        .revoke_invite(grandma.id, withdrawn.id, at(2))
        .await
        .unwrap();
    let newcomer = user("Newcomer");
    assert_eq!(
        store
            .accept_invite(
                &withdrawn.token_hash,
                &Invitee::NewAccount {
                    user: newcomer.clone(),
                    session: session(newcomer.id, at(3))
                },
                at(3)
            )
            .await
            .unwrap(),
        InviteAcceptance::Refused(InviteState::Revoked)
    );
    assert!(matches!(
        store.get_user(newcomer.id).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(role_of(store, grandma.id, carol.id).await, None);
    assert!(matches!(
        store
            .accept_invite(&token_hash(), &Invitee::Existing(carol.id), at(3))
            .await,
        Err(RepoError::NotFound)
    ));
}

/// A new account, its session and its membership are made together; an
/// e-mail that belongs to someone is `EmailTaken` and writes nothing.
pub async fn a_new_account_joins_in_one_transaction<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(0)).await;
    let inv = invite(grandma.id, alice.id, Role::Editor, 2, at(1));
    store.create_invite(&inv).await.unwrap();
    let aunt = user("Aunt");
    let aunt_session = session(aunt.id, at(2));
    let outcome = store
        .accept_invite(
            &inv.token_hash,
            &Invitee::NewAccount {
                user: aunt.clone(),
                session: aunt_session.clone(),
            },
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(grant_of(&outcome), Some(InviteGrant::Join(Role::Editor)));
    assert_eq!(store.get_user(aunt.id).await.unwrap(), aunt);
    assert_eq!(
        store.find_session(&aunt_session.token_hash).await.unwrap(),
        Some(aunt_session)
    );
    assert_eq!(
        role_of(store, grandma.id, aunt.id).await,
        Some(Role::Editor)
    );

    let mut impostor = user("Impostor");
    impostor.email = alice.email.clone();
    let impostor_session = session(impostor.id, at(3));
    assert!(matches!(
        store
            .accept_invite(
                &inv.token_hash,
                &Invitee::NewAccount {
                    user: impostor.clone(),
                    session: impostor_session.clone()
                },
                at(3)
            )
            .await,
        Err(RepoError::EmailTaken)
    ));
    assert!(matches!(
        store.get_user(impostor.id).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        store
            .find_session(&impostor_session.token_hash)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .find_invite(&inv.token_hash)
            .await
            .unwrap()
            .unwrap()
            .uses,
        1
    );
}

/// Two people accepting a single-use invite at once: exactly one gets in.
pub async fn concurrent_acceptance_of_a_single_use_invite_lets_one_in<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    for round in 0..5 {
        let grandma = given_legacy(store, "Jane Doe", &alice, at(round)).await;
        let (bob, carol) = (
            given_user(store, &format!("Bob {round}")).await,
            given_user(store, &format!("Carol {round}")).await,
        );
        let inv = invite(grandma.id, alice.id, Role::Member, 1, at(round));
        store.create_invite(&inv).await.unwrap();
        let (as_bob, as_carol) = (Invitee::Existing(bob.id), Invitee::Existing(carol.id));
        let (a, b) = tokio::join!(
            store.accept_invite(&inv.token_hash, &as_bob, at(round + 1)),
            store.accept_invite(&inv.token_hash, &as_carol, at(round + 1)),
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        let accepted = outcomes.iter().filter(|o| grant_of(o).is_some()).count();
        let used_up = outcomes
            .iter()
            .filter(|o| **o == InviteAcceptance::Refused(InviteState::UsedUp))
            .count();
        assert_eq!((accepted, used_up), (1, 1), "round {round}: {outcomes:?}");
        let members = [
            role_of(store, grandma.id, bob.id).await,
            role_of(store, grandma.id, carol.id).await,
        ];
        assert_eq!(
            members.iter().filter(|r| r.is_some()).count(),
            1,
            "round {round}"
        );
        assert_eq!(
            store
                .find_invite(&inv.token_hash)
                .await
                .unwrap()
                .unwrap()
                .uses,
            1
        );
    }
}
