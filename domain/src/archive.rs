//! What a legacy archive holds once read, and the rules for bringing it
//! into a site: which records it may contain, and whose accounts the
//! stories end up under.
//!
//! The file format (ZIP layout, manifest, front matter) is not here; it is
//! turned into a [`LegacyArchive`] elsewhere and only then checked by these
//! rules. Who may *export* what is not here either: exports use the reading
//! rules of [`LegacyAccess`](crate::LegacyAccess) (`check_export`,
//! `read_scope`, `check_view_history`, `media_scope`).

use std::collections::{HashMap, HashSet};

use thiserror::Error;
use time::OffsetDateTime;

use crate::{
    Email, FileName, Legacy, MediaId, MediaType, Membership, PersonName, Role, Story,
    StoryRevision, User, UserId, ValidationError,
};

/// Someone an archive names: a member, an author or an uploader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedPerson {
    /// Their id on the site the archive came from.
    pub id: UserId,
    /// Their display name there.
    pub name: PersonName,
}

impl ArchivedPerson {
    /// The account an import creates for someone who has none on this
    /// site: disabled (nobody can sign in as them), with an address under
    /// the reserved `.invalid` domain that no mail can reach, so that their
    /// stories keep their author.
    pub fn placeholder_user(&self, at: OffsetDateTime) -> Result<User, ValidationError> {
        let email = Email::new(&format!(
            "archived-{}@archive.invalid",
            self.id.as_uuid().simple()
        ))?;
        Ok(User {
            id: self.id,
            email,
            name: self.name.clone(),
            avatar_url: None,
            is_admin: false,
            disabled: true,
            created_at: at,
            updated_at: at,
        })
    }
}

/// A media record as an archive carries it (the storage key is the
/// importing site's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedMedia {
    /// Stable id.
    pub id: MediaId,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// The name the uploader gave it.
    pub file_name: FileName,
    /// Its type.
    pub media_type: MediaType,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// When it was registered.
    pub created_at: OffsetDateTime,
}

/// Everything an archive of one legacy holds, already parsed into domain
/// values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyArchive {
    /// The legacy.
    pub legacy: Legacy,
    /// Everyone the archive names.
    pub people: Vec<ArchivedPerson>,
    /// The memberships (exactly one creator).
    pub members: Vec<Membership>,
    /// The stories (none deleted).
    pub stories: Vec<Story>,
    /// Earlier versions of those stories.
    pub revisions: Vec<StoryRevision>,
    /// Media records.
    pub media: Vec<ArchivedMedia>,
}

/// Why an archive's contents cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ArchiveContentError {
    /// Not exactly one member is the creator.
    #[error("the archive must name exactly one creator of the legacy (it names {0})")]
    CreatorCount(usize),
    /// A record refers to someone the archive does not name.
    #[error("{0} refers to a person the archive does not list")]
    UnknownPerson(String),
    /// A record belongs to another legacy than the archive's.
    #[error("{0} belongs to another legacy than the archive's")]
    OtherLegacy(String),
    /// A revision of a story the archive does not hold.
    #[error("revision {0} belongs to a story the archive does not hold")]
    OrphanRevision(String),
    /// The same id twice.
    #[error("the id {0} appears twice")]
    DuplicateId(String),
    /// A deleted story (exports never hold them).
    #[error("story {0} is marked deleted")]
    DeletedStory(String),
}

/// Whose accounts the imported records are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountMapping {
    /// People keep their ids: an account with that id on this site is used,
    /// a disabled placeholder is made for the others. For operators, who
    /// move a legacy between sites they run.
    KeepIds,
    /// Everyone but the importer gets a new disabled placeholder account:
    /// an archive uploaded by a user can never attach stories or
    /// memberships to somebody else's real account. The media become the
    /// importer's uploads.
    NewAccounts,
}

/// The records an import writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// Accounts to create first (disabled placeholders).
    pub placeholders: Vec<ArchivedPerson>,
    /// The legacy, with its creator mapped.
    pub legacy: Legacy,
    /// Memberships, mapped.
    pub members: Vec<Membership>,
    /// Stories, authors mapped.
    pub stories: Vec<Story>,
    /// Revisions.
    pub revisions: Vec<StoryRevision>,
    /// Media records, uploaders mapped.
    pub media: Vec<ArchivedMedia>,
}

impl LegacyArchive {
    /// Checks that the records fit together: one creator, every reference
    /// to a person the archive names, every record of this legacy, every
    /// revision of a story it holds, no id twice, no deleted story.
    pub fn check(&self) -> Result<(), ArchiveContentError> {
        let creators = self
            .members
            .iter()
            .filter(|m| m.role == Role::Creator)
            .count();
        if creators != 1 {
            return Err(ArchiveContentError::CreatorCount(creators));
        }
        let mut people = HashSet::new();
        for person in &self.people {
            if !people.insert(person.id) {
                return Err(ArchiveContentError::DuplicateId(person.id.to_string()));
            }
        }
        let known = |id: UserId, what: String| {
            if people.contains(&id) {
                Ok(())
            } else {
                Err(ArchiveContentError::UnknownPerson(what))
            }
        };
        let mut member_ids = HashSet::new();
        for m in &self.members {
            known(m.user_id, format!("membership of {}", m.user_id))?;
            if m.legacy_id != self.legacy.id {
                return Err(ArchiveContentError::OtherLegacy(format!(
                    "membership of {}",
                    m.user_id
                )));
            }
            if !member_ids.insert(m.user_id) {
                return Err(ArchiveContentError::DuplicateId(m.user_id.to_string()));
            }
        }
        let mut ids = HashSet::new();
        let mut story_ids = HashSet::new();
        for story in &self.stories {
            let what = format!("story {}", story.id);
            known(story.author_id, what.clone())?;
            if story.legacy_id != self.legacy.id {
                return Err(ArchiveContentError::OtherLegacy(what));
            }
            if story.deleted_at.is_some() {
                return Err(ArchiveContentError::DeletedStory(story.id.to_string()));
            }
            if !ids.insert(story.id.as_uuid()) {
                return Err(ArchiveContentError::DuplicateId(story.id.to_string()));
            }
            story_ids.insert(story.id);
        }
        for revision in &self.revisions {
            if !story_ids.contains(&revision.story_id) {
                return Err(ArchiveContentError::OrphanRevision(revision.id.to_string()));
            }
            if !ids.insert(revision.id.as_uuid()) {
                return Err(ArchiveContentError::DuplicateId(revision.id.to_string()));
            }
        }
        for media in &self.media {
            known(media.uploaded_by, format!("media {}", media.id))?;
            if !ids.insert(media.id.as_uuid()) {
                return Err(ArchiveContentError::DuplicateId(media.id.to_string()));
            }
        }
        Ok(())
    }

    /// The records to write. `importer`, when given, becomes the creator in
    /// place of the archive's creator (whose stories become the importer's).
    /// `exists` tells whether an account with an id is on this site (asked
    /// only with [`AccountMapping::KeepIds`]); `new_id` makes ids for new
    /// placeholder accounts.
    pub fn plan_import(
        self,
        importer: Option<UserId>,
        mapping: AccountMapping,
        exists: impl Fn(UserId) -> bool,
        mut new_id: impl FnMut() -> UserId,
    ) -> Result<ImportPlan, ArchiveContentError> {
        self.check()?;
        let creator = self
            .members
            .iter()
            .find(|m| m.role == Role::Creator)
            .map(|m| m.user_id)
            .ok_or(ArchiveContentError::CreatorCount(0))?;
        let mut map: HashMap<UserId, UserId> = HashMap::new();
        let mut placeholders = Vec::new();
        for person in &self.people {
            let target = match importer {
                Some(importer) if person.id == creator => importer,
                _ => match mapping {
                    AccountMapping::KeepIds if exists(person.id) => person.id,
                    AccountMapping::KeepIds => {
                        placeholders.push(person.clone());
                        person.id
                    }
                    AccountMapping::NewAccounts => {
                        let id = new_id();
                        placeholders.push(ArchivedPerson {
                            id,
                            name: person.name.clone(),
                        });
                        id
                    }
                },
            };
            map.insert(person.id, target);
        }
        let to = |id: UserId| map.get(&id).copied().unwrap_or(id);
        let mut seen = HashSet::new();
        let mut members: Vec<Membership> = self
            .members
            .into_iter()
            .map(|m| Membership {
                user_id: to(m.user_id),
                ..m
            })
            .collect();
        // The creator first, so that an importer who was also an ordinary
        // member keeps only the creator's membership.
        members.sort_by_key(|m| m.role != Role::Creator);
        members.retain(|m| seen.insert(m.user_id));
        Ok(ImportPlan {
            placeholders,
            legacy: Legacy {
                created_by: to(self.legacy.created_by),
                ..self.legacy
            },
            members,
            stories: self
                .stories
                .into_iter()
                .map(|s| Story {
                    author_id: to(s.author_id),
                    ..s
                })
                .collect(),
            revisions: self.revisions,
            // With new accounts the importer brought the bytes: the media
            // are theirs (and count against their quota).
            media: self
                .media
                .into_iter()
                .map(|m| ArchivedMedia {
                    uploaded_by: match (mapping, importer) {
                        (AccountMapping::NewAccounts, Some(importer)) => importer,
                        _ => to(m.uploaded_by),
                    },
                    ..m
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LegacyId, LegacyName, LifeDates, StoryContent, StoryId, StoryTitle, Visibility};
    use time::macros::datetime;
    use uuid::Uuid;

    const AT: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn person(n: u128) -> ArchivedPerson {
        ArchivedPerson {
            id: user(n),
            name: PersonName::new(&format!("Person {n}")).unwrap(),
        }
    }

    fn archive() -> LegacyArchive {
        let legacy_id = LegacyId::from_uuid(Uuid::from_u128(100));
        let member = |n, role| Membership {
            legacy_id,
            user_id: user(n),
            role,
            joined_at: AT,
        };
        LegacyArchive {
            legacy: Legacy {
                id: legacy_id,
                name: LegacyName::new("Jane").unwrap(),
                dates: LifeDates::default(),
                biography: None,
                created_by: user(1),
                created_at: AT,
                updated_at: AT,
            },
            people: vec![person(1), person(2), person(3)],
            members: vec![member(1, Role::Creator), member(2, Role::Editor)],
            stories: vec![Story {
                id: StoryId::from_uuid(Uuid::from_u128(200)),
                legacy_id,
                author_id: user(3),
                title: StoryTitle::new("t").unwrap(),
                content: StoryContent::new("c").unwrap(),
                visibility: Visibility::Public,
                created_at: AT,
                updated_at: AT,
                deleted_at: None,
                ai_excluded: false,
            }],
            revisions: vec![],
            media: vec![],
        }
    }

    #[test]
    fn an_archive_without_exactly_one_creator_is_refused() {
        let mut a = archive();
        a.members[1].role = Role::Creator;
        assert_eq!(a.check(), Err(ArchiveContentError::CreatorCount(2)));
    }

    #[test]
    fn a_story_by_someone_not_listed_is_refused() {
        let mut a = archive();
        a.people.retain(|p| p.id != user(3));
        assert!(matches!(
            a.check(),
            Err(ArchiveContentError::UnknownPerson(_))
        ));
    }

    #[test]
    fn a_deleted_story_is_refused() {
        let mut a = archive();
        a.stories[0].deleted_at = Some(AT);
        assert!(matches!(
            a.check(),
            Err(ArchiveContentError::DeletedStory(_))
        ));
    }

    #[test]
    fn keep_ids_reuses_existing_accounts_and_makes_placeholders_for_the_rest() {
        let plan = archive()
            .plan_import(
                None,
                AccountMapping::KeepIds,
                |id| id == user(2),
                || unreachable!(),
            )
            .unwrap();
        let made: Vec<UserId> = plan.placeholders.iter().map(|p| p.id).collect();
        assert_eq!(made, [user(1), user(3)]);
        assert_eq!(plan.legacy.created_by, user(1));
        assert_eq!(plan.stories[0].author_id, user(3));
    }

    #[test]
    fn the_importer_takes_the_creators_place() {
        let plan = archive()
            .plan_import(
                Some(user(2)),
                AccountMapping::KeepIds,
                |_| true,
                || unreachable!(),
            )
            .unwrap();
        assert_eq!(plan.legacy.created_by, user(2));
        // user 2 was an editor too: only the creator's membership remains.
        assert_eq!(plan.members.len(), 1);
        assert_eq!(plan.members[0].user_id, user(2));
        assert_eq!(plan.members[0].role, Role::Creator);
    }

    #[test]
    fn new_accounts_never_attach_records_to_existing_accounts() {
        let mut next = 1000;
        let plan = archive()
            .plan_import(
                Some(user(9)),
                AccountMapping::NewAccounts,
                |_| true,
                || {
                    next += 1;
                    user(next)
                },
            )
            .unwrap();
        assert_eq!(plan.legacy.created_by, user(9));
        assert_eq!(plan.placeholders.len(), 2);
        assert_eq!(plan.stories[0].author_id, user(1002));
        assert!(plan.members.iter().all(|m| m.user_id != user(2)));
    }

    #[test]
    fn placeholder_accounts_are_disabled_and_unreachable() {
        let u = person(7).placeholder_user(AT).unwrap();
        assert!(u.disabled);
        assert_eq!(u.email.domain(), "archive.invalid");
    }
}
