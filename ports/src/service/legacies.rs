use std::collections::HashMap;

use mosaic_domain::{
    Legacy, LegacyDetails, LegacyId, Membership, Page, PageRequest, Role, SearchQuery, UserId,
};

use super::{MosaicService, Resource, ServiceError, ServiceResult};
use crate::LegacyWithRole;
use crate::service::error::RepoResultExt;

/// A legacy as one caller sees it: its details and the caller's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyView {
    /// The legacy.
    pub legacy: Legacy,
    /// The caller's role, if signed in and a member or pending.
    pub role: Option<Role>,
}

impl MosaicService {
    /// Creates a legacy with the caller as its creator.
    pub async fn create_legacy(
        &self,
        caller: UserId,
        details: LegacyDetails,
    ) -> ServiceResult<Legacy> {
        let now = self.now();
        let legacy = Legacy {
            id: LegacyId::from_uuid(self.ports.ids.new_id()),
            name: details.name,
            dates: details.dates,
            biography: details.biography,
            created_by: caller,
            created_at: now,
            updated_at: now,
        };
        let creator = Membership {
            legacy_id: legacy.id,
            user_id: caller,
            role: Role::Creator,
            joined_at: now,
        };
        self.ports
            .legacies
            .create_legacy(&legacy, &creator)
            .await
            .or_missing(Resource::User)?;
        Ok(legacy)
    }

    /// A legacy's details. Anyone may see them (a legacy is found by name to
    /// ask to join it, and its public stories are open to all).
    pub async fn get_legacy(
        &self,
        caller: Option<UserId>,
        id: LegacyId,
    ) -> ServiceResult<LegacyView> {
        let legacy = self
            .ports
            .legacies
            .get_legacy(id)
            .await
            .or_missing(Resource::Legacy)?;
        let access = self.access(caller, id).await?;
        Ok(LegacyView {
            legacy,
            role: access.role(),
        })
    }

    /// The legacies the caller belongs to or asked to join, with their role.
    pub async fn list_my_legacies(
        &self,
        caller: UserId,
        page: PageRequest,
    ) -> ServiceResult<Page<LegacyWithRole>> {
        self.ports
            .legacies
            .list_legacies_of_user(caller, page)
            .await
            .or_missing(Resource::User)
    }

    /// Legacies whose name contains the query, each with the caller's role
    /// in it (none for a visitor). The roles of a whole page are read in one
    /// query.
    pub async fn search_legacies(
        &self,
        caller: Option<UserId>,
        query: &SearchQuery,
        page: PageRequest,
    ) -> ServiceResult<Page<LegacyView>> {
        let found = self
            .ports
            .legacies
            .search_legacies(query, page)
            .await
            .or_missing(Resource::Legacy)?;
        let mut roles = match caller {
            Some(user) if !found.items.is_empty() => {
                let ids: Vec<LegacyId> = found.items.iter().map(|legacy| legacy.id).collect();
                self.ports
                    .memberships
                    .roles_of_user_in(user, &ids)
                    .await
                    .or_missing(Resource::User)?
            }
            _ => HashMap::new(),
        };
        Ok(found.map(|legacy| LegacyView {
            role: roles.remove(&legacy.id),
            legacy,
        }))
    }

    /// Changes name, dates and biography (editors and the creator); returns
    /// the legacy as stored with the caller's role.
    pub async fn update_legacy(
        &self,
        caller: UserId,
        id: LegacyId,
        details: LegacyDetails,
    ) -> ServiceResult<LegacyView> {
        let access = self.access_to_existing(Some(caller), id).await?;
        access
            .check_update_legacy()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        let legacy = self
            .ports
            .legacies
            .update_legacy(id, &details, self.now())
            .await
            .or_missing(Resource::Legacy)?;
        Ok(LegacyView {
            legacy,
            role: access.role(),
        })
    }

    /// Deletes a legacy with everything in it (the creator only). The media
    /// objects are removed after the records; an object that cannot be
    /// removed is left for `mosaic-admin media gc` rather than failing a
    /// deletion that has already happened.
    pub async fn delete_legacy(&self, caller: UserId, id: LegacyId) -> ServiceResult<()> {
        let access = self.access_to_existing(Some(caller), id).await?;
        access
            .legacy_owner()
            .map_err(|e| ServiceError::from_access(e, Resource::Legacy))?;
        let keys = self
            .ports
            .legacies
            .delete_legacy(id)
            .await
            .or_missing(Resource::Legacy)?;
        for key in keys {
            self.delete_media_objects(&key).await;
        }
        Ok(())
    }
}
