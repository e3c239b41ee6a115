-- The one background-job queue (mosaic_ports::JobQueue), shared by every
-- replica, and the story embeddings its first job kind keeps up to date.

-- A job is written in the same transaction as the change that needs it (an
-- outbox). Workers claim it with a lease (FOR UPDATE SKIP LOCKED); a job
-- whose lease expired (its worker died) is claimed again. Completed jobs are
-- deleted; dead ones (out of attempts) are kept for operators.
CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    kind          text        NOT NULL,
    key           text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('pending', 'running', 'dead')),
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer     NOT NULL CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL,
    lease_until   timestamptz,
    lease_token   uuid,
    last_error    text,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
-- At most one waiting job per kind and key (enqueueing again is a no-op).
CREATE UNIQUE INDEX jobs_pending_once ON jobs (kind, key) WHERE state = 'pending';
-- The claim path: due pending jobs, and running ones by lease expiry.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE state = 'running';

-- One embedding per story: the model that computed it, the SHA-256 of the
-- text it was computed from, and the vector as little-endian f32s.
CREATE TABLE story_embeddings (
    story_id      uuid        PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    model         text        NOT NULL,
    content_hash  bytea       NOT NULL CHECK (length(content_hash) = 32),
    dimensions    integer     NOT NULL CHECK (dimensions > 0),
    vector        bytea       NOT NULL CHECK (length(vector) = 4 * dimensions),
    computed_at   timestamptz NOT NULL
);
