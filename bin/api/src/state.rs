//! What every handler can reach.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use mosaic_ports::{JobQueue, MosaicService, SignUpPolicy};

use crate::client_address::ClientAddress;
use crate::jobs::JobWorkerSettings;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::sign_in::{LoginCookieSigner, SignInProvider};

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

/// Whether the server is draining before it stops: `/ready` then answers
/// 503 so that load balancers send no new traffic, while every request is
/// still served. Clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// From now on `/ready` answers 503.
    pub fn begin(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Draining::begin`] was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Shared state of the server, attached to every request.
#[derive(Clone)]
pub struct AppState {
    /// The application service.
    pub service: MosaicService,
    /// The readiness probe.
    pub readiness: Arc<dyn Readiness>,
    /// Set when the server begins to drain before shutdown.
    pub draining: Draining,
    /// Where a request's client address comes from (per-address limits).
    pub client_address: ClientAddress,
    /// Rate limits (shared through the database).
    pub limits: RateLimits,
    /// The background-job queue (shared through the database).
    pub jobs: Arc<dyn JobQueue>,
    /// How this process's job worker behaves.
    pub job_worker: JobWorkerSettings,
    /// Request counters.
    pub metrics: Arc<Metrics>,
    /// The local media store whose signed URLs this server answers
    /// ([`crate::local_media`]); `None` when media are in S3.
    pub local_media: Option<mosaic_s3::LocalStorage>,
    /// Whether the public URL is https (cookies get `Secure` and the
    /// `__Host-` prefix).
    pub secure_cookies: bool,
    /// Google / OpenID Connect sign-in; `None` when not configured.
    pub sign_in_provider: Option<Arc<SignInProvider>>,
    /// Who may create an account by signing in with the provider.
    pub sign_up: SignUpPolicy,
    /// Signs the cookie of a login in progress.
    pub login_cookies: LoginCookieSigner,
    /// The origin (`https://host[:port]`) of presigned media URLs when it
    /// is not this server's, for the Content-Security-Policy.
    pub media_origin: Option<String>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("secure_cookies", &self.secure_cookies)
            .field("sign_in_provider", &self.sign_in_provider)
            .field("sign_up", &self.sign_up)
            .finish_non_exhaustive()
    }
}
