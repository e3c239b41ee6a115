//! `mosaic-admin login-link`: a single-use sign-in link for an account.

use mosaic_domain::{Email, PersonName};

use crate::context::Existing;
use crate::output::{print_json, timestamp};
use crate::{CliError, Context};

/// `login-link`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The link works once, for 15 minutes, and is built from MOSAIC_PUBLIC_URL.

Examples:
  mosaic-admin login-link --email ada@example.org
  mosaic-admin login-link --email ada@example.org --create --name 'Ada Lovelace'
  mosaic-admin login-link --email ada@example.org --json | jq -r .url")]
pub struct Args {
    /// The account's e-mail address.
    #[arg(long)]
    email: String,
    /// Create the account when none has this address.
    #[arg(long, requires = "name")]
    create: bool,
    /// Display name of the account to create.
    #[arg(long, requires = "create")]
    name: Option<String>,
}

/// Runs `login-link`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let email = Email::new(&args.email)?;
    let opened = ctx.open(Existing::Required).await?;
    let service = opened.service();
    let (user, created) = match service.find_user_by_email(&email).await? {
        Some(user) => (user, false),
        None if args.create => {
            let name = PersonName::new(args.name.as_deref().unwrap_or_default())?;
            (service.create_user(email, name).await?, true)
        }
        None => {
            return Err(CliError::new(format!(
                "no user with e-mail {}; add --create --name NAME to create one",
                email.as_str()
            )));
        }
    };
    if user.disabled {
        return Err(CliError::new(format!(
            "the account {} is disabled; `mosaic-admin user enable` it first",
            user.email.as_str()
        )));
    }
    let token = service.create_sign_in_link(user.id).await?;
    let url = mosaic_config::sign_in_url(&ctx.config, &token);
    let expires_at = time::OffsetDateTime::now_utc() + service.settings().sign_in_link_lifetime;
    if ctx.json {
        print_json(&serde_json::json!({
            "url": url,
            "user_id": user.id.to_string(),
            "email": user.email.as_str(),
            "created": created,
            "expires_at": timestamp(expires_at),
        }));
    } else {
        if created {
            eprintln!("created the account {}", user.email.as_str());
        }
        eprintln!(
            "single-use sign-in link for {} (valid for {} minutes):",
            user.email.as_str(),
            service.settings().sign_in_link_lifetime.whole_minutes()
        );
        println!("{url}");
    }
    Ok(())
}
