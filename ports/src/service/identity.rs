//! Signing in with an identity provider (Google or another OpenID Connect
//! issuer): finding, linking or creating the account, then a new session.

use mosaic_domain::{Email, PersonName, User, UserId, ValidationError};
use thiserror::Error;

use super::{MosaicService, NewSession, Resource, ServiceError, ServiceResult};
use crate::service::error::RepoResultExt;
use crate::{RepoError, VerifiedIdentity};

/// Who may create an account by signing in with a provider. Families often
/// want a closed instance: only their own domain, plus a few addresses.
///
/// The list only limits *new* accounts; people who already have one (made
/// by an administrator or a sign-in link) can always link their identity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpPolicy {
    /// Empty: anyone may sign up.
    allowed: Vec<SignUpRule>,
}

/// One entry of the sign-up allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignUpRule {
    /// Every address at this domain (lower case, no `@`).
    Domain(String),
    /// Exactly this address.
    Address(Email),
}

impl SignUpPolicy {
    /// Anyone with a verified e-mail may create an account.
    pub fn anyone() -> Self {
        Self::default()
    }

    /// Only the listed domains and addresses; an empty list means anyone.
    pub fn only(allowed: Vec<SignUpRule>) -> Self {
        Self { allowed }
    }

    /// Reads a comma-separated list such as
    /// `family.example, aunt@gmail.com` (a leading `@` on a domain is
    /// allowed). Blank means anyone.
    pub fn from_list(list: &str) -> Result<Self, ValidationError> {
        let mut allowed = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let domain = entry.strip_prefix('@').unwrap_or(entry);
            let rule = if domain.contains('@') {
                SignUpRule::Address(Email::new(entry)?)
            } else {
                // A domain is valid when `x@domain` is a valid address.
                let probe = Email::new(&format!("x@{domain}"))?;
                SignUpRule::Domain(probe.domain().to_owned())
            };
            allowed.push(rule);
        }
        Ok(Self { allowed })
    }

    /// Whether anyone may sign up.
    pub fn is_open(&self) -> bool {
        self.allowed.is_empty()
    }

    /// Whether a new account with this (verified) address may be created.
    pub fn allows(&self, email: &Email) -> bool {
        self.is_open()
            || self.allowed.iter().any(|rule| match rule {
                SignUpRule::Domain(domain) => email.domain() == domain,
                SignUpRule::Address(address) => address == email,
            })
    }
}

/// Why signing in with a provider's identity did not start a session.
#[derive(Debug, Error)]
pub enum IdentitySignInError {
    /// No account is linked to the identity and its e-mail may not create
    /// one (the sign-up allow-list does not include it).
    #[error(
        "this e-mail address may not create an account here; ask the family's administrator for an invitation"
    )]
    SignUpNotAllowed,
    /// The provider does not vouch for the e-mail address, so it can
    /// neither be linked to an existing account nor start a new one.
    #[error("the identity provider has not verified this e-mail address")]
    EmailNotVerified,
    /// The identity carries no usable e-mail address, and one is needed to
    /// create or find the account.
    #[error("the identity provider did not share a usable e-mail address")]
    NoEmail,
    /// The account exists but is disabled.
    #[error("this account is disabled")]
    AccountDisabled,
    /// Storage failed, or a concurrent change got in the way.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl MosaicService {
    /// Signs in the person a provider vouched for, and starts a brand-new
    /// session for them.
    ///
    /// 1. The account linked to `issuer` + `subject`, if any.
    /// 2. Otherwise, when the provider verified the e-mail, the account
    ///    with that e-mail, which gets the identity linked.
    /// 3. Otherwise a new account, when `policy` allows the (verified)
    ///    e-mail, named from the claims or the e-mail's local part.
    ///
    /// On every sign-in the name and picture are refreshed from the claims,
    /// and the e-mail too when it is verified and not another account's
    /// (an account never takes over someone else's address). An unverified
    /// e-mail is never used to link, to create, or to change an account: a
    /// provider that lets anyone claim any address must not open someone
    /// else's account here or reserve their address. Disabled accounts
    /// cannot sign in.
    pub async fn sign_in_with_identity(
        &self,
        identity: VerifiedIdentity,
        policy: &SignUpPolicy,
    ) -> Result<NewSession, IdentitySignInError> {
        let verified_email = match identity.email.as_deref().map(Email::new) {
            Some(Ok(email)) if identity.email_verified => Some(email),
            _ => None,
        };
        let linked = self
            .ports
            .users
            .find_user_by_identity(&identity.issuer, &identity.subject)
            .await
            .or_missing(Resource::User)?;
        let user = match linked {
            Some(user) => user,
            None => {
                let email = verified_email
                    .clone()
                    .ok_or_else(|| missing_email_reason(&identity))?;
                self.link_or_create(&identity, email, policy).await?
            }
        };
        if user.disabled {
            return Err(IdentitySignInError::AccountDisabled);
        }
        let user_id = user.id;
        self.refresh_profile(user, &identity, verified_email)
            .await?;
        // Always a brand-new session: one started before the login (a
        // fixated cookie) is never reused.
        match self.start_session(user_id).await {
            Ok(session) => Ok(session),
            // Disabled between the lookup and now.
            Err(ServiceError::Forbidden(_)) => Err(IdentitySignInError::AccountDisabled),
            Err(other) => Err(other.into()),
        }
    }

    /// Step 2 or 3: the existing account with this verified e-mail, or a
    /// new one when the policy allows it; the identity is linked to it.
    async fn link_or_create(
        &self,
        identity: &VerifiedIdentity,
        email: Email,
        policy: &SignUpPolicy,
    ) -> Result<User, IdentitySignInError> {
        let existing = self
            .ports
            .users
            .find_user_by_email(&email)
            .await
            .or_missing(Resource::User)?;
        let user = match existing {
            Some(user) if user.disabled => return Err(IdentitySignInError::AccountDisabled),
            Some(user) => user,
            None => {
                if !policy.allows(&email) {
                    return Err(IdentitySignInError::SignUpNotAllowed);
                }
                let name = display_name(identity, &email).map_err(ServiceError::from)?;
                self.create_user(email, name).await?
            }
        };
        // Not in one transaction with `create_user`: if linking fails, the
        // account exists with a verified e-mail and the next sign-in links
        // it through step 2.
        self.ports
            .users
            .link_identity(user.id, &identity.issuer, &identity.subject)
            .await
            .or_missing(Resource::User)?;
        Ok(user)
    }

    /// Writes the claims' name, picture and (verified, free) e-mail to the
    /// account when they differ.
    async fn refresh_profile(
        &self,
        user: User,
        identity: &VerifiedIdentity,
        verified_email: Option<Email>,
    ) -> ServiceResult<()> {
        let mut updated = user.clone();
        if let Some(name) = identity
            .name
            .as_deref()
            .and_then(|n| PersonName::new(n).ok())
        {
            updated.name = name;
        }
        if let Some(picture) = &identity.picture {
            updated.avatar_url = Some(picture.clone());
        }
        if let Some(email) = verified_email
            && email != user.email
            && self.email_is_free_for(&email, user.id).await?
        {
            updated.email = email;
        }
        if updated == user {
            return Ok(());
        }
        updated.updated_at = self.now();
        match self.ports.users.update_user(&updated).await {
            Ok(()) => Ok(()),
            // Someone took the address between the check and the write:
            // keep the old one, still refresh the rest.
            Err(RepoError::EmailTaken) => {
                updated.email = user.email;
                self.ports
                    .users
                    .update_user(&updated)
                    .await
                    .or_missing(Resource::User)
            }
            Err(other) => Err(ServiceError::from_repo(other, Resource::User)),
        }
    }

    async fn email_is_free_for(&self, email: &Email, user: UserId) -> ServiceResult<bool> {
        let holder = self
            .ports
            .users
            .find_user_by_email(email)
            .await
            .or_missing(Resource::User)?;
        Ok(holder.is_none_or(|other| other.id == user))
    }
}

/// Why an identity without a linked account cannot go on.
fn missing_email_reason(identity: &VerifiedIdentity) -> IdentitySignInError {
    match identity.email.as_deref().map(Email::new) {
        Some(Ok(_)) => IdentitySignInError::EmailNotVerified,
        Some(Err(_)) | None => IdentitySignInError::NoEmail,
    }
}

/// The claimed name, or the e-mail's local part when there is none.
fn display_name(identity: &VerifiedIdentity, email: &Email) -> Result<PersonName, ValidationError> {
    if let Some(name) = identity
        .name
        .as_deref()
        .and_then(|n| PersonName::new(n).ok())
    {
        return Ok(name);
    }
    let local: String = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default()
        .chars()
        .take(PersonName::MAX_CHARS)
        .collect();
    // Never fails: a valid address has a non-empty local part without
    // spaces or control characters.
    PersonName::new(&local)
}
