//! The application service over mocked ports: each use case loads what it
//! needs, asks the domain rules, and writes only when they allow it. A mock
//! without an expectation panics when called, so "the repository was never
//! asked to write" is checked by simply not expecting the write.

use std::sync::Arc;

use mosaic_domain::*;
use mosaic_ports::*;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);

fn legacy_id() -> LegacyId {
    LegacyId::from_uuid(Uuid::from_u128(1))
}
fn alice() -> UserId {
    UserId::from_uuid(Uuid::from_u128(10))
}
fn bob() -> UserId {
    UserId::from_uuid(Uuid::from_u128(11))
}
fn story_id() -> StoryId {
    StoryId::from_uuid(Uuid::from_u128(100))
}
fn new_id() -> Uuid {
    Uuid::from_u128(999)
}

fn legacy() -> Legacy {
    Legacy {
        id: legacy_id(),
        name: LegacyName::new("Jane Doe").unwrap(),
        dates: LifeDates::new(Some(date!(1950 - 01 - 01)), Some(date!(2024 - 01 - 01))).unwrap(),
        biography: None,
        created_by: alice(),
        created_at: NOW,
        updated_at: NOW,
    }
}

fn draft(visibility: Visibility) -> StoryDraft {
    StoryDraft {
        title: StoryTitle::new("Childhood Memory").unwrap(),
        content: StoryContent::new("She loved gardening...").unwrap(),
        visibility,
    }
}

fn story(author: UserId, visibility: Visibility) -> Story {
    let draft = draft(visibility);
    Story {
        id: story_id(),
        legacy_id: legacy_id(),
        author_id: author,
        title: draft.title,
        content: draft.content,
        visibility,
        created_at: NOW,
        updated_at: NOW,
        deleted_at: None,
        ai_excluded: false,
    }
}

fn user(id: UserId, disabled: bool) -> User {
    User {
        id,
        email: Email::new("alice@example.com").unwrap(),
        name: PersonName::new("Alice").unwrap(),
        avatar_url: None,
        is_admin: false,
        disabled,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn bob_name() -> PersonName {
    PersonName::new("Bob").unwrap()
}

fn membership(user: UserId, role: Role) -> Membership {
    Membership {
        legacy_id: legacy_id(),
        user_id: user,
        role,
        joined_at: NOW,
    }
}

/// One mock per port; set expectations, then build the service.
struct Mocks {
    users: MockUserRepo,
    legacies: MockLegacyRepo,
    memberships: MockMembershipRepo,
    stories: MockStoryRepo,
    media: MockMediaRepo,
    search: MockStorySearch,
    sessions: MockSessionRepo,
    storage: MockObjectStorage,
    /// `None`: no thumbnails ([`NoThumbnails`]).
    thumbnails: Option<MockThumbnailMaker>,
}

impl Mocks {
    fn new() -> Self {
        Self {
            users: MockUserRepo::new(),
            legacies: MockLegacyRepo::new(),
            memberships: MockMembershipRepo::new(),
            stories: MockStoryRepo::new(),
            media: MockMediaRepo::new(),
            search: MockStorySearch::new(),
            sessions: MockSessionRepo::new(),
            storage: MockObjectStorage::new(),
            thumbnails: None,
        }
    }

    /// The legacy exists.
    fn with_legacy(mut self) -> Self {
        self.legacies
            .expect_get_legacy()
            .returning(|_| Ok(legacy()));
        self
    }

    /// `user` has `role` in the legacy (`None`: no membership); everyone
    /// else has none.
    fn with_role(mut self, user: UserId, role: Option<Role>) -> Self {
        self.memberships
            .expect_get_membership()
            .returning(move |_, who| {
                Ok(if who == user {
                    role.map(|r| membership(user, r))
                } else {
                    None
                })
            });
        self
    }

    /// The story exists; its author is called "Bob" whoever it is.
    fn with_story(mut self, story: Story) -> Self {
        let view = StoryView {
            story,
            author_name: bob_name(),
        };
        self.stories
            .expect_get_story()
            .returning(move |_| Ok(view.clone()));
        self
    }

    fn service(self) -> MosaicService {
        let mut clock = MockClock::new();
        clock.expect_now().returning(|| NOW);
        let mut ids = MockIdGenerator::new();
        ids.expect_new_id().returning(new_id);
        ids.expect_new_secret().returning(|| [42; 32]);
        MosaicService::new(
            Ports {
                users: Arc::new(self.users),
                legacies: Arc::new(self.legacies),
                memberships: Arc::new(self.memberships),
                stories: Arc::new(self.stories),
                media: Arc::new(self.media),
                search: Arc::new(self.search),
                sessions: Arc::new(self.sessions),
                storage: Arc::new(self.storage),
                clock: Arc::new(clock),
                ids: Arc::new(ids),
            },
            ServiceSettings {
                media_quota_bytes: 1_000,
                ..ServiceSettings::default()
            },
        )
        .with_thumbnails(match self.thumbnails {
            Some(maker) => Arc::new(maker),
            None => Arc::new(NoThumbnails),
        })
    }
}

// ----- legacies -------------------------------------------------------------

#[tokio::test]
async fn creating_a_legacy_makes_the_caller_its_creator_in_one_call() {
    let mut mocks = Mocks::new();
    mocks
        .legacies
        .expect_create_legacy()
        .withf(|legacy, creator| {
            legacy.created_by == alice()
                && creator.user_id == alice()
                && creator.role == Role::Creator
                && creator.legacy_id == legacy.id
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let details = LegacyDetails {
        name: LegacyName::new("Jane Doe").unwrap(),
        dates: LifeDates::default(),
        biography: None,
    };
    let created = mocks
        .service()
        .create_legacy(alice(), details)
        .await
        .unwrap();
    assert_eq!(created.name.as_str(), "Jane Doe");
    assert_eq!(created.created_at, NOW);
}

#[tokio::test]
async fn a_member_cannot_update_the_legacy() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Member))
        .service();
    let details = LegacyDetails {
        name: LegacyName::new("X").unwrap(),
        dates: LifeDates::default(),
        biography: None,
    };
    assert!(matches!(
        service.update_legacy(bob(), legacy_id(), details).await,
        Err(ServiceError::Forbidden(_))
    ));
}

#[tokio::test]
async fn unknown_legacy_is_not_found() {
    let mut mocks = Mocks::new();
    mocks.stories.expect_list_stories().returning(|_, _, _| {
        Ok(Page {
            items: vec![],
            next: None,
        })
    });
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Err(RepoError::NotFound));
    let result = mocks
        .service()
        .list_stories(None, legacy_id(), PageRequest::first())
        .await;
    assert!(matches!(
        result,
        Err(ServiceError::NotFound(Resource::Legacy))
    ));
}

#[tokio::test]
async fn only_the_creator_deletes_a_legacy() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor))
        .service();
    assert!(matches!(
        service.delete_legacy(bob(), legacy_id()).await,
        Err(ServiceError::Forbidden(_))
    ));
}

#[tokio::test]
async fn deleting_a_legacy_removes_its_media_objects_after_the_records() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(alice(), Some(Role::Creator));
    mocks
        .legacies
        .expect_delete_legacy()
        .times(1)
        .returning(|_| Ok(vec!["k1".into(), "k2".into()]));
    for key in ["k1", "k2", "k1.thumb.jpg", "k2.thumb.jpg"] {
        mocks
            .storage
            .expect_delete()
            .withf(move |k| k == key)
            .times(1)
            .returning(|_| Ok(()));
    }
    mocks
        .service()
        .delete_legacy(alice(), legacy_id())
        .await
        .unwrap();
}

// ----- stories --------------------------------------------------------------

#[tokio::test]
async fn test_create_story_requires_membership() {
    // Not a member: refused, and nothing is written (no create_story expectation).
    let service = Mocks::new().with_legacy().with_role(bob(), None).service();
    let result = service
        .create_story(bob(), legacy_id(), draft(Visibility::Private))
        .await;
    assert!(
        matches!(result, Err(ServiceError::Forbidden(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_plain_member_cannot_write_stories() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Member))
        .service();
    let result = service
        .create_story(bob(), legacy_id(), draft(Visibility::Public))
        .await;
    assert!(matches!(result, Err(ServiceError::Forbidden(_))));
}

#[tokio::test]
async fn an_editor_writes_a_story_as_its_author() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor));
    mocks
        .stories
        .expect_create_story()
        .withf(|s| s.author_id == bob() && s.legacy_id == legacy_id() && s.created_at == NOW)
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .users
        .expect_get_user()
        .withf(|id| *id == bob())
        .times(1)
        .returning(|id| {
            Ok(User {
                name: bob_name(),
                ..user(id, false)
            })
        });
    let view = mocks
        .service()
        .create_story(bob(), legacy_id(), draft(Visibility::Private))
        .await
        .unwrap();
    assert_eq!(view.story.id, StoryId::from_uuid(new_id()));
    assert_eq!(view.story.deleted_at, None);
    assert_eq!(view.author_name, bob_name());
}

#[tokio::test]
async fn a_personal_story_of_someone_else_is_not_found() {
    let service = Mocks::new()
        .with_role(alice(), Some(Role::Creator))
        .with_story(story(bob(), Visibility::Personal))
        .service();
    assert!(matches!(
        service.get_story(Some(alice()), story_id()).await,
        Err(ServiceError::NotFound(Resource::Story))
    ));
}

#[tokio::test]
async fn a_private_story_is_not_found_for_visitors() {
    let service = Mocks::new()
        .with_story(story(alice(), Visibility::Private))
        .service();
    assert!(matches!(
        service.get_story(None, story_id()).await,
        Err(ServiceError::NotFound(Resource::Story))
    ));
}

#[tokio::test]
async fn a_deleted_story_is_not_found_by_a_plain_read() {
    let deleted = Story {
        deleted_at: Some(NOW),
        ..story(alice(), Visibility::Public)
    };
    let service = Mocks::new().with_story(deleted).service();
    assert!(matches!(
        service.get_story(None, story_id()).await,
        Err(ServiceError::NotFound(Resource::Story))
    ));
}

#[tokio::test]
async fn a_member_lists_with_the_family_scope_including_their_own_personal_stories() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Member));
    mocks
        .stories
        .expect_list_stories()
        .withf(|_, scope, _| scope.includes_private() && scope.personal_author() == Some(bob()))
        .times(1)
        .returning(|_, _, _| {
            Ok(Page {
                items: vec![],
                next: None,
            })
        });
    mocks
        .service()
        .list_stories(Some(bob()), legacy_id(), PageRequest::first())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_visitor_lists_with_the_public_scope() {
    let mut mocks = Mocks::new().with_legacy();
    mocks
        .stories
        .expect_list_stories()
        .withf(|_, scope, _| *scope == ReadScope::public_only())
        .times(1)
        .returning(|_, _, _| {
            Ok(Page {
                items: vec![],
                next: None,
            })
        });
    mocks
        .service()
        .list_stories(None, legacy_id(), PageRequest::first())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_pending_member_lists_like_a_stranger_plus_their_own_personal_stories() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Pending));
    mocks
        .stories
        .expect_list_stories()
        .withf(|_, scope, _| !scope.includes_private() && scope.personal_author() == Some(bob()))
        .times(1)
        .returning(|_, _, _| {
            Ok(Page {
                items: vec![],
                next: None,
            })
        });
    mocks
        .service()
        .list_stories(Some(bob()), legacy_id(), PageRequest::first())
        .await
        .unwrap();
}

#[tokio::test]
async fn only_the_author_edits_and_the_edit_keeps_a_revision() {
    let service = Mocks::new()
        .with_role(alice(), Some(Role::Creator))
        .with_story(story(bob(), Visibility::Private))
        .service();
    let result = service
        .update_story(alice(), story_id(), draft(Visibility::Public), None)
        .await;
    assert!(matches!(result, Err(ServiceError::Forbidden(_))));

    let mut mocks = Mocks::new()
        .with_role(bob(), Some(Role::Editor))
        .with_story(story(bob(), Visibility::Private));
    mocks
        .stories
        .expect_update_story()
        .withf(|id, d, revision, at| {
            *id == story_id()
                && d.visibility == Visibility::Public
                && *revision == RevisionId::from_uuid(new_id())
                && *at == NOW
        })
        .times(1)
        .returning(|_, _, _, _| Ok(story(bob(), Visibility::Public)));
    let view = mocks
        .service()
        .update_story(bob(), story_id(), draft(Visibility::Public), None)
        .await
        .unwrap();
    assert_eq!(view.story.visibility, Visibility::Public);
    assert_eq!(view.author_name, bob_name());
}

#[tokio::test]
async fn the_creator_deletes_a_family_story_softly() {
    let mut mocks = Mocks::new()
        .with_role(alice(), Some(Role::Creator))
        .with_story(story(bob(), Visibility::Private));
    mocks
        .stories
        .expect_set_story_deleted()
        .withf(|_, deleted_at| *deleted_at == Some(NOW))
        .times(1)
        .returning(|_, _| {
            Ok(Story {
                deleted_at: Some(NOW),
                ..story(bob(), Visibility::Private)
            })
        });
    let deleted = mocks
        .service()
        .delete_story(alice(), story_id())
        .await
        .unwrap();
    assert_eq!(deleted.story.deleted_at, Some(NOW));
    assert_eq!(deleted.author_name, bob_name());
}

#[tokio::test]
async fn a_deleted_story_is_restorable_for_thirty_days_only() {
    let recently = Story {
        deleted_at: Some(NOW - Duration::days(1)),
        ..story(bob(), Visibility::Public)
    };
    let mut mocks = Mocks::new()
        .with_role(bob(), Some(Role::Editor))
        .with_story(recently);
    mocks
        .stories
        .expect_set_story_deleted()
        .withf(|_, deleted_at| deleted_at.is_none())
        .times(1)
        .returning(|_, _| Ok(story(bob(), Visibility::Public)));
    mocks
        .service()
        .restore_story(bob(), story_id())
        .await
        .unwrap();

    let long_ago = Story {
        deleted_at: Some(NOW - Duration::days(31)),
        ..story(bob(), Visibility::Public)
    };
    let service = Mocks::new()
        .with_role(bob(), Some(Role::Editor))
        .with_story(long_ago)
        .service();
    assert!(matches!(
        service.restore_story(bob(), story_id()).await,
        Err(ServiceError::NotFound(Resource::Story))
    ));
}

#[tokio::test]
async fn restoring_a_story_that_is_not_deleted_is_a_conflict() {
    let service = Mocks::new()
        .with_role(bob(), Some(Role::Editor))
        .with_story(story(bob(), Visibility::Public))
        .service();
    assert!(matches!(
        service.restore_story(bob(), story_id()).await,
        Err(ServiceError::Conflict(_))
    ));
}

#[tokio::test]
async fn restoring_an_earlier_version_writes_it_as_a_new_edit() {
    let mut mocks = Mocks::new()
        .with_role(bob(), Some(Role::Editor))
        .with_story(story(bob(), Visibility::Private));
    let revision = RevisionId::from_uuid(Uuid::from_u128(500));
    mocks
        .stories
        .expect_get_revision()
        .returning(move |story, id| {
            Ok(StoryRevision {
                id,
                story_id: story,
                draft: draft(Visibility::Personal),
                replaced_at: NOW,
            })
        });
    mocks
        .stories
        .expect_update_story()
        .withf(|_, d, new_revision, _| {
            d.visibility == Visibility::Personal && *new_revision == RevisionId::from_uuid(new_id())
        })
        .times(1)
        .returning(|_, _, _, _| Ok(story(bob(), Visibility::Personal)));
    mocks
        .service()
        .restore_story_revision(bob(), story_id(), revision)
        .await
        .unwrap();
}

#[tokio::test]
async fn history_is_hidden_from_plain_members() {
    let service = Mocks::new()
        .with_role(alice(), Some(Role::Member))
        .with_story(story(bob(), Visibility::Public))
        .service();
    assert!(matches!(
        service.list_story_revisions(alice(), story_id()).await,
        Err(ServiceError::Forbidden(_))
    ));
}

// ----- membership -----------------------------------------------------------

#[tokio::test]
async fn joining_creates_a_pending_membership() {
    let mut mocks = Mocks::new().with_legacy().with_role(bob(), None);
    mocks
        .memberships
        .expect_add_membership()
        .withf(|m| m.role == Role::Pending && m.user_id == bob())
        .times(1)
        .returning(|_| Ok(()));
    let joined = mocks
        .service()
        .join_legacy(bob(), legacy_id())
        .await
        .unwrap();
    assert_eq!(joined.role, Role::Pending);
}

#[tokio::test]
async fn joining_twice_is_refused_even_when_the_second_request_races_the_first() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Pending))
        .service();
    assert!(matches!(
        service.join_legacy(bob(), legacy_id()).await,
        Err(ServiceError::Membership(MembershipError::AlreadyMember))
    ));

    // The lookup saw no membership, but a concurrent join stored one first.
    let mut mocks = Mocks::new().with_legacy().with_role(bob(), None);
    mocks
        .memberships
        .expect_add_membership()
        .returning(|_| Err(RepoError::AlreadyMember));
    assert!(matches!(
        mocks.service().join_legacy(bob(), legacy_id()).await,
        Err(ServiceError::Membership(MembershipError::AlreadyMember))
    ));
}

#[tokio::test]
async fn the_creator_approves_a_pending_request() {
    let mut mocks = Mocks::new().with_legacy();
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, who| {
            Ok(Some(membership(
                who,
                if who == alice() {
                    Role::Creator
                } else {
                    Role::Pending
                },
            )))
        });
    mocks
        .memberships
        .expect_set_role()
        .withf(|_, who, role| *who == bob() && *role == Role::Member)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let approved = mocks
        .service()
        .approve_member(alice(), legacy_id(), bob())
        .await
        .unwrap();
    assert_eq!(approved.role, Role::Member);
}

#[tokio::test]
async fn approving_someone_not_pending_is_refused() {
    let mut mocks = Mocks::new().with_legacy();
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, who| {
            Ok(Some(membership(
                who,
                if who == alice() {
                    Role::Creator
                } else {
                    Role::Member
                },
            )))
        });
    assert!(matches!(
        mocks
            .service()
            .approve_member(alice(), legacy_id(), bob())
            .await,
        Err(ServiceError::Membership(MembershipError::NotPending))
    ));
}

#[tokio::test]
async fn approving_a_stranger_is_not_found() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(alice(), Some(Role::Creator))
        .service();
    assert!(matches!(
        service.approve_member(alice(), legacy_id(), bob()).await,
        Err(ServiceError::NotFound(Resource::Member))
    ));
}

#[tokio::test]
async fn an_editor_cannot_manage_members() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor))
        .service();
    assert!(matches!(
        service.remove_member(bob(), legacy_id(), alice()).await,
        Err(ServiceError::Forbidden(_))
    ));
}

#[tokio::test]
async fn removing_oneself_is_leaving() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Member));
    mocks
        .memberships
        .expect_remove_membership()
        .withf(|_, who| *who == bob())
        .times(1)
        .returning(|_, _| Ok(()));
    mocks
        .service()
        .remove_member(bob(), legacy_id(), bob())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_creator_cannot_leave_without_a_transfer() {
    let service = Mocks::new()
        .with_legacy()
        .with_role(alice(), Some(Role::Creator))
        .service();
    assert!(matches!(
        service.leave_legacy(alice(), legacy_id()).await,
        Err(ServiceError::Membership(MembershipError::CreatorIsFixed))
    ));
}

#[tokio::test]
async fn a_transfer_is_one_repository_call() {
    let mut mocks = Mocks::new().with_legacy();
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, who| {
            Ok(Some(membership(
                who,
                if who == alice() {
                    Role::Creator
                } else {
                    Role::Member
                },
            )))
        });
    mocks
        .memberships
        .expect_transfer_creator()
        .withf(|t| t.from == alice() && t.to == bob() && t.former_creator_role == Role::Editor)
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .service()
        .transfer_legacy(alice(), legacy_id(), bob())
        .await
        .unwrap();
}

#[tokio::test]
async fn pending_requests_are_listed_for_the_creator_only() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor));
    mocks
        .memberships
        .expect_list_members()
        .withf(|_, include_pending| !include_pending)
        .times(1)
        .returning(|_, _| Ok(vec![]));
    mocks
        .service()
        .list_members(bob(), legacy_id())
        .await
        .unwrap();

    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(alice(), Some(Role::Creator));
    mocks
        .memberships
        .expect_list_members()
        .withf(|_, include_pending| *include_pending)
        .times(1)
        .returning(|_, _| Ok(vec![]));
    mocks
        .service()
        .list_members(alice(), legacy_id())
        .await
        .unwrap();
}

// ----- sessions ---------------------------------------------------------------

fn session(expires_at: OffsetDateTime, revoked_at: Option<OffsetDateTime>) -> Session {
    Session {
        id: SessionId::from_uuid(Uuid::from_u128(7)),
        user_id: alice(),
        token_hash: TokenHash::from_bytes([0; 32]),
        created_at: NOW - Duration::days(1),
        expires_at,
        revoked_at,
    }
}

#[tokio::test]
async fn a_live_session_signs_its_user_in() {
    let mut mocks = Mocks::new();
    mocks.sessions.expect_find_signed_in().returning(|_| {
        Ok(Some((
            session(NOW + Duration::days(1), None),
            user(alice(), false),
        )))
    });
    let (user, _) = mocks.service().authenticate("token").await.unwrap();
    assert_eq!(user.id, alice());
}

#[tokio::test]
async fn expired_revoked_unknown_and_disabled_sessions_sign_nobody_in() {
    let cases: [(Option<Session>, bool); 4] = [
        (Some(session(NOW, None)), false),
        (Some(session(NOW + Duration::days(1), Some(NOW))), false),
        (None, false),
        (Some(session(NOW + Duration::days(1), None)), true),
    ];
    for (found, disabled) in cases {
        let mut mocks = Mocks::new();
        mocks
            .sessions
            .expect_find_signed_in()
            .returning(move |_| Ok(found.clone().map(|s| (s, user(alice(), disabled)))));
        assert!(matches!(
            mocks.service().authenticate("token").await,
            Err(ServiceError::Unauthenticated)
        ));
    }
}

#[tokio::test]
async fn a_new_session_stores_only_the_hash_of_its_token() {
    let mut mocks = Mocks::new();
    mocks
        .users
        .expect_get_user()
        .returning(|id| Ok(user(id, false)));
    mocks
        .sessions
        .expect_create_session()
        .times(1)
        .returning(|_| Ok(()));
    let started = mocks.service().start_session(alice()).await.unwrap();
    assert_eq!(started.token, "2a".repeat(32));
    assert_ne!(started.session.token_hash.as_bytes(), &[42; 32]);
    assert_eq!(started.session.expires_at, NOW + SESSION_LIFETIME);
}

#[tokio::test]
async fn signing_out_revokes_the_session_on_the_server() {
    let mut mocks = Mocks::new();
    mocks
        .sessions
        .expect_find_session()
        .returning(|_| Ok(Some(session(NOW + Duration::days(1), None))));
    mocks
        .sessions
        .expect_revoke_session()
        .withf(|_, at| *at == NOW)
        .times(1)
        .returning(|_, _| Ok(()));
    mocks.service().end_session("token").await.unwrap();
}

#[tokio::test]
async fn disabling_a_user_revokes_all_their_sessions() {
    let mut mocks = Mocks::new();
    mocks
        .users
        .expect_get_user()
        .returning(|id| Ok(user(id, false)));
    mocks
        .users
        .expect_update_user()
        .withf(|u| u.disabled)
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .sessions
        .expect_revoke_user_sessions()
        .withf(|who, _| *who == alice())
        .times(1)
        .returning(|_, _| Ok(2));
    mocks
        .service()
        .set_user_disabled(alice(), true)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_used_sign_in_link_signs_nobody_in() {
    let mut mocks = Mocks::new();
    mocks
        .sessions
        .expect_consume_sign_in_link()
        .returning(|_, _| Ok(None));
    assert!(matches!(
        mocks.service().redeem_sign_in_link("token").await,
        Err(ServiceError::Unauthenticated)
    ));
}

// ----- media ----------------------------------------------------------------

fn png_upload(size: u64) -> UploadRequest {
    UploadRequest::new("garden.png", "image/png", size).unwrap()
}

fn media_id() -> MediaId {
    MediaId::from_uuid(Uuid::from_u128(300))
}

fn uploader_mocks() -> Mocks {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor));
    mocks
        .media
        .expect_get_media()
        .returning(|_| Err(RepoError::NotFound));
    mocks
        .media
        .expect_media_bytes_of_user()
        .returning(|_| Ok(0));
    mocks
}

#[tokio::test]
async fn an_upload_over_the_quota_is_refused_before_presigning() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Editor));
    mocks
        .media
        .expect_media_bytes_of_user()
        .returning(|_| Ok(900));
    let result = mocks
        .service()
        .request_upload(bob(), legacy_id(), &png_upload(200))
        .await;
    assert!(matches!(
        result,
        Err(ServiceError::QuotaExceeded {
            quota_bytes: 1_000,
            used_bytes: 900
        })
    ));
}

#[tokio::test]
async fn a_stored_file_of_another_size_is_deleted_and_refused() {
    let mut mocks = uploader_mocks();
    mocks
        .storage
        .expect_head()
        .returning(|_| Ok(Some(ObjectInfo { size_bytes: 99 })));
    mocks.storage.expect_delete().times(1).returning(|_| Ok(()));
    let result = mocks
        .service()
        .register_media(bob(), legacy_id(), media_id(), png_upload(100))
        .await;
    assert!(
        matches!(
            result,
            Err(ServiceError::Invalid(ValidationError::Upload(_)))
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_stored_file_with_the_wrong_magic_number_is_deleted_and_refused() {
    let mut mocks = uploader_mocks();
    mocks
        .storage
        .expect_head()
        .returning(|_| Ok(Some(ObjectInfo { size_bytes: 100 })));
    mocks
        .storage
        .expect_read_prefix()
        .returning(|_, _| Ok(b"\0\0\0\x18ftypisom".to_vec()));
    mocks.storage.expect_delete().times(1).returning(|_| Ok(()));
    let result = mocks
        .service()
        .register_media(bob(), legacy_id(), media_id(), png_upload(100))
        .await;
    assert!(matches!(
        result,
        Err(ServiceError::Invalid(ValidationError::Upload(_)))
    ));
}

#[tokio::test]
async fn a_checked_upload_is_registered_under_an_id_based_key() {
    let mut mocks = uploader_mocks();
    mocks
        .storage
        .expect_head()
        .returning(|_| Ok(Some(ObjectInfo { size_bytes: 100 })));
    mocks
        .storage
        .expect_read_prefix()
        .returning(|_, _| Ok(b"\x89PNG\r\n\x1a\n\0\0\0\0".to_vec()));
    mocks
        .media
        .expect_create_media()
        .withf(|m| {
            m.storage_key == media_storage_key(legacy_id(), media_id()) && m.uploaded_by == bob()
        })
        .times(1)
        .returning(|_| Ok(()));
    let record = mocks
        .service()
        .register_media(bob(), legacy_id(), media_id(), png_upload(100))
        .await
        .unwrap();
    assert!(record.created);
    assert_eq!(record.record.file_name.as_str(), "garden.png");
}

#[tokio::test]
async fn media_of_a_legacy_is_hidden_from_strangers() {
    let mut mocks = Mocks::new().with_role(alice(), None);
    mocks.media.expect_get_media().returning(|id| {
        Ok(MediaRecord {
            id,
            uploaded_by: bob(),
            legacy_id: Some(legacy_id()),
            storage_key: "k".into(),
            file_name: FileName::new("a.png").unwrap(),
            media_type: MediaType::Png,
            size_bytes: 1,
            created_at: NOW,
        })
    });
    let result = mocks
        .service()
        .media_download(Some(alice()), media_id())
        .await;
    assert!(matches!(
        result,
        Err(ServiceError::NotFound(Resource::Media))
    ));
}

// ----- thumbnails and orphaned objects ---------------------------------------

fn registered_png_mocks() -> Mocks {
    let mut mocks = uploader_mocks();
    mocks
        .storage
        .expect_head()
        .returning(|_| Ok(Some(ObjectInfo { size_bytes: 100 })));
    mocks.storage.expect_read_prefix().returning(|_, len| {
        Ok([b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 92]].concat()[..len.min(100)].to_vec())
    });
    mocks
        .media
        .expect_create_media()
        .times(1)
        .returning(|_| Ok(()));
    mocks
}

#[tokio::test]
async fn a_registered_photo_gets_its_thumbnail_stored_next_to_it() {
    let mut mocks = registered_png_mocks();
    let mut maker = MockThumbnailMaker::new();
    maker.expect_supports().returning(|t| t.is_image());
    maker
        .expect_make_thumbnail()
        .withf(|t, original| *t == MediaType::Png && original.len() == 100)
        .times(1)
        .returning(|_, _| {
            Ok(Thumbnail {
                jpeg: vec![0xFF, 0xD8, 0xFF],
                width: 4,
                height: 3,
            })
        });
    mocks.thumbnails = Some(maker);
    let expected_key = thumbnail_storage_key(&media_storage_key(legacy_id(), media_id()));
    mocks
        .storage
        .expect_put()
        .withf(move |key, t, bytes| {
            key == expected_key && *t == MediaType::Jpeg && bytes == &[0xFF, 0xD8, 0xFF]
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    mocks
        .service()
        .register_media(bob(), legacy_id(), media_id(), png_upload(100))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_photo_whose_thumbnail_fails_is_still_registered() {
    let mut mocks = registered_png_mocks();
    let mut maker = MockThumbnailMaker::new();
    maker.expect_supports().returning(|_| true);
    maker.expect_make_thumbnail().times(1).returning(|_, _| {
        Err(ThumbnailError::TooLarge {
            width: 100_000,
            height: 100_000,
        })
    });
    mocks.thumbnails = Some(maker);
    mocks.storage.expect_put().times(0);
    let record = mocks
        .service()
        .register_media(bob(), legacy_id(), media_id(), png_upload(100))
        .await
        .unwrap();
    assert_eq!(record.record.id, media_id());
}

fn stored(key: &str, age: Duration) -> StoredObject {
    StoredObject {
        key: key.to_owned(),
        size_bytes: 10,
        last_modified: NOW - age,
    }
}

fn orphan_mocks() -> Mocks {
    let mut mocks = Mocks::new();
    mocks
        .storage
        .expect_list()
        .withf(|p| p == "legacies/")
        .returning(|_| {
            Ok(vec![
                stored("legacies/l/media/kept", Duration::days(30)),
                stored("legacies/l/media/kept.thumb.jpg", Duration::days(30)),
                stored("legacies/l/media/old", Duration::hours(25)),
                stored("legacies/l/media/old.thumb.jpg", Duration::hours(25)),
                stored("legacies/l/media/uploading", Duration::minutes(5)),
            ])
        });
    mocks
        .media
        .expect_existing_storage_keys()
        .returning(|keys| {
            Ok(keys
                .iter()
                .filter(|k| k.as_str() == "legacies/l/media/kept")
                .cloned()
                .collect())
        });
    mocks
}

#[tokio::test]
async fn orphaned_objects_past_the_grace_period_are_deleted_with_their_thumbnails() {
    let mut mocks = orphan_mocks();
    for key in ["legacies/l/media/old", "legacies/l/media/old.thumb.jpg"] {
        mocks
            .storage
            .expect_delete()
            .withf(move |k| k == key)
            .times(1)
            .returning(|_| Ok(()));
    }
    let report = mocks
        .service()
        .collect_orphan_media(Duration::hours(24), false)
        .await
        .unwrap();
    assert_eq!(report.scanned, 5);
    assert_eq!(report.recent_unregistered, 1);
    let removed: Vec<&str> = report.orphans.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        removed,
        ["legacies/l/media/old", "legacies/l/media/old.thumb.jpg"]
    );
    assert!(report.failed.is_empty());
}

#[tokio::test]
async fn an_orphan_that_cannot_be_deleted_is_reported_as_failed() {
    let mut mocks = orphan_mocks();
    mocks.storage.expect_delete().returning(|key| {
        if key.ends_with(".thumb.jpg") {
            Err(StorageError::Unavailable(anyhow::anyhow!("store down")))
        } else {
            Ok(())
        }
    });
    let report = mocks
        .service()
        .collect_orphan_media(Duration::hours(24), false)
        .await
        .unwrap();
    assert_eq!(report.orphans.len(), 2);
    assert_eq!(report.failed, ["legacies/l/media/old.thumb.jpg"]);
}

#[tokio::test]
async fn a_dry_run_of_orphan_collection_deletes_nothing() {
    let mut mocks = orphan_mocks();
    mocks.storage.expect_delete().times(0);
    let report = mocks
        .service()
        .collect_orphan_media(Duration::hours(24), true)
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.orphans.len(), 2);
}

/// Two search hits: the fixture legacy and another one.
fn search_hits() -> Page<Legacy> {
    let other = Legacy {
        id: LegacyId::from_uuid(Uuid::from_u128(2)),
        ..legacy()
    };
    Page {
        items: vec![legacy(), other],
        next: None,
    }
}

#[tokio::test]
async fn a_visitor_searches_without_roles_and_no_membership_lookup() {
    let mut mocks = Mocks::new();
    mocks
        .legacies
        .expect_search_legacies()
        .times(1)
        .returning(|_, _| Ok(search_hits()));
    let found = mocks
        .service()
        .search_legacies(
            None,
            &SearchQuery::new("Doe").unwrap(),
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 2);
    assert!(found.items.iter().all(|view| view.role.is_none()));
}

#[tokio::test]
async fn a_signed_in_search_reads_the_roles_of_the_whole_page_at_once() {
    let mut mocks = Mocks::new();
    mocks
        .legacies
        .expect_search_legacies()
        .times(1)
        .returning(|_, _| Ok(search_hits()));
    mocks
        .memberships
        .expect_roles_of_user_in()
        .withf(|user, legacies| {
            *user == bob() && legacies == [legacy_id(), LegacyId::from_uuid(Uuid::from_u128(2))]
        })
        .times(1)
        .returning(|_, _| Ok([(legacy_id(), Role::Pending)].into_iter().collect()));
    let found = mocks
        .service()
        .search_legacies(
            Some(bob()),
            &SearchQuery::new("Doe").unwrap(),
            PageRequest::first(),
        )
        .await
        .unwrap();
    let roles: Vec<Option<Role>> = found.items.iter().map(|view| view.role).collect();
    assert_eq!(roles, [Some(Role::Pending), None]);
}

#[tokio::test]
async fn a_signed_in_search_without_hits_asks_for_no_roles() {
    let mut mocks = Mocks::new();
    mocks
        .legacies
        .expect_search_legacies()
        .times(1)
        .returning(|_, _| {
            Ok(Page {
                items: vec![],
                next: None,
            })
        });
    let found = mocks
        .service()
        .search_legacies(
            Some(bob()),
            &SearchQuery::new("Nobody").unwrap(),
            PageRequest::first(),
        )
        .await
        .unwrap();
    assert!(found.items.is_empty());
}

// ----- story search ---------------------------------------------------------

fn rose() -> StoryQuery {
    StoryQuery::parse("rose").unwrap()
}

#[tokio::test]
async fn a_search_in_one_legacy_uses_the_callers_read_scope_there() {
    let mut mocks = Mocks::new()
        .with_legacy()
        .with_role(bob(), Some(Role::Pending));
    mocks
        .search
        .expect_search_stories()
        .withf(|_, scope, _, _| {
            *scope
                == SearchScope::Legacy {
                    legacy: legacy_id(),
                    read: LegacyAccess::user(legacy_id(), bob(), Some(Role::Pending)).read_scope(),
                }
        })
        .times(1)
        .returning(|_, _, _, _| Ok(SearchResults::default()));
    mocks
        .service()
        .search_stories(
            Some(bob()),
            Some(legacy_id()),
            &rose(),
            &SearchFilters::default(),
            SearchPageRequest::first(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_visitor_searches_one_legacy_with_the_public_scope() {
    let mut mocks = Mocks::new().with_legacy();
    mocks
        .search
        .expect_search_stories()
        .withf(|_, scope, _, _| {
            *scope
                == SearchScope::Legacy {
                    legacy: legacy_id(),
                    read: ReadScope::public_only(),
                }
        })
        .times(1)
        .returning(|_, _, _, _| Ok(SearchResults::default()));
    mocks
        .service()
        .search_stories(
            None,
            Some(legacy_id()),
            &rose(),
            &SearchFilters::default(),
            SearchPageRequest::first(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_search_across_legacies_needs_a_signed_in_caller() {
    let service = Mocks::new().service();
    assert!(matches!(
        service
            .search_stories(
                None,
                None,
                &rose(),
                &SearchFilters::default(),
                SearchPageRequest::first()
            )
            .await,
        Err(ServiceError::Unauthenticated)
    ));
    let mut mocks = Mocks::new();
    mocks
        .search
        .expect_search_stories()
        .withf(|_, scope, _, _| *scope == SearchScope::my_legacies(bob()))
        .times(1)
        .returning(|_, _, _, _| Ok(SearchResults::default()));
    mocks
        .service()
        .search_stories(
            Some(bob()),
            None,
            &rose(),
            &SearchFilters::default(),
            SearchPageRequest::first(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn searching_an_unknown_legacy_is_not_found() {
    let mut mocks = Mocks::new();
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Err(RepoError::NotFound));
    assert!(matches!(
        mocks
            .service()
            .search_stories(
                Some(bob()),
                Some(legacy_id()),
                &rose(),
                &SearchFilters::default(),
                SearchPageRequest::first()
            )
            .await,
        Err(ServiceError::NotFound(Resource::Legacy))
    ));
}
