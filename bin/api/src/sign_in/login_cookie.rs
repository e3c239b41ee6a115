//! The short-lived cookie that carries a login in progress (its `state`,
//! `nonce` and PKCE verifier) from `/auth/google/login` to the callback.
//!
//! Nothing is stored on the server, so any replica can finish a login that
//! another began. The cookie is bound to the browser that started the login
//! (the callback's `state` must match it), HttpOnly, SameSite=Lax (sent on
//! the provider's top-level redirect back), lives ten minutes, is cleared
//! by the callback whatever happens, and is signed with HMAC-SHA256 under
//! the server's sign-in key so that it cannot be forged or altered.
//!
//! Value: `{issued_unix}.{hex state}.{hex nonce}.{hex verifier}.{hex mac}`,
//! the MAC covering a version tag and everything before the last dot.

use hmac::{Hmac, KeyInit, Mac};
use mosaic_key_file::SecretKey;
use mosaic_ports::PendingLogin;
use sha2::Sha256;

/// How long a login may take between the redirect and the callback.
pub const LOGIN_COOKIE_LIFETIME_SECS: i64 = 10 * 60;

/// Tag mixed into every MAC, so that no other signed value of this server
/// can pass for a login cookie.
const MAC_CONTEXT: &str = "mosaic-login-cookie-v1.";

/// The cookie's name: `__Host-` prefixed when served over https, so that
/// only this host (not a sibling subdomain) can set it.
pub fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-mosaic_login"
    } else {
        "mosaic_login"
    }
}

/// Why a login cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginCookieError {
    /// Malformed, or the signature does not match: forged or altered.
    Tampered,
    /// Older than ten minutes (or from the future).
    Expired,
}

/// Signs and checks login cookies.
#[derive(Clone)]
pub struct LoginCookieSigner {
    key: SecretKey,
}

impl std::fmt::Debug for LoginCookieSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginCookieSigner(..)")
    }
}

impl LoginCookieSigner {
    /// A signer with the server's sign-in key.
    pub fn new(key: SecretKey) -> Self {
        Self { key }
    }

    fn mac(&self, signed_part: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(MAC_CONTEXT.as_bytes());
        mac.update(signed_part.as_bytes());
        mac
    }

    /// The cookie value for a login started at `issued_at` (Unix seconds).
    pub fn seal(&self, pending: &PendingLogin, issued_at: i64) -> String {
        let signed_part = format!(
            "{issued_at}.{}.{}.{}",
            hex::encode(&pending.state),
            hex::encode(&pending.nonce),
            hex::encode(&pending.pkce_verifier)
        );
        let mac = hex::encode(self.mac(&signed_part).finalize().into_bytes());
        format!("{signed_part}.{mac}")
    }

    /// The login in a cookie value, if the signature holds (checked in
    /// constant time) and it is not older than ten minutes at `now`.
    pub fn open(&self, value: &str, now: i64) -> Result<PendingLogin, LoginCookieError> {
        let (signed_part, mac_hex) = value.rsplit_once('.').ok_or(LoginCookieError::Tampered)?;
        let mac = hex::decode(mac_hex).map_err(|_| LoginCookieError::Tampered)?;
        self.mac(signed_part)
            .verify_slice(&mac)
            .map_err(|_| LoginCookieError::Tampered)?;

        let fields: Vec<&str> = signed_part.split('.').collect();
        let [issued_at, state, nonce, verifier] = fields[..] else {
            return Err(LoginCookieError::Tampered);
        };
        let issued_at: i64 = issued_at.parse().map_err(|_| LoginCookieError::Tampered)?;
        let age = now - issued_at;
        if !(0..=LOGIN_COOKIE_LIFETIME_SECS).contains(&age) {
            return Err(LoginCookieError::Expired);
        }
        let text = |hex_text: &str| {
            hex::decode(hex_text)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or(LoginCookieError::Tampered)
        };
        Ok(PendingLogin {
            state: text(state)?,
            nonce: text(nonce)?,
            pkce_verifier: text(verifier)?,
        })
    }
}

/// The `Set-Cookie` value that stores a login in progress.
pub fn set_login_cookie(value: &str, secure: bool) -> String {
    let name = login_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={LOGIN_COOKIE_LIFETIME_SECS}{secure}"
    )
}

/// The `Set-Cookie` value that removes the login cookie (single use).
pub fn clear_login_cookie(secure: bool) -> String {
    let name = login_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(byte: u8) -> LoginCookieSigner {
        LoginCookieSigner::new(SecretKey::from_bytes(&[byte; 32]).unwrap())
    }

    fn pending() -> PendingLogin {
        PendingLogin {
            state: "st.ate/with+odd=chars".to_owned(),
            nonce: "nonce-1".to_owned(),
            pkce_verifier: "verifier-abc".to_owned(),
        }
    }

    #[test]
    fn a_sealed_login_opens_within_ten_minutes() {
        let value = signer(1).seal(&pending(), 1_000);
        assert_eq!(signer(1).open(&value, 1_000), Ok(pending()));
        assert_eq!(signer(1).open(&value, 1_600), Ok(pending()));
        assert_eq!(
            signer(1).open(&value, 1_601),
            Err(LoginCookieError::Expired)
        );
        assert_eq!(signer(1).open(&value, 999), Err(LoginCookieError::Expired));
    }

    #[test]
    fn an_altered_or_foreign_cookie_is_tampered() {
        let value = signer(1).seal(&pending(), 1_000);
        assert_eq!(
            signer(2).open(&value, 1_000),
            Err(LoginCookieError::Tampered)
        );
        // A later issue time to outlive the ten minutes.
        let extended = value.replacen("1000.", "1500.", 1);
        assert_eq!(
            signer(1).open(&extended, 1_000),
            Err(LoginCookieError::Tampered)
        );
        let mut flipped = value.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            signer(1).open(&flipped, 1_000),
            Err(LoginCookieError::Tampered)
        );
        for junk in ["", ".", "a.b", "1000.zz.zz.zz.zz"] {
            assert_eq!(signer(1).open(junk, 1_000), Err(LoginCookieError::Tampered));
        }
    }

    #[test]
    fn cookie_attributes_follow_the_scheme() {
        let plain = set_login_cookie("v", false);
        assert!(plain.starts_with("mosaic_login=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=600"));
        assert!(!plain.contains("Secure"));
        let secure = set_login_cookie("v", true);
        assert!(secure.starts_with("__Host-mosaic_login=v;") && secure.ends_with("; Secure"));
        assert!(clear_login_cookie(true).contains("Max-Age=0"));
    }
}
