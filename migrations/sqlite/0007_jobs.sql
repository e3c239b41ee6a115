-- The one background-job queue (mosaic_ports::JobQueue) and the story
-- embeddings its first job kind keeps up to date.

-- A job is written in the same transaction as the change that needs it (an
-- outbox). Workers claim it with a lease in one UPDATE … RETURNING (SQLite
-- runs one writer at a time); a job whose lease expired (its worker died) is
-- claimed again. Completed jobs are deleted; dead ones are kept.
CREATE TABLE jobs (
    id            BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'running', 'dead')),
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  INTEGER NOT NULL CHECK (max_attempts > 0),
    run_at        INTEGER NOT NULL,
    lease_until   INTEGER,
    lease_token   BLOB CHECK (lease_token IS NULL OR length(lease_token) = 16),
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX jobs_pending_once ON jobs (kind, key) WHERE state = 'pending';
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';

CREATE TABLE story_embeddings (
    story_id      BLOB    NOT NULL PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    model         TEXT    NOT NULL,
    content_hash  BLOB    NOT NULL CHECK (length(content_hash) = 32),
    dimensions    INTEGER NOT NULL CHECK (dimensions > 0),
    vector        BLOB    NOT NULL CHECK (length(vector) = 4 * dimensions),
    computed_at   INTEGER NOT NULL
) STRICT;
