//! `mosaic-admin storage check`: can the configured media store be written,
//! read and deleted in? For S3, also the CORS rules the bucket needs.

use mosaic_s3::{MediaStore, StorageConfig, cors_configuration_json};

use crate::output::{print_fields, print_json};
use crate::{CliError, Context};

/// `storage`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mosaic-admin storage check
  MOSAIC_S3_BUCKET=family-media mosaic-admin storage check --json

For S3 it prints the CORS configuration the bucket needs for browser uploads
from MOSAIC_PUBLIC_URL, as `aws s3api put-bucket-cors --cors-configuration
file://cors.json` takes it.")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Write, read and delete a probe object in the media store.
    Check,
}

/// Runs `storage`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let Action::Check = args.action;
    let config = &ctx.config;
    let storage_config = StorageConfig::from_vars(
        |name| config.settings.get(name),
        &config.data_dir,
        &config.public_url,
    )
    .map_err(|e| CliError::new(format!("media storage: {e}")))?;
    let (kind, location, cors) = match &storage_config {
        StorageConfig::S3(s3) => (
            "s3",
            format!(
                "bucket {} ({})",
                s3.bucket,
                s3.endpoint.as_deref().unwrap_or("AWS")
            ),
            Some(cors_configuration_json(&[config.public_url.as_str()])),
        ),
        StorageConfig::Local(local) => ("local", local.root.display().to_string(), None),
    };
    let store = MediaStore::open(storage_config)
        .await
        .map_err(|e| CliError::new(format!("media storage ({location}): {e}")))?;
    store
        .check_access()
        .await
        .map_err(|e| CliError::new(format!("media storage ({location}) failed the check: {e}")))?;
    if ctx.json {
        let cors: Option<serde_json::Value> = cors
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok());
        print_json(&serde_json::json!({
            "kind": kind,
            "location": location,
            "ok": true,
            "cors_configuration": cors,
        }));
    } else {
        print_fields(&[
            ("media store", kind.to_owned()),
            ("location", location),
            ("write/read/delete", "ok".to_owned()),
        ]);
        if let Some(cors) = cors {
            println!("\nThe bucket needs this CORS configuration for browser uploads:\n{cors}");
        }
    }
    Ok(())
}
