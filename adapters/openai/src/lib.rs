//! # mosaic-openai
//!
//! The [`LanguageModel`] port over any OpenAI-compatible endpoint — OpenAI
//! itself, Ollama (`http://host:11434/v1`), vLLM, the llama.cpp server —
//! through the maintained `async-openai` client with a custom base URL.
//!
//! Settings (see [`OpenAiConfig::from_vars`]):
//!
//! | variable | meaning |
//! |---|---|
//! | `MOSAIC_AI_BASE_URL` | the endpoint, e.g. `http://127.0.0.1:11434/v1`; unset: the companion is off |
//! | `MOSAIC_AI_MODEL` | the chat model, passed on unchanged (`qwen2.5:7b` works) |
//! | `MOSAIC_AI_API_KEY` | optional; sent as a bearer token, never logged |
//! | `MOSAIC_AI_EMBEDDING_MODEL` | optional embedding model |
//! | `MOSAIC_AI_CONNECT_TIMEOUT_SECONDS` | connecting (default 5) |
//! | `MOSAIC_AI_FIRST_TOKEN_TIMEOUT_SECONDS` | until the answer starts (default 60) |
//! | `MOSAIC_AI_IDLE_TIMEOUT_SECONDS` | longest silence inside an answer (default 30) |
//!
//! A stream never hangs: no first byte in time, or a silence mid-answer,
//! ends it with [`ModelError::Timeout`]. Dropping the stream closes the
//! connection, which cancels the request upstream.

use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest,
};
use async_openai::types::embeddings::CreateEmbeddingRequest;
use async_trait::async_trait;
use futures_util::StreamExt;
use mosaic_domain::{PromptMessage, PromptRole};
use mosaic_ports::{CompletionEvent, CompletionStream, LanguageModel, ModelError, TokenUsage};
use thiserror::Error;

/// The API key, kept out of every `Debug` and log line.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// How to reach the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAiConfig {
    /// The API base URL, ending before `/chat/completions`.
    pub base_url: String,
    /// The chat model.
    pub model: String,
    /// The bearer token, if the endpoint needs one.
    pub api_key: Option<ApiKey>,
    /// The embedding model, if any.
    pub embedding_model: Option<String>,
    /// Connecting to the endpoint.
    pub connect_timeout: Duration,
    /// From sending the request to the first chunk of the answer.
    pub first_token_timeout: Duration,
    /// The longest silence between two chunks of an answer.
    pub idle_timeout: Duration,
}

/// Settings that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{name}: {problem}")]
pub struct OpenAiConfigError {
    /// The variable.
    pub name: &'static str,
    /// What is wrong.
    pub problem: String,
}

impl OpenAiConfig {
    /// Reads the `MOSAIC_AI_*` settings through `get` (which answers `None`
    /// for an unset or empty variable). `Ok(None)` when no base URL is set:
    /// the companion is off.
    pub fn from_vars(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, OpenAiConfigError> {
        let Some(base_url) = get("MOSAIC_AI_BASE_URL") else {
            return Ok(None);
        };
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(OpenAiConfigError {
                name: "MOSAIC_AI_BASE_URL",
                problem: "must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1"
                    .into(),
            });
        }
        let model =
            get("MOSAIC_AI_MODEL")
                .map(|m| m.trim().to_owned())
                .ok_or(OpenAiConfigError {
                    name: "MOSAIC_AI_MODEL",
                    problem: "must name the chat model when MOSAIC_AI_BASE_URL is set".into(),
                })?;
        let api_key = get("MOSAIC_AI_API_KEY").map(|k| k.trim().to_owned());
        if let Some(key) = &api_key
            && !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(OpenAiConfigError {
                name: "MOSAIC_AI_API_KEY",
                problem: "must be printable ASCII without spaces".into(),
            });
        }
        let seconds = |name: &'static str, default: u64| -> Result<Duration, OpenAiConfigError> {
            match get(name) {
                None => Ok(Duration::from_secs(default)),
                Some(text) => match text.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Duration::from_secs(n)),
                    _ => Err(OpenAiConfigError {
                        name,
                        problem: "must be a whole number of seconds, at least 1".into(),
                    }),
                },
            }
        };
        Ok(Some(Self {
            base_url,
            model,
            api_key: api_key.map(ApiKey),
            embedding_model: get("MOSAIC_AI_EMBEDDING_MODEL").map(|m| m.trim().to_owned()),
            connect_timeout: seconds("MOSAIC_AI_CONNECT_TIMEOUT_SECONDS", 5)?,
            first_token_timeout: seconds("MOSAIC_AI_FIRST_TOKEN_TIMEOUT_SECONDS", 60)?,
            idle_timeout: seconds("MOSAIC_AI_IDLE_TIMEOUT_SECONDS", 30)?,
        }))
    }
}

/// A chat (and perhaps embedding) model behind an OpenAI-compatible API.
#[derive(Clone)]
pub struct OpenAiModel {
    client: Client<OpenAIConfig>,
    http: reqwest::Client,
    config: OpenAiConfig,
}

impl std::fmt::Debug for OpenAiModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiModel")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OpenAiModel {
    /// A client for the configured endpoint. Nothing is sent yet.
    pub fn new(config: OpenAiConfig) -> Result<Self, ModelError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| ModelError::Unavailable(e.into()))?;
        // Everything set explicitly: async-openai would otherwise read
        // OPENAI_API_KEY / OPENAI_BASE_URL / org and project from the
        // environment.
        let openai = OpenAIConfig::new()
            .with_api_base(config.base_url.clone())
            .with_api_key(
                config
                    .api_key
                    .as_ref()
                    .map(|k| k.0.clone())
                    .unwrap_or_default(),
            )
            .with_org_id("")
            .with_project_id("");
        let client = Client::with_config(openai).with_http_client(http.clone());
        Ok(Self {
            client,
            http,
            config,
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }
}

fn to_request_message(message: &PromptMessage) -> ChatCompletionRequestMessage {
    match message.role {
        PromptRole::System => ChatCompletionRequestMessage::System(
            ChatCompletionRequestSystemMessage::from(message.content.as_str()),
        ),
        PromptRole::User => ChatCompletionRequestMessage::User(
            ChatCompletionRequestUserMessage::from(message.content.as_str()),
        ),
    }
}

/// async-openai's errors as the port's.
fn model_error(err: OpenAIError) -> ModelError {
    match err {
        OpenAIError::Reqwest(e) if e.is_timeout() => ModelError::Timeout(Duration::ZERO),
        OpenAIError::Reqwest(e) => ModelError::Unavailable(e.into()),
        OpenAIError::ApiError(api) => ModelError::Upstream {
            status: api.status_code.as_u16(),
            message: api.api_error.message,
        },
        OpenAIError::JSONDeserialize(e, _) => ModelError::Protocol(e.into()),
        other => ModelError::Protocol(anyhow::anyhow!("{other}")),
    }
}

/// The state of one answer being read.
struct Reading {
    upstream: async_openai::types::chat::ChatCompletionResponseStream,
    idle: Duration,
    finish_reason: Option<String>,
    usage: Option<TokenUsage>,
    done: bool,
}

impl Reading {
    async fn next(mut self) -> Option<(Result<CompletionEvent, ModelError>, Self)> {
        loop {
            if self.done {
                return None;
            }
            let item = match tokio::time::timeout(self.idle, self.upstream.next()).await {
                Err(_) => {
                    self.done = true;
                    return Some((Err(ModelError::Timeout(self.idle)), self));
                }
                Ok(item) => item,
            };
            match item {
                None => {
                    self.done = true;
                    // The stream ends at `data: [DONE]` (or when the
                    // connection closes): complete only if the model said
                    // it finished.
                    let event = match self.finish_reason.take() {
                        Some(reason) => Ok(CompletionEvent::Done {
                            finish_reason: Some(reason),
                            usage: self.usage,
                        }),
                        None => Err(ModelError::Protocol(anyhow::anyhow!(
                            "the stream ended before the answer finished"
                        ))),
                    };
                    return Some((event, self));
                }
                Some(Err(err)) => {
                    self.done = true;
                    return Some((Err(model_error(err)), self));
                }
                Some(Ok(chunk)) => {
                    if let Some(usage) = chunk.usage {
                        self.usage = Some(TokenUsage {
                            prompt_tokens: usage.prompt_tokens,
                            completion_tokens: usage.completion_tokens,
                        });
                    }
                    let mut text = String::new();
                    for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
                        if let Some(content) = choice.delta.content {
                            text.push_str(&content);
                        }
                        if let Some(reason) = choice.finish_reason {
                            self.finish_reason = Some(
                                serde_json::to_value(reason)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_owned))
                                    .unwrap_or_else(|| "stop".to_owned()),
                            );
                        }
                    }
                    if !text.is_empty() {
                        return Some((Ok(CompletionEvent::Delta(text)), self));
                    }
                }
            }
        }
    }
}

#[async_trait]
impl LanguageModel for OpenAiModel {
    fn model_name(&self) -> &str {
        &self.config.model
    }

    fn embeds(&self) -> bool {
        self.config.embedding_model.is_some()
    }

    fn embedding_model_name(&self) -> Option<String> {
        self.config.embedding_model.clone()
    }

    async fn stream_completion(
        &self,
        messages: &[PromptMessage],
    ) -> Result<CompletionStream, ModelError> {
        let request = CreateChatCompletionRequest {
            model: self.config.model.clone(),
            messages: messages.iter().map(to_request_message).collect(),
            stream: Some(true),
            stream_options: Some(ChatCompletionStreamOptions {
                include_usage: Some(true),
                ..ChatCompletionStreamOptions::default()
            }),
            ..CreateChatCompletionRequest::default()
        };
        let timeout = self.config.first_token_timeout;
        let upstream = tokio::time::timeout(timeout, self.client.chat().create_stream(request))
            .await
            .map_err(|_| ModelError::Timeout(timeout))?
            .map_err(|err| match model_error(err) {
                ModelError::Timeout(_) => ModelError::Timeout(timeout),
                other => other,
            })?;
        let reading = Reading {
            upstream,
            // The first chunk may take as long as the first token does.
            idle: self
                .config
                .first_token_timeout
                .max(self.config.idle_timeout),
            finish_reason: None,
            usage: None,
            done: false,
        };
        let idle = self.config.idle_timeout;
        let stream = futures_util::stream::unfold(reading, move |reading| async move {
            let step = reading.next().await;
            step.map(|(event, mut reading)| {
                reading.idle = idle;
                (event, reading)
            })
        });
        Ok(Box::pin(stream))
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ModelError> {
        let Some(model) = &self.config.embedding_model else {
            return Err(ModelError::NotConfigured);
        };
        let request = CreateEmbeddingRequest {
            model: model.clone(),
            input: texts.to_vec().into(),
            ..CreateEmbeddingRequest::default()
        };
        let timeout = self.config.first_token_timeout;
        let response = tokio::time::timeout(timeout, self.client.embeddings().create(request))
            .await
            .map_err(|_| ModelError::Timeout(timeout))?
            .map_err(model_error)?;
        let mut data = response.data;
        data.sort_by_key(|e| e.index);
        if data.len() != texts.len() {
            return Err(ModelError::Protocol(anyhow::anyhow!(
                "asked for {} embeddings, got {}",
                texts.len(),
                data.len()
            )));
        }
        Ok(data.into_iter().map(|e| e.embedding).collect())
    }

    async fn check(&self) -> Result<(), ModelError> {
        let url = format!("{}/models", self.config.base_url);
        let mut request = self.http.get(url).timeout(self.config.first_token_timeout);
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(&key.0);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                ModelError::Timeout(self.config.first_token_timeout)
            } else {
                ModelError::Unavailable(e.into())
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(ModelError::Upstream {
                status: status.as_u16(),
                message: response.text().await.unwrap_or_default(),
            });
        }
        Ok(())
    }
}
