//! The JSON shapes of the API, and their conversion from and to domain
//! values. Parsing into domain values happens here, once; a value that
//! breaks a rule becomes a 422 with the rule's message.

use mosaic_domain::{
    Biography, Legacy, LegacyDetails, LegacyName, LifeDates, Membership, Page, PageRequest, Role,
    Story, StoryContent, StoryDraft, StoryRevision, StoryTitle, User, Visibility,
};
use mosaic_ports::{LegacyView, LegacyWithRole, MemberEntry};
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
}

impl From<Story> for StoryOut {
    fn from(s: Story) -> Self {
        Self {
            id: s.id.as_uuid(),
            legacy_id: s.legacy_id.as_uuid(),
            author_id: s.author_id.as_uuid(),
            title: s.title.into_inner(),
            content: s.content.into_inner(),
            visibility: s.visibility.into(),
            created_at: s.created_at,
            updated_at: s.updated_at,
            deleted_at: s.deleted_at,
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

impl From<Page<Story>> for StoryPage {
    fn from(page: Page<Story>) -> Self {
        Self {
            next_cursor: page.next.map(|c| c.encode()),
            items: page.items.into_iter().map(Into::into).collect(),
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
