use async_trait::async_trait;
use mosaic_domain::{
    Legacy, LegacyId, MediaRecord, Membership, Page, PageRequest, Session, Story, StoryRevision,
    User, UserId,
};

use crate::RepoError;

/// Counts over the whole store, for `mosaic-admin stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreCounts {
    /// Accounts.
    pub users: u64,
    /// Disabled accounts (part of `users`).
    pub disabled_users: u64,
    /// Legacies.
    pub legacies: u64,
    /// Memberships of any role, pending included.
    pub memberships: u64,
    /// Live public stories.
    pub public_stories: u64,
    /// Live private stories.
    pub private_stories: u64,
    /// Live personal stories.
    pub personal_stories: u64,
    /// Soft-deleted stories (any visibility).
    pub deleted_stories: u64,
    /// Earlier versions of stories.
    pub revisions: u64,
    /// Media records.
    pub media: u64,
    /// Sum of the sizes of all media records.
    pub media_bytes: u64,
    /// Sessions neither revoked nor expired at the time of the count.
    pub live_sessions: u64,
}

/// What deleting a legacy would remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LegacyContents {
    /// Stories, deleted ones included.
    pub stories: u64,
    /// Earlier versions of those stories.
    pub revisions: u64,
    /// Memberships, pending and creator included.
    pub members: u64,
    /// Media records.
    pub media: u64,
    /// Sum of their sizes.
    pub media_bytes: u64,
}

/// An external sign-in identity linked to a user (a row of `identities`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityLink {
    /// The identity provider's issuer URL.
    pub issuer: String,
    /// The account at that issuer.
    pub subject: String,
    /// The user it signs in.
    pub user_id: UserId,
}

/// The kinds of record a backup holds, in the order they are written and
/// restored (every record refers only to kinds before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// [`User`]s.
    User,
    /// [`IdentityLink`]s.
    Identity,
    /// [`Legacy`]s.
    Legacy,
    /// [`Membership`]s.
    Membership,
    /// [`Story`]s, soft-deleted ones included.
    Story,
    /// [`StoryRevision`]s.
    Revision,
    /// [`MediaRecord`]s (not the bytes).
    Media,
}

impl RecordKind {
    /// Every kind, in backup order.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::User,
        RecordKind::Identity,
        RecordKind::Legacy,
        RecordKind::Membership,
        RecordKind::Story,
        RecordKind::Revision,
        RecordKind::Media,
    ];
}

/// One record of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupRecord {
    /// A user.
    User(User),
    /// A linked sign-in identity.
    Identity(IdentityLink),
    /// A legacy.
    Legacy(Legacy),
    /// A membership.
    Membership(Membership),
    /// A story.
    Story(Story),
    /// An earlier version of a story.
    Revision(StoryRevision),
    /// A media record.
    Media(MediaRecord),
}

impl BackupRecord {
    /// Which kind of record this is.
    pub fn kind(&self) -> RecordKind {
        match self {
            BackupRecord::User(_) => RecordKind::User,
            BackupRecord::Identity(_) => RecordKind::Identity,
            BackupRecord::Legacy(_) => RecordKind::Legacy,
            BackupRecord::Membership(_) => RecordKind::Membership,
            BackupRecord::Story(_) => RecordKind::Story,
            BackupRecord::Revision(_) => RecordKind::Revision,
            BackupRecord::Media(_) => RecordKind::Media,
        }
    }
}

/// Reads every record from one consistent snapshot of the store (a read
/// transaction held until [`ExportReader::finish`]).
#[async_trait]
pub trait ExportReader: Send {
    /// Up to `limit` records of `kind` that come after `after` (a record of
    /// the same kind returned earlier; `None` for the first page), in a fixed
    /// order that is the same on every adapter: by id, memberships by
    /// `(legacy_id, user_id)`, identities by `(issuer, subject)` compared
    /// bytewise. An empty answer means there are no more.
    async fn next_page(
        &mut self,
        kind: RecordKind,
        after: Option<&BackupRecord>,
        limit: u32,
    ) -> Result<Vec<BackupRecord>, RepoError>;

    /// Ends the snapshot.
    async fn finish(self: Box<Self>) -> Result<(), RepoError>;
}

/// Writes records into an empty store inside one write transaction: nothing
/// is visible, or left behind, unless [`RestoreWriter::commit`] succeeds.
#[async_trait]
pub trait RestoreWriter: Send {
    /// Inserts records exactly as given (ids, timestamps, soft-delete state).
    /// MUST return [`RepoError::NotFound`] when a record refers to one not
    /// written before, [`RepoError::Conflict`] or [`RepoError::EmailTaken`]
    /// when it repeats one.
    async fn write(&mut self, records: &[BackupRecord]) -> Result<(), RepoError>;

    /// Makes everything written visible at once. Dropping the writer
    /// without committing MUST leave the store as it was.
    async fn commit(self: Box<Self>) -> Result<(), RepoError>;
}

/// What only an operator asks of the store: counts, lists across every
/// legacy and user, and the whole store as records for backup and restore.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait AdminRepo: Send + Sync {
    /// Counts over the whole store; `now` decides which sessions are live.
    async fn store_counts(&self, now: time::OffsetDateTime) -> Result<StoreCounts, RepoError>;

    /// What the legacy holds.
    /// MUST return [`RepoError::NotFound`] when no legacy has this id.
    async fn legacy_contents(&self, legacy: LegacyId) -> Result<LegacyContents, RepoError>;

    /// Every legacy, newest first, keyset-paginated on `(created_at, id)`.
    async fn list_all_legacies(&self, page: PageRequest) -> Result<Page<Legacy>, RepoError>;

    /// Sessions, revoked and expired ones included, newest first,
    /// keyset-paginated on `(created_at, id)`; only `user`'s when given.
    async fn list_sessions(
        &self,
        user: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<Session>, RepoError>;

    /// Starts reading the whole store from one snapshot.
    async fn begin_export(&self) -> Result<Box<dyn ExportReader>, RepoError>;

    /// Starts a restore. MUST return [`RepoError::Conflict`] when the store
    /// already holds a user, legacy or story (restores go into an empty
    /// store only); the check is made inside the restore's transaction.
    async fn begin_restore(&self) -> Result<Box<dyn RestoreWriter>, RepoError>;
}
