//! Building test data: users, legacies, stories, media, sessions with
//! microsecond timestamps (what the service's clock produces).

use mosaic_domain::{
    Email, FileName, Legacy, LegacyId, LegacyName, LifeDates, MediaId, MediaRecord, MediaType,
    Membership, PersonName, Role, Session, SessionId, Story, StoryContent, StoryDraft, StoryId,
    StoryTitle, TokenHash, User, UserId, Visibility,
};
use mosaic_ports::{LegacyRepo, MembershipRepo, UserRepo};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A fixed instant plus `seconds`, with a non-zero microsecond part so that
/// lost precision shows.
pub fn at(seconds: i64) -> OffsetDateTime {
    datetime!(2025-03-04 05:06:07.123456 UTC) + Duration::seconds(seconds)
}

/// A fresh time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A user (not stored) with a unique e-mail derived from `name`.
pub fn user(name: &str) -> User {
    let id = new_id();
    let local: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    User {
        id: UserId::from_uuid(id),
        email: Email::new(&format!("{local}.{}@family.example", id.simple())).expect("valid email"),
        name: PersonName::new(name).expect("valid name"),
        avatar_url: None,
        is_admin: false,
        disabled: false,
        created_at: at(0),
        updated_at: at(0),
    }
}

/// A stored user.
pub async fn given_user<S: UserRepo + ?Sized>(store: &S, name: &str) -> User {
    let user = user(name);
    store.create_user(&user).await.expect("create user");
    user
}

/// A legacy (not stored) created by `creator` at `created_at`.
pub fn legacy(name: &str, creator: UserId, created_at: OffsetDateTime) -> Legacy {
    Legacy {
        id: LegacyId::from_uuid(new_id()),
        name: LegacyName::new(name).expect("valid legacy name"),
        dates: LifeDates::new(Some(date!(1931 - 02 - 03)), Some(date!(2020 - 10 - 11)))
            .expect("valid dates"),
        biography: None,
        created_by: creator,
        created_at,
        updated_at: created_at,
    }
}

/// The creator membership that goes with a new legacy.
pub fn creator_of(legacy: &Legacy) -> Membership {
    Membership {
        legacy_id: legacy.id,
        user_id: legacy.created_by,
        role: Role::Creator,
        joined_at: legacy.created_at,
    }
}

/// A stored legacy named `name`, created by `creator`.
pub async fn given_legacy<S: LegacyRepo + ?Sized>(
    store: &S,
    name: &str,
    creator: &User,
    created_at: OffsetDateTime,
) -> Legacy {
    let legacy = legacy(name, creator.id, created_at);
    store
        .create_legacy(&legacy, &creator_of(&legacy))
        .await
        .expect("create legacy");
    legacy
}

/// A membership (not stored).
pub fn membership(legacy: LegacyId, user: UserId, role: Role) -> Membership {
    Membership {
        legacy_id: legacy,
        user_id: user,
        role,
        joined_at: at(10),
    }
}

/// Stores a membership of `user` in `legacy` with `role`.
pub async fn given_member<S: MembershipRepo + ?Sized>(
    store: &S,
    legacy: LegacyId,
    user: UserId,
    role: Role,
) {
    store
        .add_membership(&membership(legacy, user, role))
        .await
        .expect("add membership");
}

/// A draft with the given text as title and content.
pub fn draft(text: &str, visibility: Visibility) -> StoryDraft {
    StoryDraft {
        title: StoryTitle::new(&format!("Title: {text}")).expect("valid title"),
        content: StoryContent::new(&format!("Content: {text}\n\nSecond paragraph."))
            .expect("valid content"),
        visibility,
    }
}

/// A story (not stored).
pub fn story(
    legacy: LegacyId,
    author: UserId,
    text: &str,
    visibility: Visibility,
    created_at: OffsetDateTime,
) -> Story {
    let draft = draft(text, visibility);
    Story {
        id: StoryId::from_uuid(new_id()),
        legacy_id: legacy,
        author_id: author,
        title: draft.title,
        content: draft.content,
        visibility,
        created_at,
        updated_at: created_at,
        deleted_at: None,
        ai_excluded: false,
    }
}

/// A media record (not stored) of `size_bytes` bytes.
pub fn media(
    legacy: Option<LegacyId>,
    uploader: UserId,
    size_bytes: u64,
    created_at: OffsetDateTime,
) -> MediaRecord {
    let id = MediaId::from_uuid(new_id());
    MediaRecord {
        id,
        uploaded_by: uploader,
        legacy_id: legacy,
        storage_key: format!("test/media/{id}"),
        file_name: FileName::new("Grandma at the lake.jpg").expect("valid file name"),
        media_type: MediaType::Jpeg,
        size_bytes,
        created_at,
    }
}

/// A random-enough token hash (distinct per call).
pub fn token_hash() -> TokenHash {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(new_id().as_bytes());
    bytes[16..].copy_from_slice(new_id().as_bytes());
    TokenHash::from_bytes(bytes)
}

/// A session (not stored) of `user` starting at `now`.
pub fn session(user: UserId, now: OffsetDateTime) -> Session {
    Session::start(SessionId::from_uuid(new_id()), user, token_hash(), now)
}

/// Reads every page of a list with page size `limit`, following the cursors;
/// returns the pages.
pub async fn all_pages<T>(
    limit: u32,
    mut fetch: impl AsyncFnMut(mosaic_domain::PageRequest) -> mosaic_domain::Page<T>,
) -> Vec<Vec<T>> {
    let mut request = mosaic_domain::PageRequest::new(None, Some(limit)).expect("valid limit");
    let mut pages = Vec::new();
    loop {
        let page = fetch(request).await;
        assert!(page.items.len() <= limit as usize, "page larger than asked");
        pages.push(page.items);
        match page.next {
            Some(cursor) => request = request.after(cursor),
            None => return pages,
        }
    }
}
