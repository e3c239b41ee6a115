//! Addresses both shells hand out.

use crate::Config;

/// The address of the web page that redeems a sign-in link secret
/// (`{public_url}/sign-in?token=…`): printed by the server on first start
/// and by `mosaic-admin login-link`.
pub fn sign_in_url(config: &Config, token: &str) -> String {
    format!("{}/sign-in?token={token}", config.public_url)
}
