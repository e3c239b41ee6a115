//! Operator use cases (`mosaic-admin`): acting on any legacy or session,
//! counting, and moving the whole store in and out for backup and restore.
//! There is no caller check here: whoever can run the admin command line
//! can read the database anyway.

use std::sync::Arc;

use mosaic_domain::{Legacy, LegacyId, Page, PageRequest, Session, SessionId, UserId};

use super::{MosaicService, Resource, ServiceResult};
use crate::service::error::RepoResultExt;
use crate::{AdminRepo, ExportReader, LegacyContents, RestoreWriter, StoreCounts};

/// A legacy with what it holds, as `mosaic-admin legacy show` and the
/// confirmation of `legacy delete` present it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyOverview {
    /// The legacy.
    pub legacy: Legacy,
    /// What deleting it would remove.
    pub contents: LegacyContents,
}

/// The operator's door to the core: the [`MosaicService`] plus the store's
/// [`AdminRepo`]. Cheap to clone.
#[derive(Clone)]
pub struct AdminService {
    service: MosaicService,
    admin: Arc<dyn AdminRepo>,
}

impl std::fmt::Debug for AdminService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminService")
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl AdminService {
    /// The operator use cases over a service and its store.
    pub fn new(service: MosaicService, admin: Arc<dyn AdminRepo>) -> Self {
        Self { service, admin }
    }

    /// The ordinary service, for the use cases both shells share.
    pub fn service(&self) -> &MosaicService {
        &self.service
    }

    /// Counts over the whole store.
    pub async fn stats(&self) -> ServiceResult<StoreCounts> {
        self.admin
            .store_counts(self.service.now())
            .await
            .or_missing(Resource::User)
    }

    /// Every legacy, newest first.
    pub async fn list_legacies(&self, page: PageRequest) -> ServiceResult<Page<Legacy>> {
        self.admin
            .list_all_legacies(page)
            .await
            .or_missing(Resource::Legacy)
    }

    /// A legacy and what it holds.
    pub async fn legacy_overview(&self, id: LegacyId) -> ServiceResult<LegacyOverview> {
        let legacy = self
            .service
            .ports
            .legacies
            .get_legacy(id)
            .await
            .or_missing(Resource::Legacy)?;
        let contents = self
            .admin
            .legacy_contents(id)
            .await
            .or_missing(Resource::Legacy)?;
        Ok(LegacyOverview { legacy, contents })
    }

    /// Hands a legacy to another approved member on behalf of its creator:
    /// the same rules as when the creator does it (the new creator must be
    /// a member or editor; the former creator stays as editor).
    pub async fn transfer_legacy(&self, id: LegacyId, to: UserId) -> ServiceResult<()> {
        let legacy = self
            .service
            .ports
            .legacies
            .get_legacy(id)
            .await
            .or_missing(Resource::Legacy)?;
        self.service
            .transfer_legacy(legacy.created_by, id, to)
            .await
    }

    /// Deletes a legacy with everything in it, on behalf of its creator;
    /// media objects are removed after the records (see
    /// [`MosaicService::delete_legacy`]).
    pub async fn delete_legacy(&self, id: LegacyId) -> ServiceResult<()> {
        let legacy = self
            .service
            .ports
            .legacies
            .get_legacy(id)
            .await
            .or_missing(Resource::Legacy)?;
        self.service.delete_legacy(legacy.created_by, id).await
    }

    /// Sessions, newest first; only `user`'s when given.
    pub async fn list_sessions(
        &self,
        user: Option<UserId>,
        page: PageRequest,
    ) -> ServiceResult<Page<Session>> {
        self.admin
            .list_sessions(user, page)
            .await
            .or_missing(Resource::Session)
    }

    /// Revokes one session now (the user is signed out on their next request).
    pub async fn revoke_session(&self, id: SessionId) -> ServiceResult<()> {
        self.service
            .ports
            .sessions
            .revoke_session(id, self.service.now())
            .await
            .or_missing(Resource::Session)
    }

    /// Deletes the sessions that have expired or were revoked before now;
    /// returns how many.
    pub async fn purge_expired_sessions(&self) -> ServiceResult<u64> {
        self.service
            .ports
            .sessions
            .purge_sessions(self.service.now())
            .await
            .or_missing(Resource::Session)
    }

    /// Starts reading every record from one snapshot, for a backup.
    pub async fn begin_backup(&self) -> ServiceResult<Box<dyn ExportReader>> {
        self.admin.begin_export().await.or_missing(Resource::User)
    }

    /// Starts a restore into this (empty) store; refused with
    /// [`crate::ServiceError::Conflict`] when it holds data.
    pub async fn begin_restore(&self) -> ServiceResult<Box<dyn RestoreWriter>> {
        self.admin.begin_restore().await.or_missing(Resource::User)
    }
}
