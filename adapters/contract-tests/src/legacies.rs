//! [`LegacyRepo`](mosaic_ports::LegacyRepo) contract.

use mosaic_domain::{
    Biography, Legacy, LegacyDetails, LegacyId, LegacyName, LifeDates, PageRequest, ReadScope,
    Role, SearchQuery, UserId, Visibility,
};
use mosaic_ports::{LegacyWithRole, RepoError};
use time::macros::date;

use crate::Store;
use crate::data::{
    all_pages, at, creator_of, given_legacy, given_member, given_user, legacy, media, new_id, story,
};

/// The legacy reads back equal, and its creator is a member with role creator.
pub async fn legacy_is_created_with_its_creator<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let mut grandma = legacy("Jane Doe", alice.id, at(1));
    grandma.biography = Some(Biography::new("She loved *gardening*.\n\nAnd the sea.").unwrap());
    grandma.dates = LifeDates::new(Some(date!(1899 - 12 - 31)), None).unwrap();
    store
        .create_legacy(&grandma, &creator_of(&grandma))
        .await
        .unwrap();
    assert_eq!(store.get_legacy(grandma.id).await.unwrap(), grandma);
    let membership = store.get_membership(grandma.id, alice.id).await.unwrap();
    assert_eq!(membership, Some(creator_of(&grandma)));
}

/// An unknown creator is `NotFound`, and neither row exists afterwards.
pub async fn legacy_with_unknown_creator_is_not_found_and_writes_nothing<S: Store>(store: &S) {
    let ghost = UserId::from_uuid(new_id());
    let grandma = legacy("Jane Doe", ghost, at(1));
    assert!(matches!(
        store.create_legacy(&grandma, &creator_of(&grandma)).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.get_legacy(grandma.id).await,
        Err(RepoError::NotFound)
    ));
}

/// Reusing a legacy id is `Conflict`; the existing legacy is untouched and
/// the second creator did not become a member.
pub async fn duplicate_legacy_id_is_conflict_and_writes_nothing<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let first = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut second = legacy("John Doe", bob.id, at(2));
    second.id = first.id;
    assert!(matches!(
        store.create_legacy(&second, &creator_of(&second)).await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(store.get_legacy(first.id).await.unwrap(), first);
    assert_eq!(store.get_membership(first.id, bob.id).await.unwrap(), None);
}

/// `get_legacy` of an unknown id is `NotFound`.
pub async fn unknown_legacy_is_not_found<S: Store>(store: &S) {
    let missing = LegacyId::from_uuid(new_id());
    assert!(matches!(
        store.get_legacy(missing).await,
        Err(RepoError::NotFound)
    ));
}

/// Update replaces the details and `updated_at`, returns what is stored;
/// an unknown id is `NotFound`.
pub async fn update_legacy_returns_the_stored_legacy<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let details = LegacyDetails {
        name: LegacyName::new("Jane A. Doe").unwrap(),
        dates: LifeDates::new(Some(date!(1930 - 01 - 01)), Some(date!(2021 - 06 - 07))).unwrap(),
        biography: Some(Biography::new("Teacher.").unwrap()),
    };
    let updated = store
        .update_legacy(grandma.id, &details, at(50))
        .await
        .unwrap();
    assert_eq!(updated.name, details.name);
    assert_eq!(updated.dates, details.dates);
    assert_eq!(updated.biography, details.biography);
    assert_eq!(updated.updated_at, at(50));
    assert_eq!(updated.created_at, grandma.created_at);
    assert_eq!(store.get_legacy(grandma.id).await.unwrap(), updated);
    let missing = LegacyId::from_uuid(new_id());
    assert!(matches!(
        store.update_legacy(missing, &details, at(51)).await,
        Err(RepoError::NotFound)
    ));
}

/// Deleting a legacy removes its memberships, stories, revisions and media
/// records, returns the media storage keys, and leaves other legacies alone.
pub async fn delete_legacy_removes_everything_and_returns_media_keys<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let grandpa = given_legacy(store, "John Doe", &alice, at(2)).await;
    given_member(store, grandma.id, bob.id, Role::Member).await;
    given_member(store, grandpa.id, bob.id, Role::Member).await;
    let doomed = story(grandma.id, alice.id, "doomed", Visibility::Public, at(3));
    let kept = story(grandpa.id, alice.id, "kept", Visibility::Public, at(3));
    store.create_story(&doomed).await.unwrap();
    store.create_story(&kept).await.unwrap();
    let revision = mosaic_domain::RevisionId::from_uuid(new_id());
    store
        .update_story(
            doomed.id,
            &crate::data::draft("edited", Visibility::Public),
            revision,
            at(4),
        )
        .await
        .unwrap();
    let photo = media(Some(grandma.id), alice.id, 100, at(5));
    let video = media(Some(grandma.id), alice.id, 200, at(6));
    let other = media(Some(grandpa.id), alice.id, 300, at(7));
    for m in [&photo, &video, &other] {
        store.create_media(m).await.unwrap();
    }

    let mut keys = store.delete_legacy(grandma.id).await.unwrap();
    keys.sort();
    let mut expected = vec![photo.storage_key.clone(), video.storage_key.clone()];
    expected.sort();
    assert_eq!(keys, expected);

    assert!(matches!(
        store.get_legacy(grandma.id).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(
        store.get_membership(grandma.id, alice.id).await.unwrap(),
        None
    );
    assert_eq!(
        store.get_membership(grandma.id, bob.id).await.unwrap(),
        None
    );
    assert!(matches!(
        store.get_story(doomed.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(store.list_revisions(doomed.id).await.unwrap().is_empty());
    assert!(matches!(
        store.get_media(photo.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.get_media(video.id).await,
        Err(RepoError::NotFound)
    ));

    assert_eq!(store.get_legacy(grandpa.id).await.unwrap(), grandpa);
    assert!(
        store
            .get_membership(grandpa.id, bob.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.get_story(kept.id).await.unwrap().story, kept);
    assert_eq!(store.get_media(other.id).await.unwrap(), other);
    let listed = store
        .list_stories(grandpa.id, ReadScope::public_only(), PageRequest::first())
        .await
        .unwrap()
        .map(|view| view.story);
    assert_eq!(listed.items, vec![kept]);
}

/// Deleting an unknown legacy is `NotFound`.
pub async fn delete_unknown_legacy_is_not_found<S: Store>(store: &S) {
    let missing = LegacyId::from_uuid(new_id());
    assert!(matches!(
        store.delete_legacy(missing).await,
        Err(RepoError::NotFound)
    ));
}

/// A user's legacies come with their role (pending included), newest first
/// across pages; others' legacies are not listed.
pub async fn legacies_of_user_carry_roles_and_page<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let mut expected = Vec::new();
    for (i, role) in [
        Role::Creator,
        Role::Pending,
        Role::Member,
        Role::Editor,
        Role::Creator,
    ]
    .into_iter()
    .enumerate()
    {
        // Two legacies share each timestamp.
        let created_at = at(i as i64 / 2);
        let legacy = if role == Role::Creator {
            given_legacy(store, &format!("Legacy {i}"), &bob, created_at).await
        } else {
            let l = given_legacy(store, &format!("Legacy {i}"), &alice, created_at).await;
            given_member(store, l.id, bob.id, role).await;
            l
        };
        expected.push(LegacyWithRole { legacy, role });
    }
    given_legacy(store, "Not Bob's", &alice, at(0)).await;
    expected.sort_by_key(|l| std::cmp::Reverse((l.legacy.created_at, l.legacy.id)));

    let pages = all_pages(2, async |page| {
        store.list_legacies_of_user(bob.id, page).await.unwrap()
    })
    .await;
    assert_eq!(pages.concat(), expected);
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
}

/// Search matches a part of the name in any letter case, newest first
/// across pages.
pub async fn search_is_case_insensitive_and_pages<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let mut expected = Vec::new();
    for (i, name) in [
        "Margaret Smith",
        "MARGARET JONES",
        "Old Margaret",
        "margaretta",
    ]
    .into_iter()
    .enumerate()
    {
        expected.push(given_legacy(store, name, &alice, at(i as i64 / 2)).await);
    }
    given_legacy(store, "Marge Simpson", &alice, at(9)).await;
    expected.sort_by_key(|l| std::cmp::Reverse((l.created_at, l.id)));

    let query = SearchQuery::new("mArGaReT").unwrap();
    let pages = all_pages(3, async |page| {
        store.search_legacies(&query, page).await.unwrap()
    })
    .await;
    assert_eq!(pages.concat(), expected);
    assert_eq!(pages.len(), 2);

    let none = SearchQuery::new("zzz").unwrap();
    let page = store
        .search_legacies(&none, PageRequest::first())
        .await
        .unwrap();
    assert!(page.items.is_empty() && page.next.is_none());
}

/// A name search reads the story search's query language: every word must
/// appear, `"quoted words"` next to each other in order, `-excluded` ones
/// not at all, `OR` between two terms; punctuation separates words and is
/// never a wildcard.
pub async fn search_shares_the_story_query_language<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let jean_paul = given_legacy(store, "Jean-Paul  van der Berg", &alice, at(1)).await;
    let paul = given_legacy(store, "Paul Jean Smith", &alice, at(2)).await;
    let literal = given_legacy(store, "100% Grandpa_Joe \\o/", &alice, at(3)).await;
    let ann = given_legacy(store, "Ann van Dijk", &alice, at(4)).await;
    let found = async |text: &str| {
        let query = SearchQuery::new(text).unwrap_or_else(|err| panic!("{text:?}: {err}"));
        let page = store
            .search_legacies(&query, PageRequest::first())
            .await
            .unwrap();
        let mut ids: Vec<_> = page.items.into_iter().map(|l| l.id).collect();
        ids.sort();
        ids
    };
    let sorted = |legacies: &[&Legacy]| {
        let mut ids: Vec<_> = legacies.iter().map(|l| l.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(found("paul jean").await, sorted(&[&jean_paul, &paul]));
    assert_eq!(found("\"jean paul\"").await, sorted(&[&jean_paul]));
    assert_eq!(found("\"paul jean\"").await, sorted(&[&paul]));
    assert_eq!(found("\"der berg\"").await, sorted(&[&jean_paul]));
    assert_eq!(found("van -berg").await, sorted(&[&ann]));
    assert_eq!(found("van -\"der berg\"").await, sorted(&[&ann]));
    assert_eq!(found("smith OR dijk").await, sorted(&[&paul, &ann]));
    assert_eq!(found("van smith OR dijk").await, sorted(&[&ann]));
    // A word matches anywhere in the name's words.
    assert_eq!(found("erg").await, sorted(&[&jean_paul]));
    // Punctuation only separates words: `_` and `%` match nothing special.
    assert_eq!(found("grandpa_joe").await, sorted(&[&literal]));
    assert_eq!(found("0% G").await, sorted(&[&literal]));
    // "a_J" is the phrase "a j": a word ending in "a" and one starting
    // with "j" ("Grandpa Joe").
    assert_eq!(found("a_J").await, sorted(&[&literal]));
    for nothing in ["%", "_", "%_%", "-jean", "OR"] {
        assert!(SearchQuery::new(nothing).is_err(), "{nothing:?}");
    }
}

/// Letter case and accents are ignored beyond ASCII too: "élise" and
/// "Elise" find "Élise Müller" and "Elise Muller", "MÜLLER" finds both, also
/// after a rename.
pub async fn search_folds_case_of_any_letter<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let elise = given_legacy(store, "Élise Müller", &alice, at(1)).await;
    let plain = given_legacy(store, "Elise Muller", &alice, at(2)).await;
    for text in ["élise", "ÉLISE", "elise", "müller", "MULLER", "e MÜ"] {
        let query = SearchQuery::new(text).unwrap();
        let page = store
            .search_legacies(&query, PageRequest::first())
            .await
            .unwrap();
        assert_eq!(
            page.items,
            vec![plain.clone(), elise.clone()],
            "search for {text:?}"
        );
    }
    let details = LegacyDetails {
        name: LegacyName::new("Ærøskøbing Ørsted").unwrap(),
        dates: elise.dates,
        biography: None,
    };
    let renamed = store
        .update_legacy(elise.id, &details, at(3))
        .await
        .unwrap();
    let query = SearchQuery::new("ærø").unwrap();
    let page = store
        .search_legacies(&query, PageRequest::first())
        .await
        .unwrap();
    assert_eq!(page.items, vec![renamed]);
    let old = SearchQuery::new("élise").unwrap();
    let page = store
        .search_legacies(&old, PageRequest::first())
        .await
        .unwrap();
    assert_eq!(page.items, vec![plain]);
}
