//! The Postgres dialect of every statement. Keyset conditions are row
//! comparisons, `(created_at, id) < ($n, $m)`, which Postgres turns into one
//! index range on `(created_at DESC, id DESC)`. Reads that precede a write in
//! the same transaction lock their rows (`FOR UPDATE`).

use mosaic_sql_common::Statements;

macro_rules! user_columns {
    () => {
        "users.id, users.email, users.name, users.avatar_url, users.is_admin, users.disabled, \
         users.created_at, users.updated_at"
    };
}
macro_rules! legacy_columns {
    () => {
        "legacies.id, legacies.name, legacies.birth_date, legacies.death_date, \
         legacies.biography, legacies.created_by, legacies.created_at, legacies.updated_at"
    };
}
macro_rules! story_columns {
    () => {
        "id, legacy_id, author_id, title, content, visibility, created_at, updated_at, deleted_at, \
         ai_excluded"
    };
}
/// A story's columns and its author's display name, from
/// `stories s JOIN users ON users.id = s.author_id`.
macro_rules! story_view_columns {
    () => {
        "s.id, s.legacy_id, s.author_id, s.title, s.content, s.visibility, s.created_at, \
         s.updated_at, s.deleted_at, s.ai_excluded, users.name AS author_name"
    };
}
macro_rules! conversation_columns {
    () => {
        "id, user_id, legacy_id, title, created_at, updated_at"
    };
}
macro_rules! revision_columns {
    () => {
        "id, story_id, title, content, visibility, replaced_at"
    };
}
macro_rules! media_columns {
    () => {
        "id, uploaded_by, legacy_id, storage_key, file_name, media_type, size_bytes, created_at"
    };
}
macro_rules! session_columns {
    () => {
        "id, user_id, token_hash, created_at, expires_at, revoked_at"
    };
}

/// The parsed search's `tsquery` values (`RenderedSearch`: words 1,
/// prefix 13, beside 14, excluded 15; each NULL when absent).
macro_rules! search_query {
    () => {
        "(SELECT to_tsquery('mosaic_search', $1) AS words, \
                 to_tsquery('mosaic_prefix', $13) AS prefix, \
                 to_tsquery('mosaic_search', $14) AS beside, \
                 to_tsquery('mosaic_search', $15) AS excluded) AS q"
    };
}
/// A story's rank: its rank in the stemmed index plus, while typing, its
/// rank in the unstemmed index for the prefix.
macro_rules! search_rank {
    () => {
        "(ts_rank_cd(s.search_vector, q.words)::float8 \
          + COALESCE(ts_rank_cd(s.prefix_vector, q.prefix)::float8, 0))"
    };
}

/// The two search statements differ only in their scope condition (`$2`,
/// `$3`, `$4`). The inner query ranks and pages every readable match using
/// the GIN indexes on `search_vector` (stemmed) and `prefix_vector`
/// (unstemmed, for the word being typed); only the page's rows are then
/// joined and get a headline (the costly part), in rank order.
macro_rules! search_stories {
    ($scope:literal) => {
        concat!(
            "SELECT s.id, s.title, s.legacy_id, l.name AS legacy_name, s.author_id, \
             u.name AS author_name, s.visibility, s.created_at, s.updated_at, \
             ts_headline('mosaic_search', s.content, \
               CASE WHEN q.prefix IS NULL THEN q.words ELSE q.words || q.prefix END, \
               'StartSel=' || chr(1) || ', StopSel=' || chr(2) || \
               ', MaxFragments=2, MaxWords=18, MinWords=8, FragmentDelimiter=\" … \"') \
               AS snippet, page.rank \
             FROM (SELECT s.id, ",
            search_rank!(),
            " AS rank \
                   FROM stories s, ",
            search_query!(),
            " WHERE (s.search_vector @@ q.words \
                          OR (s.prefix_vector @@ q.prefix \
                              AND (q.beside IS NULL OR s.search_vector @@ q.beside) \
                              AND (q.excluded IS NULL OR NOT s.search_vector @@ q.excluded))) \
                     AND s.deleted_at IS NULL AND ",
            $scope,
            " AND ($5::uuid IS NULL OR s.author_id = $5) \
               AND ($6::text IS NULL OR s.visibility = $6) \
               AND ($7::timestamptz IS NULL OR s.created_at >= $7) \
               AND ($8::timestamptz IS NULL OR s.created_at < $8) \
               AND (NOT $12 OR NOT s.ai_excluded) \
               AND (",
            search_rank!(),
            ", s.id) < ($9, $10) \
                   ORDER BY rank DESC, s.id DESC LIMIT $11) AS page \
             JOIN stories s ON s.id = page.id \
             JOIN legacies l ON l.id = s.legacy_id \
             JOIN users u ON u.id = s.author_id, ",
            search_query!(),
            " ORDER BY page.rank DESC, page.id DESC"
        )
    };
}

/// Every statement the repositories run, for Postgres.
/// Enqueue a job (see `JobStatements::enqueue`); also used by archive
/// imports and restores, which write stories too.
pub(crate) const ENQUEUE_JOB: &str = "INSERT INTO jobs (id, kind, key, state, attempts, max_attempts, run_at, \
                  created_at, updated_at) VALUES ($1, $2, $3, 'pending', 0, $4, $5, $6, $6) \
                  ON CONFLICT (kind, key) WHERE state = 'pending' \
                  DO UPDATE SET run_at = LEAST(jobs.run_at, EXCLUDED.run_at), \
                  updated_at = EXCLUDED.updated_at";

pub(crate) const POSTGRES: Statements = Statements {
    ping: "SELECT 1",
    analyze: "ANALYZE",

    insert_user: "INSERT INTO users (id, email, name, avatar_url, is_admin, disabled, created_at, updated_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    select_user: concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"),
    select_user_by_email: concat!("SELECT ", user_columns!(), " FROM users WHERE email = $1"),
    select_user_by_identity: concat!(
        "SELECT ",
        user_columns!(),
        " FROM identities JOIN users ON users.id = identities.user_id \
         WHERE identities.issuer = $1 AND identities.subject = $2"
    ),
    upsert_identity: "INSERT INTO identities (issuer, subject, user_id) VALUES ($1, $2, $3) \
                      ON CONFLICT (issuer, subject) DO UPDATE SET user_id = identities.user_id \
                      RETURNING user_id",
    update_user: "UPDATE users SET email = $2, name = $3, avatar_url = $4, is_admin = $5, \
                  disabled = $6, updated_at = $7 WHERE id = $1",
    list_users: concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE (created_at, id) < ($1, $2) \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    ),
    count_users: "SELECT COUNT(*) FROM users",

    insert_legacy: "INSERT INTO legacies (id, name, birth_date, death_date, biography, created_by, created_at, updated_at, name_folded) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    select_legacy: concat!("SELECT ", legacy_columns!(), " FROM legacies WHERE id = $1"),
    update_legacy: concat!(
        "UPDATE legacies SET name = $2, birth_date = $3, death_date = $4, biography = $5, \
         updated_at = $6, name_folded = $7 WHERE id = $1 RETURNING ",
        legacy_columns!()
    ),
    lock_legacy: "SELECT id FROM legacies WHERE id = $1 FOR UPDATE",
    delete_media_of_legacy: "DELETE FROM media WHERE legacy_id = $1 RETURNING storage_key",
    delete_legacy: "DELETE FROM legacies WHERE id = $1",
    list_legacies_of_user: concat!(
        "SELECT ",
        legacy_columns!(),
        ", legacy_members.role",
        " FROM legacy_members JOIN legacies ON legacies.id = legacy_members.legacy_id \
         WHERE legacy_members.user_id = $1 \
         AND (legacies.created_at, legacies.id) < ($2, $3) \
         ORDER BY legacies.created_at DESC, legacies.id DESC LIMIT $4"
    ),
    // `name_folded` is the name folded by the adapter (accents removed, lower
    // case, words one space apart), the patterns too, so both databases fold
    // alike; an anchor of 3+ characters uses the pg_trgm GIN index on it.
    search_legacies: concat!(
        "SELECT ",
        legacy_columns!(),
        " FROM legacies WHERE name_folded LIKE $1 ESCAPE '\\' \
         AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($5) AS g(terms) \
           WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(g.terms) AS t(pattern) \
             WHERE legacies.name_folded LIKE t.pattern ESCAPE '\\')) \
         AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($6) AS x(pattern) \
           WHERE legacies.name_folded LIKE x.pattern ESCAPE '\\') \
         AND (created_at, id) < ($2, $3) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ),

    select_legacy_names: "SELECT id, name, name_folded FROM legacies",
    update_legacy_name_folded: "UPDATE legacies SET name_folded = $2 WHERE id = $1",

    insert_membership: "INSERT INTO legacy_members (legacy_id, user_id, role, joined_at) \
                        VALUES ($1, $2, $3, $4)",
    select_membership: "SELECT legacy_id, user_id, role, joined_at FROM legacy_members \
                        WHERE legacy_id = $1 AND user_id = $2",
    update_role: "UPDATE legacy_members SET role = $3 \
                  WHERE legacy_id = $1 AND user_id = $2 AND role <> 'creator'",
    delete_membership: "DELETE FROM legacy_members \
                        WHERE legacy_id = $1 AND user_id = $2 AND role <> 'creator'",
    demote_creator: "UPDATE legacy_members SET role = $3 \
                     WHERE legacy_id = $1 AND user_id = $2 AND role = 'creator'",
    promote_to_creator: "UPDATE legacy_members SET role = 'creator' \
                         WHERE legacy_id = $1 AND user_id = $2 AND role IN ('member', 'editor')",
    set_legacy_creator: "UPDATE legacies SET created_by = $2 WHERE id = $1",
    list_members: "SELECT m.legacy_id, m.user_id, m.role, m.joined_at, users.name \
                   FROM legacy_members m JOIN users ON users.id = m.user_id \
                   WHERE m.legacy_id = $1 AND ($2 OR m.role <> 'pending') \
                   ORDER BY CASE m.role WHEN 'creator' THEN 0 WHEN 'editor' THEN 1 \
                   WHEN 'member' THEN 2 ELSE 3 END, m.joined_at, m.user_id",
    // The ids come as a JSON array of 32-digit hex strings.
    roles_of_user_in: "SELECT legacy_id, role FROM legacy_members \
                       WHERE user_id = $1 AND legacy_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2))",

    insert_story: concat!(
        "INSERT INTO stories (",
        story_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ),
    select_story: concat!(
        "SELECT ",
        story_view_columns!(),
        " FROM stories s JOIN users ON users.id = s.author_id WHERE s.id = $1"
    ),
    list_stories: concat!(
        "SELECT ",
        story_view_columns!(),
        " FROM stories s JOIN users ON users.id = s.author_id \
         WHERE s.legacy_id = $1 AND s.deleted_at IS NULL \
         AND (s.visibility = 'public' OR ($2 AND s.visibility = 'private') \
              OR (s.visibility = 'personal' AND s.author_id = $3)) \
         AND (s.created_at, s.id) < ($4, $5) \
         ORDER BY s.created_at DESC, s.id DESC LIMIT $6"
    ),
    // A concurrent edit waits on the row lock, then reads this edit's result.
    select_story_version_for_update: "SELECT title, content, visibility FROM stories \
                                      WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
    insert_revision: concat!(
        "INSERT INTO story_revisions (",
        revision_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6)"
    ),
    update_story: concat!(
        "UPDATE stories SET title = $2, content = $3, visibility = $4, updated_at = $5 \
         WHERE id = $1 RETURNING ",
        story_columns!()
    ),
    set_story_deleted: concat!(
        "UPDATE stories SET deleted_at = $2 WHERE id = $1 RETURNING ",
        story_columns!()
    ),
    set_story_ai_excluded: concat!(
        "UPDATE stories SET ai_excluded = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING ",
        story_columns!()
    ),
    list_revisions: concat!(
        "SELECT ",
        revision_columns!(),
        " FROM story_revisions WHERE story_id = $1 ORDER BY replaced_at DESC, seq DESC"
    ),
    select_revision: concat!(
        "SELECT ",
        revision_columns!(),
        " FROM story_revisions WHERE story_id = $1 AND id = $2"
    ),
    purge_deleted_stories: "DELETE FROM stories WHERE deleted_at < $1",

    render_search: crate::search::render_tsquery,
    search_in_legacy: search_stories!(
        "s.legacy_id = $2 \
         AND (s.visibility = 'public' OR ($3 AND s.visibility = 'private') \
              OR (s.visibility = 'personal' AND s.author_id = $4))"
    ),
    // Approved members: every role but 'pending' (`Role::is_active`).
    search_in_my_legacies: search_stories!(
        "((s.legacy_id IN (SELECT legacy_id FROM legacy_members \
                           WHERE user_id = $2 AND role <> 'pending') \
           AND (s.visibility = 'public' OR ($3 AND s.visibility = 'private') \
                OR (s.visibility = 'personal' AND s.author_id = $4))) \
          OR (s.visibility = 'personal' AND s.author_id = $2))"
    ),

    insert_media: concat!(
        "INSERT INTO media (",
        media_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ),
    select_media: concat!("SELECT ", media_columns!(), " FROM media WHERE id = $1"),
    list_media: concat!(
        "SELECT ",
        media_columns!(),
        " FROM media WHERE legacy_id = $1 AND ($2 OR uploaded_by = $3) \
         AND (created_at, id) < ($4, $5) \
         ORDER BY created_at DESC, id DESC LIMIT $6"
    ),
    delete_media: concat!(
        "DELETE FROM media WHERE id = $1 RETURNING ",
        media_columns!()
    ),
    existing_storage_keys: "SELECT storage_key FROM media \
                            WHERE storage_key IN (SELECT jsonb_array_elements_text($1))",
    media_bytes_of_user: "SELECT COALESCE(SUM(size_bytes), 0)::bigint FROM media WHERE uploaded_by = $1",

    insert_session: concat!(
        "INSERT INTO sessions (",
        session_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6)"
    ),
    select_signed_in: concat!(
        "SELECT sessions.id AS session_id, sessions.token_hash, \
         sessions.created_at AS session_created_at, sessions.expires_at, sessions.revoked_at, ",
        user_columns!(),
        " FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = $1"
    ),
    select_session_by_token: concat!(
        "SELECT ",
        session_columns!(),
        " FROM sessions WHERE token_hash = $1"
    ),
    revoke_session: "UPDATE sessions SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
    revoke_user_sessions: "UPDATE sessions SET revoked_at = $2 \
                           WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
    purge_sessions: "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1",
    insert_sign_in_link: "INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) \
                          VALUES ($1, $2, $3, $4)",
    consume_sign_in_link: "DELETE FROM sign_in_links WHERE token_hash = $1 AND expires_at > $2 \
                           RETURNING user_id",

    insert_conversation: concat!(
        "INSERT INTO chat_conversations (",
        conversation_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6)"
    ),
    select_conversation: concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM chat_conversations WHERE id = $1"
    ),
    list_conversations: concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM chat_conversations WHERE user_id = $1 AND ($2::uuid IS NULL OR legacy_id = $2) \
         AND created_at <= $3 AND (created_at < $3 OR id < $4) \
         ORDER BY created_at DESC, id DESC LIMIT $5"
    ),
    rename_conversation: concat!(
        "UPDATE chat_conversations SET title = $2, updated_at = $3 WHERE id = $1 RETURNING ",
        conversation_columns!()
    ),
    delete_conversation: "DELETE FROM chat_conversations WHERE id = $1",
    touch_conversation: "UPDATE chat_conversations SET updated_at = $2 WHERE id = $1",
    insert_chat_message: "INSERT INTO chat_messages (id, conversation_id, role, content, created_at) \
                          VALUES ($1, $2, $3, $4, $5)",
    insert_chat_citation: "INSERT INTO chat_citations (message_id, number, story_id, title) \
                           VALUES ($1, $2, $3, $4)",
    list_chat_messages: "SELECT id, conversation_id, role, content, created_at FROM chat_messages \
                         WHERE conversation_id = $1 ORDER BY created_at, id",
    list_chat_citations: "SELECT c.message_id, c.number::bigint AS number, c.story_id, c.title \
                          FROM chat_citations c JOIN chat_messages m ON m.id = c.message_id \
                          WHERE m.conversation_id = $1 ORDER BY c.message_id, c.number",

    jobs: mosaic_sql_common::JobStatements {
        enqueue: ENQUEUE_JOB,
        // SKIP LOCKED: a row another claimer is taking is passed over, not
        // waited for; that claimer's commit makes it running, which the
        // re-checked WHERE then refuses.
        claim: "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, \
                lease_token = $3, updated_at = $1 \
                WHERE id = (SELECT id FROM jobs \
                            WHERE (state = 'pending' AND run_at <= $1 \
                                   AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.kind = jobs.kind \
                                                   AND r.key = jobs.key AND r.state = 'running' \
                                                   AND r.lease_until > $1)) \
                               OR (state = 'running' AND lease_until <= $1 AND attempts < max_attempts) \
                            ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                RETURNING id, kind, key, attempts, max_attempts",
        bury_expired: "UPDATE jobs SET state = 'dead', lease_until = NULL, lease_token = NULL, \
                       last_error = 'the lease expired on the last attempt (the worker stopped or took too long)', \
                       updated_at = $1 \
                       WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts",
        complete: "DELETE FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        retry: "UPDATE jobs SET state = 'pending', last_error = $3, run_at = $4, updated_at = $5, \
                lease_until = NULL, lease_token = NULL \
                WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        bury: "UPDATE jobs SET state = 'dead', last_error = $3, updated_at = $4, \
               lease_until = NULL, lease_token = NULL \
               WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        counts: "SELECT state, COUNT(*) FROM jobs GROUP BY state",
    },
    embeddings: mosaic_sql_common::EmbeddingStatements {
        select: "SELECT story_id, model, content_hash, vector, computed_at \
                 FROM story_embeddings WHERE story_id = $1",
        upsert: "INSERT INTO story_embeddings (story_id, model, content_hash, dimensions, vector, \
                 computed_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (story_id) DO UPDATE SET model = EXCLUDED.model, \
                 content_hash = EXCLUDED.content_hash, dimensions = EXCLUDED.dimensions, \
                 vector = EXCLUDED.vector, computed_at = EXCLUDED.computed_at",
        delete: "DELETE FROM story_embeddings WHERE story_id = $1",
        // The read scope exactly as in list_stories and search_in_legacy.
        candidates: "SELECT e.story_id, e.vector FROM story_embeddings e \
                     JOIN stories s ON s.id = e.story_id \
                     WHERE s.legacy_id = $1 AND s.deleted_at IS NULL AND NOT s.ai_excluded \
                     AND e.model = $4 \
                     AND (s.visibility = 'public' OR ($2 AND s.visibility = 'private') \
                          OR (s.visibility = 'personal' AND s.author_id = $3))",
        live_ids: "SELECT id FROM stories WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id > $1) \
                   ORDER BY id LIMIT $2",
        coverage: "SELECT COUNT(*), COUNT(e.story_id) FROM stories s \
                   LEFT JOIN story_embeddings e ON e.story_id = s.id AND e.model = $1 \
                   WHERE s.deleted_at IS NULL",
    },
};
