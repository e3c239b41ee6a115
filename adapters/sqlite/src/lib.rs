//! # mosaic-sqlite
//!
//! The embedded-default persistence adapter: the same repository ports as
//! `mosaic-postgres`, on a single SQLite file in the data directory (WAL mode,
//! foreign keys on, busy timeout set) so that Mosaic Life runs with no database
//! server to install. Migrations live in `migrations/sqlite/`. It passes the
//! same contract suite as the Postgres adapter. Filled in by the persistence
//! issue.
