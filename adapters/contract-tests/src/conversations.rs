//! [`ConversationRepo`](mosaic_ports::ConversationRepo) contract, and the
//! story's AI opt-out on [`StoryRepo`](mosaic_ports::StoryRepo).

use mosaic_domain::{
    ChatMessage, ChatMessageId, ChatRole, Citation, Conversation, ConversationId,
    ConversationTitle, LegacyId, PageRequest, StoryId, StoryTitle, UserId, Visibility,
};
use mosaic_ports::RepoError;
use time::OffsetDateTime;

use crate::Store;
use crate::data::{all_pages, at, draft, given_legacy, given_user, new_id, story};

fn conversation(
    user: UserId,
    legacy: LegacyId,
    title: &str,
    created_at: OffsetDateTime,
) -> Conversation {
    Conversation {
        id: ConversationId::from_uuid(new_id()),
        user_id: user,
        legacy_id: legacy,
        title: ConversationTitle::new(title).expect("valid title"),
        created_at,
        updated_at: created_at,
    }
}

fn message(
    conversation: ConversationId,
    role: ChatRole,
    content: &str,
    citations: Vec<Citation>,
    created_at: OffsetDateTime,
) -> ChatMessage {
    ChatMessage {
        id: ChatMessageId::from_uuid(new_id()),
        conversation_id: conversation,
        role,
        content: content.to_owned(),
        citations,
        created_at,
    }
}

fn citation(number: u32, story: StoryId, title: &str) -> Citation {
    Citation {
        number,
        story_id: story,
        title: StoryTitle::new(title).expect("valid title"),
    }
}

/// A conversation reads back equal; an unknown id is not found.
pub async fn conversation_reads_back_equal<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let talk = conversation(alice.id, grandma.id, "Sundays — and roses 🌹", at(2));
    store.create_conversation(&talk).await.unwrap();
    assert_eq!(store.get_conversation(talk.id).await.unwrap(), talk);
    assert!(matches!(
        store
            .get_conversation(ConversationId::from_uuid(new_id()))
            .await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.create_conversation(&talk).await,
        Err(RepoError::Conflict(_))
    ));
}

/// A conversation needs an existing user and legacy.
pub async fn conversation_of_unknown_user_or_legacy_is_not_found<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let nobody = UserId::from_uuid(new_id());
    let nowhere = LegacyId::from_uuid(new_id());
    for talk in [
        conversation(nobody, grandma.id, "a", at(2)),
        conversation(alice.id, nowhere, "b", at(2)),
    ] {
        assert!(matches!(
            store.create_conversation(&talk).await,
            Err(RepoError::NotFound)
        ));
    }
}

/// The list holds only the user's own conversations (of one legacy when
/// asked), newest first, every one once across pages.
pub async fn conversations_list_only_the_owners_newest_first<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let bob = given_user(store, "Bob").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let grandpa = given_legacy(store, "John Doe", &alice, at(1)).await;
    let mut mine = Vec::new();
    for i in 0..7 {
        let legacy = if i % 2 == 0 { grandma.id } else { grandpa.id };
        // Two share a timestamp: the id breaks the tie.
        let talk = conversation(alice.id, legacy, &format!("Talk {i}"), at(10 + i.min(5)));
        store.create_conversation(&talk).await.unwrap();
        mine.push(talk);
    }
    store
        .create_conversation(&conversation(bob.id, grandma.id, "Bob's", at(30)))
        .await
        .unwrap();
    mine.sort_by_key(|c| std::cmp::Reverse((c.created_at, c.id)));

    let listed = all_pages(3, async |page| {
        store
            .list_conversations(alice.id, None, page)
            .await
            .unwrap()
    })
    .await
    .concat();
    assert_eq!(listed, mine);

    let of_grandma = store
        .list_conversations(alice.id, Some(grandma.id), PageRequest::first())
        .await
        .unwrap()
        .items;
    let expected: Vec<_> = mine
        .iter()
        .filter(|c| c.legacy_id == grandma.id)
        .cloned()
        .collect();
    assert_eq!(of_grandma, expected);
}

/// Messages come back oldest first with their citations in number order;
/// adding one moves the conversation's `updated_at`.
pub async fn messages_keep_order_and_citations<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let talk = conversation(alice.id, grandma.id, "Sundays", at(2));
    store.create_conversation(&talk).await.unwrap();
    let cited_a = StoryId::from_uuid(new_id());
    let cited_b = StoryId::from_uuid(new_id());
    let question = message(talk.id, ChatRole::User, "What did she cook?", vec![], at(3));
    let answer = message(
        talk.id,
        ChatRole::Assistant,
        "Pierogi [2], and soup [1].",
        vec![
            citation(2, cited_b, "Sunday pierogi"),
            citation(1, cited_a, "Soup"),
        ],
        at(4),
    );
    store.add_message(&question).await.unwrap();
    store.add_message(&answer).await.unwrap();

    let messages = store.list_messages(talk.id).await.unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0], question);
    assert_eq!(messages[1].content, answer.content);
    let numbers: Vec<u32> = messages[1].citations.iter().map(|c| c.number).collect();
    assert_eq!(numbers, vec![1, 2]);
    assert_eq!(messages[1].citations[1], answer.citations[0]);
    assert_eq!(
        store.get_conversation(talk.id).await.unwrap().updated_at,
        at(4)
    );
}

/// A message for a conversation that is gone is refused and stores nothing.
pub async fn message_for_a_missing_conversation_is_not_found<S: Store>(store: &S) {
    let missing = ConversationId::from_uuid(new_id());
    let answer = message(
        missing,
        ChatRole::Assistant,
        "x",
        vec![citation(1, StoryId::from_uuid(new_id()), "t")],
        at(1),
    );
    assert!(matches!(
        store.add_message(&answer).await,
        Err(RepoError::NotFound)
    ));
    assert!(store.list_messages(missing).await.unwrap().is_empty());
}

/// Renaming changes title and `updated_at`; deleting removes the
/// conversation with its messages for good.
pub async fn rename_and_delete_for_good<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let talk = conversation(alice.id, grandma.id, "Sundays", at(2));
    store.create_conversation(&talk).await.unwrap();
    store
        .add_message(&message(
            talk.id,
            ChatRole::Assistant,
            "Soup [1].",
            vec![citation(1, StoryId::from_uuid(new_id()), "Soup")],
            at(3),
        ))
        .await
        .unwrap();
    let title = ConversationTitle::new("Her kitchen").unwrap();
    let renamed = store
        .rename_conversation(talk.id, &title, at(5))
        .await
        .unwrap();
    assert_eq!(renamed.title, title);
    assert_eq!(renamed.updated_at, at(5));
    assert_eq!(store.get_conversation(talk.id).await.unwrap(), renamed);

    store.delete_conversation(talk.id).await.unwrap();
    assert!(matches!(
        store.get_conversation(talk.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(store.list_messages(talk.id).await.unwrap().is_empty());
    assert!(matches!(
        store.delete_conversation(talk.id).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.rename_conversation(talk.id, &title, at(6)).await,
        Err(RepoError::NotFound)
    ));
}

/// The author's AI opt-out is stored, read back by every story read, kept
/// by edits (it is not part of a version), and refused for deleted stories.
pub async fn ai_opt_out_reads_back_and_survives_edits<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let memory = story(grandma.id, alice.id, "garden", Visibility::Public, at(2));
    store.create_story(&memory).await.unwrap();
    assert!(!store.get_story(memory.id).await.unwrap().story.ai_excluded);

    let excluded = store.set_story_ai_excluded(memory.id, true).await.unwrap();
    assert!(excluded.ai_excluded);
    assert!(store.get_story(memory.id).await.unwrap().story.ai_excluded);
    let listed = store
        .list_stories(
            grandma.id,
            mosaic_domain::ReadScope::public_only(),
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert!(listed.items[0].story.ai_excluded);

    let edited = store
        .update_story(
            memory.id,
            &draft("garden, again", Visibility::Public),
            mosaic_domain::RevisionId::from_uuid(new_id()),
            at(3),
        )
        .await
        .unwrap();
    assert!(edited.ai_excluded);

    let included = store.set_story_ai_excluded(memory.id, false).await.unwrap();
    assert!(!included.ai_excluded);

    store
        .set_story_deleted(memory.id, Some(at(4)))
        .await
        .unwrap();
    assert!(matches!(
        store.set_story_ai_excluded(memory.id, true).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store
            .set_story_ai_excluded(StoryId::from_uuid(new_id()), true)
            .await,
        Err(RepoError::NotFound)
    ));
}

/// The companion's search leaves out the stories kept away from it, inside
/// the ranked query (the page is still full), and only when asked to.
pub async fn companion_search_leaves_out_opted_out_stories<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, at(1)).await;
    let mut kept_out = Vec::new();
    for i in 0..4 {
        let memory = story(
            grandma.id,
            alice.id,
            &format!("pierogi {i}"),
            Visibility::Public,
            at(2 + i),
        );
        store.create_story(&memory).await.unwrap();
        if i % 2 == 0 {
            store.set_story_ai_excluded(memory.id, true).await.unwrap();
            kept_out.push(memory.id);
        }
    }
    let access =
        mosaic_domain::LegacyAccess::user(grandma.id, alice.id, Some(mosaic_domain::Role::Creator));
    let query = mosaic_domain::StoryQuery::parse("pierogi ").unwrap();
    let page = mosaic_domain::SearchPageRequest::first().with_limit(2);
    let companion = mosaic_ports::SearchFilters {
        companion_only: true,
        ..mosaic_ports::SearchFilters::default()
    };
    let hits = store
        .search_stories(
            &query,
            mosaic_domain::SearchScope::legacy(&access),
            &companion,
            page,
        )
        .await
        .unwrap()
        .hits;
    assert_eq!(hits.len(), 2, "the page is full of eligible stories");
    assert!(hits.iter().all(|hit| !kept_out.contains(&hit.story_id)));
    let everyone = store
        .search_stories(
            &query,
            mosaic_domain::SearchScope::legacy(&access),
            &mosaic_ports::SearchFilters::default(),
            mosaic_domain::SearchPageRequest::first().with_limit(10),
        )
        .await
        .unwrap()
        .hits;
    assert_eq!(everyone.len(), 4);
}
