use async_trait::async_trait;
use mosaic_domain::{
    ChatMessage, Conversation, ConversationId, ConversationTitle, LegacyId, Page, PageRequest,
    UserId,
};
use time::OffsetDateTime;

use crate::RepoError;

/// Conversations with the AI companion and their messages. Who may see a conversation is decided by the
/// service (the domain's [`Conversation::check_owner`]); this port only
/// stores and finds.
#[cfg_attr(feature = "mock", mockall::automock)]
#[async_trait]
pub trait ConversationRepo: Send + Sync {
    /// Stores a new conversation.
    /// MUST return [`RepoError::NotFound`] when the user or legacy does not
    /// exist, [`RepoError::Conflict`] when the id is taken.
    async fn create_conversation(&self, conversation: &Conversation) -> Result<(), RepoError>;

    /// The conversation. MUST return [`RepoError::NotFound`] when no
    /// conversation has this id.
    async fn get_conversation(&self, id: ConversationId) -> Result<Conversation, RepoError>;

    /// The user's conversations (about `legacy` only, when given), newest
    /// first by `(created_at, id)`. Other users' conversations MUST never
    /// appear.
    async fn list_conversations(
        &self,
        user: UserId,
        legacy: Option<LegacyId>,
        page: PageRequest,
    ) -> Result<Page<Conversation>, RepoError>;

    /// Sets the title and `updated_at`; returns the conversation as stored.
    /// MUST return [`RepoError::NotFound`] for an unknown id.
    async fn rename_conversation(
        &self,
        id: ConversationId,
        title: &ConversationTitle,
        at: OffsetDateTime,
    ) -> Result<Conversation, RepoError>;

    /// Removes the conversation for good, with all its messages and
    /// citations. MUST return [`RepoError::NotFound`] for an unknown id.
    async fn delete_conversation(&self, id: ConversationId) -> Result<(), RepoError>;

    /// In one transaction: stores the message with its citations and sets
    /// the conversation's `updated_at` to the message's time.
    /// MUST return [`RepoError::NotFound`] when the conversation is gone
    /// (deleted meanwhile) and then store nothing.
    async fn add_message(&self, message: &ChatMessage) -> Result<(), RepoError>;

    /// The conversation's messages, oldest first, each with its citations
    /// in number order (one query for the messages and one for all their
    /// citations, however long the conversation).
    async fn list_messages(
        &self,
        conversation: ConversationId,
    ) -> Result<Vec<ChatMessage>, RepoError>;
}
