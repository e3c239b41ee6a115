//! `mosaic-admin invite …`: invite links to a legacy, made on behalf of its creator.

use mosaic_domain::{INVITE_DEFAULT_DAYS, InviteId, InviteTerms, Role};

use super::legacy_id;
use crate::context::Existing;
use crate::output::{print_json, print_table, timestamp};
use crate::{CliError, Context};

/// `invite`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
An invite link lets whoever opens it join the legacy at once with its role
(no approval), until it expires or has been used as often as it allows.
The link is printed once; only its hash is stored. Links are built from
MOSAIC_PUBLIC_URL and made on behalf of the legacy's creator.

Examples:
  mosaic-admin invite create 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11
  mosaic-admin invite create LEGACY --role editor --days 30 --uses 5
  mosaic-admin invite list LEGACY
  mosaic-admin invite revoke LEGACY 0193a5a1-…")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum InviteRole {
    /// Reads family stories.
    Member,
    /// Also writes stories.
    Editor,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Make an invite link and print it.
    Create {
        /// Legacy id.
        legacy: String,
        /// The role people get.
        #[arg(long, value_enum, default_value_t = InviteRole::Member)]
        role: InviteRole,
        /// Days the link works (1–90).
        #[arg(long, default_value_t = INVITE_DEFAULT_DAYS)]
        days: u32,
        /// How many people may use it (1–100).
        #[arg(long, default_value_t = 1)]
        uses: u32,
    },
    /// List a legacy's invite links (every state), newest first.
    List {
        /// Legacy id.
        legacy: String,
    },
    /// Withdraw an invite link: it stops working at once.
    Revoke {
        /// Legacy id.
        legacy: String,
        /// Invite id (from `invite list`).
        invite: String,
    },
}

/// Runs `invite`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let service = opened.service();
    match args.action {
        Action::Create {
            legacy,
            role,
            days,
            uses,
        } => {
            let legacy = opened
                .admin
                .legacy_overview(legacy_id(&legacy)?)
                .await?
                .legacy;
            let role = match role {
                InviteRole::Member => Role::Member,
                InviteRole::Editor => Role::Editor,
            };
            let terms =
                InviteTerms::new(role, days, uses).map_err(|err| CliError::new(err.to_string()))?;
            let made = service
                .create_invite(legacy.created_by, legacy.id, terms)
                .await?;
            let url = mosaic_config::invite_url(&ctx.config, &made.token);
            if ctx.json {
                print_json(&serde_json::json!({
                    "id": made.invite.id.to_string(),
                    "legacy_id": legacy.id.to_string(),
                    "role": made.invite.role.as_str(),
                    "max_uses": made.invite.max_uses,
                    "expires_at": timestamp(made.invite.expires_at),
                    "url": url,
                }));
            } else {
                eprintln!(
                    "invite link to {} as {} for {} (until {}):",
                    legacy.name.as_str(),
                    made.invite.role,
                    if uses == 1 {
                        "one person".to_owned()
                    } else {
                        format!("up to {uses} people")
                    },
                    timestamp(made.invite.expires_at)
                );
                println!("{url}");
            }
        }
        Action::List { legacy } => {
            let legacy = opened
                .admin
                .legacy_overview(legacy_id(&legacy)?)
                .await?
                .legacy;
            let invites = service.list_invites(legacy.created_by, legacy.id).await?;
            if ctx.json {
                let items: Vec<serde_json::Value> = invites
                    .iter()
                    .map(|(invite, state)| {
                        serde_json::json!({
                            "id": invite.id.to_string(),
                            "role": invite.role.as_str(),
                            "state": state.as_str(),
                            "uses": invite.uses,
                            "max_uses": invite.max_uses,
                            "created_at": timestamp(invite.created_at),
                            "expires_at": timestamp(invite.expires_at),
                            "revoked_at": invite.revoked_at.map(timestamp),
                        })
                    })
                    .collect();
                print_json(&serde_json::Value::Array(items));
            } else {
                let rows: Vec<Vec<String>> = invites
                    .iter()
                    .map(|(invite, state)| {
                        vec![
                            invite.id.to_string(),
                            invite.role.as_str().to_owned(),
                            state.as_str().to_owned(),
                            format!("{}/{}", invite.uses, invite.max_uses),
                            timestamp(invite.expires_at),
                        ]
                    })
                    .collect();
                print_table(&["ID", "ROLE", "STATE", "USES", "EXPIRES"], &rows);
            }
        }
        Action::Revoke { legacy, invite } => {
            let legacy = opened
                .admin
                .legacy_overview(legacy_id(&legacy)?)
                .await?
                .legacy;
            let invite: InviteId = invite
                .parse()
                .map_err(|_| CliError::new(format!("'{invite}' is not an invite id (a UUID)")))?;
            let revoked = service
                .revoke_invite(legacy.created_by, legacy.id, invite)
                .await?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "id": revoked.id.to_string(),
                    "revoked_at": revoked.revoked_at.map(timestamp),
                }));
            } else {
                eprintln!("withdrew invite {}; its link no longer works", revoked.id);
            }
        }
    }
    Ok(())
}
