use poem::Request;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::ApiTags;
use crate::auth::{SESSION_COOKIE, SignedIn};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Signing in with a link, and signing out.
#[derive(Debug)]
pub struct SessionsApi;

/// The secret of a one-time sign-in link.
#[derive(Debug, Clone, Object)]
pub struct SignInLinkInput {
    /// The `token` parameter of the link.
    pub token: String,
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

/// The `Set-Cookie` value for a new session: HttpOnly, SameSite=Lax,
/// Secure when served over https, for the session's lifetime.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

#[OpenApi(tag = "ApiTags::Sessions")]
impl SessionsApi {
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
        if let Some(address) = req.remote_addr().as_socket_addr().map(|a| a.ip()) {
            state
                .limits
                .check_sign_in(address)
                .map_err(ApiError::too_many_requests)?;
        }
        let started = state
            .service
            .redeem_sign_in_link(body.0.token.trim())
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
        if let Some(cookie) = req.cookie().get(SESSION_COOKIE) {
            state.service.end_session(cookie.value_str()).await?;
        }
        Ok(SignedOut::SignedOut(session_cookie(
            "",
            0,
            state.secure_cookies,
        )))
    }
}
