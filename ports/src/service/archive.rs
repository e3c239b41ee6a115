//! Archives: a legacy (or one person's contributions) out as files, and a
//! legacy's archive back in.
//!
//! An export is an [`ArchiveExport`]: one read snapshot of the store plus
//! the caller's standing in each legacy, resolved inside that snapshot.
//! Every list it hands out is filtered by the domain's reading rules
//! (`read_scope`, `check_view_history`, `media_scope`) in the query, so the
//! archive writer (an adapter) never sees a story the caller may not read.
//!
//! An import takes a [`LegacyArchive`] that the archive reader has already
//! checked file by file, plans it with the domain's rules, copies the media
//! under a staging prefix, writes every record in one transaction, and
//! only then moves the media to their keys. A failure at any step leaves
//! neither records nor objects behind.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use mosaic_domain::{
    AccountMapping, ArchivedMedia, ImportPlan, Legacy, LegacyAccess, LegacyArchive, LegacyId,
    MediaId, MediaRecord, PersonName, Role, Story, StoryId, StoryRevision, UserId,
};
use time::OffsetDateTime;

use super::{MosaicService, Resource, ServiceError, ServiceResult, media_storage_key};
use crate::service::error::RepoResultExt;
use crate::{
    AdminService, ArchiveRepo, ArchiveSnapshot, BackupRecord, MemberEntry, ObjectBytes,
    ObjectStorage, RepoError, StorageError, StoryView,
};

/// Records written per call to the import transaction.
const IMPORT_BATCH: usize = 500;

/// What an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// One legacy as the caller may read it.
    Legacy,
    /// What one person wrote and uploaded, in every legacy.
    Person(UserId),
}

/// An export in progress: one consistent snapshot, read page by page.
pub struct ArchiveExport {
    snapshot: Box<dyn ArchiveSnapshot>,
    storage: Arc<dyn ObjectStorage>,
    kind: ExportKind,
    legacies: Vec<(Legacy, LegacyAccess)>,
    exported_at: OffsetDateTime,
}

impl std::fmt::Debug for ArchiveExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveExport")
            .field("kind", &self.kind)
            .field("legacies", &self.legacies.len())
            .finish_non_exhaustive()
    }
}

impl ArchiveExport {
    /// What the export covers.
    pub fn kind(&self) -> ExportKind {
        self.kind
    }

    /// When the snapshot was taken.
    pub fn exported_at(&self) -> OffsetDateTime {
        self.exported_at
    }

    /// The legacies in the archive (one for [`ExportKind::Legacy`]).
    pub fn legacies(&self) -> Vec<Legacy> {
        self.legacies.iter().map(|(l, _)| l.clone()).collect()
    }

    fn access(&self, legacy: LegacyId) -> ServiceResult<LegacyAccess> {
        self.legacies
            .iter()
            .find(|(l, _)| l.id == legacy)
            .map(|(_, access)| *access)
            .ok_or(ServiceError::NotFound(Resource::Legacy))
    }

    fn only_mine(&self) -> Option<UserId> {
        match self.kind {
            ExportKind::Legacy => None,
            ExportKind::Person(user) => Some(user),
        }
    }

    /// The memberships the archive lists: for a legacy, its members as the
    /// caller may see them (requests to join only for the creator); for a
    /// person, only their own.
    pub async fn members(&mut self, legacy: LegacyId) -> ServiceResult<Vec<MemberEntry>> {
        let access = self.access(legacy)?;
        let entries = self
            .snapshot
            .members(legacy, access.can_view_pending_members())
            .await
            .or_missing(Resource::Legacy)?;
        Ok(match self.only_mine() {
            Some(me) => entries
                .into_iter()
                .filter(|e| e.membership.user_id == me)
                .collect(),
            None if access.check_view_members().is_ok() => entries,
            None => Vec::new(),
        })
    }

    /// The next page of stories (by id, after `after`) the caller may read,
    /// and for a person's export only their own.
    pub async fn stories(
        &mut self,
        legacy: LegacyId,
        after: Option<StoryId>,
        limit: u32,
    ) -> ServiceResult<Vec<StoryView>> {
        let access = self.access(legacy)?;
        let author = self.only_mine();
        self.snapshot
            .stories(legacy, access.read_scope(), author, after, limit)
            .await
            .or_missing(Resource::Story)
    }

    /// The earlier versions of those of `stories` whose history the caller
    /// may see.
    pub async fn revisions(
        &mut self,
        legacy: LegacyId,
        stories: &[Story],
    ) -> ServiceResult<Vec<StoryRevision>> {
        let access = self.access(legacy)?;
        let visible: Vec<StoryId> = stories
            .iter()
            .filter(|story| access.check_view_history(story).is_ok())
            .map(|story| story.id)
            .collect();
        self.snapshot
            .revisions(&visible)
            .await
            .or_missing(Resource::Revision)
    }

    /// The next page of media records (by id, after `after`) the caller may
    /// see, and for a person's export only their own uploads.
    pub async fn media(
        &mut self,
        legacy: LegacyId,
        after: Option<MediaId>,
        limit: u32,
    ) -> ServiceResult<Vec<MediaRecord>> {
        let access = self.access(legacy)?;
        let uploader = self.only_mine();
        self.snapshot
            .media(legacy, access.media_scope(), uploader, after, limit)
            .await
            .or_missing(Resource::Media)
    }

    /// Display names of people the archive names (uploaders who are no
    /// longer members, for example).
    pub async fn names(&mut self, users: &[UserId]) -> ServiceResult<Vec<(UserId, PersonName)>> {
        self.snapshot.names(users).await.or_missing(Resource::User)
    }

    /// The bytes of a media item handed out by [`Self::media`].
    pub async fn media_bytes(&mut self, record: &MediaRecord) -> ServiceResult<ObjectBytes> {
        Ok(self.storage.read(&record.storage_key).await?)
    }

    /// Ends the snapshot.
    pub async fn finish(self) -> ServiceResult<()> {
        self.snapshot.finish().await.or_missing(Resource::Legacy)
    }
}

/// Where an import finds the bytes of the archive's media (the archive
/// reader, which has checked them against the manifest).
#[async_trait]
pub trait ArchiveMediaSource: Send {
    /// A local file holding exactly the bytes of `media`, valid until the
    /// source is dropped or asked for the next one.
    async fn file_of(&mut self, media: MediaId) -> anyhow::Result<PathBuf>;
}

/// Who an import is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportAs {
    /// Who becomes the creator in place of the archive's (`None`: the
    /// archive's creator, found or made by id).
    pub importer: Option<UserId>,
    /// How the other people are attached.
    pub mapping: AccountMapping,
}

/// What an import made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The legacy (same id as in the archive).
    pub legacy: Legacy,
    /// Stories written.
    pub stories: usize,
    /// Revisions written.
    pub revisions: usize,
    /// Media records written (with their bytes).
    pub media: usize,
    /// Disabled placeholder accounts made for people with none here.
    pub placeholders: usize,
}

/// Where an import puts a media item's bytes until the records are written.
fn staging_key(import: uuid::Uuid, media: MediaId) -> String {
    format!("legacies/import-{}/{media}", import.simple())
}

impl MosaicService {
    /// The archive service set by [`Self::with_archives`].
    fn archives(&self) -> ServiceResult<&Arc<dyn ArchiveRepo>> {
        self.archives.as_ref().ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("no archive repository is configured"))
        })
    }

    async fn open_export(&self, kind: ExportKind) -> ServiceResult<ArchiveExport> {
        let snapshot = self
            .archives()?
            .begin_archive_snapshot()
            .await
            .or_missing(Resource::Legacy)?;
        Ok(ArchiveExport {
            snapshot,
            storage: Arc::clone(&self.ports.storage),
            kind,
            legacies: Vec::new(),
            exported_at: self.now(),
        })
    }

    /// Starts the export of a legacy as `caller` may read it. Approved
    /// members only (`LegacyAccess::check_export`); the caller's role is
    /// read inside the export's snapshot.
    pub async fn export_legacy(
        &self,
        caller: UserId,
        legacy: LegacyId,
    ) -> ServiceResult<ArchiveExport> {
        self.export_legacy_as(Some(caller), legacy).await
    }

    /// [`Self::export_legacy`] as `caller`, or (`None`) as the legacy's
    /// creator, found in the same snapshot.
    async fn export_legacy_as(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
    ) -> ServiceResult<ArchiveExport> {
        let mut export = self.open_export(ExportKind::Legacy).await?;
        let found = export
            .snapshot
            .legacy(legacy)
            .await
            .or_missing(Resource::Legacy)?;
        let caller = match caller {
            Some(caller) => caller,
            None => export
                .snapshot
                .members(legacy, false)
                .await
                .or_missing(Resource::Legacy)?
                .into_iter()
                .find(|m| m.membership.role == Role::Creator)
                .map(|m| m.membership.user_id)
                .ok_or(ServiceError::NotFound(Resource::Member))?,
        };
        let role = export
            .snapshot
            .role_of(legacy, caller)
            .await
            .or_missing(Resource::Legacy)?;
        let access = LegacyAccess::user(legacy, caller, role);
        access
            .check_export()
            .map_err(|err| ServiceError::from_access(err, Resource::Legacy))?;
        export.legacies.push((found, access));
        Ok(export)
    }

    /// Starts the export of everything `caller` wrote and uploaded, in
    /// every legacy, as far as they may still read it.
    pub async fn export_contributions(&self, caller: UserId) -> ServiceResult<ArchiveExport> {
        let mut export = self.open_export(ExportKind::Person(caller)).await?;
        let ids = export
            .snapshot
            .legacies_of_contributor(caller)
            .await
            .or_missing(Resource::Legacy)?;
        for id in ids {
            let legacy = export
                .snapshot
                .legacy(id)
                .await
                .or_missing(Resource::Legacy)?;
            let role = export
                .snapshot
                .role_of(id, caller)
                .await
                .or_missing(Resource::Legacy)?;
            export
                .legacies
                .push((legacy, LegacyAccess::user(id, caller, role)));
        }
        Ok(export)
    }

    /// Imports a checked archive of a legacy: placeholder accounts, the
    /// legacy, memberships, stories, revisions and media records in one
    /// transaction, the media bytes copied in first under a staging prefix.
    /// A second import of the same archive is refused ([`ServiceError::Conflict`]).
    pub async fn import_legacy(
        &self,
        target: ImportAs,
        archive: LegacyArchive,
        media: &mut dyn ArchiveMediaSource,
    ) -> ServiceResult<ImportReport> {
        let repo = Arc::clone(self.archives()?);
        let legacy_id = archive.legacy.id;
        if self.ports.legacies.get_legacy(legacy_id).await.is_ok() {
            return Err(already_imported(legacy_id));
        }
        if let Some(importer) = target.importer {
            self.ports
                .users
                .get_user(importer)
                .await
                .or_missing(Resource::User)?;
            // Someone importing their own copy brings its media into their
            // quota (the plan makes them the uploader).
            if target.mapping == AccountMapping::NewAccounts {
                let bytes = archive.media.iter().map(|m| m.size_bytes).sum();
                self.check_quota(importer, bytes).await?;
            }
        }
        let mut existing = HashSet::new();
        if target.mapping == AccountMapping::KeepIds {
            for person in &archive.people {
                match self.ports.users.get_user(person.id).await {
                    Ok(_) => {
                        existing.insert(person.id);
                    }
                    Err(RepoError::NotFound) => {}
                    Err(err) => return Err(ServiceError::from_repo(err, Resource::User)),
                }
            }
        }
        let ids = Arc::clone(&self.ports.ids);
        let plan = archive.plan_import(
            target.importer,
            target.mapping,
            |id| existing.contains(&id),
            || UserId::from_uuid(ids.new_id()),
        )?;

        let import_id = self.ports.ids.new_id();
        let mut staged: Vec<String> = Vec::new();
        let outcome = self
            .import_steps(&*repo, &plan, import_id, media, &mut staged)
            .await;
        for key in &staged {
            if let Err(err) = self.ports.storage.delete(key).await {
                tracing::warn!(key, error = %err, "a staged import file was not removed");
            }
        }
        let records = outcome?;
        for record in &records {
            self.store_thumbnail(record).await;
        }
        Ok(ImportReport {
            legacy: plan.legacy.clone(),
            stories: plan.stories.len(),
            revisions: plan.revisions.len(),
            media: plan.media.len(),
            placeholders: plan.placeholders.len(),
        })
    }

    /// Stage media, write records, move media, commit. On failure, every
    /// object moved to its final key is deleted again; staged objects are
    /// the caller's to delete (they are in `staged`).
    async fn import_steps(
        &self,
        repo: &dyn ArchiveRepo,
        plan: &ImportPlan,
        import_id: uuid::Uuid,
        media: &mut dyn ArchiveMediaSource,
        staged: &mut Vec<String>,
    ) -> ServiceResult<Vec<MediaRecord>> {
        let storage = &self.ports.storage;
        for item in &plan.media {
            let path = media
                .file_of(item.id)
                .await
                .map_err(ServiceError::Internal)?;
            let key = staging_key(import_id, item.id);
            staged.push(key.clone());
            storage.put_file(&key, item.media_type, &path).await?;
        }

        let now = self.now();
        let records: Vec<MediaRecord> = plan
            .media
            .iter()
            .map(|m: &ArchivedMedia| MediaRecord {
                id: m.id,
                uploaded_by: m.uploaded_by,
                legacy_id: Some(plan.legacy.id),
                storage_key: media_storage_key(plan.legacy.id, m.id),
                file_name: m.file_name.clone(),
                media_type: m.media_type,
                size_bytes: m.size_bytes,
                created_at: m.created_at,
            })
            .collect();
        let mut writer = repo.begin_import().await.or_missing(Resource::Legacy)?;
        let mut batch: Vec<BackupRecord> = Vec::with_capacity(IMPORT_BATCH);
        let users = plan
            .placeholders
            .iter()
            .map(|p| p.placeholder_user(now).map(BackupRecord::User))
            .collect::<Result<Vec<_>, _>>()?;
        let all = users
            .into_iter()
            .chain(std::iter::once(BackupRecord::Legacy(plan.legacy.clone())))
            .chain(plan.members.iter().cloned().map(BackupRecord::Membership))
            .chain(plan.stories.iter().cloned().map(BackupRecord::Story))
            .chain(plan.revisions.iter().cloned().map(BackupRecord::Revision))
            .chain(records.iter().cloned().map(BackupRecord::Media));
        for record in all {
            batch.push(record);
            if batch.len() == IMPORT_BATCH {
                writer
                    .write(&batch)
                    .await
                    .map_err(|err| import_conflict(err, plan.legacy.id))?;
                batch.clear();
            }
        }
        writer
            .write(&batch)
            .await
            .map_err(|err| import_conflict(err, plan.legacy.id))?;

        let mut moved: Vec<&str> = Vec::new();
        let mut result: Result<(), StorageError> = Ok(());
        for record in &records {
            let from = staging_key(import_id, record.id);
            if let Err(err) = storage.copy(&from, &record.storage_key).await {
                result = Err(err);
                break;
            }
            moved.push(&record.storage_key);
        }
        let committed = match result {
            Ok(()) => writer
                .commit()
                .await
                .map_err(|err| import_conflict(err, plan.legacy.id)),
            Err(err) => Err(err.into()),
        };
        if let Err(err) = committed {
            for key in moved {
                if let Err(err) = storage.delete(key).await {
                    tracing::warn!(key, error = %err, "a media file of a failed import was not removed");
                }
            }
            return Err(err);
        }
        Ok(records)
    }
}

fn already_imported(legacy: LegacyId) -> ServiceError {
    ServiceError::Conflict(format!(
        "this archive has already been imported: legacy {legacy} exists on this site"
    ))
}

fn import_conflict(err: RepoError, legacy: LegacyId) -> ServiceError {
    match err {
        RepoError::Conflict(_) | RepoError::EmailTaken => already_imported(legacy),
        RepoError::NotFound => ServiceError::Conflict(
            "the archive refers to an account that does not exist on this site".into(),
        ),
        other => ServiceError::from_repo(other, Resource::Legacy),
    }
}

impl AdminService {
    /// The operator's export of a legacy: what its creator may read (a
    /// personal story reaches nobody but its author, not even through an
    /// operator's file).
    pub async fn export_legacy(&self, legacy: LegacyId) -> ServiceResult<ArchiveExport> {
        self.service().export_legacy_as(None, legacy).await
    }
}
