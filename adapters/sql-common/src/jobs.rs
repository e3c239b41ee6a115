//! The job queue ([`JobQueue`](mosaic_ports::JobQueue)) and the story
//! embeddings ([`StoryEmbeddings`](mosaic_ports::StoryEmbeddings)), written
//! once for both databases; each adapter supplies only the SQL.
//!
//! A claim is one statement on both databases: on Postgres an `UPDATE …
//! WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)`, so concurrent claimers
//! skip each other's rows instead of waiting; on SQLite an `UPDATE …
//! RETURNING`, which runs under the database's single write lock. Every
//! claim carries a fresh lease token, and completing or failing a job needs
//! it: a worker that lost its lease cannot touch the job's next claim.

/// The queue's SQL in one dialect; parameters as numbered.
#[derive(Debug)]
pub struct JobStatements {
    /// Insert a pending job: id 1, kind 2, key 3, max_attempts 4, run_at 5,
    /// now 6 (created/updated). When a pending job of the same kind and key
    /// exists, keep it and move its `run_at` to the earlier of the two.
    pub enqueue: &'static str,
    /// Claim the due job first in (run_at, id) order — pending with
    /// `run_at <= now (1)`, or running with `lease_until <= now` and
    /// attempts left — setting state running, attempts + 1, lease_until 2,
    /// lease_token 3, updated_at 1. Returns id, kind, key, attempts,
    /// max_attempts.
    pub claim: &'static str,
    /// Bury running jobs whose lease expired (`<= now (1)`) on their last
    /// attempt: state dead, with a message saying so.
    pub bury_expired: &'static str,
    /// Delete job 1 if still claimed with token 2.
    pub complete: &'static str,
    /// Back to pending: job 1 claimed with token 2, last_error 3, run_at 4,
    /// updated_at 5, lease cleared.
    pub retry: &'static str,
    /// Dead: job 1 claimed with token 2, last_error 3, updated_at 4, lease
    /// cleared.
    pub bury: &'static str,
    /// (state, count as a 64-bit integer) per state.
    pub counts: &'static str,
}

/// The embeddings' SQL in one dialect; parameters as numbered.
#[derive(Debug)]
pub struct EmbeddingStatements {
    /// story_id, model, content_hash, vector, computed_at of story 1.
    pub select: &'static str,
    /// Insert or replace: story 1, model 2, content_hash 3, dimensions 4,
    /// vector 5, computed_at 6.
    pub upsert: &'static str,
    /// Delete the embedding of story 1.
    pub delete: &'static str,
    /// story_id, vector of every embedding by model (4) of a live story of
    /// legacy (1) open to the companion (not `ai_excluded`) and admitted by
    /// the read scope (private 2, personal author 3) — the same scope
    /// clause as the story list and the search.
    pub candidates: &'static str,
    /// Ids of live stories after id 1 (NULL: from the start) in id order,
    /// limit 2.
    pub live_ids: &'static str,
    /// Live stories, and those of them with an embedding by model 1, as two
    /// 64-bit integers.
    pub coverage: &'static str,
}

/// Encodes a vector as little-endian `f32`s.
pub fn vector_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Decodes little-endian `f32`s; `None` when the length is not a multiple
/// of four.
pub fn vector_from_bytes(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// The enqueue statement `$enqueue` (`JobStatements::enqueue`) with `$job` (a
/// `&NewJob`) bound, due at its `run_at`; used by the queue and inside the
/// story writes' transactions.
#[doc(hidden)]
#[macro_export]
macro_rules! __enqueue_query {
    ($enqueue:expr, $job:expr) => {{
        let job: &$crate::__private::ports::NewJob = $job;
        let now = $crate::__private::time::OffsetDateTime::now_utc();
        $crate::__private::sqlx::query($enqueue)
            .bind($crate::__private::uuid::Uuid::now_v7())
            .bind(job.kind.as_str())
            .bind(job.key.clone())
            .bind(i32::try_from(job.kind.max_attempts()).unwrap_or(i32::MAX))
            .bind($crate::Timestamp(job.run_at))
            .bind($crate::Timestamp(now))
    }};
}

/// Implements [`JobQueue`](mosaic_ports::JobQueue) and
/// [`StoryEmbeddings`](mosaic_ports::StoryEmbeddings) for `$store`; called
/// by [`impl_repositories!`](crate::impl_repositories), whose `Statements`
/// carry the two statement sets.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_jobs {
    (store = $store:ty, statements = $statements:expr $(,)?) => {
        const _: () = {
            use std::time::Duration;

            use $crate::__private::async_trait::async_trait;
            use $crate::__private::domain::{LegacyId, ReadScope, StoryId, cosine_similarity};
            use $crate::__private::ports::{
                ClaimedJob, FailOutcome, JobCounts, JobQueue, NearStory, NewJob, RepoError,
                StoryEmbedding, StoryEmbeddings,
            };
            use $crate::__private::sqlx;
            use $crate::__private::time::OffsetDateTime;
            use $crate::__private::uuid::Uuid;
            use $crate::{Statements, Timestamp, read_error, write_error};

            const SQL: &Statements = $statements;

            fn count(value: i32, what: &str) -> Result<u32, RepoError> {
                u32::try_from(value).map_err(|_| {
                    RepoError::Internal($crate::__private::anyhow::anyhow!("negative {what}"))
                })
            }

            #[async_trait]
            impl JobQueue for $store {
                async fn enqueue(&self, job: &NewJob) -> Result<(), RepoError> {
                    $crate::__enqueue_query!(SQL.jobs.enqueue, job)
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(())
                }

                async fn claim(
                    &self,
                    now: OffsetDateTime,
                    lease: Duration,
                ) -> Result<Option<ClaimedJob>, RepoError> {
                    sqlx::query(SQL.jobs.bury_expired)
                        .bind(Timestamp(now))
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    let lease_until = now + lease;
                    let token = Uuid::new_v4();
                    let row: Option<(Uuid, String, String, i32, i32)> =
                        sqlx::query_as(SQL.jobs.claim)
                            .bind(Timestamp(now))
                            .bind(Timestamp(lease_until))
                            .bind(token)
                            .fetch_optional(self.pool())
                            .await
                            .map_err(read_error)?;
                    row.map(|(id, kind, key, attempts, max_attempts)| {
                        Ok(ClaimedJob {
                            id,
                            kind,
                            key,
                            attempts: count(attempts, "attempts")?,
                            max_attempts: count(max_attempts, "max_attempts")?,
                            lease_token: token,
                        })
                    })
                    .transpose()
                }

                async fn complete(&self, job: &ClaimedJob) -> Result<(), RepoError> {
                    let done = sqlx::query(SQL.jobs.complete)
                        .bind(job.id)
                        .bind(job.lease_token)
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    if done.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    Ok(())
                }

                async fn fail(
                    &self,
                    job: &ClaimedJob,
                    error: &str,
                    retry_at: OffsetDateTime,
                ) -> Result<FailOutcome, RepoError> {
                    let now = Timestamp(OffsetDateTime::now_utc());
                    // Errors are for operators; keep them short.
                    let error: String = error.chars().take(2000).collect();
                    if job.attempts >= job.max_attempts {
                        let done = sqlx::query(SQL.jobs.bury)
                            .bind(job.id)
                            .bind(job.lease_token)
                            .bind(&error)
                            .bind(now)
                            .execute(self.pool())
                            .await
                            .map_err(read_error)?;
                        if done.rows_affected() == 0 {
                            return Err(RepoError::NotFound);
                        }
                        return Ok(FailOutcome::Dead);
                    }
                    let retried = sqlx::query(SQL.jobs.retry)
                        .bind(job.id)
                        .bind(job.lease_token)
                        .bind(&error)
                        .bind(Timestamp(retry_at))
                        .bind(now)
                        .execute(self.pool())
                        .await
                        .map_err(|err| {
                            write_error(err, &|_| RepoError::Conflict("superseded".into()))
                        });
                    match retried {
                        Ok(done) if done.rows_affected() == 0 => Err(RepoError::NotFound),
                        Ok(_) => Ok(FailOutcome::Retry { run_at: retry_at }),
                        // A job of the same kind and key is already
                        // pending: it will do this work.
                        Err(RepoError::Conflict(_)) => {
                            self.complete(job).await?;
                            Ok(FailOutcome::Superseded)
                        }
                        Err(err) => Err(err),
                    }
                }

                async fn job_counts(&self) -> Result<JobCounts, RepoError> {
                    let rows: Vec<(String, i64)> = sqlx::query_as(SQL.jobs.counts)
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    let mut counts = JobCounts::default();
                    for (state, n) in rows {
                        let n = $crate::non_negative(n, "job count")?;
                        match state.as_str() {
                            "pending" => counts.pending = n,
                            "running" => counts.running = n,
                            "dead" => counts.dead = n,
                            other => {
                                return Err(RepoError::Internal(
                                    $crate::__private::anyhow::anyhow!(
                                        "unknown job state '{other}'"
                                    ),
                                ));
                            }
                        }
                    }
                    Ok(counts)
                }
            }

            #[async_trait]
            impl StoryEmbeddings for $store {
                async fn get_embedding(
                    &self,
                    story: StoryId,
                ) -> Result<Option<StoryEmbedding>, RepoError> {
                    let row: Option<(Uuid, String, Vec<u8>, Vec<u8>, Timestamp)> =
                        sqlx::query_as(SQL.embeddings.select)
                            .bind(story.as_uuid())
                            .fetch_optional(self.pool())
                            .await
                            .map_err(read_error)?;
                    row.map(|(id, model, hash, vector, at)| {
                        let bad = || {
                            RepoError::Internal($crate::__private::anyhow::anyhow!(
                                "malformed embedding"
                            ))
                        };
                        Ok(StoryEmbedding {
                            story_id: StoryId::from_uuid(id),
                            model,
                            content_hash: hash.try_into().map_err(|_| bad())?,
                            vector: $crate::vector_from_bytes(&vector).ok_or_else(bad)?,
                            computed_at: at.0,
                        })
                    })
                    .transpose()
                }

                async fn put_embedding(&self, embedding: &StoryEmbedding) -> Result<(), RepoError> {
                    let dimensions = i32::try_from(embedding.vector.len())
                        .ok()
                        .filter(|d| *d > 0)
                        .ok_or_else(|| {
                            RepoError::Internal($crate::__private::anyhow::anyhow!(
                                "an embedding of {} dimensions",
                                embedding.vector.len()
                            ))
                        })?;
                    sqlx::query(SQL.embeddings.upsert)
                        .bind(embedding.story_id.as_uuid())
                        .bind(embedding.model.as_str())
                        .bind(embedding.content_hash.as_slice())
                        .bind(dimensions)
                        .bind($crate::vector_bytes(&embedding.vector))
                        .bind(Timestamp(embedding.computed_at))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &$crate::conflict))?;
                    Ok(())
                }

                async fn delete_embedding(&self, story: StoryId) -> Result<bool, RepoError> {
                    let done = sqlx::query(SQL.embeddings.delete)
                        .bind(story.as_uuid())
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn nearest_stories(
                    &self,
                    legacy: LegacyId,
                    scope: ReadScope,
                    model: &str,
                    query: &[f32],
                    limit: usize,
                ) -> Result<Vec<NearStory>, RepoError> {
                    // The permission filter is in the SQL; the ranking is
                    // exact cosine over the admitted candidates (one
                    // legacy's stories: hundreds, not millions).
                    let rows: Vec<(Uuid, Vec<u8>)> = sqlx::query_as(SQL.embeddings.candidates)
                        .bind(legacy.as_uuid())
                        .bind(scope.includes_private())
                        .bind(scope.personal_author().map(|u| u.as_uuid()))
                        .bind(model)
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    let mut near: Vec<NearStory> = rows
                        .into_iter()
                        .filter_map(|(id, bytes)| {
                            let vector = $crate::vector_from_bytes(&bytes)?;
                            Some(NearStory {
                                story_id: StoryId::from_uuid(id),
                                similarity: cosine_similarity(query, &vector),
                            })
                        })
                        .collect();
                    near.sort_by(|a, b| {
                        b.similarity
                            .total_cmp(&a.similarity)
                            .then(a.story_id.as_uuid().cmp(&b.story_id.as_uuid()))
                    });
                    near.truncate(limit);
                    Ok(near)
                }

                async fn live_story_ids(
                    &self,
                    after: Option<StoryId>,
                    limit: u32,
                ) -> Result<Vec<StoryId>, RepoError> {
                    let ids: Vec<Uuid> = sqlx::query_scalar(SQL.embeddings.live_ids)
                        .bind(after.map(|s| s.as_uuid()))
                        .bind(i64::from(limit))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(ids.into_iter().map(StoryId::from_uuid).collect())
                }

                async fn embedding_coverage(&self, model: &str) -> Result<(u64, u64), RepoError> {
                    let (live, embedded): (i64, i64) = sqlx::query_as(SQL.embeddings.coverage)
                        .bind(model)
                        .fetch_one(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok((
                        $crate::non_negative(live, "story count")?,
                        $crate::non_negative(embedded, "embedding count")?,
                    ))
                }
            }
        };
    };
}
