//! The operator's use cases ([`AdminService`]) over mocked ports. A mock
//! without an expectation panics when called, so "nothing was written" is
//! checked by not expecting the write.

use std::sync::Arc;

use mosaic_domain::*;
use mosaic_ports::*;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);

fn legacy_id() -> LegacyId {
    LegacyId::from_uuid(Uuid::from_u128(1))
}
fn creator() -> UserId {
    UserId::from_uuid(Uuid::from_u128(10))
}
fn relative() -> UserId {
    UserId::from_uuid(Uuid::from_u128(11))
}

fn legacy() -> Legacy {
    Legacy {
        id: legacy_id(),
        name: LegacyName::new("Jane Doe").unwrap(),
        dates: LifeDates::new(None, None).unwrap(),
        biography: None,
        created_by: creator(),
        created_at: NOW,
        updated_at: NOW,
    }
}

fn membership(user: UserId, role: Role) -> Membership {
    Membership {
        legacy_id: legacy_id(),
        user_id: user,
        role,
        joined_at: NOW,
    }
}

/// Mocks the tests fill in, then turn into an [`AdminService`].
#[derive(Default)]
struct Mocks {
    legacies: MockLegacyRepo,
    memberships: MockMembershipRepo,
    sessions: MockSessionRepo,
    storage: MockObjectStorage,
    admin: MockAdminRepo,
}

impl Mocks {
    fn service(self) -> AdminService {
        let mut clock = MockClock::new();
        clock.expect_now().returning(|| NOW);
        let ports = Ports {
            users: Arc::new(MockUserRepo::new()),
            legacies: Arc::new(self.legacies),
            memberships: Arc::new(self.memberships),
            stories: Arc::new(MockStoryRepo::new()),
            media: Arc::new(MockMediaRepo::new()),
            search: Arc::new(MockStorySearch::new()),
            sessions: Arc::new(self.sessions),
            storage: Arc::new(self.storage),
            clock: Arc::new(clock),
            ids: Arc::new(RandomIds),
        };
        AdminService::new(
            MosaicService::new(ports, ServiceSettings::default()),
            Arc::new(self.admin),
        )
    }
}

#[tokio::test]
async fn transfer_acts_as_the_legacys_creator_under_the_same_rules() {
    let mut mocks = Mocks::default();
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Ok(legacy()));
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, user| {
            Ok(Some(if user == creator() {
                membership(creator(), Role::Creator)
            } else {
                membership(relative(), Role::Member)
            }))
        });
    mocks
        .memberships
        .expect_transfer_creator()
        .withf(|t| t.from == creator() && t.to == relative() && t.legacy_id == legacy_id())
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .service()
        .transfer_legacy(legacy_id(), relative())
        .await
        .expect("transfer");
}

#[tokio::test]
async fn transfer_to_a_pending_member_is_refused_and_changes_nothing() {
    let mut mocks = Mocks::default();
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Ok(legacy()));
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, user| {
            Ok(Some(if user == creator() {
                membership(creator(), Role::Creator)
            } else {
                membership(relative(), Role::Pending)
            }))
        });
    let result = mocks
        .service()
        .transfer_legacy(legacy_id(), relative())
        .await;
    assert!(
        matches!(result, Err(ServiceError::Membership(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn delete_removes_the_legacy_and_then_its_media_objects() {
    let mut mocks = Mocks::default();
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Ok(legacy()));
    mocks
        .memberships
        .expect_get_membership()
        .returning(|_, _| Ok(Some(membership(creator(), Role::Creator))));
    mocks
        .legacies
        .expect_delete_legacy()
        .times(1)
        .returning(|_| Ok(vec!["legacies/1/media/2".to_owned()]));
    mocks
        .storage
        .expect_delete()
        .withf(|key| key.starts_with("legacies/1/media/2"))
        .returning(|_| Ok(()));
    mocks
        .service()
        .delete_legacy(legacy_id())
        .await
        .expect("delete");
}

#[tokio::test]
async fn a_missing_legacy_is_not_found_and_nothing_is_deleted() {
    let mut mocks = Mocks::default();
    mocks
        .legacies
        .expect_get_legacy()
        .returning(|_| Err(RepoError::NotFound));
    let result = mocks.service().delete_legacy(legacy_id()).await;
    assert!(matches!(
        result,
        Err(ServiceError::NotFound(Resource::Legacy))
    ));
}

#[tokio::test]
async fn stats_count_live_sessions_at_the_clocks_now() {
    let mut mocks = Mocks::default();
    mocks
        .admin
        .expect_store_counts()
        .withf(|now| *now == NOW)
        .returning(|_| {
            Ok(StoreCounts {
                users: 3,
                ..StoreCounts::default()
            })
        });
    assert_eq!(mocks.service().stats().await.unwrap().users, 3);
}

#[tokio::test]
async fn purging_sessions_deletes_those_ended_before_now() {
    let mut mocks = Mocks::default();
    mocks
        .sessions
        .expect_purge_sessions()
        .withf(|before| *before == NOW)
        .returning(|_| Ok(4));
    assert_eq!(mocks.service().purge_expired_sessions().await.unwrap(), 4);
}

#[tokio::test]
async fn a_restore_into_a_store_with_data_is_a_conflict() {
    let mut mocks = Mocks::default();
    mocks
        .admin
        .expect_begin_restore()
        .returning(|| Err(RepoError::Conflict("the database is not empty".into())));
    let result = mocks.service().begin_restore().await;
    assert!(matches!(result, Err(ServiceError::Conflict(_))));
}
