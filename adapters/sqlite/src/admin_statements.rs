//! The SQLite dialect of the operator's statements (`mosaic-admin`).

use mosaic_sql_common::AdminStatements;

macro_rules! user_columns {
    () => {
        "id, email, name, avatar_url, is_admin, disabled, created_at, updated_at"
    };
}
macro_rules! legacy_columns {
    () => {
        "id, name, birth_date, death_date, biography, created_by, created_at, updated_at"
    };
}
macro_rules! story_columns {
    () => {
        "id, legacy_id, author_id, title, content, visibility, created_at, updated_at, deleted_at, \
         ai_excluded"
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

/// The operator's statements for SQLite.
pub(crate) const SQLITE_ADMIN: AdminStatements = AdminStatements {
    // Deferred: the snapshot is taken by the first read and kept (WAL lets
    // writers go on meanwhile).
    begin_snapshot: "BEGIN",
    store_counts: "SELECT \
        (SELECT COUNT(*) FROM users) AS users, \
        (SELECT COUNT(*) FROM users WHERE disabled = 1) AS disabled_users, \
        (SELECT COUNT(*) FROM legacies) AS legacies, \
        (SELECT COUNT(*) FROM legacy_members) AS memberships, \
        (SELECT COUNT(*) FROM stories WHERE deleted_at IS NULL AND visibility = 'public') AS public_stories, \
        (SELECT COUNT(*) FROM stories WHERE deleted_at IS NULL AND visibility = 'private') AS private_stories, \
        (SELECT COUNT(*) FROM stories WHERE deleted_at IS NULL AND visibility = 'personal') AS personal_stories, \
        (SELECT COUNT(*) FROM stories WHERE deleted_at IS NOT NULL) AS deleted_stories, \
        (SELECT COUNT(*) FROM story_revisions) AS revisions, \
        (SELECT COUNT(*) FROM media) AS media, \
        (SELECT COALESCE(SUM(size_bytes), 0) FROM media) AS media_bytes, \
        (SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?1) AS live_sessions",
    legacy_exists: "SELECT id FROM legacies WHERE id = ?1",
    legacy_contents: "SELECT \
        (SELECT COUNT(*) FROM stories WHERE legacy_id = ?1) AS stories, \
        (SELECT COUNT(*) FROM story_revisions JOIN stories ON stories.id = story_revisions.story_id \
          WHERE stories.legacy_id = ?1) AS revisions, \
        (SELECT COUNT(*) FROM legacy_members WHERE legacy_id = ?1) AS members, \
        (SELECT COUNT(*) FROM media WHERE legacy_id = ?1) AS media, \
        (SELECT COALESCE(SUM(size_bytes), 0) FROM media WHERE legacy_id = ?1) AS media_bytes",
    list_all_legacies: concat!(
        "SELECT ",
        legacy_columns!(),
        " FROM legacies WHERE created_at <= ?1 AND (created_at < ?1 OR id < ?2) \
         ORDER BY created_at DESC, id DESC LIMIT ?3"
    ),
    list_sessions: "SELECT id, user_id, token_hash, created_at, expires_at, revoked_at FROM sessions \
        WHERE (?1 IS NULL OR user_id = ?1) AND created_at <= ?2 AND (created_at < ?2 OR id < ?3) \
        ORDER BY created_at DESC, id DESC LIMIT ?4",
    count_restore_blockers: "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM legacies) \
        + (SELECT COUNT(*) FROM stories)",

    export_users: concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
    ),
    // BINARY collation: bytewise, like Postgres's "C".
    export_identities: "SELECT issuer, subject, user_id FROM identities \
        WHERE ?1 IS NULL OR issuer > ?1 OR (issuer = ?1 AND subject > ?2) \
        ORDER BY issuer, subject LIMIT ?3",
    export_legacies: concat!(
        "SELECT ",
        legacy_columns!(),
        " FROM legacies WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
    ),
    export_memberships: "SELECT legacy_id, user_id, role, joined_at FROM legacy_members \
        WHERE ?1 IS NULL OR legacy_id > ?1 OR (legacy_id = ?1 AND user_id > ?2) \
        ORDER BY legacy_id, user_id LIMIT ?3",
    export_stories: concat!(
        "SELECT ",
        story_columns!(),
        " FROM stories WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
    ),
    export_revisions: concat!(
        "SELECT ",
        revision_columns!(),
        " FROM story_revisions WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
    ),
    export_media: concat!(
        "SELECT ",
        media_columns!(),
        " FROM media WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2"
    ),

    archive_legacy: concat!("SELECT ", legacy_columns!(), " FROM legacies WHERE id = ?1"),
    archive_role_of: "SELECT role FROM legacy_members WHERE legacy_id = ?1 AND user_id = ?2",
    archive_legacies_of_contributor: "SELECT legacy_id FROM legacy_members WHERE user_id = ?1 \
        UNION SELECT legacy_id FROM stories WHERE author_id = ?1 AND deleted_at IS NULL \
        UNION SELECT legacy_id FROM media WHERE uploaded_by = ?1 AND legacy_id IS NOT NULL \
        ORDER BY 1",
    archive_members: "SELECT m.legacy_id, m.user_id, m.role, m.joined_at, users.name \
        FROM legacy_members m JOIN users ON users.id = m.user_id \
        WHERE m.legacy_id = ?1 AND (?2 OR m.role <> 'pending') ORDER BY m.user_id",
    archive_stories: "SELECT s.id, s.legacy_id, s.author_id, s.title, s.content, s.visibility, \
        s.created_at, s.updated_at, s.deleted_at, s.ai_excluded, users.name AS author_name \
        FROM stories s JOIN users ON users.id = s.author_id \
        WHERE s.legacy_id = ?1 AND s.deleted_at IS NULL \
        AND (s.visibility = 'public' OR (?2 AND s.visibility = 'private') \
             OR (s.visibility = 'personal' AND s.author_id = ?3)) \
        AND (?4 IS NULL OR s.author_id = ?4) AND (?5 IS NULL OR s.id > ?5) \
        ORDER BY s.id LIMIT ?6",
    archive_revisions: concat!(
        "SELECT ",
        revision_columns!(),
        " FROM story_revisions WHERE story_id IN (SELECT unhex(value) FROM json_each(?1)) \
         ORDER BY story_id, id"
    ),
    archive_media: concat!(
        "SELECT ",
        media_columns!(),
        " FROM media WHERE legacy_id = ?1 AND (?2 OR uploaded_by = ?3) \
         AND (?4 IS NULL OR uploaded_by = ?4) AND (?5 IS NULL OR id > ?5) \
         ORDER BY id LIMIT ?6"
    ),
    archive_names: "SELECT id, name FROM users WHERE id IN (SELECT unhex(value) FROM json_each(?1))",
    insert_user: concat!(
        "INSERT INTO users (",
        user_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ),
    insert_identity: "INSERT INTO identities (issuer, subject, user_id) VALUES (?1, ?2, ?3)",
    // name_folded (9): the adapter's case-folded name that search matches.
    insert_legacy: concat!(
        "INSERT INTO legacies (",
        legacy_columns!(),
        ", name_folded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ),
    insert_membership: "INSERT INTO legacy_members (legacy_id, user_id, role, joined_at) \
        VALUES (?1, ?2, ?3, ?4)",
    enqueue_job: crate::statements::ENQUEUE_JOB,
    insert_story: concat!(
        "INSERT INTO stories (",
        story_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ),
    insert_revision: concat!(
        "INSERT INTO story_revisions (",
        revision_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    ),
    insert_media: concat!(
        "INSERT INTO media (",
        media_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ),
};
