-- Rate limits (mosaic_ports::RateLimiter): one row per limited key holding
-- its theoretical arrival time (GCRA) in unix microseconds.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY NOT NULL,
    tat INTEGER NOT NULL
) WITHOUT ROWID;
