//! Who may do what: the access rules of a legacy, its stories and its media.
//!
//! The service resolves the caller's membership once per request into a
//! [`LegacyAccess`] and asks it. Checks come in three outcomes, in this order:
//! not signed in ([`AccessError::Unauthenticated`]), not allowed to know the
//! thing exists ([`AccessError::Hidden`], answered like "not found"), and
//! allowed to see but not to do ([`AccessError::Forbidden`]).
//!
//! Rules that change something hand back a capability ([`StoryWriter`],
//! [`LegacyOwner`]) that can only be obtained by passing the check, and the
//! write paths take it as an argument.

use thiserror::Error;
use time::OffsetDateTime;

use crate::{
    LegacyId, Membership, MembershipError, Role, Story, StoryDraft, StoryId, UserId, Visibility,
};

/// Why an access check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum AccessError {
    /// The caller must sign in first.
    #[error("you need to sign in to do this")]
    Unauthenticated,
    /// The caller may not know that the thing exists: answer as "not found".
    #[error("not found")]
    Hidden,
    /// The caller can see the thing but may not do this to it.
    #[error("{0}")]
    Forbidden(&'static str),
}

/// A caller's standing in one legacy: who they are (if signed in) and their
/// role there (if any). Every rule about that legacy is a method on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyAccess {
    legacy_id: LegacyId,
    viewer: Option<UserId>,
    role: Option<Role>,
}

impl LegacyAccess {
    /// Someone who is not signed in.
    pub fn anonymous(legacy_id: LegacyId) -> Self {
        Self {
            legacy_id,
            viewer: None,
            role: None,
        }
    }

    /// A signed-in user with their role in the legacy (`None` when they are
    /// not a member and have not asked to join).
    pub fn user(legacy_id: LegacyId, user: UserId, role: Option<Role>) -> Self {
        Self {
            legacy_id,
            viewer: Some(user),
            role,
        }
    }

    /// The legacy these rules are about.
    pub fn legacy_id(&self) -> LegacyId {
        self.legacy_id
    }

    /// The signed-in caller, if any.
    pub fn viewer(&self) -> Option<UserId> {
        self.viewer
    }

    /// The caller's role in the legacy, if any.
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// An approved member of any rank.
    pub fn is_active_member(&self) -> bool {
        self.role.is_some_and(Role::is_active)
    }

    fn is_author(&self, author: UserId) -> bool {
        self.viewer == Some(author)
    }

    fn signed_in(&self) -> Result<UserId, AccessError> {
        self.viewer.ok_or(AccessError::Unauthenticated)
    }

    // ----- stories -------------------------------------------------------

    /// The visibility rule. Public: anyone. Private: approved members of the
    /// legacy. Personal: the author only, whatever their role now.
    pub fn can_read(&self, visibility: Visibility, author: UserId) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::Private => self.is_active_member(),
            Visibility::Personal => self.is_author(author),
        }
    }

    /// The visibility rule as a filter a list query can apply before paging.
    /// For every story, `read_scope().admits(..)` equals [`Self::can_read`].
    pub fn read_scope(&self) -> ReadScope {
        ReadScope::of(self.viewer, self.is_active_member())
    }

    /// Reading one story; a story the caller may not read is hidden.
    pub fn check_read(&self, story: &Story) -> Result<(), AccessError> {
        if self.can_read(story.visibility, story.author_id) {
            Ok(())
        } else {
            Err(AccessError::Hidden)
        }
    }

    /// Writing new stories: editors and the creator.
    pub fn story_writer(&self) -> Result<StoryWriter, AccessError> {
        let author = self.signed_in()?;
        match self.role {
            Some(role) if role >= Role::Editor => Ok(StoryWriter {
                legacy_id: self.legacy_id,
                author,
            }),
            _ => Err(AccessError::Forbidden(
                "only the legacy's editors and creator can write stories",
            )),
        }
    }

    /// Editing a story, or bringing back one of its earlier versions: its
    /// author, while still an approved member of the legacy.
    pub fn check_edit(&self, story: &Story) -> Result<(), AccessError> {
        self.signed_in()?;
        self.check_read(story)?;
        if self.is_author(story.author_id) && self.is_active_member() {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "only the story's author can edit it",
            ))
        }
    }

    /// Deleting a story, or restoring a deleted one: its author (while an
    /// approved member) or the legacy's creator, among those who can read it.
    pub fn check_delete(&self, story: &Story) -> Result<(), AccessError> {
        self.signed_in()?;
        self.check_read(story)?;
        let author = self.is_author(story.author_id) && self.is_active_member();
        if author || self.role == Some(Role::Creator) {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "only the story's author or the legacy's creator can delete it",
            ))
        }
    }

    /// Seeing a story's earlier versions: the same people who may delete it,
    /// since a version may hold words the author chose to take out.
    pub fn check_view_history(&self, story: &Story) -> Result<(), AccessError> {
        self.check_delete(story)
    }

    // ----- the legacy itself ---------------------------------------------

    /// Downloading the legacy as an archive: approved members (pending ones
    /// and outsiders are refused). What the archive holds is decided by the
    /// same rules as reading: [`Self::read_scope`] for stories,
    /// [`Self::check_view_history`] for their earlier versions and
    /// [`Self::media_scope`] for media.
    pub fn check_export(&self) -> Result<(), AccessError> {
        self.signed_in()?;
        if self.is_active_member() {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "only members of this legacy can download it",
            ))
        }
    }

    /// Changing name, dates and biography: editors and the creator.
    pub fn check_update_legacy(&self) -> Result<(), AccessError> {
        self.signed_in()?;
        match self.role {
            Some(role) if role >= Role::Editor => Ok(()),
            _ => Err(AccessError::Forbidden(
                "only the legacy's editors and creator can change it",
            )),
        }
    }

    /// Managing members and deleting the legacy: the creator only.
    pub fn legacy_owner(&self) -> Result<LegacyOwner, AccessError> {
        let user = self.signed_in()?;
        if self.role == Some(Role::Creator) {
            Ok(LegacyOwner {
                legacy_id: self.legacy_id,
                user,
            })
        } else {
            Err(AccessError::Forbidden(
                "only the legacy's creator can do this",
            ))
        }
    }

    /// Seeing who belongs to the legacy: approved members.
    pub fn check_view_members(&self) -> Result<(), AccessError> {
        self.signed_in()?;
        if self.is_active_member() {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "only members can see who belongs to this legacy",
            ))
        }
    }

    /// Seeing requests to join: the creator, who answers them.
    pub fn can_view_pending_members(&self) -> bool {
        self.role == Some(Role::Creator)
    }

    /// Asking to join: any signed-in person who does not already belong or
    /// wait. Returns the role the new membership starts with.
    pub fn request_to_join(&self) -> Result<Role, JoinError> {
        self.signed_in()?;
        match self.role {
            None => Ok(Role::Pending),
            Some(_) => Err(MembershipError::AlreadyMember.into()),
        }
    }

    /// Leaving: any member but the creator, who must transfer first.
    pub fn check_leave(&self) -> Result<(), JoinError> {
        self.signed_in()?;
        match self.role {
            None => Err(AccessError::Forbidden("you are not a member of this legacy").into()),
            Some(Role::Creator) => Err(MembershipError::CreatorIsFixed.into()),
            Some(_) => Ok(()),
        }
    }

    // ----- media ---------------------------------------------------------

    /// Adding photos and videos: editors and the creator, like stories.
    pub fn check_upload_media(&self) -> Result<UserId, AccessError> {
        self.story_writer()
            .map(|writer| writer.author)
            .map_err(|err| match err {
                AccessError::Forbidden(_) => {
                    AccessError::Forbidden("only the legacy's editors and creator can add media")
                }
                other => other,
            })
    }

    /// Seeing a media item: approved members see the legacy's media, and
    /// whoever uploaded an item always sees it.
    pub fn can_view_media(&self, uploader: UserId) -> bool {
        self.is_active_member() || self.is_author(uploader)
    }

    /// The media-list filter equal to [`Self::can_view_media`].
    pub fn media_scope(&self) -> MediaScope {
        MediaScope {
            all: self.is_active_member(),
            uploader: self.viewer,
        }
    }

    /// Deleting a media item: its uploader or the legacy's creator.
    pub fn check_delete_media(&self, uploader: UserId) -> Result<(), AccessError> {
        self.signed_in()?;
        if !self.can_view_media(uploader) {
            return Err(AccessError::Hidden);
        }
        if self.is_author(uploader) || self.role == Some(Role::Creator) {
            Ok(())
        } else {
            Err(AccessError::Forbidden(
                "only the uploader or the legacy's creator can delete this",
            ))
        }
    }
}

/// A list filter equal to the visibility rule, for queries that must filter
/// before paging. Adapters translate it to their query language:
/// `visibility = 'public' OR (private AND visibility = 'private') OR
/// (visibility = 'personal' AND author_id = personal_of)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadScope {
    private: bool,
    personal_of: Option<UserId>,
}

impl ReadScope {
    /// The filter of a reader (`None`: not signed in) who is, or is not, an
    /// approved member of the legacy. [`LegacyAccess::read_scope`] and the
    /// search scopes build it here, so the rule is written once.
    pub(crate) fn of(viewer: Option<UserId>, active_member: bool) -> Self {
        Self {
            private: active_member,
            personal_of: viewer,
        }
    }

    /// Only public stories: what an anonymous visitor sees.
    pub fn public_only() -> Self {
        Self {
            private: false,
            personal_of: None,
        }
    }

    /// Whether private (family) stories are included.
    pub fn includes_private(&self) -> bool {
        self.private
    }

    /// Whose personal stories are included (the reader's own), if anyone's.
    pub fn personal_author(&self) -> Option<UserId> {
        self.personal_of
    }

    /// Whether a story with this visibility and author passes the filter.
    pub fn admits(&self, visibility: Visibility, author: UserId) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::Private => self.private,
            Visibility::Personal => self.personal_of == Some(author),
        }
    }
}

/// A media-list filter: all of a legacy's media for approved members, and
/// always the caller's own uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaScope {
    all: bool,
    uploader: Option<UserId>,
}

impl MediaScope {
    /// Whether every media item of the legacy is included.
    pub fn includes_all(&self) -> bool {
        self.all
    }

    /// Whose uploads are included in any case.
    pub fn uploader(&self) -> Option<UserId> {
        self.uploader
    }

    /// Whether an item uploaded by `uploader` passes the filter.
    pub fn admits(&self, uploader: UserId) -> bool {
        self.all || self.uploader == Some(uploader)
    }
}

/// Proof that the holder may write stories in a legacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryWriter {
    legacy_id: LegacyId,
    author: UserId,
}

impl StoryWriter {
    /// The legacy the writer may write in.
    pub fn legacy_id(&self) -> LegacyId {
        self.legacy_id
    }

    /// The writer, who becomes the story's author.
    pub fn author(&self) -> UserId {
        self.author
    }

    /// A new story by this writer.
    pub fn new_story(&self, id: StoryId, draft: StoryDraft, at: OffsetDateTime) -> Story {
        Story {
            id,
            legacy_id: self.legacy_id,
            author_id: self.author,
            title: draft.title,
            content: draft.content,
            visibility: draft.visibility,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            ai_excluded: false,
        }
    }
}

/// Proof that the holder is the creator of a legacy. The membership rules
/// that only a creator may apply are its methods; each returns the change to
/// store or the reason it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyOwner {
    legacy_id: LegacyId,
    user: UserId,
}

/// The result of handing a legacy to another member: the new creator, and
/// the role the former creator keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatorTransfer {
    /// The legacy.
    pub legacy_id: LegacyId,
    /// The creator until now; becomes [`CreatorTransfer::former_creator_role`].
    pub from: UserId,
    /// The new creator.
    pub to: UserId,
    /// The role the former creator keeps: editor, so nothing they wrote
    /// becomes uneditable.
    pub former_creator_role: Role,
}

impl LegacyOwner {
    /// The legacy owned.
    pub fn legacy_id(&self) -> LegacyId {
        self.legacy_id
    }

    /// The creator.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// Accepting a request to join: pending becomes member.
    pub fn approve(&self, target: &Membership) -> Result<Role, MembershipError> {
        match target.role {
            Role::Pending => Ok(Role::Member),
            _ => Err(MembershipError::NotPending),
        }
    }

    /// Turning down a request to join: the pending membership is removed.
    pub fn reject(&self, target: &Membership) -> Result<(), MembershipError> {
        match target.role {
            Role::Pending => Ok(()),
            _ => Err(MembershipError::NotPending),
        }
    }

    /// Promoting a member to editor or demoting an editor to member.
    pub fn change_role(
        &self,
        target: &Membership,
        new_role: Role,
    ) -> Result<Role, MembershipError> {
        if !matches!(new_role, Role::Member | Role::Editor) {
            return Err(MembershipError::RoleNotAssignable);
        }
        match target.role {
            Role::Creator => Err(MembershipError::CreatorIsFixed),
            Role::Pending => Err(MembershipError::NotActiveMember),
            Role::Member | Role::Editor => Ok(new_role),
        }
    }

    /// Removing anyone but the creator (a pending request too).
    pub fn remove(&self, target: &Membership) -> Result<(), MembershipError> {
        match target.role {
            Role::Creator => Err(MembershipError::CreatorIsFixed),
            _ => Ok(()),
        }
    }

    /// Handing the legacy to another approved member.
    pub fn transfer_to(&self, target: &Membership) -> Result<CreatorTransfer, MembershipError> {
        if target.user_id == self.user {
            return Err(MembershipError::OwnMembership);
        }
        if !target.role.is_active() {
            return Err(MembershipError::NotActiveMember);
        }
        Ok(CreatorTransfer {
            legacy_id: self.legacy_id,
            from: self.user,
            to: target.user_id,
            former_creator_role: Role::Editor,
        })
    }
}

/// Why joining or leaving is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum JoinError {
    /// Not signed in, or not a member.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The membership rules refuse it.
    #[error(transparent)]
    Membership(#[from] MembershipError),
}
