//! # mosaic-postgres
//!
//! The production persistence adapter: implements the repository ports of
//! `mosaic-ports` (users, legacies, memberships, stories with revisions, media
//! records, sessions) on PostgreSQL 15+ with sqlx, using the migrations in
//! `migrations/postgres/`. Everything that writes several rows does so in one
//! transaction, and database errors are translated into the ports' business
//! errors (a unique violation becomes `AlreadyMember`, never a 500). It knows
//! nothing of HTTP. Filled in by the persistence issue.
