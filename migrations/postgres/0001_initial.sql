-- Mosaic Life schema for PostgreSQL 15+.
--
-- Timestamps are timestamptz (UTC, microseconds). Constraint and index names
-- matter: the adapter maps a unique violation by name (`users_email_key` ->
-- EmailTaken, `legacy_members_pkey` -> AlreadyMember).

-- Trigram indexes make `name ILIKE '%query%'` an index search. pg_trgm is a
-- trusted extension (PG 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id          uuid        PRIMARY KEY,
    email       text        NOT NULL CONSTRAINT users_email_key UNIQUE,
    name        text        NOT NULL,
    avatar_url  text,
    is_admin    boolean     NOT NULL DEFAULT false,
    disabled    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX users_created ON users (created_at DESC, id DESC);

-- External sign-in identities (OIDC issuer + subject) of a user.
CREATE TABLE identities (
    issuer   text NOT NULL,
    subject  text NOT NULL,
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE legacies (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    birth_date  date,
    death_date  date,
    biography   text,
    created_by  uuid        NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (birth_date IS NULL OR death_date IS NULL OR death_date >= birth_date)
);
CREATE INDEX legacies_created ON legacies (created_at DESC, id DESC);
CREATE INDEX legacies_created_by ON legacies (created_by);
CREATE INDEX legacies_name_trgm ON legacies USING gin (name gin_trgm_ops);

CREATE TABLE legacy_members (
    legacy_id  uuid        NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL
               CONSTRAINT legacy_members_role_check
               CHECK (role IN ('pending', 'member', 'editor', 'creator')),
    joined_at  timestamptz NOT NULL,
    CONSTRAINT legacy_members_pkey PRIMARY KEY (legacy_id, user_id)
);
-- Exactly one creator per legacy (at most one here; create and transfer
-- keep at least one).
CREATE UNIQUE INDEX legacy_members_one_creator ON legacy_members (legacy_id)
    WHERE role = 'creator';
CREATE INDEX legacy_members_user ON legacy_members (user_id);

CREATE TABLE stories (
    id          uuid        PRIMARY KEY,
    legacy_id   uuid        NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    author_id   uuid        NOT NULL REFERENCES users (id),
    title       text        NOT NULL,
    content     text        NOT NULL,
    visibility  text        NOT NULL CHECK (visibility IN ('public', 'private', 'personal')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
-- The list path: a legacy's live stories, newest first.
CREATE INDEX stories_legacy_created ON stories (legacy_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX stories_author ON stories (author_id);
CREATE INDEX stories_deleted ON stories (deleted_at) WHERE deleted_at IS NOT NULL;

-- Earlier versions of a story; `seq` keeps insertion order for ties.
CREATE TABLE story_revisions (
    id           uuid        PRIMARY KEY,
    story_id     uuid        NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    title        text        NOT NULL,
    content      text        NOT NULL,
    visibility   text        NOT NULL CHECK (visibility IN ('public', 'private', 'personal')),
    replaced_at  timestamptz NOT NULL,
    seq          bigint      GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX story_revisions_story ON story_revisions (story_id, replaced_at DESC, seq DESC);

CREATE TABLE media (
    id           uuid        PRIMARY KEY,
    uploaded_by  uuid        NOT NULL REFERENCES users (id),
    legacy_id    uuid        REFERENCES legacies (id) ON DELETE CASCADE,
    storage_key  text        NOT NULL CONSTRAINT media_storage_key_key UNIQUE,
    file_name    text        NOT NULL,
    media_type   text        NOT NULL,
    size_bytes   bigint      NOT NULL CHECK (size_bytes >= 0),
    created_at   timestamptz NOT NULL
);
CREATE INDEX media_legacy_created ON media (legacy_id, created_at DESC, id DESC)
    WHERE legacy_id IS NOT NULL;
CREATE INDEX media_uploader ON media (uploaded_by) INCLUDE (size_bytes);

CREATE TABLE sessions (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- One-time sign-in links, by the hash of their secret.
CREATE TABLE sign_in_links (
    token_hash  bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sign_in_links_user ON sign_in_links (user_id);
