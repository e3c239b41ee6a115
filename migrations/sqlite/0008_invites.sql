-- Invite links (mosaic_ports::InviteRepo): a legacy's creator lets people
-- in with a role through one link. Only the SHA-256 of the link's secret
-- is stored; uses counts the people it let in.
CREATE TABLE invites (
    id          BLOB    PRIMARY KEY NOT NULL,
    legacy_id   BLOB    NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('member', 'editor')),
    created_by  BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    max_uses    INTEGER NOT NULL CHECK (max_uses > 0),
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    revoked_at  INTEGER
) STRICT;
CREATE INDEX invites_legacy_idx ON invites (legacy_id, created_at DESC);
