//! [`StoryRepo`](mosaic_ports::StoryRepo) contract.

use std::collections::HashSet;

use mosaic_domain::{
    LegacyAccess, LegacyId, PageRequest, PersonName, ReadScope, RevisionId, Role, Story, StoryId,
    User, UserId, Visibility,
};
use mosaic_ports::RepoError;

use crate::Store;
use crate::data::{all_pages, at, draft, given_legacy, given_member, given_user, new_id, story};

fn newest_first(stories: &mut [Story]) {
    stories.sort_by_key(|s| std::cmp::Reverse((s.created_at, s.id)));
}

async fn every_listed<S: Store>(store: &S, legacy: LegacyId, scope: ReadScope) -> Vec<Story> {
    all_pages(3, async |page| {
        store
            .list_stories(legacy, scope, page)
            .await
            .unwrap()
            .map(|view| view.story)
    })
    .await
    .concat()
}

/// Every field, timestamps to the microsecond, reads back equal.
pub async fn created_story_reads_back_equal<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut memory = story(grandma.id, alice.id, "garden", Visibility::Personal, at(2));
    memory.content = mosaic_domain::StoryContent::new(
        "# Summer\n\nShe grew *tomatoes* — and roses 🌹.\n\n\tIndented line.",
    )
    .unwrap();
    memory.updated_at = at(3);
    store.create_story(&memory).await.unwrap();
    assert_eq!(store.get_story(memory.id).await.unwrap().story, memory);
}

/// Read by id or listed, a story carries its author's display name, and the
/// name follows a rename of the author.
pub async fn story_carries_its_authors_current_name<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let by_alice = story(grandma.id, alice.id, "garden", Visibility::Public, at(2));
    let by_bob = story(grandma.id, bob.id, "kitchen", Visibility::Public, at(3));
    store.create_story(&by_alice).await.unwrap();
    store.create_story(&by_bob).await.unwrap();
    let names_listed = async || {
        store
            .list_stories(grandma.id, ReadScope::public_only(), PageRequest::first())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|view| (view.story.id, view.author_name.as_str().to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names_listed().await,
        [
            (by_bob.id, "Bob".to_owned()),
            (by_alice.id, "Alice".to_owned())
        ]
    );
    let read = store.get_story(by_alice.id).await.unwrap();
    assert_eq!(read.story, by_alice);
    assert_eq!(read.author_name.as_str(), "Alice");

    let renamed = User {
        name: PersonName::new("Alice Smith").unwrap(),
        ..alice
    };
    store.update_user(&renamed).await.unwrap();
    assert_eq!(
        store
            .get_story(by_alice.id)
            .await
            .unwrap()
            .author_name
            .as_str(),
        "Alice Smith"
    );
    assert_eq!(
        names_listed().await,
        [
            (by_bob.id, "Bob".to_owned()),
            (by_alice.id, "Alice Smith".to_owned())
        ]
    );
}

/// A story of a legacy or by an author that does not exist is `NotFound`.
pub async fn story_of_unknown_legacy_or_author_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let no_legacy = story(
        LegacyId::from_uuid(new_id()),
        alice.id,
        "x",
        Visibility::Public,
        at(2),
    );
    assert!(matches!(
        store.create_story(&no_legacy).await,
        Err(RepoError::NotFound)
    ));
    let no_author = story(
        grandma.id,
        UserId::from_uuid(new_id()),
        "x",
        Visibility::Public,
        at(2),
    );
    assert!(matches!(
        store.create_story(&no_author).await,
        Err(RepoError::NotFound)
    ));
}

/// Reusing a story id is `Conflict`.
pub async fn duplicate_story_id_is_conflict<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let first = story(grandma.id, alice.id, "first", Visibility::Public, at(2));
    store.create_story(&first).await.unwrap();
    let mut second = story(grandma.id, alice.id, "second", Visibility::Public, at(3));
    second.id = first.id;
    assert!(matches!(
        store.create_story(&second).await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(store.get_story(first.id).await.unwrap().story, first);
}

/// `get_story` of an unknown id is `NotFound`.
pub async fn unknown_story_is_not_found<S: Store>(store: &S) {
    let missing = StoryId::from_uuid(new_id());
    assert!(matches!(
        store.get_story(missing).await,
        Err(RepoError::NotFound)
    ));
}

/// Pages of 3 over 11 stories where several share the exact same
/// `created_at` list every story exactly once, newest first by
/// `(created_at, id)`; page boundaries fall inside groups of ties.
pub async fn pages_cover_every_story_once_with_timestamp_ties<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let other = given_legacy(store, "John Doe", &alice, at(1)).await;
    let mut expected = Vec::new();
    // Timestamps: five stories at t=10, four at t=20, two at t=30.
    for (i, seconds) in [10, 20, 10, 30, 10, 20, 10, 20, 30, 10, 20]
        .into_iter()
        .enumerate()
    {
        let s = story(
            grandma.id,
            alice.id,
            &format!("s{i}"),
            Visibility::Public,
            at(seconds),
        );
        store.create_story(&s).await.unwrap();
        expected.push(s);
    }
    store
        .create_story(&story(
            other.id,
            alice.id,
            "other",
            Visibility::Public,
            at(15),
        ))
        .await
        .unwrap();
    newest_first(&mut expected);
    let pages = all_pages(3, async |page| {
        store
            .list_stories(grandma.id, ReadScope::public_only(), page)
            .await
            .unwrap()
            .map(|view| view.story)
    })
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3, 2]);
    assert_eq!(pages.concat(), expected);
    // An exact multiple of the page size ends without an empty extra page.
    let page = store
        .list_stories(
            grandma.id,
            ReadScope::public_only(),
            PageRequest::new(None, Some(11)).unwrap(),
        )
        .await
        .unwrap()
        .map(|view| view.story);
    assert_eq!(page.items.len(), 11);
    assert_eq!(page.next, None);
}

/// For every kind of reader — anonymous, signed in but not a member,
/// pending, member, editor, the author, the creator — the list holds exactly
/// the stories the domain's visibility rule lets them read.
pub async fn list_visibility_for_every_role<S: Store>(store: &S) {
    let creator = given_user(store, "Creator").await;
    let author = given_user(store, "Author").await;
    let editor = given_user(store, "Editor").await;
    let member = given_user(store, "Member").await;
    let pending = given_user(store, "Pending").await;
    let outsider = given_user(store, "Outsider").await;
    let grandma = given_legacy(store, "Jane Doe", &creator, at(1)).await;
    given_member(store, grandma.id, author.id, Role::Editor).await;
    given_member(store, grandma.id, editor.id, Role::Editor).await;
    given_member(store, grandma.id, member.id, Role::Member).await;
    given_member(store, grandma.id, pending.id, Role::Pending).await;

    let mut stories = Vec::new();
    let mut second = 0;
    for writer in [&author, &editor, &creator] {
        for visibility in [
            Visibility::Public,
            Visibility::Private,
            Visibility::Personal,
        ] {
            second += 1;
            let s = story(
                grandma.id,
                writer.id,
                &format!("{second}"),
                visibility,
                at(second),
            );
            store.create_story(&s).await.unwrap();
            stories.push(s);
        }
    }
    newest_first(&mut stories);

    let mut readers = vec![("anonymous", LegacyAccess::anonymous(grandma.id))];
    for (name, user, role) in [
        ("outsider", &outsider, None),
        ("pending", &pending, Some(Role::Pending)),
        ("member", &member, Some(Role::Member)),
        ("editor", &editor, Some(Role::Editor)),
        ("author", &author, Some(Role::Editor)),
        ("creator", &creator, Some(Role::Creator)),
    ] {
        let stored = store.get_membership(grandma.id, user.id).await.unwrap();
        assert_eq!(stored.map(|m| m.role), role, "{name}'s role");
        readers.push((name, LegacyAccess::user(grandma.id, user.id, role)));
    }
    for (name, access) in readers {
        let expected: Vec<Story> = stories
            .iter()
            .filter(|s| access.can_read(s.visibility, s.author_id))
            .cloned()
            .collect();
        let listed = every_listed(store, grandma.id, access.read_scope()).await;
        assert_eq!(listed, expected, "stories listed for the {name}");
    }
}

/// Hidden stories between readable ones do not shorten a page: the scope is
/// part of the query, not a filter after it.
pub async fn pages_are_full_when_hidden_stories_exist<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut public = Vec::new();
    for i in 0..12 {
        let visibility = if i % 3 == 0 {
            Visibility::Public
        } else {
            Visibility::Private
        };
        let s = story(grandma.id, alice.id, &format!("{i}"), visibility, at(i));
        store.create_story(&s).await.unwrap();
        if visibility == Visibility::Public {
            public.push(s);
        }
    }
    newest_first(&mut public);
    let first = store
        .list_stories(
            grandma.id,
            ReadScope::public_only(),
            PageRequest::new(None, Some(3)).unwrap(),
        )
        .await
        .unwrap()
        .map(|view| view.story);
    assert_eq!(first.items, public[..3]);
    assert!(first.next.is_some());
    let pages = all_pages(3, async |page| {
        store
            .list_stories(grandma.id, ReadScope::public_only(), page)
            .await
            .unwrap()
            .map(|view| view.story)
    })
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1]);
}

/// A deleted story is not listed but still read by id with `deleted_at`;
/// restoring lists it again.
pub async fn deleted_stories_are_not_listed_and_can_be_restored<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let kept = story(grandma.id, alice.id, "kept", Visibility::Public, at(2));
    let gone = story(grandma.id, alice.id, "gone", Visibility::Public, at(3));
    store.create_story(&kept).await.unwrap();
    store.create_story(&gone).await.unwrap();
    let access = LegacyAccess::user(grandma.id, alice.id, Some(Role::Creator));

    let deleted = store.set_story_deleted(gone.id, Some(at(4))).await.unwrap();
    assert_eq!(deleted.deleted_at, Some(at(4)));
    assert_eq!(store.get_story(gone.id).await.unwrap().story, deleted);
    let listed = every_listed(store, grandma.id, access.read_scope()).await;
    assert_eq!(listed, vec![kept.clone()]);

    let restored = store.set_story_deleted(gone.id, None).await.unwrap();
    assert_eq!(restored.deleted_at, None);
    assert_eq!(restored, gone);
    let listed = every_listed(store, grandma.id, access.read_scope()).await;
    assert_eq!(listed, vec![gone, kept]);

    let missing = StoryId::from_uuid(new_id());
    assert!(matches!(
        store.set_story_deleted(missing, Some(at(5))).await,
        Err(RepoError::NotFound)
    ));
}

/// Each update stores the replaced version as a revision; revisions list
/// newest first and each reads back by id.
pub async fn updates_keep_revisions_newest_first<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let original = story(grandma.id, alice.id, "v0", Visibility::Private, at(2));
    store.create_story(&original).await.unwrap();
    let mut versions = vec![original.draft()];
    let mut revision_ids = Vec::new();
    for i in 1..=3 {
        let next = draft(&format!("v{i}"), Visibility::Public);
        let revision = RevisionId::from_uuid(new_id());
        let updated = store
            .update_story(original.id, &next, revision, at(10 * i))
            .await
            .unwrap();
        assert_eq!(updated.draft(), next);
        assert_eq!(updated.updated_at, at(10 * i));
        assert_eq!(updated.created_at, original.created_at);
        assert_eq!(store.get_story(original.id).await.unwrap().story, updated);
        versions.push(next);
        revision_ids.push(revision);
    }
    let revisions = store.list_revisions(original.id).await.unwrap();
    assert_eq!(revisions.len(), 3);
    for (k, revision) in revisions.iter().enumerate() {
        // Newest first: the revision made by update 3 holds version 2.
        let made_by = 3 - k;
        assert_eq!(revision.id, revision_ids[made_by - 1]);
        assert_eq!(revision.story_id, original.id);
        assert_eq!(revision.draft, versions[made_by - 1]);
        assert_eq!(revision.replaced_at, at(10 * made_by as i64));
        assert_eq!(
            &store.get_revision(original.id, revision.id).await.unwrap(),
            revision
        );
    }
}

/// Updating a deleted or unknown story is `NotFound` and leaves no revision.
pub async fn update_of_deleted_or_unknown_story_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let gone = story(grandma.id, alice.id, "gone", Visibility::Public, at(2));
    store.create_story(&gone).await.unwrap();
    store.set_story_deleted(gone.id, Some(at(3))).await.unwrap();
    let next = draft("edit", Visibility::Public);
    for id in [gone.id, StoryId::from_uuid(new_id())] {
        assert!(matches!(
            store
                .update_story(id, &next, RevisionId::from_uuid(new_id()), at(4))
                .await,
            Err(RepoError::NotFound)
        ));
    }
    assert!(store.list_revisions(gone.id).await.unwrap().is_empty());
    assert_eq!(
        store.get_story(gone.id).await.unwrap().story.draft(),
        gone.draft()
    );
}

/// A revision asked for under another story, or an unknown one, is `NotFound`.
pub async fn revision_of_another_story_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let first = story(grandma.id, alice.id, "first", Visibility::Public, at(2));
    let second = story(grandma.id, alice.id, "second", Visibility::Public, at(3));
    store.create_story(&first).await.unwrap();
    store.create_story(&second).await.unwrap();
    let revision = RevisionId::from_uuid(new_id());
    store
        .update_story(
            first.id,
            &draft("edit", Visibility::Public),
            revision,
            at(4),
        )
        .await
        .unwrap();
    assert!(store.get_revision(first.id, revision).await.is_ok());
    assert!(matches!(
        store.get_revision(second.id, revision).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store
            .get_revision(first.id, RevisionId::from_uuid(new_id()))
            .await,
        Err(RepoError::NotFound)
    ));
}

/// Bringing back an earlier version is an update with that version's draft:
/// the story shows it again and the version it replaced becomes a revision.
pub async fn restoring_a_revision_keeps_the_replaced_version<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let original = story(grandma.id, alice.id, "original", Visibility::Private, at(2));
    store.create_story(&original).await.unwrap();
    let first_revision = RevisionId::from_uuid(new_id());
    let edit = draft("regrettable edit", Visibility::Public);
    store
        .update_story(original.id, &edit, first_revision, at(3))
        .await
        .unwrap();
    let old = store
        .get_revision(original.id, first_revision)
        .await
        .unwrap();
    assert_eq!(old.draft, original.draft());

    let restore_revision = RevisionId::from_uuid(new_id());
    let restored = store
        .update_story(original.id, &old.draft, restore_revision, at(4))
        .await
        .unwrap();
    assert_eq!(restored.draft(), original.draft());
    let revisions = store.list_revisions(original.id).await.unwrap();
    let drafts: Vec<_> = revisions.iter().map(|r| r.draft.clone()).collect();
    assert_eq!(drafts, vec![edit, original.draft()]);
}

/// Two concurrent edits of one story: both succeed, and each leaves the
/// version it replaced as a revision, so no text is lost.
pub async fn concurrent_updates_both_leave_a_revision<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    for round in 0..5 {
        let original = story(
            grandma.id,
            alice.id,
            &format!("original {round}"),
            Visibility::Private,
            at(2),
        );
        store.create_story(&original).await.unwrap();
        let left = draft(&format!("left {round}"), Visibility::Private);
        let right = draft(&format!("right {round}"), Visibility::Public);
        let (a, b) = tokio::join!(
            store.update_story(original.id, &left, RevisionId::from_uuid(new_id()), at(3)),
            store.update_story(original.id, &right, RevisionId::from_uuid(new_id()), at(3)),
        );
        a.unwrap();
        b.unwrap();
        let revisions = store.list_revisions(original.id).await.unwrap();
        assert_eq!(revisions.len(), 2, "round {round}");
        let current = store.get_story(original.id).await.unwrap().story.draft();
        let kept: HashSet<_> = revisions
            .iter()
            .map(|r| r.draft.content.as_str().to_owned())
            .chain([current.content.as_str().to_owned()])
            .collect();
        let written: HashSet<_> = [&original.draft(), &left, &right]
            .iter()
            .map(|d| d.content.as_str().to_owned())
            .collect();
        // Every version exists exactly once: nothing lost, nothing doubled.
        assert_eq!(kept, written, "round {round}");
        // The newest revision holds what the later edit replaced: the
        // earlier edit's text.
        assert_ne!(revisions[0].draft, original.draft());
        assert_eq!(revisions[1].draft, original.draft());
    }
}

/// Purging removes the stories deleted before the cut-off, with their
/// revisions, and nothing else.
pub async fn purge_removes_only_stories_deleted_before<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let old = story(grandma.id, alice.id, "old", Visibility::Public, at(2));
    let recent = story(grandma.id, alice.id, "recent", Visibility::Public, at(2));
    let live = story(grandma.id, alice.id, "live", Visibility::Public, at(2));
    for s in [&old, &recent, &live] {
        store.create_story(s).await.unwrap();
    }
    store
        .update_story(
            old.id,
            &draft("old edit", Visibility::Public),
            RevisionId::from_uuid(new_id()),
            at(3),
        )
        .await
        .unwrap();
    store.set_story_deleted(old.id, Some(at(10))).await.unwrap();
    store
        .set_story_deleted(recent.id, Some(at(30)))
        .await
        .unwrap();

    assert_eq!(store.purge_deleted_stories(at(20)).await.unwrap(), 1);
    assert!(matches!(
        store.get_story(old.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(store.list_revisions(old.id).await.unwrap().is_empty());
    assert!(store.get_story(recent.id).await.is_ok());
    assert_eq!(store.get_story(live.id).await.unwrap().story, live);
    assert_eq!(store.purge_deleted_stories(at(20)).await.unwrap(), 0);
}
