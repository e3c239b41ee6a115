//! # mosaic-images
//!
//! Thumbnails of photos with the `image` crate, implementing
//! [`mosaic_ports::ThumbnailMaker`]. A thumbnail is the photo decoded,
//! turned upright as its EXIF orientation says, scaled to fit a square
//! (400 px by default) and encoded again as a JPEG. Re-encoding writes
//! pixels only, so none of the original's metadata — EXIF with its GPS
//! position, XMP, comments — reaches the thumbnail.
//!
//! Decoding is CPU work and memory-hungry, so it runs on tokio's blocking
//! pool, at most [`ThumbnailSettings::max_concurrent`] at a time, and an
//! image whose header announces more than [`ThumbnailSettings::max_pixels`]
//! is refused before any pixel buffer is allocated (a few-kilobyte PNG can
//! announce gigabytes of pixels).
//!
//! ```no_run
//! # async fn example(jpeg: Vec<u8>) -> Result<(), mosaic_ports::ThumbnailError> {
//! use mosaic_domain::MediaType;
//! use mosaic_images::{ImageThumbnailer, ThumbnailSettings};
//! use mosaic_ports::ThumbnailMaker;
//!
//! let maker = ImageThumbnailer::new(ThumbnailSettings::default());
//! let thumbnail = maker.make_thumbnail(MediaType::Jpeg, jpeg).await?;
//! assert!(thumbnail.width <= 400 && thumbnail.height <= 400);
//! # Ok(())
//! # }
//! ```

use std::io::Cursor;
use std::sync::Arc;

use async_trait::async_trait;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use mosaic_domain::MediaType;
use mosaic_ports::{Thumbnail, ThumbnailError, ThumbnailMaker};
use tokio::sync::Semaphore;

/// How thumbnails are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThumbnailSettings {
    /// The longest side of a thumbnail, in pixels.
    pub max_side: u32,
    /// The most pixels (width × height) an original may have; larger ones
    /// get no thumbnail. 64 million (8000 × 8000) covers phones and most
    /// cameras while bounding memory to about 256 MB per decode.
    pub max_pixels: u64,
    /// JPEG quality, 1–100.
    pub jpeg_quality: u8,
    /// Decodes running at the same time (each may hold a full-size image).
    pub max_concurrent: usize,
}

impl Default for ThumbnailSettings {
    fn default() -> Self {
        Self {
            max_side: 400,
            max_pixels: 64_000_000,
            jpeg_quality: 80,
            max_concurrent: 2,
        }
    }
}

/// Makes thumbnails of JPEG, PNG, GIF (first frame) and WebP photos.
#[derive(Debug, Clone)]
pub struct ImageThumbnailer {
    settings: ThumbnailSettings,
    permits: Arc<Semaphore>,
}

impl ImageThumbnailer {
    /// A maker with these settings.
    pub fn new(settings: ThumbnailSettings) -> Self {
        Self {
            settings,
            permits: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
        }
    }
}

#[async_trait]
impl ThumbnailMaker for ImageThumbnailer {
    fn supports(&self, media_type: MediaType) -> bool {
        image_format(media_type).is_some()
    }

    async fn make_thumbnail(
        &self,
        media_type: MediaType,
        original: Vec<u8>,
    ) -> Result<Thumbnail, ThumbnailError> {
        let format = image_format(media_type).ok_or(ThumbnailError::Unsupported(media_type))?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|err| ThumbnailError::Internal(err.into()))?;
        let settings = self.settings;
        tokio::task::spawn_blocking(move || render(format, &original, settings))
            .await
            .map_err(|err| ThumbnailError::Internal(anyhow::Error::new(err)))?
    }
}

fn image_format(media_type: MediaType) -> Option<ImageFormat> {
    match media_type {
        MediaType::Jpeg => Some(ImageFormat::Jpeg),
        MediaType::Png => Some(ImageFormat::Png),
        MediaType::Gif => Some(ImageFormat::Gif),
        MediaType::Webp => Some(ImageFormat::WebP),
        MediaType::Mp4 | MediaType::QuickTime => None,
    }
}

/// Decodes, turns upright, scales down and encodes; blocking.
fn render(
    format: ImageFormat,
    original: &[u8],
    settings: ThumbnailSettings,
) -> Result<Thumbnail, ThumbnailError> {
    let undecodable = |err: image::ImageError| ThumbnailError::Undecodable(err.into());
    let mut reader = ImageReader::with_format(Cursor::new(original), format);
    // The decoders enforce this too (a header that lies about its size is
    // refused while allocating): four bytes per pixel plus room for the
    // scaled copy.
    let mut limits = Limits::default();
    limits.max_alloc = Some(settings.max_pixels.saturating_mul(4) + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > settings.max_pixels {
        return Err(ThumbnailError::TooLarge { width, height });
    }
    // A broken orientation tag is no reason to refuse the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut photo = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    photo.apply_orientation(orientation);
    let small = photo.thumbnail(settings.max_side, settings.max_side);
    let pixels = on_white(&small);
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, settings.jpeg_quality)
        .encode_image(&pixels)
        .map_err(|err| ThumbnailError::Internal(err.into()))?;
    Ok(Thumbnail {
        jpeg,
        width: pixels.width(),
        height: pixels.height(),
    })
}

/// RGB pixels, with transparent parts (PNG, GIF, WebP) over white rather
/// than whatever colour the transparent pixels happen to hold.
fn on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            // c·a + 255·(255 − a), rounded, over 255: at most 255.
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}
