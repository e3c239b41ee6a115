//! `mosaic-admin stats`: how much the installation holds.

use crate::context::Existing;
use crate::output::{print_fields, print_json};
use crate::{CliError, Context};

/// `stats`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Stories count live (not deleted) stories by visibility; deleted ones are
counted apart until they are purged.

Examples:
  mosaic-admin stats
  mosaic-admin stats --json | jq .stories")]
pub struct Args {}

/// Runs `stats`.
pub async fn run(_args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let c = opened.admin.stats().await?;
    if ctx.json {
        print_json(&serde_json::json!({
            "database": opened.runtime.database.kind(),
            "users": c.users,
            "disabled_users": c.disabled_users,
            "legacies": c.legacies,
            "memberships": c.memberships,
            "stories": {
                "public": c.public_stories,
                "private": c.private_stories,
                "personal": c.personal_stories,
                "deleted": c.deleted_stories,
            },
            "revisions": c.revisions,
            "media": c.media,
            "media_bytes": c.media_bytes,
            "live_sessions": c.live_sessions,
        }));
    } else {
        print_fields(&[
            ("database", opened.runtime.database.kind().to_owned()),
            (
                "users",
                format!("{} ({} disabled)", c.users, c.disabled_users),
            ),
            ("legacies", c.legacies.to_string()),
            ("memberships", c.memberships.to_string()),
            ("public stories", c.public_stories.to_string()),
            ("private stories", c.private_stories.to_string()),
            ("personal stories", c.personal_stories.to_string()),
            ("deleted stories", c.deleted_stories.to_string()),
            ("earlier versions", c.revisions.to_string()),
            ("media items", c.media.to_string()),
            ("media bytes", c.media_bytes.to_string()),
            ("live sessions", c.live_sessions.to_string()),
        ]);
    }
    Ok(())
}
