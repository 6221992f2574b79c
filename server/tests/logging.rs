//! LogLevelSet/LogLevelRemove change the running filter for real. In its own test binary,
//! since it installs the process-wide subscriber.

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
