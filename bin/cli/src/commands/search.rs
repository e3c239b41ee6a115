//! `mosaic-admin search …`: the story-search index.

use std::time::Instant;

use mosaic_config::Database;
use mosaic_domain::SearchLanguage;
use mosaic_sql_common::SearchIndex;

use crate::context::Existing;
use crate::output::{Unit, print_fields, print_json, progress};
use crate::{CliError, Context};

/// `search`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The index follows every story write by itself; rebuild it after changing
MOSAIC_SEARCH_LANGUAGE, or on SQLite after a VACUUM.

Examples:
  mosaic-admin search status
  MOSAIC_SEARCH_LANGUAGE=french mosaic-admin search reindex
  mosaic-admin search reindex --language simple   # no stemming")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// The language the index is built in, and the one configured.
    Status,
    /// Rebuild the index of every story (one transaction; searches use the
    /// old index until it is done).
    Reindex {
        /// Language to build it in (default: MOSAIC_SEARCH_LANGUAGE, or english).
        #[arg(long)]
        language: Option<String>,
    },
}

/// Runs `search`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let index: &dyn SearchIndex = match &opened.runtime.database {
        Database::Sqlite(store) => store.as_ref(),
        Database::Postgres(store) => store.as_ref(),
    };
    match args.action {
        Action::Status => {
            let built = index.search_language().await?;
            let configured = ctx.config.search_language;
            if ctx.json {
                print_json(&serde_json::json!({
                    "language": built.as_str(),
                    "configured_language": configured.as_str(),
                }));
            } else {
                print_fields(&[
                    ("language", built.to_string()),
                    ("configured language", configured.to_string()),
                ]);
            }
        }
        Action::Reindex { language } => {
            let language = match language {
                Some(name) => SearchLanguage::new(&name).map_err(|err| {
                    CliError::new(format!(
                        "{err}; use one of {}",
                        SearchLanguage::SUPPORTED.join(", ")
                    ))
                })?,
                None => ctx.config.search_language,
            };
            let bar = progress(ctx, 0, Unit::Records, "indexing");
            let started = Instant::now();
            let result = index
                .rebuild_search_index(language, &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await;
            bar.finish_and_clear();
            let (built, stories) = result?;
            let seconds = started.elapsed().as_secs_f64();
            if ctx.json {
                print_json(&serde_json::json!({
                    "language": built.as_str(),
                    "stories": stories,
                    "seconds": seconds,
                }));
            } else {
                print_fields(&[
                    ("language", built.to_string()),
                    ("stories indexed", stories.to_string()),
                    ("took", format!("{seconds:.1} s")),
                ]);
            }
        }
    }
    Ok(())
}
