use mosaic_domain::{LegacyId, LegacyOwner, Membership, Role, UserId};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::MemberEntry;
use crate::service::error::RepoResultExt;

impl MosaicService {
    /// Asks to join a legacy; the request waits for the creator.
    pub async fn join_legacy(&self, caller: UserId, legacy: LegacyId) -> ServiceResult<Membership> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        let role = access.request_to_join()?;
        let membership = Membership {
            legacy_id: legacy,
            user_id: caller,
            role,
            joined_at: self.now(),
        };
        self.ports
            .memberships
            .add_membership(&membership)
            .await
            .or_missing(Resource::Legacy)?;
        Ok(membership)
    }

    /// The members of a legacy; the creator also sees pending requests.
    pub async fn list_members(
        &self,
        caller: UserId,
        legacy: LegacyId,
    ) -> ServiceResult<Vec<MemberEntry>> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        access
            .check_view_members()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        self.ports
            .memberships
            .list_members(legacy, access.can_view_pending_members())
            .await
            .or_missing(Resource::Legacy)
    }

    /// Accepts a request to join: pending becomes member.
    pub async fn approve_member(
        &self,
        caller: UserId,
        legacy: LegacyId,
        user: UserId,
    ) -> ServiceResult<Membership> {
        let (owner, target) = self.owner_and_target(caller, legacy, user).await?;
        let role = owner.approve(&target)?;
        self.ports
            .memberships
            .set_role(legacy, user, role)
            .await
            .or_missing(Resource::Member)?;
        Ok(Membership { role, ..target })
    }

    /// Turns down a request to join.
    pub async fn reject_member(
        &self,
        caller: UserId,
        legacy: LegacyId,
        user: UserId,
    ) -> ServiceResult<()> {
        let (owner, target) = self.owner_and_target(caller, legacy, user).await?;
        owner.reject(&target)?;
        self.ports
            .memberships
            .remove_membership(legacy, user)
            .await
            .or_missing(Resource::Member)
    }

    /// Promotes a member to editor or demotes an editor to member.
    pub async fn change_member_role(
        &self,
        caller: UserId,
        legacy: LegacyId,
        user: UserId,
        role: Role,
    ) -> ServiceResult<Membership> {
        let (owner, target) = self.owner_and_target(caller, legacy, user).await?;
        let role = owner.change_role(&target, role)?;
        self.ports
            .memberships
            .set_role(legacy, user, role)
            .await
            .or_missing(Resource::Member)?;
        Ok(Membership { role, ..target })
    }

    /// Removes a member or a pending request. Removing oneself is leaving.
    pub async fn remove_member(
        &self,
        caller: UserId,
        legacy: LegacyId,
        user: UserId,
    ) -> ServiceResult<()> {
        if caller == user {
            return self.leave_legacy(caller, legacy).await;
        }
        let (owner, target) = self.owner_and_target(caller, legacy, user).await?;
        owner.remove(&target)?;
        self.ports
            .memberships
            .remove_membership(legacy, user)
            .await
            .or_missing(Resource::Member)
    }

    /// Leaves a legacy (or withdraws a request to join). The creator must
    /// transfer the legacy first. Stories the leaver wrote stay.
    pub async fn leave_legacy(&self, caller: UserId, legacy: LegacyId) -> ServiceResult<()> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        access.check_leave()?;
        self.ports
            .memberships
            .remove_membership(legacy, caller)
            .await
            .or_missing(Resource::Member)
    }

    /// Hands the legacy to another approved member, who becomes creator;
    /// the caller stays as editor.
    pub async fn transfer_legacy(
        &self,
        caller: UserId,
        legacy: LegacyId,
        to: UserId,
    ) -> ServiceResult<()> {
        let (owner, target) = self.owner_and_target(caller, legacy, to).await?;
        let transfer = owner.transfer_to(&target)?;
        self.ports
            .memberships
            .transfer_creator(&transfer)
            .await
            .or_missing(Resource::Member)
    }

    /// The creator capability of the caller and the membership they act on.
    async fn owner_and_target(
        &self,
        caller: UserId,
        legacy: LegacyId,
        user: UserId,
    ) -> ServiceResult<(LegacyOwner, Membership)> {
        let access = self.access_to_existing(Some(caller), legacy).await?;
        let owner = access
            .legacy_owner()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        let target = self
            .ports
            .memberships
            .get_membership(legacy, user)
            .await
            .or_missing(Resource::Member)?
            .ok_or(ServiceError::NotFound(Resource::Member))?;
        Ok((owner, target))
    }
}
