use async_trait::async_trait;
use mosaic_domain::{LegacyId, MediaId, MediaRecord, MediaScope, Page, PageRequest, UserId};

use crate::RepoError;

/// Records of uploaded photos and videos (the bytes are in object storage).
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait MediaRepo: Send + Sync {
    /// Stores a media record.
    /// MUST return [`RepoError::Conflict`] when the id or storage key exists,
    /// [`RepoError::NotFound`] when the uploader or legacy does not.
    async fn create_media(&self, media: &MediaRecord) -> Result<(), RepoError>;

    /// MUST return [`RepoError::NotFound`] when no record has this id.
    async fn get_media(&self, id: MediaId) -> Result<MediaRecord, RepoError>;

    /// The legacy's media that `scope` admits, newest first by
    /// `(created_at, id)`; the scope MUST be part of the query.
    async fn list_media(
        &self,
        legacy: LegacyId,
        scope: MediaScope,
        page: PageRequest,
    ) -> Result<Page<MediaRecord>, RepoError>;

    /// Deletes the record and returns it.
    /// MUST return [`RepoError::NotFound`] when no record has this id.
    async fn delete_media(&self, id: MediaId) -> Result<MediaRecord, RepoError>;

    /// Those of `keys` that a media record has as its storage key, in any
    /// order (for finding orphaned objects in storage). MUST answer for any
    /// number of keys, including none.
    async fn existing_storage_keys(&self, keys: &[String]) -> Result<Vec<String>, RepoError>;

    /// Total bytes of the media a user uploaded (for the quota).
    async fn media_bytes_of_user(&self, user: UserId) -> Result<u64, RepoError>;
}
