//! `mosaic-admin ai …`: the AI companion's model endpoint, story
//! embeddings and the background-job queue.

use std::time::Instant;

use crate::context::Existing;
use crate::output::{Unit, print_fields, print_json, progress};
use crate::{CliError, Context};

/// `ai`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Embeddings follow every story write, import and restore by themselves (a
background job of the server); rebuild them after changing
MOSAIC_AI_EMBEDDING_MODEL, or when `ai status` shows stories without one.

Examples:
  mosaic-admin ai status
  mosaic-admin ai reindex")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Check the model endpoint (chat model listed, embedding model
    /// answering) and show embedding coverage and the job queue.
    Status,
    /// Compute the embedding of every story that lacks an up-to-date one
    /// (with MOSAIC_AI_EMBEDDING_MODEL).
    Reindex,
}

fn outcome<T>(result: &Result<T, mosaic_ports::ModelError>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(err) => format!("failed: {err}"),
    }
}

/// Runs `ai`.
pub async fn run(args: Args, ctx: &Context) -> Result<(), CliError> {
    let opened = ctx.open(Existing::Required).await?;
    let service = opened.service();
    match args.action {
        Action::Status => {
            let status = service.embedding_status().await?;
            let check = match service.check_model().await {
                Ok(check) => Some(check),
                Err(mosaic_ports::ServiceError::CompanionOff) => None,
                Err(err) => return Err(err.into()),
            };
            let healthy = check.as_ref().is_some_and(|c| {
                c.chat.is_ok() && c.embedding.as_ref().is_none_or(|(_, e)| e.is_ok())
            });
            if ctx.json {
                print_json(&serde_json::json!({
                    "enabled": check.is_some(),
                    "chat_model": check.as_ref().map(|c| c.chat_model.clone()),
                    "chat_model_check": check.as_ref().map(|c| outcome(&c.chat)),
                    "embedding_model": status.model,
                    "embedding_model_check": check.as_ref().and_then(|c| c.embedding.as_ref()).map(|(_, e)| outcome(e)),
                    "embedding_dimensions": check.as_ref().and_then(|c| c.embedding.as_ref()).and_then(|(_, e)| e.as_ref().ok().copied()),
                    "stories": status.stories,
                    "stories_embedded": status.embedded,
                    "jobs_pending": status.jobs.pending,
                    "jobs_running": status.jobs.running,
                    "jobs_dead": status.jobs.dead,
                }));
            } else {
                let mut fields = Vec::new();
                match &check {
                    None => fields.push((
                        "AI companion",
                        "off (MOSAIC_AI_BASE_URL is not set)".to_owned(),
                    )),
                    Some(check) => {
                        fields.push((
                            "chat model",
                            format!("{} — {}", check.chat_model, outcome(&check.chat)),
                        ));
                        fields.push((
                            "embedding model",
                            match &check.embedding {
                                None => "none (full-text ranking alone)".to_owned(),
                                Some((name, Ok(dimensions))) => {
                                    format!("{name} — ok, {dimensions} dimensions")
                                }
                                Some((name, result)) => format!("{name} — {}", outcome(result)),
                            },
                        ));
                    }
                }
                fields.push((
                    "stories embedded",
                    format!("{} of {}", status.embedded, status.stories),
                ));
                fields.push((
                    "jobs",
                    format!(
                        "{} pending, {} running, {} dead",
                        status.jobs.pending, status.jobs.running, status.jobs.dead
                    ),
                ));
                print_fields(&fields);
            }
            if check.is_some() && !healthy {
                return Err(CliError::new(
                    "the AI model endpoint did not pass the check",
                ));
            }
        }
        Action::Reindex => {
            if service.embedding_status().await?.model.is_none() {
                return Err(CliError::new(
                    "no embedding model is configured: set MOSAIC_AI_BASE_URL, MOSAIC_AI_MODEL \
                     and MOSAIC_AI_EMBEDDING_MODEL",
                ));
            }
            let bar = progress(ctx, 0, Unit::Records, "embedding");
            let started = Instant::now();
            let result = service
                .reindex_embeddings(&|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await;
            bar.finish_and_clear();
            let computed = result?;
            let status = service.embedding_status().await?;
            let seconds = started.elapsed().as_secs_f64();
            if ctx.json {
                print_json(&serde_json::json!({
                    "embedding_model": status.model,
                    "computed": computed,
                    "stories": status.stories,
                    "stories_embedded": status.embedded,
                    "seconds": seconds,
                }));
            } else {
                print_fields(&[
                    ("embeddings computed", computed.to_string()),
                    (
                        "stories embedded",
                        format!("{} of {}", status.embedded, status.stories),
                    ),
                    ("took", format!("{seconds:.1} s")),
                ]);
            }
        }
    }
    Ok(())
}
