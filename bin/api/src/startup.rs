//! Assembling the routes and running the server.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use poem::endpoint::StaticFilesEndpoint;
use poem::http::{HeaderValue, Method, header};
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::middleware::Compression;
use poem::{Endpoint, EndpointExt, Route, Server, get};

use crate::allow::{AllowedMethods, allow_header};
use crate::api::{AllApis, openapi_service};
use crate::connections::{ConnectionLimits, GuardedAcceptor};
use crate::error::framework_error_response;
use crate::health;
use crate::jobs::JobWorker;
use crate::local_media::{LOCAL_MEDIA_ROUTE, local_media};
use crate::middleware::{body_limit, csrf_guard, observe};
use crate::security_headers::{DOCS_PREFIX, SecurityHeaders, security_headers};
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

/// Every route of the server: the API under `/api` (its sign-out also at
/// the brief's `/auth/logout`), its document and docs page, health
/// endpoints, and the web app (with the single-page-app fallback to
/// `index.html`) for everything else. `/metrics` is not among them: it is
/// served on its own listener ([`metrics_routes`]).
///
/// Every response carries the security headers
/// ([`crate::security_headers`]); every 405 says what is allowed. A JSON
/// API body must arrive within `body_read_timeout`.
pub fn routes(
    state: AppState,
    web_dir: Option<PathBuf>,
    body_read_timeout: Duration,
) -> impl Endpoint {
    let api = openapi_service();
    let spec = crate::openapi_document::openapi_json();
    let docs_html = api.swagger_ui_html();
    let docs = api.swagger_ui();
    let metrics = state.metrics.clone();
    let security = Arc::new(SecurityHeaders::new(
        state.secure_cookies,
        state.media_origin.as_deref(),
        &docs_html,
    ));
    let allowed = Arc::new(AllowedMethods::new::<AllApis>(
        "/api",
        &[
            (LOCAL_MEDIA_ROUTE, &[Method::GET, Method::PUT]),
            (LOGOUT_ALIAS, &[Method::POST]),
        ],
    ));

    let api = api
        .around(move |ep, req| body_limit(ep, req, MAX_JSON_BODY_BYTES, body_read_timeout))
        .around(csrf_guard);

    let mut route = Route::new()
        // Before and outside the JSON API: signed URLs carry their own
        // authorisation and stream bodies far over its 1 MiB limit. The
        // longer literal prefix wins over the `/api` nest.
        .at(LOCAL_MEDIA_ROUTE, local_media)
        .nest("/api", api)
        .at(
            "/openapi.json",
            get(poem::endpoint::make_sync(move |_| {
                poem::Response::builder()
                    .content_type("application/json; charset=utf-8")
                    .body(spec.clone())
            })),
        )
        .nest(DOCS_PREFIX, get(docs))
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at(sign_in::LOGIN_PATH, get(sign_in::login))
        .at(sign_in::CALLBACK_PATH, get(sign_in::callback));
    if let Some(dir) = web_dir {
        // `get` also answers HEAD (without the body) and refuses other
        // methods with 405.
        route = route.nest("/", get(web_app(dir)));
    }

    route
        .catch_all_error(|err| async move { framework_error_response(err) })
        .data(state)
        .around(|ep, mut req| async move {
            // The brief's address for signing out: the same operation,
            // guards and answers as `/api/auth/logout`.
            if req.uri().path() == LOGOUT_ALIAS {
                *req.uri_mut() = poem::http::Uri::from_static("/api/auth/logout");
            }
            ep.call(req).await
        })
        .around(move |ep, req| {
            let allowed = Arc::clone(&allowed);
            async move { allow_header(ep, req, &allowed).await }
        })
        .around(move |ep, req| {
            let security = Arc::clone(&security);
            async move { security_headers(ep, req, &security).await }
        })
        .around(move |ep, req| {
            let metrics = Arc::clone(&metrics);
            async move { observe(ep, req, &metrics).await }
        })
}

/// Sign-out at the path the product brief gives.
const LOGOUT_ALIAS: &str = "/auth/logout";

/// The routes of the metrics listener (`MOSAIC_METRICS_BIND`): `/metrics`
/// only, in the Prometheus text format.
pub fn metrics_routes(state: AppState) -> impl Endpoint {
    Route::new()
        .at("/metrics", get(health::metrics))
        .catch_all_error(|err| async move { framework_error_response(err) })
        .data(state)
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
    metrics: Option<(TcpAcceptor, SocketAddr)>,
    state: AppState,
    web_dir: Option<PathBuf>,
    shutdown: ShutdownSettings,
    limits: ConnectionLimits,
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
        let (acceptor, address) = bind_tcp(address).await?;
        Ok(Self {
            acceptor,
            address,
            metrics: None,
            state,
            web_dir,
            shutdown: ShutdownSettings::default(),
            limits: ConnectionLimits::default(),
        })
    }

    /// Sets the limits for slow and idle clients (default:
    /// [`ConnectionLimits::default`]).
    #[must_use]
    pub fn with_connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets how the server stops (default: no drain, 20 s grace).
    #[must_use]
    pub fn with_shutdown(mut self, shutdown: ShutdownSettings) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// Also serves `/metrics` on `address` (port 0 picks a free port),
    /// apart from the public listener.
    pub async fn with_metrics(mut self, address: &str) -> io::Result<Self> {
        let (acceptor, address) = bind_tcp(address).await?;
        self.metrics = Some((acceptor, address));
        Ok(self)
    }

    /// The bound address of the metrics listener, if there is one.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(_, address)| *address)
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
        // The background-job worker (embedding refresh, the recurring
        // rate-limit clean-up): it stops claiming when shutdown begins and
        // gets the same grace as in-flight requests.
        let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
        let worker = JobWorker::new(
            self.state.jobs.clone(),
            self.state.service.clone(),
            self.state.limits.clone(),
            self.state.job_worker,
        );
        let worker = tokio::spawn(worker.run(worker_stopped, self.shutdown.grace));
        let shutdown = async move {
            shutdown.await;
            let _ = stop_worker.send(true);
        };
        let metrics_server = self.metrics.map(|(acceptor, _)| {
            let app = metrics_routes(self.state.clone());
            tokio::spawn(Server::new_with_acceptor(acceptor).run(app))
        });
        let app = routes(self.state, self.web_dir, self.limits.body_read_timeout);
        let result = Server::new_with_acceptor(GuardedAcceptor::new(self.acceptor, &self.limits))
            .idle_timeout(self.limits.idle_timeout)
            .run_with_graceful_shutdown(app, shutdown, Some(self.shutdown.grace))
            .await;
        if worker.await.is_err() {
            tracing::warn!("the background-job worker stopped abnormally");
        }
        if let Some(server) = metrics_server {
            server.abort();
        }
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

async fn bind_tcp(address: &str) -> io::Result<(TcpAcceptor, SocketAddr)> {
    let acceptor = TcpListener::bind(address.to_owned())
        .into_acceptor()
        .await?;
    let address = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| io::Error::other("the listener has no TCP address"))?;
    Ok((acceptor, address))
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
