//! Durability and consistency: acknowledged writes survive SIGKILL; sessions survive
//! restarts; concurrent configuration changes lose no update; `export` + `import-store`
//! reproduce every read function's results. These run the real binary where a process has
//! to die or the store has to be reopened.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::common::{BinServer, Client, PASSWORD, TestServer, bin, bin_set_password};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str]) -> String {
    let out = Command::new(bin()).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    bin_set_password(data, PASSWORD);
    let srv = BinServer::start(data, None);
    let mut c = Client::new(srv.addr);
    c.login(PASSWORD).await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;

    // Several writers, each recording what the server acknowledged, until the kill.
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for w in 0..4 {
        let c = c.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let (f, p) = match i % 3 {
                    0 => (
                        "DMARCSuppressAdd",
                        json!([format!("w{w}-{i}@example.net"), "2030-01-01T00:00:00Z", ""]),
                    ),
                    1 => (
                        "AddressAdd",
                        json!([format!("w{w}-{i}@example.org"), "mjl"]),
                    ),
                    _ => (
                        "TLSRPTSuppressAdd",
                        json!([format!("w{w}-{i}@example.net"), "2030-01-01T00:00:00Z", ""]),
                    ),
                };
                let req = c
                    .http
                    .post(format!("{}{f}", c.base))
                    .header("content-type", "application/json")
                    .header(
                        "cookie",
                        format!("webadminsession=\"{} \"", c.session.as_ref().unwrap()),
                    )
                    .header("x-mox-csrf", c.csrf.as_ref().unwrap())
                    .body(json!({"params": p}).to_string())
                    .send()
                    .await;
                if let Ok(r) = req
                    && let Ok(v) = r.json::<Value>().await
                    && v.get("error").is_none()
                {
                    acked.push((f, p[0].as_str().unwrap().to_string()));
                }
                i += 1;
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    srv.kill();
    stop.store(true, Ordering::SeqCst);
    let mut acked = Vec::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    assert!(acked.len() > 20, "only {} writes acknowledged", acked.len());

    let srv = BinServer::start(data, None);
    // The session made before the kill still works (sessions are persistent).
    let c2 = Client {
        base: format!("http://{}/admin/api/", srv.addr),
        ..c.clone()
    };
    let dmarc: Vec<String> = c2
        .ok("DMARCSuppressList", json!([]))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ReportingAddress"].as_str().unwrap().to_string())
        .collect();
    let tls: Vec<String> = c2
        .ok("TLSRPTSuppressList", json!([]))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ReportingAddress"].as_str().unwrap().to_string())
        .collect();
    let dests = c2.ok("Account", json!(["mjl"])).await["Destinations"].clone();
    for (f, a) in &acked {
        match *f {
            "DMARCSuppressAdd" => assert!(dmarc.contains(a), "lost {a}"),
            "TLSRPTSuppressAdd" => assert!(tls.contains(a), "lost {a}"),
            _ => assert!(dests.get(a).is_some(), "lost address {a}"),
        }
    }
}

#[tokio::test]
async fn sessions_survive_a_graceful_restart_and_logout_is_durable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    bin_set_password(data, PASSWORD);
    let srv = BinServer::start(data, None);
    let mut a = Client::new(srv.addr);
    a.login(PASSWORD).await;
    let mut b = Client::new(srv.addr);
    b.login(PASSWORD).await;
    b.ok("Logout", json!([])).await;
    assert!(srv.terminate().success(), "clean exit on SIGTERM");
    let srv = BinServer::start(data, None);
    let rebase = |c: &Client| Client {
        base: format!("http://{}/admin/api/", srv.addr),
        ..c.clone()
    };
    assert_eq!(rebase(&a).ok("Domains", json!([])).await, json!([]));
    assert_eq!(
        rebase(&b).err("Domains", json!([])).await,
        ("user:badAuth".into(), "unknown session".into())
    );
}

#[tokio::test]
async fn first_start_generates_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh");
    let srv = BinServer::start(&data, None);
    let file = data.join("admin-password");
    let pw = std::fs::read_to_string(&file).unwrap().trim().to_string();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let mut c = Client::new(srv.addr);
    c.login(&pw).await;
    drop(srv);
    // set-admin-password replaces it (from standard input) and removes the stale file.
    bin_set_password(&data, "another-password");
    assert!(!file.exists());
    let out = Command::new(bin())
        .args(["--data", data.to_str().unwrap(), "set-admin-password"])
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success(), "an empty password is refused");
    let srv = BinServer::start(&data, None);
    let mut c = Client::new(srv.addr);
    c.login("another-password").await;
}

#[tokio::test]
async fn concurrent_config_changes_lose_no_update() {
    let s = TestServer::start();
    let c = s.client().await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;
    let mut tasks = Vec::new();
    for i in 0..4 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.ok("DomainAdd", json!([format!("d{i}.example"), "mjl", ""]))
                .await
        }));
    }
    for i in 0..16 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.ok(
                "AccountAdd",
                json!([format!("acc{i}"), format!("acc{i}@example.org")]),
            )
            .await
        }));
    }
    for i in 0..32 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.ok(
                "AddressAdd",
                json!([format!("extra{i}@example.org"), "mjl"]),
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        c.ok("Domains", json!([])).await.as_array().unwrap().len(),
        5
    );
    assert_eq!(
        c.ok("Accounts", json!([])).await.as_array().unwrap().len(),
        17
    );
    let lp = c.ok("DomainLocalparts", json!(["example.org"])).await;
    // mjl, dmarc-reports, tls-reports, 16 accounts, 32 extra addresses.
    assert_eq!(lp.as_object().unwrap().len(), 3 + 16 + 32);
    let dests = c.ok("Account", json!(["mjl"])).await["Destinations"].clone();
    // mjl@, 32 extras, postmaster@ of the 4 added domains.
    assert_eq!(dests.as_object().unwrap().len(), 1 + 32 + 4);
    // What is stored equals what is served.
    assert_eq!(
        server::app::load_dynamic(&s.app.store).unwrap(),
        s.app.config().dynamic
    );
    // Duplicate concurrent adds: exactly one wins.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.call("AccountAdd", json!(["same", "same@example.org"]))
                .await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap().get("error").is_none() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
}

/// Every read function, for comparing two servers.
async fn snapshot(c: &Client) -> Vec<(String, Value)> {
    let all = json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]);
    let calls: Vec<(&str, Value)> = vec![
        ("Domains", json!([])),
        ("Domain", json!(["example.org"])),
        ("DomainLocalparts", json!(["example.org"])),
        ("Accounts", json!([])),
        ("Account", json!(["mjl"])),
        ("ClientConfigsDomain", json!(["example.org"])),
        ("MTASTSPolicies", json!([])),
        ("TLSReports", all.clone()),
        ("TLSReportID", json!(["example.com", 1])),
        ("TLSRPTSummaries", all.clone()),
        ("DMARCReports", all.clone()),
        ("DMARCReportID", json!(["example.org", 1])),
        ("DMARCSummaries", all.clone()),
        ("QueueList", json!([])),
        ("QueueSize", json!([])),
        ("WebserverConfig", json!([])),
        ("Transports", json!([])),
        ("CheckUpdatesEnabled", json!([])),
        ("LogLevels", json!([])),
        ("DMARCEvaluationStats", json!([])),
        ("DMARCEvaluationsDomain", json!(["example.org"])),
        ("DMARCSuppressList", json!([])),
        ("TLSRPTResults", json!([])),
        ("TLSRPTResultsDomain", json!([false, "example.net"])),
        ("TLSRPTSuppressList", json!([])),
    ];
    let mut out = Vec::new();
    for (f, p) in calls {
        out.push((f.to_string(), c.call(f, p).await));
    }
    let files = c.ok("ConfigFiles", json!([])).await;
    out.push(("ConfigFiles.dynamic".into(), files[3].clone()));
    out
}

#[tokio::test]
async fn export_then_import_store_reproduces_everything() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    let d = data.to_str().unwrap();
    bin_set_password(&data, PASSWORD);
    run(&[
        "--data",
        d,
        "import",
        "dmarc",
        &fixture("dmarc-google.xml"),
        &fixture("dmarc-reports.zip"),
    ]);
    run(&[
        "--data",
        d,
        "import",
        "tlsrpt",
        &fixture("tlsrpt-google.json"),
        &fixture("tlsrpt-microsoft.json"),
    ]);
    run(&[
        "--data",
        d,
        "import",
        "evaluations",
        &fixture("evaluations.json"),
    ]);
    run(&[
        "--data",
        d,
        "import",
        "tlsresults",
        &fixture("tlsresults.json"),
    ]);
    run(&["--data", d, "import", "mtasts", &fixture("mtasts.json")]);
    run(&[
        "--data",
        d,
        "queue",
        "add",
        "--from",
        "mjl@example.org",
        "--to",
        "x@example.net",
        &fixture("queue-plain.eml"),
    ]);
    let srv = BinServer::start(&data, None);
    let mut c = Client::new(srv.addr);
    c.login(PASSWORD).await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;
    c.ok("AccountAdd", json!(["other", "other@example.org"]))
        .await;
    c.ok("SetPassword", json!(["other", "password123"])).await;
    c.ok(
        "DMARCSuppressAdd",
        json!(["r@example.net", "2030-01-01T00:00:00Z", "x"]),
    )
    .await;
    c.ok(
        "TLSRPTSuppressAdd",
        json!(["r@example.net", "2030-01-01T00:00:00Z", "y"]),
    )
    .await;
    c.ok("QueueSaveRequireTLS", json!([1, true])).await;
    let before = snapshot(&c).await;
    assert!(srv.terminate().success());

    let file = dir.path().join("export.jsonl");
    let out = run(&["--data", d, "export", file.to_str().unwrap()]);
    assert!(out.starts_with("exported "), "{out}");
    let data_b = dir.path().join("b");
    let out = run(&[
        "--data",
        data_b.to_str().unwrap(),
        "import-store",
        file.to_str().unwrap(),
    ]);
    assert!(out.starts_with("imported "), "{out}");
    // Importing into a non-empty store is refused.
    let again = Command::new(bin())
        .args([
            "--data",
            data_b.to_str().unwrap(),
            "import-store",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let srv = BinServer::start(&data_b, None);
    // The old session is in the export too; and the password still works.
    let c_b = Client {
        base: format!("http://{}/admin/api/", srv.addr),
        ..c.clone()
    };
    let after = snapshot(&c_b).await;
    for ((f, a), (_, b)) in before.iter().zip(&after) {
        if f == "ConfigFiles.dynamic" {
            assert_eq!(a, b, "{f}");
        } else {
            assert_eq!(a, b, "{f} differs after export/import");
            assert!(a.get("error").is_none() || f == "TLSReportID", "{f}: {a}");
        }
    }
    let mut fresh = Client::new(srv.addr);
    fresh.login(PASSWORD).await;
}
