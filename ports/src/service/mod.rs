//! The application service: the one door the shells use.
//!
//! Each public method is one use case. It loads what it needs through the
//! ports, resolves the caller's standing in the legacy once
//! ([`LegacyAccess`]), asks the domain rules, and writes through the ports.
//! Callers pass already-validated domain values; the service never parses
//! text. `caller: Option<UserId>` marks use cases open to visitors who are
//! not signed in; `caller: UserId` those that need a signed-in user.

mod admin;
mod archive;
mod companion;
mod embeddings;
mod error;
mod identity;
mod invites;
mod legacies;
pub(crate) mod media;
mod members;
mod retrieval;
mod search;
mod sessions;
mod stories;
mod users;

use std::sync::Arc;

use mosaic_domain::{LegacyAccess, LegacyId, UserId};
use time::{Duration, OffsetDateTime};

use crate::{
    Clock, IdGenerator, LegacyRepo, MediaRepo, MembershipRepo, ObjectStorage, SessionRepo,
    StoryRepo, StorySearch, ThumbnailMaker, UserRepo,
};

pub use admin::{AdminService, LegacyOverview};
pub use archive::{ArchiveExport, ArchiveMediaSource, ExportKind, ImportAs, ImportReport};
pub use companion::{
    AnswerEvent, AnswerStream, Ask, CitationView, CompanionPorts, CompanionSettings,
    CompanionStatus, ConversationView, MessageView,
};
pub use embeddings::{EmbeddingRefresh, EmbeddingStatus, ModelCheck};
use error::RepoResultExt;
pub use error::{Resource, ServiceError, ServiceResult};
pub use identity::{IdentitySignInError, SignUpPolicy, SignUpRule};
pub use invites::{InviteAccepted, InvitePreview, NewInvite};
pub use legacies::LegacyView;
pub use media::{
    MediaView, OrphanMediaReport, Registered, THUMBNAIL_SUFFIX, UploadTicket, media_storage_key,
    thumbnail_storage_key,
};
pub use sessions::NewSession;

/// Everything the service talks to.
#[derive(Clone)]
pub struct Ports {
    /// Users and identities.
    pub users: Arc<dyn UserRepo>,
    /// Legacies.
    pub legacies: Arc<dyn LegacyRepo>,
    /// Memberships.
    pub memberships: Arc<dyn MembershipRepo>,
    /// Stories and revisions.
    pub stories: Arc<dyn StoryRepo>,
    /// Media records.
    pub media: Arc<dyn MediaRepo>,
    /// Full-text search over stories.
    pub search: Arc<dyn StorySearch>,
    /// Sessions and sign-in links.
    pub sessions: Arc<dyn SessionRepo>,
    /// Media bytes.
    pub storage: Arc<dyn ObjectStorage>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Ids and secrets.
    pub ids: Arc<dyn IdGenerator>,
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ports { .. }")
    }
}

impl Ports {
    /// Ports from one store that implements every repository (as both
    /// database adapters do), plus object storage, clock and ids.
    pub fn from_store<S>(
        store: Arc<S>,
        storage: Arc<dyn ObjectStorage>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self
    where
        S: UserRepo
            + LegacyRepo
            + MembershipRepo
            + StoryRepo
            + MediaRepo
            + SessionRepo
            + StorySearch
            + 'static,
    {
        Self {
            users: store.clone(),
            legacies: store.clone(),
            memberships: store.clone(),
            stories: store.clone(),
            media: store.clone(),
            search: store.clone(),
            sessions: store,
            storage,
            clock,
            ids,
        }
    }
}

/// Limits an operator may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSettings {
    /// Bytes of media one user may store.
    pub media_quota_bytes: u64,
    /// How long a presigned upload URL works.
    pub upload_url_lifetime: Duration,
    /// How long a presigned download URL works.
    pub download_url_lifetime: Duration,
    /// How long a sign-in link works.
    pub sign_in_link_lifetime: Duration,
    /// How long an object in storage without a media record is left alone
    /// before `collect_orphan_media` removes it (an upload in progress, or
    /// one about to be registered, must not be taken away).
    pub orphan_media_grace: Duration,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self {
            media_quota_bytes: 1024 * 1024 * 1024,
            upload_url_lifetime: Duration::minutes(15),
            download_url_lifetime: Duration::minutes(5),
            sign_in_link_lifetime: Duration::minutes(15),
            orphan_media_grace: Duration::hours(24),
        }
    }
}

/// The application service. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct MosaicService {
    ports: Ports,
    settings: ServiceSettings,
    /// Outside [`Ports`] so that thumbnails stay optional for embedders
    /// (and existing `Ports { .. }` literals keep compiling).
    thumbnails: Arc<dyn ThumbnailMaker>,
    /// The AI companion, when set up with [`Self::with_companion`].
    companion: Option<CompanionPorts>,
    /// Archive export and import; optional like thumbnails.
    archives: Option<Arc<dyn crate::ArchiveRepo>>,
    /// Invite links; optional like archives.
    invites: Option<Arc<dyn crate::InviteRepo>>,
}

impl std::fmt::Debug for MosaicService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MosaicService")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl MosaicService {
    /// A service over the given ports. It makes no thumbnails until given a
    /// maker with [`Self::with_thumbnails`].
    pub fn new(ports: Ports, settings: ServiceSettings) -> Self {
        Self {
            ports,
            settings,
            thumbnails: Arc::new(crate::NoThumbnails),
            companion: None,
            archives: None,
            invites: None,
        }
    }

    /// The same service with the AI companion: conversations are kept in
    /// `companion.conversations`, and questions are answered when a model is
    /// configured (without one, asking answers [`ServiceError::CompanionOff`]).
    pub fn with_companion(mut self, companion: CompanionPorts) -> Self {
        self.companion = Some(companion);
        self
    }

    /// The same service, exporting and importing archives through `repo`.
    pub fn with_archives(mut self, repo: Arc<dyn crate::ArchiveRepo>) -> Self {
        self.archives = Some(repo);
        self
    }

    /// The same service, making thumbnails of photos with `maker` when they
    /// are registered.
    pub fn with_thumbnails(mut self, maker: Arc<dyn ThumbnailMaker>) -> Self {
        self.thumbnails = maker;
        self
    }

    /// The limits in force.
    pub fn settings(&self) -> &ServiceSettings {
        &self.settings
    }

    fn now(&self) -> OffsetDateTime {
        self.ports.clock.now()
    }

    /// The caller's standing in a legacy, from one membership lookup.
    async fn access(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
    ) -> ServiceResult<LegacyAccess> {
        let Some(user) = caller else {
            return Ok(LegacyAccess::anonymous(legacy));
        };
        let membership = self
            .ports
            .memberships
            .get_membership(legacy, user)
            .await
            .or_missing(Resource::Legacy)?;
        Ok(LegacyAccess::user(legacy, user, membership.map(|m| m.role)))
    }

    /// Like [`Self::access`], after checking that the legacy exists.
    async fn access_to_existing(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
    ) -> ServiceResult<LegacyAccess> {
        self.ports
            .legacies
            .get_legacy(legacy)
            .await
            .or_missing(Resource::Legacy)?;
        self.access(caller, legacy).await
    }
}
