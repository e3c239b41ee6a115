//! The SQL of invite links on SQLite.

use mosaic_sql_common::InviteStatements;

macro_rules! invite_columns {
    () => {
        "id, legacy_id, role, created_by, token_hash, created_at, expires_at, max_uses, uses, revoked_at"
    };
}

pub(crate) static SQLITE_INVITES: InviteStatements = InviteStatements {
    insert: concat!(
        "INSERT INTO invites (",
        invite_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ),
    select_by_token: concat!(
        "SELECT ",
        invite_columns!(),
        " FROM invites WHERE token_hash = ?1"
    ),
    // The write transaction (BEGIN IMMEDIATE) already holds the database lock.
    lock_by_token: concat!(
        "SELECT ",
        invite_columns!(),
        " FROM invites WHERE token_hash = ?1"
    ),
    list_of_legacy: concat!(
        "SELECT ",
        invite_columns!(),
        " FROM invites WHERE legacy_id = ?1 ORDER BY created_at DESC, id DESC"
    ),
    revoke: concat!(
        "UPDATE invites SET revoked_at = COALESCE(revoked_at, ?3) \
         WHERE legacy_id = ?1 AND id = ?2 RETURNING ",
        invite_columns!()
    ),
    count_use: concat!(
        "UPDATE invites SET uses = uses + 1 WHERE id = ?1 RETURNING ",
        invite_columns!()
    ),
};
