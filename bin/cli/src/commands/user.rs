//! `mosaic-admin user …`: accounts.

use mosaic_domain::{Email, PersonName, User};

use super::{collect_pages, find_user};
use crate::context::Existing;
use crate::output::{print_fields, print_json, print_table, timestamp};
use crate::{CliError, Context};

/// `user`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
USER is an e-mail address or a user id.

Examples:
  mosaic-admin user list
  mosaic-admin user show ada@example.org
  mosaic-admin user create --email ada@example.org --name 'Ada Lovelace' --admin
  mosaic-admin user disable ada@example.org    # also signs them out everywhere
  mosaic-admin user grant-admin 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// List accounts, newest first.
    List {
        /// Show at most this many (0: all).
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Show one account.
    Show {
        /// E-mail address or id.
        user: String,
    },
    /// Create an account (it signs in with a login link or its identity provider).
    Create {
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Make it an administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Disable an account and revoke all its sessions.
    Disable {
        /// E-mail address or id.
        user: String,
    },
    /// Enable a disabled account.
    Enable {
        /// E-mail address or id.
        user: String,
    },
    /// Make an account an administrator.
    GrantAdmin {
        /// E-mail address or id.
        user: String,
    },
    /// Take administrator rights away.
    RevokeAdmin {
        /// E-mail address or id.
        user: String,
    },
}

/// A user as JSON.
pub(crate) fn user_json(user: &User) -> serde_json::Value {
    serde_json::json!({
        "id": user.id.to_string(),
        "email": user.email.as_str(),
        "name": user.name.as_str(),
        "is_admin": user.is_admin,
        "disabled": user.disabled,
        "created_at": timestamp(user.created_at),
        "updated_at": timestamp(user.updated_at),
    })
}

fn print_user(ctx: &Context, user: &User) {
    if ctx.json {
        print_json(&user_json(user));
    } else {
        print_fields(&[
            ("id", user.id.to_string()),
            ("email", user.email.as_str().to_owned()),
            ("name", user.name.as_str().to_owned()),
            ("admin", yes_no(user.is_admin)),
            ("disabled", yes_no(user.disabled)),
            ("created", timestamp(user.created_at)),
            ("updated", timestamp(user.updated_at)),
        ]);
    }
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_owned()
}

/// Runs `user`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let service = opened.service();
    let user = match args.action {
        Action::List { limit } => {
            let (users, more) = collect_pages(limit, |page| service.list_users(page)).await?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "users": users.iter().map(user_json).collect::<Vec<_>>(),
                    "more": more,
                }));
            } else {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.id.to_string(),
                            u.email.as_str().to_owned(),
                            u.name.as_str().to_owned(),
                            yes_no(u.is_admin),
                            yes_no(u.disabled),
                            timestamp(u.created_at),
                        ]
                    })
                    .collect();
                print_table(
                    &["ID", "EMAIL", "NAME", "ADMIN", "DISABLED", "CREATED"],
                    &rows,
                );
                if more {
                    eprintln!("(more users exist: raise --limit, or --limit 0 for all)");
                }
            }
            return Ok(());
        }
        Action::Show { user } => find_user(service, &user).await?,
        Action::Create { email, name, admin } => {
            let user = service
                .create_user(Email::new(&email)?, PersonName::new(&name)?)
                .await?;
            if admin {
                service.set_user_admin(user.id, true).await?
            } else {
                user
            }
        }
        Action::Disable { user } => {
            let user = find_user(service, &user).await?;
            service.set_user_disabled(user.id, true).await?
        }
        Action::Enable { user } => {
            let user = find_user(service, &user).await?;
            service.set_user_disabled(user.id, false).await?
        }
        Action::GrantAdmin { user } => {
            let user = find_user(service, &user).await?;
            service.set_user_admin(user.id, true).await?
        }
        Action::RevokeAdmin { user } => {
            let user = find_user(service, &user).await?;
            service.set_user_admin(user.id, false).await?
        }
    };
    print_user(ctx, &user);
    Ok(())
}
