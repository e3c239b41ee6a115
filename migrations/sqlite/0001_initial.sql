-- Mosaic Life schema for SQLite (the embedded default).
--
-- Ids are 16-byte UUID BLOBs. Timestamps are INTEGER unix microseconds (UTC):
-- exact, and they order like time. Booleans are 0/1. Tables are STRICT so a
-- value of the wrong type is refused instead of stored.

CREATE TABLE users (
    id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    email       TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    avatar_url  TEXT,
    is_admin    INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
-- Its name appears in the error message, which the adapter maps to EmailTaken.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_created ON users (created_at DESC, id DESC);

-- External sign-in identities (OIDC issuer + subject) of a user.
CREATE TABLE identities (
    issuer   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    user_id  BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (issuer, subject)
) STRICT;
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE legacies (
    id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    name        TEXT    NOT NULL COLLATE NOCASE,
    birth_date  TEXT,
    death_date  TEXT,
    biography   TEXT,
    created_by  BLOB    NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (birth_date IS NULL OR death_date IS NULL OR death_date >= birth_date)
) STRICT;
CREATE INDEX legacies_created ON legacies (created_at DESC, id DESC);
CREATE INDEX legacies_created_by ON legacies (created_by);

CREATE TABLE legacy_members (
    legacy_id  BLOB    NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    user_id    BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('pending', 'member', 'editor', 'creator')),
    joined_at  INTEGER NOT NULL,
    PRIMARY KEY (legacy_id, user_id)
) STRICT;
-- Exactly one creator per legacy (at most one here; create and transfer
-- keep at least one).
CREATE UNIQUE INDEX legacy_members_one_creator ON legacy_members (legacy_id)
    WHERE role = 'creator';
CREATE INDEX legacy_members_user ON legacy_members (user_id);

CREATE TABLE stories (
    id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    legacy_id   BLOB    NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    author_id   BLOB    NOT NULL REFERENCES users (id),
    title       TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    visibility  TEXT    NOT NULL CHECK (visibility IN ('public', 'private', 'personal')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT;
-- The list path: a legacy's live stories, newest first.
CREATE INDEX stories_legacy_created ON stories (legacy_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX stories_author ON stories (author_id);
CREATE INDEX stories_deleted ON stories (deleted_at) WHERE deleted_at IS NOT NULL;

-- Earlier versions of a story; rowid keeps insertion order for ties.
CREATE TABLE story_revisions (
    id           BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    story_id     BLOB    NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    visibility   TEXT    NOT NULL CHECK (visibility IN ('public', 'private', 'personal')),
    replaced_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX story_revisions_story ON story_revisions (story_id, replaced_at DESC);

CREATE TABLE media (
    id           BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    uploaded_by  BLOB    NOT NULL REFERENCES users (id),
    legacy_id    BLOB    REFERENCES legacies (id) ON DELETE CASCADE,
    storage_key  TEXT    NOT NULL UNIQUE,
    file_name    TEXT    NOT NULL,
    media_type   TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL CHECK (size_bytes >= 0),
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX media_legacy_created ON media (legacy_id, created_at DESC, id DESC)
    WHERE legacy_id IS NOT NULL;
CREATE INDEX media_uploader ON media (uploaded_by, size_bytes);

CREATE TABLE sessions (
    id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    user_id     BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- One-time sign-in links, by the hash of their secret.
CREATE TABLE sign_in_links (
    token_hash  BLOB    NOT NULL PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id     BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_links_user ON sign_in_links (user_id);
