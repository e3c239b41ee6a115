//! # mosaic-sql-common
//!
//! What the SQLite and Postgres adapters share, so that the two differ only
//! in their SQL and in how they connect:
//!
//! - [`Timestamp`]: one timestamp type with an encoding for each database
//!   (`timestamptz` / unix microseconds);
//! - `rows`: the rows both databases return and their validated conversion
//!   into domain values (bad data becomes `RepoError::Internal`, not a panic);
//! - [`write_error`] / [`read_error`]: database errors into the ports'
//!   business errors;
//! - [`impl_repositories!`]: the body of every repository method, expanded
//!   into each adapter over its [`Statements`];
//! - [`impl_invites!`]: invite links, over each adapter's [`InviteStatements`];
//! - [`impl_rate_limiter!`]: the shared rate limiter on one table, over
//!   each adapter's [`RateLimitStatements`];
//! - [`StoreOptions`], [`MigrationMode`], [`StoreError`] and the schema
//!   version decision both stores make when they connect;
//! - [`seed()`]: a generated family dataset at scale, written in batches
//!   through [`BulkLoad`] (benchmarks, demos, `mosaic-admin seed`).
//!
//! This crate is internal to the workspace (`publish = false`).

mod admin;
mod binds;
mod conversations;
mod errors;
pub mod invites;
mod jobs;
mod paging;
mod rate_limits;
mod repositories;
pub mod rows;
mod schema;
mod search_index;
pub mod seed;
mod statements;
mod timestamp;

pub use admin::{AdminStatements, CountsRow, LegacyContentsRow};
pub use errors::{
    OnUnique, conflict, is_full, is_unavailable, read_error, unique_target, user_conflict,
    write_error,
};
pub use invites::InviteStatements;
pub use jobs::{EmbeddingStatements, JobStatements, vector_bytes, vector_from_bytes};
pub use paging::{
    NamePatterns, convert_rows, cursor_of_legacy, cursor_of_media, cursor_of_story, cursor_of_user,
    fetch_limit, fold_name, keyset_bound, name_patterns, search_bound,
};
pub use rate_limits::RateLimitStatements;
pub use rows::{non_negative, stored_size};
pub use schema::{
    MigrationMode, StoreError, StoreOptions, complete_schema_version, latest_known_version,
    schema_decision,
};
pub use search_index::{REINDEX_BATCH, SearchIndex};
pub use seed::{Batch, BulkLoad, SeedPlan, SeedSummary, seed};
pub use statements::{RenderedSearch, Statements};
pub use timestamp::Timestamp;

/// What [`impl_repositories!`] expands to refers to, so that adapters need
/// not depend on each of these crates by the same name.
#[doc(hidden)]
pub mod __private {
    pub use anyhow;
    pub use async_trait;
    pub use mosaic_domain as domain;
    pub use mosaic_ports as ports;
    pub use sqlx;
    pub use time;
    pub use uuid;
}
