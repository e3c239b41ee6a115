//! # mosaic-s3
//!
//! The object-storage adapter for photos and videos: S3 and S3-compatible
//! stores (presigned uploads and downloads with aws-sdk-s3) for production,
//! and a local directory through `object_store` as the embedded default. Keys
//! are built from ids, never from file names. It implements the
//! object-storage port of `mosaic-ports`. Filled in by the media issue.
