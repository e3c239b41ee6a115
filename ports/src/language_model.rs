//! The language-model port: a streamed chat completion and, optionally,
//! embeddings, from any model the operator configures.

use std::pin::Pin;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::Stream;
use mosaic_domain::PromptMessage;
use thiserror::Error;

/// Tokens a completion used, as the provider reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenUsage {
    /// Tokens of the prompt.
    pub prompt_tokens: u32,
    /// Tokens of the answer.
    pub completion_tokens: u32,
}

/// One step of a streamed completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompletionEvent {
    /// The next piece of the answer's text.
    Delta(String),
    /// The answer is complete. Nothing follows.
    Done {
        /// Why the model stopped (`stop`, `length`, …), if it said.
        finish_reason: Option<String>,
        /// Token counts, if the provider reported them.
        usage: Option<TokenUsage>,
    },
}

/// A completion as it streams in. Dropping it MUST cancel the request to the
/// provider (closing the connection), so that a person who stops reading
/// stops the model too.
pub type CompletionStream =
    Pin<Box<dyn Stream<Item = Result<CompletionEvent, ModelError>> + Send + 'static>>;

/// Why the model gave no (further) answer. Each maps to one HTTP status:
/// the provider cannot be reached → 503, it took too long → 504, it
/// answered with an error or with something unreadable → 502.
#[derive(Debug, Error)]
pub enum ModelError {
    /// No model is configured: the companion is off.
    #[error("the AI companion is not configured on this server")]
    NotConfigured,
    /// The provider cannot be reached (connection refused, DNS, TLS).
    #[error("the AI model cannot be reached")]
    Unavailable(#[source] anyhow::Error),
    /// The provider did not answer (or stopped answering) in time.
    #[error("the AI model did not answer within {0:?}")]
    Timeout(Duration),
    /// The provider answered with an error status.
    #[error("the AI model answered with an error (HTTP {status})")]
    Upstream {
        /// The provider's HTTP status.
        status: u16,
        /// The provider's message, for the logs (never shown to users).
        message: String,
    },
    /// The provider's answer could not be read (bad JSON, a broken stream).
    #[error("the AI model's answer could not be read")]
    Protocol(#[source] anyhow::Error),
}

/// A chat model (and perhaps an embedding model) behind some API.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait LanguageModel: Send + Sync {
    /// The configured chat model's name, as sent to the provider (for
    /// metrics and status). Names such as `qwen2.5:7b` MUST be passed on
    /// unchanged.
    fn model_name(&self) -> &str;

    /// Whether [`Self::embed`] is available (an embedding model is configured).
    fn embeds(&self) -> bool;

    /// The configured embedding model's name, when [`Self::embeds`]: stored
    /// with every embedding, so vectors of another model are never compared.
    fn embedding_model_name(&self) -> Option<String> {
        None
    }

    /// Starts a streamed completion of `messages`. MUST return an error
    /// rather than a stream when the provider refuses the request outright
    /// (unreachable, error status, no first byte in time); errors after the
    /// stream started arrive as its items. The stream MUST end after
    /// [`CompletionEvent::Done`] or an error, and MUST NOT hang: a provider
    /// that goes silent mid-answer yields [`ModelError::Timeout`].
    async fn stream_completion(
        &self,
        messages: &[PromptMessage],
    ) -> Result<CompletionStream, ModelError>;

    /// One embedding vector per text, in order. MUST return
    /// [`ModelError::NotConfigured`] when no embedding model is configured.
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError>;

    /// Checks that the provider answers and knows the configured model.
    async fn check(&self) -> Result<(), ModelError>;
}
