//! What every handler can reach.

use std::sync::Arc;

use async_trait::async_trait;
use mosaic_ports::MosaicService;

use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;

/// Answers the readiness check by really asking the database.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Err(reason)` when the database cannot be queried.
    async fn check(&self) -> Result<(), String>;

    /// Pool gauges for `/metrics`: `(name, value)` pairs.
    fn pool_gauges(&self) -> Vec<(&'static str, u64)> {
        Vec::new()
    }
}

/// Shared state of the server, attached to every request.
#[derive(Clone)]
pub struct AppState {
    /// The application service.
    pub service: MosaicService,
    /// The readiness probe.
    pub readiness: Arc<dyn Readiness>,
    /// Rate limiters.
    pub limits: Arc<RateLimits>,
    /// Request counters.
    pub metrics: Arc<Metrics>,
    /// Whether the public URL is https (cookies get `Secure`).
    pub secure_cookies: bool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}
