//! LoginPrep, Login and Logout (mox webauth, with persistent sessions).

use std::time::Duration;

use sherpa_admin::api::CSRFToken;
use sherpa_admin::runtime::Error;

use super::Ctx;
use crate::app::{App, server_err};
use crate::auth::{self, LOGIN_COOKIE, SESSION_COOKIE};

/// How long a failed attempt is held before answering (mox's BadAuthDelay).
pub const BAD_AUTH_DELAY: Duration = Duration::from_secs(1);

/// meta key of the admin password hash.
pub const ADMIN_PASSWORD_KEY: &str = "admin_password";

impl App {
    pub async fn login_prep(&self, ctx: &Ctx) -> Result<String, Error> {
        let token = auth::random_token(8);
        ctx.add_cookie(auth::set_cookie(
            LOGIN_COOKIE,
            &token,
            &self.admin_path,
            Some(30),
            ctx.secure,
        ));
        Ok(token)
    }

    pub async fn login(
        &self,
        ctx: &Ctx,
        login_token: String,
        password: String,
    ) -> Result<CSRFToken, Error> {
        if ctx.login_cookie.as_deref() != Some(login_token.as_str()) || login_token.is_empty() {
            return Err(Error::user("missing login token"));
        }
        let Some(ip) = ctx.ip else {
            return Err(Error::server(
                "login: cannot find ip for rate limit check (missing x-forwarded-for header?)",
            ));
        };
        // Counted as a failure now, before the hash: concurrent attempts cannot all
        // pass the check (a success resets the count below).
        if !self.limiter.reserve(ip) {
            return Err(Error::user("too many authentication attempts"));
        }
        let hash = match self.store.meta.get(ADMIN_PASSWORD_KEY) {
            Ok(Some(h)) => String::from_utf8_lossy(&h).into_owned(),
            Ok(None) => {
                return Err(Error::server(
                    "login: evaluating login attempt: no admin password set",
                ));
            }
            Err(e) => return Err(server_err("login: evaluating login attempt", e)),
        };
        // Argon2 is deliberately slow and large: off the request threads, and only a
        // few at a time (a burst of logins must not take a burst of memory).
        let Some(checked) = self
            .hashes
            .run(move || auth::verify_password(&password, &hash))
            .await
        else {
            // Not checked: the attempt does not count against the address.
            self.limiter.release(ip);
            return Err(Error::user("too many concurrent logins, try again"));
        };
        let ok = checked
            .map_err(|e| server_err("login: evaluating login attempt", e))?
            .map_err(|e| server_err("login: evaluating login attempt", e))?;
        if !ok {
            tokio::time::sleep(BAD_AUTH_DELAY).await;
            // The code the schema documents, not mox's user:loginFailed (docs/mox-differences.md).
            return Err(Error::new("user:badLogin", "invalid credentials"));
        }
        self.limiter.reset(ip);
        let (token, csrf) = self
            .sessions
            .create(&self.store)
            .map_err(|e| server_err("login: creating session", e))?;
        self.flush().await?;
        ctx.add_cookie(auth::set_cookie(
            SESSION_COOKIE,
            &format!("{token} "),
            &self.admin_path,
            None,
            ctx.secure,
        ));
        ctx.add_cookie(auth::set_cookie(
            LOGIN_COOKIE,
            "",
            &self.admin_path,
            Some(0),
            ctx.secure,
        ));
        Ok(CSRFToken::from(csrf))
    }

    pub async fn logout(&self, ctx: &Ctx) -> Result<(), Error> {
        let token = ctx.session.clone().unwrap_or_default();
        let existed = self
            .sessions
            .remove(&self.store, &token)
            .map_err(|e| server_err("logout: removing session", e))?;
        if !existed {
            return Err(Error::server("logout: removing session: unknown session"));
        }
        self.flush().await?;
        ctx.add_cookie(auth::set_cookie(
            SESSION_COOKIE,
            "",
            &self.admin_path,
            Some(0),
            ctx.secure,
        ));
        Ok(())
    }
}
