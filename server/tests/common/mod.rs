//! Test harness: an admin server on an ephemeral loopback port with a temporary data
//! directory, either in-process (fast, gives access to the `App`) or as the real binary
//! (for restarts and SIGKILL), and a small sherpa client that handles mox's login.
#![allow(dead_code)]

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use server::app::App;
use server::config::LoadedConfig;

pub const PASSWORD: &str = "test-admin-password";

/// Config used by most tests: a transport to kick with, an MTA-STS-enabled listener.
pub const TEST_CONFIG: &str = r#"
Hostname = "mail.example.org"
[Transports.relay.Submissions]
Host = "smtp.example.net"
Port = 465
[Transports.relay.Submissions.Auth]
Username = "u"
Password = "p"
Mechanisms = ["PLAIN"]
"#;

pub struct TestServer {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub dir: Option<tempfile::TempDir>,
    pub data: PathBuf,
    handle: actix_web::dev::ServerHandle,
    in_flight: Arc<server::inflight::InFlight>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_with(TEST_CONFIG)
    }

    pub fn start_with(config: &str) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_path_buf();
        let mut s = Self::start_in(&data, config);
        s.dir = Some(dir);
        s
    }

    /// Starts on an existing data directory.
    pub fn start_in(data: &Path, config: &str) -> TestServer {
        let cfg_path = data.join("test-config.toml");
        std::fs::create_dir_all(data).unwrap();
        std::fs::write(&cfg_path, config).unwrap();
        let loaded = LoadedConfig::load(Some(&cfg_path)).unwrap();
        let app = Arc::new(App::open(data, loaded).unwrap());
        Self::serve(app, data)
    }

    /// Serves an app opened elsewhere (e.g. by the DNS test fixture) over HTTP, with the
    /// admin password set to `PASSWORD`.
    pub fn serve(app: Arc<App>, data: &Path) -> TestServer {
        set_password_hash(&app);
        let (tx, rx) = std::sync::mpsc::channel();
        let app2 = app.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (running, server) = server::http::start(app2, "127.0.0.1:0", 2).unwrap();
                tx.send((
                    running.addr,
                    running.handle.clone(),
                    running.in_flight.clone(),
                ))
                .unwrap();
                server.await.unwrap();
            })
        });
        let (addr, handle, in_flight) = rx.recv().unwrap();
        TestServer {
            addr,
            app,
            dir: None,
            data: data.to_path_buf(),
            handle,
            in_flight,
            thread: Some(thread),
        }
    }

    /// Requests in progress from `ip`.
    pub fn in_flight_from(&self, ip: std::net::IpAddr) -> usize {
        self.in_flight.counts(ip).1
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let h = self.handle.clone();
        // A separate thread, since the caller may itself be inside a runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(h.stop(true));
        })
        .join()
        .unwrap();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// A client logged in as admin.
    pub async fn client(&self) -> Client {
        let mut c = Client::new(self.addr);
        c.login(PASSWORD).await;
        c
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.shutdown();
        }
    }
}

/// Waits, when needed, until at least `needed` is left in the current minute of the wall
/// clock. The failed-auth limiter counts in fixed one-minute windows, as mox's does, so
/// a test that makes ten failures and then expects a refusal fails when a window boundary
/// falls in between.
pub async fn in_one_limiter_window(needed: Duration) {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let left_ms = 60_000 - now_ms % 60_000;
    if left_ms < needed.as_millis() {
        tokio::time::sleep(Duration::from_millis(left_ms as u64 + 50)).await;
    }
}

/// Stores the Argon2id hash of `PASSWORD`, computed once per test process.
fn set_password_hash(app: &App) {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = HASH.get_or_init(|| server::auth::hash_password(PASSWORD).unwrap());
    app.store
        .meta
        .insert("admin_password", h.as_bytes())
        .unwrap();
}

/// A sherpa client with mox's admin login.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub session: Option<String>,
    pub csrf: Option<String>,
}

/// A raw API response.
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            base: format!("http://{addr}/admin/api/"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            session: None,
            csrf: None,
        }
    }

    /// POSTs `{"params": params}` with the session cookie and CSRF header (when known) and
    /// any extra headers.
    pub async fn raw(&self, function: &str, body: &str, extra: &[(&str, &str)]) -> Resp {
        let mut req = self
            .http
            .post(format!("{}{function}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(s) = &self.session {
            req = req.header("cookie", format!("webadminsession=\"{s} \""));
        }
        if let Some(c) = &self.csrf {
            req = req.header("x-mox-csrf", c);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let r = req.send().await.unwrap();
        Resp {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.bytes().await.unwrap().to_vec(),
        }
    }

    /// Calls a function; returns the parsed body (`{"result":…}` or `{"result":null,"error":…}`).
    pub async fn call(&self, function: &str, params: Value) -> Value {
        let r = self
            .raw(function, &json!({ "params": params }).to_string(), &[])
            .await;
        assert!(
            r.status == 200 || r.status == 404 || r.status == 500,
            "{function}: status {}: {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// Calls and expects success; returns the result.
    pub async fn ok(&self, function: &str, params: Value) -> Value {
        let v = self.call(function, params.clone()).await;
        assert!(v.get("error").is_none(), "{function}({params}) failed: {v}");
        v["result"].clone()
    }

    /// Calls and expects an error; returns (code, message).
    pub async fn err(&self, function: &str, params: Value) -> (String, String) {
        let v = self.call(function, params.clone()).await;
        let e = v
            .get("error")
            .unwrap_or_else(|| panic!("{function}({params}) succeeded: {v}"));
        (
            e["code"].as_str().unwrap().to_string(),
            e["message"].as_str().unwrap().to_string(),
        )
    }

    /// LoginPrep + Login with mox's cookies.
    pub async fn login(&mut self, password: &str) {
        let (token, cookie) = self.login_prep().await;
        let r = self
            .raw(
                "Login",
                &json!({"params": [token, password]}).to_string(),
                &[("cookie", &format!("webadminlogin={cookie}"))],
            )
            .await;
        let v = r.json();
        assert!(v.get("error").is_none(), "login failed: {v}");
        self.csrf = Some(v["result"].as_str().unwrap().to_string());
        let sc = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("webadminsession="))
            .unwrap();
        let val = sc
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("webadminsession=");
        self.session = Some(val.trim_matches('"').trim_end().to_string());
    }

    /// LoginPrep: returns (token in result, token in cookie).
    pub async fn login_prep(&self) -> (String, String) {
        let r = self.raw("LoginPrep", r#"{"params":[]}"#, &[]).await;
        let token = r.json()["result"].as_str().unwrap().to_string();
        let sc = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("webadminlogin="))
            .unwrap();
        let cookie = sc
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("webadminlogin=")
            .to_string();
        (token, cookie)
    }
}

/// The server binary, run on a data directory; stdout is scanned for the listen address.
pub struct BinServer {
    pub child: Child,
    pub addr: SocketAddr,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_server")
}

/// Sets the admin password through the CLI (standard input, not a terminal).
pub fn bin_set_password(data: &Path, password: &str) {
    use std::io::Write;
    let mut c = Command::new(bin())
        .args(["--data", data.to_str().unwrap(), "set-admin-password"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(c.stdin.take().unwrap(), "{password}").unwrap();
    assert!(c.wait().unwrap().success());
}

impl BinServer {
    pub fn start(data: &Path, config: Option<&Path>) -> BinServer {
        let mut cmd = Command::new(bin());
        cmd.args(["--data", data.to_str().unwrap()]);
        if let Some(c) = config {
            cmd.args(["--config", c.to_str().unwrap()]);
        }
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(stdout).lines();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let addr = loop {
            assert!(std::time::Instant::now() < deadline, "server did not start");
            let line = lines.next().expect("server exited").unwrap();
            if let Some(rest) = line.strip_prefix("listening on http://") {
                break rest.trim_end_matches("/admin/").parse().unwrap();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        BinServer { child, addr }
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id() as i32;
        // SAFETY-free: use the kill command to send SIGTERM to our own child.
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for BinServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
