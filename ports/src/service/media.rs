use std::collections::HashSet;

use mosaic_domain::{
    LegacyId, MediaId, MediaRecord, MediaType, Page, PageRequest, UploadRequest, UserId,
    ValidationError,
};
use time::Duration;

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::service::error::RepoResultExt;
use crate::{PresignedRequest, RepoError, StoredObject};

/// Bytes read from the start of an upload to check its magic number.
const MAGIC_PREFIX_LEN: usize = 16;

/// Where and how to upload a file before registering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTicket {
    /// The id the media will have; pass it to `register_media`.
    pub media_id: MediaId,
    /// The signed request that uploads the bytes.
    pub upload: PresignedRequest,
}

/// A media item as a caller may see it: the record, a short-lived URL to
/// view it, and one for its thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaView {
    /// The record.
    pub record: MediaRecord,
    /// A short-lived download of the original (inline).
    pub view: PresignedRequest,
    /// A short-lived download of the thumbnail, for photos. It is made at
    /// registration; when that failed, the URL answers "not found" and the
    /// client shows `view` instead.
    pub thumbnail: Option<PresignedRequest>,
}

/// The outcome of [`MosaicService::register_media`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The record.
    pub record: MediaRecord,
    /// `false` when the same caller had already registered this media (the
    /// first record is returned and nothing changes).
    pub created: bool,
}

/// What [`MosaicService::collect_orphan_media`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanMediaReport {
    /// Whether this was a dry run (nothing was deleted).
    pub dry_run: bool,
    /// Objects looked at.
    pub scanned: usize,
    /// Objects without a media record older than the grace period: deleted
    /// (except those in `failed`), or, in a dry run, those that would be.
    pub orphans: Vec<StoredObject>,
    /// Objects without a record still within the grace period (uploads in
    /// progress), left alone.
    pub recent_unregistered: usize,
    /// Keys of those `orphans` whose deletion failed (they are tried again
    /// next time).
    pub failed: Vec<String>,
}

/// Every media object lives under this prefix.
const MEDIA_PREFIX: &str = "legacies/";

/// How many keys to look up in the database at once.
const KEY_LOOKUP_BATCH: usize = 500;

/// The storage key of a media item: built from ids only, never from the
/// uploader's file name.
pub fn media_storage_key(legacy: LegacyId, media: MediaId) -> String {
    format!("legacies/{legacy}/media/{media}")
}

/// Appended to a media item's storage key to name its thumbnail.
pub const THUMBNAIL_SUFFIX: &str = ".thumb.jpg";

/// The storage key of a media item's thumbnail: next to the original (a
/// sibling rather than a child, because in a file-system store the
/// original's key is a file and cannot also be a folder).
pub fn thumbnail_storage_key(original_key: &str) -> String {
    format!("{original_key}{THUMBNAIL_SUFFIX}")
}

/// The download name of a thumbnail: the original's name with `.jpg`.
fn thumbnail_download_name(record: &MediaRecord) -> String {
    let name = record.file_name.as_str();
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    format!("{stem}-thumbnail.jpg")
}

impl MosaicService {
    /// Checks an upload against the rules and the caller's quota and returns
    /// a presigned upload for it (editors and the creator).
    pub async fn request_upload(
        &self,
        caller: UserId,
        legacy: LegacyId,
        upload: &UploadRequest,
    ) -> ServiceResult<UploadTicket> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        access
            .check_upload_media()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        self.check_quota(caller, upload.size_bytes).await?;
        let media_id = MediaId::from_uuid(self.ports.ids.new_id());
        let upload = self
            .ports
            .storage
            .presign_upload(
                &media_storage_key(legacy, media_id),
                upload.media_type,
                upload.size_bytes,
                self.settings.upload_url_lifetime,
            )
            .await?;
        Ok(UploadTicket { media_id, upload })
    }

    /// Records an uploaded file after checking that the stored object has the
    /// declared size and type. A mismatching object is deleted. Registering
    /// the same media twice returns the first record.
    pub async fn register_media(
        &self,
        caller: UserId,
        legacy: LegacyId,
        media_id: MediaId,
        upload: UploadRequest,
    ) -> ServiceResult<Registered> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        access
            .check_upload_media()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        match self.ports.media.get_media(media_id).await {
            Ok(existing)
                if existing.uploaded_by == caller && existing.legacy_id == Some(legacy) =>
            {
                return Ok(Registered {
                    record: existing,
                    created: false,
                });
            }
            Ok(_) => {
                return Err(ServiceError::Conflict(
                    "this media id is already registered".into(),
                ));
            }
            Err(RepoError::NotFound) => {}
            Err(other) => return Err(ServiceError::from_repo(other, Resource::Media)),
        }
        let key = media_storage_key(legacy, media_id);
        // Not a bad value but a step out of order: the upload has not
        // happened (yet), so the same request works once it has.
        let stored = self.ports.storage.head(&key).await?.ok_or_else(|| {
            ServiceError::Conflict("no uploaded file was found; upload it first".into())
        })?;
        if stored.size_bytes != upload.size_bytes {
            self.ports.storage.delete(&key).await?;
            return Err(ServiceError::Invalid(ValidationError::Upload(format!(
                "the uploaded file has {} bytes, not the {} declared",
                stored.size_bytes, upload.size_bytes
            ))));
        }
        let head = self
            .ports
            .storage
            .read_prefix(&key, MAGIC_PREFIX_LEN)
            .await?;
        if !upload.media_type.matches_magic(&head) {
            self.ports.storage.delete(&key).await?;
            return Err(ServiceError::Invalid(ValidationError::Upload(format!(
                "the uploaded file is not a {} file",
                upload.media_type.mime()
            ))));
        }
        self.check_quota(caller, upload.size_bytes).await?;
        let record = MediaRecord {
            id: media_id,
            uploaded_by: caller,
            legacy_id: Some(legacy),
            storage_key: key,
            file_name: upload.file_name,
            media_type: upload.media_type,
            size_bytes: upload.size_bytes,
            created_at: self.now(),
        };
        self.ports
            .media
            .create_media(&record)
            .await
            .or_missing(Resource::Legacy)?;
        self.store_thumbnail(&record).await;
        Ok(Registered {
            record,
            created: true,
        })
    }

    /// Makes and stores the thumbnail of a photo. A failure is logged and
    /// otherwise ignored: the upload has succeeded, and the gallery shows
    /// the original instead.
    pub(crate) async fn store_thumbnail(&self, record: &MediaRecord) {
        if !self.thumbnails.supports(record.media_type) {
            return;
        }
        let outcome = async {
            let len = usize::try_from(record.size_bytes)
                .map_err(|_| anyhow::anyhow!("the photo is too large to read into memory"))?;
            let original = self
                .ports
                .storage
                .read_prefix(&record.storage_key, len)
                .await?;
            let thumbnail = self
                .thumbnails
                .make_thumbnail(record.media_type, original)
                .await?;
            self.ports
                .storage
                .put(
                    &thumbnail_storage_key(&record.storage_key),
                    MediaType::Jpeg,
                    thumbnail.jpeg,
                )
                .await?;
            anyhow::Ok(())
        }
        .await;
        if let Err(err) = outcome {
            tracing::warn!(media = %record.id, error = %err, "no thumbnail was made; the original is shown instead");
        }
    }

    /// The media of a legacy the caller may see, newest first.
    pub async fn list_media(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
        page: PageRequest,
    ) -> ServiceResult<Page<MediaRecord>> {
        let access = self.access_to_existing(caller, legacy).await?;
        self.ports
            .media
            .list_media(legacy, access.media_scope(), page)
            .await
            .or_missing(Resource::Legacy)
    }

    /// Like [`Self::list_media`], each item with short-lived URLs to view it
    /// and its thumbnail.
    pub async fn list_media_views(
        &self,
        caller: Option<UserId>,
        legacy: LegacyId,
        page: PageRequest,
    ) -> ServiceResult<Page<MediaView>> {
        let page = self.list_media(caller, legacy, page).await?;
        let mut views = Vec::with_capacity(page.items.len());
        for record in page.items {
            views.push(self.media_view(record).await?);
        }
        Ok(Page {
            items: views,
            next: page.next,
        })
    }

    /// A media item the caller may see, with fresh short-lived URLs.
    pub async fn get_media(&self, caller: Option<UserId>, id: MediaId) -> ServiceResult<MediaView> {
        let record = self.visible_media(caller, id).await?;
        self.media_view(record).await
    }

    /// Presigns the URLs of a record the caller may see (presigning is
    /// local computation for both stores: no request per item).
    async fn media_view(&self, record: MediaRecord) -> ServiceResult<MediaView> {
        let lifetime = self.settings.download_url_lifetime;
        let view = self
            .ports
            .storage
            .presign_download(&record.storage_key, record.file_name.as_str(), lifetime)
            .await?;
        let thumbnail = if self.thumbnails.supports(record.media_type) {
            Some(
                self.ports
                    .storage
                    .presign_download(
                        &thumbnail_storage_key(&record.storage_key),
                        &thumbnail_download_name(&record),
                        lifetime,
                    )
                    .await?,
            )
        } else {
            None
        };
        Ok(MediaView {
            record,
            view,
            thumbnail,
        })
    }

    /// A short-lived download of a media item the caller may see.
    pub async fn media_download(
        &self,
        caller: Option<UserId>,
        id: MediaId,
    ) -> ServiceResult<(MediaRecord, PresignedRequest)> {
        let record = self.visible_media(caller, id).await?;
        let download = self
            .ports
            .storage
            .presign_download(
                &record.storage_key,
                record.file_name.as_str(),
                self.settings.download_url_lifetime,
            )
            .await?;
        Ok((record, download))
    }

    /// Deletes a media item (its uploader or the creator): the record first,
    /// then the object and its thumbnail. An object that cannot be removed
    /// is left for [`Self::collect_orphan_media`].
    pub async fn delete_media(&self, caller: UserId, id: MediaId) -> ServiceResult<()> {
        let record = self
            .ports
            .media
            .get_media(id)
            .await
            .or_missing(Resource::Media)?;
        match record.legacy_id {
            Some(legacy) => {
                let access = self.access(Some(caller), legacy).await?;
                access
                    .check_delete_media(record.uploaded_by)
                    .map_err(|e| ServiceError::from_access(e, Resource::Media))?;
            }
            None if record.uploaded_by == caller => {}
            None => return Err(ServiceError::NotFound(Resource::Media)),
        }
        self.ports
            .media
            .delete_media(id)
            .await
            .or_missing(Resource::Media)?;
        self.delete_media_objects(&record.storage_key).await;
        Ok(())
    }

    /// Removes a media object and its thumbnail after their record is gone;
    /// a failure is logged, and `collect_orphan_media` removes the object
    /// later.
    pub(crate) async fn delete_media_objects(&self, key: &str) {
        for key in [key.to_owned(), thumbnail_storage_key(key)] {
            if let Err(err) = self.ports.storage.delete(&key).await {
                tracing::warn!(key, error = %err, "media object was not removed after its record; media gc will remove it");
            }
        }
    }

    /// Finds objects under `legacies/` that no media record owns (uploads
    /// never registered, objects whose removal failed after their record was
    /// deleted) and deletes those last written more than `older_than` ago.
    /// A thumbnail belongs to the record of its original. With `dry_run`
    /// nothing is deleted. For `mosaic-admin media gc`; no caller checks:
    /// this is an operator's task.
    pub async fn collect_orphan_media(
        &self,
        older_than: Duration,
        dry_run: bool,
    ) -> ServiceResult<OrphanMediaReport> {
        let cutoff = self.now() - older_than;
        let objects = self.ports.storage.list(MEDIA_PREFIX).await?;
        let mut report = OrphanMediaReport {
            dry_run,
            scanned: objects.len(),
            orphans: Vec::new(),
            recent_unregistered: 0,
            failed: Vec::new(),
        };
        for batch in objects.chunks(KEY_LOOKUP_BATCH) {
            let owners: Vec<String> = batch
                .iter()
                .map(|object| owner_key(&object.key).to_owned())
                .collect();
            let registered: HashSet<String> = self
                .ports
                .media
                .existing_storage_keys(&owners)
                .await
                .or_missing(Resource::Media)?
                .into_iter()
                .collect();
            for object in batch {
                if registered.contains(owner_key(&object.key)) {
                    continue;
                }
                if object.last_modified > cutoff {
                    report.recent_unregistered += 1;
                    continue;
                }
                if !dry_run && let Err(err) = self.ports.storage.delete(&object.key).await {
                    tracing::warn!(key = object.key, error = %err, "orphaned media object was not removed");
                    report.failed.push(object.key.clone());
                }
                report.orphans.push(object.clone());
            }
        }
        Ok(report)
    }

    pub(crate) async fn visible_media(
        &self,
        caller: Option<UserId>,
        id: MediaId,
    ) -> ServiceResult<MediaRecord> {
        let record = self
            .ports
            .media
            .get_media(id)
            .await
            .or_missing(Resource::Media)?;
        let visible = match record.legacy_id {
            Some(legacy) => self
                .access(caller, legacy)
                .await?
                .can_view_media(record.uploaded_by),
            None => caller == Some(record.uploaded_by),
        };
        if visible {
            Ok(record)
        } else {
            Err(ServiceError::NotFound(Resource::Media))
        }
    }

    pub(crate) async fn check_quota(&self, user: UserId, adding: u64) -> ServiceResult<()> {
        let used = self
            .ports
            .media
            .media_bytes_of_user(user)
            .await
            .or_missing(Resource::User)?;
        let quota = self.settings.media_quota_bytes;
        if used.saturating_add(adding) > quota {
            return Err(ServiceError::QuotaExceeded {
                quota_bytes: quota,
                used_bytes: used,
            });
        }
        Ok(())
    }
}

/// The key of the media record an object belongs to: a thumbnail's is its
/// original's.
fn owner_key(key: &str) -> &str {
    key.strip_suffix(THUMBNAIL_SUFFIX).unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thumbnail_belongs_to_its_original() {
        let original = "legacies/a/media/b";
        assert_eq!(owner_key(&thumbnail_storage_key(original)), original);
        assert_eq!(owner_key(original), original);
    }
}
