//! The repository method bodies, written once for both databases.
//!
//! Why a macro and not generic code: sqlx code that is generic over the
//! database needs a long list of higher-ranked bounds (`for<'c> &'c mut
//! DB::Connection: Executor<'c>`, `Timestamp: Encode<DB>`, one per bound
//! type, …) repeated on every function, and its errors are hard to read. The
//! macro expands the same method bodies into each adapter, where they are
//! type-checked against the concrete driver, while the shape of every method
//! (which statements, in which transaction, which error means what) lives
//! here once. What differs between the databases is only the SQL
//! ([`Statements`](crate::Statements)) and how a write transaction begins.

/// Implements every repository port of `mosaic-ports`,
/// [`StoreHealth`](mosaic_ports::StoreHealth) and [`BulkLoad`](crate::BulkLoad)
/// for `$store`.
///
/// `$store` must have two inherent methods:
/// - `fn pool(&self) -> &sqlx::Pool<$db>`
/// - `async fn begin_write(&self) -> Result<sqlx::Transaction<'static, $db>, sqlx::Error>`:
///   a transaction that may read rows it then writes without another writer
///   slipping in between (on SQLite `BEGIN IMMEDIATE`; on Postgres a plain
///   transaction, the statements lock rows with `FOR UPDATE`).
///
/// `$statements` is a `&'static Statements` in the store's dialect.
#[macro_export]
macro_rules! impl_repositories {
    (store = $store:ty, db = $db:ty, statements = $statements:expr $(,)?) => {
        $crate::impl_conversations!(store = $store, statements = $statements);
        $crate::impl_jobs!(store = $store, statements = $statements);
        const _: () = {
            use $crate::__private::async_trait::async_trait;
            use $crate::__private::domain::{
                CreatorTransfer, Email, Legacy, LegacyDetails, LegacyId, MediaId, MediaRecord,
                MediaScope, Membership, Page, PageRequest, ReadScope, RevisionId, Role,
                SearchPageRequest, SearchQuery, SearchScope, Session, SessionId, Story, StoryDraft,
                StoryId, StoryQuery, StoryRevision, TokenHash, User, UserId,
            };
            use $crate::__private::ports::{
                LegacyRepo, LegacyWithRole, MediaRepo, MemberEntry, MembershipRepo, NewJob,
                RepoError, SearchFilters, SearchResults, SessionRepo, SignInLink, StoreHealth,
                StoryRepo, StorySearch, StoryView, UserRepo,
            };
            use $crate::__private::sqlx;
            use $crate::__private::time::OffsetDateTime;
            use $crate::__private::uuid::Uuid;
            use $crate::rows::{
                LegacyRoleRow, LegacyRow, LegacyWithRoleRow, MediaRow, MemberEntryRow,
                MembershipRow, RevisionRow, SessionRow, SignedInRow, StoryHitRow, StoryRow,
                StoryVersionRow, StoryViewRow, UserRow,
            };
            use $crate::{
                Statements, Timestamp, conflict, convert_rows as convert, cursor_of_legacy,
                cursor_of_media, cursor_of_story, cursor_of_user, read_error, user_conflict,
                write_error,
            };

            const SQL: &Statements = $statements;

            /// A prepared statement with its parameters bound.
            type Bound = sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments>;

            fn insert_user(user: &User) -> Bound {
                $crate::bind_user!(SQL.insert_user, user)
            }

            fn insert_legacy(legacy: &Legacy) -> Bound {
                sqlx::query(SQL.insert_legacy)
                    .bind(legacy.id.as_uuid())
                    .bind(legacy.name.as_str())
                    .bind(legacy.dates.birth())
                    .bind(legacy.dates.death())
                    .bind(legacy.biography.as_ref().map(|b| b.as_str()))
                    .bind(legacy.created_by.as_uuid())
                    .bind(Timestamp(legacy.created_at))
                    .bind(Timestamp(legacy.updated_at))
                    .bind($crate::fold_name(legacy.name.as_str()))
            }

            fn insert_membership(membership: &Membership) -> Bound {
                $crate::bind_membership!(SQL.insert_membership, membership)
            }

            fn insert_story(story: &Story) -> Bound {
                sqlx::query(SQL.insert_story)
                    .bind(story.id.as_uuid())
                    .bind(story.legacy_id.as_uuid())
                    .bind(story.author_id.as_uuid())
                    .bind(story.title.as_str())
                    .bind(story.content.as_str())
                    .bind(story.visibility.as_str())
                    .bind(Timestamp(story.created_at))
                    .bind(Timestamp(story.updated_at))
                    .bind(story.deleted_at.map(Timestamp))
                    .bind(story.ai_excluded)
            }

            /// The job that brings the story's embedding up to date,
            /// enqueued in the transaction of every write that changes what
            /// the companion may use (text, visibility, opt-out, deletion).
            fn embedding_job(story: StoryId) -> NewJob {
                NewJob::new(
                    $crate::__private::domain::JobKind::StoryEmbedding,
                    story.as_uuid().to_string(),
                    OffsetDateTime::now_utc(),
                )
            }

            #[async_trait]
            impl $crate::BulkLoad for $store {
                async fn load(&self, batch: &$crate::Batch) -> Result<(), RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let inserts = batch
                        .users
                        .iter()
                        .map(insert_user)
                        .chain(batch.legacies.iter().map(insert_legacy))
                        .chain(batch.memberships.iter().map(insert_membership))
                        .chain(batch.stories.iter().map(insert_story));
                    for insert in inserts {
                        insert
                            .execute(&mut *tx)
                            .await
                            .map_err(|err| write_error(err, &conflict))?;
                    }
                    tx.commit().await.map_err(read_error)
                }

                async fn analyze(&self) -> Result<(), RepoError> {
                    sqlx::query(SQL.analyze)
                        .execute(self.pool())
                        .await
                        .map(|_| ())
                        .map_err(read_error)
                }
            }

            #[async_trait]
            impl StoreHealth for $store {
                async fn ping(&self) -> Result<(), RepoError> {
                    sqlx::query(SQL.ping)
                        .execute(self.pool())
                        .await
                        .map(|_| ())
                        .map_err(|err| match read_error(err) {
                            RepoError::Internal(err) => RepoError::Unavailable(err),
                            other => other,
                        })
                }
            }

            #[async_trait]
            impl UserRepo for $store {
                async fn create_user(&self, user: &User) -> Result<(), RepoError> {
                    insert_user(user)
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &user_conflict))?;
                    Ok(())
                }

                async fn get_user(&self, id: UserId) -> Result<User, RepoError> {
                    sqlx::query_as::<_, UserRow>(SQL.select_user)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn find_user_by_email(
                    &self,
                    email: &Email,
                ) -> Result<Option<User>, RepoError> {
                    sqlx::query_as::<_, UserRow>(SQL.select_user_by_email)
                        .bind(email.as_str())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(UserRow::into_domain)
                        .transpose()
                }

                async fn find_user_by_identity(
                    &self,
                    issuer: &str,
                    subject: &str,
                ) -> Result<Option<User>, RepoError> {
                    sqlx::query_as::<_, UserRow>(SQL.select_user_by_identity)
                        .bind(issuer)
                        .bind(subject)
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(UserRow::into_domain)
                        .transpose()
                }

                async fn link_identity(
                    &self,
                    user: UserId,
                    issuer: &str,
                    subject: &str,
                ) -> Result<(), RepoError> {
                    let linked_to: Uuid = sqlx::query_scalar(SQL.upsert_identity)
                        .bind(issuer)
                        .bind(subject)
                        .bind(user.as_uuid())
                        .fetch_one(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    if linked_to == user.as_uuid() {
                        Ok(())
                    } else {
                        Err(RepoError::Conflict(
                            "this sign-in identity is linked to another account".into(),
                        ))
                    }
                }

                async fn update_user(&self, user: &User) -> Result<(), RepoError> {
                    let done = sqlx::query(SQL.update_user)
                        .bind(user.id.as_uuid())
                        .bind(user.email.as_str())
                        .bind(user.name.as_str())
                        .bind(user.avatar_url.as_deref())
                        .bind(user.is_admin)
                        .bind(user.disabled)
                        .bind(Timestamp(user.updated_at))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &user_conflict))?;
                    if done.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    Ok(())
                }

                async fn list_users(&self, page: PageRequest) -> Result<Page<User>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, UserRow>(SQL.list_users)
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, UserRow::into_domain)?,
                        page,
                        cursor_of_user,
                    ))
                }

                async fn count_users(&self) -> Result<u64, RepoError> {
                    let count: i64 = sqlx::query_scalar(SQL.count_users)
                        .fetch_one(self.pool())
                        .await
                        .map_err(read_error)?;
                    $crate::non_negative(count, "user count")
                }
            }

            #[async_trait]
            impl LegacyRepo for $store {
                async fn create_legacy(
                    &self,
                    legacy: &Legacy,
                    creator: &Membership,
                ) -> Result<(), RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    insert_legacy(legacy)
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    insert_membership(creator)
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    tx.commit().await.map_err(read_error)
                }

                async fn get_legacy(&self, id: LegacyId) -> Result<Legacy, RepoError> {
                    sqlx::query_as::<_, LegacyRow>(SQL.select_legacy)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn update_legacy(
                    &self,
                    id: LegacyId,
                    details: &LegacyDetails,
                    at: OffsetDateTime,
                ) -> Result<Legacy, RepoError> {
                    sqlx::query_as::<_, LegacyRow>(SQL.update_legacy)
                        .bind(id.as_uuid())
                        .bind(details.name.as_str())
                        .bind(details.dates.birth())
                        .bind(details.dates.death())
                        .bind(details.biography.as_ref().map(|b| b.as_str()))
                        .bind(Timestamp(at))
                        .bind($crate::fold_name(details.name.as_str()))
                        .fetch_optional(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn delete_legacy(&self, id: LegacyId) -> Result<Vec<String>, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let found: Option<Uuid> = sqlx::query_scalar(SQL.lock_legacy)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    if found.is_none() {
                        return Err(RepoError::NotFound);
                    }
                    let keys: Vec<String> = sqlx::query_scalar(SQL.delete_media_of_legacy)
                        .bind(id.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    sqlx::query(SQL.delete_legacy)
                        .bind(id.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    tx.commit().await.map_err(read_error)?;
                    Ok(keys)
                }

                async fn list_legacies_of_user(
                    &self,
                    user: UserId,
                    page: PageRequest,
                ) -> Result<Page<LegacyWithRole>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, LegacyWithRoleRow>(SQL.list_legacies_of_user)
                        .bind(user.as_uuid())
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, LegacyWithRoleRow::into_domain)?,
                        page,
                        |item| cursor_of_legacy(&item.legacy),
                    ))
                }

                async fn search_legacies(
                    &self,
                    query: &SearchQuery,
                    page: PageRequest,
                ) -> Result<Page<Legacy>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let patterns = $crate::name_patterns(query);
                    let rows = sqlx::query_as::<_, LegacyRow>(SQL.search_legacies)
                        .bind(patterns.anchor)
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .bind(sqlx::types::Json(patterns.groups))
                        .bind(sqlx::types::Json(patterns.excluded))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, LegacyRow::into_domain)?,
                        page,
                        cursor_of_legacy,
                    ))
                }
            }

            impl $store {
                /// Folds every legacy name whose `name_folded` is not the
                /// current [`fold_name`]($crate::fold_name) of its name (a
                /// database written by an older build), in one transaction;
                /// returns how many changed. Run after migrating.
                pub async fn refold_legacy_names(&self) -> Result<u64, RepoError> {
                    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(SQL.select_legacy_names)
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    let stale: Vec<(Uuid, String)> = rows
                        .into_iter()
                        .filter_map(|(id, name, folded)| {
                            let fresh = $crate::fold_name(&name);
                            (fresh != folded).then_some((id, fresh))
                        })
                        .collect();
                    if stale.is_empty() {
                        return Ok(0);
                    }
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    for (id, folded) in &stale {
                        sqlx::query(SQL.update_legacy_name_folded)
                            .bind(*id)
                            .bind(folded.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(read_error)?;
                    }
                    tx.commit().await.map_err(read_error)?;
                    Ok(stale.len() as u64)
                }
            }

            #[async_trait]
            impl MembershipRepo for $store {
                async fn get_membership(
                    &self,
                    legacy: LegacyId,
                    user: UserId,
                ) -> Result<Option<Membership>, RepoError> {
                    sqlx::query_as::<_, MembershipRow>(SQL.select_membership)
                        .bind(legacy.as_uuid())
                        .bind(user.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(MembershipRow::into_domain)
                        .transpose()
                }

                async fn add_membership(&self, membership: &Membership) -> Result<(), RepoError> {
                    insert_membership(membership)
                        .execute(self.pool())
                        .await
                        .map_err(|err| {
                            write_error(err, &|target| {
                                // The primary key (legacy, user) names both
                                // columns; the one-creator index names only the
                                // legacy.
                                if target.contains("pkey") || target.contains("user_id") {
                                    RepoError::AlreadyMember
                                } else {
                                    RepoError::Conflict("the legacy already has a creator".into())
                                }
                            })
                        })?;
                    Ok(())
                }

                async fn set_role(
                    &self,
                    legacy: LegacyId,
                    user: UserId,
                    role: Role,
                ) -> Result<(), RepoError> {
                    if role == Role::Creator {
                        return Err(RepoError::Conflict(
                            "the creator role moves only by a transfer".into(),
                        ));
                    }
                    let done = sqlx::query(SQL.update_role)
                        .bind(legacy.as_uuid())
                        .bind(user.as_uuid())
                        .bind(role.as_str())
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    if done.rows_affected() == 0 {
                        return Err(self.missing_or_creator(legacy, user).await);
                    }
                    Ok(())
                }

                async fn remove_membership(
                    &self,
                    legacy: LegacyId,
                    user: UserId,
                ) -> Result<(), RepoError> {
                    let done = sqlx::query(SQL.delete_membership)
                        .bind(legacy.as_uuid())
                        .bind(user.as_uuid())
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    if done.rows_affected() == 0 {
                        return Err(self.missing_or_creator(legacy, user).await);
                    }
                    Ok(())
                }

                async fn transfer_creator(
                    &self,
                    transfer: &CreatorTransfer,
                ) -> Result<(), RepoError> {
                    if !matches!(transfer.former_creator_role, Role::Member | Role::Editor) {
                        return Err(RepoError::Conflict(
                            "the former creator must stay a member or editor".into(),
                        ));
                    }
                    let legacy = transfer.legacy_id.as_uuid();
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    // Demote first: the one-creator index is checked per
                    // statement, so two creators may never exist even
                    // inside the transaction.
                    let demoted = sqlx::query(SQL.demote_creator)
                        .bind(legacy)
                        .bind(transfer.from.as_uuid())
                        .bind(transfer.former_creator_role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    if demoted.rows_affected() == 0 || transfer.from == transfer.to {
                        return Err(RepoError::NotFound);
                    }
                    let promoted = sqlx::query(SQL.promote_to_creator)
                        .bind(legacy)
                        .bind(transfer.to.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    if promoted.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    sqlx::query(SQL.set_legacy_creator)
                        .bind(legacy)
                        .bind(transfer.to.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    tx.commit().await.map_err(read_error)
                }

                async fn list_members(
                    &self,
                    legacy: LegacyId,
                    include_pending: bool,
                ) -> Result<Vec<MemberEntry>, RepoError> {
                    let rows = sqlx::query_as::<_, MemberEntryRow>(SQL.list_members)
                        .bind(legacy.as_uuid())
                        .bind(include_pending)
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    convert(rows, MemberEntryRow::into_domain)
                }

                async fn roles_of_user_in(
                    &self,
                    user: UserId,
                    legacies: &[LegacyId],
                ) -> Result<std::collections::HashMap<LegacyId, Role>, RepoError> {
                    if legacies.is_empty() {
                        return Ok(std::collections::HashMap::new());
                    }
                    // One JSON array parameter that both databases expand in
                    // SQL: any number of legacies is one statement.
                    let ids: Vec<String> = legacies
                        .iter()
                        .map(|id| id.as_uuid().simple().to_string())
                        .collect();
                    let rows = sqlx::query_as::<_, LegacyRoleRow>(SQL.roles_of_user_in)
                        .bind(user.as_uuid())
                        .bind(sqlx::types::Json(ids))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    rows.into_iter().map(LegacyRoleRow::into_domain).collect()
                }
            }

            impl $store {
                /// After an update or delete that excludes the creator
                /// touched no row: `NotFound` when there is no membership,
                /// `Conflict` when it is the creator's.
                async fn missing_or_creator(&self, legacy: LegacyId, user: UserId) -> RepoError {
                    match MembershipRepo::get_membership(self, legacy, user).await {
                        Ok(Some(m)) if m.role == Role::Creator => RepoError::Conflict(
                            "the creator cannot be removed or demoted; transfer the legacy first"
                                .into(),
                        ),
                        Ok(_) => RepoError::NotFound,
                        Err(err) => err,
                    }
                }
            }

            #[async_trait]
            impl StorySearch for $store {
                async fn search_stories(
                    &self,
                    query: &StoryQuery,
                    scope: SearchScope,
                    filters: &SearchFilters,
                    page: SearchPageRequest,
                ) -> Result<SearchResults, RepoError> {
                    // Both scopes bind the same parameters: who or where (2)
                    // and the read scope inside (3, 4).
                    let (statement, subject, read) = match scope {
                        SearchScope::Legacy { legacy, read } => {
                            (SQL.search_in_legacy, legacy.as_uuid(), read)
                        }
                        SearchScope::MyLegacies { reader } => (
                            SQL.search_in_my_legacies,
                            reader.as_uuid(),
                            SearchScope::member_read_scope(reader),
                        ),
                    };
                    let (rank, id) = $crate::search_bound(&page);
                    let rendered = (SQL.render_search)(query);
                    let rows = sqlx::query_as::<_, StoryHitRow>(statement)
                        .bind(rendered.words)
                        .bind(subject)
                        .bind(read.includes_private())
                        .bind(read.personal_author().map(|u| u.as_uuid()))
                        .bind(filters.author.map(|u| u.as_uuid()))
                        .bind(filters.visibility.map(|v| v.as_str()))
                        .bind(filters.created_from.map(Timestamp))
                        .bind(filters.created_before.map(Timestamp))
                        .bind(rank)
                        .bind(id)
                        .bind(i64::from(page.fetch_limit()))
                        .bind(filters.companion_only)
                        .bind(rendered.prefix)
                        .bind(rendered.beside)
                        .bind(rendered.excluded)
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(SearchResults::from_overfetch(
                        convert(rows, StoryHitRow::into_domain)?,
                        page,
                    ))
                }
            }

            #[async_trait]
            impl StoryRepo for $store {
                async fn create_story(&self, story: &Story) -> Result<(), RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    // The job first: if the story cannot be written, the
                    // rollback takes the job with it.
                    $crate::__enqueue_query!(SQL.jobs.enqueue, &embedding_job(story.id))
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    insert_story(story)
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    tx.commit().await.map_err(read_error)
                }

                async fn get_story(&self, id: StoryId) -> Result<StoryView, RepoError> {
                    sqlx::query_as::<_, StoryViewRow>(SQL.select_story)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn list_stories(
                    &self,
                    legacy: LegacyId,
                    scope: ReadScope,
                    page: PageRequest,
                ) -> Result<Page<StoryView>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, StoryViewRow>(SQL.list_stories)
                        .bind(legacy.as_uuid())
                        .bind(scope.includes_private())
                        .bind(scope.personal_author().map(|u| u.as_uuid()))
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, StoryViewRow::into_domain)?,
                        page,
                        |view: &StoryView| cursor_of_story(&view.story),
                    ))
                }

                async fn update_story(
                    &self,
                    id: StoryId,
                    draft: &StoryDraft,
                    revision: RevisionId,
                    at: OffsetDateTime,
                ) -> Result<Story, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    // Read inside the transaction, locked: a concurrent edit
                    // waits here and then reads what this one wrote.
                    let current =
                        sqlx::query_as::<_, StoryVersionRow>(SQL.select_story_version_for_update)
                            .bind(id.as_uuid())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(read_error)?
                            .ok_or(RepoError::NotFound)?;
                    sqlx::query(SQL.insert_revision)
                        .bind(revision.as_uuid())
                        .bind(id.as_uuid())
                        .bind(&current.title)
                        .bind(&current.content)
                        .bind(&current.visibility)
                        .bind(Timestamp(at))
                        .execute(&mut *tx)
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    let row = sqlx::query_as::<_, StoryRow>(SQL.update_story)
                        .bind(id.as_uuid())
                        .bind(draft.title.as_str())
                        .bind(draft.content.as_str())
                        .bind(draft.visibility.as_str())
                        .bind(Timestamp(at))
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    let story = row.into_domain()?;
                    $crate::__enqueue_query!(SQL.jobs.enqueue, &embedding_job(id))
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    tx.commit().await.map_err(read_error)?;
                    Ok(story)
                }

                async fn set_story_deleted(
                    &self,
                    id: StoryId,
                    deleted_at: Option<OffsetDateTime>,
                ) -> Result<Story, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let story = sqlx::query_as::<_, StoryRow>(SQL.set_story_deleted)
                        .bind(id.as_uuid())
                        .bind(deleted_at.map(Timestamp))
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()?;
                    $crate::__enqueue_query!(SQL.jobs.enqueue, &embedding_job(id))
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    tx.commit().await.map_err(read_error)?;
                    Ok(story)
                }

                async fn set_story_ai_excluded(
                    &self,
                    id: StoryId,
                    excluded: bool,
                ) -> Result<Story, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let story = sqlx::query_as::<_, StoryRow>(SQL.set_story_ai_excluded)
                        .bind(id.as_uuid())
                        .bind(excluded)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()?;
                    $crate::__enqueue_query!(SQL.jobs.enqueue, &embedding_job(id))
                        .execute(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    tx.commit().await.map_err(read_error)?;
                    Ok(story)
                }

                async fn list_revisions(
                    &self,
                    story: StoryId,
                ) -> Result<Vec<StoryRevision>, RepoError> {
                    let rows = sqlx::query_as::<_, RevisionRow>(SQL.list_revisions)
                        .bind(story.as_uuid())
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    convert(rows, RevisionRow::into_domain)
                }

                async fn get_revision(
                    &self,
                    story: StoryId,
                    revision: RevisionId,
                ) -> Result<StoryRevision, RepoError> {
                    sqlx::query_as::<_, RevisionRow>(SQL.select_revision)
                        .bind(story.as_uuid())
                        .bind(revision.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn purge_deleted_stories(
                    &self,
                    deleted_before: OffsetDateTime,
                ) -> Result<u64, RepoError> {
                    let done = sqlx::query(SQL.purge_deleted_stories)
                        .bind(Timestamp(deleted_before))
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(done.rows_affected())
                }
            }

            #[async_trait]
            impl MediaRepo for $store {
                async fn create_media(&self, media: &MediaRecord) -> Result<(), RepoError> {
                    sqlx::query(SQL.insert_media)
                        .bind(media.id.as_uuid())
                        .bind(media.uploaded_by.as_uuid())
                        .bind(media.legacy_id.map(|l| l.as_uuid()))
                        .bind(media.storage_key.as_str())
                        .bind(media.file_name.as_str())
                        .bind(media.media_type.mime())
                        .bind($crate::stored_size(media.size_bytes)?)
                        .bind(Timestamp(media.created_at))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    Ok(())
                }

                async fn get_media(&self, id: MediaId) -> Result<MediaRecord, RepoError> {
                    sqlx::query_as::<_, MediaRow>(SQL.select_media)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn list_media(
                    &self,
                    legacy: LegacyId,
                    scope: MediaScope,
                    page: PageRequest,
                ) -> Result<Page<MediaRecord>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, MediaRow>(SQL.list_media)
                        .bind(legacy.as_uuid())
                        .bind(scope.includes_all())
                        .bind(scope.uploader().map(|u| u.as_uuid()))
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, MediaRow::into_domain)?,
                        page,
                        cursor_of_media,
                    ))
                }

                async fn delete_media(&self, id: MediaId) -> Result<MediaRecord, RepoError> {
                    sqlx::query_as::<_, MediaRow>(SQL.delete_media)
                        .bind(id.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn existing_storage_keys(
                    &self,
                    keys: &[String],
                ) -> Result<Vec<String>, RepoError> {
                    if keys.is_empty() {
                        return Ok(Vec::new());
                    }
                    // One JSON array parameter that both databases expand in
                    // SQL: any number of keys is one statement.
                    sqlx::query_scalar(SQL.existing_storage_keys)
                        .bind(sqlx::types::Json(keys))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)
                }

                async fn media_bytes_of_user(&self, user: UserId) -> Result<u64, RepoError> {
                    let total: i64 = sqlx::query_scalar(SQL.media_bytes_of_user)
                        .bind(user.as_uuid())
                        .fetch_one(self.pool())
                        .await
                        .map_err(read_error)?;
                    $crate::non_negative(total, "media byte total")
                }
            }

            #[async_trait]
            impl SessionRepo for $store {
                async fn create_session(&self, session: &Session) -> Result<(), RepoError> {
                    $crate::bind_session!(SQL.insert_session, session)
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    Ok(())
                }

                async fn find_session(
                    &self,
                    token_hash: &TokenHash,
                ) -> Result<Option<Session>, RepoError> {
                    sqlx::query_as::<_, SessionRow>(SQL.select_session_by_token)
                        .bind(token_hash.as_bytes().as_slice())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(SessionRow::into_domain)
                        .transpose()
                }

                async fn find_signed_in(
                    &self,
                    token_hash: &TokenHash,
                ) -> Result<Option<(Session, User)>, RepoError> {
                    sqlx::query_as::<_, SignedInRow>(SQL.select_signed_in)
                        .bind(token_hash.as_bytes().as_slice())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(SignedInRow::into_domain)
                        .transpose()
                }

                async fn revoke_session(
                    &self,
                    id: SessionId,
                    at: OffsetDateTime,
                ) -> Result<(), RepoError> {
                    let done = sqlx::query(SQL.revoke_session)
                        .bind(id.as_uuid())
                        .bind(Timestamp(at))
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    if done.rows_affected() == 0 {
                        return Err(RepoError::NotFound);
                    }
                    Ok(())
                }

                async fn revoke_user_sessions(
                    &self,
                    user: UserId,
                    at: OffsetDateTime,
                ) -> Result<u64, RepoError> {
                    let done = sqlx::query(SQL.revoke_user_sessions)
                        .bind(user.as_uuid())
                        .bind(Timestamp(at))
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(done.rows_affected())
                }

                async fn purge_sessions(&self, before: OffsetDateTime) -> Result<u64, RepoError> {
                    let done = sqlx::query(SQL.purge_sessions)
                        .bind(Timestamp(before))
                        .execute(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(done.rows_affected())
                }

                async fn create_sign_in_link(&self, link: &SignInLink) -> Result<(), RepoError> {
                    sqlx::query(SQL.insert_sign_in_link)
                        .bind(link.token_hash.as_bytes().as_slice())
                        .bind(link.user_id.as_uuid())
                        .bind(Timestamp(link.created_at))
                        .bind(Timestamp(link.expires_at))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    Ok(())
                }

                async fn consume_sign_in_link(
                    &self,
                    token_hash: &TokenHash,
                    now: OffsetDateTime,
                ) -> Result<Option<UserId>, RepoError> {
                    let user: Option<Uuid> = sqlx::query_scalar(SQL.consume_sign_in_link)
                        .bind(token_hash.as_bytes().as_slice())
                        .bind(Timestamp(now))
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(user.map(UserId::from_uuid))
                }
            }
        };
    };
}
