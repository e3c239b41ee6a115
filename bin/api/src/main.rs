//! `mosaic-api`: reads the configuration, opens the database and media
//! store, prints a sign-in link on the very first start, and serves until
//! Ctrl-C or SIGTERM.

use std::process::ExitCode;
use std::time::Duration;

use mosaic_api::Application;
use mosaic_api::connections::ConnectionLimits;
use mosaic_api::startup::ShutdownSettings;
use mosaic_api::wiring::{app_state, first_start_sign_in};
use mosaic_config::{Config, LogFormat, Runtime};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("mosaic-api: {err}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "mosaic-api stopped");
            eprintln!("mosaic-api: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = Runtime::open(&config).await?;
    tracing::info!(database = runtime.database.kind(), data_dir = %config.data_dir.display(), "storage ready");
    if let Some(url) = first_start_sign_in(&runtime, &config).await? {
        // Printed, not only logged: this is how the first person gets in.
        println!(
            "\nWelcome to Mosaic Life. Sign in as the first administrator ({}) with this one-time link (valid 15 minutes):\n\n    {url}\n",
            config.first_admin_email
        );
    }
    let app = Application::bind(
        &config.bind,
        app_state(&runtime, &config).await?,
        config.web_dir.clone(),
    )
    .await?
    .with_shutdown(ShutdownSettings {
        drain: Duration::from_secs(u64::from(config.shutdown_drain_seconds)),
        grace: Duration::from_secs(u64::from(config.shutdown_grace_seconds)),
    })
    .with_connection_limits(connection_limits(&config));
    let app = match &config.metrics_bind {
        Some(address) => app.with_metrics(address).await?,
        None => app,
    };
    tracing::info!(address = %app.address(), public_url = %config.public_url, metrics = ?app.metrics_address(), "listening");
    app.run_until_stopped().await?;
    runtime.database.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn connection_limits(config: &Config) -> ConnectionLimits {
    let seconds = |n: u32| Duration::from_secs(u64::from(n));
    ConnectionLimits {
        max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
        header_read_timeout: seconds(config.header_read_timeout_seconds),
        body_read_timeout: seconds(config.body_read_timeout_seconds),
        idle_timeout: seconds(config.idle_timeout_seconds),
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_env("MOSAIC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}
