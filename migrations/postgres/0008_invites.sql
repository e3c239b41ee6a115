-- Invite links (mosaic_ports::InviteRepo): a legacy's creator lets people
-- in with a role through one link. Only the SHA-256 of the link's secret
-- is stored; uses counts the people it let in.
CREATE TABLE invites (
    id          uuid        PRIMARY KEY,
    legacy_id   uuid        NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    role        text        NOT NULL CONSTRAINT invites_role_check CHECK (role IN ('member', 'editor')),
    created_by  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL CONSTRAINT invites_token_hash_key UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    max_uses    integer     NOT NULL CHECK (max_uses > 0),
    uses        integer     NOT NULL DEFAULT 0 CHECK (uses >= 0),
    revoked_at  timestamptz
);
CREATE INDEX invites_legacy_idx ON invites (legacy_id, created_at DESC);
