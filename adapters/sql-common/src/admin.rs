//! The operator's port ([`AdminRepo`](mosaic_ports::AdminRepo)): counts,
//! lists across the whole store, and backup/restore as domain records.
//!
//! Kept apart from [`impl_repositories!`](crate::impl_repositories) so that
//! the statements only `mosaic-admin` needs live in their own struct
//! ([`AdminStatements`]) and file in each adapter.

/// The SQL of the operator's port, in one dialect.
#[derive(Debug)]
pub struct AdminStatements {
    /// The job queue's enqueue statement (`JobStatements::enqueue`): a
    /// story written by an import or restore gets its embedding job in the
    /// same transaction.
    pub enqueue_job: &'static str,
    /// Begins a read-only transaction that sees one snapshot of the whole
    /// database for its lifetime (without blocking writers).
    pub begin_snapshot: &'static str,
    /// One row of counts ([`CountsRow`] columns); live sessions at (1).
    pub store_counts: &'static str,
    /// The id of legacy (1), to tell a missing legacy from an empty one.
    pub legacy_exists: &'static str,
    /// One row of [`LegacyContentsRow`] columns for legacy (1).
    pub legacy_contents: &'static str,
    /// Legacy rows below the keyset (created_at 1, id 2), newest first, limit 3.
    pub list_all_legacies: &'static str,
    /// Session rows of user (1, or every user when NULL) below the keyset
    /// (2, 3), newest first, limit 4.
    pub list_sessions: &'static str,
    /// Users, legacies, stories together, as a 64-bit integer (0: empty store).
    pub count_restore_blockers: &'static str,

    /// User rows with id above (1, or all when NULL), by id, limit 2.
    pub export_users: &'static str,
    /// `issuer, subject, user_id` above (issuer 1, subject 2; all when 1 is
    /// NULL), by issuer then subject compared bytewise, limit 3.
    pub export_identities: &'static str,
    /// Legacy rows with id above (1), by id, limit 2.
    pub export_legacies: &'static str,
    /// Membership rows above (legacy 1, user 2; all when 1 is NULL), by
    /// legacy then user, limit 3.
    pub export_memberships: &'static str,
    /// Story rows (deleted too) with id above (1), by id, limit 2.
    pub export_stories: &'static str,
    /// Revision rows with id above (1), by id, limit 2.
    pub export_revisions: &'static str,
    /// Media rows with id above (1), by id, limit 2.
    pub export_media: &'static str,

    /// Legacy row by id (1).
    pub archive_legacy: &'static str,
    /// The `role` of user (2) in legacy (1).
    pub archive_role_of: &'static str,
    /// `legacy_id`s (one column) where user (1) is a member, wrote a live
    /// story or uploaded media, each once, by id.
    pub archive_legacies_of_contributor: &'static str,
    /// Member entry rows (membership columns and `users.name`) of legacy (1),
    /// pending ones when (2), by user id.
    pub archive_members: &'static str,
    /// Story view rows of legacy (1), not deleted, admitted by the scope
    /// (private 2, personal author 3), by author (4) when not NULL, with id
    /// above (5) when not NULL, by id, limit 6.
    pub archive_stories: &'static str,
    /// Revision rows of the stories whose ids are the JSON array (1) of
    /// 32-digit hex strings, by story id then id.
    pub archive_revisions: &'static str,
    /// Media rows of legacy (1) admitted by the scope (all 2, uploader 3),
    /// uploaded by (4) when not NULL, id above (5) when not NULL, by id,
    /// limit 6.
    pub archive_media: &'static str,
    /// `id, name` of the users whose ids are the JSON array (1).
    pub archive_names: &'static str,

    /// Insert a user: id, email, name, avatar_url, is_admin, disabled, created_at, updated_at.
    pub insert_user: &'static str,
    /// Insert an identity: issuer, subject, user_id.
    pub insert_identity: &'static str,
    /// Insert a legacy: id, name, birth_date, death_date, biography, created_by, created_at, updated_at, name_folded.
    pub insert_legacy: &'static str,
    /// Insert a membership: legacy_id, user_id, role, joined_at.
    pub insert_membership: &'static str,
    /// Insert a story: id, legacy_id, author_id, title, content, visibility, created_at,
    /// updated_at, deleted_at, ai_excluded.
    pub insert_story: &'static str,
    /// Insert a revision: id, story_id, title, content, visibility, replaced_at.
    pub insert_revision: &'static str,
    /// Insert a media record: id, uploaded_by, legacy_id, storage_key, file_name, media_type, size_bytes, created_at.
    pub insert_media: &'static str,
}

/// The row of [`AdminStatements::store_counts`].
#[derive(Debug, sqlx::FromRow)]
pub struct CountsRow {
    /// Users.
    pub users: i64,
    /// Disabled users.
    pub disabled_users: i64,
    /// Legacies.
    pub legacies: i64,
    /// Memberships.
    pub memberships: i64,
    /// Live public stories.
    pub public_stories: i64,
    /// Live private stories.
    pub private_stories: i64,
    /// Live personal stories.
    pub personal_stories: i64,
    /// Soft-deleted stories.
    pub deleted_stories: i64,
    /// Revisions.
    pub revisions: i64,
    /// Media records.
    pub media: i64,
    /// Sum of media sizes.
    pub media_bytes: i64,
    /// Live sessions.
    pub live_sessions: i64,
}

impl CountsRow {
    /// The port's counts.
    pub fn into_domain(self) -> Result<mosaic_ports::StoreCounts, mosaic_ports::RepoError> {
        use crate::non_negative as n;
        Ok(mosaic_ports::StoreCounts {
            users: n(self.users, "user count")?,
            disabled_users: n(self.disabled_users, "disabled user count")?,
            legacies: n(self.legacies, "legacy count")?,
            memberships: n(self.memberships, "membership count")?,
            public_stories: n(self.public_stories, "story count")?,
            private_stories: n(self.private_stories, "story count")?,
            personal_stories: n(self.personal_stories, "story count")?,
            deleted_stories: n(self.deleted_stories, "story count")?,
            revisions: n(self.revisions, "revision count")?,
            media: n(self.media, "media count")?,
            media_bytes: n(self.media_bytes, "media bytes")?,
            live_sessions: n(self.live_sessions, "session count")?,
        })
    }
}

/// The row of [`AdminStatements::legacy_contents`].
#[derive(Debug, sqlx::FromRow)]
pub struct LegacyContentsRow {
    /// Stories.
    pub stories: i64,
    /// Revisions of those stories.
    pub revisions: i64,
    /// Memberships.
    pub members: i64,
    /// Media records.
    pub media: i64,
    /// Sum of their sizes.
    pub media_bytes: i64,
}

impl LegacyContentsRow {
    /// The port's counts.
    pub fn into_domain(self) -> Result<mosaic_ports::LegacyContents, mosaic_ports::RepoError> {
        use crate::non_negative as n;
        Ok(mosaic_ports::LegacyContents {
            stories: n(self.stories, "story count")?,
            revisions: n(self.revisions, "revision count")?,
            members: n(self.members, "member count")?,
            media: n(self.media, "media count")?,
            media_bytes: n(self.media_bytes, "media bytes")?,
        })
    }
}

/// Implements [`AdminRepo`](mosaic_ports::AdminRepo) for `$store`, which
/// must have the inherent methods `pool()` and `begin_write()` described at
/// [`impl_repositories!`](crate::impl_repositories). `$statements` is a
/// `&'static AdminStatements` in the store's dialect.
#[macro_export]
macro_rules! impl_admin_repository {
    (store = $store:ty, db = $db:ty, statements = $statements:expr $(,)?) => {
        const _: () = {
            use $crate::__private::async_trait::async_trait;
            use $crate::__private::domain::{
                Legacy, LegacyId, MediaRecord, Membership, Page, PageRequest, Session, Story,
                StoryRevision, User, UserId,
            };
            use $crate::__private::ports::{
                AdminRepo, ArchiveRepo, ArchiveSnapshot, BackupRecord, ExportReader, IdentityLink,
                LegacyContents, MemberEntry, RecordKind, RepoError, RestoreWriter, StoreCounts,
                StoryView,
            };
            use $crate::__private::sqlx;
            use $crate::__private::time::OffsetDateTime;
            use $crate::__private::uuid::Uuid;
            use $crate::rows::{
                LegacyRow, MediaRow, MemberEntryRow, MembershipRow, RevisionRow, SessionRow,
                StoryRow, StoryViewRow, UserRow,
            };
            use $crate::{
                AdminStatements, CountsRow, LegacyContentsRow, Timestamp, conflict, read_error,
                user_conflict, write_error,
            };

            const SQL: &AdminStatements = $statements;

            fn convert<R, T>(
                rows: Vec<R>,
                into_domain: impl Fn(R) -> Result<T, RepoError>,
            ) -> Result<Vec<T>, RepoError> {
                rows.into_iter().map(into_domain).collect()
            }

            /// The id of a record of the kind being exported (`None` for
            /// the first page, or a record of another kind, which is a bug
            /// of the caller and answered as "from the start").
            fn id_after(after: Option<&BackupRecord>) -> Option<Uuid> {
                match after? {
                    BackupRecord::User(user) => Some(user.id.as_uuid()),
                    BackupRecord::Legacy(legacy) => Some(legacy.id.as_uuid()),
                    BackupRecord::Story(story) => Some(story.id.as_uuid()),
                    BackupRecord::Revision(revision) => Some(revision.id.as_uuid()),
                    BackupRecord::Media(media) => Some(media.id.as_uuid()),
                    BackupRecord::Identity(_) | BackupRecord::Membership(_) => None,
                }
            }

            /// An open read snapshot.
            struct SnapshotReader {
                tx: sqlx::Transaction<'static, $db>,
            }

            impl SnapshotReader {
                async fn by_id<R, T>(
                    &mut self,
                    sql: &'static str,
                    after: Option<&BackupRecord>,
                    limit: u32,
                    into_domain: impl Fn(R) -> Result<T, RepoError>,
                    wrap: fn(T) -> BackupRecord,
                ) -> Result<Vec<BackupRecord>, RepoError>
                where
                    R: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
                {
                    let rows = sqlx::query_as::<_, R>(sql)
                        .bind(id_after(after))
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    Ok(convert(rows, into_domain)?.into_iter().map(wrap).collect())
                }
            }

            #[async_trait]
            impl ExportReader for SnapshotReader {
                async fn next_page(
                    &mut self,
                    kind: RecordKind,
                    after: Option<&BackupRecord>,
                    limit: u32,
                ) -> Result<Vec<BackupRecord>, RepoError> {
                    match kind {
                        RecordKind::User => {
                            self.by_id(
                                SQL.export_users,
                                after,
                                limit,
                                UserRow::into_domain,
                                BackupRecord::User,
                            )
                            .await
                        }
                        RecordKind::Legacy => {
                            self.by_id(
                                SQL.export_legacies,
                                after,
                                limit,
                                LegacyRow::into_domain,
                                BackupRecord::Legacy,
                            )
                            .await
                        }
                        RecordKind::Story => {
                            self.by_id(
                                SQL.export_stories,
                                after,
                                limit,
                                StoryRow::into_domain,
                                BackupRecord::Story,
                            )
                            .await
                        }
                        RecordKind::Revision => {
                            self.by_id(
                                SQL.export_revisions,
                                after,
                                limit,
                                RevisionRow::into_domain,
                                BackupRecord::Revision,
                            )
                            .await
                        }
                        RecordKind::Media => {
                            self.by_id(
                                SQL.export_media,
                                after,
                                limit,
                                MediaRow::into_domain,
                                BackupRecord::Media,
                            )
                            .await
                        }
                        RecordKind::Identity => {
                            let (issuer, subject) = match after {
                                Some(BackupRecord::Identity(link)) => {
                                    (Some(link.issuer.clone()), Some(link.subject.clone()))
                                }
                                _ => (None, None),
                            };
                            let rows: Vec<(String, String, Uuid)> =
                                sqlx::query_as(SQL.export_identities)
                                    .bind(issuer)
                                    .bind(subject)
                                    .bind(i64::from(limit))
                                    .fetch_all(&mut *self.tx)
                                    .await
                                    .map_err(read_error)?;
                            Ok(rows
                                .into_iter()
                                .map(|(issuer, subject, user_id)| {
                                    BackupRecord::Identity(IdentityLink {
                                        issuer,
                                        subject,
                                        user_id: UserId::from_uuid(user_id),
                                    })
                                })
                                .collect())
                        }
                        RecordKind::Membership => {
                            let (legacy, user) = match after {
                                Some(BackupRecord::Membership(m)) => {
                                    (Some(m.legacy_id.as_uuid()), Some(m.user_id.as_uuid()))
                                }
                                _ => (None, None),
                            };
                            let rows = sqlx::query_as::<_, MembershipRow>(SQL.export_memberships)
                                .bind(legacy)
                                .bind(user)
                                .bind(i64::from(limit))
                                .fetch_all(&mut *self.tx)
                                .await
                                .map_err(read_error)?;
                            Ok(convert(rows, MembershipRow::into_domain)?
                                .into_iter()
                                .map(BackupRecord::Membership)
                                .collect())
                        }
                    }
                }

                async fn finish(self: Box<Self>) -> Result<(), RepoError> {
                    self.tx.commit().await.map_err(read_error)
                }
            }

            fn hex_ids(ids: impl Iterator<Item = Uuid>) -> sqlx::types::Json<Vec<String>> {
                sqlx::types::Json(ids.map(|id| id.simple().to_string()).collect())
            }

            #[async_trait]
            impl ArchiveSnapshot for SnapshotReader {
                async fn legacy(&mut self, id: LegacyId) -> Result<Legacy, RepoError> {
                    sqlx::query_as::<_, LegacyRow>(SQL.archive_legacy)
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *self.tx)
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn role_of(
                    &mut self,
                    legacy: LegacyId,
                    user: UserId,
                ) -> Result<Option<$crate::__private::domain::Role>, RepoError> {
                    let role: Option<String> = sqlx::query_scalar(SQL.archive_role_of)
                        .bind(legacy.as_uuid())
                        .bind(user.as_uuid())
                        .fetch_optional(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    role.map(|r| {
                        r.parse()
                            .map_err(|err: $crate::__private::domain::UnknownRole| {
                                RepoError::Internal(err.into())
                            })
                    })
                    .transpose()
                }

                async fn legacies_of_contributor(
                    &mut self,
                    user: UserId,
                ) -> Result<Vec<LegacyId>, RepoError> {
                    let ids: Vec<Uuid> = sqlx::query_scalar(SQL.archive_legacies_of_contributor)
                        .bind(user.as_uuid())
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    Ok(ids.into_iter().map(LegacyId::from_uuid).collect())
                }

                async fn members(
                    &mut self,
                    legacy: LegacyId,
                    include_pending: bool,
                ) -> Result<Vec<MemberEntry>, RepoError> {
                    let rows = sqlx::query_as::<_, MemberEntryRow>(SQL.archive_members)
                        .bind(legacy.as_uuid())
                        .bind(include_pending)
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    convert(rows, MemberEntryRow::into_domain)
                }

                async fn stories(
                    &mut self,
                    legacy: LegacyId,
                    scope: $crate::__private::domain::ReadScope,
                    author: Option<UserId>,
                    after: Option<$crate::__private::domain::StoryId>,
                    limit: u32,
                ) -> Result<Vec<StoryView>, RepoError> {
                    let rows = sqlx::query_as::<_, StoryViewRow>(SQL.archive_stories)
                        .bind(legacy.as_uuid())
                        .bind(scope.includes_private())
                        .bind(scope.personal_author().map(|u| u.as_uuid()))
                        .bind(author.map(|u| u.as_uuid()))
                        .bind(after.map(|s| s.as_uuid()))
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    convert(rows, StoryViewRow::into_domain)
                }

                async fn revisions(
                    &mut self,
                    stories: &[$crate::__private::domain::StoryId],
                ) -> Result<Vec<StoryRevision>, RepoError> {
                    if stories.is_empty() {
                        return Ok(Vec::new());
                    }
                    let rows = sqlx::query_as::<_, RevisionRow>(SQL.archive_revisions)
                        .bind(hex_ids(stories.iter().map(|s| s.as_uuid())))
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    convert(rows, RevisionRow::into_domain)
                }

                async fn media(
                    &mut self,
                    legacy: LegacyId,
                    scope: $crate::__private::domain::MediaScope,
                    uploader: Option<UserId>,
                    after: Option<$crate::__private::domain::MediaId>,
                    limit: u32,
                ) -> Result<Vec<MediaRecord>, RepoError> {
                    let rows = sqlx::query_as::<_, MediaRow>(SQL.archive_media)
                        .bind(legacy.as_uuid())
                        .bind(scope.includes_all())
                        .bind(scope.uploader().map(|u| u.as_uuid()))
                        .bind(uploader.map(|u| u.as_uuid()))
                        .bind(after.map(|m| m.as_uuid()))
                        .bind(i64::from(limit))
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    convert(rows, MediaRow::into_domain)
                }

                async fn names(
                    &mut self,
                    users: &[UserId],
                ) -> Result<Vec<(UserId, $crate::__private::domain::PersonName)>, RepoError>
                {
                    if users.is_empty() {
                        return Ok(Vec::new());
                    }
                    let rows: Vec<(Uuid, String)> = sqlx::query_as(SQL.archive_names)
                        .bind(hex_ids(users.iter().map(|u| u.as_uuid())))
                        .fetch_all(&mut *self.tx)
                        .await
                        .map_err(read_error)?;
                    rows.into_iter()
                        .map(|(id, name)| {
                            $crate::__private::domain::PersonName::new(&name)
                                .map(|name| (UserId::from_uuid(id), name))
                                .map_err(|err| RepoError::Internal(err.into()))
                        })
                        .collect()
                }

                async fn finish(self: Box<Self>) -> Result<(), RepoError> {
                    self.tx.commit().await.map_err(read_error)
                }
            }

            #[async_trait]
            impl ArchiveRepo for $store {
                async fn begin_archive_snapshot(
                    &self,
                ) -> Result<Box<dyn ArchiveSnapshot>, RepoError> {
                    let tx = self
                        .pool()
                        .begin_with(SQL.begin_snapshot)
                        .await
                        .map_err(read_error)?;
                    Ok(Box::new(SnapshotReader { tx }))
                }

                async fn begin_import(&self) -> Result<Box<dyn RestoreWriter>, RepoError> {
                    let tx = self.begin_write().await.map_err(read_error)?;
                    Ok(Box::new(TransactionWriter { tx }))
                }
            }

            /// An open restore transaction.
            struct TransactionWriter {
                tx: sqlx::Transaction<'static, $db>,
            }

            fn insert_user(
                user: &User,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                $crate::bind_user!(SQL.insert_user, user)
            }

            fn insert_legacy(
                legacy: &Legacy,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                sqlx::query(SQL.insert_legacy)
                    .bind(legacy.id.as_uuid())
                    .bind(legacy.name.as_str().to_owned())
                    .bind(legacy.dates.birth())
                    .bind(legacy.dates.death())
                    .bind(legacy.biography.as_ref().map(|b| b.as_str().to_owned()))
                    .bind(legacy.created_by.as_uuid())
                    .bind(Timestamp(legacy.created_at))
                    .bind(Timestamp(legacy.updated_at))
                    .bind($crate::fold_name(legacy.name.as_str()))
            }

            fn insert_membership(
                m: &Membership,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                sqlx::query(SQL.insert_membership)
                    .bind(m.legacy_id.as_uuid())
                    .bind(m.user_id.as_uuid())
                    .bind(m.role.as_str())
                    .bind(Timestamp(m.joined_at))
            }

            fn insert_story(
                story: &Story,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                sqlx::query(SQL.insert_story)
                    .bind(story.id.as_uuid())
                    .bind(story.legacy_id.as_uuid())
                    .bind(story.author_id.as_uuid())
                    .bind(story.title.as_str().to_owned())
                    .bind(story.content.as_str().to_owned())
                    .bind(story.visibility.as_str())
                    .bind(Timestamp(story.created_at))
                    .bind(Timestamp(story.updated_at))
                    .bind(story.deleted_at.map(Timestamp))
                    .bind(story.ai_excluded)
            }

            fn insert_revision(
                r: &StoryRevision,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                sqlx::query(SQL.insert_revision)
                    .bind(r.id.as_uuid())
                    .bind(r.story_id.as_uuid())
                    .bind(r.draft.title.as_str().to_owned())
                    .bind(r.draft.content.as_str().to_owned())
                    .bind(r.draft.visibility.as_str())
                    .bind(Timestamp(r.replaced_at))
            }

            fn insert_media(
                media: &MediaRecord,
            ) -> Result<
                sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments>,
                RepoError,
            > {
                Ok(sqlx::query(SQL.insert_media)
                    .bind(media.id.as_uuid())
                    .bind(media.uploaded_by.as_uuid())
                    .bind(media.legacy_id.map(|l| l.as_uuid()))
                    .bind(media.storage_key.clone())
                    .bind(media.file_name.as_str().to_owned())
                    .bind(media.media_type.mime())
                    .bind($crate::stored_size(media.size_bytes)?)
                    .bind(Timestamp(media.created_at)))
            }

            fn insert_identity(
                link: &IdentityLink,
            ) -> sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments> {
                sqlx::query(SQL.insert_identity)
                    .bind(link.issuer.clone())
                    .bind(link.subject.clone())
                    .bind(link.user_id.as_uuid())
            }

            #[async_trait]
            impl RestoreWriter for TransactionWriter {
                async fn write(&mut self, records: &[BackupRecord]) -> Result<(), RepoError> {
                    for record in records {
                        let insert = match record {
                            BackupRecord::User(user) => insert_user(user),
                            BackupRecord::Identity(link) => insert_identity(link),
                            BackupRecord::Legacy(legacy) => insert_legacy(legacy),
                            BackupRecord::Membership(m) => insert_membership(m),
                            BackupRecord::Story(story) => insert_story(story),
                            BackupRecord::Revision(revision) => insert_revision(revision),
                            BackupRecord::Media(media) => insert_media(media)?,
                        };
                        insert
                            .execute(&mut *self.tx)
                            .await
                            .map_err(|err| write_error(err, &user_conflict))?;
                        if let BackupRecord::Story(story) = record {
                            let job = $crate::__private::ports::NewJob::new(
                                $crate::__private::domain::JobKind::StoryEmbedding,
                                story.id.as_uuid().to_string(),
                                OffsetDateTime::now_utc(),
                            );
                            $crate::__enqueue_query!(SQL.enqueue_job, &job)
                                .execute(&mut *self.tx)
                                .await
                                .map_err(read_error)?;
                        }
                    }
                    Ok(())
                }

                async fn commit(self: Box<Self>) -> Result<(), RepoError> {
                    self.tx.commit().await.map_err(read_error)
                }
            }

            #[async_trait]
            impl AdminRepo for $store {
                async fn store_counts(
                    &self,
                    now: OffsetDateTime,
                ) -> Result<StoreCounts, RepoError> {
                    sqlx::query_as::<_, CountsRow>(SQL.store_counts)
                        .bind(Timestamp(now))
                        .fetch_one(self.pool())
                        .await
                        .map_err(read_error)?
                        .into_domain()
                }

                async fn legacy_contents(
                    &self,
                    legacy: LegacyId,
                ) -> Result<LegacyContents, RepoError> {
                    let found: Option<Uuid> = sqlx::query_scalar(SQL.legacy_exists)
                        .bind(legacy.as_uuid())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?;
                    if found.is_none() {
                        return Err(RepoError::NotFound);
                    }
                    sqlx::query_as::<_, LegacyContentsRow>(SQL.legacy_contents)
                        .bind(legacy.as_uuid())
                        .fetch_one(self.pool())
                        .await
                        .map_err(read_error)?
                        .into_domain()
                }

                async fn list_all_legacies(
                    &self,
                    page: PageRequest,
                ) -> Result<Page<Legacy>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, LegacyRow>(SQL.list_all_legacies)
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, LegacyRow::into_domain)?,
                        page,
                        |legacy: &Legacy| $crate::__private::domain::Cursor {
                            created_at: legacy.created_at,
                            id: legacy.id.as_uuid(),
                        },
                    ))
                }

                async fn list_sessions(
                    &self,
                    user: Option<UserId>,
                    page: PageRequest,
                ) -> Result<Page<Session>, RepoError> {
                    let (at, id) = $crate::keyset_bound(&page);
                    let rows = sqlx::query_as::<_, SessionRow>(SQL.list_sessions)
                        .bind(user.map(|u| u.as_uuid()))
                        .bind(at)
                        .bind(id)
                        .bind($crate::fetch_limit(&page))
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    Ok(Page::from_overfetch(
                        convert(rows, SessionRow::into_domain)?,
                        page,
                        |session: &Session| $crate::__private::domain::Cursor {
                            created_at: session.created_at,
                            id: session.id.as_uuid(),
                        },
                    ))
                }

                async fn begin_export(&self) -> Result<Box<dyn ExportReader>, RepoError> {
                    let tx = self
                        .pool()
                        .begin_with(SQL.begin_snapshot)
                        .await
                        .map_err(read_error)?;
                    Ok(Box::new(SnapshotReader { tx }))
                }

                async fn begin_restore(&self) -> Result<Box<dyn RestoreWriter>, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let existing: i64 = sqlx::query_scalar(SQL.count_restore_blockers)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(read_error)?;
                    if existing > 0 {
                        return Err(RepoError::Conflict(
                            "the database is not empty: restore only into a new, empty database"
                                .into(),
                        ));
                    }
                    Ok(Box::new(TransactionWriter { tx }))
                }
            }
        };
    };
}
