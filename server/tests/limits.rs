//! What one client can hold of the server (`[Limits]`): a body that trickles in is cut
//! off, a request that takes too long is answered, and requests in progress are bounded
//! per address and overall, with an explicit 503 and places given back afterwards.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{Client, TestServer};

/// A raw connection that sends the head of `POST /admin/api/Login` with a body of
/// `length` bytes and `sent` of them.
fn partial_login(addr: std::net::SocketAddr, length: usize, sent: &[u8]) -> TcpStream {
    let mut c = TcpStream::connect(addr).unwrap();
    write!(
        c,
        "POST /admin/api/Login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    c.write_all(sent).unwrap();
    c.flush().unwrap();
    c
}

/// Reads the answer's status line and body (the server closes or answers).
fn answer(mut c: TcpStream) -> String {
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match c.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                if buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.ends_with(b"}") {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

const LIMITS: &str = "Hostname = \"mail.example.org\"\n[Limits]\nBodyTimeout = \"1s\"\nRequestDeadline = \"30s\"\nMaxRequestsPerAddress = 3\nMaxRequests = 100\n";

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off() {
    let s = TestServer::start_with(LIMITS);
    let addr = s.addr;
    let t0 = Instant::now();
    let got = tokio::task::spawn_blocking(move || {
        let mut c = partial_login(addr, 100, b"{");
        // One byte every 300 ms: each arrives well within any per-read timeout.
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(300));
            if c.write_all(b" ").is_err() {
                break;
            }
        }
        answer(c)
    })
    .await
    .unwrap();
    // A sherpa error, status 200 as Go's handler answers protocol errors.
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert!(
        got.contains(r#"{"result":null,"error":{"code":"sherpa:badRequest","message":"reading request body: timeout after 1s"}}"#),
        "{got}"
    );
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered() {
    let s = TestServer::start_with(
        "Hostname = \"mail.example.org\"\n[Limits]\nBodyTimeout = \"1m\"\nRequestDeadline = \"1s\"\n",
    );
    let addr = s.addr;
    let got = tokio::task::spawn_blocking(move || answer(partial_login(addr, 100, b"{")))
        .await
        .unwrap();
    assert!(got.starts_with("HTTP/1.1 503"), "{got}");
    assert!(got.contains("request not answered within 1s"), "{got}");
}

#[tokio::test]
async fn requests_in_progress_are_bounded_per_address() {
    let s = TestServer::start_with(LIMITS);
    let c = Client::new(s.addr);
    // Three requests held open by bodies that have not arrived: the address's maximum.
    let held: Vec<TcpStream> = (0..3).map(|_| partial_login(s.addr, 100, b"{")).collect();
    // Give the server time to have read their heads.
    let deadline = Instant::now() + Duration::from_secs(5);
    let ip = "127.0.0.1".parse().unwrap();
    while s.in_flight_from(ip) < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = c.raw("LoginPrep", r#"{"params":[]}"#, &[]).await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(
        r.text(),
        "503 - too many requests in progress from your address\n"
    );
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    // Gone: their places are given back.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.in_flight_from(ip) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = c.raw("LoginPrep", r#"{"params":[]}"#, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text());
}
