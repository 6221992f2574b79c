//! The command line's way into a running server. sled locks the store's directory, so
//! while a server runs on a data directory the CLI cannot open it; `import` then logs in
//! to that server as the admin (mox's `LoginPrep`/`Login` flow, session cookie and CSRF
//! token) and sends each file to `POST /admin/import`, which stores and answers exactly
//! as a local import would.
//!
//! The server writes its address to `DATA/server-url` when it starts listening and
//! removes it when it stops, so the CLI finds it without flags.

use std::path::{Path, PathBuf};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;

/// The file in the data directory holding the running server's admin URL.
pub fn url_file(data: &Path) -> PathBuf {
    data.join("server-url")
}

/// The admin URL (`http://ADDR/admin/`) of a server listening on `addr`, reachable from
/// this machine: an unspecified address (`0.0.0.0`, `::`) becomes loopback.
pub fn admin_url(addr: std::net::SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}/admin/")
}

/// A logged-in admin session with a running server.
pub struct Remote {
    base: url::Url,
    session_cookie: String,
    csrf: String,
}

/// The most a response may be: an import's result lines for a large mbox.
const MAX_RESPONSE: usize = 16 << 20;

struct Response {
    status: u16,
    cookies: Vec<String>,
    body: Vec<u8>,
}

async fn send(
    url: &url::Url,
    cookie: Option<&str>,
    csrf: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> Result<Response, String> {
    if url.scheme() != "http" {
        return Err(format!("{url}: only http:// server URLs are supported"));
    }
    let host = url
        .host_str()
        .ok_or_else(|| format!("{url}: no host"))?
        .to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let connect_to = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let stream = tokio::net::TcpStream::connect((connect_to.as_str(), port))
        .await
        .map_err(|e| format!("connecting to {url}: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("{url}: {e}"))?;
    let driver = tokio::spawn(conn);
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let mut req = hyper::Request::post(path)
        .header(hyper::header::HOST, format!("{host}:{port}"))
        .header(hyper::header::CONTENT_TYPE, content_type)
        .header(hyper::header::USER_AGENT, "server-cli");
    if let Some(c) = cookie {
        req = req.header(hyper::header::COOKIE, c);
    }
    if let Some(c) = csrf {
        req = req.header("x-mox-csrf", c);
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("{url}: {e}"))?;
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = resp.status().as_u16();
    let cookies = resp
        .headers()
        .get_all(hyper::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .collect();
    let body = Limited::new(resp.into_body(), MAX_RESPONSE)
        .collect()
        .await
        .map_err(|e| format!("{url}: reading the answer: {e}"))?
        .to_bytes()
        .to_vec();
    driver.abort();
    Ok(Response {
        status,
        cookies,
        body,
    })
}

/// Calls a sherpa function of the admin API; returns its result, or the error message.
async fn call(
    base: &url::Url,
    function: &str,
    params: serde_json::Value,
    cookie: Option<&str>,
) -> Result<(serde_json::Value, Vec<String>), String> {
    let url = base
        .join(&format!("api/{function}"))
        .map_err(|e| e.to_string())?;
    let body = serde_json::json!({ "params": params })
        .to_string()
        .into_bytes();
    let r = send(&url, cookie, None, "application/json", body).await?;
    let v: serde_json::Value = serde_json::from_slice(&r.body).map_err(|_| {
        format!(
            "{url}: status {}: {}",
            r.status,
            String::from_utf8_lossy(&r.body).trim()
        )
    })?;
    if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
        return Err(format!(
            "{function}: {}",
            e.get("message")
                .and_then(|m| m.as_str())
                .unwrap_or("failed")
        ));
    }
    Ok((v.get("result").cloned().unwrap_or_default(), r.cookies))
}

impl Remote {
    /// Logs in to the server at `base` (its admin URL, ending in `/admin/`).
    pub async fn login(base: &str, password: &str) -> Result<Remote, String> {
        let base = url::Url::parse(base).map_err(|e| format!("server URL {base:?}: {e}"))?;
        let (token, cookies) = call(&base, "LoginPrep", serde_json::json!([]), None).await?;
        let login_cookie = cookies
            .into_iter()
            .find(|c| c.starts_with("webadminlogin="))
            .ok_or("LoginPrep: the server set no login cookie")?;
        let (csrf, cookies) = call(
            &base,
            "Login",
            serde_json::json!([token, password]),
            Some(&login_cookie),
        )
        .await?;
        let session_cookie = cookies
            .into_iter()
            .find(|c| c.starts_with("webadminsession="))
            .ok_or("Login: the server set no session cookie")?;
        let csrf = csrf.as_str().ok_or("Login: no CSRF token")?.to_string();
        Ok(Remote {
            base,
            session_cookie,
            csrf,
        })
    }

    /// Sends one file to `POST /admin/import`; returns the import's result.
    pub async fn import(
        &self,
        name: &str,
        bytes: Vec<u8>,
        kind: &str,
        keep_going: bool,
    ) -> Result<crate::intake::ImportResult, String> {
        let mut url = self.base.join("import").map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair("name", name)
            .append_pair("kind", kind)
            .append_pair("keepGoing", if keep_going { "1" } else { "0" });
        let r = send(
            &url,
            Some(&self.session_cookie),
            Some(&self.csrf),
            "application/octet-stream",
            bytes,
        )
        .await?;
        // Refusals are in the API's shape, with status 200 for a failed authentication.
        let refusal = serde_json::from_slice::<serde_json::Value>(&r.body)
            .ok()
            .and_then(|v| {
                v.pointer("/error/message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            });
        match (r.status, refusal) {
            (200, None) => {}
            (status, msg) => {
                let msg =
                    msg.unwrap_or_else(|| String::from_utf8_lossy(&r.body).trim().to_string());
                return Err(format!(
                    "{name}: the server refused the import ({status}): {msg}"
                ));
            }
        }
        serde_json::from_slice(&r.body).map_err(|e| format!("{name}: the server's answer: {e}"))
    }

    /// Ends the session.
    pub async fn logout(&self) {
        let url = match self.base.join("api/Logout") {
            Ok(u) => u,
            Err(_) => return,
        };
        let body = br#"{"params":[]}"#.to_vec();
        let _ = send(
            &url,
            Some(&self.session_cookie),
            Some(&self.csrf),
            "application/json",
            body,
        )
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_urls_reach_unspecified_listeners_on_loopback() {
        assert_eq!(
            admin_url("0.0.0.0:1080".parse().unwrap()),
            "http://127.0.0.1:1080/admin/"
        );
        assert_eq!(
            admin_url("[::]:1080".parse().unwrap()),
            "http://[::1]:1080/admin/"
        );
        assert_eq!(
            admin_url("192.0.2.1:8080".parse().unwrap()),
            "http://192.0.2.1:8080/admin/"
        );
    }
}
