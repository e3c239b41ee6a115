//! The configured identity provider, discovered at start-up — or later,
//! when it was down then.
//!
//! A provider that cannot be reached at start-up does not stop the server:
//! the error is logged, the Google button is hidden (`GET
//! /api/auth/providers` says `google: false`), and discovery is tried
//! again on the next login attempt or providers request, at most every
//! [`DISCOVERY_RETRY_INTERVAL`]. Once it succeeds the button comes back.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use mosaic_google::{OidcConfig, OidcProvider};
use mosaic_ports::{IdentityError, IdentityProvider};
use tokio::sync::Mutex;

/// How long after a failed discovery the next one may be tried.
pub const DISCOVERY_RETRY_INTERVAL: Duration = Duration::from_secs(15);

/// The identity provider behind `/auth/google/*`.
pub struct SignInProvider {
    source: Source,
}

enum Source {
    /// A provider built elsewhere (an embedder's, or one discovered by the
    /// caller).
    Ready(Arc<dyn IdentityProvider>),
    /// Discovered from the configuration when first needed.
    OnDemand(OnDemand),
}

struct OnDemand {
    config: OidcConfig,
    discovered: RwLock<Option<Arc<dyn IdentityProvider>>>,
    /// Held while discovering (one attempt at a time); remembers when the
    /// last attempt failed.
    last_failure: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for SignInProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Source::Ready(provider) => f
                .debug_struct("SignInProvider")
                .field("provider", &provider.name())
                .finish(),
            Source::OnDemand(on_demand) => f
                .debug_struct("SignInProvider")
                .field("issuer", &on_demand.config.issuer_url)
                .field("ready", &self.is_ready())
                .finish(),
        }
    }
}

impl SignInProvider {
    /// A provider that is already usable.
    pub fn ready(provider: Arc<dyn IdentityProvider>) -> Self {
        Self {
            source: Source::Ready(provider),
        }
    }

    /// A provider discovered from `config` on first use.
    pub fn discover_on_demand(config: OidcConfig) -> Self {
        Self {
            source: Source::OnDemand(OnDemand {
                config,
                discovered: RwLock::new(None),
                last_failure: Mutex::new(None),
            }),
        }
    }

    /// Whether logins can start now (discovery has succeeded).
    pub fn is_ready(&self) -> bool {
        match &self.source {
            Source::Ready(_) => true,
            Source::OnDemand(on_demand) => on_demand.cached().is_some(),
        }
    }

    /// The provider, discovering it first if needed. While the issuer is
    /// unreachable this answers [`IdentityError::Unavailable`], trying
    /// again at most every [`DISCOVERY_RETRY_INTERVAL`].
    pub async fn get(&self) -> Result<Arc<dyn IdentityProvider>, IdentityError> {
        match &self.source {
            Source::Ready(provider) => Ok(Arc::clone(provider)),
            Source::OnDemand(on_demand) => on_demand.get().await,
        }
    }

    /// When not ready, tries discovery again in the background (unless an
    /// attempt is running or failed moments ago), so that a provider that
    /// comes back gets its button back without anyone waiting for it.
    pub fn retry_in_background(self: &Arc<Self>) {
        if self.is_ready() {
            return;
        }
        if let Source::OnDemand(on_demand) = &self.source
            && on_demand
                .last_failure
                .try_lock()
                .is_ok_and(|last| last.is_none_or(|at| at.elapsed() >= DISCOVERY_RETRY_INTERVAL))
        {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                let _ = this.get().await;
            });
        }
    }
}

impl OnDemand {
    fn cached(&self) -> Option<Arc<dyn IdentityProvider>> {
        self.discovered
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    async fn get(&self) -> Result<Arc<dyn IdentityProvider>, IdentityError> {
        if let Some(provider) = self.cached() {
            return Ok(provider);
        }
        let mut last_failure = self.last_failure.lock().await;
        // Another request may have discovered it while this one waited.
        if let Some(provider) = self.cached() {
            return Ok(provider);
        }
        if let Some(at) = *last_failure
            && at.elapsed() < DISCOVERY_RETRY_INTERVAL
        {
            return Err(IdentityError::Unavailable(anyhow!(
                "discovery of {} failed {} s ago; next attempt after {} s",
                self.config.issuer_url,
                at.elapsed().as_secs(),
                DISCOVERY_RETRY_INTERVAL.as_secs()
            )));
        }
        match OidcProvider::discover(self.config.clone()).await {
            Ok(provider) => {
                tracing::info!(issuer = %self.config.issuer_url, "sign-in provider discovered");
                let provider: Arc<dyn IdentityProvider> = Arc::new(provider);
                *self
                    .discovered
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some(Arc::clone(&provider));
                *last_failure = None;
                Ok(provider)
            }
            Err(err) => {
                let cause = match &err {
                    IdentityError::Unavailable(cause) => format!("{cause:#}"),
                    other => other.to_string(),
                };
                tracing::error!(
                    issuer = %self.config.issuer_url,
                    error = %cause,
                    "the sign-in provider cannot be discovered; Google sign-in is off until it can (retried on the next login attempt)"
                );
                *last_failure = Some(Instant::now());
                Err(err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable_issuer() -> OidcConfig {
        let closed_port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        OidcConfig {
            issuer_url: format!("http://127.0.0.1:{closed_port}"),
            ..OidcConfig::google("id", "secret", "http://127.0.0.1:9/auth/google/callback")
        }
    }

    #[tokio::test]
    async fn a_failed_discovery_is_not_retried_at_once() {
        let provider = SignInProvider::discover_on_demand(unreachable_issuer());
        assert!(!provider.is_ready());
        let first = provider.get().await.err().expect("the issuer is down");
        assert!(matches!(first, IdentityError::Unavailable(_)), "{first:?}");

        // Within the retry interval the answer comes without trying again.
        match provider.get().await {
            Err(IdentityError::Unavailable(cause)) => {
                let cause = format!("{cause:#}");
                assert!(cause.contains("next attempt after"), "{cause}");
            }
            other => panic!(
                "expected Unavailable, got {:?}",
                other.map(|p| p.name().to_owned())
            ),
        }
        assert!(!provider.is_ready());
    }
}
