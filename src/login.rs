//! mox's admin login, from the client side.
//!
//! mox does not authenticate sherpa calls with a header alone. `LoginPrep` sets a login
//! cookie and returns the same token; `Login` with that token and the password checks
//! both, sets the session cookie and returns a CSRF token; every later call must carry
//! the session cookie and the CSRF token in the `x-mox-csrf` header. The runtime's
//! client keeps the cookies; this module does the rest. The flow belongs to mox, not
//! to sherpa, which is why it lives with the admin bindings and not in the runtime.

use sherpa_runtime::Error;
use sherpa_runtime::client::{HeaderName, HeaderValue, codes};

use crate::api::client::Client;

/// The header mox reads the CSRF token from.
pub const CSRF_HEADER: &str = "x-mox-csrf";

/// Logs in to the admin API at `base_url` (e.g. `https://mail.example.org/admin/api/`)
/// and returns a client whose calls are authenticated. Errors are the server's (e.g.
/// `user:loginFailed` for a wrong password) or the client's own codes.
pub async fn login(base_url: &str, password: &str) -> Result<Client, Error> {
    login_with(Client::new(base_url)?, password).await
}

/// Logs in with a client made elsewhere (with a timeout, say, from a runtime client
/// built with `sherpa_runtime::client::Client::builder`). The client must keep
/// cookies, as clients made by the runtime do.
pub async fn login_with(client: Client, password: &str) -> Result<Client, Error> {
    let login_token = client.login_prep().await?;
    let csrf = client.login(&login_token, password).await?;
    let value = HeaderValue::from_str(&csrf.0).map_err(|_| {
        Error::new(
            codes::BAD_RESPONSE,
            "the CSRF token from Login cannot be sent as a header",
        )
    })?;
    client
        .runtime()
        .set_header(HeaderName::from_static(CSRF_HEADER), Some(value));
    Ok(client)
}
