//! [`RateLimiter`](mosaic_ports::RateLimiter): the shared rate limit.

use std::num::NonZeroU32;
use std::time::Duration;

use mosaic_ports::{RateDecision, RateQuota};

use crate::Store;

fn quota(count: u32, period: Duration) -> RateQuota {
    RateQuota {
        count: NonZeroU32::new(count).expect("a count above 0"),
        period,
    }
}

/// A fresh key gets `count` requests at once, then waits, and a refusal
/// says how long (within the period).
pub async fn quota_allows_its_count_then_refuses_with_a_wait<S: Store>(store: &S) {
    let ten_a_minute = quota(10, Duration::from_secs(60));
    for n in 0..10 {
        assert_eq!(
            store.acquire("story:alice", ten_a_minute).await.unwrap(),
            RateDecision::Allowed,
            "request {n}"
        );
    }
    for _ in 0..3 {
        match store.acquire("story:alice", ten_a_minute).await.unwrap() {
            RateDecision::Limited { retry_after } => {
                // One emission interval (6 s) minus the moments the test
                // took; never more than the period.
                assert!(
                    retry_after > Duration::from_secs(4) && retry_after <= Duration::from_secs(6),
                    "{retry_after:?}"
                );
            }
            RateDecision::Allowed => panic!("the eleventh request in a minute was allowed"),
        }
    }
}

/// One key's use leaves every other key its whole allowance.
pub async fn keys_are_independent<S: Store>(store: &S) {
    let two = quota(2, Duration::from_secs(60));
    for _ in 0..2 {
        assert_eq!(
            store.acquire("a", two).await.unwrap(),
            RateDecision::Allowed
        );
    }
    assert!(matches!(
        store.acquire("a", two).await.unwrap(),
        RateDecision::Limited { .. }
    ));
    for _ in 0..2 {
        assert_eq!(
            store.acquire("b", two).await.unwrap(),
            RateDecision::Allowed
        );
    }
}

/// Of many requests at the same moment exactly the quota passes.
pub async fn concurrent_requests_allow_exactly_the_quota<S: Store>(store: &S) {
    let five = quota(5, Duration::from_secs(60));
    let (a, b, c, d, e, f, g, h) = tokio::join!(
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
        store.acquire("burst", five),
    );
    let outcomes = [a, b, c, d, e, f, g, h].map(Result::unwrap);
    let allowed = outcomes
        .iter()
        .filter(|o| **o == RateDecision::Allowed)
        .count();
    assert_eq!(allowed, 5, "{outcomes:?}");
}

/// Allowance comes back one emission interval at a time, and forgetting
/// recovered keys changes no decision.
pub async fn allowance_recovers_and_forgetting_changes_nothing<S: Store>(store: &S) {
    // 2 per 400 ms: an emission interval of 200 ms.
    let fast = quota(2, Duration::from_millis(400));
    let slow = quota(1, Duration::from_secs(3600));
    assert_eq!(
        store.acquire("slow", slow).await.unwrap(),
        RateDecision::Allowed
    );
    for _ in 0..2 {
        assert_eq!(
            store.acquire("fast", fast).await.unwrap(),
            RateDecision::Allowed
        );
    }
    let RateDecision::Limited { retry_after } = store.acquire("fast", fast).await.unwrap() else {
        panic!("a third request within the burst was allowed");
    };
    assert!(retry_after <= Duration::from_millis(200), "{retry_after:?}");
    // It is allowed again soon (polled: the database's clock decides, and
    // refused attempts use up nothing).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while store.acquire("fast", fast).await.unwrap() != RateDecision::Allowed {
        assert!(tokio::time::Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Once "fast" is whole again it is forgotten; "slow" is still limited
    // and stays so.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while store.forget_recovered().await.unwrap() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing was forgotten"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(matches!(
        store.acquire("slow", slow).await.unwrap(),
        RateDecision::Limited { .. }
    ));
    for _ in 0..2 {
        assert_eq!(
            store.acquire("fast", fast).await.unwrap(),
            RateDecision::Allowed
        );
    }
}
