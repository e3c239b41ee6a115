use std::time::Duration;

use async_trait::async_trait;
use mosaic_domain::JobKind;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::RepoError;

/// A job to put on the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What it does.
    pub kind: JobKind,
    /// What it is about (a story id, `"recurring"`): at most one job of a
    /// kind and key waits at a time.
    pub key: String,
    /// Not before.
    pub run_at: OffsetDateTime,
}

impl NewJob {
    /// A job of `kind` about `key`, due at `run_at`.
    pub fn new(kind: JobKind, key: impl Into<String>, run_at: OffsetDateTime) -> Self {
        Self {
            kind,
            key: key.into(),
            run_at,
        }
    }
}

/// A job a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The job.
    pub id: Uuid,
    /// What it does, as stored ([`JobKind::as_str`]; possibly a kind this
    /// build does not know).
    pub kind: String,
    /// What it is about.
    pub key: String,
    /// Attempts so far, this one included (1 on the first run).
    pub attempts: u32,
    /// Attempts allowed before the job is dead.
    pub max_attempts: u32,
    /// Proof of this claim: completing or failing needs it, so a worker
    /// whose lease expired and was claimed again cannot touch the new claim.
    pub lease_token: Uuid,
}

/// What [`JobQueue::fail`] did with a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// It waits until `run_at` for its next attempt.
    Retry {
        /// The next attempt's time.
        run_at: OffsetDateTime,
    },
    /// It used its last attempt; it stays on the queue as dead (for an
    /// operator to see) and is never claimed again.
    Dead,
    /// A newer job of the same kind and key was already waiting; the failed
    /// one was dropped in its favour.
    Superseded,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobCounts {
    /// Waiting (due or not), including those waiting for a retry.
    pub pending: u64,
    /// Claimed by a worker (lease live or expired).
    pub running: u64,
    /// Out of attempts.
    pub dead: u64,
}

/// The one background-job queue (a table in the database), shared by every
/// process on that database.
///
/// Contract:
/// - A job is written in the same transaction as the change that needs it
///   (story writes enqueue their embedding job themselves); a change that
///   rolls back MUST leave no job.
/// - At most one job of a (kind, key) is *pending*: enqueueing another
///   while one waits MUST NOT add a second (the waiting one is moved earlier
///   if the new one is due sooner). A job already *running* does not count,
///   so a change made while its job runs gets a job of its own.
/// - [`Self::claim`] MUST hand a job to exactly one caller, across
///   processes, until its lease expires; a job whose lease expired (its
///   worker died) MUST be claimable again, and one that has used every
///   attempt that way is dead.
/// - Completed jobs are removed; dead jobs are kept.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Puts a job on the queue (or keeps the pending one of the same kind
    /// and key, see the contract).
    async fn enqueue(&self, job: &NewJob) -> Result<(), RepoError>;

    /// Claims the job due longest ago (pending with `run_at <= now`, or
    /// running with an expired lease), counting an attempt and leasing it
    /// until `now + lease`. `None` when nothing is due. Jobs whose expired
    /// lease was their last attempt become dead here.
    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, RepoError>;

    /// Done: the job is removed. MUST return `NotFound` when the claim is no
    /// longer held (its lease expired and someone else claimed it).
    async fn complete(&self, job: &ClaimedJob) -> Result<(), RepoError>;

    /// Failed with `error`: retried at `retry_at` unless that was the last
    /// attempt (then dead). MUST return `NotFound` when the claim is no
    /// longer held.
    async fn fail(
        &self,
        job: &ClaimedJob,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> Result<FailOutcome, RepoError>;

    /// Jobs per state.
    async fn job_counts(&self) -> Result<JobCounts, RepoError>;
}
