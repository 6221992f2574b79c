//! The connection-based checks: SMTP STARTTLS to an MX, a TLS handshake to a web host, and
//! the MTA-STS policy fetch over HTTPS. All of them verify certificates against the system
//! roots plus the configured extra CAs, and all are bounded by the dial timeout.
//!
//! Error texts follow Go's where mox shows them (`dial tcp <addr>: connect: connection
//! refused`, `i/o timeout`), so messages read the same as mox's.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The system trust roots, read once (they do not change while the server runs).
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

/// Builds the TLS client config: system roots plus the PEM certificates in `ca_files`,
/// TLS 1.2 and 1.3 only (as mox's checks require).
pub fn client_config(ca_files: &[String]) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in system_roots() {
        // Unusable system certificates are skipped, as Go does.
        let _ = roots.add(c.clone());
    }
    for f in ca_files {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(f)
            .map_err(|e| format!("reading CA file {f}: {e}"))?
            .collect::<Result<_, _>>()
            .map_err(|e| format!("reading CA file {f}: {e}"))?;
        for c in certs {
            roots
                .add(c)
                .map_err(|e| format!("adding CA certificate from {f}: {e}"))?;
        }
    }
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("tls config: {e}"))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(cfg))
}

/// Go-style text for an I/O error.
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connect: connection refused".to_string(),
        io::ErrorKind::TimedOut => "i/o timeout".to_string(),
        io::ErrorKind::ConnectionReset => "connection reset by peer".to_string(),
        io::ErrorKind::UnexpectedEof => "EOF".to_string(),
        _ => match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(t) => format!("tls: {t}"),
            None => e.to_string(),
        },
    }
}

/// TCP connect with a timeout; errors read `dial tcp <addr>: ...`.
async fn dial(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, String> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => Err(format!("dial tcp {addr}: {}", io_text(&e))),
        Err(_) => Err(format!("dial tcp {addr}: i/o timeout")),
    }
}

fn server_name(host: &str) -> Result<ServerName<'static>, String> {
    let h = host.strip_suffix('.').unwrap_or(host);
    ServerName::try_from(h.to_string()).map_err(|e| format!("invalid server name {h:?}: {e}"))
}

/// mox's SMTP STARTTLS check: banner, `EHLO moxtest`, the 250 lines, `STARTTLS`, a 220,
/// then a verified TLS handshake for `host`. The exchange after connecting is bounded by
/// `timeout` as a whole.
pub async fn smtp_starttls(
    tls: Arc<rustls::ClientConfig>,
    host: &str,
    ip: IpAddr,
    port: u16,
    timeout: Duration,
) -> Result<(), String> {
    let conn = dial(SocketAddr::new(ip, port), timeout).await?;
    let exchange = async move {
        let mut br = BufReader::new(conn);
        let mut line = String::new();
        read_line(&mut br, &mut line)
            .await
            .map_err(|e| format!("reading SMTP banner from remote: {}", io_text(&e)))?;
        br.get_mut()
            .write_all(b"EHLO moxtest\r\n")
            .await
            .map_err(|e| format!("writing SMTP EHLO to remote: {}", io_text(&e)))?;
        loop {
            line.clear();
            read_line(&mut br, &mut line)
                .await
                .map_err(|e| format!("reading SMTP EHLO response from remote: {}", io_text(&e)))?;
            if line.starts_with("250-") {
                continue;
            }
            if line.starts_with("250 ") {
                break;
            }
            return Err(format!(
                "unexpected response to SMTP EHLO from remote: {:?}",
                line.trim_end_matches("\r\n")
            ));
        }
        br.get_mut()
            .write_all(b"STARTTLS\r\n")
            .await
            .map_err(|e| format!("writing SMTP STARTTLS to remote: {}", io_text(&e)))?;
        line.clear();
        read_line(&mut br, &mut line).await.map_err(|e| {
            format!(
                "reading response to SMTP STARTTLS from remote: {}",
                io_text(&e)
            )
        })?;
        if !line.starts_with("220 ") {
            return Err(format!(
                "SMTP STARTTLS response from remote not 220 OK: {:?}",
                line.trim_end_matches("\r\n")
            ));
        }
        let name = server_name(host)?;
        let conn = br.into_inner();
        TlsConnector::from(tls)
            .connect(name, conn)
            .await
            .map_err(|e| format!("TLS handshake after SMTP STARTTLS: {}", io_text(&e)))?;
        Ok(())
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(r) => r,
        Err(_) => Err("i/o timeout".to_string()),
    }
}

/// Reads one line, bounded in length so a misbehaving server cannot exhaust memory.
async fn read_line(br: &mut BufReader<TcpStream>, line: &mut String) -> io::Result<()> {
    let mut buf = Vec::new();
    let n = (&mut *br).take(4096).read_until(b'\n', &mut buf).await?;
    if n == 0 || !buf.ends_with(b"\n") {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF"));
    }
    line.push_str(&String::from_utf8_lossy(&buf));
    Ok(())
}

use tokio::io::AsyncReadExt as _;

/// A TLS handshake to `ip:port` with SNI and verification for `host` (mox's `checkTLS`).
pub async fn tls_connect(
    tls: Arc<rustls::ClientConfig>,
    host: &str,
    ip: IpAddr,
    port: u16,
    timeout: Duration,
) -> Result<(), String> {
    let name = server_name(host)?;
    let conn = dial(SocketAddr::new(ip, port), timeout).await?;
    match tokio::time::timeout(timeout, TlsConnector::from(tls).connect(name, conn)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(io_text(&e)),
        Err(_) => Err("i/o timeout".to_string()),
    }
}

/// Why a policy fetch failed: mox distinguishes "no policy" (404 or no host) from failures.
#[derive(Debug)]
pub enum FetchError {
    NoPolicy,
    Fetch(String),
}

/// `GET https://<host>/<path>` over the given IPs (first that connects wins), no
/// redirects, body limited to `limit` bytes. Returns the body text.
pub async fn https_get(
    tls: Arc<rustls::ClientConfig>,
    host: &str,
    ips: &[IpAddr],
    port: u16,
    path: &str,
    limit: usize,
    timeout: Duration,
) -> Result<String, FetchError> {
    let name = server_name(host).map_err(FetchError::Fetch)?;
    let url = format!("https://{host}{path}");
    let mut last = String::from("no addresses");
    let mut stream = None;
    for ip in ips {
        match dial(SocketAddr::new(*ip, port), timeout).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let Some(stream) = stream else {
        return Err(FetchError::Fetch(format!("http get: Get {url:?}: {last}")));
    };
    let fetch = async move {
        let tls_stream = TlsConnector::from(tls)
            .connect(name, stream)
            .await
            .map_err(|e| format!("http get: Get {url:?}: {}", io_text(&e)))?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tls_stream))
                .await
                .map_err(|e| format!("http get: {e}"))?;
        let driver = tokio::spawn(conn);
        let req = hyper::Request::get(path)
            .header(hyper::header::HOST, host)
            .header(hyper::header::USER_AGENT, "mox-admin-check")
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("http get: {e}"))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| format!("http get: Get {url:?}: {e}"))?;
        let status = resp.status();
        if status == hyper::StatusCode::NOT_FOUND {
            driver.abort();
            return Ok(Err(FetchError::NoPolicy));
        }
        if status != hyper::StatusCode::OK {
            driver.abort();
            return Err(format!(
                "http status {} {} while status 200 is required",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ));
        }
        let body = Limited::new(resp.into_body(), limit)
            .collect()
            .await
            .map_err(|e| format!("reading policy: {e}"))?
            .to_bytes();
        driver.abort();
        Ok(Ok(String::from_utf8_lossy(&body).into_owned()))
    };
    match tokio::time::timeout(timeout, fetch).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(FetchError::Fetch(e)),
        Err(_) => Err(FetchError::Fetch(format!(
            "http get: Get {host:?}: i/o timeout"
        ))),
    }
}
