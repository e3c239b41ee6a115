-- The AI companion: the author's opt-out per story, conversations with
-- their messages and citations. (The daily question quota uses the shared
-- rate_limits table of the RateLimiter port.)

-- Authors can keep a story out of the companion, for everyone.
ALTER TABLE stories ADD COLUMN ai_excluded boolean NOT NULL DEFAULT false;

-- A conversation belongs to one person and one legacy; it goes with either.
CREATE TABLE chat_conversations (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    legacy_id   uuid        NOT NULL REFERENCES legacies (id) ON DELETE CASCADE,
    title       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
-- The list path: one person's conversations, newest first (per legacy or all).
CREATE INDEX chat_conversations_user ON chat_conversations (user_id, created_at DESC, id DESC);
CREATE INDEX chat_conversations_legacy ON chat_conversations (legacy_id);

CREATE TABLE chat_messages (
    id               uuid        PRIMARY KEY,
    conversation_id  uuid        NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
    role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content          text        NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages (conversation_id, created_at, id);

-- The citations kept in an answer. No foreign key to stories: a cited story
-- may be purged later, and its citation is then shown as unavailable.
CREATE TABLE chat_citations (
    message_id  uuid    NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    number      integer NOT NULL CHECK (number > 0),
    story_id    uuid    NOT NULL,
    title       text    NOT NULL,
    PRIMARY KEY (message_id, number)
);

