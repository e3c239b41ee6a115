//! The whole sign-in flow against a real OpenID Connect provider on
//! 127.0.0.1 (`oidc-server/server.mjs`, started by `scripts/test.d/20-oidc.sh`,
//! which exports `MOSAIC_TEST_OIDC_ISSUER`): discovery, authorize redirect,
//! code exchange with PKCE, ID-token verification. The test plays the
//! browser; a `login_hint` tells the provider who signs in and how it
//! misbehaves (see the comment at the top of `server.mjs`).

use mosaic_google::{OidcConfig, OidcProvider, state_matches};
use mosaic_ports::{IdentityError, IdentityProvider, LoginStart, VerifiedIdentity};
use openidconnect::reqwest;
use openidconnect::url::{Url, form_urlencoded};

const CLIENT_ID: &str = "mosaic-test-client";
const REDIRECT_URL: &str = "http://127.0.0.1:9/auth/google/callback";

fn test_issuer() -> String {
    std::env::var("MOSAIC_TEST_OIDC_ISSUER").unwrap_or_else(|_| {
        panic!(
            "MOSAIC_TEST_OIDC_ISSUER is not set. Run scripts/test, or start the test \
             provider as scripts/test.d/20-oidc.sh does (node \
             adapters/google/tests/oidc-server/server.mjs PORT) and export \
             MOSAIC_TEST_OIDC_ISSUER=http://127.0.0.1:PORT"
        )
    })
}

fn test_config() -> OidcConfig {
    OidcConfig {
        issuer_url: test_issuer(),
        ..OidcConfig::google(CLIENT_ID, "test-client-secret", REDIRECT_URL)
    }
}

async fn discovered_provider() -> OidcProvider {
    OidcProvider::discover(test_config())
        .await
        .unwrap_or_else(|e| panic!("discovery of the test provider failed: {e:?}"))
}

/// What the provider sends the browser back to the callback with.
#[derive(Debug)]
struct Callback {
    code: String,
    state: String,
}

/// Plays the browser: opens the authorize URL (adding `login_hint`), does
/// not follow the provider's redirect, and reads the callback parameters
/// from its `Location`.
async fn authorize(start: &LoginStart, login_hint: &[(&str, &str)]) -> Callback {
    let mut url = Url::parse(&start.authorize_url).expect("the authorize URL parses");
    let hint = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(login_hint)
        .finish();
    url.query_pairs_mut().append_pair("login_hint", &hint);

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let response = browser
        .get(url)
        .send()
        .await
        .expect("the authorize endpoint answers");
    assert!(
        response.status().is_redirection(),
        "the authorize endpoint should redirect, got {}",
        response.status()
    );
    let location = response
        .headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .expect("an ASCII Location");
    assert!(
        location.starts_with(REDIRECT_URL),
        "redirected to {location}, not to the callback"
    );
    let location = Url::parse(location).expect("the Location parses");
    let param = |name: &str| {
        location
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_else(|| panic!("the callback has no `{name}`: {location}"))
    };
    Callback {
        code: param("code"),
        state: param("state"),
    }
}

/// A full login; `login_hint` chooses the user and the provider's behaviour.
async fn login(
    provider: &OidcProvider,
    login_hint: &[(&str, &str)],
) -> Result<VerifiedIdentity, IdentityError> {
    let start = provider.begin_login().await.expect("begin_login");
    let callback = authorize(&start, login_hint).await;
    assert!(state_matches(&start.pending, &callback.state));
    provider.finish_login(&callback.code, &start.pending).await
}

fn expect_rejected(result: Result<VerifiedIdentity, IdentityError>, reason_mentions: &str) {
    match result {
        Err(IdentityError::Rejected(reason)) => assert!(
            reason.contains(reason_mentions),
            "rejected, but the reason {reason:?} does not mention {reason_mentions:?}"
        ),
        other => panic!("expected Rejected mentioning {reason_mentions:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_full_login_returns_the_identity_the_provider_signed() {
    let provider = discovered_provider().await;
    let identity = login(
        &provider,
        &[
            ("sub", "108234-happy-path"),
            ("email", "grace@example.test"),
            ("email_verified", "true"),
            ("name", "Grace Hopper"),
            ("picture", "https://example.test/grace.png"),
        ],
    )
    .await
    .expect("the login succeeds");

    assert_eq!(
        identity,
        VerifiedIdentity {
            issuer: test_issuer(),
            subject: "108234-happy-path".to_owned(),
            email: Some("grace@example.test".to_owned()),
            email_verified: true,
            name: Some("Grace Hopper".to_owned()),
            picture: Some("https://example.test/grace.png".to_owned()),
        }
    );
}

#[tokio::test]
async fn the_authorize_url_asks_for_a_code_with_pkce_s256_state_nonce_and_openid_scopes() {
    let provider = discovered_provider().await;
    let start = provider.begin_login().await.expect("begin_login");
    let url = Url::parse(&start.authorize_url).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };

    assert!(start.authorize_url.starts_with(&test_issuer()));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(param("redirect_uri").as_deref(), Some(REDIRECT_URL));
    assert_eq!(param("scope").as_deref(), Some("openid email profile"));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert!(param("code_challenge").is_some_and(|c| c.len() == 43));
    assert_eq!(param("state"), Some(start.pending.state.clone()));
    assert_eq!(param("nonce"), Some(start.pending.nonce.clone()));
    // The verifier stays with us; only its hash travels.
    assert!(!start.authorize_url.contains(&start.pending.pkce_verifier));

    let another = provider.begin_login().await.expect("begin_login");
    assert_ne!(start.pending.state, another.pending.state);
    assert_ne!(start.pending.nonce, another.pending.nonce);
    assert_ne!(start.pending.pkce_verifier, another.pending.pkce_verifier);
}

#[tokio::test]
async fn an_unverified_email_is_reported_as_unverified() {
    let provider = discovered_provider().await;
    let identity = login(
        &provider,
        &[
            ("sub", "unverified-email-user"),
            ("email", "someone@example.test"),
            ("email_verified", "false"),
        ],
    )
    .await
    .expect("the login succeeds");
    assert_eq!(identity.email.as_deref(), Some("someone@example.test"));
    assert!(!identity.email_verified);
}

#[tokio::test]
async fn a_tampered_or_replayed_state_does_not_match() {
    let provider = discovered_provider().await;
    let first = provider.begin_login().await.unwrap();
    let second = provider.begin_login().await.unwrap();
    let first_callback = authorize(&first, &[]).await;

    assert!(state_matches(&first.pending, &first_callback.state));
    let mut tampered = first_callback.state.clone();
    tampered.push('x');
    assert!(!state_matches(&first.pending, &tampered));
    assert!(!state_matches(&first.pending, ""));
    // A callback of one login replayed into the browser of another.
    assert!(!state_matches(&second.pending, &first_callback.state));
}

#[tokio::test]
async fn a_code_used_twice_is_rejected() {
    let provider = discovered_provider().await;
    let start = provider.begin_login().await.unwrap();
    let callback = authorize(&start, &[]).await;

    provider
        .finish_login(&callback.code, &start.pending)
        .await
        .expect("the first use succeeds");
    expect_rejected(
        provider.finish_login(&callback.code, &start.pending).await,
        "refused the code",
    );
}

#[tokio::test]
async fn a_code_finished_with_another_logins_secrets_is_rejected() {
    let provider = discovered_provider().await;
    let victim = provider.begin_login().await.unwrap();
    let attacker = provider.begin_login().await.unwrap();
    let callback = authorize(&victim, &[]).await;

    // The PKCE verifier does not match the challenge the code was issued for.
    expect_rejected(
        provider
            .finish_login(&callback.code, &attacker.pending)
            .await,
        "refused the code",
    );
}

#[tokio::test]
async fn an_id_token_with_the_wrong_nonce_is_rejected() {
    let provider = discovered_provider().await;
    expect_rejected(
        login(&provider, &[("scenario", "wrong-nonce")]).await,
        "nonce",
    );
}

#[tokio::test]
async fn an_id_token_for_another_audience_is_rejected() {
    let provider = discovered_provider().await;
    expect_rejected(
        login(&provider, &[("scenario", "wrong-audience")]).await,
        "audience",
    );
}

#[tokio::test]
async fn an_id_token_from_another_issuer_is_rejected() {
    let provider = discovered_provider().await;
    expect_rejected(
        login(&provider, &[("scenario", "wrong-issuer")]).await,
        "issuer",
    );
}

#[tokio::test]
async fn an_expired_id_token_is_rejected() {
    let provider = discovered_provider().await;
    expect_rejected(
        login(&provider, &[("scenario", "expired")]).await,
        "Expired",
    );
}

#[tokio::test]
async fn an_id_token_signed_by_an_unknown_key_is_rejected() {
    let provider = discovered_provider().await;
    expect_rejected(
        login(&provider, &[("scenario", "unknown-key")]).await,
        "No matching key",
    );
}

#[tokio::test]
async fn a_rotated_signing_key_is_fetched_and_accepted() {
    // The key is created at the provider after discovery cached the key set,
    // so only fetching the key set again can verify the token.
    let provider = discovered_provider().await;
    let identity = login(
        &provider,
        &[("scenario", "rotated-key"), ("sub", "rotation-user")],
    )
    .await
    .expect("the login succeeds after fetching the new key");
    assert_eq!(identity.subject, "rotation-user");

    // The fetched keys stay cached for the next login.
    login(&provider, &[])
        .await
        .expect("a normal login still succeeds");
}

#[tokio::test]
async fn a_token_endpoint_in_trouble_is_unavailable() {
    let provider = discovered_provider().await;
    match login(&provider, &[("scenario", "provider-error")]).await {
        Err(IdentityError::Unavailable(cause)) => {
            assert!(
                format!("{cause:#}").contains("temporarily_unavailable"),
                "{cause:#}"
            )
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_provider_that_is_down_is_unavailable_with_a_clear_message() {
    // A port nothing listens on.
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let issuer = format!("http://127.0.0.1:{closed_port}");
    let config = OidcConfig {
        issuer_url: issuer.clone(),
        ..test_config()
    };

    let error = OidcProvider::discover(config)
        .await
        .expect_err("discovery against a closed port fails");
    let IdentityError::Unavailable(cause) = &error else {
        panic!("expected Unavailable, got {error:?}");
    };
    let message = format!("{error}: {cause:#}");
    assert!(
        message.contains("unavailable")
            && message.contains(&format!("{issuer}/.well-known/openid-configuration")),
        "unclear message: {message}"
    );
}

#[tokio::test]
async fn an_issuer_without_a_discovery_document_is_unavailable() {
    let config = OidcConfig {
        issuer_url: format!("{}/no-such-issuer", test_issuer()),
        ..test_config()
    };
    match OidcProvider::discover(config).await {
        Err(IdentityError::Unavailable(cause)) => {
            assert!(format!("{cause:#}").contains("404"), "{cause:#}")
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_output_of_the_provider_never_shows_the_secret() {
    let provider = discovered_provider().await;
    let shown = format!("{provider:?}");
    assert!(!shown.contains("test-client-secret"), "{shown}");
    assert!(shown.contains(CLIENT_ID));
}
