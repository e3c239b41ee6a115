//! [`StoreHealth`](mosaic_ports::StoreHealth): the readiness probe.

use crate::Store;

/// A reachable store answers the ping.
pub async fn ping_answers<S: Store>(store: &S) {
    store.ping().await.expect("ping");
}
