//! # mosaic-domain
//!
//! The rules of Mosaic Life, with nothing else in the way: the entities a
//! family works with (users, legacies, memberships, stories, media records,
//! sessions), validated value types that cannot hold bad input once built,
//! and the access rules — who may read, write, edit, delete and manage —
//! as plain functions and methods. This crate is synchronous and does no
//! I/O: no database, no network, no clock, no randomness. Ids and
//! timestamps are passed in. That makes every rule testable in microseconds,
//! and lets you embed the rules in your own tests or tools.
//!
//! Persistence, HTTP and login live elsewhere: `mosaic-ports` holds the
//! traits and the application service, adapters implement them.
//!
//! ## Example: a family and the visibility rule
//!
//! ```
//! use mosaic_domain::*;
//! use time::macros::{date, datetime};
//! use uuid::Uuid;
//!
//! let grandma = LegacyId::from_uuid(Uuid::now_v7());
//! let (alice, bob, carol, stranger) = (
//!     UserId::from_uuid(Uuid::now_v7()),
//!     UserId::from_uuid(Uuid::now_v7()),
//!     UserId::from_uuid(Uuid::now_v7()),
//!     UserId::from_uuid(Uuid::now_v7()),
//! );
//!
//! // Values are parsed once; holding one means it is valid.
//! let name = LegacyName::new("  Jane Doe ")?;
//! assert_eq!(name.as_str(), "Jane Doe");
//! let dates = LifeDates::new(Some(date!(1950 - 01 - 01)), Some(date!(2024 - 01 - 01)))?;
//! assert_eq!(dates.death(), Some(date!(2024 - 01 - 01)));
//!
//! // Alice created the legacy; Bob asked to join and Alice approved him.
//! let alice_access = LegacyAccess::user(grandma, alice, Some(Role::Creator));
//! let bob_request = Membership {
//!     legacy_id: grandma,
//!     user_id: bob,
//!     role: LegacyAccess::user(grandma, bob, None).request_to_join()?,
//!     joined_at: datetime!(2025-01-01 0:00 UTC),
//! };
//! assert_eq!(bob_request.role, Role::Pending);
//! let owner = alice_access.legacy_owner()?;
//! assert_eq!(owner.approve(&bob_request)?, Role::Member);
//! // Carol's request is still pending.
//!
//! // Alice writes a family story; only editors and the creator can write.
//! let writer = alice_access.story_writer()?;
//! let story = writer.new_story(
//!     StoryId::from_uuid(Uuid::now_v7()),
//!     StoryDraft {
//!         title: StoryTitle::new("First Memory")?,
//!         content: StoryContent::new("She loved gardening.")?,
//!         visibility: Visibility::Private,
//!     },
//!     datetime!(2025-01-02 0:00 UTC),
//! );
//!
//! let bob_access = LegacyAccess::user(grandma, bob, Some(Role::Member));
//! let carol_access = LegacyAccess::user(grandma, carol, Some(Role::Pending));
//! let stranger_access = LegacyAccess::user(grandma, stranger, None);
//! assert!(bob_access.check_read(&story).is_ok());
//! assert_eq!(carol_access.check_read(&story), Err(AccessError::Hidden));
//! assert_eq!(stranger_access.check_read(&story), Err(AccessError::Hidden));
//! assert!(bob_access.story_writer().is_err());
//!
//! // A list query filters with the same rule before paging.
//! assert!(bob_access.read_scope().admits(Visibility::Private, alice));
//! assert!(!LegacyAccess::anonymous(grandma).read_scope().admits(Visibility::Private, alice));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod access;
mod archive;
mod companion;
mod ids;
mod invite;
mod jobs;
mod legacy;
mod media;
mod membership;
mod page;
mod search;
mod session;
mod story;
mod user;
mod validation;

pub use access::{
    AccessError, CreatorTransfer, JoinError, LegacyAccess, LegacyOwner, MediaScope, ReadScope,
    StoryWriter,
};
pub use archive::{
    AccountMapping, ArchiveContentError, ArchivedMedia, ArchivedPerson, ImportPlan, LegacyArchive,
};
pub use companion::{
    ChatMessage, ChatRole, Citation, CitationScanner, CompanionScope, Conversation,
    ConversationTitle, DailyQuota, Passage, Passages, PromptMessage, PromptRole, Question,
    UnknownChatRole, build_prompt, citation_available, citations_in, may_inform_answer,
    retrieval_query, sanitize_answer,
};
pub use ids::{
    ChatMessageId, ConversationId, InviteId, LegacyId, MediaId, RevisionId, SessionId, StoryId,
    UserId,
};
pub use invite::{
    INVITE_DEFAULT_DAYS, INVITE_MAX_DAYS, INVITE_MAX_USES, Invite, InviteError, InviteGrant,
    InviteState, InviteTerms,
};
pub use jobs::{
    Backoff, JobKind, RRF_K, UnknownJobKind, cosine_similarity, embedding_text,
    reciprocal_rank_fusion,
};
pub use legacy::{Biography, Legacy, LegacyDetails, LegacyName, LifeDates, SearchQuery, fold_name};
pub use media::{FileName, MediaRecord, MediaType, UploadRequest};
pub use membership::{Membership, MembershipError, Role, UnknownRole};
pub use page::{Cursor, Page, PageRequest};
pub use search::{
    Highlight, SearchCursor, SearchLanguage, SearchPageRequest, SearchScope, SearchTerm, Snippet,
    StoryQuery,
};
pub use session::{SESSION_LIFETIME, Session, TokenHash};
pub use story::{
    RESTORE_WINDOW, Story, StoryContent, StoryDraft, StoryRevision, StoryTitle, UnknownVisibility,
    Visibility,
};
pub use user::{Email, PersonName, User};
pub use validation::ValidationError;

/// Re-exported so embedders use the same versions of the types in our API.
pub use time;
/// Re-exported so embedders use the same versions of the types in our API.
pub use uuid;
