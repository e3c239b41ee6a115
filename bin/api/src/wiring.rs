//! Connecting the HTTP shell to the configured runtime, and what happens on
//! the very first start.

use std::num::NonZeroU32;
use std::sync::Arc;

use mosaic_config::{Config, Database, Runtime};
use mosaic_domain::{Email, PersonName};
use mosaic_ports::{ServiceResult, StoreHealth};

use crate::metrics::Metrics;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::state::{AppState, Readiness};

/// Readiness over the configured database.
#[derive(Debug)]
pub struct DatabaseReadiness(pub Database);

#[async_trait::async_trait]
impl Readiness for DatabaseReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

/// The server state over an opened runtime.
pub fn app_state(runtime: &Runtime, config: &Config) -> AppState {
    AppState {
        service: runtime.service.clone(),
        readiness: Arc::new(DatabaseReadiness(runtime.database.clone())),
        limits: Arc::new(RateLimits::new(RateLimitSettings {
            stories_per_minute: per_minute(config.stories_per_minute),
            sign_ins_per_minute: per_minute(config.sign_ins_per_minute),
        })),
        metrics: Arc::new(Metrics::default()),
        secure_cookies: config.is_https(),
    }
}

fn per_minute(count: u32) -> NonZeroU32 {
    NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN)
}

/// The address of the page that redeems a sign-in link.
pub fn sign_in_url(config: &Config, token: &str) -> String {
    format!("{}/sign-in?token={token}", config.public_url)
}

/// On a database with no accounts, creates the first (administrator)
/// account and returns a one-time sign-in URL for it, so the embedded
/// default needs no identity provider. Returns `None` once anyone exists.
pub async fn first_start_sign_in(
    runtime: &Runtime,
    config: &Config,
) -> ServiceResult<Option<String>> {
    let service = &runtime.service;
    if service.count_users().await? > 0 {
        return Ok(None);
    }
    let email = Email::new(&config.first_admin_email)?;
    let name = PersonName::new("Administrator")?;
    let admin = service.create_user(email, name).await?;
    service.set_user_admin(admin.id, true).await?;
    let token = service.create_sign_in_link(admin.id).await?;
    Ok(Some(sign_in_url(config, &token)))
}
