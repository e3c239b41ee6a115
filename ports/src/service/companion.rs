//! The AI companion's use cases: asking (a streamed, cited answer from the
//! stories the asker may read), and the asker's conversations.

use std::collections::{BTreeSet, HashMap};
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use mosaic_domain::{
    ChatMessage, ChatMessageId, ChatRole, Citation, CitationScanner, Conversation, ConversationId,
    ConversationTitle, DailyQuota, LegacyAccess, LegacyId, Page, PageRequest, Passages, Question,
    StoryId, UserId, build_prompt, citation_available, sanitize_answer,
};
use time::OffsetDateTime;

use super::error::RepoResultExt;
use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::{
    Clock, CompletionEvent, ConversationRepo, IdGenerator, JobQueue, LanguageModel, ModelError,
    RateDecision, RateLimiter, RateQuota, StoryEmbeddings, TokenUsage,
};

/// How the companion behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanionSettings {
    /// Questions per person per day.
    pub quota: DailyQuota,
    /// Most passages retrieved for one question.
    pub passages: usize,
    /// Earlier questions of the conversation given to the model as context.
    pub earlier_questions: usize,
}

impl Default for CompanionSettings {
    fn default() -> Self {
        Self {
            quota: DailyQuota::default(),
            passages: 6,
            earlier_questions: 4,
        }
    }
}

/// What the companion needs beyond the core ports. Conversations are kept
/// even when no model is configured, so that people can still read and
/// delete them.
#[derive(Clone)]
pub struct CompanionPorts {
    /// The chat model, if one is configured.
    pub model: Option<Arc<dyn LanguageModel>>,
    /// Conversations and their messages.
    pub conversations: Arc<dyn ConversationRepo>,
    /// The shared limiter that counts questions against the daily quota.
    pub limiter: Arc<dyn RateLimiter>,
    /// Stored story embeddings (used when the model embeds).
    pub embeddings: Arc<dyn StoryEmbeddings>,
    /// The background-job queue (its counts are part of the status).
    pub jobs: Arc<dyn JobQueue>,
    /// How it behaves.
    pub settings: CompanionSettings,
}

impl std::fmt::Debug for CompanionPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompanionPorts")
            .field(
                "model",
                &self.model.as_ref().map(|m| m.model_name().to_owned()),
            )
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Whether the companion is on, for the web app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanionStatus {
    /// A model is configured.
    pub enabled: bool,
    /// The chat model's name, when enabled.
    pub model: Option<String>,
    /// Questions per person per day.
    pub messages_per_day: u32,
}

/// A question to the companion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The legacy asked about.
    pub legacy: LegacyId,
    /// The conversation to continue; a new one is started when `None`.
    pub conversation: Option<ConversationId>,
    /// The question.
    pub question: Question,
}

/// One event of a streamed answer.
#[derive(Debug)]
pub enum AnswerEvent {
    /// The next piece of the answer's text.
    Delta(String),
    /// A valid citation, the first time the answer uses it.
    Citation(Citation),
    /// The answer is complete and stored.
    Done {
        /// The stored answer's id.
        message_id: ChatMessageId,
        /// Token counts, if the provider reported them.
        usage: Option<TokenUsage>,
    },
    /// The answer broke off. Nothing follows.
    Error(ServiceError),
}

/// A streamed answer: the conversation it belongs to, and its events.
/// Dropping it (a person who disconnects) drops the model's stream, which
/// cancels the request to the provider.
pub struct AnswerStream {
    /// The conversation (new or continued).
    pub conversation: Conversation,
    /// How many passages were sent to the model.
    pub passages: usize,
    /// The events, ending with `Done` or `Error`.
    pub events: Pin<Box<dyn Stream<Item = AnswerEvent> + Send>>,
}

impl std::fmt::Debug for AnswerStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerStream")
            .field("conversation", &self.conversation.id)
            .field("passages", &self.passages)
            .finish_non_exhaustive()
    }
}

/// A citation of a stored answer as the owner sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitationView {
    /// The citation as given. Its title MUST NOT be shown when unavailable.
    pub citation: Citation,
    /// Whether the owner may still open the story.
    pub available: bool,
}

/// A stored message with its citations as the owner sees them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    /// The message.
    pub message: ChatMessage,
    /// Its citations, checked against what the owner may read now.
    pub citations: Vec<CitationView>,
}

/// A conversation with its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationView {
    /// The conversation.
    pub conversation: Conversation,
    /// Its messages, oldest first.
    pub messages: Vec<MessageView>,
}

impl MosaicService {
    pub(crate) fn companion(&self) -> ServiceResult<&CompanionPorts> {
        self.companion.as_ref().ok_or(ServiceError::CompanionOff)
    }

    pub(crate) fn model(&self) -> ServiceResult<(&CompanionPorts, Arc<dyn LanguageModel>)> {
        let companion = self.companion()?;
        let model = companion.model.clone().ok_or(ServiceError::CompanionOff)?;
        Ok((companion, model))
    }

    /// Whether the companion is on.
    pub fn companion_status(&self) -> CompanionStatus {
        let companion = self.companion.as_ref();
        let model = companion.and_then(|c| c.model.as_ref());
        CompanionStatus {
            enabled: model.is_some(),
            model: model.map(|m| m.model_name().to_owned()),
            messages_per_day: companion.map_or(0, |c| c.settings.quota.per_day()),
        }
    }

    /// Asks the companion about a legacy. Retrieval happens first
    /// ([`Self::retrieve`]), restricted to what the caller may read now and
    /// not kept out of the companion; the domain checks every passage again
    /// before it reaches the prompt. The question counts against the daily
    /// quota.
    pub async fn ask(&self, caller: UserId, ask: Ask) -> ServiceResult<AnswerStream> {
        let (companion, model) = self.model()?;
        let legacy = self
            .ports
            .legacies
            .get_legacy(ask.legacy)
            .await
            .or_missing(Resource::Legacy)?;
        let access = self.access(Some(caller), ask.legacy).await?;
        let earlier = match ask.conversation {
            Some(id) => {
                let conversation = self.own_conversation(caller, id).await?;
                if conversation.legacy_id != ask.legacy {
                    return Err(ServiceError::Conflict(
                        "this conversation is about another legacy".into(),
                    ));
                }
                let messages = companion
                    .conversations
                    .list_messages(id)
                    .await
                    .or_missing(Resource::Conversation)?;
                Some((conversation, messages))
            }
            None => None,
        };

        self.count_question(companion, caller).await?;
        self.start_answer(
            companion,
            &*model,
            &access,
            &legacy,
            &ask,
            earlier,
            self.now(),
        )
        .await
    }

    /// Counts a question against the caller's daily quota, through the
    /// shared limiter (so N replicas enforce one quota). A question counts
    /// when asked, also if the model then fails.
    async fn count_question(
        &self,
        companion: &CompanionPorts,
        caller: UserId,
    ) -> ServiceResult<()> {
        let quota = companion.settings.quota;
        let per_day =
            std::num::NonZeroU32::new(quota.per_day()).ok_or(ServiceError::AiQuotaExceeded {
                per_day: 0,
                retry_after: DailyQuota::PERIOD,
            })?;
        let decision = companion
            .limiter
            .acquire(
                &DailyQuota::key(caller),
                RateQuota {
                    count: per_day,
                    period: DailyQuota::PERIOD.unsigned_abs(),
                },
            )
            .await
            .or_missing(Resource::User)?;
        match decision {
            RateDecision::Allowed => Ok(()),
            RateDecision::Limited { retry_after } => Err(ServiceError::AiQuotaExceeded {
                per_day: per_day.get(),
                retry_after: time::Duration::try_from(retry_after).unwrap_or(DailyQuota::PERIOD),
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn start_answer(
        &self,
        companion: &CompanionPorts,
        model: &dyn LanguageModel,
        access: &LegacyAccess,
        legacy: &mosaic_domain::Legacy,
        ask: &Ask,
        earlier: Option<(Conversation, Vec<ChatMessage>)>,
        now: OffsetDateTime,
    ) -> ServiceResult<AnswerStream> {
        let candidates = self
            .retrieve(access, &ask.question, companion.settings.passages)
            .await?;
        let passages = Passages::select(access, &candidates, companion.settings.passages);
        let earlier_questions: Vec<Question> = earlier
            .as_ref()
            .map(|(_, messages)| {
                let asked: Vec<Question> = messages
                    .iter()
                    .filter(|m| m.role == ChatRole::User)
                    .filter_map(|m| Question::new(&m.content).ok())
                    .collect();
                let skip = asked
                    .len()
                    .saturating_sub(companion.settings.earlier_questions);
                asked.into_iter().skip(skip).collect()
            })
            .unwrap_or_default();
        let prompt = build_prompt(legacy, &passages, &earlier_questions, &ask.question);
        let upstream = model
            .stream_completion(&prompt)
            .await
            .map_err(ServiceError::Model)?;

        let conversation = match earlier {
            Some((conversation, _)) => conversation,
            None => {
                let conversation = Conversation {
                    id: ConversationId::from_uuid(self.ports.ids.new_id()),
                    user_id: access.viewer().ok_or(ServiceError::Unauthenticated)?,
                    legacy_id: ask.legacy,
                    title: ConversationTitle::from_question(&ask.question),
                    created_at: now,
                    updated_at: now,
                };
                companion
                    .conversations
                    .create_conversation(&conversation)
                    .await
                    .or_missing(Resource::Legacy)?;
                conversation
            }
        };
        companion
            .conversations
            .add_message(&ChatMessage {
                id: ChatMessageId::from_uuid(self.ports.ids.new_id()),
                conversation_id: conversation.id,
                role: ChatRole::User,
                content: ask.question.as_str().to_owned(),
                citations: Vec::new(),
                created_at: now,
            })
            .await
            .or_missing(Resource::Conversation)?;

        let sent = passages.as_slice().len();
        let answer = Answering {
            upstream,
            scanner: CitationScanner::new(passages),
            text: String::new(),
            citations: Vec::new(),
            queued: Vec::new(),
            conversation: conversation.id,
            conversations: companion.conversations.clone(),
            ids: self.ports.ids.clone(),
            clock: self.ports.clock.clone(),
            finished: false,
        };
        Ok(AnswerStream {
            conversation,
            passages: sent,
            events: Box::pin(futures_util::stream::unfold(answer, Answering::next)),
        })
    }

    /// The caller's conversations (about one legacy, when given), newest first.
    pub async fn list_conversations(
        &self,
        caller: UserId,
        legacy: Option<LegacyId>,
        page: PageRequest,
    ) -> ServiceResult<Page<Conversation>> {
        self.companion()?
            .conversations
            .list_conversations(caller, legacy, page)
            .await
            .or_missing(Resource::Conversation)
    }

    /// One of the caller's conversations with its messages. Citations of
    /// stories the caller may no longer read are marked unavailable.
    pub async fn get_conversation(
        &self,
        caller: UserId,
        id: ConversationId,
    ) -> ServiceResult<ConversationView> {
        let conversation = self.own_conversation(caller, id).await?;
        let messages = self
            .companion()?
            .conversations
            .list_messages(id)
            .await
            .or_missing(Resource::Conversation)?;
        let access = self.access(Some(caller), conversation.legacy_id).await?;
        let cited: BTreeSet<StoryId> = messages
            .iter()
            .flat_map(|m| m.citations.iter().map(|c| c.story_id))
            .collect();
        let mut available = HashMap::new();
        for story_id in cited {
            let story = match self.ports.stories.get_story(story_id).await {
                Ok(view) => Some(view.story),
                Err(crate::RepoError::NotFound) => None,
                Err(err) => return Err(ServiceError::from_repo(err, Resource::Story)),
            };
            available.insert(story_id, citation_available(&access, story.as_ref()));
        }
        let messages = messages
            .into_iter()
            .map(|message| {
                let citations = message
                    .citations
                    .iter()
                    .map(|citation| CitationView {
                        citation: citation.clone(),
                        available: available.get(&citation.story_id).copied().unwrap_or(false),
                    })
                    .collect();
                MessageView { message, citations }
            })
            .collect();
        Ok(ConversationView {
            conversation,
            messages,
        })
    }

    /// Renames one of the caller's conversations.
    pub async fn rename_conversation(
        &self,
        caller: UserId,
        id: ConversationId,
        title: ConversationTitle,
    ) -> ServiceResult<Conversation> {
        self.own_conversation(caller, id).await?;
        self.companion()?
            .conversations
            .rename_conversation(id, &title, self.now())
            .await
            .or_missing(Resource::Conversation)
    }

    /// Deletes one of the caller's conversations for good.
    pub async fn delete_conversation(
        &self,
        caller: UserId,
        id: ConversationId,
    ) -> ServiceResult<()> {
        self.own_conversation(caller, id).await?;
        self.companion()?
            .conversations
            .delete_conversation(id)
            .await
            .or_missing(Resource::Conversation)
    }

    /// A conversation, if it is the caller's; anyone else's is "not found".
    async fn own_conversation(
        &self,
        caller: UserId,
        id: ConversationId,
    ) -> ServiceResult<Conversation> {
        let conversation = self
            .companion()?
            .conversations
            .get_conversation(id)
            .await
            .or_missing(Resource::Conversation)?;
        conversation
            .check_owner(caller)
            .map_err(|e| ServiceError::from_access(e, Resource::Conversation))?;
        Ok(conversation)
    }
}

/// The state of an answer being streamed.
struct Answering {
    upstream: crate::CompletionStream,
    scanner: CitationScanner,
    text: String,
    citations: Vec<Citation>,
    queued: Vec<AnswerEvent>,
    conversation: ConversationId,
    conversations: Arc<dyn ConversationRepo>,
    ids: Arc<dyn IdGenerator>,
    clock: Arc<dyn Clock>,
    finished: bool,
}

impl Answering {
    async fn next(mut self) -> Option<(AnswerEvent, Self)> {
        loop {
            if !self.queued.is_empty() {
                let event = self.queued.remove(0);
                return Some((event, self));
            }
            if self.finished {
                return None;
            }
            match self.upstream.next().await {
                Some(Ok(CompletionEvent::Delta(text))) => {
                    if text.is_empty() {
                        continue;
                    }
                    self.text.push_str(&text);
                    let found = self.scanner.push(&text);
                    self.citations.extend(found.iter().cloned());
                    self.queued.push(AnswerEvent::Delta(text));
                    self.queued
                        .extend(found.into_iter().map(AnswerEvent::Citation));
                }
                Some(Ok(CompletionEvent::Done { usage, .. })) => {
                    self.finished = true;
                    let event = match self.store_answer().await {
                        Ok(message_id) => AnswerEvent::Done { message_id, usage },
                        Err(err) => AnswerEvent::Error(err),
                    };
                    self.queued.push(event);
                }
                Some(Err(err)) => {
                    self.finished = true;
                    if !self.text.is_empty()
                        && let Err(store) = self.store_answer().await
                    {
                        tracing::warn!(error = %store, "could not store a broken-off answer");
                    }
                    self.queued
                        .push(AnswerEvent::Error(ServiceError::Model(err)));
                }
                None => {
                    self.finished = true;
                    self.queued.push(AnswerEvent::Error(ServiceError::Model(
                        ModelError::Protocol(anyhow::anyhow!(
                            "the model's stream ended without finishing the answer"
                        )),
                    )));
                }
            }
        }
    }

    /// Stores the answer so far, made safe, with its citations. (Only owned
    /// values live across the await: the upstream stream is not `Sync`.)
    async fn store_answer(&mut self) -> ServiceResult<ChatMessageId> {
        let message = ChatMessage {
            id: ChatMessageId::from_uuid(self.ids.new_id()),
            conversation_id: self.conversation,
            role: ChatRole::Assistant,
            content: sanitize_answer(&self.text),
            citations: self.citations.clone(),
            created_at: self.clock.now(),
        };
        let conversations = self.conversations.clone();
        conversations
            .add_message(&message)
            .await
            .or_missing(Resource::Conversation)?;
        Ok(message.id)
    }
}
