//! Which OpenID Connect issuer to sign in with, and as which client.

use std::fmt;

use openidconnect::{IssuerUrl, RedirectUrl};
use thiserror::Error;

/// Google's issuer, the default.
pub const GOOGLE_ISSUER_URL: &str = "https://accounts.google.com";

/// The scopes asked for: an ID token with the e-mail and profile claims.
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// The OAuth client registered at the issuer.
///
/// `Debug` never shows the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The issuer, exactly as its discovery document spells it
    /// (`https://accounts.google.com`, `https://sso.example.org/realms/family`).
    pub issuer_url: String,
    /// The OAuth client id.
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: String,
    /// Where the provider sends the browser back:
    /// `https://YOUR-HOST/auth/google/callback`. Must be registered at the
    /// provider exactly as written here.
    pub redirect_url: String,
    /// The scopes asked for; `openid` is always sent.
    pub scopes: Vec<String>,
}

/// Why the sign-in configuration in the environment cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OidcConfigError {
    /// A client id is set but another required variable is not.
    #[error("{missing} must be set when {because} is set")]
    Missing {
        /// The variable that is missing.
        missing: &'static str,
        /// The variable that turned sign-in on.
        because: &'static str,
    },
    /// A variable holds something that is not a usable URL.
    #[error("{variable} is not a valid URL: {reason}")]
    InvalidUrl {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The environment variables read by [`OidcConfig::from_env`], in order of
/// preference where two name the same thing.
pub mod env_vars {
    /// The issuer URL; Google's when unset.
    pub const ISSUER: &str = "MOSAIC_OIDC_ISSUER";
    /// The client id. Setting it (or its alias) turns sign-in on.
    pub const CLIENT_ID: &str = "MOSAIC_OIDC_CLIENT_ID";
    /// Alias of [`CLIENT_ID`].
    pub const GOOGLE_CLIENT_ID: &str = "MOSAIC_GOOGLE_CLIENT_ID";
    /// The client secret.
    pub const CLIENT_SECRET: &str = "MOSAIC_OIDC_CLIENT_SECRET";
    /// Alias of [`CLIENT_SECRET`].
    pub const GOOGLE_CLIENT_SECRET: &str = "MOSAIC_GOOGLE_CLIENT_SECRET";
    /// The redirect (callback) URL registered at the provider.
    pub const REDIRECT_URL: &str = "MOSAIC_OIDC_REDIRECT_URL";
}

impl OidcConfig {
    /// A Google client with the default scopes.
    pub fn google(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_url: impl Into<String>,
    ) -> Self {
        Self {
            issuer_url: GOOGLE_ISSUER_URL.to_owned(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_url: redirect_url.into(),
            scopes: DEFAULT_SCOPES.map(str::to_owned).to_vec(),
        }
    }

    /// Reads the configuration from the process environment (see
    /// [`env_vars`]).
    ///
    /// `Ok(None)` when no client id is set: sign-in with a provider is off
    /// and the server shows no login button. An error when a client id is set
    /// but the secret or redirect URL is missing, or a URL is malformed, so
    /// that a half-done configuration fails at start-up instead of at the
    /// first login.
    pub fn from_env() -> Result<Option<Self>, OidcConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`OidcConfig::from_env`] over any source of variables; empty values
    /// count as unset.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, OidcConfigError> {
        let var = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let (client_id, client_id_var) = match var(env_vars::CLIENT_ID) {
            Some(id) => (id, env_vars::CLIENT_ID),
            None => match var(env_vars::GOOGLE_CLIENT_ID) {
                Some(id) => (id, env_vars::GOOGLE_CLIENT_ID),
                None => return Ok(None),
            },
        };
        let client_secret = var(env_vars::CLIENT_SECRET)
            .or_else(|| var(env_vars::GOOGLE_CLIENT_SECRET))
            .ok_or(OidcConfigError::Missing {
                missing: env_vars::CLIENT_SECRET,
                because: client_id_var,
            })?;
        let redirect_url = var(env_vars::REDIRECT_URL).ok_or(OidcConfigError::Missing {
            missing: env_vars::REDIRECT_URL,
            because: client_id_var,
        })?;
        let issuer_url = var(env_vars::ISSUER).unwrap_or_else(|| GOOGLE_ISSUER_URL.to_owned());

        let config = Self {
            issuer_url,
            client_secret,
            redirect_url,
            ..Self::google(client_id, "", "")
        };
        config.validate_urls()?;
        Ok(Some(config))
    }

    /// Checks that the issuer and redirect URLs parse.
    pub fn validate_urls(&self) -> Result<(), OidcConfigError> {
        self.parsed_issuer_url()?;
        self.parsed_redirect_url()?;
        Ok(())
    }

    pub(crate) fn parsed_issuer_url(&self) -> Result<IssuerUrl, OidcConfigError> {
        IssuerUrl::new(self.issuer_url.clone()).map_err(|e| OidcConfigError::InvalidUrl {
            variable: env_vars::ISSUER,
            reason: e.to_string(),
        })
    }

    pub(crate) fn parsed_redirect_url(&self) -> Result<RedirectUrl, OidcConfigError> {
        RedirectUrl::new(self.redirect_url.clone()).map_err(|e| OidcConfigError::InvalidUrl {
            variable: env_vars::REDIRECT_URL,
            reason: e.to_string(),
        })
    }
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn no_client_id_means_sign_in_is_off() {
        assert_eq!(OidcConfig::from_vars(vars(&[])), Ok(None));
        assert_eq!(
            OidcConfig::from_vars(vars(&[("MOSAIC_OIDC_CLIENT_ID", "  ")])),
            Ok(None)
        );
    }

    #[test]
    fn google_is_the_default_issuer() {
        let config = OidcConfig::from_vars(vars(&[
            ("MOSAIC_OIDC_CLIENT_ID", "id"),
            ("MOSAIC_OIDC_CLIENT_SECRET", "secret"),
            (
                "MOSAIC_OIDC_REDIRECT_URL",
                "https://mosaic.example/auth/google/callback",
            ),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            config,
            OidcConfig::google(
                "id",
                "secret",
                "https://mosaic.example/auth/google/callback"
            )
        );
        assert_eq!(config.scopes, ["openid", "email", "profile"]);
    }

    #[test]
    fn google_aliases_are_read_and_the_issuer_is_configurable() {
        let config = OidcConfig::from_vars(vars(&[
            (
                "MOSAIC_OIDC_ISSUER",
                "https://sso.example.org/realms/family",
            ),
            ("MOSAIC_GOOGLE_CLIENT_ID", "gid"),
            ("MOSAIC_GOOGLE_CLIENT_SECRET", "gsecret"),
            (
                "MOSAIC_OIDC_REDIRECT_URL",
                "https://mosaic.example/auth/google/callback",
            ),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(config.issuer_url, "https://sso.example.org/realms/family");
        assert_eq!(config.client_id, "gid");
        assert_eq!(config.client_secret, "gsecret");
    }

    #[test]
    fn a_client_id_without_secret_or_redirect_url_is_an_error() {
        assert_eq!(
            OidcConfig::from_vars(vars(&[("MOSAIC_GOOGLE_CLIENT_ID", "id")])),
            Err(OidcConfigError::Missing {
                missing: "MOSAIC_OIDC_CLIENT_SECRET",
                because: "MOSAIC_GOOGLE_CLIENT_ID"
            })
        );
        assert_eq!(
            OidcConfig::from_vars(vars(&[
                ("MOSAIC_OIDC_CLIENT_ID", "id"),
                ("MOSAIC_OIDC_CLIENT_SECRET", "secret"),
            ])),
            Err(OidcConfigError::Missing {
                missing: "MOSAIC_OIDC_REDIRECT_URL",
                because: "MOSAIC_OIDC_CLIENT_ID"
            })
        );
    }

    #[test]
    fn malformed_urls_are_reported_with_their_variable() {
        let err = OidcConfig::from_vars(vars(&[
            ("MOSAIC_OIDC_ISSUER", "not a url"),
            ("MOSAIC_OIDC_CLIENT_ID", "id"),
            ("MOSAIC_OIDC_CLIENT_SECRET", "secret"),
            (
                "MOSAIC_OIDC_REDIRECT_URL",
                "https://mosaic.example/auth/google/callback",
            ),
        ]))
        .unwrap_err();
        assert!(
            matches!(
                err,
                OidcConfigError::InvalidUrl {
                    variable: "MOSAIC_OIDC_ISSUER",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let config = OidcConfig::google("id", "very-secret-value", "https://h/cb");
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
