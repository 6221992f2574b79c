//! LogLevelSet/LogLevelRemove change the running filter for real, and the server's log
//! output suits where it goes. In its own test binary, since it installs the
//! process-wide subscriber.

#[test]
fn log_level_changes_reach_the_filter() {
    let mut levels = std::collections::BTreeMap::new();
    levels.insert(String::new(), "info".to_string());
    assert!(server::logging::init(&levels));
    let l = server::logging::LogLevels::new("info", &Default::default());
    assert!(!server::logging::enabled(
        "server::store",
        tracing::Level::DEBUG
    ));
    l.set("server::store", "debug").unwrap();
    assert!(server::logging::enabled(
        "server::store",
        tracing::Level::DEBUG
    ));
    assert!(!server::logging::enabled(
        "server::http",
        tracing::Level::DEBUG
    ));
    l.remove("server::store").unwrap();
    assert!(!server::logging::enabled(
        "server::store",
        tracing::Level::DEBUG
    ));
    l.set("", "trace").unwrap();
    assert!(server::logging::enabled(
        "server::http",
        tracing::Level::TRACE
    ));
    // Requests actix cannot parse (garbage from any client) are not logged at ERROR,
    // unless asked for.
    assert!(!server::logging::enabled(
        "actix_http::h1::dispatcher",
        tracing::Level::ERROR
    ));
    l.set("actix_http::h1::dispatcher", "error").unwrap();
    assert!(server::logging::enabled(
        "actix_http::h1::dispatcher",
        tracing::Level::ERROR
    ));
}

/// Log lines written to a pipe (a file, a journal) carry no terminal colour codes.
#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first = [0u8; 512];
    let mut got = Vec::new();
    // The "listening" line is logged at start.
    while !got.windows(9).any(|w| w == b"listening") {
        use std::io::Read;
        let n = stderr.read(&mut first).unwrap();
        assert!(n > 0, "server exited: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&first[..n]);
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&got);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("INFO"), "{text:?}");
}
