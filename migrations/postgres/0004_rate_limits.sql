-- Rate limits shared by every replica (mosaic_ports::RateLimiter): one row
-- per limited key holding its theoretical arrival time (GCRA). UNLOGGED: it
-- is not replicated and a crash empties it, which only forgets recent counts.
CREATE UNLOGGED TABLE rate_limits (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL
);
