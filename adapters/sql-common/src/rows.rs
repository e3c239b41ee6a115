//! Rows as both databases return them, and their conversion into domain
//! values. Conversion re-validates every value: a row that a bug, a manual
//! edit or a future version left invalid becomes [`RepoError::Internal`]
//! naming the record, never a panic and never an invalid domain value.

use std::fmt::Display;

use mosaic_domain::{
    Biography, Email, FileName, Legacy, LegacyId, LegacyName, LifeDates, MediaId, MediaRecord,
    MediaType, Membership, PersonName, RevisionId, Role, Session, SessionId, Snippet, Story,
    StoryContent, StoryDraft, StoryId, StoryRevision, StoryTitle, TokenHash, User, UserId,
    Visibility,
};
use mosaic_domain::{
    ChatMessage, ChatMessageId, ChatRole, Citation, Conversation, ConversationId, ConversationTitle,
};
use mosaic_ports::{LegacyWithRole, MemberEntry, RepoError, StoryHit, StoryView};
use time::Date;
use uuid::Uuid;

use crate::Timestamp;

/// An invalid stored value, reported with the record it belongs to.
fn invalid(record: &str, id: impl Display, err: impl Display) -> RepoError {
    RepoError::Internal(anyhow::anyhow!("stored {record} {id} is invalid: {err}"))
}

/// A `users` row.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    avatar_url: Option<String>,
    is_admin: bool,
    disabled: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl UserRow {
    /// The domain user.
    pub fn into_domain(self) -> Result<User, RepoError> {
        let bad = |err: &dyn Display| invalid("user", self.id, err);
        Ok(User {
            id: UserId::from_uuid(self.id),
            email: Email::new(&self.email).map_err(|e| bad(&e))?,
            name: PersonName::new(&self.name).map_err(|e| bad(&e))?,
            avatar_url: self.avatar_url,
            is_admin: self.is_admin,
            disabled: self.disabled,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// A `legacies` row.
#[derive(Debug, sqlx::FromRow)]
pub struct LegacyRow {
    id: Uuid,
    name: String,
    birth_date: Option<Date>,
    death_date: Option<Date>,
    biography: Option<String>,
    created_by: Uuid,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl LegacyRow {
    /// The domain legacy.
    pub fn into_domain(self) -> Result<Legacy, RepoError> {
        let bad = |err: &dyn Display| invalid("legacy", self.id, err);
        let biography = match &self.biography {
            Some(text) => Biography::optional(text).map_err(|e| bad(&e))?,
            None => None,
        };
        Ok(Legacy {
            id: LegacyId::from_uuid(self.id),
            name: LegacyName::new(&self.name).map_err(|e| bad(&e))?,
            dates: LifeDates::new(self.birth_date, self.death_date).map_err(|e| bad(&e))?,
            biography,
            created_by: UserId::from_uuid(self.created_by),
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// A legacy joined with one user's membership role.
#[derive(Debug, sqlx::FromRow)]
pub struct LegacyWithRoleRow {
    #[sqlx(flatten)]
    legacy: LegacyRow,
    role: String,
}

impl LegacyWithRoleRow {
    /// The legacy and the role.
    pub fn into_domain(self) -> Result<LegacyWithRole, RepoError> {
        let role = parse_role(&self.role, "legacy", self.legacy.id)?;
        Ok(LegacyWithRole {
            legacy: self.legacy.into_domain()?,
            role,
        })
    }
}

fn parse_role(role: &str, record: &str, id: impl Display) -> Result<Role, RepoError> {
    role.parse::<Role>().map_err(|e| invalid(record, id, e))
}

/// A `legacy_members` row.
#[derive(Debug, sqlx::FromRow)]
pub struct MembershipRow {
    legacy_id: Uuid,
    user_id: Uuid,
    role: String,
    joined_at: Timestamp,
}

impl MembershipRow {
    /// The domain membership.
    pub fn into_domain(self) -> Result<Membership, RepoError> {
        let id = format!("{}/{}", self.legacy_id, self.user_id);
        Ok(Membership {
            legacy_id: LegacyId::from_uuid(self.legacy_id),
            user_id: UserId::from_uuid(self.user_id),
            role: parse_role(&self.role, "membership", id)?,
            joined_at: self.joined_at.0,
        })
    }
}

/// A legacy id with one user's role in it.
#[derive(Debug, sqlx::FromRow)]
pub struct LegacyRoleRow {
    legacy_id: Uuid,
    role: String,
}

impl LegacyRoleRow {
    /// The legacy and the role.
    pub fn into_domain(self) -> Result<(LegacyId, Role), RepoError> {
        let role = parse_role(&self.role, "membership", self.legacy_id)?;
        Ok((LegacyId::from_uuid(self.legacy_id), role))
    }
}

/// A membership joined with the member's display name.
#[derive(Debug, sqlx::FromRow)]
pub struct MemberEntryRow {
    #[sqlx(flatten)]
    membership: MembershipRow,
    name: String,
}

impl MemberEntryRow {
    /// The member list entry.
    pub fn into_domain(self) -> Result<MemberEntry, RepoError> {
        let name =
            PersonName::new(&self.name).map_err(|e| invalid("user", self.membership.user_id, e))?;
        Ok(MemberEntry {
            membership: self.membership.into_domain()?,
            name,
        })
    }
}

fn parse_draft(
    record: &str,
    id: Uuid,
    title: &str,
    content: &str,
    visibility: &str,
) -> Result<StoryDraft, RepoError> {
    let bad = |err: &dyn Display| invalid(record, id, err);
    Ok(StoryDraft {
        title: StoryTitle::new(title).map_err(|e| bad(&e))?,
        content: StoryContent::new(content).map_err(|e| bad(&e))?,
        visibility: visibility.parse::<Visibility>().map_err(|e| bad(&e))?,
    })
}

/// A `stories` row.
#[derive(Debug, sqlx::FromRow)]
pub struct StoryRow {
    id: Uuid,
    legacy_id: Uuid,
    author_id: Uuid,
    title: String,
    content: String,
    visibility: String,
    created_at: Timestamp,
    updated_at: Timestamp,
    deleted_at: Option<Timestamp>,
    ai_excluded: bool,
}

impl StoryRow {
    /// The domain story.
    pub fn into_domain(self) -> Result<Story, RepoError> {
        let draft = parse_draft(
            "story",
            self.id,
            &self.title,
            &self.content,
            &self.visibility,
        )?;
        Ok(Story {
            id: StoryId::from_uuid(self.id),
            legacy_id: LegacyId::from_uuid(self.legacy_id),
            author_id: UserId::from_uuid(self.author_id),
            title: draft.title,
            content: draft.content,
            visibility: draft.visibility,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
            deleted_at: self.deleted_at.map(|at| at.0),
            ai_excluded: self.ai_excluded,
        })
    }
}

/// A `stories` row joined with its author's display name.
#[derive(Debug, sqlx::FromRow)]
pub struct StoryViewRow {
    #[sqlx(flatten)]
    story: StoryRow,
    author_name: String,
}

impl StoryViewRow {
    /// The story as readers see it.
    pub fn into_domain(self) -> Result<StoryView, RepoError> {
        let author_name = PersonName::new(&self.author_name)
            .map_err(|e| invalid("user", self.story.author_id, e))?;
        Ok(StoryView {
            story: self.story.into_domain()?,
            author_name,
        })
    }
}

/// One search hit: a story with its legacy's and author's names, the
/// engine's snippet (matches between [`Snippet::START_MARK`] and
/// [`Snippet::END_MARK`]) and its rank (higher is better).
#[derive(Debug, sqlx::FromRow)]
pub struct StoryHitRow {
    id: Uuid,
    title: String,
    legacy_id: Uuid,
    legacy_name: String,
    author_id: Uuid,
    author_name: String,
    visibility: String,
    created_at: Timestamp,
    updated_at: Timestamp,
    snippet: Option<String>,
    rank: f64,
}

impl StoryHitRow {
    /// The hit as the port returns it.
    pub fn into_domain(self) -> Result<StoryHit, RepoError> {
        let bad = |err: &dyn Display| invalid("story", self.id, err);
        Ok(StoryHit {
            story_id: StoryId::from_uuid(self.id),
            title: StoryTitle::new(&self.title).map_err(|e| bad(&e))?,
            legacy_id: LegacyId::from_uuid(self.legacy_id),
            legacy_name: LegacyName::new(&self.legacy_name)
                .map_err(|e| invalid("legacy", self.legacy_id, e))?,
            author_id: UserId::from_uuid(self.author_id),
            author_name: PersonName::new(&self.author_name)
                .map_err(|e| invalid("user", self.author_id, e))?,
            visibility: self.visibility.parse::<Visibility>().map_err(|e| bad(&e))?,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
            snippet: Snippet::from_marked(self.snippet.as_deref().unwrap_or_default()),
            rank: self.rank,
        })
    }
}

/// The editable part of a `stories` row, read to become a revision.
#[derive(Debug, sqlx::FromRow)]
pub struct StoryVersionRow {
    /// Title as stored.
    pub title: String,
    /// Content as stored.
    pub content: String,
    /// Visibility as stored.
    pub visibility: String,
}

/// A `story_revisions` row.
#[derive(Debug, sqlx::FromRow)]
pub struct RevisionRow {
    id: Uuid,
    story_id: Uuid,
    title: String,
    content: String,
    visibility: String,
    replaced_at: Timestamp,
}

impl RevisionRow {
    /// The domain revision.
    pub fn into_domain(self) -> Result<StoryRevision, RepoError> {
        Ok(StoryRevision {
            id: RevisionId::from_uuid(self.id),
            story_id: StoryId::from_uuid(self.story_id),
            draft: parse_draft(
                "story revision",
                self.id,
                &self.title,
                &self.content,
                &self.visibility,
            )?,
            replaced_at: self.replaced_at.0,
        })
    }
}

/// A `media` row.
#[derive(Debug, sqlx::FromRow)]
pub struct MediaRow {
    id: Uuid,
    uploaded_by: Uuid,
    legacy_id: Option<Uuid>,
    storage_key: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    created_at: Timestamp,
}

impl MediaRow {
    /// The domain media record.
    pub fn into_domain(self) -> Result<MediaRecord, RepoError> {
        let bad = |err: &dyn Display| invalid("media", self.id, err);
        let media_type = MediaType::from_mime(&self.media_type)
            .ok_or_else(|| bad(&format!("unknown media type '{}'", self.media_type)))?;
        Ok(MediaRecord {
            id: MediaId::from_uuid(self.id),
            uploaded_by: UserId::from_uuid(self.uploaded_by),
            legacy_id: self.legacy_id.map(LegacyId::from_uuid),
            storage_key: self.storage_key,
            file_name: FileName::new(&self.file_name).map_err(|e| bad(&e))?,
            media_type,
            size_bytes: u64::try_from(self.size_bytes).map_err(|e| bad(&e))?,
            created_at: self.created_at.0,
        })
    }
}

/// A `sessions` row.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    token_hash: Vec<u8>,
    created_at: Timestamp,
    expires_at: Timestamp,
    revoked_at: Option<Timestamp>,
}

impl SessionRow {
    /// The domain session.
    pub fn into_domain(self) -> Result<Session, RepoError> {
        let hash: [u8; 32] = self.token_hash.as_slice().try_into().map_err(|_| {
            invalid(
                "session",
                self.id,
                format!("token hash has {} bytes, not 32", self.token_hash.len()),
            )
        })?;
        Ok(Session {
            id: SessionId::from_uuid(self.id),
            user_id: UserId::from_uuid(self.user_id),
            token_hash: TokenHash::from_bytes(hash),
            created_at: self.created_at.0,
            expires_at: self.expires_at.0,
            revoked_at: self.revoked_at.map(|at| at.0),
        })
    }
}

/// A `sessions` row joined with its user.
#[derive(Debug, sqlx::FromRow)]
pub struct SignedInRow {
    session_id: Uuid,
    token_hash: Vec<u8>,
    session_created_at: Timestamp,
    expires_at: Timestamp,
    revoked_at: Option<Timestamp>,
    #[sqlx(flatten)]
    user: UserRow,
}

impl SignedInRow {
    /// The session and its user.
    pub fn into_domain(self) -> Result<(Session, User), RepoError> {
        let session = SessionRow {
            id: self.session_id,
            user_id: self.user.id,
            token_hash: self.token_hash,
            created_at: self.session_created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        }
        .into_domain()?;
        Ok((session, self.user.into_domain()?))
    }
}

/// A byte count as stored (a signed 64-bit integer in both databases).
pub fn stored_size(size_bytes: u64) -> Result<i64, RepoError> {
    i64::try_from(size_bytes)
        .map_err(|_| RepoError::Internal(anyhow::anyhow!("media size {size_bytes} is too large")))
}

/// A count or byte total read back from the database, which is never
/// negative unless something is badly wrong.
pub fn non_negative(value: i64, what: &str) -> Result<u64, RepoError> {
    u64::try_from(value)
        .map_err(|_| RepoError::Internal(anyhow::anyhow!("negative {what} {value}")))
}

/// A `chat_conversations` row.
#[derive(Debug, sqlx::FromRow)]
pub struct ConversationRow {
    id: Uuid,
    user_id: Uuid,
    legacy_id: Uuid,
    title: String,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl ConversationRow {
    /// The domain conversation.
    pub fn into_domain(self) -> Result<Conversation, RepoError> {
        Ok(Conversation {
            id: ConversationId::from_uuid(self.id),
            user_id: UserId::from_uuid(self.user_id),
            legacy_id: LegacyId::from_uuid(self.legacy_id),
            title: ConversationTitle::new(&self.title)
                .map_err(|e| invalid("conversation", self.id, e))?,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// A `chat_messages` row (its citations come from [`CitationRow`]s).
#[derive(Debug, sqlx::FromRow)]
pub struct ChatMessageRow {
    id: Uuid,
    conversation_id: Uuid,
    role: String,
    content: String,
    created_at: Timestamp,
}

impl ChatMessageRow {
    /// The id of the message.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The domain message, with its citations.
    pub fn into_domain(self, citations: Vec<Citation>) -> Result<ChatMessage, RepoError> {
        Ok(ChatMessage {
            id: ChatMessageId::from_uuid(self.id),
            conversation_id: ConversationId::from_uuid(self.conversation_id),
            role: self
                .role
                .parse::<ChatRole>()
                .map_err(|e| invalid("chat message", self.id, e))?,
            content: self.content,
            citations,
            created_at: self.created_at.0,
        })
    }
}

/// A `chat_citations` row.
#[derive(Debug, sqlx::FromRow)]
pub struct CitationRow {
    message_id: Uuid,
    number: i64,
    story_id: Uuid,
    title: String,
}

impl CitationRow {
    /// The message the citation belongs to.
    pub fn message_id(&self) -> Uuid {
        self.message_id
    }

    /// The domain citation.
    pub fn into_domain(self) -> Result<Citation, RepoError> {
        Ok(Citation {
            number: u32::try_from(self.number)
                .map_err(|e| invalid("citation of message", self.message_id, e))?,
            story_id: StoryId::from_uuid(self.story_id),
            title: StoryTitle::new(&self.title)
                .map_err(|e| invalid("citation of message", self.message_id, e))?,
        })
    }
}
