//! The AI companion over HTTP: a streamed answer (Server-Sent Events) and
//! the asker's conversations.

use std::time::Duration;

use futures_util::StreamExt;
use mosaic_domain::{ConversationId, ConversationTitle, LegacyId, Question};
use mosaic_ports::{
    AnswerEvent, Ask, CitationView, CompanionStatus, ConversationView, MessageView, ModelError,
    ServiceError,
};
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, Object, OpenApi, Union};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ApiTags;
use crate::auth::SignedIn;
use crate::dto::{Text, page_request};
use crate::error::{ApiError, ApiResult, ErrorBody, retry_after_seconds};
use crate::state::AppState;

/// AI companion endpoints.
#[derive(Debug)]
pub struct ChatApi;

/// Whether the AI companion is available on this server.
#[derive(Debug, Clone, Object)]
pub struct ChatStatus {
    /// A model is configured; without one the companion is off (and only
    /// existing conversations can be read, renamed and deleted).
    pub enabled: bool,
    /// The chat model's name, when enabled.
    #[oai(nullable)]
    pub model: Option<String>,
    /// Questions one person may ask per day.
    pub messages_per_day: u32,
}

impl From<CompanionStatus> for ChatStatus {
    fn from(s: CompanionStatus) -> Self {
        Self {
            enabled: s.enabled,
            model: s.model,
            messages_per_day: s.messages_per_day,
        }
    }
}

/// A question to the companion.
#[derive(Debug, Clone, Object)]
pub struct ChatRequest {
    /// The legacy asked about.
    pub legacy_id: Uuid,
    /// The conversation to continue; omit to start a new one.
    #[oai(nullable)]
    pub conversation_id: Option<Uuid>,
    /// 1–2,000 characters, at least one of them neither white space nor a
    /// control character.
    #[oai(validator(
        max_length = 2000,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub question: Text,
}

/// The first event: the conversation the answer belongs to.
#[derive(Debug, Clone, Object)]
pub struct ChatStart {
    /// The conversation (new or continued).
    pub conversation_id: Uuid,
    /// Its title.
    pub title: String,
    /// How many stories were given to the model.
    pub passages: u32,
}

/// The next piece of the answer's text.
#[derive(Debug, Clone, Object)]
pub struct ChatDelta {
    /// Text to append (Markdown; render it without images or links).
    pub text: String,
}

/// A citation the server checked: `[n]` pointed at a story that was sent.
#[derive(Debug, Clone, Object)]
pub struct ChatCitation {
    /// The `[n]` used in the answer.
    pub n: u32,
    /// The story it points at.
    pub story_id: Uuid,
    /// The story's title.
    pub title: String,
}

/// The answer is complete and stored.
#[derive(Debug, Clone, Object)]
pub struct ChatDone {
    /// The stored answer.
    pub message_id: Uuid,
    /// The conversation.
    pub conversation_id: Uuid,
    /// Prompt tokens, if the model reported them.
    #[oai(nullable)]
    pub prompt_tokens: Option<u32>,
    /// Answer tokens, if the model reported them.
    #[oai(nullable)]
    pub completion_tokens: Option<u32>,
}

/// The answer broke off; nothing follows.
#[derive(Debug, Clone, Object)]
pub struct ChatError {
    /// `AI_TIMEOUT`, `AI_UNAVAILABLE`, `AI_UPSTREAM_ERROR`, …
    pub code: String,
    /// A sentence for the person.
    pub message: String,
}

/// One Server-Sent Event of an answer; the SSE `event:` name equals `type`.
#[derive(Debug, Clone, Union)]
#[oai(discriminator_name = "type")]
pub enum ChatEvent {
    /// `start`: first, once.
    #[oai(mapping = "start")]
    Start(ChatStart),
    /// `delta`: answer text.
    #[oai(mapping = "delta")]
    Delta(ChatDelta),
    /// `citation`: a checked citation, once per number.
    #[oai(mapping = "citation")]
    Citation(ChatCitation),
    /// `done`: last, when the answer is complete.
    #[oai(mapping = "done")]
    Done(ChatDone),
    /// `error`: last, when the answer broke off.
    #[oai(mapping = "error")]
    Error(ChatError),
}

impl ChatEvent {
    fn name(&self) -> &'static str {
        match self {
            Self::Start(_) => "start",
            Self::Delta(_) => "delta",
            Self::Citation(_) => "citation",
            Self::Done(_) => "done",
            Self::Error(_) => "error",
        }
    }
}

type ChatEvents = futures_util::stream::BoxStream<'static, ChatEvent>;

#[derive(ApiResponse)]
enum Streamed {
    /// The answer as Server-Sent Events: `start`, then `delta` and
    /// `citation` events, then `done` or `error`. Comments keep the
    /// connection alive; closing it stops the model.
    #[oai(status = 200)]
    Events(EventStream<ChatEvents>),
}

impl std::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Streamed")
    }
}

/// Why asking failed before the answer started.
#[derive(Debug, ApiResponse)]
pub enum AskError {
    /// The request is malformed (not JSON, or a value outside the schema).
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Sign in first.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The legacy or conversation does not exist, or is not the caller's.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// The conversation is about another legacy.
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The question breaks a rule (empty, too long).
    #[oai(status = 422)]
    Unprocessable(Json<ErrorBody>),
    /// The body is larger than the API accepts.
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The body is not JSON (`Content-Type` must be `application/json`).
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// The daily quota is used up; try again after `Retry-After` seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// A bug on our side.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// The AI model answered with an error or with something unreadable.
    #[oai(status = 502)]
    BadGateway(Json<ErrorBody>),
    /// The companion is off (no model configured), the model cannot be
    /// reached, or the database is down.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
    /// The AI model did not start answering in time.
    #[oai(status = 504)]
    GatewayTimeout(Json<ErrorBody>),
}

impl AskError {
    /// The HTTP status this answers with.
    fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::PayloadTooLarge(_) => 413,
            Self::UnsupportedMediaType(_) => 415,
            Self::Unprocessable(_) => 422,
            Self::TooManyRequests(..) => 429,
            Self::Internal(_) => 500,
            Self::BadGateway(_) => 502,
            Self::Unavailable(_) => 503,
            Self::GatewayTimeout(_) => 504,
        }
    }
}

/// The status and error body for a failed model.
fn model_failure(err: &ModelError) -> (u16, &'static str) {
    match err {
        ModelError::NotConfigured => (503, "AI_OFF"),
        ModelError::Unavailable(_) => (503, "AI_UNAVAILABLE"),
        ModelError::Timeout(_) => (504, "AI_TIMEOUT"),
        ModelError::Upstream { .. } | ModelError::Protocol(_) => (502, "AI_UPSTREAM_ERROR"),
    }
}

fn log_model_failure(err: &ModelError) {
    match err {
        ModelError::Upstream { status, message } => {
            tracing::warn!(status, message = %message, "AI model answered with an error");
        }
        other => tracing::warn!(error = ?other, "AI model failed"),
    }
}

impl From<ServiceError> for AskError {
    fn from(err: ServiceError) -> Self {
        let message = err.to_string();
        let body = |code: &str| Json(ErrorBody::new(code, message.clone()));
        match err {
            ServiceError::CompanionOff => Self::Unavailable(body("AI_OFF")),
            ServiceError::AiQuotaExceeded {
                per_day,
                retry_after,
            } => {
                let seconds = retry_after_seconds(retry_after);
                let mut error = ErrorBody::new("AI_QUOTA_EXCEEDED", message.clone());
                error.error.details = Some(serde_json::json!({
                    "messages_per_day": per_day,
                    "retry_after_seconds": seconds,
                }));
                Self::TooManyRequests(Json(error), seconds)
            }
            ServiceError::Model(model) => {
                log_model_failure(&model);
                let (status, code) = model_failure(&model);
                match status {
                    502 => Self::BadGateway(body(code)),
                    504 => Self::GatewayTimeout(body(code)),
                    _ => Self::Unavailable(body(code)),
                }
            }
            other => match ApiError::from(other) {
                ApiError::Unauthorized(b) => Self::Unauthorized(b),
                ApiError::NotFound(b) => Self::NotFound(b),
                ApiError::Conflict(b) => Self::Conflict(b),
                ApiError::Unprocessable(b) => Self::Unprocessable(b),
                ApiError::BadRequest(b) => Self::BadRequest(b),
                ApiError::PayloadTooLarge(b) => Self::PayloadTooLarge(b),
                ApiError::UnsupportedMediaType(b) => Self::UnsupportedMediaType(b),
                // A full disk while saving the conversation: the chat's
                // statuses have no 507, and "try again later" is true.
                ApiError::Unavailable(b) | ApiError::InsufficientStorage(b) => Self::Unavailable(b),
                ApiError::TooManyRequests(b, s) => Self::TooManyRequests(b, s),
                // The companion's use cases never forbid (others' things are
                // "not found").
                ApiError::Forbidden(b) | ApiError::Internal(b) => Self::Internal(b),
            },
        }
    }
}

/// A conversation with the companion.
#[derive(Debug, Clone, Object)]
pub struct ConversationOut {
    /// Id.
    pub id: Uuid,
    /// The legacy it is about.
    pub legacy_id: Uuid,
    /// Its title.
    pub title: String,
    /// When it was started.
    pub created_at: OffsetDateTime,
    /// Its last message or rename.
    pub updated_at: OffsetDateTime,
}

impl From<mosaic_domain::Conversation> for ConversationOut {
    fn from(c: mosaic_domain::Conversation) -> Self {
        Self {
            id: c.id.as_uuid(),
            legacy_id: c.legacy_id.as_uuid(),
            title: c.title.into_inner(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// One page of conversations, newest first.
#[derive(Debug, Clone, Object)]
pub struct ConversationPage {
    /// The conversations.
    pub items: Vec<ConversationOut>,
    /// Pass as `cursor` for the next page; null on the last one.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A citation of a stored answer, as the owner may see it now.
#[derive(Debug, Clone, Object)]
pub struct CitationOut {
    /// The `[n]` used in the answer.
    pub n: u32,
    /// The story, when the owner may still open it.
    #[oai(nullable)]
    pub story_id: Option<Uuid>,
    /// Its title, when the owner may still open it.
    #[oai(nullable)]
    pub title: Option<String>,
    /// Whether the story can still be opened; an unavailable citation
    /// shows neither title nor link.
    pub available: bool,
}

impl From<CitationView> for CitationOut {
    fn from(view: CitationView) -> Self {
        let shown = view.available;
        Self {
            n: view.citation.number,
            story_id: shown.then(|| view.citation.story_id.as_uuid()),
            title: shown.then(|| view.citation.title.into_inner()),
            available: shown,
        }
    }
}

/// A message of a conversation.
#[derive(Debug, Clone, Object)]
pub struct MessageOut {
    /// Id.
    pub id: Uuid,
    /// `user` (a question) or `assistant` (an answer).
    pub role: String,
    /// The question, or the answer (Markdown without images or links).
    pub content: String,
    /// The answer's citations.
    pub citations: Vec<CitationOut>,
    /// When it was written.
    pub created_at: OffsetDateTime,
}

impl From<MessageView> for MessageOut {
    fn from(view: MessageView) -> Self {
        Self {
            id: view.message.id.as_uuid(),
            role: view.message.role.as_str().to_owned(),
            content: view.message.content,
            citations: view.citations.into_iter().map(Into::into).collect(),
            created_at: view.message.created_at,
        }
    }
}

/// A conversation with its messages.
#[derive(Debug, Clone, Object)]
pub struct ConversationDetail {
    /// The conversation.
    pub conversation: ConversationOut,
    /// Its messages, oldest first.
    pub messages: Vec<MessageOut>,
}

impl From<ConversationView> for ConversationDetail {
    fn from(view: ConversationView) -> Self {
        Self {
            conversation: view.conversation.into(),
            messages: view.messages.into_iter().map(Into::into).collect(),
        }
    }
}

/// A new title.
#[derive(Debug, Clone, Object)]
pub struct ConversationRename {
    /// 1–200 characters, at least one of them neither white space nor a
    /// control character.
    #[oai(validator(
        max_length = 200,
        pattern = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    ))]
    pub title: Text,
}

#[derive(Debug, ApiResponse)]
enum Deleted {
    /// The conversation and its messages are gone for good.
    #[oai(status = 204)]
    Deleted,
}

/// Watches one answer's events and records it in `/metrics` once: when its
/// `done` or `error` event passes, or as `cancelled` when the stream is
/// dropped before (the client went away).
struct AnswerMeter {
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    record: Option<crate::metrics::AnswerRecord>,
    started: std::time::Instant,
}

impl AnswerMeter {
    fn new(
        metrics: std::sync::Arc<crate::metrics::Metrics>,
        model: String,
        started: std::time::Instant,
    ) -> Self {
        Self {
            metrics,
            record: Some(crate::metrics::AnswerRecord {
                model,
                outcome: "cancelled".to_owned(),
                prompt_tokens: 0,
                completion_tokens: 0,
                first_delta: None,
            }),
            started,
        }
    }

    /// Records a question refused before any answer (quota, model down, …).
    fn refused(mut self, error: &AskError) {
        if let Some(record) = self.record.as_mut() {
            record.outcome = format!("refused_{}", error.status());
        }
    }

    fn observe(&mut self, event: &ChatEvent) {
        let Some(record) = self.record.as_mut() else {
            return;
        };
        match event {
            ChatEvent::Delta(_) if record.first_delta.is_none() => {
                record.first_delta = Some(self.started.elapsed());
            }
            ChatEvent::Done(done) => {
                record.outcome = "completed".to_owned();
                record.prompt_tokens = done.prompt_tokens.map_or(0, u64::from);
                record.completion_tokens = done.completion_tokens.map_or(0, u64::from);
                self.finish();
            }
            ChatEvent::Error(error) => {
                record.outcome = error.code.clone();
                self.finish();
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        if let Some(record) = self.record.take() {
            self.metrics.record_answer(record);
        }
    }
}

impl Drop for AnswerMeter {
    fn drop(&mut self) {
        self.finish();
    }
}

fn to_events(
    conversation: ConversationId,
    answer: mosaic_ports::AnswerStream,
    mut meter: AnswerMeter,
) -> ChatEvents {
    let start = ChatEvent::Start(ChatStart {
        conversation_id: conversation.as_uuid(),
        title: answer.conversation.title.as_str().to_owned(),
        passages: u32::try_from(answer.passages).unwrap_or(u32::MAX),
    });
    let events = answer.events.map(move |event| match event {
        AnswerEvent::Delta(text) => ChatEvent::Delta(ChatDelta { text }),
        AnswerEvent::Citation(c) => ChatEvent::Citation(ChatCitation {
            n: c.number,
            story_id: c.story_id.as_uuid(),
            title: c.title.into_inner(),
        }),
        AnswerEvent::Done { message_id, usage } => ChatEvent::Done(ChatDone {
            message_id: message_id.as_uuid(),
            conversation_id: conversation.as_uuid(),
            prompt_tokens: usage.map(|u| u.prompt_tokens),
            completion_tokens: usage.map(|u| u.completion_tokens),
        }),
        AnswerEvent::Error(err) => {
            let message = err.to_string();
            let code = match &err {
                ServiceError::Model(model) => {
                    log_model_failure(model);
                    model_failure(model).1
                }
                other => {
                    tracing::error!(error = ?other, "answer broke off");
                    "INTERNAL"
                }
            };
            ChatEvent::Error(ChatError {
                code: code.to_owned(),
                message,
            })
        }
    });
    futures_util::stream::once(async move { start })
        .chain(events)
        .map(move |event| {
            meter.observe(&event);
            event
        })
        .boxed()
}

#[OpenApi(tag = "ApiTags::Chat")]
impl ChatApi {
    /// Whether the AI companion is on
    ///
    /// Open to everyone, so the web app can hide the companion when no
    /// model is configured.
    #[oai(path = "/chat/status", method = "get", operation_id = "chat_status")]
    async fn status(&self, state: Data<&AppState>) -> Json<ChatStatus> {
        Json(state.service.companion_status().into())
    }

    /// Ask about a person
    ///
    /// Answered only from the stories the caller may read now (and not kept
    /// out of the companion by their authors), streamed as Server-Sent
    /// Events. Counts against the caller's daily quota.
    #[oai(path = "/chat/stream", method = "post", operation_id = "chat_stream")]
    async fn stream(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        body: Json<ChatRequest>,
    ) -> Result<Streamed, AskError> {
        let question = Question::new(&body.0.question.0)
            .map_err(|e| AskError::from(ServiceError::Invalid(e)))?;
        let ask = Ask {
            legacy: LegacyId::from_uuid(body.0.legacy_id),
            conversation: body.0.conversation_id.map(ConversationId::from_uuid),
            question,
        };
        let meter = AnswerMeter::new(
            std::sync::Arc::clone(&state.metrics),
            state.service.companion_status().model.unwrap_or_default(),
            std::time::Instant::now(),
        );
        let answer = match state.service.ask(auth.0.id(), ask).await {
            Ok(answer) => answer,
            Err(err) => {
                let err = AskError::from(err);
                meter.refused(&err);
                return Err(err);
            }
        };
        let conversation = answer.conversation.id;
        Ok(Streamed::Events(
            EventStream::new(to_events(conversation, answer, meter))
                .keep_alive(Duration::from_secs(15))
                .to_event(|event| {
                    let name = event.name();
                    poem::web::sse::Event::message(event.to_json_string()).event_type(name)
                }),
        ))
    }

    /// My conversations
    ///
    /// The caller's own conversations (about one legacy when `legacy_id` is
    /// given), newest first.
    #[oai(
        path = "/chat/conversations",
        method = "get",
        operation_id = "list_conversations"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        legacy_id: Query<Option<Uuid>>,
        /// The `next_cursor` of the previous page; omit for the first page.
        #[oai(validator(pattern = r"^(-?[0-9]{1,19}_[0-9a-fA-F]{32})?$"))]
        cursor: Query<Option<String>>,
        /// Page size, 1–100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<ConversationPage>> {
        let page = page_request(cursor.0, limit.0)?;
        let conversations = state
            .service
            .list_conversations(auth.0.id(), legacy_id.0.map(LegacyId::from_uuid), page)
            .await?;
        Ok(Json(ConversationPage {
            next_cursor: conversations.next.map(|c| c.encode()),
            items: conversations.items.into_iter().map(Into::into).collect(),
        }))
    }

    /// One of my conversations
    ///
    /// With its messages. Anyone else's conversation answers 404. Citations
    /// of stories the caller may no longer read come back unavailable.
    #[oai(
        path = "/chat/conversations/:id",
        method = "get",
        operation_id = "get_conversation"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Json<ConversationDetail>> {
        let view = state
            .service
            .get_conversation(auth.0.id(), ConversationId::from_uuid(id.0))
            .await?;
        Ok(Json(view.into()))
    }

    /// Rename one of my conversations
    #[oai(
        path = "/chat/conversations/:id",
        method = "patch",
        operation_id = "rename_conversation"
    )]
    async fn rename(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
        body: Json<ConversationRename>,
    ) -> ApiResult<Json<ConversationOut>> {
        let title = ConversationTitle::new(&body.0.title.0).map_err(ApiError::invalid)?;
        let conversation = state
            .service
            .rename_conversation(auth.0.id(), ConversationId::from_uuid(id.0), title)
            .await?;
        Ok(Json(conversation.into()))
    }

    /// Delete one of my conversations for good
    #[oai(
        path = "/chat/conversations/:id",
        method = "delete",
        operation_id = "delete_conversation"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        auth: SignedIn,
        id: Path<Uuid>,
    ) -> ApiResult<Deleted> {
        state
            .service
            .delete_conversation(auth.0.id(), ConversationId::from_uuid(id.0))
            .await?;
        Ok(Deleted::Deleted)
    }
}
