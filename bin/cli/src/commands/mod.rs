//! One module per subcommand, each with `Args` and `async fn run(args, ctx)`.

pub mod ai;
pub mod backup;
pub mod invite;
pub mod legacy;
pub mod login_link;
pub mod media;
pub mod migrate;
pub mod restore;
pub mod search;
pub mod seed;
pub mod session;
pub mod stats;
pub mod storage;
pub mod user;

use mosaic_domain::{Email, LegacyId, Page, PageRequest, User, UserId};
use mosaic_ports::{MosaicService, ServiceResult};

use crate::CliError;

/// Finds a user by e-mail address or id (both are accepted wherever a
/// command takes a USER).
pub(crate) async fn find_user(service: &MosaicService, user: &str) -> Result<User, CliError> {
    if let Ok(id) = user.parse::<UserId>() {
        return Ok(service.get_user(id).await?);
    }
    let email = Email::new(user).map_err(|_| {
        CliError::new(format!(
            "'{user}' is neither a user id nor an e-mail address"
        ))
    })?;
    service.find_user_by_email(&email).await?.ok_or_else(|| {
        CliError::new(format!(
            "no user with e-mail {email}",
            email = email.as_str()
        ))
    })
}

/// Parses a legacy id.
pub(crate) fn legacy_id(text: &str) -> Result<LegacyId, CliError> {
    text.parse()
        .map_err(|_| CliError::new(format!("'{text}' is not a legacy id (a UUID)")))
}

/// Collects up to `limit` items from a paginated list (0: all of them).
/// Returns the items and whether more exist.
pub(crate) async fn collect_pages<T, F, Fut>(
    limit: usize,
    mut fetch: F,
) -> ServiceResult<(Vec<T>, bool)>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = ServiceResult<Page<T>>>,
{
    let mut items = Vec::new();
    let mut request = PageRequest::first().with_limit(PageRequest::MAX_LIMIT);
    loop {
        let page = fetch(request).await?;
        items.extend(page.items);
        match page.next {
            Some(cursor) if limit == 0 || items.len() < limit => {
                request = PageRequest::first()
                    .with_limit(PageRequest::MAX_LIMIT)
                    .after(cursor);
            }
            next => {
                let more = next.is_some() || (limit > 0 && items.len() > limit);
                if limit > 0 {
                    items.truncate(limit);
                }
                return Ok((items, more));
            }
        }
    }
}
