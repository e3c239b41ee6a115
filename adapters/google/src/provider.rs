//! The OpenID Connect relying party: authorize URL, code exchange, ID-token
//! verification.

use std::fmt;
use std::sync::RwLock;
use std::time::Duration;

use anyhow::anyhow;
use async_trait::async_trait;
use mosaic_ports::{IdentityError, IdentityProvider, LoginStart, PendingLogin, VerifiedIdentity};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreIdToken, CoreIdTokenClaims,
    CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, JsonWebKeySetUrl, LocalizedClaim,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope, SignatureVerificationError,
    TokenResponse as _, reqwest,
};

use crate::config::OidcConfig;
use crate::errors::{
    discovery_failure, key_set_failure, token_exchange_failure, verification_failure,
};

/// How long one request to the provider may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connecting to the provider may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The openidconnect client as discovery builds it: the authorization
/// endpoint is known; token and userinfo endpoints may be.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Sign-in with one OpenID Connect issuer (Google by default).
///
/// Built once at start-up by [`OidcProvider::discover`] and shared; it holds
/// no per-login state, so any number of server replicas can finish a login
/// that another one began.
pub struct OidcProvider {
    client: DiscoveredClient,
    /// Redirects are disabled: the provider's answers are never followed
    /// elsewhere (no SSRF through a crafted redirect).
    http: reqwest::Client,
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    scopes: Vec<Scope>,
    jwks_url: JsonWebKeySetUrl,
    signing_algs: Vec<CoreJwsSigningAlgorithm>,
    /// The issuer's signing keys; fetched again when an ID token names a key
    /// that is not among them (key rotation).
    signing_keys: RwLock<CoreJsonWebKeySet>,
}

impl OidcProvider {
    /// Reads the issuer's `/.well-known/openid-configuration` and its key
    /// set.
    ///
    /// An unreachable provider, an error answer or a document that does not
    /// describe `config.issuer_url` gives [`IdentityError::Unavailable`]
    /// naming the issuer and the cause.
    pub async fn discover(config: OidcConfig) -> Result<Self, IdentityError> {
        let issuer = config
            .parsed_issuer_url()
            .map_err(|e| IdentityError::Unavailable(anyhow!(e)))?;
        let redirect_url = config
            .parsed_redirect_url()
            .map_err(|e| IdentityError::Unavailable(anyhow!(e)))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| {
                IdentityError::Unavailable(anyhow!(e).context("building the HTTP client"))
            })?;

        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| discovery_failure(&issuer, e))?;

        let client_id = ClientId::new(config.client_id);
        let client_secret = ClientSecret::new(config.client_secret);
        let auth_type = auth_type_for(metadata.token_endpoint_auth_methods_supported());
        let jwks_url = metadata.jwks_uri().clone();
        let signing_algs = metadata.id_token_signing_alg_values_supported().clone();
        let signing_keys = metadata.jwks().clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            client_id.clone(),
            Some(client_secret.clone()),
        )
        .set_redirect_uri(redirect_url)
        .set_auth_type(auth_type);
        let scopes = config
            .scopes
            .into_iter()
            // openidconnect always sends `openid` itself.
            .filter(|scope| scope != "openid")
            .map(Scope::new)
            .collect();

        tracing::info!(
            issuer = issuer.as_str(),
            "OpenID Connect provider discovered"
        );
        Ok(Self {
            client,
            http,
            issuer,
            client_id,
            client_secret,
            scopes,
            jwks_url,
            signing_algs,
            signing_keys: RwLock::new(signing_keys),
        })
    }

    /// The issuer this provider signs in with.
    pub fn issuer_url(&self) -> &str {
        self.issuer.as_str()
    }

    /// Verifies the ID token with the cached keys and, when it names a key
    /// that is not among them, once more with the key set fetched anew.
    async fn verified_claims(
        &self,
        id_token: &CoreIdToken,
        nonce: &Nonce,
    ) -> Result<CoreIdTokenClaims, IdentityError> {
        let cached_keys = self.current_signing_keys();
        match id_token.claims(&self.verifier(cached_keys), nonce) {
            Ok(claims) => return Ok(claims.clone()),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {}
            Err(e) => return Err(verification_failure(e)),
        }

        tracing::info!(
            issuer = self.issuer.as_str(),
            "ID token signed by an unknown key; fetching the key set again"
        );
        let fresh_keys = CoreJsonWebKeySet::fetch_async(&self.jwks_url, &self.http)
            .await
            .map_err(|e| key_set_failure(&self.jwks_url, e))?;
        self.replace_signing_keys(fresh_keys.clone());
        id_token
            .claims(&self.verifier(fresh_keys), nonce)
            .cloned()
            .map_err(verification_failure)
    }

    fn verifier(&self, keys: CoreJsonWebKeySet) -> CoreIdTokenVerifier<'static> {
        CoreIdTokenVerifier::new_confidential_client(
            self.client_id.clone(),
            self.client_secret.clone(),
            self.issuer.clone(),
            keys,
        )
        .set_allowed_algs(self.signing_algs.clone())
    }

    fn current_signing_keys(&self) -> CoreJsonWebKeySet {
        // A poisoned lock still holds a whole key set: the writer only
        // assigns a new value.
        match self.signing_keys.read() {
            Ok(keys) => keys.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace_signing_keys(&self, keys: CoreJsonWebKeySet) {
        match self.signing_keys.write() {
            Ok(mut current) => *current = keys,
            Err(poisoned) => *poisoned.into_inner() = keys,
        }
    }
}

#[async_trait]
impl IdentityProvider for OidcProvider {
    /// `google`: the route name (`/auth/google/…`), whatever the issuer.
    fn name(&self) -> &str {
        "google"
    }

    async fn begin_login(&self) -> Result<LoginStart, IdentityError> {
        let (pkce_challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
        let (authorize_url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(self.scopes.iter().cloned())
            .set_pkce_challenge(pkce_challenge)
            .url();
        Ok(LoginStart {
            authorize_url: authorize_url.into(),
            pending: PendingLogin {
                state: state.into_secret(),
                nonce: nonce.secret().clone(),
                pkce_verifier: pkce_verifier.into_secret(),
            },
        })
    }

    async fn finish_login(
        &self,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<VerifiedIdentity, IdentityError> {
        let token_response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| {
                IdentityError::Unavailable(anyhow!(e).context("the provider has no token endpoint"))
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(token_exchange_failure)?;

        let id_token = token_response.id_token().ok_or_else(|| {
            IdentityError::Rejected("the provider's token response has no ID token".to_owned())
        })?;
        let claims = self
            .verified_claims(id_token, &Nonce::new(pending.nonce.clone()))
            .await?;
        Ok(identity_from_claims(&claims))
    }
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// HTTP Basic client authentication, as RFC 6749 prefers and Google,
/// Keycloak, Authentik, Authelia and Dex accept; the secret goes in the form
/// body only for a provider that announces `client_secret_post` but not
/// `client_secret_basic`.
fn auth_type_for(supported: Option<&Vec<CoreClientAuthMethod>>) -> AuthType {
    match supported {
        Some(methods)
            if methods.contains(&CoreClientAuthMethod::ClientSecretPost)
                && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    }
}

fn identity_from_claims(claims: &CoreIdTokenClaims) -> VerifiedIdentity {
    VerifiedIdentity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|email| email.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: unlocalized(claims.name()).map(|name| name.as_str().to_owned()),
        picture: unlocalized(claims.picture()).map(|url| url.as_str().to_owned()),
    }
}

/// The claim without a language tag, or else the first localized one.
fn unlocalized<T>(claim: Option<&LocalizedClaim<T>>) -> Option<&T> {
    let claim = claim?;
    claim
        .get(None)
        .or_else(|| claim.iter().next().map(|(_, value)| value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_goes_in_the_body_only_when_basic_auth_is_not_offered() {
        use CoreClientAuthMethod::{ClientSecretBasic, ClientSecretPost, None as NoAuth};
        assert!(matches!(auth_type_for(None), AuthType::BasicAuth));
        assert!(matches!(
            auth_type_for(Some(&vec![ClientSecretPost, ClientSecretBasic])),
            AuthType::BasicAuth
        ));
        assert!(matches!(
            auth_type_for(Some(&vec![NoAuth])),
            AuthType::BasicAuth
        ));
        assert!(matches!(
            auth_type_for(Some(&vec![ClientSecretPost])),
            AuthType::RequestBody
        ));
    }
}
