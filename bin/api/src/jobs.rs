//! The background-job worker: one loop per server process that claims due
//! jobs from the shared queue ([`JobQueue`]), runs each by its kind, and
//! completes or fails it. Every replica runs one; the queue's lease makes
//! sure a job runs in one of them at a time, and a job whose process died
//! is claimed again once its lease expires.
//!
//! On shutdown the worker claims nothing more and gives the job in hand up
//! to the grace period to finish; a job cut off then is not lost: its lease
//! expires and a worker (here after a restart, or another replica) runs it
//! again.

use std::sync::Arc;
use std::time::Duration;

use mosaic_domain::{Backoff, JobKind, StoryId};
use mosaic_ports::{ClaimedJob, FailOutcome, JobQueue, MosaicService, NewJob, RepoError};
use time::OffsetDateTime;
use tokio::sync::watch;

use crate::rate_limit::RateLimits;

/// How the worker behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobWorkerSettings {
    /// How long a claimed job is leased (`MOSAIC_JOB_LEASE_SECONDS`).
    pub lease: Duration,
    /// How long an idle worker waits before looking again
    /// (`MOSAIC_JOB_POLL_MILLIS`).
    pub poll: Duration,
    /// The wait before a failed job's next attempt.
    pub backoff: Backoff,
    /// How often recovered rate-limit keys are forgotten (the recurring
    /// [`JobKind::ForgetRateLimits`] job).
    pub forget_rate_limits_every: Duration,
}

impl Default for JobWorkerSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            backoff: Backoff::default(),
            forget_rate_limits_every: Duration::from_secs(60),
        }
    }
}

/// The key of the one recurring rate-limit job.
const RECURRING: &str = "recurring";

/// Runs jobs until stopped.
#[derive(Clone)]
pub struct JobWorker {
    queue: Arc<dyn JobQueue>,
    service: MosaicService,
    limits: RateLimits,
    settings: JobWorkerSettings,
}

impl std::fmt::Debug for JobWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobWorker")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

impl JobWorker {
    /// A worker over the queue, running jobs through the service.
    pub fn new(
        queue: Arc<dyn JobQueue>,
        service: MosaicService,
        limits: RateLimits,
        settings: JobWorkerSettings,
    ) -> Self {
        Self {
            queue,
            service,
            limits,
            settings,
        }
    }

    /// Claims and runs jobs until `stop` turns true; then lets the job in
    /// hand finish for up to `grace`.
    pub async fn run(self, mut stop: watch::Receiver<bool>, grace: Duration) {
        // The recurring job exists once across replicas (pending jobs are
        // unique per kind and key), whoever starts first.
        if let Err(err) = self
            .queue
            .enqueue(&NewJob::new(JobKind::ForgetRateLimits, RECURRING, now()))
            .await
        {
            tracing::warn!(error = %err, "cannot schedule the rate-limit clean-up job");
        }
        loop {
            if *stop.borrow() {
                return;
            }
            match self.queue.claim(now(), self.settings.lease).await {
                Ok(Some(job)) => {
                    let work = self.run_one(job);
                    tokio::pin!(work);
                    tokio::select! {
                        () = &mut work => continue,
                        _ = stop.changed() => {}
                    }
                    if tokio::time::timeout(grace, work).await.is_err() {
                        tracing::warn!(
                            "stopping with a job unfinished; it runs again when its lease expires"
                        );
                    }
                    return;
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "cannot claim a background job"),
            }
            tokio::select! {
                () = tokio::time::sleep(self.settings.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn run_one(&self, job: ClaimedJob) {
        let outcome = self.dispatch(&job).await;
        let result = match &outcome {
            Ok(()) => self.queue.complete(&job).await.map(|()| None),
            Err(error) => {
                let retry_at = now() + self.settings.backoff.delay(job.attempts);
                self.queue.fail(&job, error, retry_at).await.map(Some)
            }
        };
        match (result, outcome) {
            (Ok(None), _) => {
                tracing::debug!(kind = %job.kind, key = %job.key, "background job done");
            }
            (Ok(Some(FailOutcome::Dead)), Err(error)) => tracing::error!(
                kind = %job.kind, key = %job.key, attempts = job.attempts, %error,
                "background job failed for the last time; it stays dead on the queue"
            ),
            (Ok(Some(outcome)), Err(error)) => tracing::warn!(
                kind = %job.kind, key = %job.key, attempts = job.attempts, %error, ?outcome,
                "background job failed"
            ),
            (Ok(Some(_)), Ok(())) => {}
            (Err(RepoError::NotFound), _) => tracing::warn!(
                kind = %job.kind, key = %job.key,
                "the lease of a background job expired before it finished; another claim owns it"
            ),
            (Err(err), _) => {
                tracing::warn!(kind = %job.kind, key = %job.key, error = %err, "cannot record a background job's outcome; it runs again when its lease expires");
            }
        }
    }

    /// Runs the job by its kind; `Err` holds what went wrong, for the queue.
    async fn dispatch(&self, job: &ClaimedJob) -> Result<(), String> {
        let kind: JobKind = job.kind.parse().map_err(|e| format!("{e}"))?;
        match kind {
            JobKind::StoryEmbedding => {
                let id = job
                    .key
                    .parse()
                    .map(StoryId::from_uuid)
                    .map_err(|_| format!("'{}' is not a story id", job.key))?;
                let done = self
                    .service
                    .refresh_story_embedding(id)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::debug!(story = %job.key, ?done, "story embedding refreshed");
                Ok(())
            }
            JobKind::ForgetRateLimits => {
                // The next run first: this one may die after the work.
                let next = now() + self.settings.forget_rate_limits_every;
                self.queue
                    .enqueue(&NewJob::new(JobKind::ForgetRateLimits, RECURRING, next))
                    .await
                    .map_err(|e| e.to_string())?;
                let forgotten = self
                    .limits
                    .forget_recovered()
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::debug!(forgotten, "forgot recovered rate-limit keys");
                Ok(())
            }
        }
    }
}
