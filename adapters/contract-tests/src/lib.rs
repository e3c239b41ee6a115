//! # mosaic-contract-tests
//!
//! The persistence ports of `mosaic-ports` say what every adapter MUST do;
//! this crate checks it. Each module holds one generic async function per
//! behaviour (`pub async fn duplicate_email_is_email_taken<S: Store>(store: &S)`),
//! and [`contract_tests!`] expands the whole list into one `#[tokio::test]`
//! per behaviour in an adapter's test binary, each on a fresh store from the
//! adapter's [`Fixture`]:
//!
//! ```ignore
//! struct Fresh { store: SqliteStore, _dir: tempfile::TempDir }
//! impl mosaic_contract_tests::Fixture for Fresh { /* setup, store, teardown */ }
//! mosaic_contract_tests::contract_tests!(Fresh);
//! ```
//!
//! The list of behaviours is written once, in [`contract_tests!`], so both
//! adapters always run the same suite.

pub mod admin;
pub mod conversations;
pub mod data;
pub mod embeddings;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod legacies;
pub mod media;
pub mod memberships;
pub mod rate_limits;
pub mod search;
pub mod seeding;
pub mod sessions;
pub mod stories;
pub mod users;

use std::future::Future;

use mosaic_ports::{
    AdminRepo, ConversationRepo, InviteRepo, JobQueue, LegacyRepo, MediaRepo, MembershipRepo,
    RateLimiter, SessionRepo, StoreHealth, StoryEmbeddings, StoryRepo, StorySearch, UserRepo,
};

/// A store implementing every persistence port: what both adapters are.
pub trait Store:
    UserRepo
    + LegacyRepo
    + MembershipRepo
    + StoryRepo
    + MediaRepo
    + SessionRepo
    + StoreHealth
    + AdminRepo
    + RateLimiter
    + StorySearch
    + ConversationRepo
    + InviteRepo
    + JobQueue
    + StoryEmbeddings
{
}

impl<T> Store for T where
    T: UserRepo
        + LegacyRepo
        + MembershipRepo
        + StoryRepo
        + MediaRepo
        + SessionRepo
        + StoreHealth
        + AdminRepo
        + RateLimiter
        + StorySearch
        + ConversationRepo
        + InviteRepo
        + JobQueue
        + StoryEmbeddings
{
}

/// How an adapter's tests get a fresh, empty, migrated store for one test
/// and clean up after it.
pub trait Fixture: Sized + Send {
    /// The adapter's store.
    type Store: Store;

    /// A new store that no other test uses.
    fn setup() -> impl Future<Output = Self> + Send;

    /// The store under test.
    fn store(&self) -> &Self::Store;

    /// Releases what `setup` made (a database, a file).
    fn teardown(self) -> impl Future<Output = ()> + Send;
}

/// Expands to one `#[tokio::test]` per contract behaviour, grouped in one
/// module per port, each running on a fresh store from `$fixture` (a type
/// implementing [`Fixture`], in scope where the macro is called).
#[macro_export]
macro_rules! contract_tests {
    ($fixture:ty) => {
        $crate::__contract_cases! { $fixture;
            health {
                ping_answers,
            }
            users {
                created_user_reads_back_equal,
                unknown_user_is_not_found,
                duplicate_email_is_email_taken,
                duplicate_id_is_conflict,
                user_is_found_by_email,
                identity_link_is_idempotent_and_finds_the_user,
                identity_of_another_user_is_conflict,
                identity_of_unknown_user_is_not_found,
                update_user_replaces_fields,
                update_unknown_user_is_not_found,
                update_to_taken_email_is_email_taken,
                users_page_newest_first_and_count,
            }
            legacies {
                legacy_is_created_with_its_creator,
                legacy_with_unknown_creator_is_not_found_and_writes_nothing,
                duplicate_legacy_id_is_conflict_and_writes_nothing,
                unknown_legacy_is_not_found,
                update_legacy_returns_the_stored_legacy,
                delete_legacy_removes_everything_and_returns_media_keys,
                delete_unknown_legacy_is_not_found,
                legacies_of_user_carry_roles_and_page,
                search_is_case_insensitive_and_pages,
                search_shares_the_story_query_language,
                search_folds_case_of_any_letter,
            }
            invites {
                invite_reads_back_and_lists_newest_first,
                revoke_keeps_the_first_time_and_needs_the_right_legacy,
                accepting_joins_raises_and_never_lowers,
                a_closed_invite_is_refused_and_writes_nothing,
                a_new_account_joins_in_one_transaction,
                concurrent_acceptance_of_a_single_use_invite_lets_one_in,
            }
            memberships {
                membership_reads_back,
                missing_membership_is_none,
                second_membership_is_already_member,
                membership_of_unknown_legacy_or_user_is_not_found,
                concurrent_joins_exactly_one_wins,
                set_role_changes_role,
                set_role_of_unknown_membership_is_not_found,
                creator_is_never_demoted_or_removed_directly,
                second_creator_is_refused,
                remove_membership_deletes_it,
                remove_unknown_membership_is_not_found,
                transfer_creator_moves_role_and_created_by,
                transfer_to_non_member_changes_nothing,
                transfer_from_non_creator_changes_nothing,
                members_list_creator_first_and_pending_on_request,
                roles_of_user_in_a_batch_of_legacies,
            }
            stories {
                created_story_reads_back_equal,
                story_carries_its_authors_current_name,
                story_of_unknown_legacy_or_author_is_not_found,
                duplicate_story_id_is_conflict,
                unknown_story_is_not_found,
                pages_cover_every_story_once_with_timestamp_ties,
                list_visibility_for_every_role,
                pages_are_full_when_hidden_stories_exist,
                deleted_stories_are_not_listed_and_can_be_restored,
                updates_keep_revisions_newest_first,
                update_of_deleted_or_unknown_story_is_not_found,
                revision_of_another_story_is_not_found,
                restoring_a_revision_keeps_the_replaced_version,
                concurrent_updates_both_leave_a_revision,
                purge_removes_only_stories_deleted_before,
            }
            search {
                title_match_ranks_above_content_match,
                stemming_finds_other_forms_of_a_word,
                accents_are_ignored_and_kept_in_snippets,
                phrases_need_adjacent_words_in_order,
                exclusion_or_and_prefix,
                prefix_matches_words_as_written,
                prefix_with_phrases_or_and_exclusion,
                one_letter_last_word_is_a_whole_word,
                stop_words_are_words_like_any_other,
                pages_cover_every_hit_once,
                deleted_stories_are_not_found,
                edits_and_visibility_changes_take_effect_at_once,
                deleted_legacy_leaves_nothing_findable,
                unicode_and_emoji,
                injection_looking_input_is_just_words,
                very_long_queries_run,
                filters_narrow_the_hits,
                authorization_matrix,
            }
            media {
                created_media_reads_back_equal,
                duplicate_media_id_or_key_is_conflict,
                media_of_unknown_uploader_or_legacy_is_not_found,
                unknown_media_is_not_found,
                delete_media_returns_the_record,
                media_list_follows_scope_and_pages,
                media_bytes_are_summed_per_uploader,
                existing_storage_keys_are_found_among_any_number,
            }
            admin {
                store_counts_count_by_visibility_and_state,
                legacy_contents_count_what_delete_removes,
                all_legacies_and_sessions_page_newest_first,
                restored_records_read_back_and_export_in_order,
                restore_needs_an_empty_store_and_is_all_or_nothing,
            }
            rate_limits {
                quota_allows_its_count_then_refuses_with_a_wait,
                keys_are_independent,
                concurrent_requests_allow_exactly_the_quota,
                allowance_recovers_and_forgetting_changes_nothing,
            }
            conversations {
                conversation_reads_back_equal,
                conversation_of_unknown_user_or_legacy_is_not_found,
                conversations_list_only_the_owners_newest_first,
                messages_keep_order_and_citations,
                message_for_a_missing_conversation_is_not_found,
                rename_and_delete_for_good,
                ai_opt_out_reads_back_and_survives_edits,
                companion_search_leaves_out_opted_out_stories,
            }
            jobs {
                job_is_claimed_once_and_gone_when_completed,
                job_is_not_claimed_before_it_is_due,
                same_pending_kind_and_key_is_one_job,
                a_key_runs_one_job_at_a_time,
                concurrent_claimers_never_share_a_job,
                expired_lease_is_claimed_again,
                failures_back_off_then_the_job_is_dead,
                a_job_that_kills_its_workers_dies,
                a_failed_job_with_a_newer_one_waiting_is_superseded,
                story_writes_enqueue_their_job_in_their_transaction,
            }
            embeddings {
                embedding_reads_back_and_is_replaced,
                nearest_stories_keep_to_the_read_scope,
                embeddings_go_with_their_story_and_coverage_counts,
            }
            sessions {
                session_reads_back_by_token_hash,
                signed_in_reads_the_session_with_its_user,
                session_of_unknown_user_is_not_found,
                revoke_keeps_the_first_time,
                revoke_unknown_session_is_not_found,
                revoke_user_sessions_counts_live_ones,
                purge_removes_expired_and_revoked_sessions,
                sign_in_link_works_once,
                expired_or_unknown_sign_in_link_is_none,
                concurrent_sign_in_link_use_succeeds_once,
                sign_in_link_of_unknown_user_is_not_found,
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __contract_cases {
    ($fixture:ty; $($module:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $module {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $case() {
                        let fixture = <$fixture as $crate::Fixture>::setup().await;
                        $crate::$module::$case($crate::Fixture::store(&fixture)).await;
                        $crate::Fixture::teardown(fixture).await;
                    }
                )*
            }
        )*
    };
}
