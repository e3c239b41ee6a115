//! [`StoryEmbeddings`](mosaic_ports::StoryEmbeddings): stored vectors and
//! the permission-scoped nearest-story query.

use mosaic_domain::{LegacyAccess, LegacyId, Role, StoryId, UserId, Visibility};
use mosaic_ports::{RepoError, StoryEmbedding};

use crate::Store;
use crate::data::{at, given_legacy, given_member, given_user, new_id, story};

const MODEL: &str = "nomic-embed-text:v1.5";

fn embedding(story: StoryId, model: &str, vector: Vec<f32>) -> StoryEmbedding {
    StoryEmbedding {
        story_id: story,
        model: model.to_owned(),
        content_hash: [7; 32],
        vector,
        computed_at: at(100),
    }
}

async fn given_story<S: Store>(
    store: &S,
    legacy: LegacyId,
    author: UserId,
    text: &str,
    visibility: Visibility,
) -> StoryId {
    let memory = story(legacy, author, text, visibility, at(5));
    store.create_story(&memory).await.unwrap();
    memory.id
}

/// An embedding reads back bit for bit, a new one replaces it, and
/// deleting removes it; a story that does not exist is `NotFound`.
pub async fn embedding_reads_back_and_is_replaced<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let id = given_story(store, grandma.id, alice.id, "garden", Visibility::Public).await;
    assert_eq!(store.get_embedding(id).await.unwrap(), None);
    let first = embedding(id, MODEL, vec![0.25, -1.5, f32::MIN_POSITIVE, 3.0e7]);
    store.put_embedding(&first).await.unwrap();
    assert_eq!(store.get_embedding(id).await.unwrap(), Some(first));
    let mut second = embedding(id, "other-model", vec![1.0; 384]);
    second.content_hash = [9; 32];
    store.put_embedding(&second).await.unwrap();
    assert_eq!(store.get_embedding(id).await.unwrap(), Some(second));
    assert!(store.delete_embedding(id).await.unwrap());
    assert!(!store.delete_embedding(id).await.unwrap());
    assert_eq!(store.get_embedding(id).await.unwrap(), None);
    let missing = embedding(StoryId::from_uuid(new_id()), MODEL, vec![1.0]);
    assert!(matches!(
        store.put_embedding(&missing).await,
        Err(RepoError::NotFound)
    ));
}

/// The nearest stories are only those the reader's scope admits (the
/// story list's rule), live, open to the companion, of the same legacy and
/// model — however close the others are — most similar first.
pub async fn nearest_stories_keep_to_the_read_scope<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let elsewhere = given_legacy(store, "John Roe", &alice, at(1)).await;
    given_member(store, grandma.id, bob.id, Role::Member).await;

    let query = vec![1.0, 0.0, 0.0];
    let exact = vec![2.0, 0.0, 0.0];
    let near = vec![1.0, 1.0, 0.0];
    let far = vec![0.0, 1.0, 0.0];
    let put = |id, vector: &Vec<f32>| {
        let e = embedding(id, MODEL, vector.clone());
        async move { store.put_embedding(&e).await.unwrap() }
    };

    let public_far = given_story(store, grandma.id, alice.id, "a", Visibility::Public).await;
    put(public_far, &far).await;
    let private_near = given_story(store, grandma.id, alice.id, "b", Visibility::Private).await;
    put(private_near, &near).await;
    let alices_personal = given_story(store, grandma.id, alice.id, "c", Visibility::Personal).await;
    put(alices_personal, &exact).await;
    let bobs_personal = given_story(store, grandma.id, bob.id, "d", Visibility::Personal).await;
    put(bobs_personal, &near).await;
    let deleted = given_story(store, grandma.id, alice.id, "e", Visibility::Public).await;
    put(deleted, &exact).await;
    store.set_story_deleted(deleted, Some(at(9))).await.unwrap();
    let kept_out = given_story(store, grandma.id, alice.id, "f", Visibility::Public).await;
    put(kept_out, &exact).await;
    store.set_story_ai_excluded(kept_out, true).await.unwrap();
    let other_legacy = given_story(store, elsewhere.id, alice.id, "g", Visibility::Public).await;
    put(other_legacy, &exact).await;
    let other_model = given_story(store, grandma.id, alice.id, "h", Visibility::Public).await;
    store
        .put_embedding(&embedding(other_model, "another", exact.clone()))
        .await
        .unwrap();

    let nearest = |access: LegacyAccess| {
        let query = query.clone();
        async move {
            store
                .nearest_stories(grandma.id, access.read_scope(), MODEL, &query, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|n| n.story_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        nearest(LegacyAccess::user(grandma.id, bob.id, Some(Role::Member))).await,
        // near ties broken by id: private_near was written first (v7 ids).
        vec![private_near, bobs_personal, public_far]
    );
    assert_eq!(
        nearest(LegacyAccess::user(
            grandma.id,
            alice.id,
            Some(Role::Creator)
        ))
        .await,
        vec![alices_personal, private_near, public_far]
    );
    let stranger = given_user(store, "Stranger").await;
    assert_eq!(
        nearest(LegacyAccess::user(grandma.id, stranger.id, None)).await,
        vec![public_far]
    );
    assert_eq!(
        nearest(LegacyAccess::anonymous(grandma.id)).await,
        vec![public_far]
    );
    let pending = given_user(store, "Pending").await;
    given_member(store, grandma.id, pending.id, Role::Pending).await;
    assert_eq!(
        nearest(LegacyAccess::user(
            grandma.id,
            pending.id,
            Some(Role::Pending)
        ))
        .await,
        vec![public_far]
    );
    let one = store
        .nearest_stories(
            grandma.id,
            LegacyAccess::user(grandma.id, alice.id, Some(Role::Creator)).read_scope(),
            MODEL,
            &query,
            1,
        )
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].story_id, alices_personal);
    assert!((one[0].similarity - 1.0).abs() < 1e-6);
}

/// Embeddings go with their story (purged) or legacy (deleted); coverage
/// counts live stories and those embedded by the model; live ids page.
pub async fn embeddings_go_with_their_story_and_coverage_counts<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = given_story(
            store,
            grandma.id,
            alice.id,
            &format!("s{i}"),
            Visibility::Public,
        )
        .await;
        ids.push(id);
    }
    for id in &ids[..3] {
        store
            .put_embedding(&embedding(*id, MODEL, vec![1.0, 2.0]))
            .await
            .unwrap();
    }
    assert_eq!(store.embedding_coverage(MODEL).await.unwrap(), (5, 3));
    assert_eq!(store.embedding_coverage("another").await.unwrap(), (5, 0));

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.live_story_ids(after, 2).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().copied();
        seen.extend(page);
    }
    let mut sorted = ids.clone();
    sorted.sort_by_key(|id| id.as_uuid());
    assert_eq!(seen, sorted);

    store.set_story_deleted(ids[0], Some(at(10))).await.unwrap();
    assert_eq!(store.embedding_coverage(MODEL).await.unwrap(), (4, 2));
    store.purge_deleted_stories(at(11)).await.unwrap();
    assert_eq!(store.get_embedding(ids[0]).await.unwrap(), None);
    store.delete_legacy(grandma.id).await.unwrap();
    assert_eq!(store.get_embedding(ids[1]).await.unwrap(), None);
    assert_eq!(store.embedding_coverage(MODEL).await.unwrap(), (0, 0));
}
