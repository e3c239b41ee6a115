//! # mosaic-google
//!
//! The identity-provider adapter: OAuth 2.0 Authorization Code with PKCE and
//! OpenID Connect ID-token verification (JWKS signature, issuer, audience,
//! expiry, nonce) against Google by default or any OIDC issuer found by
//! discovery. It implements the identity-provider port of `mosaic-ports` and
//! knows nothing of cookies or HTTP routing. Filled in by the sign-in issue.
