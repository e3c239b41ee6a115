//! People who sign in.

use time::OffsetDateTime;

use crate::validation::{clean_single_line, text_value};
use crate::{UserId, ValidationError};

text_value!(
    /// A person's display name, as shown next to their stories: 1–200
    /// characters on one line.
    PersonName, field = "name", max = 200, clean = clean_single_line
);

/// An e-mail address, trimmed and lower-cased so that one address is one
/// account however it was typed. (The local part is case-sensitive in theory;
/// no mail provider a family uses treats it so, and two accounts that differ
/// only by case would be a support problem.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address accepted (RFC 5321's path limit).
    pub const MAX_CHARS: usize = 254;

    /// Accepts `local@domain` with no spaces or control characters, where the
    /// domain has no empty labels.
    pub fn new(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let invalid = || ValidationError::InvalidEmail(input.trim().chars().take(80).collect());
        if value.chars().count() > Self::MAX_CHARS
            || value.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.is_empty()
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty());
        if local.is_empty() || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`, used for sign-up allow-lists.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// Unique, normalised e-mail address.
    pub email: Email,
    /// Display name.
    pub name: PersonName,
    /// Picture from the identity provider, if any.
    pub avatar_url: Option<String>,
    /// May run administrative use cases.
    pub is_admin: bool,
    /// A disabled user cannot sign in and has no live sessions.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: OffsetDateTime,
    /// Last change to the account.
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::new("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
    }

    #[test]
    fn email_domain_is_the_part_after_the_at_sign() {
        assert_eq!(
            Email::new("a@family.example").unwrap().domain(),
            "family.example"
        );
    }

    #[test]
    fn email_without_at_sign_or_with_spaces_is_refused() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
            "a@b..c",
            "a\0@b.c",
        ] {
            assert!(Email::new(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn person_name_is_one_line() {
        assert_eq!(
            PersonName::new("Alice\nSmith").unwrap().as_str(),
            "Alice Smith"
        );
        assert!(PersonName::new(&"x".repeat(201)).is_err());
    }
}
