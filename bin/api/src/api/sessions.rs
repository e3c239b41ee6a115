use poem::Request;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::auth::{SignedIn, session_cookie, session_cookie_name};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Signing in with a link, and signing out.
#[derive(Debug)]
pub struct SessionsApi;

/// The secret of a one-time sign-in link.
#[derive(Debug, Clone, Object)]
pub struct SignInLinkInput {
    /// The `token` parameter of the link.
    pub token: crate::dto::Text,
}

/// The ways to sign in on this server, so the web app shows only buttons
/// that work.
#[derive(Debug, Clone, Object)]
pub struct SignInMethods {
    /// Whether "Sign in with Google" (or the configured OpenID Connect
    /// issuer) works now: configured, and its discovery document was read.
    pub google: bool,
    /// Where the button points (`/auth/google/login`), when `google` is
    /// true; `null` otherwise.
    #[oai(nullable)]
    pub google_login_url: Option<String>,
    /// One-time sign-in links always work.
    pub sign_in_links: bool,
}

#[derive(Debug, ApiResponse)]
enum SignedInResponse {
    /// Signed in; the session cookie is set.
    #[oai(status = 204)]
    SignedIn(#[oai(header = "Set-Cookie")] String),
}

#[derive(Debug, ApiResponse)]
enum SignedOut {
    /// Signed out; the session is revoked and the cookie cleared.
    #[oai(status = 204)]
    SignedOut(#[oai(header = "Set-Cookie")] String),
}

#[OpenApi(tag = "ApiTags::Sessions")]
impl SessionsApi {
    /// Ways to sign in
    ///
    /// Which sign-in buttons the web app should show. Open to everyone.
    #[oai(
        path = "/auth/providers",
        method = "get",
        operation_id = "get_sign_in_methods"
    )]
    async fn providers(&self, state: Data<&AppState>) -> Json<SignInMethods> {
        let google = match &state.sign_in_provider {
            Some(provider) => {
                // A provider that was down at start-up gets its button
                // back once it answers again.
                provider.retry_in_background();
                provider.is_ready()
            }
            None => false,
        };
        Json(SignInMethods {
            google,
            google_login_url: google.then(|| crate::sign_in::LOGIN_PATH.to_owned()),
            sign_in_links: true,
        })
    }

    /// Sign in with a one-time link
    ///
    /// The link works once, for 15 minutes. The web app's sign-in page posts
    /// the link's token here (a GET would let e-mail link previews use it up).
    #[oai(
        path = "/auth/sign-in-link",
        method = "post",
        operation_id = "redeem_sign_in_link"
    )]
    async fn redeem(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<SignInLinkInput>,
    ) -> ApiResult<SignedInResponse> {
        if let Some(address) = state.client_address.of(req) {
            state
                .limits
                .check_sign_in(address)
                .await
                .map_err(ApiError::too_many_requests)?;
        }
        let started = state
            .service
            .redeem_sign_in_link(body.0.token.0.trim())
            .await?;
        let max_age = (started.session.expires_at - started.session.created_at).whole_seconds();
        Ok(SignedInResponse::SignedIn(session_cookie(
            &started.token,
            max_age,
            state.secure_cookies,
        )))
    }

    /// Sign out
    ///
    /// Revokes the session on the server, so a copied cookie stops working too.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        req: &Request,
        _auth: SignedIn,
    ) -> ApiResult<SignedOut> {
        if let Some(cookie) = req.cookie().get(session_cookie_name(state.secure_cookies)) {
            state.service.end_session(cookie.value_str()).await?;
        }
        Ok(SignedOut::SignedOut(session_cookie(
            "",
            0,
            state.secure_cookies,
        )))
    }
}
