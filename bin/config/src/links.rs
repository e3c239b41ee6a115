//! Addresses both shells hand out.

use crate::Config;

/// The address of the web page that redeems a sign-in link secret
/// (`{public_url}/sign-in?token=…`): printed by the server on first start
/// and by `mosaic-admin login-link`.
pub fn sign_in_url(config: &Config, token: &str) -> String {
    format!("{}/sign-in?token={token}", config.public_url)
}

/// The address of an invite link (`{public_url}/invites/{token}`): shown
/// by the web app when the creator makes one and by `mosaic-admin invite create`.
pub fn invite_url(config: &Config, token: &str) -> String {
    format!("{}/invites/{token}", config.public_url)
}
