//! Thumbnails of real encoded photos: small, upright, and without the
//! original's metadata.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage, RgbaImage};
use mosaic_domain::MediaType;
use mosaic_images::{ImageThumbnailer, ThumbnailSettings};
use mosaic_ports::{ThumbnailError, ThumbnailMaker};

/// Degrees, minutes and seconds of a latitude, as EXIF rationals.
const LATITUDE: [(u32, u32); 3] = [(48, 1), (51, 1), (2417, 100)];

/// A landscape JPEG (800×600) whose EXIF says "rotate 90° clockwise to
/// show" (orientation 6) and where it was taken (GPS latitude 48°51'24.17" N).
fn jpeg_with_gps_exif() -> Vec<u8> {
    let photo = RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut plain = Vec::new();
    JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&photo)
        .unwrap();
    let exif = exif_segment();
    // The APP1 segment goes right after the start-of-image marker.
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&exif);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

/// An APP1 "Exif" segment: IFD0 with Orientation = 6 and a pointer to a
/// GPS IFD holding GPSLatitudeRef = "N" and GPSLatitude (big-endian TIFF).
fn exif_segment() -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2A");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    // IFD0 at 8: two entries; 2 + 2 × 12 + 4 = 30 bytes, so the GPS IFD is at 38.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 38);
    // GPS IFD: two entries; its rationals follow at 38 + 30 = 68.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, 68u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 68);
    for (numerator, denominator) in LATITUDE {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
    out.extend_from_slice(&tag.to_be_bytes());
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&value);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The markers of a JPEG's segments before its image data.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "starts with SOI");
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break; // start of scan: entropy-coded data follows
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + len;
    }
    markers
}

fn maker() -> ImageThumbnailer {
    ImageThumbnailer::new(ThumbnailSettings::default())
}

#[tokio::test]
async fn a_jpeg_with_gps_exif_yields_an_upright_thumbnail_without_any_metadata() {
    let original = jpeg_with_gps_exif();
    let gps_bytes = 2417u32.to_be_bytes();
    assert!(contains(&original, b"Exif\0\0") && contains(&original, &gps_bytes));
    assert!(
        jpeg_markers(&original).contains(&0xE1),
        "the original has APP1"
    );

    let thumbnail = maker()
        .make_thumbnail(MediaType::Jpeg, original)
        .await
        .unwrap();

    let markers = jpeg_markers(&thumbnail.jpeg);
    assert!(
        !markers.contains(&0xE1),
        "no APP1 (EXIF/XMP) segment: {markers:x?}"
    );
    assert!(!contains(&thumbnail.jpeg, b"Exif"));
    assert!(!contains(&thumbnail.jpeg, &gps_bytes), "no GPS latitude");
    // Orientation 6 was applied to the pixels: the 800×600 landscape is a
    // 300×400 portrait thumbnail.
    assert_eq!((thumbnail.width, thumbnail.height), (300, 400));
    let decoded = image::load_from_memory_with_format(&thumbnail.jpeg, ImageFormat::Jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (300, 400));
}

#[tokio::test]
async fn png_gif_and_webp_photos_get_jpeg_thumbnails_that_fit_the_box() {
    let photo = RgbaImage::from_fn(1000, 250, |x, _| {
        image::Rgba([200, (x % 256) as u8, 10, 255])
    });
    for (media_type, format) in [
        (MediaType::Png, ImageFormat::Png),
        (MediaType::Gif, ImageFormat::Gif),
        (MediaType::Webp, ImageFormat::WebP),
    ] {
        let mut encoded = Cursor::new(Vec::new());
        photo.write_to(&mut encoded, format).unwrap();
        let thumbnail = maker()
            .make_thumbnail(media_type, encoded.into_inner())
            .await
            .unwrap_or_else(|err| panic!("{media_type}: {err}"));
        assert_eq!(
            (thumbnail.width, thumbnail.height),
            (400, 100),
            "{media_type}"
        );
        assert!(
            MediaType::Jpeg.matches_magic(&thumbnail.jpeg),
            "{media_type}"
        );
    }
}

#[tokio::test]
async fn transparent_pixels_become_white() {
    let clear = RgbaImage::from_pixel(10, 10, image::Rgba([0, 0, 0, 0]));
    let mut png = Cursor::new(Vec::new());
    clear.write_to(&mut png, ImageFormat::Png).unwrap();
    let thumbnail = maker()
        .make_thumbnail(MediaType::Png, png.into_inner())
        .await
        .unwrap();
    let decoded = image::load_from_memory(&thumbnail.jpeg).unwrap().to_rgb8();
    assert!(decoded.pixels().all(|p| p.0.iter().all(|c| *c > 245)));
}

/// A PNG of a few hundred bytes whose header announces 100,000 × 100,000
/// pixels (40 GB decoded) is refused from its header.
#[tokio::test]
async fn a_decompression_bomb_is_refused_before_decoding() {
    let mut png = Cursor::new(Vec::new());
    RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3]))
        .write_to(&mut png, ImageFormat::Png)
        .unwrap();
    let mut png = png.into_inner();
    // IHDR data starts at byte 16 (8 signature + 4 length + 4 type); its
    // CRC covers type and data (bytes 12..29) and sits at 29..33.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let result = maker().make_thumbnail(MediaType::Png, png).await;
    assert!(
        matches!(
            result,
            Err(ThumbnailError::TooLarge {
                width: 100_000,
                height: 100_000
            })
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_pixel_limit_is_configurable_and_videos_and_garbage_get_none() {
    let small_limit = ImageThumbnailer::new(ThumbnailSettings {
        max_pixels: 1000,
        ..ThumbnailSettings::default()
    });
    assert!(matches!(
        small_limit
            .make_thumbnail(MediaType::Jpeg, jpeg_with_gps_exif())
            .await,
        Err(ThumbnailError::TooLarge {
            width: 800,
            height: 600
        })
    ));
    assert!(!maker().supports(MediaType::Mp4));
    assert!(maker().supports(MediaType::Webp));
    assert!(matches!(
        maker().make_thumbnail(MediaType::Mp4, vec![0; 16]).await,
        Err(ThumbnailError::Unsupported(MediaType::Mp4))
    ));
    assert!(matches!(
        maker()
            .make_thumbnail(MediaType::Png, b"\x89PNG\r\n\x1a\nnot really".to_vec())
            .await,
        Err(ThumbnailError::Undecodable(_))
    ));
}

/// CRC-32 (ISO-HDLC), as PNG chunks use.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
