//! The SQL of one dialect: every statement the repositories run.
//!
//! Both adapters fill this struct with their own SQL; the repository code in
//! [`impl_repositories!`](crate::impl_repositories) binds the same parameters
//! in the same order for both, so the numbering (`$1` on Postgres, `?1` on
//! SQLite) must match the comment on each field.

/// Every statement, in one SQL dialect. Columns selected for a row type are
/// the fields of that row type in `rows.rs`.
#[derive(Debug)]
pub struct Statements {
    /// A trivial query proving the database answers.
    pub ping: &'static str,
    /// Refreshes the planner's statistics (after a bulk load).
    pub analyze: &'static str,

    /// Insert a user: id, email, name, avatar_url, is_admin, disabled, created_at, updated_at.
    pub insert_user: &'static str,
    /// User row by id (1).
    pub select_user: &'static str,
    /// User row by e-mail (1).
    pub select_user_by_email: &'static str,
    /// User row by identity: issuer (1), subject (2).
    pub select_user_by_identity: &'static str,
    /// Link an identity (issuer 1, subject 2, user 3); returns the `user_id`
    /// the identity is linked to afterwards (the existing one on conflict).
    pub upsert_identity: &'static str,
    /// Update a user by id (1): email 2, name 3, avatar_url 4, is_admin 5, disabled 6, updated_at 7.
    pub update_user: &'static str,
    /// User rows below the keyset (created_at 1, id 2), newest first, limit 3.
    pub list_users: &'static str,
    /// Number of users, as a 64-bit integer.
    pub count_users: &'static str,

    /// Insert a legacy: id, name, birth_date, death_date, biography, created_by, created_at,
    /// updated_at, name_folded (the name folded for search, [`fold_name`](crate::fold_name)).
    pub insert_legacy: &'static str,
    /// Legacy row by id (1).
    pub select_legacy: &'static str,
    /// Update a legacy by id (1): name 2, birth 3, death 4, biography 5, updated_at 6,
    /// name_folded 7; returns the row.
    pub update_legacy: &'static str,
    /// Lock the legacy row (1) for a cascade delete; returns its id.
    pub lock_legacy: &'static str,
    /// Delete the media records of a legacy (1); returns their `storage_key`.
    pub delete_media_of_legacy: &'static str,
    /// Delete a legacy (1); memberships, stories and revisions cascade.
    pub delete_legacy: &'static str,
    /// Legacy rows with `role` of user (1) below the keyset (2, 3), limit 4.
    pub list_legacies_of_user: &'static str,
    /// Legacy rows whose `name_folded` is `LIKE` the anchor pattern (1), `LIKE`
    /// some pattern of every group in the JSON array of arrays (5) and `LIKE`
    /// none of the JSON array (6) ([`NamePatterns`](crate::NamePatterns)),
    /// below the keyset (2, 3), limit 4.
    pub search_legacies: &'static str,
    /// Every legacy's id, name and name_folded (to fold names again).
    pub select_legacy_names: &'static str,
    /// Set name_folded (2) of legacy (1).
    pub update_legacy_name_folded: &'static str,

    /// Insert a membership: legacy_id, user_id, role, joined_at.
    pub insert_membership: &'static str,
    /// Membership row by legacy (1) and user (2).
    pub select_membership: &'static str,
    /// Set the role (3) of legacy (1), user (2) unless that member is the creator.
    pub update_role: &'static str,
    /// Delete the membership of legacy (1), user (2) unless it is the creator's.
    pub delete_membership: &'static str,
    /// Demote the creator: legacy 1, user 2, new role 3; only if user 2 is creator.
    pub demote_creator: &'static str,
    /// Promote legacy 1, user 2 to creator; only if an approved non-creator member.
    pub promote_to_creator: &'static str,
    /// Set `created_by` of legacy 1 to user 2.
    pub set_legacy_creator: &'static str,
    /// Member entry rows of legacy (1), pending included when (2), creator first.
    pub list_members: &'static str,
    /// Legacy id and role of user (1)'s memberships in the legacies whose ids
    /// are the JSON array (2) of 32-digit hex strings.
    pub roles_of_user_in: &'static str,

    /// Insert a story: id, legacy_id, author_id, title, content, visibility, created_at,
    /// updated_at, deleted_at, ai_excluded.
    pub insert_story: &'static str,
    /// Story row by id (1) with its author's name as `author_name` (join on users).
    pub select_story: &'static str,
    /// Story rows of legacy (1) not deleted, admitted by the scope (private 2,
    /// personal author 3), below the keyset (4, 5), newest first, limit 6;
    /// each with its author's name as `author_name` (join on users).
    pub list_stories: &'static str,
    /// Title, content, visibility of a live story (1), locked against concurrent edits.
    pub select_story_version_for_update: &'static str,
    /// Insert a revision: id, story_id, title, content, visibility, replaced_at.
    pub insert_revision: &'static str,
    /// Write a story (1): title 2, content 3, visibility 4, updated_at 5; returns the row.
    pub update_story: &'static str,
    /// Set `deleted_at` (2) of story (1); returns the row.
    pub set_story_deleted: &'static str,
    /// Set `ai_excluded` (2) of live story (1); returns the row.
    pub set_story_ai_excluded: &'static str,
    /// Revision rows of story (1), newest first.
    pub list_revisions: &'static str,
    /// Revision row by story (1) and id (2).
    pub select_revision: &'static str,
    /// Delete stories deleted before (1); revisions cascade.
    pub purge_deleted_stories: &'static str,

    /// Renders a parsed search into the engine's query syntax (`tsquery`
    /// texts, FTS5 `MATCH` expressions), bound as parameters 1 and 13–15 of
    /// the search statements.
    pub render_search: fn(&mosaic_domain::StoryQuery) -> RenderedSearch,
    /// Search hits (`StoryHitRow`) matching the rendered query
    /// ([`RenderedSearch`]: words 1, prefix 13, beside 14, excluded 15) in
    /// legacy (2) admitted by its read scope (private 3, personal author 4),
    /// passing the filters (author 5, visibility 6, created at or after 7,
    /// created before 8, each NULL for "any"), below the keyset (rank 9, id
    /// 10) by rank then id descending, limit 11; when (12) is true, stories
    /// kept out of the AI companion do not match. Deleted stories never
    /// match. A story matches when it matches `words` in the stemmed index,
    /// or, when there is a prefix, `prefix` in the unstemmed index and
    /// `beside` (if any) but none of `excluded` in the stemmed one; its rank
    /// is the sum of its ranks in both indexes.
    pub search_in_legacy: &'static str,
    /// Like `search_in_legacy`, over every legacy where user (2) is an
    /// approved member, admitted by the member read scope (private 3,
    /// personal author 4), plus user (2)'s own personal stories anywhere.
    pub search_in_my_legacies: &'static str,

    /// Insert a media record: id, uploaded_by, legacy_id, storage_key, file_name, media_type, size_bytes, created_at.
    pub insert_media: &'static str,
    /// Media row by id (1).
    pub select_media: &'static str,
    /// Media rows of legacy (1) admitted by the scope (all 2, uploader 3),
    /// below the keyset (4, 5), newest first, limit 6.
    pub list_media: &'static str,
    /// Delete the media record (1); returns the row.
    pub delete_media: &'static str,
    /// The `storage_key`s of media records among the keys in the JSON array
    /// of strings (1).
    pub existing_storage_keys: &'static str,
    /// Sum of `size_bytes` of user (1) as a 64-bit integer, 0 when none.
    pub media_bytes_of_user: &'static str,

    /// Insert a session: id, user_id, token_hash, created_at, expires_at, revoked_at.
    pub insert_session: &'static str,
    /// Session row by token hash (1).
    pub select_session_by_token: &'static str,
    /// A session joined with its user, by token hash (`?1`/`$1`).
    pub select_signed_in: &'static str,
    /// Revoke session (1) at (2), keeping an earlier revocation.
    pub revoke_session: &'static str,
    /// Revoke every live session of user (1) at (2).
    pub revoke_user_sessions: &'static str,
    /// Delete sessions expired or revoked before (1).
    pub purge_sessions: &'static str,
    /// Insert a sign-in link: token_hash, user_id, created_at, expires_at.
    pub insert_sign_in_link: &'static str,
    /// Delete the link (1) if not expired at (2); returns its `user_id`.
    pub consume_sign_in_link: &'static str,

    /// Insert a conversation: id, user_id, legacy_id, title, created_at, updated_at.
    pub insert_conversation: &'static str,
    /// Conversation row by id (1).
    pub select_conversation: &'static str,
    /// Conversation rows of user (1), of legacy (2) unless it is NULL, below
    /// the keyset (3, 4), newest first, limit 5.
    pub list_conversations: &'static str,
    /// Set title (2) and updated_at (3) of conversation (1); returns the row.
    pub rename_conversation: &'static str,
    /// Delete conversation (1); messages and citations cascade.
    pub delete_conversation: &'static str,
    /// Set updated_at (2) of conversation (1).
    pub touch_conversation: &'static str,
    /// Insert a message: id, conversation_id, role, content, created_at.
    pub insert_chat_message: &'static str,
    /// Insert a citation: message_id, number, story_id, title.
    pub insert_chat_citation: &'static str,
    /// Message rows of conversation (1), oldest first.
    pub list_chat_messages: &'static str,
    /// Citation rows of every message of conversation (1), by message and number.
    pub list_chat_citations: &'static str,

    /// The job queue's statements.
    pub jobs: crate::JobStatements,
    /// The story embeddings' statements.
    pub embeddings: crate::EmbeddingStatements,
}

/// A parsed search in an engine's syntax: the parameters the search
/// statements bind (see [`Statements::search_in_legacy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedSearch {
    /// (1) The whole query for the stemmed index, the prefix read as a
    /// whole word (so "bicycle" typed last still finds "bicycles").
    pub words: String,
    /// (13) The prefix for the unstemmed index, if the query ends in one.
    pub prefix: Option<String>,
    /// (14) With a prefix, the groups beside the prefix's, for the stemmed
    /// index; `None` when there are none (or no prefix).
    pub beside: Option<String>,
    /// (15) With a prefix, the excluded terms as alternatives for the
    /// stemmed index (a story matching them does not match); `None` when
    /// there are none (or no prefix).
    pub excluded: Option<String>,
}
