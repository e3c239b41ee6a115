//! [`StorySearch`](mosaic_ports::StorySearch) contract.

use std::collections::HashSet;

use mosaic_domain::{
    LegacyAccess, LegacyId, ReadScope, RevisionId, Role, SearchPageRequest, SearchScope, Story,
    StoryContent, StoryDraft, StoryId, StoryQuery, StoryTitle, User, UserId, Visibility,
};
use mosaic_ports::{SearchFilters, StoryHit};
use time::OffsetDateTime;

use crate::Store;
use crate::data::{at, given_legacy, given_member, given_user, new_id};

/// A stored story with this title and content.
async fn written<S: Store>(
    store: &S,
    legacy: LegacyId,
    author: UserId,
    title: &str,
    content: &str,
    visibility: Visibility,
    created_at: OffsetDateTime,
) -> Story {
    let story = Story {
        id: StoryId::from_uuid(new_id()),
        legacy_id: legacy,
        author_id: author,
        title: StoryTitle::new(title).unwrap(),
        content: StoryContent::new(content).unwrap(),
        visibility,
        created_at,
        updated_at: created_at,
        deleted_at: None,
        ai_excluded: false,
    };
    store.create_story(&story).await.unwrap();
    story
}

fn query(text: &str) -> StoryQuery {
    StoryQuery::parse(text).unwrap_or_else(|err| panic!("{text:?}: {err}"))
}

/// Every hit, following the cursors with pages of `limit`.
async fn all_hits<S: Store>(
    store: &S,
    text: &str,
    scope: SearchScope,
    filters: &SearchFilters,
    limit: u32,
) -> Vec<StoryHit> {
    let query = query(text);
    let mut page = SearchPageRequest::new(None, Some(limit)).unwrap();
    let mut hits = Vec::new();
    loop {
        let results = store
            .search_stories(&query, scope, filters, page)
            .await
            .unwrap_or_else(|err| panic!("search {text:?}: {err}"));
        assert!(
            results.hits.len() <= limit as usize,
            "page larger than asked"
        );
        if results.next.is_some() {
            assert_eq!(
                results.hits.len(),
                limit as usize,
                "a page before the last is full"
            );
        }
        hits.extend(results.hits);
        match results.next {
            Some(cursor) => page = page.after(cursor),
            None => return hits,
        }
    }
}

/// The ids found, best first.
async fn found<S: Store>(store: &S, text: &str, scope: SearchScope) -> Vec<StoryId> {
    all_hits(store, text, scope, &SearchFilters::default(), 20)
        .await
        .into_iter()
        .map(|hit| hit.story_id)
        .collect()
}

fn ids(stories: &[&Story]) -> HashSet<StoryId> {
    stories.iter().map(|s| s.id).collect()
}

async fn found_set<S: Store>(store: &S, text: &str, scope: SearchScope) -> HashSet<StoryId> {
    found(store, text, scope).await.into_iter().collect()
}

/// A family of one legacy with an approved creator, searched as the creator.
async fn family<S: Store>(store: &S) -> (User, LegacyId, SearchScope) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let scope = SearchScope::legacy(&LegacyAccess::user(
        grandma.id,
        alice.id,
        Some(Role::Creator),
    ));
    (alice, grandma.id, scope)
}

/// A word in the title ranks a story above one with the word only in its
/// content; the hit carries the story's legacy, author and dates.
pub async fn title_match_ranks_above_content_match<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let body = written(
        store,
        grandma,
        alice.id,
        "Sunday lunch",
        "After lunch we walked to the lighthouse and back.",
        Visibility::Private,
        at(2),
    )
    .await;
    let title = written(
        store,
        grandma,
        alice.id,
        "The lighthouse",
        "We walked there every summer.",
        Visibility::Private,
        at(3),
    )
    .await;
    let hits = all_hits(store, "lighthouse ", scope, &SearchFilters::default(), 10).await;
    let order: Vec<StoryId> = hits.iter().map(|h| h.story_id).collect();
    assert_eq!(order, [title.id, body.id]);
    assert!(
        hits[0].rank > hits[1].rank,
        "ranks {} > {}",
        hits[0].rank,
        hits[1].rank
    );
    let hit = &hits[0];
    assert_eq!(hit.title, title.title);
    assert_eq!(hit.legacy_id, grandma);
    assert_eq!(hit.legacy_name.as_str(), "Jane Doe");
    assert_eq!(hit.author_id, alice.id);
    assert_eq!(hit.author_name, alice.name);
    assert_eq!(hit.visibility, Visibility::Private);
    assert_eq!((hit.created_at, hit.updated_at), (at(3), at(3)));
}

/// Stemming: "gardening" finds "garden" and "gardens", and the other way
/// round; case never matters.
pub async fn stemming_finds_other_forms_of_a_word<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let garden = written(
        store,
        grandma,
        alice.id,
        "Spring",
        "Her GARDEN was small.",
        Visibility::Public,
        at(2),
    )
    .await;
    let gardens = written(
        store,
        grandma,
        alice.id,
        "Visits",
        "We toured the gardens of Kew.",
        Visibility::Public,
        at(3),
    )
    .await;
    let gardening = written(
        store,
        grandma,
        alice.id,
        "Hobbies",
        "She loved gardening.",
        Visibility::Public,
        at(4),
    )
    .await;
    let other = written(
        store,
        grandma,
        alice.id,
        "Kitchen",
        "She baked bread.",
        Visibility::Public,
        at(5),
    )
    .await;
    let all = ids(&[&garden, &gardens, &gardening]);
    assert_eq!(found_set(store, "gardening ", scope).await, all);
    assert_eq!(found_set(store, "Garden ", scope).await, all);
    assert_eq!(found_set(store, "GARDENS ", scope).await, all);
    assert!(!found_set(store, "garden ", scope).await.contains(&other.id));
}

/// Accents never prevent a match, either way round, and the snippet keeps
/// the story's own spelling with the match marked.
pub async fn accents_are_ignored_and_kept_in_snippets<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let jose = written(
        store,
        grandma,
        alice.id,
        "Uncle",
        "José came from Málaga every August.",
        Visibility::Public,
        at(2),
    )
    .await;
    let plain = written(
        store,
        grandma,
        alice.id,
        "Cousin",
        "Jose stayed in Malaga.",
        Visibility::Public,
        at(3),
    )
    .await;
    let both = ids(&[&jose, &plain]);
    assert_eq!(found_set(store, "Jose ", scope).await, both);
    assert_eq!(found_set(store, "josé ", scope).await, both);
    assert_eq!(found_set(store, "MALAGA ", scope).await, both);
    let hits = all_hits(store, "jose malaga ", scope, &SearchFilters::default(), 10).await;
    let hit = hits.iter().find(|h| h.story_id == jose.id).unwrap();
    let marked = marked_words(hit);
    assert!(
        marked.contains(&"José".to_owned()),
        "{marked:?} in {:?}",
        hit.snippet.text()
    );
    assert!(marked.contains(&"Málaga".to_owned()), "{marked:?}");
}

/// The highlighted parts of a hit's snippet.
fn marked_words(hit: &StoryHit) -> Vec<String> {
    let chars: Vec<char> = hit.snippet.text().chars().collect();
    hit.snippet
        .highlights()
        .iter()
        .map(|h| chars[h.start..h.end].iter().collect())
        .collect()
}

/// A phrase needs its words next to each other, in order.
pub async fn phrases_need_adjacent_words_in_order<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let adjacent = written(
        store,
        grandma,
        alice.id,
        "Home",
        "The old house by the lake.",
        Visibility::Public,
        at(2),
    )
    .await;
    let apart = written(
        store,
        grandma,
        alice.id,
        "Later",
        "The house was old by then.",
        Visibility::Public,
        at(3),
    )
    .await;
    assert_eq!(
        found_set(store, "\"old house\"", scope).await,
        ids(&[&adjacent])
    );
    assert_eq!(
        found_set(store, "old house ", scope).await,
        ids(&[&adjacent, &apart])
    );
}

/// `-word` and `-"a phrase"` remove the stories containing them; `OR`
/// finds either; the last word matches as a prefix while typing.
pub async fn exclusion_or_and_prefix<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let roses = written(
        store,
        grandma,
        alice.id,
        "Roses",
        "Red roses by the fence.",
        Visibility::Public,
        at(2),
    )
    .await;
    let tulips = written(
        store,
        grandma,
        alice.id,
        "Tulips",
        "Tulips by the fence.",
        Visibility::Public,
        at(3),
    )
    .await;
    let weeds = written(
        store,
        grandma,
        alice.id,
        "Weeds",
        "Roses and the weed killer.",
        Visibility::Public,
        at(4),
    )
    .await;
    assert_eq!(found_set(store, "roses -weed", scope).await, ids(&[&roses]));
    assert_eq!(
        found_set(store, "roses -\"weed killer\"", scope).await,
        ids(&[&roses])
    );
    assert_eq!(
        found_set(store, "roses -\"killer weed\"", scope).await,
        ids(&[&roses, &weeds])
    );
    assert_eq!(
        found_set(store, "tulips OR roses ", scope).await,
        ids(&[&roses, &tulips, &weeds])
    );
    assert_eq!(
        found_set(store, "fence tulips OR weed ", scope).await,
        ids(&[&tulips])
    );
    assert_eq!(found_set(store, "tuli", scope).await, ids(&[&tulips]));
    assert_eq!(found_set(store, "fence ro", scope).await, ids(&[&roses]));
    // With a space after it the last word is whole: no prefix.
    assert!(found_set(store, "tuli ", scope).await.is_empty());
}

/// The word being typed matches the start of words as written, accents and
/// case folded but never stemmed ("bicy" is no stem of "bicycle"); a
/// finished last word still finds its other forms; the match is marked.
pub async fn prefix_matches_words_as_written<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let bicycle = written(
        store,
        grandma,
        alice.id,
        "Summer",
        "Grandpa fixed the bicycle in the shed.",
        Visibility::Public,
        at(2),
    )
    .await;
    let bicycles = written(
        store,
        grandma,
        alice.id,
        "Races",
        "Two bicycles raced down the hill.",
        Visibility::Public,
        at(3),
    )
    .await;
    let gardening = written(
        store,
        grandma,
        alice.id,
        "Hobbies",
        "She loved gardening.",
        Visibility::Public,
        at(4),
    )
    .await;
    let garden = written(
        store,
        grandma,
        alice.id,
        "Spring",
        "Her garden was small.",
        Visibility::Public,
        at(5),
    )
    .await;
    let jose = written(
        store,
        grandma,
        alice.id,
        "Uncle",
        "José came every August.",
        Visibility::Public,
        at(6),
    )
    .await;
    let bikes = ids(&[&bicycle, &bicycles]);
    for typed in ["bi", "bic", "bicy", "BICYC", "bicycl"] {
        assert_eq!(found_set(store, typed, scope).await, bikes, "{typed:?}");
    }
    assert_eq!(
        found_set(store, "bicycle", scope).await,
        bikes,
        "a whole word typed last"
    );
    assert_eq!(
        found_set(store, "bicycles", scope).await,
        bikes,
        "stemmed, typed last"
    );
    assert_eq!(
        found_set(store, "gard", scope).await,
        ids(&[&gardening, &garden])
    );
    assert_eq!(
        found_set(store, "garde", scope).await,
        ids(&[&gardening, &garden])
    );
    assert_eq!(
        found_set(store, "gardening", scope).await,
        ids(&[&gardening, &garden]),
        "a finished word typed last still stems"
    );
    assert_eq!(found_set(store, "gardeni", scope).await, ids(&[&gardening]));
    for typed in ["jos", "Jos", "JOSÉ", "josé", "jose"] {
        assert_eq!(
            found_set(store, typed, scope).await,
            ids(&[&jose]),
            "{typed:?}"
        );
    }
    assert!(found_set(store, "bicz", scope).await.is_empty());
    assert!(
        found_set(store, "icycle", scope).await.is_empty(),
        "a prefix, not a substring"
    );

    let hits = all_hits(store, "bicy", scope, &SearchFilters::default(), 10).await;
    let hit = hits.iter().find(|h| h.story_id == bicycle.id).unwrap();
    assert_eq!(
        marked_words(hit),
        ["bicycle"],
        "in {:?}",
        hit.snippet.text()
    );
    let hits = all_hits(store, "jos", scope, &SearchFilters::default(), 10).await;
    assert_eq!(
        marked_words(&hits[0]),
        ["José"],
        "in {:?}",
        hits[0].snippet.text()
    );
}

/// A prefix combines with the rest of the language: other words, a phrase,
/// `OR` and exclusions; a title match ranks first; paging works on the
/// combined ranks.
pub async fn prefix_with_phrases_or_and_exclusion<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let old_bike = written(
        store,
        grandma,
        alice.id,
        "The old house",
        "A rusty bicycle leaned on the old house.",
        Visibility::Public,
        at(2),
    )
    .await;
    let new_bike = written(
        store,
        grandma,
        alice.id,
        "Birthday",
        "A new bicycle by the house, old friends around.",
        Visibility::Public,
        at(3),
    )
    .await;
    let roses = written(
        store,
        grandma,
        alice.id,
        "Roses",
        "Roses by the old house.",
        Visibility::Public,
        at(4),
    )
    .await;
    let bike_title = written(
        store,
        grandma,
        alice.id,
        "Bicycle trip",
        "We rode to the coast.",
        Visibility::Public,
        at(5),
    )
    .await;
    assert_eq!(
        found_set(store, "\"old house\" bicy", scope).await,
        ids(&[&old_bike])
    );
    assert_eq!(
        found_set(store, "old house bicy", scope).await,
        ids(&[&old_bike, &new_bike])
    );
    assert_eq!(
        found_set(store, "bicycle -rusty", scope).await,
        ids(&[&new_bike, &bike_title])
    );
    assert!(
        found_set(store, "bicy -rusty", scope).await.is_empty(),
        "only the last word is a prefix"
    );
    assert_eq!(
        found_set(store, "-rusty bicy", scope).await,
        ids(&[&new_bike, &bike_title])
    );
    assert_eq!(
        found_set(store, "-\"old house\" bicy", scope).await,
        ids(&[&new_bike, &bike_title])
    );
    assert_eq!(
        found_set(store, "house roses OR bicy", scope).await,
        ids(&[&old_bike, &new_bike, &roses])
    );
    assert_eq!(
        found_set(store, "-rusty roses OR bicy", scope).await,
        ids(&[&new_bike, &roses, &bike_title])
    );
    let order = found(store, "bicy", scope).await;
    assert_eq!(order.len(), 3);
    assert_eq!(order[0], bike_title.id, "a title match first");
    for limit in [1, 2] {
        let paged: Vec<StoryId> = all_hits(store, "bicy", scope, &SearchFilters::default(), limit)
            .await
            .into_iter()
            .map(|hit| hit.story_id)
            .collect();
        assert_eq!(paged, order, "pages of {limit}");
    }
}

/// A last word of one letter is a whole word, not a prefix (every story has
/// a word starting with "a"): "b" finds "Plan B", not "bicycle".
pub async fn one_letter_last_word_is_a_whole_word<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let plan_b = written(
        store,
        grandma,
        alice.id,
        "Plan B",
        "We took the train.",
        Visibility::Public,
        at(2),
    )
    .await;
    written(
        store,
        grandma,
        alice.id,
        "Bicycle",
        "The bicycle broke.",
        Visibility::Public,
        at(3),
    )
    .await;
    assert_eq!(found_set(store, "b", scope).await, ids(&[&plan_b]));
    assert_eq!(found_set(store, "plan b", scope).await, ids(&[&plan_b]));
    assert_eq!(found_set(store, "B ", scope).await, ids(&[&plan_b]));
}

/// Stop words do not exist, on either database: "the" is a word like any
/// other, and phrases keep every word.
pub async fn stop_words_are_words_like_any_other<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let hamlet = written(
        store,
        grandma,
        alice.id,
        "Hamlet",
        "To be or not to be, she said.",
        Visibility::Public,
        at(2),
    )
    .await;
    let the = written(
        store,
        grandma,
        alice.id,
        "Sunday",
        "The walk was long.",
        Visibility::Public,
        at(3),
    )
    .await;
    let without = written(
        store,
        grandma,
        alice.id,
        "Monday",
        "Rain all day.",
        Visibility::Public,
        at(4),
    )
    .await;
    assert_eq!(found_set(store, "the ", scope).await, ids(&[&the]));
    assert_eq!(found_set(store, "the", scope).await, ids(&[&the]));
    assert_eq!(found_set(store, "\"to be\"", scope).await, ids(&[&hamlet]));
    assert_eq!(
        found_set(store, "\"or not to\"", scope).await,
        ids(&[&hamlet])
    );
    assert!(found_set(store, "\"be to\"", scope).await.is_empty());
    assert_eq!(found_set(store, "walk -the", scope).await, HashSet::new());
    assert_eq!(found_set(store, "day -the", scope).await, ids(&[&without]));
    assert_eq!(
        found_set(store, "not OR was ", scope).await,
        ids(&[&hamlet, &the])
    );
}

/// Paging through many hits with equal and different ranks returns every
/// match exactly once, best first.
pub async fn pages_cover_every_hit_once<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let mut expected = HashSet::new();
    for i in 0..23 {
        // Some share a rank (same text), some differ (the word in the title).
        let title = if i % 4 == 0 { "Picnic day" } else { "Outing" };
        let s = written(
            store,
            grandma,
            alice.id,
            title,
            "A picnic on the hill.",
            Visibility::Private,
            at(i + 2),
        )
        .await;
        expected.insert(s.id);
    }
    written(
        store,
        grandma,
        alice.id,
        "Other",
        "Nothing to see.",
        Visibility::Private,
        at(40),
    )
    .await;
    for limit in [1, 4, 7, 100] {
        let hits = all_hits(store, "picnic ", scope, &SearchFilters::default(), limit).await;
        let found: Vec<StoryId> = hits.iter().map(|h| h.story_id).collect();
        assert_eq!(found.len(), 23, "page size {limit}");
        assert_eq!(
            found.iter().copied().collect::<HashSet<_>>(),
            expected,
            "page size {limit}"
        );
        assert!(
            hits.windows(2).all(
                |w| (w[0].rank, w[0].story_id.as_uuid()) > (w[1].rank, w[1].story_id.as_uuid())
            ),
            "ordered by rank then id (page size {limit})"
        );
    }
}

/// Deleted stories are not found; restored ones are again.
pub async fn deleted_stories_are_not_found<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let kept = written(
        store,
        grandma,
        alice.id,
        "Boat",
        "The blue rowing boat.",
        Visibility::Public,
        at(2),
    )
    .await;
    let gone = written(
        store,
        grandma,
        alice.id,
        "Boat two",
        "Another rowing boat.",
        Visibility::Public,
        at(3),
    )
    .await;
    store.set_story_deleted(gone.id, Some(at(5))).await.unwrap();
    assert_eq!(found_set(store, "rowing ", scope).await, ids(&[&kept]));
    store.set_story_deleted(gone.id, None).await.unwrap();
    assert_eq!(
        found_set(store, "rowing ", scope).await,
        ids(&[&kept, &gone])
    );
    store.set_story_deleted(gone.id, Some(at(6))).await.unwrap();
    store.purge_deleted_stories(at(7)).await.unwrap();
    assert_eq!(found_set(store, "rowing ", scope).await, ids(&[&kept]));
}

/// An edit is found by its new words at once, never by the replaced ones
/// (revisions are not searched); a visibility change takes effect at once.
pub async fn edits_and_visibility_changes_take_effect_at_once<S: Store>(store: &S) {
    let (alice, grandma, member_scope) = family(store).await;
    let visitor = SearchScope::legacy(&LegacyAccess::anonymous(grandma));
    let story = written(
        store,
        grandma,
        alice.id,
        "Harvest",
        "Apples from the orchard.",
        Visibility::Public,
        at(2),
    )
    .await;
    assert_eq!(found_set(store, "orchard ", visitor).await, ids(&[&story]));
    let edit = StoryDraft {
        title: StoryTitle::new("Harvest").unwrap(),
        content: StoryContent::new("Pears from the vineyard.").unwrap(),
        visibility: Visibility::Private,
    };
    store
        .update_story(story.id, &edit, RevisionId::from_uuid(new_id()), at(3))
        .await
        .unwrap();
    assert!(found_set(store, "orchard ", member_scope).await.is_empty());
    assert!(found_set(store, "apples ", member_scope).await.is_empty());
    assert_eq!(
        found_set(store, "vineyard ", member_scope).await,
        ids(&[&story])
    );
    assert!(
        found_set(store, "vineyard ", visitor).await.is_empty(),
        "now private"
    );
    assert!(
        found_set(store, "harvest ", visitor).await.is_empty(),
        "now private"
    );
}

/// Deleting a legacy leaves nothing of its stories to find, even when new
/// stories are written afterwards.
pub async fn deleted_legacy_leaves_nothing_findable<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let old = given_legacy(store, "Old", &alice, at(1)).await;
    let new = given_legacy(store, "New", &alice, at(2)).await;
    for i in 0..3 {
        written(
            store,
            old.id,
            alice.id,
            "Secret",
            "The hidden treasure map.",
            Visibility::Public,
            at(3 + i),
        )
        .await;
    }
    store.delete_legacy(old.id).await.unwrap();
    let fresh = written(
        store,
        new.id,
        alice.id,
        "Fresh",
        "An ordinary day.",
        Visibility::Public,
        at(9),
    )
    .await;
    let everywhere = SearchScope::my_legacies(alice.id);
    assert!(found_set(store, "treasure ", everywhere).await.is_empty());
    assert_eq!(
        found_set(store, "ordinary ", everywhere).await,
        ids(&[&fresh])
    );
}

/// Letters of any script, emoji and marks in stories; emoji in the query
/// are ignored beside words.
pub async fn unicode_and_emoji<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let cafe = written(
        store,
        grandma,
        alice.id,
        "Café 🌹",
        "Müller's café 🎉 on the corner, ελληνικά too.",
        Visibility::Public,
        at(2),
    )
    .await;
    assert_eq!(found_set(store, "cafe 🌹", scope).await, ids(&[&cafe]));
    assert_eq!(found_set(store, "MULLER ", scope).await, ids(&[&cafe]));
    assert_eq!(found_set(store, "ελληνικά ", scope).await, ids(&[&cafe]));
}

/// Input that looks like engine syntax or SQL is searched as words: no
/// error, no match from the operators themselves.
pub async fn injection_looking_input_is_just_words<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let quote = written(
        store,
        grandma,
        alice.id,
        "Quote",
        "O'Brien said: near the title, & not | or!",
        Visibility::Public,
        at(2),
    )
    .await;
    written(
        store,
        grandma,
        alice.id,
        "Other",
        "Something else entirely.",
        Visibility::Public,
        at(3),
    )
    .await;
    for text in [
        "O'Brien",
        "o'brien' OR 1=1 --",
        "\"brien",
        "brien*",
        "NEAR(brien said)",
        "title:brien",
        "brien:*",
        "brien & | !",
        "'); DROP TABLE stories; --brien",
        "brien^ {title} content:said",
        "\\brien\\",
    ] {
        let found = found(store, text, scope).await;
        assert!(
            found.iter().all(|id| *id == quote.id),
            "{text:?} found {found:?}"
        );
    }
    assert_eq!(found(store, "said:near", scope).await, [quote.id]);
    assert_eq!(
        found(store, "title:brien", scope).await,
        Vec::<StoryId>::new()
    );
}

/// The longest query allowed runs.
pub async fn very_long_queries_run<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let s = written(
        store,
        grandma,
        alice.id,
        "Long",
        "alpha",
        Visibility::Public,
        at(2),
    )
    .await;
    let words = ["alpha"; StoryQuery::MAX_WORDS].join(" OR ");
    assert!(words.chars().count() <= StoryQuery::MAX_CHARS);
    assert_eq!(found(store, &words, scope).await, [s.id]);
    let long_word = "a".repeat(StoryQuery::MAX_CHARS);
    assert!(found(store, &long_word, scope).await.is_empty());
}

/// Author, visibility and date filters narrow the hits.
pub async fn filters_narrow_the_hits<S: Store>(store: &S) {
    let (alice, grandma, scope) = family(store).await;
    let bob = given_user(store, "Bob").await;
    given_member(store, grandma, bob.id, Role::Editor).await;
    let early = written(
        store,
        grandma,
        alice.id,
        "One",
        "A kite.",
        Visibility::Public,
        at(10),
    )
    .await;
    let by_bob = written(
        store,
        grandma,
        bob.id,
        "Two",
        "A kite.",
        Visibility::Private,
        at(20),
    )
    .await;
    let late = written(
        store,
        grandma,
        alice.id,
        "Three",
        "A kite.",
        Visibility::Private,
        at(30),
    )
    .await;
    let search = async |filters: SearchFilters| -> HashSet<StoryId> {
        all_hits(store, "kite ", scope, &filters, 10)
            .await
            .into_iter()
            .map(|h| h.story_id)
            .collect()
    };
    assert_eq!(
        search(SearchFilters {
            author: Some(bob.id),
            ..SearchFilters::default()
        })
        .await,
        ids(&[&by_bob])
    );
    assert_eq!(
        search(SearchFilters {
            visibility: Some(Visibility::Private),
            ..SearchFilters::default()
        })
        .await,
        ids(&[&by_bob, &late])
    );
    assert_eq!(
        search(SearchFilters {
            created_from: Some(at(20)),
            created_before: Some(at(30)),
            ..SearchFilters::default()
        })
        .await,
        ids(&[&by_bob])
    );
    assert_eq!(
        search(SearchFilters {
            created_before: Some(at(11)),
            ..SearchFilters::default()
        })
        .await,
        ids(&[&early])
    );
}

/// Every caller, every visibility, one legacy and all of theirs: exactly the
/// stories the read rule admits, in hits and snippets, and nothing else.
pub async fn authorization_matrix<S: Store>(store: &S) {
    let creator = given_user(store, "Creator").await;
    let author = given_user(store, "Author").await;
    let editor = given_user(store, "Editor").await;
    let member = given_user(store, "Member").await;
    let pending = given_user(store, "Pending").await;
    let stranger = given_user(store, "Stranger").await;
    let grandma = given_legacy(store, "Jane Doe", &creator, at(1)).await;
    // Another family none of the callers belongs to, except the author who
    // wrote there and then left.
    let other = given_legacy(store, "John Roe", &stranger, at(2)).await;
    given_member(store, grandma.id, author.id, Role::Editor).await;
    given_member(store, grandma.id, editor.id, Role::Editor).await;
    given_member(store, grandma.id, member.id, Role::Member).await;
    given_member(store, grandma.id, pending.id, Role::Pending).await;
    given_member(store, other.id, author.id, Role::Editor).await;

    let mut stories = Vec::new();
    let mut second = 10;
    for (legacy, writers) in [
        (grandma.id, vec![&creator, &author, &editor]),
        (other.id, vec![&stranger, &author]),
    ] {
        for writer in writers {
            for visibility in Visibility::ALL {
                second += 1;
                let content = format!(
                    "The lantern story number {second}, {} by {}.",
                    visibility, writer.name
                );
                stories.push(
                    written(
                        store,
                        legacy,
                        writer.id,
                        "Lantern",
                        &content,
                        visibility,
                        at(second),
                    )
                    .await,
                );
            }
        }
    }
    store.remove_membership(other.id, author.id).await.unwrap();

    let role_of = async |user: UserId, legacy: LegacyId| {
        store
            .get_membership(legacy, user)
            .await
            .unwrap()
            .map(|m| m.role)
    };
    let callers: [(&str, Option<&User>); 7] = [
        ("anonymous", None),
        ("stranger", Some(&stranger)),
        ("pending", Some(&pending)),
        ("member", Some(&member)),
        ("editor", Some(&editor)),
        ("creator", Some(&creator)),
        ("author", Some(&author)),
    ];
    for (name, caller) in callers {
        let mut scopes = Vec::new();
        for legacy in [grandma.id, other.id] {
            let access = match caller {
                Some(user) => LegacyAccess::user(legacy, user.id, role_of(user.id, legacy).await),
                None => LegacyAccess::anonymous(legacy),
            };
            scopes.push((format!("{name} in {legacy}"), SearchScope::legacy(&access)));
        }
        if let Some(user) = caller {
            scopes.push((
                format!("{name} in their legacies"),
                SearchScope::my_legacies(user.id),
            ));
        }
        for (label, scope) in scopes {
            let mut expected = HashSet::new();
            for story in &stories {
                let role = match caller {
                    Some(user) => role_of(user.id, story.legacy_id).await,
                    None => None,
                };
                let admitted =
                    scope.admits(story.legacy_id, role, story.visibility, story.author_id);
                // The scope never admits what the read rule refuses.
                let access = match caller {
                    Some(user) => LegacyAccess::user(story.legacy_id, user.id, role),
                    None => LegacyAccess::anonymous(story.legacy_id),
                };
                if admitted {
                    assert!(
                        access.can_read(story.visibility, story.author_id),
                        "{label}"
                    );
                    expected.insert(story.id);
                }
            }
            let hits = all_hits(store, "lantern ", scope, &SearchFilters::default(), 4).await;
            let found: HashSet<StoryId> = hits.iter().map(|h| h.story_id).collect();
            assert_eq!(found.len(), hits.len(), "{label}: no repeats");
            assert_eq!(found, expected, "{label}");
            for hit in &hits {
                let story = stories.iter().find(|s| s.id == hit.story_id).unwrap();
                assert!(
                    story
                        .content
                        .as_str()
                        .contains(hit.snippet.text().trim_matches(['…', ' '])),
                    "{label}: snippet {:?} comes from its own story",
                    hit.snippet.text()
                );
                assert_eq!(hit.visibility, story.visibility);
            }
        }
    }
    // Spot checks that the matrix above is not vacuous.
    let everywhere = |user: &User| SearchScope::my_legacies(user.id);
    assert_eq!(
        found(store, "lantern ", everywhere(&pending)).await.len(),
        0
    );
    assert_eq!(found(store, "lantern ", everywhere(&member)).await.len(), 6);
    assert_eq!(found(store, "lantern ", everywhere(&author)).await.len(), 8);
    let public = SearchScope::Legacy {
        legacy: grandma.id,
        read: ReadScope::public_only(),
    };
    assert_eq!(found(store, "lantern ", public).await.len(), 3);
}
