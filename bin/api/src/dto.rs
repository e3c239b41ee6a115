//! The JSON shapes of the API, and their conversion from and to domain
//! values. Parsing into domain values happens here, once; a value that
//! breaks a rule becomes a 422 with the rule's message.

use mosaic_domain::{
    Biography, Legacy, LegacyDetails, LegacyName, LifeDates, Membership, Page, PageRequest, Role,
    Snippet, StoryContent, StoryDraft, StoryRevision, StoryTitle, User, Visibility,
};
use std::collections::BTreeMap;

use mosaic_domain::{MediaId, MediaType, UploadRequest};
use mosaic_ports::{
    LegacyView, LegacyWithRole, MediaView, MemberEntry, PresignedRequest, SearchResults, StoryHit,
    StoryView, UploadTicket,
};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{
    ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type,
};
use poem_openapi::{Enum, Object, Union};
use std::borrow::Cow;
use time::macros::format_description;
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

/// A calendar date in the JSON form `YYYY-MM-DD`, declared in the document
/// as the standard `format: date` (RFC 3339 `full-date`) so that every
/// client knows what to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDate(pub Date);

const FULL_DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

impl Type for IsoDate {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_date".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "date")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl IsoDate {
    /// Parses RFC 3339 `full-date`: exactly four year digits, no sign.
    fn parse_text(text: &str) -> ParseResult<Self> {
        if text.len() == 10 && text.starts_with(|c: char| c.is_ascii_digit()) {
            Date::parse(text, FULL_DATE)
                .map(IsoDate)
                .map_err(|_| ParseError::custom(format!("'{text}' is not a date (YYYY-MM-DD)")))
        } else {
            Err(ParseError::custom(format!(
                "'{}' is not a date (YYYY-MM-DD)",
                text.chars().take(40).collect::<String>()
            )))
        }
    }
}

impl ParseFromJSON for IsoDate {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            serde_json::Value::String(text) => Self::parse_text(&text),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

/// A query parameter `YYYY-MM-DD` (declared `format: date` too).
impl ParseFromParameter for IsoDate {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Self::parse_text(value)
    }
}

impl ToJSON for IsoDate {
    fn to_json(&self) -> Option<serde_json::Value> {
        self.0.format(FULL_DATE).ok().map(serde_json::Value::String)
    }
}

/// A JSON string, and only a string: poem-openapi's `String` also takes
/// `12` or `false` and turns them into text, which the document (`type:
/// string`) does not allow. Validators (`max_length`, `pattern`) apply as
/// to `String`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Type for Text {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("string")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for Text {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            serde_json::Value::String(text) => Ok(Text(text)),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ToJSON for Text {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(self.0.clone()))
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
    /// The remembered person's name (1–200 characters, at least one of them
    /// neither white space nor a control character).
    #[oai(validator(
        max_length = 200,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub name: Text,
    /// Date of birth (`YYYY-MM-DD`), if known.
    #[oai(nullable)]
    pub birth_date: Option<IsoDate>,
    /// Date of death (`YYYY-MM-DD`), if any; not before birth.
    #[oai(nullable)]
    pub death_date: Option<IsoDate>,
    /// A short biography in Markdown (up to 5,000 characters); empty or
    /// `null` for none.
    #[oai(nullable, validator(max_length = 5000))]
    pub biography: Option<Text>,
}

impl LegacyInput {
    /// Validates into domain values.
    pub fn parse(self) -> ApiResult<LegacyDetails> {
        Ok(LegacyDetails {
            name: LegacyName::new(&self.name.0).map_err(ApiError::invalid)?,
            dates: LifeDates::new(self.birth_date.map(|d| d.0), self.death_date.map(|d| d.0))
                .map_err(ApiError::invalid)?,
            biography: match self.biography {
                Some(text) => Biography::optional(&text.0).map_err(ApiError::invalid)?,
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
    #[oai(nullable)]
    pub birth_date: Option<IsoDate>,
    /// Date of death.
    #[oai(nullable)]
    pub death_date: Option<IsoDate>,
    /// Short biography (Markdown).
    #[oai(nullable)]
    pub biography: Option<String>,
    /// Who created it.
    pub created_by: Uuid,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// The caller's role, if signed in and a member or pending.
    #[oai(nullable)]
    pub my_role: Option<RoleDto>,
}

impl LegacyOut {
    /// A legacy with the caller's role.
    pub fn new(legacy: Legacy, my_role: Option<Role>) -> Self {
        Self {
            id: legacy.id.as_uuid(),
            name: legacy.name.into_inner(),
            birth_date: legacy.dates.birth().map(IsoDate),
            death_date: legacy.dates.death().map(IsoDate),
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
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[oai(nullable)]
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
    /// 1–500 characters, at least one of them neither white space nor a
    /// control character.
    #[oai(validator(
        max_length = 500,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub title: Text,
    /// Markdown, 1–50,000 characters, at least one of them neither white
    /// space nor a control character.
    #[oai(validator(
        max_length = 50000,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub content: Text,
    /// Who may read it.
    pub visibility: VisibilityDto,
    /// Keep the story out of the AI companion, for everyone (the author's
    /// choice; not part of the story's versions). Absent or `null`:
    /// unchanged.
    #[oai(nullable)]
    pub ai_excluded: Option<bool>,
}

impl StoryInput {
    /// Validates into domain values.
    pub fn parse(self) -> ApiResult<StoryDraft> {
        Ok(StoryDraft {
            title: StoryTitle::new(&self.title.0).map_err(ApiError::invalid)?,
            content: StoryContent::new(&self.content.0).map_err(ApiError::invalid)?,
            visibility: self.visibility.into(),
        })
    }
}

/// A new story.
#[derive(Debug, Clone, Object)]
pub struct StoryCreate {
    /// The legacy the story is about.
    pub legacy_id: Uuid,
    /// 1–500 characters, at least one of them neither white space nor a
    /// control character.
    #[oai(validator(
        max_length = 500,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub title: Text,
    /// Markdown, 1–50,000 characters, at least one of them neither white
    /// space nor a control character.
    #[oai(validator(
        max_length = 50000,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub content: Text,
    /// Who may read it.
    pub visibility: VisibilityDto,
    /// Keep the story out of the AI companion, for everyone, from the
    /// start (absent or `null`: false).
    #[oai(nullable)]
    pub ai_excluded: Option<bool>,
}

impl StoryCreate {
    /// Splits into the legacy, the validated draft and whether the story is
    /// kept out of the AI companion.
    pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, StoryDraft, bool)> {
        let ai_excluded = self.ai_excluded.unwrap_or(false);
        let draft = StoryInput {
            title: self.title,
            content: self.content,
            visibility: self.visibility,
            ai_excluded: None,
        }
        .parse()?;
        Ok((
            mosaic_domain::LegacyId::from_uuid(self.legacy_id),
            draft,
            ai_excluded,
        ))
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
    #[oai(nullable)]
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
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[oai(nullable)]
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
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[oai(nullable)]
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
    #[oai(nullable)]
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

/// Declares, per accepted file type, the upload's fields with that type's
/// own limits (its extensions, its largest size), and the two request
/// bodies as unions keyed by `content_type`: so the document states the
/// whole rule (JPEG needs `.jpg`/`.jpeg` and at most 50 MiB, MP4 `.mp4`/
/// `.m4v` and at most 500 MiB, …), not only its parts.
macro_rules! upload_bodies {
    ($(
        $variant:ident, $mime:tt, $file:ident, $register:ident, $doc:tt,
        max = $max:tt, file_name = $pattern:tt;
    )*) => {
        $(
            #[doc = $doc]
            #[derive(Debug, Clone, Object)]
            pub struct $file {
                /// The legacy the file belongs to.
                pub legacy_id: Uuid,
                /// The file's name on the uploader's device, up to 255
                /// characters, ending in an extension of its type (shown and
                /// offered as the download name only; storage keys come from
                /// ids).
                #[oai(validator(max_length = 255, pattern = $pattern))]
                pub file_name: Text,
                /// Its exact size in bytes (at least 1).
                #[oai(validator(minimum(value = "1"), maximum(value = $max)))]
                pub size_bytes: u64,
            }

            #[doc = $doc]
            #[derive(Debug, Clone, Object)]
            pub struct $register {
                /// The legacy the file belongs to.
                pub legacy_id: Uuid,
                /// The `media_id` from `POST /api/media/presign`.
                pub media_id: Uuid,
                /// As declared at presign.
                #[oai(validator(max_length = 255, pattern = $pattern))]
                pub file_name: Text,
                /// As declared at presign.
                #[oai(validator(minimum(value = "1"), maximum(value = $max)))]
                pub size_bytes: u64,
            }
        )*

        /// A file the client is about to upload, as it declares it: its
        /// `content_type` (JPEG, PNG, GIF, WebP up to 50 MiB; MP4,
        /// QuickTime up to 500 MiB) decides the other fields' limits.
        #[derive(Debug, Clone, Union)]
        #[oai(discriminator_name = "content_type", one_of)]
        pub enum MediaFileInput {
            $(
                #[doc = $doc]
                #[oai(mapping = $mime)]
                $variant($file),
            )*
        }

        /// A media item to record after its upload, with the id the
        /// presign step gave and the same file details.
        #[derive(Debug, Clone, Union)]
        #[oai(discriminator_name = "content_type", one_of)]
        pub enum MediaRegisterInput {
            $(
                #[doc = $doc]
                #[oai(mapping = $mime)]
                $variant($register),
            )*
        }

        impl MediaFileInput {
            /// Splits into the legacy and the checked upload.
            pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, UploadRequest)> {
                let (media_type, legacy_id, file_name, size_bytes) = match self {
                    $(Self::$variant(f) => (MediaType::$variant, f.legacy_id, f.file_name, f.size_bytes),)*
                };
                upload_request(media_type, legacy_id, &file_name, size_bytes)
            }
        }

        impl MediaRegisterInput {
            /// Splits into legacy, media id and the checked upload.
            pub fn parse(self) -> ApiResult<(mosaic_domain::LegacyId, MediaId, UploadRequest)> {
                let (media_type, legacy_id, media_id, file_name, size_bytes) = match self {
                    $(Self::$variant(f) => (MediaType::$variant, f.legacy_id, f.media_id, f.file_name, f.size_bytes),)*
                };
                let (legacy, upload) = upload_request(media_type, legacy_id, &file_name, size_bytes)?;
                Ok((legacy, MediaId::from_uuid(media_id), upload))
            }
        }
    };
}

/// The domain's upload rules over what the client declared (the document
/// already holds the request to them; this is the same rule, once more,
/// where it lives).
fn upload_request(
    media_type: MediaType,
    legacy_id: Uuid,
    file_name: &Text,
    size_bytes: u64,
) -> ApiResult<(mosaic_domain::LegacyId, UploadRequest)> {
    let upload = UploadRequest::new(&file_name.0, media_type.mime(), size_bytes)
        .map_err(ApiError::invalid)?;
    Ok((mosaic_domain::LegacyId::from_uuid(legacy_id), upload))
}

// File names: one character that survives the clean-up (not white space, a
// control character, a dot or a path separator), then the rest of the last
// path component, then the type's extension (any letter case).
upload_bodies! {
    Jpeg, "image/jpeg", JpegFile, JpegRegistration, "A JPEG photo (`.jpg`, `.jpeg`; up to 50 MiB).",
        max = "52428800",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.[jJ][pP][eE]?[gG]$";
    Png, "image/png", PngFile, PngRegistration, "A PNG image (`.png`; up to 50 MiB).",
        max = "52428800",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.[pP][nN][gG]$";
    Gif, "image/gif", GifFile, GifRegistration, "A GIF image (`.gif`; up to 50 MiB).",
        max = "52428800",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.[gG][iI][fF]$";
    Webp, "image/webp", WebpFile, WebpRegistration, "A WebP image (`.webp`; up to 50 MiB).",
        max = "52428800",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.[wW][eE][bB][pP]$";
    Mp4, "video/mp4", Mp4File, Mp4Registration, "An MP4 video (`.mp4`, `.m4v`; up to 500 MiB).",
        max = "524288000",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.[mM]([pP]4|4[vV])$";
    QuickTime, "video/quicktime", QuickTimeFile, QuickTimeRegistration, "A QuickTime video (`.mov`, `.qt`; up to 500 MiB).",
        max = "524288000",
        file_name = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000./\\][^/\\]*\.([mM][oO][vV]|[qQ][tT])$";
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
    #[oai(nullable)]
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
    #[oai(nullable)]
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
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[oai(nullable)]
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
