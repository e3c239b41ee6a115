//! `mosaic-admin session …`: server-side sessions.

use mosaic_domain::{Session, SessionId};
use time::OffsetDateTime;

use super::{collect_pages, find_user};
use crate::context::Existing;
use crate::output::{print_json, print_table, timestamp};
use crate::{CliError, Context};

/// `session`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mosaic-admin session list
  mosaic-admin session list --user ada@example.org
  mosaic-admin session revoke 0193a5a0-7d1e-7c3a-9d7e-2f1c0b9e4a11
  mosaic-admin session purge-expired      # e.g. daily from cron

To sign someone out everywhere, `mosaic-admin user disable` them.")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// List sessions (live, expired and revoked), newest first.
    List {
        /// Only this user's (e-mail address or id).
        #[arg(long)]
        user: Option<String>,
        /// Show at most this many (0: all).
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Revoke one session: its holder is signed out on their next request.
    Revoke {
        /// Session id (from `session list`).
        session: String,
    },
    /// Delete sessions that have expired or were revoked.
    PurgeExpired,
}

fn state(session: &Session, now: OffsetDateTime) -> &'static str {
    if session.revoked_at.is_some() {
        "revoked"
    } else if session.is_live_at(now) {
        "live"
    } else {
        "expired"
    }
}

/// Runs `session`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let admin = &opened.admin;
    match args.action {
        Action::List { user, limit } => {
            let user = match user {
                Some(user) => Some(find_user(opened.service(), &user).await?.id),
                None => None,
            };
            let (sessions, more) =
                collect_pages(limit, |page| admin.list_sessions(user, page)).await?;
            let now = OffsetDateTime::now_utc();
            if ctx.json {
                let items: Vec<serde_json::Value> = sessions
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "id": s.id.to_string(),
                            "user_id": s.user_id.to_string(),
                            "created_at": timestamp(s.created_at),
                            "expires_at": timestamp(s.expires_at),
                            "revoked_at": s.revoked_at.map(timestamp),
                            "state": state(s, now),
                        })
                    })
                    .collect();
                print_json(&serde_json::json!({ "sessions": items, "more": more }));
            } else {
                let rows: Vec<Vec<String>> = sessions
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.to_string(),
                            s.user_id.to_string(),
                            timestamp(s.created_at),
                            timestamp(s.expires_at),
                            state(s, now).to_owned(),
                        ]
                    })
                    .collect();
                print_table(&["ID", "USER", "CREATED", "EXPIRES", "STATE"], &rows);
                if more {
                    eprintln!("(more sessions exist: raise --limit, or --limit 0 for all)");
                }
            }
        }
        Action::Revoke { session } => {
            let id: SessionId = session
                .parse()
                .map_err(|_| CliError::new(format!("'{session}' is not a session id")))?;
            admin.revoke_session(id).await?;
            if ctx.json {
                print_json(&serde_json::json!({ "revoked": id.to_string() }));
            } else {
                println!("revoked the session {id}");
            }
        }
        Action::PurgeExpired => {
            let purged = admin.purge_expired_sessions().await?;
            if ctx.json {
                print_json(&serde_json::json!({ "purged": purged }));
            } else {
                println!("deleted {purged} expired or revoked sessions");
            }
        }
    }
    Ok(())
}
