//! [`MembershipRepo`](mosaic_ports::MembershipRepo) contract.

use mosaic_domain::{CreatorTransfer, LegacyId, PersonName, Role, UserId};
use mosaic_ports::{MemberEntry, RepoError};

use crate::Store;
use crate::data::{at, creator_of, given_legacy, given_member, given_user, membership, new_id};

/// A membership reads back equal.
pub async fn membership_reads_back<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let bobs = membership(grandma.id, bob.id, Role::Pending);
    store.add_membership(&bobs).await.unwrap();
    assert_eq!(
        store.get_membership(grandma.id, bob.id).await.unwrap(),
        Some(bobs)
    );
}

/// No membership is `Ok(None)`, also for an unknown legacy.
pub async fn missing_membership_is_none<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    assert_eq!(
        store.get_membership(grandma.id, bob.id).await.unwrap(),
        None
    );
    let missing = LegacyId::from_uuid(new_id());
    assert_eq!(store.get_membership(missing, alice.id).await.unwrap(), None);
}

/// A user with a membership of any role cannot get a second one.
pub async fn second_membership_is_already_member<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Pending).await;
    for role in [Role::Pending, Role::Member, Role::Editor] {
        assert!(matches!(
            store
                .add_membership(&membership(grandma.id, bob.id, role))
                .await,
            Err(RepoError::AlreadyMember)
        ));
    }
    // The creator too.
    assert!(matches!(
        store
            .add_membership(&membership(grandma.id, alice.id, Role::Member))
            .await,
        Err(RepoError::AlreadyMember)
    ));
    assert_eq!(
        store
            .get_membership(grandma.id, bob.id)
            .await
            .unwrap()
            .map(|m| m.role),
        Some(Role::Pending)
    );
}

/// Joining a legacy that does not exist, or as a user who does not, is `NotFound`.
pub async fn membership_of_unknown_legacy_or_user_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let no_legacy = membership(LegacyId::from_uuid(new_id()), alice.id, Role::Pending);
    assert!(matches!(
        store.add_membership(&no_legacy).await,
        Err(RepoError::NotFound)
    ));
    let no_user = membership(grandma.id, UserId::from_uuid(new_id()), Role::Pending);
    assert!(matches!(
        store.add_membership(&no_user).await,
        Err(RepoError::NotFound)
    ));
}

/// Two concurrent joins of the same user: exactly one succeeds, the other
/// is `AlreadyMember`.
pub async fn concurrent_joins_exactly_one_wins<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    for round in 0..5 {
        let bob = given_user(store, &format!("Bob {round}")).await;
        let grandma = given_legacy(store, "Jane Doe", &alice, at(round)).await;
        let first = membership(grandma.id, bob.id, Role::Pending);
        let second = membership(grandma.id, bob.id, Role::Member);
        let (a, b) = tokio::join!(store.add_membership(&first), store.add_membership(&second));
        let outcomes = [a, b];
        let ok = outcomes.iter().filter(|r| r.is_ok()).count();
        let already = outcomes
            .iter()
            .filter(|r| matches!(r, Err(RepoError::AlreadyMember)))
            .count();
        assert_eq!((ok, already), (1, 1), "round {round}: {outcomes:?}");
        assert!(
            store
                .get_membership(grandma.id, bob.id)
                .await
                .unwrap()
                .is_some()
        );
    }
}

/// `set_role` changes the role of an existing membership.
pub async fn set_role_changes_role<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Pending).await;
    for role in [Role::Member, Role::Editor, Role::Member] {
        store.set_role(grandma.id, bob.id, role).await.unwrap();
        assert_eq!(
            store
                .get_membership(grandma.id, bob.id)
                .await
                .unwrap()
                .map(|m| m.role),
            Some(role)
        );
    }
}

/// `set_role` without a membership is `NotFound`.
pub async fn set_role_of_unknown_membership_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    assert!(matches!(
        store.set_role(grandma.id, bob.id, Role::Editor).await,
        Err(RepoError::NotFound)
    ));
}

/// The creator role moves only by a transfer: `set_role` and
/// `remove_membership` refuse to touch the creator or make one, and change
/// nothing.
pub async fn creator_is_never_demoted_or_removed_directly<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Editor).await;
    assert!(matches!(
        store.set_role(grandma.id, alice.id, Role::Member).await,
        Err(RepoError::Conflict(_))
    ));
    assert!(matches!(
        store.set_role(grandma.id, bob.id, Role::Creator).await,
        Err(RepoError::Conflict(_))
    ));
    assert!(matches!(
        store.remove_membership(grandma.id, alice.id).await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(
        store.get_membership(grandma.id, alice.id).await.unwrap(),
        Some(creator_of(&grandma))
    );
    assert_eq!(
        store
            .get_membership(grandma.id, bob.id)
            .await
            .unwrap()
            .map(|m| m.role),
        Some(Role::Editor)
    );
}

/// A legacy has exactly one creator: adding another is refused.
pub async fn second_creator_is_refused<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let result = store
        .add_membership(&membership(grandma.id, bob.id, Role::Creator))
        .await;
    assert!(matches!(result, Err(RepoError::Conflict(_))), "{result:?}");
    assert_eq!(
        store.get_membership(grandma.id, bob.id).await.unwrap(),
        None
    );
}

/// Removing a membership deletes it.
pub async fn remove_membership_deletes_it<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Member).await;
    store.remove_membership(grandma.id, bob.id).await.unwrap();
    assert_eq!(
        store.get_membership(grandma.id, bob.id).await.unwrap(),
        None
    );
}

/// Removing a membership that does not exist is `NotFound`.
pub async fn remove_unknown_membership_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    assert!(matches!(
        store.remove_membership(grandma.id, bob.id).await,
        Err(RepoError::NotFound)
    ));
}

fn transfer(legacy: LegacyId, from: UserId, to: UserId) -> CreatorTransfer {
    CreatorTransfer {
        legacy_id: legacy,
        from,
        to,
        former_creator_role: Role::Editor,
    }
}

async fn role_of<S: Store>(store: &S, legacy: LegacyId, user: UserId) -> Option<Role> {
    store
        .get_membership(legacy, user)
        .await
        .unwrap()
        .map(|m| m.role)
}

/// A transfer makes `to` the creator, `from` an editor, and `to` the
/// legacy's `created_by`.
pub async fn transfer_creator_moves_role_and_created_by<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Member).await;
    store
        .transfer_creator(&transfer(grandma.id, alice.id, bob.id))
        .await
        .unwrap();
    assert_eq!(
        role_of(store, grandma.id, bob.id).await,
        Some(Role::Creator)
    );
    assert_eq!(
        role_of(store, grandma.id, alice.id).await,
        Some(Role::Editor)
    );
    assert_eq!(
        store.get_legacy(grandma.id).await.unwrap().created_by,
        bob.id
    );
    // And back again: the new creator can hand it on.
    store
        .transfer_creator(&transfer(grandma.id, bob.id, alice.id))
        .await
        .unwrap();
    assert_eq!(
        role_of(store, grandma.id, alice.id).await,
        Some(Role::Creator)
    );
    assert_eq!(role_of(store, grandma.id, bob.id).await, Some(Role::Editor));
}

/// A transfer to someone pending or not a member at all is `NotFound` and
/// leaves the creator in place (the demotion is rolled back).
pub async fn transfer_to_non_member_changes_nothing<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let pending = given_user(store, "Pending").await;
    let stranger = given_user(store, "Stranger").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, pending.id, Role::Pending).await;
    for to in [pending.id, stranger.id, UserId::from_uuid(new_id())] {
        assert!(matches!(
            store
                .transfer_creator(&transfer(grandma.id, alice.id, to))
                .await,
            Err(RepoError::NotFound)
        ));
        assert_eq!(
            role_of(store, grandma.id, alice.id).await,
            Some(Role::Creator)
        );
        assert_eq!(
            store.get_legacy(grandma.id).await.unwrap().created_by,
            alice.id
        );
    }
    assert_eq!(
        role_of(store, grandma.id, pending.id).await,
        Some(Role::Pending)
    );
    assert_eq!(role_of(store, grandma.id, stranger.id).await, None);
}

/// A transfer from someone who is not the creator is `NotFound` and changes
/// nothing.
pub async fn transfer_from_non_creator_changes_nothing<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let carol = given_user(store, "Carol").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Editor).await;
    given_member(store, grandma.id, carol.id, Role::Member).await;
    assert!(matches!(
        store
            .transfer_creator(&transfer(grandma.id, bob.id, carol.id))
            .await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        role_of(store, grandma.id, alice.id).await,
        Some(Role::Creator)
    );
    assert_eq!(role_of(store, grandma.id, bob.id).await, Some(Role::Editor));
    assert_eq!(
        role_of(store, grandma.id, carol.id).await,
        Some(Role::Member)
    );
    let missing = LegacyId::from_uuid(new_id());
    assert!(matches!(
        store
            .transfer_creator(&transfer(missing, alice.id, bob.id))
            .await,
        Err(RepoError::NotFound)
    ));
}

/// Members come creator first, then editors, members, pending (when asked
/// for), each by join time; with the member's name.
pub async fn members_list_creator_first_and_pending_on_request<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut joined = Vec::new();
    for (i, role) in [
        Role::Member,
        Role::Pending,
        Role::Editor,
        Role::Member,
        Role::Pending,
    ]
    .into_iter()
    .enumerate()
    {
        let user = given_user(store, &format!("Member {i}")).await;
        let mut m = membership(grandma.id, user.id, role);
        // Later rows joined earlier, so join time, not insertion, must order.
        m.joined_at = at(100 - i as i64);
        store.add_membership(&m).await.unwrap();
        joined.push(MemberEntry {
            membership: m,
            name: user.name,
        });
    }
    let rank = |role: Role| match role {
        Role::Creator => 0,
        Role::Editor => 1,
        Role::Member => 2,
        Role::Pending => 3,
    };
    let mut expected = joined.clone();
    expected.push(MemberEntry {
        membership: creator_of(&grandma),
        name: PersonName::new("Alice").unwrap(),
    });
    expected.sort_by_key(|e| (rank(e.membership.role), e.membership.joined_at));

    let all = store.list_members(grandma.id, true).await.unwrap();
    assert_eq!(all, expected);
    let active = store.list_members(grandma.id, false).await.unwrap();
    let expected_active: Vec<_> = expected
        .into_iter()
        .filter(|e| e.membership.role != Role::Pending)
        .collect();
    assert_eq!(active, expected_active);
}

/// The roles of one user in a batch of legacies: every role (pending too) of
/// that user only, no entry for legacies without a membership or unknown
/// ones, and an empty batch is an empty answer.
pub async fn roles_of_user_in_a_batch_of_legacies<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let carol = given_user(store, "Carol").await;
    let by_alice = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let member = given_legacy(store, "John Doe", &carol, at(2)).await;
    let editor = given_legacy(store, "June Doe", &carol, at(3)).await;
    let pending = given_legacy(store, "Jack Doe", &carol, at(4)).await;
    let stranger = given_legacy(store, "Joan Doe", &carol, at(5)).await;
    let by_bob = given_legacy(store, "Jim Doe", &bob, at(6)).await;
    given_member(store, member.id, alice.id, Role::Member).await;
    given_member(store, editor.id, alice.id, Role::Editor).await;
    given_member(store, pending.id, alice.id, Role::Pending).await;
    // Bob's roles in the same legacies do not leak into Alice's answer.
    given_member(store, stranger.id, bob.id, Role::Editor).await;

    let unknown = LegacyId::from_uuid(new_id());
    let batch = [
        by_alice.id,
        member.id,
        editor.id,
        pending.id,
        stranger.id,
        by_bob.id,
        unknown,
    ];
    let roles = store.roles_of_user_in(alice.id, &batch).await.unwrap();
    let expected: std::collections::HashMap<LegacyId, Role> = [
        (by_alice.id, Role::Creator),
        (member.id, Role::Member),
        (editor.id, Role::Editor),
        (pending.id, Role::Pending),
    ]
    .into_iter()
    .collect();
    assert_eq!(roles, expected);

    // Only the legacies asked about.
    let roles = store
        .roles_of_user_in(alice.id, &[editor.id, stranger.id])
        .await
        .unwrap();
    assert_eq!(
        roles.into_iter().collect::<Vec<_>>(),
        [(editor.id, Role::Editor)]
    );

    assert!(
        store
            .roles_of_user_in(alice.id, &[])
            .await
            .unwrap()
            .is_empty()
    );
    let nobody = UserId::from_uuid(new_id());
    assert!(
        store
            .roles_of_user_in(nobody, &batch)
            .await
            .unwrap()
            .is_empty()
    );
}
