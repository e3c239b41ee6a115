//! Assembling the routes and running the server.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use poem::endpoint::StaticFilesEndpoint;
use poem::http::{HeaderValue, header};
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::middleware::Compression;
use poem::{Endpoint, EndpointExt, Route, Server, get};

use crate::api::openapi_service;
use crate::error::framework_error_response;
use crate::health;
use crate::local_media::{LOCAL_MEDIA_ROUTE, local_media};
use crate::middleware::{body_limit, csrf_guard, observe};
use crate::sign_in;
use crate::state::AppState;

/// The largest JSON body the API accepts (a 50,000-character story in
/// 4-byte characters, with room to spare).
pub const MAX_JSON_BODY_BYTES: usize = 1024 * 1024;

/// How the server stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownSettings {
    /// After SIGTERM: how long to keep serving with `/ready` at 503 before
    /// new connections are refused.
    pub drain: Duration,
    /// Then: how long in-flight requests may take to finish.
    pub grace: Duration,
}

impl Default for ShutdownSettings {
    fn default() -> Self {
        Self {
            drain: Duration::ZERO,
            grace: Duration::from_secs(20),
        }
    }
}

/// The OpenAPI document as served at `/openapi.json`.
pub fn openapi_json() -> String {
    openapi_service().spec()
}

/// Every route of the server: the API under `/api`, its document and docs
/// page, health endpoints, and the web app (with the single-page-app
/// fallback to `index.html`) for everything else.
pub fn routes(state: AppState, web_dir: Option<PathBuf>) -> impl Endpoint {
    let api = openapi_service();
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    let metrics = state.metrics.clone();

    let api = api
        .around(|ep, req| body_limit(ep, req, MAX_JSON_BODY_BYTES))
        .around(csrf_guard);

    let mut route = Route::new()
        // Before and outside the JSON API: signed URLs carry their own
        // authorisation and stream bodies far over its 1 MiB limit. The
        // longer literal prefix wins over the `/api` nest.
        .at(LOCAL_MEDIA_ROUTE, local_media)
        .nest("/api", api)
        .at("/openapi.json", spec)
        .nest("/docs", docs)
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at("/metrics", get(health::metrics))
        .at(sign_in::LOGIN_PATH, get(sign_in::login))
        .at(sign_in::CALLBACK_PATH, get(sign_in::callback));
    if let Some(dir) = web_dir {
        route = route.nest("/", web_app(dir));
    }

    route
        .catch_all_error(|err| async move { framework_error_response(err) })
        .data(state)
        .around(move |ep, req| {
            let metrics = Arc::clone(&metrics);
            async move { observe(ep, req, &metrics).await }
        })
}

/// The built web app with the single-page-app fallback, compressed.
/// Vite names the files under `assets/` by content hash, so they may be
/// cached for good; everything else (`index.html`) is revalidated on each
/// visit so a new release shows at once.
fn web_app(dir: PathBuf) -> impl Endpoint {
    StaticFilesEndpoint::new(dir)
        .index_file("index.html")
        .fallback_to_index()
        .with(Compression::new())
        .around(|ep, req| async move {
            let hashed_asset = req.uri().path().starts_with("/assets/");
            let mut response = ep.get_response(req).await;
            let policy = if hashed_asset && response.status().is_success() {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            Ok(response)
        })
}

/// A server bound to its port and ready to run.
pub struct Application {
    acceptor: TcpAcceptor,
    address: SocketAddr,
    state: AppState,
    web_dir: Option<PathBuf>,
    shutdown: ShutdownSettings,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Binds `address` (port 0 picks a free port) without serving yet.
    pub async fn bind(
        address: &str,
        state: AppState,
        web_dir: Option<PathBuf>,
    ) -> io::Result<Self> {
        let acceptor = TcpListener::bind(address.to_owned())
            .into_acceptor()
            .await?;
        let address = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| io::Error::other("the listener has no TCP address"))?;
        Ok(Self {
            acceptor,
            address,
            state,
            web_dir,
            shutdown: ShutdownSettings::default(),
        })
    }

    /// Sets how the server stops (default: no drain, 20 s grace).
    #[must_use]
    pub fn with_shutdown(mut self, shutdown: ShutdownSettings) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Serves until `shutdown` completes, then refuses new connections and
    /// lets in-flight requests finish (up to the grace period) before
    /// returning.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let limits = self.state.limits.clone();
        let janitor = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                limits.forget_idle_keys().await;
            }
        });
        let app = routes(self.state, self.web_dir);
        let result = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(self.shutdown.grace))
            .await;
        janitor.abort();
        result
    }

    /// Serves until Ctrl-C or SIGTERM. After SIGTERM (what orchestrators
    /// send) the server first drains: `/ready` answers 503 while requests
    /// are still served, for the drain period or until a second signal.
    /// Ctrl-C stops at once.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        let draining = self.state.draining.clone();
        let drain = self.shutdown.drain;
        self.run_until(async move {
            if shutdown_signal().await == Signal::Terminate && !drain.is_zero() {
                draining.begin();
                tracing::info!(
                    seconds = drain.as_secs_f64(),
                    "draining: /ready answers 503, requests are still served"
                );
                tokio::select! {
                    () = tokio::time::sleep(drain) => {},
                    _ = shutdown_signal() => {},
                }
            }
            tracing::info!("shutting down: finishing in-flight requests");
        })
        .await
    }
}

/// Which signal asked the server to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// Ctrl-C (SIGINT): someone at a terminal.
    Interrupt,
    /// SIGTERM: an orchestrator or service manager.
    Terminate,
}

async fn shutdown_signal() -> Signal {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => Signal::Interrupt,
        () = terminate => Signal::Terminate,
    }
}
