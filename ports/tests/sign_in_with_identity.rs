//! `sign_in_with_identity` over mocked ports: which account a provider's
//! identity opens, when it may create one, and what it may change. A mock
//! without an expectation panics when called, so "never linked" or "never
//! created" is checked by not expecting the call.

use std::sync::Arc;

use mosaic_domain::*;
use mosaic_ports::*;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);
const ISSUER: &str = "https://accounts.google.com";

fn alice() -> UserId {
    UserId::from_uuid(Uuid::from_u128(10))
}
fn bob() -> UserId {
    UserId::from_uuid(Uuid::from_u128(11))
}
fn new_id() -> Uuid {
    Uuid::from_u128(999)
}

fn account(id: UserId, email: &str, disabled: bool) -> User {
    User {
        id,
        email: Email::new(email).unwrap(),
        name: PersonName::new("Old Name").unwrap(),
        avatar_url: None,
        is_admin: false,
        disabled,
        created_at: NOW,
        updated_at: NOW,
    }
}

fn identity(email: &str, verified: bool) -> VerifiedIdentity {
    VerifiedIdentity {
        issuer: ISSUER.to_owned(),
        subject: "sub-1".to_owned(),
        email: Some(email.to_owned()),
        email_verified: verified,
        name: Some("Alice Liddell".to_owned()),
        picture: Some("https://example.test/alice.png".to_owned()),
    }
}

struct Mocks {
    users: MockUserRepo,
    sessions: MockSessionRepo,
}

impl Mocks {
    fn new() -> Self {
        Self {
            users: MockUserRepo::new(),
            sessions: MockSessionRepo::new(),
        }
    }

    /// `find_user_by_identity` answers `linked`.
    fn linked(mut self, linked: Option<User>) -> Self {
        self.users
            .expect_find_user_by_identity()
            .returning(move |_, _| Ok(linked.clone()));
        self
    }

    /// `find_user_by_email` answers `holder` for every address.
    fn email_holder(mut self, holder: Option<User>) -> Self {
        self.users
            .expect_find_user_by_email()
            .returning(move |_| Ok(holder.clone()));
        self
    }

    /// A session can be started for `user` (not disabled).
    fn session_for(mut self, user: User) -> Self {
        self.users
            .expect_get_user()
            .returning(move |_| Ok(user.clone()));
        self.sessions
            .expect_create_session()
            .times(1)
            .returning(|_| Ok(()));
        self
    }

    fn service(self) -> MosaicService {
        let mut clock = MockClock::new();
        clock.expect_now().returning(|| NOW);
        let mut ids = MockIdGenerator::new();
        ids.expect_new_id().returning(new_id);
        ids.expect_new_secret().returning(|| [7; 32]);
        MosaicService::new(
            Ports {
                users: Arc::new(self.users),
                legacies: Arc::new(MockLegacyRepo::new()),
                memberships: Arc::new(MockMembershipRepo::new()),
                stories: Arc::new(MockStoryRepo::new()),
                media: Arc::new(MockMediaRepo::new()),
                search: Arc::new(MockStorySearch::new()),
                sessions: Arc::new(self.sessions),
                storage: Arc::new(MockObjectStorage::new()),
                clock: Arc::new(clock),
                ids: Arc::new(ids),
            },
            ServiceSettings::default(),
        )
    }
}

#[tokio::test]
async fn a_linked_identity_signs_in_with_a_new_session_and_refreshes_name_and_picture() {
    let linked = account(alice(), "alice@example.com", false);
    let mut mocks = Mocks::new()
        .linked(Some(linked.clone()))
        .session_for(linked);
    mocks
        .users
        .expect_update_user()
        .withf(|u| {
            u.name.as_str() == "Alice Liddell"
                && u.avatar_url.as_deref() == Some("https://example.test/alice.png")
                && u.email.as_str() == "alice@example.com"
        })
        .times(1)
        .returning(|_| Ok(()));
    let started = mocks
        .service()
        .sign_in_with_identity(identity("alice@example.com", true), &SignUpPolicy::anyone())
        .await
        .unwrap();
    assert_eq!(started.session.user_id, alice());
    assert_eq!(started.token, "07".repeat(32));
}

#[tokio::test]
async fn a_verified_email_links_the_identity_to_the_existing_account() {
    let existing = account(alice(), "alice@example.com", false);
    let mut mocks = Mocks::new()
        .linked(None)
        .email_holder(Some(existing.clone()))
        .session_for(existing);
    mocks
        .users
        .expect_link_identity()
        .withf(|user, issuer, subject| *user == alice() && issuer == ISSUER && subject == "sub-1")
        .times(1)
        .returning(|_, _, _| Ok(()));
    mocks.users.expect_update_user().returning(|_| Ok(()));
    let started = mocks
        .service()
        .sign_in_with_identity(identity("alice@example.com", true), &SignUpPolicy::anyone())
        .await
        .unwrap();
    assert_eq!(started.session.user_id, alice());
}

#[tokio::test]
async fn an_unverified_email_is_neither_linked_nor_used_to_sign_up() {
    // No `find_user_by_email`, `link_identity` or `create_user` expected:
    // any of them would panic.
    let mocks = Mocks::new().linked(None);
    let result = mocks
        .service()
        .sign_in_with_identity(
            identity("alice@example.com", false),
            &SignUpPolicy::anyone(),
        )
        .await;
    assert!(
        matches!(result, Err(IdentitySignInError::EmailNotVerified)),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_identity_without_an_email_cannot_sign_up() {
    let mocks = Mocks::new().linked(None);
    let mut claims = identity("alice@example.com", true);
    claims.email = None;
    let result = mocks
        .service()
        .sign_in_with_identity(claims, &SignUpPolicy::anyone())
        .await;
    assert!(
        matches!(result, Err(IdentitySignInError::NoEmail)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_new_verified_identity_creates_an_account_named_from_the_claims() {
    let created = account(UserId::from_uuid(new_id()), "carol@family.example", false);
    let mut mocks = Mocks::new()
        .linked(None)
        .email_holder(None)
        .session_for(created);
    mocks
        .users
        .expect_create_user()
        .withf(|u| u.email.as_str() == "carol@family.example" && u.name.as_str() == "Alice Liddell")
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .users
        .expect_link_identity()
        .times(1)
        .returning(|_, _, _| Ok(()));
    mocks.users.expect_update_user().returning(|_| Ok(()));
    let policy = SignUpPolicy::from_list("family.example").unwrap();
    mocks
        .service()
        .sign_in_with_identity(identity("carol@family.example", true), &policy)
        .await
        .unwrap();
}

#[tokio::test]
async fn without_a_name_claim_the_new_account_is_named_after_the_email() {
    let created = account(UserId::from_uuid(new_id()), "carol@family.example", false);
    let mut mocks = Mocks::new()
        .linked(None)
        .email_holder(None)
        .session_for(created);
    mocks
        .users
        .expect_create_user()
        .withf(|u| u.name.as_str() == "carol")
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .users
        .expect_link_identity()
        .returning(|_, _, _| Ok(()));
    mocks.users.expect_update_user().returning(|_| Ok(()));
    let mut claims = identity("carol@family.example", true);
    claims.name = None;
    mocks
        .service()
        .sign_in_with_identity(claims, &SignUpPolicy::anyone())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_allow_list_refuses_sign_up_from_other_addresses_without_writing() {
    let mocks = Mocks::new().linked(None).email_holder(None);
    let policy = SignUpPolicy::from_list("family.example, aunt@gmail.com").unwrap();
    let result = mocks
        .service()
        .sign_in_with_identity(identity("stranger@gmail.com", true), &policy)
        .await;
    assert!(
        matches!(result, Err(IdentitySignInError::SignUpNotAllowed)),
        "{result:?}"
    );
}

#[test]
fn the_allow_list_matches_whole_domains_and_exact_addresses() {
    let policy =
        SignUpPolicy::from_list(" family.example ,@Cousins.example, Aunt@Gmail.com,").unwrap();
    let allows = |e: &str| policy.allows(&Email::new(e).unwrap());
    assert!(allows("anyone@family.example"));
    assert!(allows("x@cousins.example"));
    assert!(allows("aunt@gmail.com"));
    assert!(!allows("uncle@gmail.com"));
    assert!(!allows("x@evil-family.example"));
    assert!(!allows("x@family.example.evil"));
    assert!(SignUpPolicy::from_list("  ").unwrap().is_open());
    assert!(SignUpPolicy::from_list("not a domain").is_err());
    assert!(SignUpPolicy::from_list("a@b@c").is_err());
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in() {
    let mocks = Mocks::new().linked(Some(account(alice(), "alice@example.com", true)));
    let result = mocks
        .service()
        .sign_in_with_identity(identity("alice@example.com", true), &SignUpPolicy::anyone())
        .await;
    assert!(
        matches!(result, Err(IdentitySignInError::AccountDisabled)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_disabled_account_is_not_linked_by_email_either() {
    let mocks =
        Mocks::new()
            .linked(None)
            .email_holder(Some(account(alice(), "alice@example.com", true)));
    let result = mocks
        .service()
        .sign_in_with_identity(identity("alice@example.com", true), &SignUpPolicy::anyone())
        .await;
    assert!(
        matches!(result, Err(IdentitySignInError::AccountDisabled)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_claimed_email_of_another_account_is_not_taken_over() {
    let linked = account(alice(), "alice@example.com", false);
    let mut mocks = Mocks::new()
        .linked(Some(linked.clone()))
        .email_holder(Some(account(bob(), "bob@example.com", false)))
        .session_for(linked);
    mocks
        .users
        .expect_update_user()
        .withf(|u| u.email.as_str() == "alice@example.com" && u.name.as_str() == "Alice Liddell")
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .service()
        .sign_in_with_identity(identity("bob@example.com", true), &SignUpPolicy::anyone())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_verified_new_email_replaces_the_old_one() {
    let linked = account(alice(), "alice@old.example", false);
    let mut mocks = Mocks::new()
        .linked(Some(linked.clone()))
        .email_holder(None)
        .session_for(linked);
    mocks
        .users
        .expect_update_user()
        .withf(|u| u.email.as_str() == "alice@new.example" && u.updated_at == NOW)
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .service()
        .sign_in_with_identity(identity("alice@new.example", true), &SignUpPolicy::anyone())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unverified_new_email_does_not_replace_the_old_one() {
    let linked = account(alice(), "alice@old.example", false);
    let mut mocks = Mocks::new()
        .linked(Some(linked.clone()))
        .session_for(linked);
    mocks
        .users
        .expect_update_user()
        .withf(|u| u.email.as_str() == "alice@old.example")
        .times(1)
        .returning(|_| Ok(()));
    mocks
        .service()
        .sign_in_with_identity(
            identity("alice@new.example", false),
            &SignUpPolicy::anyone(),
        )
        .await
        .unwrap();
}
