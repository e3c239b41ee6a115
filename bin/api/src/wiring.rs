//! Connecting the HTTP shell to the configured runtime, and what happens on
//! the very first start.

use std::num::NonZeroU32;
use std::sync::Arc;

use mosaic_config::{Config, Database, Runtime};
use mosaic_domain::{Email, PersonName, ValidationError};
use mosaic_google::{OidcConfig, OidcConfigError};
use mosaic_key_file::{KeyError, SecretKey};
use mosaic_ports::{ObjectStorage, ServiceResult, SignUpPolicy, StoreHealth};
use thiserror::Error;

use crate::client_address::ClientAddress;
use crate::jobs::JobWorkerSettings;
use crate::metrics::Metrics;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::sign_in::{LoginCookieSigner, SignInProvider};
use crate::state::{AppState, Draining, Readiness};

/// Readiness over the configured database.
#[derive(Debug)]
pub struct DatabaseReadiness(pub Database);

#[async_trait::async_trait]
impl Readiness for DatabaseReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }

    fn pool_gauges(&self) -> Vec<(&'static str, u64)> {
        let (open, idle) = self.0.pool_connections();
        vec![
            ("mosaic_db_pool_connections", u64::from(open)),
            ("mosaic_db_pool_idle_connections", idle as u64),
        ]
    }
}

/// The file in the data directory that keeps the sign-in cookie key when
/// `MOSAIC_SESSION_SECRET` is not set.
pub const SESSION_SECRET_FILE: &str = "session-secret.key";

/// Why the server state cannot be built from the configuration.
#[derive(Debug, Error)]
pub enum WiringError {
    /// The identity-provider settings are incomplete or malformed.
    #[error("sign-in provider: {0}")]
    SignInProvider(#[from] OidcConfigError),
    /// `MOSAIC_SIGNUP_ALLOWED` holds something that is neither a domain nor
    /// an e-mail address.
    #[error("MOSAIC_SIGNUP_ALLOWED: {0}")]
    SignUpList(ValidationError),
    /// `MOSAIC_SESSION_SECRET` is too short or not hex, or the key file
    /// cannot be read or created.
    #[error("MOSAIC_SESSION_SECRET: {0}")]
    SessionSecret(#[from] KeyError),
}

/// The server state over an opened runtime. When an identity provider is
/// configured it is discovered here; one that cannot be reached is logged
/// and retried later (see [`SignInProvider`]) rather than stopping the
/// server, since sign-in links keep working without it.
pub async fn app_state(runtime: &Runtime, config: &Config) -> Result<AppState, WiringError> {
    // The callback lives on this server, so its address follows from the
    // public URL unless an operator says otherwise.
    let default_redirect = format!("{}/auth/google/callback", config.public_url);
    let oidc_setting = |name: &str| {
        config
            .settings
            .get(name)
            .or_else(|| (name == "MOSAIC_OIDC_REDIRECT_URL").then(|| default_redirect.clone()))
    };
    let sign_in_provider = match OidcConfig::from_vars(oidc_setting)? {
        Some(oidc) => {
            tracing::info!(issuer = %oidc.issuer_url, client_id = %oidc.client_id, "sign-in with an identity provider is configured");
            let provider = Arc::new(SignInProvider::discover_on_demand(oidc));
            // Errors are logged inside; the server runs on without it.
            let _ = provider.get().await;
            Some(provider)
        }
        None => None,
    };
    let sign_up = SignUpPolicy::from_list(
        &config
            .settings
            .get("MOSAIC_SIGNUP_ALLOWED")
            .unwrap_or_default(),
    )
    .map_err(WiringError::SignUpList)?;
    let session_secret = SecretKey::from_setting_or_file(
        config.settings.get("MOSAIC_SESSION_SECRET").as_deref(),
        &config.data_dir.join(SESSION_SECRET_FILE),
    )?;
    Ok(AppState {
        service: runtime.service.clone(),
        readiness: Arc::new(DatabaseReadiness(runtime.database.clone())),
        draining: Draining::default(),
        client_address: ClientAddress {
            trusted_proxy_hops: config.trusted_proxy_hops,
        },
        limits: RateLimits::new(
            runtime.database.rate_limiter(),
            RateLimitSettings {
                stories_per_minute: per_minute(config.stories_per_minute),
                sign_ins_per_minute: per_minute(config.sign_ins_per_minute),
                archives_per_hour: per_minute(config.archives_per_hour),
            },
        ),
        jobs: runtime.database.jobs(),
        job_worker: JobWorkerSettings {
            lease: std::time::Duration::from_secs(u64::from(config.job_lease_seconds)),
            poll: std::time::Duration::from_millis(u64::from(config.job_poll_millis)),
            ..JobWorkerSettings::default()
        },
        metrics: Arc::new(Metrics::default()),
        local_media: runtime.media.as_local().cloned(),
        secure_cookies: config.is_https(),
        sign_in_provider,
        sign_up,
        login_cookies: LoginCookieSigner::new(session_secret),
        media_origin: media_origin(runtime, &config.public_url).await,
    })
}

/// The origin of the media store's presigned URLs when they do not point
/// at this server (S3): the browser loads photos and sends uploads there,
/// so the Content-Security-Policy must allow it. Read from a presigned URL
/// itself (presigning is local work, no request), so it follows whatever
/// endpoint, region and addressing style the store uses.
async fn media_origin(runtime: &Runtime, public_url: &str) -> Option<String> {
    if runtime.media.as_local().is_some() {
        return None;
    }
    let probe = runtime
        .media
        .presign_download("csp-probe", "probe", time::Duration::minutes(1))
        .await
        .map_err(|err| tracing::warn!(error = %err, "media URL origin unknown"))
        .ok()?;
    let origin = url_origin(&probe.url)?;
    (Some(origin.as_str()) != url_origin(public_url).as_deref()).then_some(origin)
}

/// `scheme://host[:port]` of an absolute URL.
fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

fn per_minute(count: u32) -> NonZeroU32 {
    NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN)
}

/// The address of the page that redeems a sign-in link (shared with
/// `mosaic-admin login-link`).
pub use mosaic_config::sign_in_url;

/// On a database with no accounts, creates the first (administrator)
/// account and returns a one-time sign-in URL for it, so the embedded
/// default needs no identity provider. Returns `None` once anyone exists —
/// also to every replica but one when several start at once on an empty
/// database (one prints the link; `mosaic-admin login-link` makes another).
pub async fn first_start_sign_in(
    runtime: &Runtime,
    config: &Config,
) -> ServiceResult<Option<String>> {
    let service = &runtime.service;
    let email = Email::new(&config.first_admin_email)?;
    let name = PersonName::new("Administrator")?;
    let Some(admin) = service.create_first_admin(email, name).await? else {
        return Ok(None);
    };
    let token = service.create_sign_in_link(admin.id).await?;
    Ok(Some(sign_in_url(config, &token)))
}
