//! Persistence ports: one trait per aggregate. Every method documents its
//! contract in MUST/SHOULD terms; the contract suite holds every adapter to
//! these words.

mod admin;
mod archive;
mod conversations;
mod embeddings;
mod health;
mod invites;
mod jobs;
mod legacies;
mod media;
mod memberships;
mod rate_limits;
mod search;
mod sessions;
mod stories;
mod users;

pub use admin::{
    AdminRepo, BackupRecord, ExportReader, IdentityLink, LegacyContents, RecordKind, RestoreWriter,
    StoreCounts,
};
pub use archive::{ArchiveRepo, ArchiveSnapshot};
pub use conversations::ConversationRepo;
pub use embeddings::{NearStory, StoryEmbedding, StoryEmbeddings};
pub use health::StoreHealth;
pub use invites::{InviteAcceptance, InviteRepo, Invitee};
pub use jobs::{ClaimedJob, FailOutcome, JobCounts, JobQueue, NewJob};
pub use legacies::{LegacyRepo, LegacyWithRole};
pub use media::MediaRepo;
pub use memberships::{MemberEntry, MembershipRepo};
pub use rate_limits::{RateDecision, RateLimiter, RateQuota};
pub use search::{SearchFilters, SearchResults, StoryHit, StorySearch};
pub use sessions::{SessionRepo, SignInLink};
pub use stories::{StoryRepo, StoryView};
pub use users::UserRepo;

#[cfg(feature = "mock")]
pub use admin::MockAdminRepo;
#[cfg(feature = "mock")]
pub use archive::MockArchiveRepo;
#[cfg(feature = "mock")]
pub use conversations::MockConversationRepo;
#[cfg(feature = "mock")]
pub use embeddings::MockStoryEmbeddings;
#[cfg(feature = "mock")]
pub use health::MockStoreHealth;
#[cfg(feature = "mock")]
pub use invites::MockInviteRepo;
#[cfg(feature = "mock")]
pub use jobs::MockJobQueue;
#[cfg(feature = "mock")]
pub use legacies::MockLegacyRepo;
#[cfg(feature = "mock")]
pub use media::MockMediaRepo;
#[cfg(feature = "mock")]
pub use memberships::MockMembershipRepo;
#[cfg(feature = "mock")]
pub use rate_limits::MockRateLimiter;
#[cfg(feature = "mock")]
pub use search::MockStorySearch;
#[cfg(feature = "mock")]
pub use sessions::MockSessionRepo;
#[cfg(feature = "mock")]
pub use stories::MockStoryRepo;
#[cfg(feature = "mock")]
pub use users::MockUserRepo;
