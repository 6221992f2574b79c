//! Structured logging with a filter that LogLevelSet/LogLevelRemove change at run time.
//!
//! Levels use mox's names. The "package" of mox becomes a tracing target prefix here (for
//! example `server::http` or `server::store`); the key `""` is the default level. The filter
//! is a `Targets` behind a reload layer, rebuilt from the level map on every change, so a
//! change takes effect for the next event without a restart. Changes are not persisted, as
//! in mox.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;
use tracing_subscriber::reload;

/// mox's level names, most verbose first.
pub const LEVELS: &[&str] = &[
    "tracedata",
    "traceauth",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "fatal",
    "print",
];

/// Maps a mox level name to a tracing filter. The three trace levels all map to TRACE, and
/// fatal/print to ERROR, since tracing has fewer levels.
pub fn parse_level(name: &str) -> Option<LevelFilter> {
    Some(match name {
        "tracedata" | "traceauth" | "trace" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" => LevelFilter::WARN,
        "error" | "fatal" | "print" => LevelFilter::ERROR,
        _ => return None,
    })
}

type Handle = reload::Handle<Targets, tracing_subscriber::Registry>;

/// The process-wide reload handle; set once by `init`.
static HANDLE: OnceLock<Handle> = OnceLock::new();

/// Installs the global subscriber (once per process; later calls only return false).
pub fn init(levels: &BTreeMap<String, String>) -> bool {
    let (layer, handle) = reload::Layer::new(build_targets(levels));
    // Colours only for a person at a terminal: in a file or a journal the escape codes
    // are noise.
    use std::io::IsTerminal;
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true);
    let ok = tracing_subscriber::registry()
        .with(layer)
        .with(fmt)
        .try_init()
        .is_ok();
    if ok {
        let _ = HANDLE.set(handle);
    }
    ok
}

/// Where actix logs requests it could not parse.
const CLIENT_GARBAGE: &str = "actix_http::h1::dispatcher";

fn build_targets(levels: &BTreeMap<String, String>) -> Targets {
    let default = levels
        .get("")
        .and_then(|l| parse_level(l))
        .unwrap_or(LevelFilter::INFO);
    let mut t = Targets::new().with_default(default);
    for (pkg, level) in levels {
        if pkg.is_empty() {
            continue;
        }
        if let Some(f) = parse_level(level) {
            t = t.with_target(pkg.clone(), f);
        }
    }
    // Dependencies are chatty at debug level; keep them at warn unless configured.
    for noisy in ["sled", "actix_server", "actix_http", "mio"] {
        if !levels.contains_key(noisy) {
            t = t.with_target(noisy, LevelFilter::WARN.min(default));
        }
    }
    // actix reports every request it cannot parse at ERROR, so garbage from any client
    // on the network would fill the log at the level meant for the server's own
    // failures. Off unless configured (e.g. "actix_http::h1::dispatcher" = "error").
    if !levels.contains_key(CLIENT_GARBAGE) {
        t = t.with_target(CLIENT_GARBAGE, LevelFilter::OFF);
    }
    t
}

/// The running log levels (what LogLevels returns) and the means to change them.
pub struct LogLevels {
    levels: Mutex<BTreeMap<String, String>>,
}

impl LogLevels {
    /// Starts from the configured default and per-package levels.
    pub fn new(default: &str, packages: &BTreeMap<String, String>) -> LogLevels {
        let mut levels = packages.clone();
        levels.insert(String::new(), default.to_string());
        LogLevels {
            levels: Mutex::new(levels),
        }
    }

    /// The current map (key `""` is the default level).
    pub fn get(&self) -> BTreeMap<String, String> {
        self.lock().clone()
    }

    /// Sets the level of `pkg` (`""` = default). Errors for unknown level names.
    pub fn set(&self, pkg: &str, level: &str) -> Result<(), String> {
        if parse_level(level).is_none() {
            return Err("lookup level: unknown".to_string());
        }
        let mut levels = self.lock();
        levels.insert(pkg.to_string(), level.to_string());
        apply(&levels);
        Ok(())
    }

    /// Removes the level of `pkg`. Removing the default is refused: it would leave the
    /// server without a defined level.
    pub fn remove(&self, pkg: &str) -> Result<(), String> {
        if pkg.is_empty() {
            return Err("cannot remove default log level".to_string());
        }
        let mut levels = self.lock();
        levels.remove(pkg);
        apply(&levels);
        Ok(())
    }

    /// The map is plain data, so a poisoned lock still holds a usable value.
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        self.levels.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Installs the current map into the global filter (used at start-up).
    pub fn apply_now(&self) {
        apply(&self.lock());
    }
}

fn apply(levels: &BTreeMap<String, String>) {
    if let Some(h) = HANDLE.get()
        && let Err(e) = h.reload(build_targets(levels))
    {
        eprintln!("reloading log filter: {e}");
    }
}

/// Whether an event at `level` for `target` would currently be logged; used by tests to
/// see that a change really reached the filter.
pub fn enabled(target: &str, level: tracing::Level) -> bool {
    match HANDLE.get() {
        Some(h) => h
            .with_current(|t| t.would_enable(target, &level))
            .unwrap_or(false),
        None => false,
    }
}
