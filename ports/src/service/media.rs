use mosaic_domain::{
    LegacyId, MediaId, MediaRecord, Page, PageRequest, UploadRequest, UserId, ValidationError,
};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::service::error::RepoResultExt;
use crate::{PresignedRequest, RepoError};

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

/// The storage key of a media item: built from ids only, never from the
/// uploader's file name.
pub fn media_storage_key(legacy: LegacyId, media: MediaId) -> String {
    format!("legacies/{legacy}/media/{media}")
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
    ) -> ServiceResult<MediaRecord> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        access
            .check_upload_media()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        match self.ports.media.get_media(media_id).await {
            Ok(existing)
                if existing.uploaded_by == caller && existing.legacy_id == Some(legacy) =>
            {
                return Ok(existing);
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
        let stored = self.ports.storage.head(&key).await?.ok_or_else(|| {
            ServiceError::Invalid(ValidationError::Upload(
                "no uploaded file was found; upload it first".into(),
            ))
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
        Ok(record)
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
    /// then the object.
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
        if let Err(err) = self.ports.storage.delete(&record.storage_key).await {
            tracing::warn!(key = record.storage_key, error = %err, "media object was not removed after its record");
        }
        Ok(())
    }

    async fn visible_media(
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

    async fn check_quota(&self, user: UserId, adding: u64) -> ServiceResult<()> {
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
