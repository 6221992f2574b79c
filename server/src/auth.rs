//! Authentication pieces: Argon2id passwords, random tokens, the persistent admin session
//! store, the failed-auth rate limiter, and mox's cookie formats.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

/// Hashes a password with Argon2id (default parameters) and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing password: {e}"))
}

/// Checks a password against a PHC string. A malformed stored hash is an error, not a
/// mismatch, so that it is noticed.
pub fn verify_password(password: &str, phc: &str) -> Result<bool, String> {
    let parsed =
        PasswordHash::new(phc.trim()).map_err(|e| format!("parsing password hash: {e}"))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// `n` random bytes as unpadded base64url (8 → 11 chars, 16 → 22 chars, as mox).
pub fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    fill_random(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&b)
}

/// Fills `b` from the OS random source. A machine without one cannot run this server at
/// all, so failure aborts with a clear message rather than issuing guessable tokens.
pub fn fill_random(b: &mut [u8]) {
    if let Err(e) = getrandom::fill(b) {
        panic!("operating system random source failed: {e}");
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// At most this many password hashes run at once: each Argon2id hash takes about 19 MiB,
/// so a burst of logins costs at most this many times that, not one per login.
pub const MAX_CONCURRENT_HASHES: usize = 4;
/// How long a login waits for a hashing slot before it is refused.
pub const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The gate in front of password hashing: a semaphore of [`MAX_CONCURRENT_HASHES`], and
/// the highest number of hashes that ever ran at once (for tests and diagnostics).
pub struct HashGate {
    permits: tokio::sync::Semaphore,
    running: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
}

impl Default for HashGate {
    fn default() -> Self {
        HashGate {
            permits: tokio::sync::Semaphore::new(MAX_CONCURRENT_HASHES),
            running: Default::default(),
            most: Default::default(),
        }
    }
}

impl HashGate {
    /// Runs `f` (a password hash or check) on the blocking pool once a slot is free;
    /// `None` when none came free within [`HASH_WAIT`].
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<Result<T, tokio::task::JoinError>> {
        use std::sync::atomic::Ordering::SeqCst;
        let _permit = tokio::time::timeout(HASH_WAIT, self.permits.acquire())
            .await
            .ok()?
            .ok()?;
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.most.fetch_max(now, SeqCst);
        let result = tokio::task::spawn_blocking(f).await;
        self.running.fetch_sub(1, SeqCst);
        Some(result)
    }

    /// The most hashes that ran at the same time so far.
    pub fn most_at_once(&self) -> usize {
        self.most.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Admin sessions live 12 hours after their last use.
pub const SESSION_LIFETIME_MS: i64 = 12 * 3600 * 1000;
/// At most this many sessions are kept when a new one is added (then 11 exist, as in mox).
pub const MAX_SESSIONS: usize = 10;
/// A used session's stored expiry is rewritten when it lags by more than this, so that the
/// sliding expiry survives a restart without a store write on every request.
const PERSIST_SLACK_MS: i64 = 60 * 1000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct StoredSession {
    csrf: String,
    expires_ms: i64,
}

#[derive(Debug, Clone)]
struct Session {
    csrf: String,
    expires_ms: i64,
    stored_expires_ms: i64,
}

/// What sessions are stored and looked up under: the SHA-256 of the token, in hex. The
/// token itself is only in the administrator's cookie, so a copy of the store (or of the
/// server's memory) holds no session anyone could use.
fn session_key(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest.as_ref() {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

/// Whether a stored key is a [`session_key`] rather than a token stored by an older
/// version of the server, which kept tokens in the clear.
fn is_session_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Admin sessions: kept in memory for speed, written through to the `sessions` tree so a
/// restart logs no one out. Both are keyed by the SHA-256 of the token, never by the token.
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Loads the stored sessions, dropping expired ones. A session stored under its
    /// token by an older version is moved to its key (the caller flushes the store).
    pub fn load(store: &Store) -> Result<Sessions, StoreError> {
        let now = now_ms();
        let mut map = HashMap::new();
        for (k, s) in store.all::<StoredSession>("sessions")? {
            let stored = String::from_utf8_lossy(&k).into_owned();
            if s.expires_ms <= now {
                store.sessions.remove(&k)?;
                continue;
            }
            let key = if is_session_key(&stored) {
                stored
            } else {
                let key = session_key(&stored);
                store
                    .sessions
                    .insert(key.as_bytes(), crate::store::encode(&s)?)?;
                store.sessions.remove(&k)?;
                key
            };
            map.insert(
                key,
                Session {
                    csrf: s.csrf,
                    expires_ms: s.expires_ms,
                    stored_expires_ms: s.expires_ms,
                },
            );
        }
        Ok(Sessions {
            map: Mutex::new(map),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates a session; returns (session token, CSRF token). The caller flushes the store.
    pub fn create(&self, store: &Store) -> Result<(String, String), StoreError> {
        let now = now_ms();
        let token = random_token(16);
        let csrf = random_token(16);
        let mut map = self.lock();
        let expired: Vec<String> = map
            .iter()
            .filter(|(_, s)| s.expires_ms <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for k in expired {
            map.remove(&k);
            store.sessions.remove(k.as_bytes())?;
        }
        if map.len() > MAX_SESSIONS
            && let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.expires_ms)
                .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
            store.sessions.remove(oldest.as_bytes())?;
        }
        let expires_ms = now + SESSION_LIFETIME_MS;
        let rec = StoredSession {
            csrf: csrf.clone(),
            expires_ms,
        };
        let key = session_key(&token);
        store
            .sessions
            .insert(key.as_bytes(), crate::store::encode(&rec)?)?;
        map.insert(
            key,
            Session {
                csrf: csrf.clone(),
                expires_ms,
                stored_expires_ms: expires_ms,
            },
        );
        Ok((token, csrf))
    }

    /// Checks a session and CSRF token and extends the session. The error is mox's message.
    pub fn check(&self, store: &Store, token: &str, csrf: &str) -> Result<(), &'static str> {
        self.check_inner(store, token, Some(csrf))
    }

    /// Checks a session for a non-API path, where mox requires no CSRF token.
    pub fn check_no_csrf(&self, store: &Store, token: &str) -> Result<(), &'static str> {
        self.check_inner(store, token, None)
    }

    fn check_inner(
        &self,
        store: &Store,
        token: &str,
        csrf: Option<&str>,
    ) -> Result<(), &'static str> {
        let now = now_ms();
        let key = session_key(token);
        let mut map = self.lock();
        let Some(s) = map.get_mut(&key) else {
            return Err("unknown session");
        };
        if s.expires_ms <= now {
            map.remove(&key);
            let _ = store.sessions.remove(key.as_bytes());
            return Err("session expired");
        }
        if csrf.is_some_and(|c| c != s.csrf) {
            return Err("mismatch between csrf and session tokens");
        }
        s.expires_ms = now + SESSION_LIFETIME_MS;
        if s.expires_ms - s.stored_expires_ms > PERSIST_SLACK_MS {
            let rec = StoredSession {
                csrf: s.csrf.clone(),
                expires_ms: s.expires_ms,
            };
            if let Ok(v) = crate::store::encode(&rec)
                && store.sessions.insert(key.as_bytes(), v).is_ok()
            {
                s.stored_expires_ms = s.expires_ms;
            }
        }
        Ok(())
    }

    /// Removes a session; false if it did not exist. The caller flushes the store.
    pub fn remove(&self, store: &Store, token: &str) -> Result<bool, StoreError> {
        let key = session_key(token);
        let existed = self.lock().remove(&key).is_some();
        store.sessions.remove(key.as_bytes())?;
        Ok(existed)
    }

    /// Test hook: moves a session's expiry, to exercise expiry without waiting 12 hours.
    pub fn set_expiry(&self, token: &str, expires_ms: i64) {
        if let Some(s) = self.lock().get_mut(&session_key(token)) {
            s.expires_ms = expires_ms;
        }
    }

    /// The expiry of a session (ms since epoch), if it exists.
    pub fn expiry(&self, token: &str) -> Option<i64> {
        self.lock().get(&session_key(token)).map(|s| s.expires_ms)
    }
}

/// Counts at three address granularities: the address, and two wider networks.
fn ip_keys(ip: IpAddr) -> [(u8, u128); 3] {
    match ip {
        IpAddr::V4(v4) => {
            let n = u32::from(v4) as u128;
            [(0, n), (1, n & !0x3f), (2, n & !0x7ff)]
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            let mask = |bits: u32| n & !(u128::MAX >> bits);
            [(3, mask(64)), (4, mask(48)), (5, mask(32))]
        }
    }
}

/// mox's `LimiterFailedAuth`: fixed windows of 1 minute and 1 day, per address, /26 and
/// /21 (IPv4) or /64, /48 and /32 (IPv6). Unlike mox, only failures are counted (see
/// `docs/mox-differences.md`); a success resets the address's count as in mox.
pub struct Limiter {
    inner: Mutex<[Window; 2]>,
}

struct Window {
    window_ms: i64,
    limits: [u64; 3],
    slot: i64,
    counts: HashMap<(u8, u128), u64>,
}

impl Default for Limiter {
    fn default() -> Self {
        let w = |window_ms, limits| Window {
            window_ms,
            limits,
            slot: i64::MIN,
            counts: HashMap::new(),
        };
        Limiter {
            inner: Mutex::new([w(60_000, [10, 30, 90]), w(86_400_000, [50, 150, 450])]),
        }
    }
}

impl Window {
    fn roll(&mut self, now: i64) {
        let slot = now.div_euclid(self.window_ms);
        if slot != self.slot {
            self.slot = slot;
            self.counts.clear();
        }
    }
}

impl Limiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, [Window; 2]> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether one more failure counted under `keys` stays within every limit.
    fn within(ws: &mut [Window; 2], keys: &[(u8, u128); 3], now: i64) -> bool {
        ws.iter_mut().all(|w| {
            w.roll(now);
            keys.iter()
                .enumerate()
                .all(|(i, k)| w.counts.get(k).copied().unwrap_or(0) < w.limits[i])
        })
    }

    #[cfg(test)]
    fn allowed_at(&self, ip: IpAddr, now: i64) -> bool {
        Self::within(&mut self.lock(), &ip_keys(ip), now)
    }

    /// Counts an attempt from `ip` as a failure before it is checked, if one more
    /// failure stays within every limit; `false` (nothing counted) otherwise. Checking
    /// and counting under one lock is what keeps concurrent attempts within the limit:
    /// with a check first and a count after the slow password hash, a hundred
    /// simultaneous guesses would all pass the check. A success then [`Limiter::reset`]s
    /// the address, as in mox.
    pub fn reserve(&self, ip: IpAddr) -> bool {
        self.reserve_at(ip, now_ms())
    }

    pub fn reserve_at(&self, ip: IpAddr, now: i64) -> bool {
        let keys = ip_keys(ip);
        let mut ws = self.lock();
        let allowed = Self::within(&mut ws, &keys, now);
        if allowed {
            for w in ws.iter_mut() {
                for k in keys {
                    *w.counts.entry(k).or_insert(0) += 1;
                }
            }
        }
        allowed
    }

    /// Gives back one [`Limiter::reserve`]d attempt that was not checked after all.
    pub fn release(&self, ip: IpAddr) {
        let keys = ip_keys(ip);
        let mut ws = self.lock();
        for w in ws.iter_mut() {
            for k in &keys {
                if let Some(c) = w.counts.get_mut(k) {
                    *c = c.saturating_sub(1);
                }
            }
        }
    }

    /// A success: the address's count is subtracted from all its granularities.
    pub fn reset(&self, ip: IpAddr) {
        let keys = ip_keys(ip);
        let now = now_ms();
        let mut ws = self.lock();
        for w in ws.iter_mut() {
            w.roll(now);
            let n = w.counts.remove(&keys[0]).unwrap_or(0);
            if n == 0 {
                continue;
            }
            for k in &keys[1..] {
                if let Some(c) = w.counts.get_mut(k) {
                    *c = c.saturating_sub(n);
                }
            }
        }
    }
}

/// Cookie names, from mox's `kind + "login"` / `kind + "session"` with kind `webadmin`.
pub const LOGIN_COOKIE: &str = "webadminlogin";
pub const SESSION_COOKIE: &str = "webadminsession";

/// A `Set-Cookie` value in Go's attribute order (Path, Max-Age, HttpOnly, Secure, SameSite).
/// Values containing a space or comma are double-quoted, as Go's `SetCookie` does.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
    secure: bool,
) -> String {
    let v = if value.contains(' ') || value.contains(',') {
        format!("\"{value}\"")
    } else {
        value.to_string()
    };
    let mut s = format!("{name}={v}; Path={path}");
    if let Some(m) = max_age {
        s.push_str(&format!("; Max-Age={m}"));
    }
    s.push_str("; HttpOnly");
    if secure {
        s.push_str("; Secure");
    }
    s.push_str("; SameSite=Strict");
    s
}

/// Finds a cookie in `Cookie` header values; surrounding double quotes are removed as Go does.
pub fn get_cookie<'a>(headers: impl Iterator<Item = &'a str>, name: &str) -> Option<String> {
    for h in headers {
        for part in h.split(';') {
            let part = part.trim();
            if let Some((k, v)) = part.split_once('=')
                && k.trim() == name
            {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                return Some(v.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_mox_lengths() {
        assert_eq!(random_token(8).len(), 11);
        assert_eq!(random_token(16).len(), 22);
        assert_ne!(random_token(16), random_token(16));
    }

    #[test]
    fn cookies_are_formatted_like_go() {
        assert_eq!(
            set_cookie(LOGIN_COOKIE, "abcdefghijk", "/admin/", Some(30), false),
            "webadminlogin=abcdefghijk; Path=/admin/; Max-Age=30; HttpOnly; SameSite=Strict"
        );
        assert_eq!(
            set_cookie(SESSION_COOKIE, "TOKEN ", "/admin/", None, true),
            "webadminsession=\"TOKEN \"; Path=/admin/; HttpOnly; Secure; SameSite=Strict"
        );
        let h = ["a=b; webadminsession=\"tok \"; c=d"];
        assert_eq!(
            get_cookie(h.iter().copied(), SESSION_COOKIE).as_deref(),
            Some("tok ")
        );
        assert_eq!(get_cookie(h.iter().copied(), "x"), None);
    }

    #[test]
    fn sessions_are_stored_by_key_and_old_ones_move() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // A session an older version stored under its token.
        let legacy = StoredSession {
            csrf: "c".repeat(22),
            expires_ms: now_ms() + 60_000,
        };
        let old_token = "t".repeat(22);
        store
            .sessions
            .insert(old_token.as_bytes(), crate::store::encode(&legacy).unwrap())
            .unwrap();
        let sessions = Sessions::load(&store).unwrap();
        assert_eq!(sessions.check(&store, &old_token, &legacy.csrf), Ok(()));
        let (token, csrf) = sessions.create(&store).unwrap();
        assert_eq!(sessions.check(&store, &token, &csrf), Ok(()));
        let keys: Vec<String> = store
            .sessions
            .iter()
            .map(|kv| String::from_utf8(kv.unwrap().0.to_vec()).unwrap())
            .collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.iter().all(|k| is_session_key(k)), "{keys:?}");
        assert!(keys.contains(&session_key(&token)) && keys.contains(&session_key(&old_token)));
        assert_eq!(
            session_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn reservations_count_and_stop_at_the_limit() {
        let l = Limiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t = 1_700_000_000_000;
        let granted = (0..25).filter(|_| l.reserve_at(ip, t)).count();
        assert_eq!(granted, 10);
        assert!(!l.allowed_at(ip, t));
        // An attempt given back makes room for exactly one more.
        l.release(ip);
        assert!(l.reserve_at(ip, t));
        assert!(!l.reserve_at(ip, t));
        // The next minute starts over.
        assert!(l.reserve_at(ip, t + 60_000));
    }

    #[test]
    fn limiter_windows_and_granularities() {
        let l = Limiter::default();
        let t = 1_000_000_000_000i64;
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..10 {
            assert!(l.reserve_at(ip, t));
        }
        assert!(!l.allowed_at(ip, t));
        // Another address in the same /26 is still fine (30 per /26).
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(l.allowed_at(other, t));
        // Next minute: the minute window is fresh, the day window has 10 of 50.
        assert!(l.allowed_at(ip, t + 60_000));
        // Twenty addresses of one /26 exhaust its 30 per minute.
        let l = Limiter::default();
        for i in 0..30u8 {
            let a: IpAddr = format!("198.51.100.{i}").parse().unwrap();
            assert!(l.reserve_at(a, t));
        }
        let fresh: IpAddr = "198.51.100.40".parse().unwrap();
        assert!(!l.allowed_at(fresh, t));
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8::2".parse().unwrap();
        for _ in 0..10 {
            assert!(l.reserve_at(v6, t));
        }
        assert!(
            !l.allowed_at(v6b, t),
            "same /64 shares the exact-address count"
        );
    }

    #[test]
    fn passwords() {
        let h = hash_password("secret123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("secret123", &h).unwrap());
        assert!(!verify_password("secret124", &h).unwrap());
        assert!(verify_password("x", "garbage").is_err());
    }
}
