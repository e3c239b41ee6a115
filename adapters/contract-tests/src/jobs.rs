//! [`JobQueue`](mosaic_ports::JobQueue): the background-job queue, and the
//! outbox rule that story writes enqueue their job in their own transaction.

use std::collections::HashSet;
use std::time::Duration;

use mosaic_domain::{Backoff, JobKind, LegacyId, StoryDraft, StoryId, Visibility};
use mosaic_ports::{ClaimedJob, FailOutcome, JobCounts, NewJob, RepoError};
use time::OffsetDateTime;

use crate::Store;
use crate::data::{draft, given_legacy, given_user, new_id, story};

const LEASE: Duration = Duration::from_secs(30);

fn now() -> OffsetDateTime {
    // Microseconds, like the service's clock.
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap()
}

fn counts(pending: u64, running: u64, dead: u64) -> JobCounts {
    JobCounts {
        pending,
        running,
        dead,
    }
}

async fn claim_at<S: Store>(store: &S, at: OffsetDateTime) -> Option<ClaimedJob> {
    store.claim(at, LEASE).await.unwrap()
}

/// A due job is claimed once (its first attempt), held while leased, and
/// gone when completed; completing it twice is `NotFound`.
pub async fn job_is_claimed_once_and_gone_when_completed<S: Store>(store: &S) {
    let t = now();
    store
        .enqueue(&NewJob::new(JobKind::ForgetRateLimits, "recurring", t))
        .await
        .unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
    let job = claim_at(store, t).await.expect("a due job");
    assert_eq!(
        (
            job.kind.as_str(),
            job.key.as_str(),
            job.attempts,
            job.max_attempts
        ),
        ("rate_limits.forget", "recurring", 1, 3)
    );
    assert_eq!(
        claim_at(store, t).await,
        None,
        "leased to the first claimer"
    );
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 1, 0));
    store.complete(&job).await.unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 0));
    assert!(matches!(
        store.complete(&job).await,
        Err(RepoError::NotFound)
    ));
}

/// A job is not claimed before its `run_at`.
pub async fn job_is_not_claimed_before_it_is_due<S: Store>(store: &S) {
    let t = now();
    let due = t + Duration::from_secs(60);
    store
        .enqueue(&NewJob::new(JobKind::ForgetRateLimits, "later", due))
        .await
        .unwrap();
    assert_eq!(claim_at(store, t).await, None);
    assert_eq!(claim_at(store, due - Duration::from_micros(1)).await, None);
    assert!(claim_at(store, due).await.is_some());
}

/// Enqueueing the same kind and key while one waits keeps one job (moved
/// to the earlier time); other keys and kinds are separate jobs.
pub async fn same_pending_kind_and_key_is_one_job<S: Store>(store: &S) {
    let t = now();
    let later = t + Duration::from_secs(600);
    let job = |key: &str, at| NewJob::new(JobKind::StoryEmbedding, key, at);
    store.enqueue(&job("a", later)).await.unwrap();
    store.enqueue(&job("a", t)).await.unwrap();
    store.enqueue(&job("a", later)).await.unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
    store.enqueue(&job("b", later)).await.unwrap();
    store
        .enqueue(&NewJob::new(JobKind::ForgetRateLimits, "a", later))
        .await
        .unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(3, 0, 0));
    let first = claim_at(store, t).await.expect("moved to the earlier time");
    assert_eq!(
        (first.kind.as_str(), first.key.as_str()),
        ("story.embedding", "a")
    );
    assert_eq!(claim_at(store, t).await, None, "the others are not due");
}

/// While a job runs, a change enqueues a new one for the same key (the
/// running one may have read the old state), but it is not claimed until
/// the running one ends — one worker per key at a time.
pub async fn a_key_runs_one_job_at_a_time<S: Store>(store: &S) {
    let t = now();
    let job = NewJob::new(JobKind::StoryEmbedding, "story-1", t);
    store.enqueue(&job).await.unwrap();
    let running = claim_at(store, t).await.unwrap();
    store.enqueue(&job).await.unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 1, 0));
    assert_eq!(claim_at(store, t).await, None, "the key's job is running");
    store.complete(&running).await.unwrap();
    let next = claim_at(store, t).await.expect("the follow-up job");
    assert_ne!(next.id, running.id);
    assert_eq!(next.key, "story-1");
}

/// Claimers racing for the same jobs never get the same one, and together
/// get every job exactly once.
pub async fn concurrent_claimers_never_share_a_job<S: Store>(store: &S) {
    let t = now();
    for i in 0..24 {
        store
            .enqueue(&NewJob::new(JobKind::StoryEmbedding, format!("k{i}"), t))
            .await
            .unwrap();
    }
    let claimer = || async {
        let mut mine = Vec::new();
        while let Some(job) = store.claim(t, LEASE).await.unwrap() {
            mine.push(job.id);
        }
        mine
    };
    let (a, b, c, d) = tokio::join!(claimer(), claimer(), claimer(), claimer());
    let all: Vec<_> = [a, b, c, d].into_iter().flatten().collect();
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 24, "every job claimed");
    assert_eq!(unique.len(), 24, "no job claimed twice");
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 24, 0));
}

/// A job whose worker died (its lease expired) is claimed again, as a new
/// attempt with a new token; the old claim can then neither complete nor
/// fail it.
pub async fn expired_lease_is_claimed_again<S: Store>(store: &S) {
    let t = now();
    store
        .enqueue(&NewJob::new(JobKind::StoryEmbedding, "x", t))
        .await
        .unwrap();
    let dead_worker = claim_at(store, t).await.unwrap();
    assert_eq!(
        claim_at(store, t + LEASE - Duration::from_secs(1)).await,
        None
    );
    let again = claim_at(store, t + LEASE).await.expect("lease expired");
    assert_eq!(again.id, dead_worker.id);
    assert_eq!(again.attempts, 2);
    assert_ne!(again.lease_token, dead_worker.lease_token);
    assert!(matches!(
        store.complete(&dead_worker).await,
        Err(RepoError::NotFound)
    ));
    assert!(matches!(
        store.fail(&dead_worker, "late", t + LEASE).await,
        Err(RepoError::NotFound)
    ));
    store.complete(&again).await.unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 0));
}

/// A failing job is retried after its back-off, never before, until its
/// last attempt fails: then it is dead, kept, and never claimed again.
pub async fn failures_back_off_then_the_job_is_dead<S: Store>(store: &S) {
    let backoff = Backoff::default();
    let mut t = now();
    store
        .enqueue(&NewJob::new(JobKind::StoryEmbedding, "flaky", t))
        .await
        .unwrap();
    let max = JobKind::StoryEmbedding.max_attempts();
    for attempt in 1..=max {
        let job = claim_at(store, t).await.expect("due");
        assert_eq!(job.attempts, attempt);
        let retry_at = t + backoff.delay(attempt);
        let outcome = store.fail(&job, "model down", retry_at).await.unwrap();
        if attempt < max {
            assert_eq!(outcome, FailOutcome::Retry { run_at: retry_at });
            assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
            assert_eq!(
                claim_at(store, retry_at - Duration::from_micros(1)).await,
                None,
                "not before the back-off"
            );
            t = retry_at;
        } else {
            assert_eq!(outcome, FailOutcome::Dead);
        }
    }
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 1));
    assert_eq!(claim_at(store, t + Duration::from_secs(86_400)).await, None);
}

/// A job whose lease expires on every attempt (its worker dies each time)
/// is dead after its last one rather than claimed forever.
pub async fn a_job_that_kills_its_workers_dies<S: Store>(store: &S) {
    let mut t = now();
    store
        .enqueue(&NewJob::new(JobKind::ForgetRateLimits, "poison", t))
        .await
        .unwrap();
    for attempt in 1..=JobKind::ForgetRateLimits.max_attempts() {
        let job = claim_at(store, t).await.expect("claimable again");
        assert_eq!(job.attempts, attempt);
        t += LEASE;
    }
    assert_eq!(claim_at(store, t).await, None);
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 1));
}

/// A failed job whose key already has a newer pending job is dropped for
/// it rather than kept twice.
pub async fn a_failed_job_with_a_newer_one_waiting_is_superseded<S: Store>(store: &S) {
    let t = now();
    let job = NewJob::new(JobKind::StoryEmbedding, "edited", t);
    store.enqueue(&job).await.unwrap();
    let first = claim_at(store, t).await.unwrap();
    store.enqueue(&job).await.unwrap();
    let outcome = store
        .fail(&first, "boom", t + Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(outcome, FailOutcome::Superseded);
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
}

fn embedding_job_of(job: &ClaimedJob) -> StoryId {
    assert_eq!(job.kind, JobKind::StoryEmbedding.as_str());
    StoryId::from_uuid(job.key.parse().expect("a story id"))
}

/// Every story write that changes what the companion may use enqueues the
/// story's embedding job in its own transaction: a write that fails (and
/// rolls back) leaves no job; repeated writes leave one pending job.
pub async fn story_writes_enqueue_their_job_in_their_transaction<S: Store>(store: &S) {
    let alice = given_user(store, "Alice").await;
    let grandma = given_legacy(store, "Jane Doe", &alice, crate::data::at(1)).await;

    // A story of a legacy that does not exist: refused, and no job.
    let orphan = story(
        LegacyId::from_uuid(new_id()),
        alice.id,
        "orphan",
        Visibility::Public,
        crate::data::at(2),
    );
    assert!(matches!(
        store.create_story(&orphan).await,
        Err(RepoError::NotFound)
    ));
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 0));
    let missing = StoryId::from_uuid(new_id());
    let revision = mosaic_domain::RevisionId::from_uuid(new_id());
    let edit: StoryDraft = draft("edited", Visibility::Private);
    assert!(
        store
            .update_story(missing, &edit, revision, crate::data::at(3))
            .await
            .is_err()
    );
    assert!(
        store
            .set_story_deleted(missing, Some(crate::data::at(3)))
            .await
            .is_err()
    );
    assert!(store.set_story_ai_excluded(missing, true).await.is_err());
    assert_eq!(store.job_counts().await.unwrap(), counts(0, 0, 0));

    // A story: one job; edits, opt-out and deletion while it waits: still one.
    let memory = story(
        grandma.id,
        alice.id,
        "pierogi",
        Visibility::Public,
        crate::data::at(2),
    );
    store.create_story(&memory).await.unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
    let job = claim_at(store, now()).await.unwrap();
    assert_eq!(embedding_job_of(&job), memory.id);
    store.complete(&job).await.unwrap();

    store
        .update_story(memory.id, &edit, revision, crate::data::at(3))
        .await
        .unwrap();
    store.set_story_ai_excluded(memory.id, true).await.unwrap();
    store
        .set_story_deleted(memory.id, Some(crate::data::at(4)))
        .await
        .unwrap();
    assert_eq!(store.job_counts().await.unwrap(), counts(1, 0, 0));
    let job = claim_at(store, now()).await.unwrap();
    assert_eq!(embedding_job_of(&job), memory.id);
}
