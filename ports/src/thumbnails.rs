//! The image-processing port: small previews of photos for galleries.

use async_trait::async_trait;
use mosaic_domain::MediaType;
use thiserror::Error;

/// A preview of a photo: a small JPEG with no metadata at all.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl std::fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnail")
            .field("jpeg_bytes", &self.jpeg.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// Why no thumbnail was made. None of these fails an upload: the gallery
/// shows the original instead.
#[derive(Debug, Error)]
pub enum ThumbnailError {
    /// Videos, or thumbnails turned off.
    #[error("no thumbnail is made for {0}")]
    Unsupported(MediaType),
    /// The image has more pixels than the maker will decode (a
    /// decompression bomb, or simply too big to decode safely).
    #[error("the image is too large to make a thumbnail of ({width}×{height} pixels)")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The bytes are not a readable image of the declared type.
    #[error("the image cannot be decoded")]
    Undecodable(#[source] anyhow::Error),
    /// Anything else (an encoder failure, a crashed worker).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Makes thumbnails of photos.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ThumbnailMaker: Send + Sync {
    /// Whether this maker makes thumbnails of `media_type` at all (so that
    /// the service does not read a file it cannot use).
    fn supports(&self, media_type: MediaType) -> bool;

    /// A thumbnail of `original`, an image of `media_type`. The result MUST
    /// carry no metadata of the original (EXIF, GPS position, XMP, comments)
    /// and MUST be turned upright as the EXIF orientation says. An image
    /// whose header announces more pixels than the maker's limit MUST be
    /// refused with [`ThumbnailError::TooLarge`] before it is decoded.
    /// Decoding is CPU work: it MUST NOT block the async runtime.
    async fn make_thumbnail(
        &self,
        media_type: MediaType,
        original: Vec<u8>,
    ) -> Result<Thumbnail, ThumbnailError>;
}

/// A [`ThumbnailMaker`] that makes none: for embedders and tests that do
/// not want image decoding. Galleries then show the originals.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoThumbnails;

#[async_trait]
impl ThumbnailMaker for NoThumbnails {
    fn supports(&self, _media_type: MediaType) -> bool {
        false
    }

    async fn make_thumbnail(
        &self,
        media_type: MediaType,
        _original: Vec<u8>,
    ) -> Result<Thumbnail, ThumbnailError> {
        Err(ThumbnailError::Unsupported(media_type))
    }
}
