//! The JSON shapes of the API, and their conversion from and to domain
//! values. Parsing into domain values happens here, once; a value that
//! breaks a rule becomes a 422 with the rule's message.

use mosaic_domain::{
    Biography, Legacy, LegacyDetails, LegacyName, LifeDates, Membership, Page, PageRequest, Role,
    Snippet, StoryContent, StoryDraft, StoryRevision, StoryTitle, User, Visibility,
};
use std::collections::BTreeMap;

use mosaic_domain::{MediaId, UploadRequest};
use mosaic_ports::{
    LegacyView, LegacyWithRole, MediaView, MemberEntry, PresignedRequest, SearchResults, StoryHit,
    StoryView, UploadTicket,
};
use poem_openapi::{Enum, Object};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// Who may read a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum VisibilityDto {
    /// Anyone, signed in or not.
    Public,
    /// The legacy's approved members.
    Private,
    /// Only the author.
    Personal,
}

impl From<VisibilityDto> for Visibility {
    fn from(v: VisibilityDto) -> Self {
        match v {
            VisibilityDto::Public => Visibility::Public,
            VisibilityDto::Private => Visibility::Private,
            VisibilityDto::Personal => Visibility::Personal,
        }
    }
}

impl From<Visibility> for VisibilityDto {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::Public => VisibilityDto::Public,
            Visibility::Private => VisibilityDto::Private,
            Visibility::Personal => VisibilityDto::Personal,
        }
    }
}

/// A member's role in a legacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RoleDto {
    /// Asked to join, waiting for approval.
    Pending,
    /// Reads family stories.
    Member,
    /// Also writes stories.
    Editor,
    /// Manages the legacy.
    Creator,
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::Pending => Role::Pending,
            RoleDto::Member => Role::Member,
            RoleDto::Editor => Role::Editor,
            RoleDto::Creator => Role::Creator,
        }
    }
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::Pending => RoleDto::Pending,
            Role::Member => RoleDto::Member,
            Role::Editor => RoleDto::Editor,
            Role::Creator => RoleDto::Creator,
        }
    }
}

/// Parses the pagination query parameters.
pub fn page_request(cursor: Option<String>, limit: Option<u32>) -> ApiResult<PageRequest> {
    PageRequest::new(cursor.as_deref(), limit).map_err(ApiError::invalid)
}

// ----- legacies ---------------------------------------------------------------

/// Name, dates and biography of a legacy, as sent to create or change it.
#[derive(Debug, Clone, Object)]
pub struct LegacyInput {
    /// The remembered person's name (1–200 characters).
    pub name: String,
    /// Date of birth (`YYYY-MM-DD`), if known.
    pub birth_date: Option<Date>,
    /// Date of death (`YYYY-MM-DD`), if any; not before birth.
    pub death_date: Option<Date>,
    /// A short biography in Markdown (up to 5,000 characters).
    pub biography: Option<String>,
}

impl LegacyInput {
    /// Validates into domain values.
    pub fn parse(self) -> ApiResult<LegacyDetails> {
        Ok(LegacyDetails {
            name: LegacyName::new(&self.name).map_err(ApiError::invalid)?,
            dates: LifeDates::new(self.birth_date, self.death_date).map_err(ApiError::invalid)?,
            biography: match self.biography {
                Some(text) => Biography::optional(&text).map_err(ApiError::invalid)?,
                None => None,
            },
        })
    }
}

/// A legacy.
#[derive(Debug, Clone, Object)]
pub struct LegacyOut {
    /// Id.
    pub id: Uuid,
    /// The remembered person's name.
    pub name: String,
    /// Date of birth.
    pub birth_date: Option<Date>,
    /// Date of death.
    pub death_date: Option<Date>,
    /// Short biography (Markdown).
    pub biography: Option<String>,
    /// Who created it.
    pub created_by: Uuid,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// The caller's role, if signed in and a member or pending.
    pub my_role: Option<RoleDto>,
}

impl LegacyOut {
    /// A legacy with the caller's role.
    pub fn new(legacy: Legacy, my_role: Option<Role>) -> Self {
        Self {
            id: legacy.id.as_uuid(),
            name: legacy.name.into_inner(),
            birth_date: legacy.dates.birth(),
            death_date: legacy.dates.death(),
            biography: legacy.biography.map(Biography::into_inner),
            created_by: legacy.created_by.as_uuid(),
            created_at: legacy.created_at,
            updated_at: legacy.updated_at,
            my_role: my_role.map(RoleDto::from),
        }
    }
}

impl From<LegacyView> for LegacyOut {
    fn from(view: LegacyView) -> Self {
        Self::new(view.legacy, view.role)
    }
}

impl From<LegacyWithRole> for LegacyOut {
    fn from(item: LegacyWithRole) -> Self {
        Self::new(item.legacy, Some(item.role))
    }
}

/// One page of legacies.
#[derive(Debug, Clone, Object)]
pub struct LegacyPage {
    /// Newest first.
    pub items: Vec<LegacyOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl LegacyPage {
    /// Converts a domain page.
    pub fn from_page<T: Into<LegacyOut>>(page: Page<T>) -> Self {
        Self {
            next_cursor: page.next.map(|c| c.encode()),
            items: page.items.into_iter().map(Into::into).collect(),
        }
    }
}

// ----- members ------------------------------------------------------------------

/// A membership.
#[derive(Debug, Clone, Object)]
pub struct MembershipOut {
    /// The legacy.
    pub legacy_id: Uuid,
    /// The member.
    pub user_id: Uuid,
    /// Their role.
    pub role: RoleDto,
    /// When they joined or asked to.
    pub joined_at: OffsetDateTime,
}

impl From<Membership> for MembershipOut {
    fn from(m: Membership) -> Self {
        Self {
            legacy_id: m.legacy_id.as_uuid(),
            user_id: m.user_id.as_uuid(),
            role: m.role.into(),
            joined_at: m.joined_at,
        }
    }
}

/// A member in a legacy's member list.
#[derive(Debug, Clone, Object)]
pub struct MemberOut {
    /// The member.
    pub user_id: Uuid,
    /// Their display name.
    pub name: String,
    /// Their role.
    pub role: RoleDto,
    /// When they joined or asked to.
    pub joined_at: OffsetDateTime,
}

impl From<MemberEntry> for MemberOut {
    fn from(entry: MemberEntry) -> Self {
        Self {
            user_id: entry.membership.user_id.as_uuid(),
            name: entry.name.into_inner(),
            role: entry.membership.role.into(),
            joined_at: entry.membership.joined_at,
        }
    }
}

/// A new role for a member.
#[derive(Debug, Clone, Object)]
pub struct RoleChange {
    /// `member` or `editor`.
    pub role: RoleDto,
}

/// Whom to hand a legacy to.
#[derive(Debug, Clone, Object)]
pub struct TransferInput {
    /// An approved member who becomes the creator.
    pub to_user_id: Uuid,
}

// ----- stories --------------------------------------------------------------------

/// Title, content and visibility of a story.
#[derive(Debug, Clone, Object)]
pub struct StoryInput {
    /// 1–500 characters.
    pub title: String,
    /// Markdown, 1–50,000 characters.
    pub content: String,
    /// Who may read it.
    pub visibility: VisibilityDto,
    /// Keep the story out of the AI companion, for everyone (the author's
    /// choice; not part of the story's versions). Absent: unchanged.
    pub ai_excluded: Option<bool>,
}

impl StoryInput {
    /// Validates into domain values.
    pub fn parse(self) -> ApiResult<StoryDraft> {
        Ok(StoryDraft {
            title: StoryTitle::new(&self.title).map_err(ApiError::invalid)?,
            content: StoryContent::new(&self.content).map_err(ApiError::invalid)?,
            visibility: self.visibility.into(),
        })
    }
}

/// A new story.
#[derive(Debug, Clone, Object)]
pub struct StoryCreate {
    /// The legacy the story is about.
    pub legacy_id: Uuid,
    /// 1–500 characters.
    pub title: String,
    /// Markdown, 1–50,000 characters.
    pub content: String,
    /// Who may read it.
    pub visibility: VisibilityDto,
}

impl StoryCreate {
    /// Splits into the legacy and the validated draft.
    pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, StoryDraft)> {
        let draft = StoryInput {
            title: self.title,
            content: self.content,
            visibility: self.visibility,
            ai_excluded: None,
        }
        .parse()?;
        Ok((mosaic_domain::LegacyId::from_uuid(self.legacy_id), draft))
    }
}

/// A story.
#[derive(Debug, Clone, Object)]
pub struct StoryOut {
    /// Id.
    pub id: Uuid,
    /// The legacy it is about.
    pub legacy_id: Uuid,
    /// Who wrote it.
    pub author_id: Uuid,
    /// The author's current display name.
    pub author_name: String,
    /// Title.
    pub title: String,
    /// Markdown content.
    pub content: String,
    /// Who may read it.
    pub visibility: VisibilityDto,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// Last edit.
    pub updated_at: OffsetDateTime,
    /// When it was deleted, if it was (restorable for 30 days).
    pub deleted_at: Option<OffsetDateTime>,
    /// The author keeps it out of the AI companion.
    pub ai_excluded: bool,
}

impl From<StoryView> for StoryOut {
    fn from(view: StoryView) -> Self {
        let s = view.story;
        Self {
            id: s.id.as_uuid(),
            legacy_id: s.legacy_id.as_uuid(),
            author_id: s.author_id.as_uuid(),
            author_name: view.author_name.into_inner(),
            title: s.title.into_inner(),
            content: s.content.into_inner(),
            visibility: s.visibility.into(),
            created_at: s.created_at,
            updated_at: s.updated_at,
            deleted_at: s.deleted_at,
            ai_excluded: s.ai_excluded,
        }
    }
}

/// One page of stories.
#[derive(Debug, Clone, Object)]
pub struct StoryPage {
    /// Newest first.
    pub items: Vec<StoryOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl From<Page<StoryView>> for StoryPage {
    fn from(page: Page<StoryView>) -> Self {
        Self {
            next_cursor: page.next.map(|c| c.encode()),
            items: page.items.into_iter().map(Into::into).collect(),
        }
    }
}

// ----- search -----------------------------------------------------------------

/// A matched part of a snippet: characters `start` (included) to `end`
/// (excluded), counted in Unicode code points (`Array.from(text)` in
/// JavaScript), not bytes or UTF-16 units.
#[derive(Debug, Clone, Object)]
pub struct HighlightOut {
    /// First character of the match.
    pub start: u32,
    /// One past the last character of the match.
    pub end: u32,
}

/// A piece of a story's text around the matches. Plain text, never HTML:
/// mark the `highlights` when showing it.
#[derive(Debug, Clone, Object)]
pub struct SnippetOut {
    /// The text.
    pub text: String,
    /// The matched parts, in order, not overlapping.
    pub highlights: Vec<HighlightOut>,
}

impl From<&Snippet> for SnippetOut {
    fn from(snippet: &Snippet) -> Self {
        let offset = |chars: usize| u32::try_from(chars).unwrap_or(u32::MAX);
        Self {
            text: snippet.text().to_owned(),
            highlights: snippet
                .highlights()
                .iter()
                .map(|h| HighlightOut {
                    start: offset(h.start),
                    end: offset(h.end),
                })
                .collect(),
        }
    }
}

/// A story found by a search.
#[derive(Debug, Clone, Object)]
pub struct SearchHitOut {
    /// The story's id.
    pub story_id: Uuid,
    /// Its title.
    pub title: String,
    /// The legacy it belongs to.
    pub legacy_id: Uuid,
    /// That legacy's name.
    pub legacy_name: String,
    /// Who wrote it.
    pub author_id: Uuid,
    /// The author's current display name.
    pub author_name: String,
    /// Who may read it.
    pub visibility: VisibilityDto,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// Last edit.
    pub updated_at: OffsetDateTime,
    /// Where it matched.
    pub snippet: SnippetOut,
    /// Relevance, higher is better; comparable within one search only.
    pub rank: f64,
}

impl From<StoryHit> for SearchHitOut {
    fn from(hit: StoryHit) -> Self {
        Self {
            story_id: hit.story_id.as_uuid(),
            snippet: (&hit.snippet).into(),
            title: hit.title.into_inner(),
            legacy_id: hit.legacy_id.as_uuid(),
            legacy_name: hit.legacy_name.into_inner(),
            author_id: hit.author_id.as_uuid(),
            author_name: hit.author_name.into_inner(),
            visibility: hit.visibility.into(),
            created_at: hit.created_at,
            updated_at: hit.updated_at,
            rank: hit.rank,
        }
    }
}

/// One page of search hits.
#[derive(Debug, Clone, Object)]
pub struct SearchPage {
    /// Best match first.
    pub items: Vec<SearchHitOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl From<SearchResults> for SearchPage {
    fn from(results: SearchResults) -> Self {
        Self {
            next_cursor: results.next.map(|c| c.encode()),
            items: results.hits.into_iter().map(Into::into).collect(),
        }
    }
}

/// An earlier version of a story.
#[derive(Debug, Clone, Object)]
pub struct RevisionOut {
    /// Id (pass it to restore this version).
    pub id: Uuid,
    /// Title then.
    pub title: String,
    /// Content then.
    pub content: String,
    /// Visibility then.
    pub visibility: VisibilityDto,
    /// When this version was replaced.
    pub replaced_at: OffsetDateTime,
}

impl From<StoryRevision> for RevisionOut {
    fn from(r: StoryRevision) -> Self {
        Self {
            id: r.id.as_uuid(),
            title: r.draft.title.into_inner(),
            content: r.draft.content.into_inner(),
            visibility: r.draft.visibility.into(),
            replaced_at: r.replaced_at,
        }
    }
}

// ----- users -----------------------------------------------------------------------

/// The signed-in user.
#[derive(Debug, Clone, Object)]
pub struct MeOut {
    /// Id.
    pub id: Uuid,
    /// E-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Picture URL, if any.
    pub avatar_url: Option<String>,
    /// May use administrative functions.
    pub is_admin: bool,
}

impl From<User> for MeOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id.as_uuid(),
            email: u.email.as_str().to_owned(),
            name: u.name.into_inner(),
            avatar_url: u.avatar_url,
            is_admin: u.is_admin,
        }
    }
}

// ----- media -----------------------------------------------------------------------

/// A file the client is about to upload, as it declares it. Accepted:
/// JPEG, PNG, GIF, WebP (up to 50 MB) and MP4, QuickTime (up to 500 MB),
/// with a file name whose extension matches the type.
#[derive(Debug, Clone, Object)]
pub struct MediaFileInput {
    /// The legacy the file belongs to.
    pub legacy_id: Uuid,
    /// The file's name on the uploader's device (shown and offered as the
    /// download name only; storage keys come from ids).
    pub file_name: String,
    /// Its MIME type, e.g. `image/jpeg`.
    pub content_type: String,
    /// Its exact size in bytes.
    pub size_bytes: u64,
}

impl MediaFileInput {
    /// Splits into the legacy and the checked upload.
    pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, UploadRequest)> {
        let upload = UploadRequest::new(&self.file_name, &self.content_type, self.size_bytes)
            .map_err(ApiError::invalid)?;
        Ok((mosaic_domain::LegacyId::from_uuid(self.legacy_id), upload))
    }
}

/// A media item to record after its upload, with the id the presign step
/// gave and the same file details.
#[derive(Debug, Clone, Object)]
pub struct MediaRegisterInput {
    /// The legacy the file belongs to.
    pub legacy_id: Uuid,
    /// The `media_id` from `POST /api/media/presign`.
    pub media_id: Uuid,
    /// As declared at presign.
    pub file_name: String,
    /// As declared at presign.
    pub content_type: String,
    /// As declared at presign.
    pub size_bytes: u64,
}

impl MediaRegisterInput {
    /// Splits into legacy, media id and the checked upload.
    pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, MediaId, UploadRequest)> {
        let (legacy, upload) = MediaFileInput {
            legacy_id: self.legacy_id,
            file_name: self.file_name,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
        }
        .parse()?;
        Ok((legacy, MediaId::from_uuid(self.media_id), upload))
    }
}

/// One HTTP request to send straight to storage.
#[derive(Debug, Clone, Object)]
pub struct SignedRequestOut {
    /// `PUT` to upload.
    pub method: String,
    /// The signed URL (S3, or this server for the local store).
    pub url: String,
    /// Headers to send exactly as given: the signature covers
    /// `Content-Type` and `Content-Length`. Browsers set `Content-Length`
    /// themselves from the body, which must have exactly `size_bytes` bytes.
    pub headers: BTreeMap<String, String>,
}

impl From<PresignedRequest> for SignedRequestOut {
    fn from(request: PresignedRequest) -> Self {
        Self {
            method: request.method,
            url: request.url,
            headers: request.headers.into_iter().collect(),
        }
    }
}

/// Where to upload a file, and the id to register it under afterwards.
#[derive(Debug, Clone, Object)]
pub struct UploadTicketOut {
    /// Pass it to `POST /api/media` once the upload succeeded.
    pub media_id: Uuid,
    /// The upload request; it works for a limited time (15 minutes by
    /// default).
    pub upload: SignedRequestOut,
}

impl From<UploadTicket> for UploadTicketOut {
    fn from(ticket: UploadTicket) -> Self {
        Self {
            media_id: ticket.media_id.as_uuid(),
            upload: ticket.upload.into(),
        }
    }
}

/// A photo or video.
#[derive(Debug, Clone, Object)]
pub struct MediaOut {
    /// Id.
    pub id: Uuid,
    /// The legacy it belongs to.
    pub legacy_id: Option<Uuid>,
    /// Who uploaded it.
    pub uploaded_by: Uuid,
    /// The uploader's file name (cleaned).
    pub file_name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// When it was registered.
    pub created_at: OffsetDateTime,
    /// A short-lived URL showing the original (inline; `nosniff`).
    pub url: String,
    /// A short-lived URL of a small JPEG (about 400 px, no location or
    /// other metadata), for photos; absent for videos. When the thumbnail
    /// could not be made it answers 404: show `url` instead.
    pub thumbnail_url: Option<String>,
    /// When `url` and `thumbnail_url` stop working; fetch the item again
    /// for fresh ones.
    pub urls_expire_at: OffsetDateTime,
}

impl MediaOut {
    /// The view of a media item, with URLs that expire at `urls_expire_at`.
    pub fn new(view: MediaView, urls_expire_at: OffsetDateTime) -> Self {
        let record = view.record;
        Self {
            id: record.id.as_uuid(),
            legacy_id: record.legacy_id.map(|l| l.as_uuid()),
            uploaded_by: record.uploaded_by.as_uuid(),
            file_name: record.file_name.as_str().to_owned(),
            content_type: record.media_type.mime().to_owned(),
            size_bytes: record.size_bytes,
            created_at: record.created_at,
            url: view.view.url,
            thumbnail_url: view.thumbnail.map(|t| t.url),
            urls_expire_at,
        }
    }
}

/// One page of media.
#[derive(Debug, Clone, Object)]
pub struct MediaPage {
    /// Newest first.
    pub items: Vec<MediaOut>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl MediaPage {
    /// Converts a page of views whose URLs expire at `urls_expire_at`.
    pub fn new(page: Page<MediaView>, urls_expire_at: OffsetDateTime) -> Self {
        Self {
            next_cursor: page.next.map(|c| c.encode()),
            items: page
                .items
                .into_iter()
                .map(|view| MediaOut::new(view, urls_expire_at))
                .collect(),
        }
    }
}
