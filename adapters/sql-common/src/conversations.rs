//! The AI companion's repository, written once for both databases (see
//! [`impl_repositories!`](crate::impl_repositories), which expands this).

/// Implements [`ConversationRepo`](mosaic_ports::ConversationRepo) for
/// `$store`; called by [`impl_repositories!`](crate::impl_repositories).
#[doc(hidden)]
#[macro_export]
macro_rules! impl_conversations {
    (store = $store:ty, statements = $statements:expr $(,)?) => {
        const _: () = {
            use std::collections::HashMap;

            use $crate::__private::async_trait::async_trait;
            use $crate::__private::domain::{
                ChatMessage, Conversation, ConversationId, ConversationTitle, LegacyId, Page,
                PageRequest, UserId,
            };
            use $crate::__private::ports::{ConversationRepo, RepoError};
            use $crate::__private::sqlx;
            use $crate::__private::time::OffsetDateTime;
            use $crate::__private::uuid::Uuid;
            use $crate::rows::{ChatMessageRow, CitationRow, ConversationRow};
            use $crate::{Statements, Timestamp, conflict, read_error, write_error};

            const SQL: &Statements = $statements;

            fn cursor_of_conversation(c: &Conversation) -> $crate::__private::domain::Cursor {
                $crate::__private::domain::Cursor {
                    created_at: c.created_at,
                    id: c.id.as_uuid(),
                }
            }

            #[async_trait]
            impl ConversationRepo for $store {
                async fn create_conversation(
                    &self,
                    conversation: &Conversation,
                ) -> Result<(), RepoError> {
                    sqlx::query(SQL.insert_conversation)
                        .bind(conversation.id.as_uuid())
                        .bind(conversation.user_id.as_uuid())
                        .bind(conversation.legacy_id.as_uuid())
                        .bind(conversation.title.as_str())
                        .bind(Timestamp(conversation.created_at))
                        .bind(Timestamp(conversation.updated_at))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    Ok(())
                }

                async fn get_conversation(
                    &self,
                    id: ConversationId,
                ) -> Result<Conversation, RepoError> {
                    sqlx::query_as::<_, ConversationRow>(SQL.select_conversation)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn list_conversations(
                    &self,
                    user: UserId,
                    legacy: Option<LegacyId>,
                    page: PageRequest,
                ) -> Result<Page<Conversation>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, ConversationRow>(SQL.list_conversations)
                        .bind(user.as_uuid())
                        .bind(legacy.map(|l| l.as_uuid()))
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        $crate::convert_rows(rows, ConversationRow::into_domain)?,
                        page,
                        cursor_of_conversation,
                    ))
                }

                async fn rename_conversation(
                    &self,
                    id: ConversationId,
                    title: &ConversationTitle,
                    at: OffsetDateTime,
                ) -> Result<Conversation, RepoError> {
                    sqlx::query_as::<_, ConversationRow>(SQL.rename_conversation)
                        .bind(id.as_uuid())
                        .bind(title.as_str())
                        .bind(Timestamp(at))
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn delete_conversation(&self, id: ConversationId) -> Result<(), RepoError> {
                    let done = sqlx::query(SQL.delete_conversation)
                        .bind(id.as_uuid())
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    if done.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    Ok(())
                }

                async fn add_message(&self, message: &ChatMessage) -> Result<(), RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let touched = sqlx::query(SQL.touch_conversation)
                        .bind(message.conversation_id.as_uuid())
                        .bind(Timestamp(message.created_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    if touched.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    sqlx::query(SQL.insert_chat_message)
                        .bind(message.id.as_uuid())
                        .bind(message.conversation_id.as_uuid())
                        .bind(message.role.as_str())
                        .bind(message.content.as_str())
                        .bind(Timestamp(message.created_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    for citation in &message.citations {
                        sqlx::query(SQL.insert_chat_citation)
                            .bind(message.id.as_uuid())
                            .bind(i64::from(citation.number))
                            .bind(citation.story_id.as_uuid())
                            .bind(citation.title.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(|err| write_error(err, &conflict))?;
                    }
                    tx.commit().await.map_err(read_error)
                }

                async fn list_messages(
                    &self,
                    conversation: ConversationId,
                ) -> Result<Vec<ChatMessage>, RepoError> {
                    let rows = sqlx::query_as::<_, ChatMessageRow>(SQL.list_chat_messages)
                        .bind(conversation.as_uuid())
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    let citation_rows = sqlx::query_as::<_, CitationRow>(SQL.list_chat_citations)
                        .bind(conversation.as_uuid())
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    let mut citations: HashMap<Uuid, Vec<_>> = HashMap::new();
                    for row in citation_rows {
                        let message = row.message_id();
                        citations
                            .entry(message)
                            .or_default()
                            .push(row.into_domain()?);
                    }
                    rows.into_iter()
                        .map(|row| {
                            let cited = citations.remove(&row.id()).unwrap_or_default();
                            row.into_domain(cited)
                        })
                        .collect()
                }
            }
        };
    };
}
