//! HTTP: mox's admin routing, the per-request auth check (cookies and CSRF, see
//! `docs/protocol.md#admin-sessions`), security headers and gzip, and hand-off to the
//! sherpa runtime for API calls.
//!
//! Everything goes through one handler so that the order of checks is exactly mox's:
//! method checks before auth, auth before function lookup.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody as _};
use actix_web::http::{Method, StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{App as ActixApp, HttpRequest, HttpResponse, HttpServer, web};

use sherpa_admin::api::Dispatcher;
use sherpa_admin::runtime::{Options, actix};

use crate::api::{AdminApi, Ctx};
use crate::app::App;
use crate::auth::{self, SESSION_COOKIE};
use crate::compress::{accepts_gzip, gzip_parts};
use crate::config::ParsedLimits;
use crate::inflight::{Full, InFlight};

/// Shared state of the HTTP layer.
pub struct Server {
    pub app: Arc<App>,
    pub dispatcher: Dispatcher<AdminApi>,
    pub opts: Options,
    /// Requests in progress, bounded by the configured `Limits`.
    pub in_flight: Arc<InFlight>,
    pub limits: ParsedLimits,
}

impl Server {
    pub fn new(app: Arc<App>) -> Server {
        // Checked when the configuration was loaded.
        let limits = app
            .static_config
            .config
            .limits
            .parsed()
            .unwrap_or_else(|_| {
                crate::config::Limits::default()
                    .parsed()
                    .expect("default limits parse")
            });
        let mut opts = runtime_options();
        opts.body_timeout = Some(limits.body_timeout);
        Server {
            dispatcher: Dispatcher(AdminApi(app.clone())),
            opts,
            in_flight: InFlight::new(limits.max_requests_per_address, limits.max_requests),
            limits,
            app,
        }
    }
}

/// Runtime options: mox's `NoCORS`, strict parameters, POST only, no descriptor paths
/// (mox's POST-only rule blocks them); the version reported by `_docs`. The runtime's
/// default body limit (1 MiB) applies.
fn runtime_options() -> Options {
    Options {
        version: env!("CARGO_PKG_VERSION").to_string(),
        cors: false,
        get: false,
        jsonp: false,
        descriptor: false,
        ..Options::default()
    }
}

/// `path.Clean`, keeping a trailing slash as Go's HTTP server does.
pub fn clean_path(p: &str) -> String {
    let trailing = p.ends_with('/') && p.len() > 1;
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    out
}

fn text(status: StatusCode, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(format!("{body}\n"))
}

/// An auth failure on an API path: HTTP 200, `{"error":{...}}` without a `result` key.
fn api_auth_error(code: &str, message: &str) -> HttpResponse {
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .body(format!("{body}\n"))
}

fn auth_error(is_api: bool, code: &str, message: &str) -> HttpResponse {
    if is_api {
        api_auth_error(code, message)
    } else {
        text(
            StatusCode::FORBIDDEN,
            &format!("403 - forbidden - {message}"),
        )
    }
}

/// The client address for rate limiting: the first `X-Forwarded-For` entry when the server
/// is configured as forwarded, else the peer address.
fn client_ip(req: &HttpRequest, forwarded: bool) -> Option<IpAddr> {
    if forwarded {
        let v = req.headers().get("x-forwarded-for")?.to_str().ok()?;
        return v.split(',').next()?.trim().parse().ok();
    }
    req.peer_addr().map(|a| a.ip())
}

/// Whether the request's `Host` is one this server answers to: an IP address (what no
/// DNS-rebinding page can make a browser send), `localhost`, the configured `Hostname`
/// or one of `AcceptedHosts`, compared without port and case. A page on a hostile
/// domain that rebinds its name to this server's address sends its own domain and is
/// refused. A request without `Host` (HTTP/1.0, not a browser) is accepted.
fn host_accepted(req: &HttpRequest, config: &crate::config::StaticConfig) -> bool {
    let Some(host) = req.headers().get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        // [v6]:port
        Some(rest) => {
            return rest
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok());
        }
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.');
    name.parse::<IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || name.eq_ignore_ascii_case(config.hostname.trim_end_matches('.'))
        || config
            .accepted_hosts
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h.trim_end_matches('.')))
}

/// Whether the client reached us over HTTPS: the listener's own TLS, or, only when the
/// server is configured as behind a proxy, `X-Forwarded-Proto`. (actix's
/// `connection_info().scheme()` believes forwarding headers from anyone.)
fn is_secure(req: &HttpRequest, forwarded: bool) -> bool {
    req.app_config().secure() && !forwarded
        || forwarded
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https")
}

fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    auth::get_cookie(
        req.headers()
            .get_all(header::COOKIE)
            .filter_map(|v| v.to_str().ok()),
        name,
    )
}

/// mox's `webauth.Check`. Returns the session token on success, or the response to send.
async fn check_auth(srv: &Server, req: &HttpRequest, is_api: bool) -> Result<String, HttpResponse> {
    let app = &srv.app;
    let csrf = req
        .headers()
        .get("x-mox-csrf")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if is_api && csrf.is_empty() {
        return Err(auth_error(
            is_api,
            "user:noAuth",
            "missing required csrf header",
        ));
    }
    let Some(value) = cookie(req, SESSION_COOKIE) else {
        return Err(auth_error(is_api, "user:noAuth", "no session"));
    };
    let Some(ip) = client_ip(req, app.static_config.config.forwarded) else {
        return Err(auth_error(
            is_api,
            "user:noAuth",
            "cannot find ip for rate limit check (missing x-forwarded-for header?)",
        ));
    };
    // A valid session is accepted whatever the limiter says about its address: someone
    // else guessing from the same address (a shared NAT) must not lock the
    // administrator out. Only failures meet the limiter, as in mox; and a valid session
    // does not reset the address's count, or it would reset an attacker's too.
    let checked = match value.split_once(' ') {
        None => Err("malformed session"),
        // For non-API paths no CSRF token is required; an empty one is not compared.
        Some((token, _account)) if csrf.is_empty() => app
            .sessions
            .check_no_csrf(&app.store, token)
            .map(|()| token),
        Some((token, _account)) => app.sessions.check(&app.store, token, &csrf).map(|()| token),
    };
    match checked {
        Ok(token) => Ok(token.to_string()),
        Err(msg) => {
            if !app.limiter.reserve(ip) {
                return Err(text(
                    StatusCode::TOO_MANY_REQUESTS,
                    "429 - too many auth attempts",
                ));
            }
            // The delay is an async sleep: other requests on this worker continue meanwhile.
            tokio::time::sleep(crate::api::auth::BAD_AUTH_DELAY).await;
            Err(auth_error(is_api, "user:badAuth", msg))
        }
    }
}

/// Answers at least this large are compressed on a background thread.
const OFF_WORKER_GZIP: usize = 256 << 10;

/// A 200 JSON answer gzipped when the client accepts it; anything else (pages, errors,
/// auth failures) as it is.
async fn gzip_json(req: &HttpRequest, resp: HttpResponse) -> HttpResponse {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if resp.status() != StatusCode::OK || !is_json || !accepts_gzip(req) {
        return resp;
    }
    let (head, body) = resp.into_parts();
    // The runtime's answers are in-memory bytes, a long one in slices: reading them
    // cannot fail or wait, and the slices are kept as they are, not joined.
    let mut parts: Vec<Bytes> = Vec::new();
    let mut body = std::pin::pin!(body);
    while let Some(part) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
        match part {
            Ok(p) => parts.push(p),
            Err(_) => return head.set_body(BoxBody::new(Bytes::new())),
        }
    }
    let len: usize = parts.iter().map(|p| p.len()).sum();
    // A large answer (a long list) takes milliseconds per megabyte to compress: that is
    // done on a background thread, not on the worker other requests wait for.
    let zipped = if len >= OFF_WORKER_GZIP {
        let input = parts.clone();
        crate::background::run(move || gzip_parts(&input, flate2::Compression::default()))
            .await
            .ok()
            .flatten()
    } else {
        gzip_parts(&parts, flate2::Compression::default())
    };
    match zipped {
        Some(z) => {
            let mut resp = head.set_body(BoxBody::new(z));
            resp.headers_mut().insert(
                header::CONTENT_ENCODING,
                header::HeaderValue::from_static("gzip"),
            );
            resp
        }
        None => head.set_body(BoxBody::new(
            parts.into_iter().flatten().collect::<Vec<u8>>(),
        )),
    }
}

/// The single entry point for every request.
/// Admits the request (per-address and overall limits on requests in progress), then
/// routes it under the request deadline.
pub async fn handle(
    req: HttpRequest,
    payload: web::Payload,
    srv: web::Data<Server>,
) -> HttpResponse {
    let address = client_ip(&req, srv.app.static_config.config.forwarded);
    let _ticket = match srv.in_flight.admit(address) {
        Ok(t) => t,
        Err(full) => {
            let why = match full {
                Full::Address => "503 - too many requests in progress from your address",
                Full::Server => "503 - too many requests in progress",
            };
            let mut resp = text(StatusCode::SERVICE_UNAVAILABLE, why);
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            return resp;
        }
    };
    let deadline = srv.limits.request_deadline;
    match actix_web::rt::time::timeout(deadline, route(req, payload, &srv)).await {
        Ok(resp) => resp,
        Err(_) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("503 - request not answered within {deadline:?} (Limits.RequestDeadline)"),
        ),
    }
}

/// mox's routing: the page, then the API with its auth check.
async fn route(req: HttpRequest, payload: web::Payload, srv: &Server) -> HttpResponse {
    if !host_accepted(&req, &srv.app.static_config.config) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "421 - misdirected request: this host name is not accepted (see AcceptedHosts)",
        );
    }
    // mox's Go HTTP server refuses a bad percent-escape before any handler.
    if sherpa_admin::runtime::http::has_bad_escape(req.uri().path()) {
        return actix::bad_url();
    }
    let path = clean_path(req.path());
    // The root has nothing of its own: the admin page is what someone typing the
    // server's address wants.
    if path == "/admin" || path == "/" {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/admin/"))
            .finish();
    }
    let Some(rest) = path.strip_prefix("/admin") else {
        return text(StatusCode::NOT_FOUND, "404 page not found");
    };
    let method = req.method().clone();
    if let Some(resp) = crate::webui::serve(&req, rest) {
        return resp;
    }
    let is_api = rest.starts_with("/api/");
    if is_api && rest != "/api/" && method != Method::POST {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "405 - method not allowed - use post",
        );
    }
    let forwarded = srv.app.static_config.config.forwarded;
    let mut ctx = Ctx {
        ip: client_ip(&req, forwarded),
        secure: is_secure(&req, forwarded),
        ..Ctx::default()
    };
    if rest == crate::webui::REFERENCE_PATH {
        if method != Method::GET && method != Method::HEAD {
            return text(
                StatusCode::METHOD_NOT_ALLOWED,
                "405 - method not allowed - use get",
            );
        }
        // The reference page takes the session cookie like mox's other non-API paths.
        return match check_auth(srv, &req, false).await {
            Ok(_) => crate::webui::reference(&req),
            Err(resp) if resp.status() == StatusCode::FORBIDDEN => {
                crate::webui::reference_needs_login()
            }
            Err(resp) => resp,
        };
    }
    if rest == crate::import_http::PATH {
        if method != Method::POST {
            return text(
                StatusCode::METHOD_NOT_ALLOWED,
                "405 - method not allowed - use post",
            );
        }
        // Authenticated as an API call (session and CSRF header): it changes the store.
        return match check_auth(srv, &req, true).await {
            Err(resp) => resp,
            Ok(_) => {
                // A file may be up to 32 times the API's body limit: it gets as many
                // body timeouts, capped at the request deadline.
                let timeout = srv
                    .limits
                    .body_timeout
                    .saturating_mul(32)
                    .min(srv.limits.request_deadline);
                let resp =
                    crate::import_http::handle(&req, payload, srv.app.clone(), timeout).await;
                gzip_json(&req, resp).await
            }
        };
    }
    if rest != "/api/LoginPrep" && rest != "/api/Login" {
        match check_auth(srv, &req, is_api).await {
            Ok(token) => ctx.session = Some(token),
            Err(resp) => return resp,
        }
    } else {
        ctx.login_cookie = cookie(&req, auth::LOGIN_COOKIE);
    }
    if !is_api {
        return text(StatusCode::NOT_FOUND, "404 page not found");
    }
    let function = &rest["/api/".len()..];
    // The runtime checks, in Go's order: unknown function (404), content type, body
    // limit, then the call. Only `/admin/api/` itself arrives here with a method other
    // than POST (the POST-only rule above exempts it, as mox's does); whatever the
    // method, it gets the page Go's sherpa handler serves at its base path, as from mox.
    let mut resp = if function.is_empty() {
        actix::base_page(&req, "/admin/api/", &srv.dispatcher, &srv.opts)
    } else {
        actix::respond(&req, payload, function, &srv.dispatcher, &ctx, &srv.opts).await
    };
    for c in ctx.take_cookies() {
        match header::HeaderValue::from_str(&c) {
            Ok(v) => {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            // Cookie values are made by the server from tokens it generated.
            Err(e) => tracing::error!("not sending invalid Set-Cookie {c:?}: {e}"),
        }
    }
    gzip_json(&req, resp).await
}

/// Adds mox's `safeHeaders` to every response.
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("X-Frame-Options", "deny"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add((
            "Content-Security-Policy",
            "default-src 'self' 'unsafe-inline' data:",
        ))
        .add(("Referrer-Policy", "same-origin"))
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub handle: actix_web::dev::ServerHandle,
    pub app: Arc<App>,
    /// The requests in progress (for diagnostics and tests).
    pub in_flight: Arc<InFlight>,
}

/// Binds `listen` and starts serving; returns once the socket is bound. The returned future
/// (`server`) must be awaited or spawned to run.
pub fn start(
    app: Arc<App>,
    listen: &str,
    workers: usize,
) -> std::io::Result<(Running, actix_web::dev::Server)> {
    let srv = web::Data::new(Server::new(app.clone()));
    let in_flight = srv.in_flight.clone();
    let max_connections = srv.limits.max_requests.saturating_add(16);
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(srv.clone())
            .wrap(security_headers())
            .default_service(web::to(handle))
    })
    .workers(workers.max(1))
    // Open connections per worker: beyond this the server stops accepting (they wait in
    // the kernel's backlog) instead of running out of file descriptors. Connections
    // whose request head does not arrive within 5 s (actix's default
    // client_request_timeout) are closed.
    .max_connections(max_connections)
    // Graceful shutdown waits at most this long for in-flight requests.
    .shutdown_timeout(5)
    .disable_signals()
    .bind(listen)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("no listen address"))?;
    let server = server.run();
    Ok((
        Running {
            addr,
            handle: server.handle(),
            app,
            in_flight,
        },
        server,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_hosts() {
        let config = crate::config::StaticConfig {
            hostname: "mail.example.org".into(),
            accepted_hosts: vec!["Admin.Example.NET".into()],
            ..Default::default()
        };
        let accepted = |host: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::HOST, host))
                .to_http_request();
            host_accepted(&req, &config)
        };
        for ok in [
            "127.0.0.1:1080",
            "192.0.2.1",
            "[::1]:1080",
            "localhost:1080",
            "LOCALHOST",
            "mail.example.org",
            "mail.example.org.:443",
            "admin.example.net",
        ] {
            assert!(accepted(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1080",
            "mail.example.org.evil.example",
            "[evil]:1",
            "127.0.0.1.evil.example",
        ] {
            assert!(!accepted(bad), "{bad}");
        }
        let no_host = actix_web::test::TestRequest::default().to_http_request();
        assert!(host_accepted(&no_host, &config));
    }

    #[test]
    fn paths_are_cleaned_like_go() {
        assert_eq!(clean_path("/admin/../admin/api/X"), "/admin/api/X");
        assert_eq!(clean_path("/admin//api/"), "/admin/api/");
        assert_eq!(clean_path("/admin/./"), "/admin/");
        assert_eq!(clean_path("/admin"), "/admin");
        assert_eq!(clean_path("/"), "/");
    }
}
