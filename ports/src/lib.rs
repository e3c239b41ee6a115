//! # mosaic-ports
//!
//! The boundary of Mosaic Life's core. It holds two things:
//!
//! - **Driven ports**: `#[async_trait]` traits for everything outside the
//!   core — repositories ([`UserRepo`], [`LegacyRepo`], [`MembershipRepo`],
//!   [`StoryRepo`], [`MediaRepo`], [`SessionRepo`]), [`ObjectStorage`],
//!   [`ThumbnailMaker`], [`IdentityProvider`], [`LanguageModel`] (with
//!   [`ConversationRepo`] for the AI companion), [`Clock`] and [`IdGenerator`]
//!   — each documented as a contract that every adapter must honour. With
//!   the `mock` feature, mockall generates `MockUserRepo`, `MockStoryRepo`,
//!   … for your tests.
//! - **The driving port**: [`MosaicService`], one method per use case. The
//!   HTTP server and the admin CLI call only this.
//!
//! Everything is expressed in `mosaic-domain` types; nothing here knows SQL,
//! HTTP or a cloud SDK.
//!
//! ## Example: the service over mocks
//!
//! ```
//! # #[cfg(feature = "mock")] {
//! use std::sync::Arc;
//! use mosaic_domain::{LegacyId, Role, UserId, uuid::Uuid};
//! use mosaic_ports::*;
//!
//! # tokio_test_block_on(async {
//! let legacy = LegacyId::from_uuid(Uuid::now_v7());
//! let viewer = UserId::from_uuid(Uuid::now_v7());
//!
//! let mut memberships = MockMembershipRepo::new();
//! memberships.expect_get_membership().returning(|_, _| Ok(None));
//! let mut stories = MockStoryRepo::new();
//! stories.expect_get_story().returning(|_| Err(RepoError::NotFound));
//!
//! let ports = Ports {
//!     users: Arc::new(MockUserRepo::new()),
//!     legacies: Arc::new(MockLegacyRepo::new()),
//!     memberships: Arc::new(memberships),
//!     stories: Arc::new(stories),
//!     media: Arc::new(MockMediaRepo::new()),
//!     search: Arc::new(MockStorySearch::new()),
//!     sessions: Arc::new(MockSessionRepo::new()),
//!     storage: Arc::new(MockObjectStorage::new()),
//!     clock: Arc::new(SystemClock),
//!     ids: Arc::new(RandomIds),
//! };
//! let service = MosaicService::new(ports, ServiceSettings::default());
//! let missing = mosaic_domain::StoryId::from_uuid(Uuid::now_v7());
//! assert!(matches!(
//!     service.get_story(Some(viewer), missing).await,
//!     Err(ServiceError::NotFound(Resource::Story))
//! ));
//! # let _ = (legacy, Role::Member);
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! # }
//! ```

#![warn(missing_docs)]

mod error;
mod identity;
mod language_model;
mod repos;
mod service;
mod storage;
mod system;
mod thumbnails;

pub use error::RepoError;
pub use identity::{IdentityError, IdentityProvider, LoginStart, PendingLogin, VerifiedIdentity};
pub use language_model::{
    CompletionEvent, CompletionStream, LanguageModel, ModelError, TokenUsage,
};
pub use repos::*;
pub use service::{AdminService, EmbeddingRefresh, EmbeddingStatus, LegacyOverview, ModelCheck};
pub use service::{
    AnswerEvent, AnswerStream, Ask, CitationView, CompanionPorts, CompanionSettings,
    CompanionStatus, ConversationView, MessageView,
};
pub use service::{ArchiveExport, ArchiveMediaSource, ExportKind, ImportAs, ImportReport};
pub use service::{
    IdentitySignInError, LegacyView, MosaicService, NewSession, Ports, Resource, ServiceError,
    ServiceResult, ServiceSettings, SignUpPolicy, SignUpRule, UploadTicket, media_storage_key,
};
pub use service::{InviteAccepted, InvitePreview, NewInvite};
pub use service::{
    MediaView, OrphanMediaReport, Registered, THUMBNAIL_SUFFIX, thumbnail_storage_key,
};
pub use storage::{
    ObjectBytes, ObjectInfo, ObjectStorage, PresignedRequest, StorageError, StoredObject,
};
pub use system::{Clock, IdGenerator, RandomIds, SystemClock};
pub use thumbnails::{NoThumbnails, Thumbnail, ThumbnailError, ThumbnailMaker};

#[cfg(feature = "mock")]
pub use identity::MockIdentityProvider;
#[cfg(feature = "mock")]
pub use language_model::MockLanguageModel;
#[cfg(feature = "mock")]
pub use storage::MockObjectStorage;
#[cfg(feature = "mock")]
pub use system::{MockClock, MockIdGenerator};
#[cfg(feature = "mock")]
pub use thumbnails::MockThumbnailMaker;
