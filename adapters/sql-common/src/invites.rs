//! Invite links ([`InviteRepo`](mosaic_ports::InviteRepo)), written once for
//! both databases over each adapter's [`InviteStatements`] (and the
//! membership, user and session statements of its [`Statements`](crate::Statements)).

use mosaic_domain::{Invite, InviteId, LegacyId, Role, TokenHash, UserId};
use mosaic_ports::RepoError;
use uuid::Uuid;

use crate::Timestamp;

/// The SQL of invites in one dialect; parameters as numbered. Every
/// statement that returns invites returns the columns of [`InviteRow`].
#[derive(Debug)]
pub struct InviteStatements {
    /// Insert (id, legacy_id, role, created_by, token_hash, created_at,
    /// expires_at, max_uses, uses, revoked_at) (1–10).
    pub insert: &'static str,
    /// The invite with token hash (1).
    pub select_by_token: &'static str,
    /// The same, locking the row until the transaction ends (Postgres:
    /// `FOR UPDATE`; SQLite's write transaction already holds the lock).
    pub lock_by_token: &'static str,
    /// Every invite of legacy (1), newest first.
    pub list_of_legacy: &'static str,
    /// Set `revoked_at` to (3) unless set, for invite (2) of legacy (1); returns it.
    pub revoke: &'static str,
    /// Count one use of invite (1); returns it.
    pub count_use: &'static str,
}

/// An `invites` row.
#[derive(Debug, sqlx::FromRow)]
pub struct InviteRow {
    id: Uuid,
    legacy_id: Uuid,
    role: String,
    created_by: Uuid,
    token_hash: Vec<u8>,
    created_at: Timestamp,
    expires_at: Timestamp,
    max_uses: i32,
    uses: i32,
    revoked_at: Option<Timestamp>,
}

impl InviteRow {
    /// The domain invite; a stored value out of range is an internal error
    /// naming the invite, never a panic.
    pub fn into_domain(self) -> Result<Invite, RepoError> {
        let invalid = |what: String| {
            RepoError::Internal(anyhow::anyhow!(
                "stored invite {} is invalid: {what}",
                self.id
            ))
        };
        let hash: [u8; 32] = self
            .token_hash
            .as_slice()
            .try_into()
            .map_err(|_| invalid(format!("token hash has {} bytes", self.token_hash.len())))?;
        let role: Role = self.role.parse().map_err(|err| invalid(format!("{err}")))?;
        let count = |n: i32| u32::try_from(n).map_err(|_| invalid(format!("negative count {n}")));
        Ok(Invite {
            id: InviteId::from_uuid(self.id),
            legacy_id: LegacyId::from_uuid(self.legacy_id),
            role,
            created_by: UserId::from_uuid(self.created_by),
            token_hash: TokenHash::from_bytes(hash),
            created_at: self.created_at.0,
            expires_at: self.expires_at.0,
            max_uses: count(self.max_uses)?,
            uses: count(self.uses)?,
            revoked_at: self.revoked_at.map(|at| at.0),
        })
    }
}

/// A count as stored (the domain bounds counts far below `i32::MAX`).
pub fn stored_count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Implements [`InviteRepo`](mosaic_ports::InviteRepo) for `$store` (which
/// must have `pool()` and `begin_write()` as for
/// [`impl_repositories!`](crate::impl_repositories)). `$statements` is the
/// store's `&'static Statements`, `$invites` its `&'static InviteStatements`.
#[macro_export]
macro_rules! impl_invites {
    (store = $store:ty, db = $db:ty, statements = $statements:expr, invites = $invites:expr $(,)?) => {
        const _: () = {
            use $crate::__private::async_trait::async_trait;
            use $crate::__private::domain::{
                Invite, InviteGrant, InviteId, LegacyId, Membership, TokenHash,
            };
            use $crate::__private::ports::{InviteAcceptance, InviteRepo, Invitee, RepoError};
            use $crate::__private::sqlx;
            use $crate::__private::time::OffsetDateTime;
            use $crate::invites::{InviteRow, stored_count};
            use $crate::rows::MembershipRow;
            use $crate::{
                InviteStatements, Statements, Timestamp, conflict, read_error, user_conflict,
                write_error,
            };

            const SQL: &Statements = $statements;
            const INVITES: &InviteStatements = $invites;

            #[async_trait]
            impl InviteRepo for $store {
                async fn create_invite(&self, invite: &Invite) -> Result<(), RepoError> {
                    sqlx::query(INVITES.insert)
                        .bind(invite.id.as_uuid())
                        .bind(invite.legacy_id.as_uuid())
                        .bind(invite.role.as_str())
                        .bind(invite.created_by.as_uuid())
                        .bind(invite.token_hash.as_bytes().as_slice())
                        .bind(Timestamp(invite.created_at))
                        .bind(Timestamp(invite.expires_at))
                        .bind(stored_count(invite.max_uses))
                        .bind(stored_count(invite.uses))
                        .bind(invite.revoked_at.map(Timestamp))
                        .execute(self.pool())
                        .await
                        .map_err(|err| write_error(err, &conflict))?;
                    Ok(())
                }

                async fn find_invite(
                    &self,
                    token_hash: &TokenHash,
                ) -> Result<Option<Invite>, RepoError> {
                    sqlx::query_as::<_, InviteRow>(INVITES.select_by_token)
                        .bind(token_hash.as_bytes().as_slice())
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .map(InviteRow::into_domain)
                        .transpose()
                }

                async fn list_invites(&self, legacy: LegacyId) -> Result<Vec<Invite>, RepoError> {
                    let rows = sqlx::query_as::<_, InviteRow>(INVITES.list_of_legacy)
                        .bind(legacy.as_uuid())
                        .fetch_all(self.pool())
                        .await
                        .map_err(read_error)?;
                    $crate::convert_rows(rows, InviteRow::into_domain)
                }

                async fn revoke_invite(
                    &self,
                    legacy: LegacyId,
                    id: InviteId,
                    at: OffsetDateTime,
                ) -> Result<Invite, RepoError> {
                    sqlx::query_as::<_, InviteRow>(INVITES.revoke)
                        .bind(legacy.as_uuid())
                        .bind(id.as_uuid())
                        .bind(Timestamp(at))
                        .fetch_optional(self.pool())
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()
                }

                async fn accept_invite(
                    &self,
                    token_hash: &TokenHash,
                    invitee: &Invitee,
                    now: OffsetDateTime,
                ) -> Result<InviteAcceptance, RepoError> {
                    let mut tx = self.begin_write().await.map_err(read_error)?;
                    let invite = sqlx::query_as::<_, InviteRow>(INVITES.lock_by_token)
                        .bind(token_hash.as_bytes().as_slice())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(read_error)?
                        .ok_or(RepoError::NotFound)?
                        .into_domain()?;
                    let state = invite.state_at(now);
                    if state != $crate::__private::domain::InviteState::Open {
                        return Ok(InviteAcceptance::Refused(state));
                    }
                    let user = match invitee {
                        Invitee::Existing(user) => *user,
                        Invitee::NewAccount { user, session } => {
                            $crate::bind_user!(SQL.insert_user, user)
                                .execute(&mut *tx)
                                .await
                                .map_err(|err| write_error(err, &user_conflict))?;
                            $crate::bind_session!(SQL.insert_session, session)
                                .execute(&mut *tx)
                                .await
                                .map_err(|err| write_error(err, &conflict))?;
                            user.id
                        }
                    };
                    let current = sqlx::query_as::<_, MembershipRow>(SQL.select_membership)
                        .bind(invite.legacy_id.as_uuid())
                        .bind(user.as_uuid())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(read_error)?
                        .map(MembershipRow::into_domain)
                        .transpose()?;
                    let grant = InviteGrant::for_current(current.map(|m| m.role), invite.role);
                    let invite = match grant {
                        InviteGrant::Keep(_) => invite,
                        InviteGrant::Join(role) => {
                            let membership = Membership {
                                legacy_id: invite.legacy_id,
                                user_id: user,
                                role,
                                joined_at: now,
                            };
                            $crate::bind_membership!(SQL.insert_membership, membership)
                                .execute(&mut *tx)
                                .await
                                .map_err(|err| write_error(err, &|_| RepoError::AlreadyMember))?;
                            count_use(&mut tx, invite.id).await?
                        }
                        InviteGrant::Raise(role) => {
                            sqlx::query(SQL.update_role)
                                .bind(invite.legacy_id.as_uuid())
                                .bind(user.as_uuid())
                                .bind(role.as_str())
                                .execute(&mut *tx)
                                .await
                                .map_err(read_error)?;
                            count_use(&mut tx, invite.id).await?
                        }
                    };
                    tx.commit().await.map_err(read_error)?;
                    Ok(InviteAcceptance::Accepted {
                        invite,
                        grant,
                        user,
                    })
                }
            }

            async fn count_use(
                tx: &mut sqlx::Transaction<'static, $db>,
                id: InviteId,
            ) -> Result<Invite, RepoError> {
                sqlx::query_as::<_, InviteRow>(INVITES.count_use)
                    .bind(id.as_uuid())
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(read_error)?
                    .into_domain()
            }
        };
    };
}
