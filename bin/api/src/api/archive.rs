use mosaic_archive::{ArchiveError, Limits, archive_stream, open_archive};
use mosaic_domain::{AccountMapping, LegacyId, Role};
use mosaic_ports::{ArchiveExport, ImportAs};
use poem::Body;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiRequest, ApiResponse, Object, OpenApi};
use tokio::io::AsyncWriteExt as _;
use uuid::Uuid;

use super::ApiTags;
use crate::auth::SignedIn;
use crate::dto::LegacyOut;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The import route, which streams its body to disk instead of the JSON
/// API's 1 MiB in-memory limit.
pub const IMPORT_ROUTE: &str = "/api/legacies/import";

/// The largest archive accepted for import over HTTP.
pub const MAX_IMPORT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Archive endpoints.
#[derive(Debug)]
pub struct ArchiveApi;

#[derive(Debug, ApiResponse)]
enum ZipDownload {
    /// The archive, streamed while it is made (no `Content-Length`). A
    /// download cut off before the end means the export failed: try again.
    #[oai(status = 200, content_type = "application/zip")]
    Zip(
        Binary<Body>,
        #[oai(header = "Content-Disposition")] String,
        #[oai(header = "Cache-Control")] String,
    ),
}

/// What an import made.
#[derive(Debug, Clone, Object)]
struct ImportResult {
    /// The legacy, with the caller as its creator.
    legacy: LegacyOut,
    /// Stories imported.
    stories: u64,
    /// Earlier versions imported.
    revisions: u64,
    /// Media items imported (with their bytes).
    media: u64,
    /// Disabled placeholder accounts made for the archive's other people
    /// (their stories keep their names; nobody can sign in as them).
    placeholders: u64,
}

/// The body of an import.
#[derive(Debug, ApiRequest)]
enum ArchiveUpload {
    /// A ZIP made by "Download a legacy".
    #[oai(content_type = "application/zip")]
    Zip(Binary<Body>),
}

#[derive(Debug, ApiResponse)]
enum Imported {
    /// The legacy was imported.
    #[oai(status = 201)]
    Created(Json<ImportResult>),
}

impl From<ArchiveError> for ApiError {
    fn from(err: ArchiveError) -> Self {
        ApiError::Unprocessable(Json(ErrorBody::new("INVALID_ARCHIVE", err.to_string())))
    }
}

/// A file name for the download: ASCII letters, digits and `-` only.
fn download_name(prefix: &str, name: &str, at: time::OffsetDateTime) -> String {
    let slug = mosaic_archive_format::paths::slug(name);
    let ascii: String = slug
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!(
        "attachment; filename=\"{prefix}-{ascii}-{}.zip\"",
        at.date()
    )
}

fn zip_response(
    state: &AppState,
    export: ArchiveExport,
    kind: &'static str,
    file: String,
) -> ZipDownload {
    state.metrics.count_archive(kind, "started");
    let metrics = std::sync::Arc::clone(&state.metrics);
    let stream = archive_stream(export, move |result| {
        let outcome = if result.is_ok() {
            "completed"
        } else {
            "failed"
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, kind, "an export stopped before the end");
        }
        metrics.count_archive(kind, outcome);
    });
    ZipDownload::Zip(
        Binary(Body::from_bytes_stream(stream)),
        file,
        "no-store".to_owned(),
    )
}

#[OpenApi(tag = "ApiTags::Archives")]
impl ArchiveApi {
    /// Download everything I wrote
    ///
    /// A ZIP of every story the caller wrote, in every legacy, that they
    /// may still read, with the media they uploaded: Markdown files, the
    /// original photos, an offline `index.html` and a `manifest.json`.
    /// Rate-limited per person (shared with the other archive operations).
    #[oai(path = "/export", method = "get", operation_id = "export_my_stories")]
    async fn export_mine(&self, state: Data<&AppState>, auth: SignedIn) -> ApiResult<ZipDownload> {
        state
            .limits
            .check_archive(auth.0.id())
            .await
            .map_err(ApiError::too_many_requests)?;
        let export = state.service.export_contributions(auth.0.id()).await?;
        let file = download_name("mosaic-life", auth.0.0.name.as_str(), export.exported_at());
        Ok(zip_response(&state, export, "person_export", file))
    }

    /// Download a legacy
    ///
    /// A ZIP of the legacy as the caller may read it: public and family
    /// stories and the caller's own personal ones, earlier versions of the
    /// stories whose history the caller may see, the media, the members.
    /// Approved members only. Rate-limited per person.
    #[oai(
        path = "/legacies/:id/export",
        method = "get",
        operation_id = "export_legacy"
    )]
    async fn export_legacy(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<ZipDownload> {
        state
            .limits
            .check_archive(auth.0.id())
            .await
            .map_err(ApiError::too_many_requests)?;
        let export = state
            .service
            .export_legacy(auth.0.id(), LegacyId::from_uuid(id.0))
            .await?;
        let name = export
            .legacies()
            .first()
            .map(|l| l.name.as_str().to_owned())
            .unwrap_or_default();
        let file = download_name("mosaic-life", &name, export.exported_at());
        Ok(zip_response(&state, export, "legacy_export", file))
    }

    /// Import a legacy's archive
    ///
    /// The body is a ZIP made by "Download a legacy" (`application/zip`, at
    /// most 4 GiB). It is checked completely before anything is written
    /// (unsafe paths, symlinks, duplicates, zip bombs, files that do not
    /// match the manifest, malformed front matter, unknown versions: 422
    /// `INVALID_ARCHIVE` naming the problem). The caller becomes the
    /// creator; everyone else in the archive gets a disabled placeholder
    /// account. Importing an archive whose legacy exists here is refused
    /// (409). Send the `X-Requested-With` header.
    #[oai(
        path = "/legacies/import",
        method = "post",
        operation_id = "import_legacy"
    )]
    async fn import(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: ArchiveUpload,
    ) -> ApiResult<Imported> {
        let ArchiveUpload::Zip(Binary(body)) = body;
        state
            .limits
            .check_archive(auth.0.id())
            .await
            .map_err(ApiError::too_many_requests)?;
        let spooled = spool(body).await?;
        let (archive, mut media) = open_archive(spooled.path(), Limits::default()).await?;
        let report = state
            .service
            .import_legacy(
                ImportAs {
                    importer: Some(auth.0.id()),
                    mapping: AccountMapping::NewAccounts,
                },
                archive,
                &mut media,
            )
            .await;
        state.metrics.count_archive(
            "import",
            if report.is_ok() {
                "completed"
            } else {
                "failed"
            },
        );
        let report = report?;
        Ok(Imported::Created(Json(ImportResult {
            legacy: LegacyOut::new(report.legacy, Some(Role::Creator)),
            stories: report.stories as u64,
            revisions: report.revisions as u64,
            media: report.media as u64,
            placeholders: report.placeholders as u64,
        })))
    }
}

/// Writes the request body to a temporary file, refusing more than
/// [`MAX_IMPORT_BYTES`] (a ZIP must be read from a seekable file: its
/// directory is at the end).
async fn spool(body: Body) -> ApiResult<tempfile::NamedTempFile> {
    use futures_util::StreamExt as _;
    let internal = |err: std::io::Error| {
        tracing::error!(error = %err, "spooling an import failed");
        ApiError::Internal(Json(ErrorBody::new(
            "INTERNAL",
            "something went wrong on our side; it has been logged",
        )))
    };
    let file = tempfile::NamedTempFile::new().map_err(internal)?;
    let mut out = tokio::fs::File::from_std(file.reopen().map_err(internal)?);
    let mut stream = body.into_bytes_stream();
    let mut total: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|err| ApiError::bad_request(format!("the upload was interrupted: {err}")))?;
        total += chunk.len() as u64;
        if total > MAX_IMPORT_BYTES {
            return Err(ApiError::PayloadTooLarge(Json(ErrorBody::new(
                "PAYLOAD_TOO_LARGE",
                "the archive is larger than 4 GiB",
            ))));
        }
        out.write_all(&chunk).await.map_err(internal)?;
    }
    out.flush().await.map_err(internal)?;
    if total == 0 {
        return Err(ApiError::bad_request(
            "the request body is empty: send the archive",
        ));
    }
    Ok(file)
}
