//! The story-search rules, as properties over any input.

use mosaic_domain::*;
use proptest::prelude::*;
use uuid::Uuid;

fn legacy() -> LegacyId {
    LegacyId::from_uuid(Uuid::from_u128(1))
}
fn other_legacy() -> LegacyId {
    LegacyId::from_uuid(Uuid::from_u128(2))
}
fn author() -> UserId {
    UserId::from_uuid(Uuid::from_u128(10))
}
fn someone_else() -> UserId {
    UserId::from_uuid(Uuid::from_u128(11))
}

/// Characters that mean something to `tsquery` or FTS5 `MATCH` syntax.
const OPERATORS: &str = "\"'*:&|!()<>^+-~@\\{},.;[]%_=/$#";

/// Text that leans on operators, quotes, spaces and odd characters.
fn hostile_input() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"", "'", "*", ":", "&", "|", "!", "(", ")", "-", "OR", "AND", "NOT", "NEAR(", "<->", "^",
        "+", " ", "  ", "\t", "\\", "é", "e\u{301}", "🌹", "東京", "rose", "Garden", "x", "{a}",
        ":*", "'';", "%", "_",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat()),
        any::<String>(),
    ]
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_searchable_word(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| {
            (c.is_alphanumeric() || is_combining_mark(c))
                && !OPERATORS.contains(c)
                && !c.is_whitespace()
                && !c.is_control()
        })
        && word.to_lowercase() == word
}

fn any_role() -> impl Strategy<Value = Option<Role>> {
    prop::option::of(prop::sample::select(Role::ALL.to_vec()))
}

fn any_visibility() -> impl Strategy<Value = Visibility> {
    prop::sample::select(Visibility::ALL.to_vec())
}

proptest! {
    /// Whatever is typed, parsing never panics, and every word that comes out
    /// is lower-case letters, digits and marks: no operator character, quote,
    /// space or control character can reach a search engine.
    #[test]
    fn no_operator_character_survives_parsing(input in hostile_input()) {
        if let Ok(query) = StoryQuery::parse(&input) {
            prop_assert!(!query.all_of().is_empty());
            prop_assert!(query.all_of().iter().all(|group| !group.is_empty()));
            for term in query.terms() {
                prop_assert!(!term.words().is_empty());
                if let SearchTerm::Phrase(words) = term {
                    prop_assert!(words.len() >= 2);
                }
                for word in term.words() {
                    prop_assert!(is_searchable_word(word), "{word:?} from {input:?}");
                }
            }
            let words: usize = query.terms().map(|t| t.words().len()).sum();
            prop_assert!(words <= StoryQuery::MAX_WORDS);
        }
    }

    /// A refused query is refused for a reason a person can act on.
    #[test]
    fn refusals_are_validation_errors(input in hostile_input()) {
        if let Err(err) = StoryQuery::parse(&input) {
            let known = matches!(
                err,
                ValidationError::NothingToSearch
                    | ValidationError::TooManySearchWords { .. }
                    | ValidationError::TooLong { .. }
            );
            prop_assert!(known, "{err:?}");
        }
    }

    /// Searching one legacy finds exactly what the reader may read there.
    #[test]
    fn legacy_scope_is_the_read_rule(
        role in any_role(), visibility in any_visibility(), is_author in any::<bool>(),
        signed_in in any::<bool>(), same_legacy in any::<bool>(),
    ) {
        let viewer = if is_author { author() } else { someone_else() };
        let access = if signed_in { LegacyAccess::user(legacy(), viewer, role) } else { LegacyAccess::anonymous(legacy()) };
        let scope = SearchScope::legacy(&access);
        let story_legacy = if same_legacy { legacy() } else { other_legacy() };
        let expected = same_legacy && access.can_read(visibility, author());
        prop_assert_eq!(scope.admits(story_legacy, role, visibility, author()), expected);
    }

    /// Searching "my legacies" finds what an approved member may read in
    /// their legacies, and their own personal stories anywhere; nothing from
    /// a legacy where they are pending or a stranger unless it is their own
    /// personal story. Never anything the read rule refuses.
    #[test]
    fn my_legacies_scope_is_within_the_read_rule(
        role in any_role(), visibility in any_visibility(), is_author in any::<bool>(),
    ) {
        let viewer = if is_author { author() } else { someone_else() };
        let scope = SearchScope::my_legacies(viewer);
        let access = LegacyAccess::user(legacy(), viewer, role);
        let admitted = scope.admits(legacy(), role, visibility, author());
        if admitted {
            prop_assert!(access.can_read(visibility, author()));
        }
        let expected = match visibility {
            Visibility::Personal => is_author,
            Visibility::Public | Visibility::Private => role.is_some_and(Role::is_active),
        };
        prop_assert_eq!(admitted, expected);
        // Inside those legacies the filter is the member's read scope.
        if role.is_some_and(Role::is_active) {
            prop_assert_eq!(
                SearchScope::member_read_scope(viewer).admits(visibility, author()),
                access.read_scope().admits(visibility, author())
            );
        }
    }
}
