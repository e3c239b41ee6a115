//! Background work and hybrid retrieval, as pure rules: which kinds of job
//! exist, how long a failed job waits before its next attempt, and how
//! full-text and embedding rankings are fused.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::str::FromStr;
use std::time::Duration;

use thiserror::Error;

/// What a queued job does. The queue stores it as [`JobKind::as_str`]; a
/// kind this build does not know (written by a newer release) is refused
/// by [`FromStr`] and the job is buried rather than guessed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Recompute (or remove) the embedding of the story whose id is the
    /// job's key, from the story as it is when the job runs.
    StoryEmbedding,
    /// Forget recovered rate-limit keys (a recurring job: each run enqueues
    /// the next one).
    ForgetRateLimits,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 2] = [JobKind::StoryEmbedding, JobKind::ForgetRateLimits];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StoryEmbedding => "story.embedding",
            Self::ForgetRateLimits => "rate_limits.forget",
        }
    }

    /// Attempts before a failing job of this kind is dead.
    pub fn max_attempts(self) -> u32 {
        match self {
            Self::StoryEmbedding => 5,
            Self::ForgetRateLimits => 3,
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A job kind this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown job kind '{0}'")]
pub struct UnknownJobKind(pub String);

impl FromStr for JobKind {
    type Err = UnknownJobKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownJobKind(s.to_owned()))
    }
}

/// Exponential back-off: the wait after the `n`th failed attempt is
/// `base * 2^(n-1)`, never more than `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
}

impl Default for Backoff {
    /// 10 s, 20 s, 40 s, … up to one hour.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait before the next attempt after `attempts` attempts (at least
    /// one) have failed.
    pub fn delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(31);
        self.base
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap)
    }
}

/// The constant `k` of reciprocal rank fusion in its original paper
/// (Cormack, Clarke & Büttcher 2009): large enough that a single first
/// place does not outweigh agreement between the rankings.
pub const RRF_K: f64 = 60.0;

/// Reciprocal rank fusion: each item scores `Σ 1 / (k + rank)` over the
/// rankings it appears in (rank 1 first); the result is every item of any
/// ranking, best fused score first, ties broken by the earliest ranking in
/// which the item appears and then its place there (so the result is
/// deterministic). A ranking's duplicate items count once, at their best
/// place.
pub fn reciprocal_rank_fusion<T: Copy + Eq + Hash>(rankings: &[&[T]], k: f64) -> Vec<T> {
    // item → (score, first seen at (ranking, place))
    let mut scores: HashMap<T, (f64, (usize, usize))> = HashMap::new();
    for (which, ranking) in rankings.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for (place, item) in ranking.iter().enumerate() {
            if !seen.insert(*item) {
                continue;
            }
            let add = 1.0 / (k + (place + 1) as f64);
            scores
                .entry(*item)
                .and_modify(|(score, _)| *score += add)
                .or_insert((add, (which, place)));
        }
    }
    let mut fused: Vec<(T, f64, (usize, usize))> = scores
        .into_iter()
        .map(|(item, (score, first))| (item, score, first))
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused.into_iter().map(|(item, _, _)| item).collect()
}

/// Cosine similarity of two vectors; 0 when either is zero or their
/// lengths differ (vectors of another model are never close).
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    (dot / (na.sqrt() * nb.sqrt())) as f32
}

/// The text of a story that its embedding is computed from: the title, a
/// blank line, the content.
pub fn embedding_text(title: &str, content: &str) -> String {
    format!("{title}\n\n{content}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_refused() {
        for kind in JobKind::ALL {
            assert_eq!(kind.as_str().parse::<JobKind>(), Ok(kind));
        }
        assert_eq!(
            "mail.send".parse::<JobKind>(),
            Err(UnknownJobKind("mail.send".into()))
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let backoff = Backoff {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(60),
        };
        let waits: Vec<u64> = (1..=6).map(|n| backoff.delay(n).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 60, 60, 60]);
        assert_eq!(backoff.delay(0), Duration::from_secs(10));
        assert_eq!(backoff.delay(u32::MAX), Duration::from_secs(60));
        assert_eq!(Backoff::default().delay(40), Duration::from_secs(3600));
    }

    #[test]
    fn fusion_rewards_agreement_between_rankings() {
        // "c" is third in both; "a" and "x" are first in one each.
        let text = ["a", "b", "c"];
        let vector = ["x", "y", "c"];
        let fused = reciprocal_rank_fusion(&[&text, &vector], RRF_K);
        assert_eq!(fused[0], "c");
        assert_eq!(fused.len(), 5);
        // Ties (a vs x, b vs y) keep the first ranking's item first.
        assert_eq!(fused[1..], ["a", "x", "b", "y"]);
    }

    #[test]
    fn fusion_of_one_ranking_keeps_its_order_and_drops_duplicates() {
        let only = [3, 1, 3, 2];
        assert_eq!(reciprocal_rank_fusion(&[&only], RRF_K), vec![3, 1, 2]);
        let empty: [u8; 0] = [];
        assert!(reciprocal_rank_fusion(&[&empty, &empty], RRF_K).is_empty());
    }

    #[test]
    fn an_item_only_one_ranking_found_is_kept() {
        let text: [u8; 0] = [];
        let vector = [7u8];
        assert_eq!(reciprocal_rank_fusion(&[&text, &vector], RRF_K), vec![7]);
    }

    #[test]
    fn cosine_is_one_for_parallel_and_zero_for_mismatched_vectors() {
        assert!((cosine_similarity(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
        assert!(cosine_similarity(&[1.0, 0.0], &[0.0, 1.0]).abs() < 1e-6);
        assert_eq!(cosine_similarity(&[1.0, 0.0], &[1.0]), 0.0);
        assert_eq!(cosine_similarity(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        assert_eq!(cosine_similarity(&[], &[]), 0.0);
    }
}
