//! The access rules of a legacy, written as a specification.

use mosaic_domain::*;
use proptest::prelude::*;
use time::macros::datetime;
use uuid::Uuid;

fn legacy() -> LegacyId {
    LegacyId::from_uuid(Uuid::from_u128(1))
}
fn author() -> UserId {
    UserId::from_uuid(Uuid::from_u128(10))
}
fn someone_else() -> UserId {
    UserId::from_uuid(Uuid::from_u128(11))
}

fn story_by(author_id: UserId, visibility: Visibility) -> Story {
    let at = datetime!(2025-01-01 0:00 UTC);
    Story {
        id: StoryId::from_uuid(Uuid::from_u128(100)),
        legacy_id: legacy(),
        author_id,
        title: StoryTitle::new("A day at the lake").unwrap(),
        content: StoryContent::new("We swam until dark.").unwrap(),
        visibility,
        created_at: at,
        updated_at: at,
        deleted_at: None,
        ai_excluded: false,
    }
}

fn as_role(role: Option<Role>) -> LegacyAccess {
    LegacyAccess::user(legacy(), someone_else(), role)
}

fn as_author(role: Option<Role>) -> LegacyAccess {
    LegacyAccess::user(legacy(), author(), role)
}

fn membership(user: UserId, role: Role) -> Membership {
    Membership {
        legacy_id: legacy(),
        user_id: user,
        role,
        joined_at: datetime!(2025-01-01 0:00 UTC),
    }
}

// ----- reading ----------------------------------------------------------

#[test]
fn anyone_reads_a_public_story_even_without_signing_in() {
    let story = story_by(author(), Visibility::Public);
    assert!(LegacyAccess::anonymous(legacy()).check_read(&story).is_ok());
    assert!(as_role(None).check_read(&story).is_ok());
    assert!(as_role(Some(Role::Pending)).check_read(&story).is_ok());
}

#[test]
fn approved_members_read_private_stories() {
    let story = story_by(author(), Visibility::Private);
    for role in [Role::Member, Role::Editor, Role::Creator] {
        assert!(as_role(Some(role)).check_read(&story).is_ok(), "{role}");
    }
}

#[test]
fn pending_members_strangers_and_visitors_do_not_see_private_stories() {
    let story = story_by(author(), Visibility::Private);
    assert_eq!(
        as_role(Some(Role::Pending)).check_read(&story),
        Err(AccessError::Hidden)
    );
    assert_eq!(as_role(None).check_read(&story), Err(AccessError::Hidden));
    assert_eq!(
        LegacyAccess::anonymous(legacy()).check_read(&story),
        Err(AccessError::Hidden)
    );
}

#[test]
fn member_cannot_read_personal_story_of_another_not_even_the_creator() {
    let story = story_by(author(), Visibility::Personal);
    for role in Role::ALL {
        assert_eq!(
            as_role(Some(role)).check_read(&story),
            Err(AccessError::Hidden),
            "{role}"
        );
    }
}

#[test]
fn author_reads_their_personal_story_whatever_their_role_now() {
    let story = story_by(author(), Visibility::Personal);
    assert!(as_author(Some(Role::Editor)).check_read(&story).is_ok());
    assert!(as_author(None).check_read(&story).is_ok());
}

// ----- writing ----------------------------------------------------------

#[test]
fn editors_and_the_creator_write_stories() {
    for role in [Role::Editor, Role::Creator] {
        let writer = as_role(Some(role)).story_writer().unwrap();
        assert_eq!(writer.author(), someone_else());
        assert_eq!(writer.legacy_id(), legacy());
    }
}

#[test]
fn members_pending_and_strangers_cannot_write_stories() {
    for role in [None, Some(Role::Pending), Some(Role::Member)] {
        assert!(
            matches!(as_role(role).story_writer(), Err(AccessError::Forbidden(_))),
            "{role:?}"
        );
    }
}

#[test]
fn writing_needs_signing_in() {
    assert_eq!(
        LegacyAccess::anonymous(legacy()).story_writer(),
        Err(AccessError::Unauthenticated)
    );
}

#[test]
fn only_the_author_edits_a_story() {
    let story = story_by(author(), Visibility::Private);
    assert!(as_author(Some(Role::Editor)).check_edit(&story).is_ok());
    assert!(matches!(
        as_role(Some(Role::Creator)).check_edit(&story),
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        as_role(Some(Role::Editor)).check_edit(&story),
        Err(AccessError::Forbidden(_))
    ));
}

#[test]
fn author_demoted_to_member_still_edits_their_story_but_one_who_left_does_not() {
    let story = story_by(author(), Visibility::Public);
    assert!(as_author(Some(Role::Member)).check_edit(&story).is_ok());
    assert!(matches!(
        as_author(None).check_edit(&story),
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        as_author(Some(Role::Pending)).check_edit(&story),
        Err(AccessError::Forbidden(_))
    ));
}

#[test]
fn editing_a_story_one_cannot_see_answers_as_not_found() {
    let story = story_by(author(), Visibility::Personal);
    assert_eq!(
        as_role(Some(Role::Creator)).check_edit(&story),
        Err(AccessError::Hidden)
    );
}

#[test]
fn author_or_creator_deletes_a_story() {
    let story = story_by(author(), Visibility::Private);
    assert!(as_author(Some(Role::Editor)).check_delete(&story).is_ok());
    assert!(as_role(Some(Role::Creator)).check_delete(&story).is_ok());
    assert!(matches!(
        as_role(Some(Role::Editor)).check_delete(&story),
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        as_role(Some(Role::Member)).check_delete(&story),
        Err(AccessError::Forbidden(_))
    ));
}

#[test]
fn creator_cannot_delete_a_personal_story_they_cannot_see() {
    let story = story_by(author(), Visibility::Personal);
    assert_eq!(
        as_role(Some(Role::Creator)).check_delete(&story),
        Err(AccessError::Hidden)
    );
}

#[test]
fn history_is_for_those_who_may_delete() {
    let story = story_by(author(), Visibility::Public);
    assert!(
        as_author(Some(Role::Editor))
            .check_view_history(&story)
            .is_ok()
    );
    assert!(
        as_role(Some(Role::Creator))
            .check_view_history(&story)
            .is_ok()
    );
    assert!(matches!(
        as_role(Some(Role::Member)).check_view_history(&story),
        Err(AccessError::Forbidden(_))
    ));
    assert_eq!(
        LegacyAccess::anonymous(legacy()).check_view_history(&story),
        Err(AccessError::Unauthenticated)
    );
}

// ----- the legacy ---------------------------------------------------------

#[test]
fn creator_and_editors_update_a_legacy_members_do_not() {
    assert!(as_role(Some(Role::Creator)).check_update_legacy().is_ok());
    assert!(as_role(Some(Role::Editor)).check_update_legacy().is_ok());
    for role in [None, Some(Role::Pending), Some(Role::Member)] {
        assert!(matches!(
            as_role(role).check_update_legacy(),
            Err(AccessError::Forbidden(_))
        ));
    }
}

#[test]
fn only_the_creator_owns_the_legacy() {
    assert!(as_role(Some(Role::Creator)).legacy_owner().is_ok());
    for role in [
        None,
        Some(Role::Pending),
        Some(Role::Member),
        Some(Role::Editor),
    ] {
        assert!(matches!(
            as_role(role).legacy_owner(),
            Err(AccessError::Forbidden(_))
        ));
    }
}

#[test]
fn approved_members_see_the_member_list_and_only_the_creator_sees_requests() {
    for role in [Role::Member, Role::Editor, Role::Creator] {
        assert!(as_role(Some(role)).check_view_members().is_ok());
    }
    assert!(as_role(Some(Role::Pending)).check_view_members().is_err());
    assert!(as_role(None).check_view_members().is_err());
    assert!(as_role(Some(Role::Creator)).can_view_pending_members());
    assert!(!as_role(Some(Role::Editor)).can_view_pending_members());
}

// ----- membership lifecycle ------------------------------------------------

#[test]
fn a_request_to_join_starts_pending() {
    assert_eq!(as_role(None).request_to_join(), Ok(Role::Pending));
}

#[test]
fn asking_twice_or_as_a_member_is_refused() {
    for role in Role::ALL {
        assert_eq!(
            as_role(Some(role)).request_to_join(),
            Err(MembershipError::AlreadyMember.into())
        );
    }
    assert_eq!(
        LegacyAccess::anonymous(legacy()).request_to_join(),
        Err(AccessError::Unauthenticated.into())
    );
}

#[test]
fn creator_approves_a_pending_request_as_member() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    assert_eq!(
        owner.approve(&membership(someone_else(), Role::Pending)),
        Ok(Role::Member)
    );
    assert_eq!(
        owner.approve(&membership(someone_else(), Role::Member)),
        Err(MembershipError::NotPending)
    );
}

#[test]
fn creator_rejects_only_pending_requests() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    assert_eq!(
        owner.reject(&membership(someone_else(), Role::Pending)),
        Ok(())
    );
    assert_eq!(
        owner.reject(&membership(someone_else(), Role::Editor)),
        Err(MembershipError::NotPending)
    );
}

#[test]
fn creator_promotes_members_to_editor_and_demotes_editors() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    assert_eq!(
        owner.change_role(&membership(someone_else(), Role::Member), Role::Editor),
        Ok(Role::Editor)
    );
    assert_eq!(
        owner.change_role(&membership(someone_else(), Role::Editor), Role::Member),
        Ok(Role::Member)
    );
    assert_eq!(
        owner.change_role(&membership(someone_else(), Role::Pending), Role::Editor),
        Err(MembershipError::NotActiveMember)
    );
}

#[test]
fn nobody_is_made_creator_or_pending_by_a_role_change() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    for role in [Role::Creator, Role::Pending] {
        assert_eq!(
            owner.change_role(&membership(someone_else(), Role::Member), role),
            Err(MembershipError::RoleNotAssignable)
        );
    }
}

#[test]
fn the_creator_cannot_be_removed_demoted_or_leave() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    let creator = membership(author(), Role::Creator);
    assert_eq!(owner.remove(&creator), Err(MembershipError::CreatorIsFixed));
    assert_eq!(
        owner.change_role(&creator, Role::Member),
        Err(MembershipError::CreatorIsFixed)
    );
    assert_eq!(
        as_author(Some(Role::Creator)).check_leave(),
        Err(MembershipError::CreatorIsFixed.into())
    );
}

#[test]
fn creator_removes_anyone_else() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    for role in [Role::Pending, Role::Member, Role::Editor] {
        assert_eq!(owner.remove(&membership(someone_else(), role)), Ok(()));
    }
}

#[test]
fn members_may_leave() {
    for role in [Role::Pending, Role::Member, Role::Editor] {
        assert_eq!(as_role(Some(role)).check_leave(), Ok(()));
    }
    assert!(as_role(None).check_leave().is_err());
}

#[test]
fn a_transfer_makes_an_approved_member_creator_and_keeps_the_old_creator_as_editor() {
    let owner = as_author(Some(Role::Creator)).legacy_owner().unwrap();
    let transfer = owner
        .transfer_to(&membership(someone_else(), Role::Member))
        .unwrap();
    assert_eq!((transfer.from, transfer.to), (author(), someone_else()));
    assert_eq!(transfer.former_creator_role, Role::Editor);
    assert_eq!(
        owner.transfer_to(&membership(someone_else(), Role::Pending)),
        Err(MembershipError::NotActiveMember)
    );
    assert_eq!(
        owner.transfer_to(&membership(author(), Role::Creator)),
        Err(MembershipError::OwnMembership)
    );
}

// ----- media ------------------------------------------------------------

#[test]
fn members_see_the_legacy_media_and_uploaders_always_see_theirs() {
    assert!(as_role(Some(Role::Member)).can_view_media(author()));
    assert!(!as_role(Some(Role::Pending)).can_view_media(author()));
    assert!(as_author(None).can_view_media(author()));
}

#[test]
fn uploader_or_creator_deletes_media() {
    assert!(
        as_author(Some(Role::Member))
            .check_delete_media(author())
            .is_ok()
    );
    assert!(
        as_role(Some(Role::Creator))
            .check_delete_media(author())
            .is_ok()
    );
    assert!(matches!(
        as_role(Some(Role::Editor)).check_delete_media(author()),
        Err(AccessError::Forbidden(_))
    ));
    assert_eq!(
        as_role(None).check_delete_media(author()),
        Err(AccessError::Hidden)
    );
}

// ----- the visibility rule, over every case ---------------------------------

fn any_role() -> impl Strategy<Value = Option<Role>> {
    prop::option::of(prop::sample::select(Role::ALL.to_vec()))
}

fn any_visibility() -> impl Strategy<Value = Visibility> {
    prop::sample::select(Visibility::ALL.to_vec())
}

proptest! {
    /// The list filter and the single-read rule never disagree, so a story
    /// that shows up in a list can always be opened, and the other way round.
    #[test]
    fn list_filter_equals_the_read_rule(
        role in any_role(), visibility in any_visibility(), is_author in any::<bool>(), signed_in in any::<bool>()
    ) {
        let viewer = if is_author { author() } else { someone_else() };
        let access = if signed_in { LegacyAccess::user(legacy(), viewer, role) } else { LegacyAccess::anonymous(legacy()) };
        prop_assert_eq!(access.read_scope().admits(visibility, author()), access.can_read(visibility, author()));
    }

    /// Public: everyone. Private: exactly the approved members.
    /// Personal: exactly the author.
    #[test]
    fn read_rule_over_all_roles_visibilities_and_authorship(
        role in any_role(), visibility in any_visibility(), is_author in any::<bool>()
    ) {
        let viewer = if is_author { author() } else { someone_else() };
        let access = LegacyAccess::user(legacy(), viewer, role);
        let expected = match visibility {
            Visibility::Public => true,
            Visibility::Private => matches!(role, Some(Role::Member | Role::Editor | Role::Creator)),
            Visibility::Personal => is_author,
        };
        prop_assert_eq!(access.can_read(visibility, author()), expected);
    }

    /// Whoever may edit or delete a story may also read it: no write path
    /// ever touches a story its caller cannot see.
    #[test]
    fn writing_implies_reading(
        role in any_role(), visibility in any_visibility(), is_author in any::<bool>()
    ) {
        let viewer = if is_author { author() } else { someone_else() };
        let access = LegacyAccess::user(legacy(), viewer, role);
        let story = story_by(author(), visibility);
        if access.check_edit(&story).is_ok() || access.check_delete(&story).is_ok() {
            prop_assert!(access.check_read(&story).is_ok());
        }
    }

    /// Nobody who is not signed in changes anything.
    #[test]
    fn anonymous_visitors_change_nothing(visibility in any_visibility()) {
        let access = LegacyAccess::anonymous(legacy());
        let story = story_by(author(), visibility);
        prop_assert!(access.check_edit(&story).is_err());
        prop_assert!(access.check_delete(&story).is_err());
        prop_assert!(access.story_writer().is_err());
        prop_assert!(access.legacy_owner().is_err());
        prop_assert!(access.check_update_legacy().is_err());
    }
}

#[test]
fn approved_members_export_a_legacy_pending_members_strangers_and_visitors_do_not() {
    for role in [Role::Member, Role::Editor, Role::Creator] {
        assert!(as_role(Some(role)).check_export().is_ok());
    }
    assert!(matches!(
        as_role(Some(Role::Pending)).check_export(),
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        as_role(None).check_export(),
        Err(AccessError::Forbidden(_))
    ));
    assert_eq!(
        LegacyAccess::anonymous(legacy()).check_export(),
        Err(AccessError::Unauthenticated)
    );
}
