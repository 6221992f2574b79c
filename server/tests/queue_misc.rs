//! The queue (messages added with `queue add`), log levels, transports, update checks and
//! the web server configuration, over HTTP.

use std::process::Command;

use crate::common::{TEST_CONFIG, TestServer, bin};
use serde_json::json;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn queue_add(data: &std::path::Path, from: &str, to: &str, file: &str) -> (bool, String) {
    let out = Command::new(bin())
        .args([
            "--data",
            data.to_str().unwrap(),
            "queue",
            "add",
            "--from",
            from,
            "--to",
            to,
            "--account",
            "mjl",
            file,
        ])
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn queue_functions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // The sending account must exist: refused before it does, accepted after.
    let (ok, out) = queue_add(
        data,
        "mjl@example.org",
        "remote@example.net",
        &fixture("queue-plain.eml"),
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains(r#"queue add: no account "mjl" (add it with DomainAdd or AccountAdd first)"#),
        "{out}"
    );
    {
        let s = TestServer::start_in(data, TEST_CONFIG);
        let c = s.client().await;
        c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
            .await;
        s.stop();
    }
    let (ok, out) = queue_add(
        data,
        "mjl@example.org",
        "remote@example.net",
        &fixture("queue-plain.eml"),
    );
    assert!(ok && out.contains("queued message 1"), "{out}");
    let (ok, out) = queue_add(
        data,
        "<>",
        "jörg@münchen.example",
        &fixture("queue-utf8-multipart.eml"),
    );
    assert!(ok && out.contains("queued message 2"), "{out}");
    let (ok, out) = queue_add(data, "a@b", "not an address", &fixture("queue-plain.eml"));
    assert!(!ok, "{out}");
    let (ok, _) = queue_add(
        data,
        "mjl@example.org",
        "x@[192.0.2.1]",
        &fixture("queue-plain.eml"),
    );
    assert!(ok);

    let s = TestServer::start_in(data, TEST_CONFIG);
    let c = s.client().await;
    assert_eq!(c.ok("QueueSize", json!([])).await, json!(3));
    let list = c.ok("QueueList", json!([])).await;
    let l = list.as_array().unwrap();
    assert_eq!(
        l.iter().map(|m| m["ID"].clone()).collect::<Vec<_>>(),
        vec![json!(1), json!(2), json!(3)]
    );
    let m = &l[0];
    let eml = std::fs::read(fixture("queue-plain.eml")).unwrap();
    let qm =
        server::import::queue_message("mjl@example.org", "remote@example.net", "x", &eml).unwrap();
    assert_eq!(m["SenderAccount"], "mjl");
    assert_eq!(m["SenderLocalpart"], "mjl");
    assert_eq!(
        m["SenderDomain"],
        json!({"IP": "", "Domain": {"ASCII": "example.org", "Unicode": ""}})
    );
    assert_eq!(m["RecipientDomainStr"], "example.net");
    assert_eq!(m["Size"], json!(qm.size()));
    assert_eq!(m["MessageID"], "<20240105101112.abc123@example.org>");
    assert_eq!(m["LastAttempt"], json!(null));
    assert_eq!(m["RequireTLS"], json!(null));
    assert_eq!(m["Transport"], "");
    // 69: IP domains are textual.
    assert_eq!(l[2]["RecipientDomain"]["IP"], "192.0.2.1");
    assert_eq!(
        l[1]["RecipientDomain"]["Domain"]["Unicode"],
        "münchen.example"
    );
    // The stored message data is the CRLF form.
    assert_eq!(
        s.app
            .store
            .queue_data
            .get(1u64.to_be_bytes())
            .unwrap()
            .unwrap()
            .to_vec(),
        qm.data
    );

    // QueueSaveRequireTLS.
    c.ok("QueueSaveRequireTLS", json!([1, true])).await;
    c.ok("QueueSaveRequireTLS", json!([2, false])).await;
    let list = c.ok("QueueList", json!([])).await;
    assert_eq!(
        (list[0]["RequireTLS"].clone(), list[1]["RequireTLS"].clone()),
        (json!(true), json!(false))
    );
    c.ok("QueueSaveRequireTLS", json!([1, null])).await;
    assert_eq!(
        c.ok("QueueList", json!([])).await[0]["RequireTLS"],
        json!(null)
    );
    assert_eq!(
        c.err("QueueSaveRequireTLS", json!([99, true])).await,
        (
            "user:error".into(),
            "update requiretls for message in queue: get message: absent".into()
        )
    );
    assert_eq!(
        c.err("QueueSaveRequireTLS", json!([1, "yes"])).await.0,
        "sherpa:badParams"
    );

    // QueueKick: transport validated; sets the transport and next attempt.
    assert_eq!(
        c.err("QueueKick", json!([1, "nope"])).await,
        (
            "user:error".into(),
            "kick message in queue: unknown transport \"nope\"".into()
        )
    );
    assert_eq!(
        c.err("QueueKick", json!([99, ""])).await,
        (
            "user:error".into(),
            "kick message in queue: message not found".into()
        )
    );
    let before = c.ok("QueueList", json!([])).await[0]["NextAttempt"].clone();
    c.ok("QueueKick", json!([1, "relay"])).await;
    let after = c.ok("QueueList", json!([])).await;
    assert_eq!(after[0]["Transport"], "relay");
    assert_ne!(after[0]["NextAttempt"], before);
    // id 0 kicks every message, clearing the transport.
    c.ok("QueueKick", json!([0, ""])).await;
    assert!(
        c.ok("QueueList", json!([]))
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["Transport"] == "")
    );

    // QueueDrop.
    assert_eq!(
        c.err("QueueDrop", json!([99])).await,
        (
            "user:error".into(),
            "drop message from queue: message not found".into()
        )
    );
    c.ok("QueueDrop", json!([2])).await;
    assert_eq!(c.ok("QueueSize", json!([])).await, json!(2));
    assert!(
        s.app
            .store
            .queue_data
            .get(2u64.to_be_bytes())
            .unwrap()
            .is_none()
    );
    c.ok("QueueDrop", json!([-1])).await;
    assert_eq!(c.ok("QueueSize", json!([])).await, json!(0));
    assert_eq!(c.ok("QueueList", json!([])).await, json!([]));
    assert_eq!(
        c.err("QueueDrop", json!([0])).await,
        (
            "user:error".into(),
            "drop message from queue: message not found".into()
        )
    );
}

#[tokio::test]
async fn log_levels_transports_updates() {
    let s = TestServer::start();
    let c = s.client().await;
    assert_eq!(c.ok("LogLevels", json!([])).await, json!({"": "info"}));
    c.ok("LogLevelSet", json!(["server::store", "debug"])).await;
    c.ok("LogLevelSet", json!(["", "warn"])).await;
    assert_eq!(
        c.ok("LogLevels", json!([])).await,
        json!({"": "warn", "server::store": "debug"})
    );
    assert_eq!(
        c.err("LogLevelSet", json!(["x", "loud"])).await,
        ("user:error".into(), "lookup level: unknown".into())
    );
    c.ok("LogLevelRemove", json!(["server::store"])).await;
    assert_eq!(c.ok("LogLevels", json!([])).await, json!({"": "warn"}));
    assert_eq!(
        c.err("LogLevelRemove", json!([""])).await,
        (
            "user:error".into(),
            "cannot remove default log level".into()
        )
    );
    assert_eq!(c.ok("CheckUpdatesEnabled", json!([])).await, json!(false));
    assert_eq!(
        c.ok("Transports", json!([])).await,
        json!({"relay": {
            "Submissions": {"Host": "smtp.example.net", "Port": 465, "STARTTLSInsecureSkipVerify": false, "NoSTARTTLS": false,
                "Auth": {"Username": "u", "Password": "p", "Mechanisms": ["PLAIN"]}},
            "Submission": null, "SMTP": null, "Socks": null
        }})
    );
}

#[tokio::test]
async fn webserver_config() {
    let s = TestServer::start();
    let c = s.client().await;
    let empty = json!({"WebDNSDomainRedirects": [], "WebDomainRedirects": [], "WebHandlers": []});
    assert_eq!(c.ok("WebserverConfig", json!([])).await, empty);
    let handler = json!({
        "LogName": "", "Domain": "www.example.org", "PathRegexp": "^/", "DontRedirectPlainHTTP": false, "Compress": true,
        "WebStatic": null,
        "WebRedirect": {"BaseURL": "https://example.org", "OrigPathRegexp": "", "ReplacePath": "", "StatusCode": 308},
        "WebForward": null, "Name": "", "DNSDomain": {"ASCII": "", "Unicode": ""}
    });
    let new = json!({"WebDNSDomainRedirects": [], "WebDomainRedirects": [["old.example.org", "example.org"]], "WebHandlers": [handler]});
    let got = c.ok("WebserverConfigSave", json!([empty, new])).await;
    let mut want_handler = handler.clone();
    want_handler["Name"] = json!("0");
    want_handler["DNSDomain"] = json!({"ASCII": "www.example.org", "Unicode": ""});
    let want = json!({
        "WebDNSDomainRedirects": [[{"ASCII": "old.example.org", "Unicode": ""}, {"ASCII": "example.org", "Unicode": ""}]],
        "WebDomainRedirects": [],
        "WebHandlers": [want_handler]
    });
    assert_eq!(got, want);
    assert_eq!(c.ok("WebserverConfig", json!([])).await, want);
    // Optimistic concurrency: the old config must match.
    assert_eq!(
        c.err("WebserverConfigSave", json!([empty, new])).await,
        (
            "user:error".into(),
            "comparing old/current config: config has changed".into()
        )
    );
    // Validation errors.
    let bad = |h: serde_json::Value| json!({"WebDomainRedirects": [], "WebHandlers": [h]});
    let mut h = handler.clone();
    h["PathRegexp"] = json!("/x");
    let e = c.err("WebserverConfigSave", json!([want, bad(h)])).await;
    assert_eq!(e, ("user:error".into(), "saving webserver config: writing domains.conf: webhandler www.example.org /x: path regexp must start with a ^".into()));
    let mut h = handler.clone();
    h["PathRegexp"] = json!("^(");
    assert!(
        c.err("WebserverConfigSave", json!([want, bad(h)]))
            .await
            .1
            .contains("compiling regexp")
    );
    let mut h = handler.clone();
    h["WebStatic"] = json!({"StripPrefix": "", "Root": "/tmp", "ListFiles": false, "ContinueNotFound": false, "ResponseHeaders": {}});
    assert!(
        c.err("WebserverConfigSave", json!([want, bad(h)]))
            .await
            .1
            .ends_with("must have exactly one handler, not 2")
    );
    let mut h = handler.clone();
    h["WebRedirect"]["BaseURL"] = json!("https://example.org/path");
    assert!(
        c.err("WebserverConfigSave", json!([want, bad(h)]))
            .await
            .1
            .ends_with("BaseURL must have empty path")
    );
    let mut h = handler.clone();
    h["WebRedirect"]["StatusCode"] = json!(200);
    assert!(
        c.err("WebserverConfigSave", json!([want, bad(h)]))
            .await
            .1
            .ends_with("invalid redirect status code 200")
    );
    let mut h = handler.clone();
    h["WebRedirect"] = json!(null);
    h["WebForward"] = json!({"StripPath": false, "URL": "not a url", "ResponseHeaders": {}});
    assert!(
        c.err("WebserverConfigSave", json!([want, bad(h)]))
            .await
            .1
            .contains("webforward www.example.org ^/: parsing url not a url")
    );
    let dup = json!({"WebDomainRedirects": [["a.example", "b.example"], ["a.example", "c.example"]], "WebHandlers": []});
    assert_eq!(
        c.err("WebserverConfigSave", json!([want, dup])).await,
        (
            "user:error".into(),
            "checking redirect a.example: already present".into()
        )
    );
    let selfr = json!({"WebDomainRedirects": [["a.example", "A.example"]], "WebHandlers": []});
    assert!(
        c.err("WebserverConfigSave", json!([want, selfr]))
            .await
            .1
            .ends_with("will not redirect domain a.example to itself")
    );
    // Unknown struct fields are refused by the runtime.
    let mut h = handler.clone();
    h["Bogus"] = json!(1);
    assert_eq!(
        c.err("WebserverConfigSave", json!([want, bad(h)])).await.0,
        "sherpa:badParams"
    );
    // Nothing changed by the failures.
    assert_eq!(c.ok("WebserverConfig", json!([])).await, want);
}

#[tokio::test]
async fn envelope_errors_and_oversized_bodies() {
    let s = TestServer::start();
    let c = s.client().await;
    let r = c.raw("Domains", "{}", &[]).await;
    assert_eq!(r.json()["error"]["code"], "sherpa:badRequest");
    let r = c.raw("Domains", r#"{"params":[],"extra":1}"#, &[]).await;
    assert_eq!(r.json()["error"]["code"], "sherpa:badRequest");
    let r = c.raw("Domains", r#"{"params":[1]}"#, &[]).await;
    assert_eq!(
        r.json()["error"],
        json!({"code": "sherpa:badParams", "message": "function \"Domains\": bad number of parameters: got 1, want 0"})
    );
    let big = format!("{{\"params\":[\"{}\"]}}", "x".repeat(2 << 20));
    let r = c.raw("ParseDomain", &big, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["error"]["code"], "sherpa:badRequest");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too large")
    );
    let plain = reqwest::Client::new()
        .post(s.url("/admin/api/Domains"))
        .header("content-type", "text/plain")
        .header(
            "cookie",
            format!("webadminsession=\"{} \"", c.session.as_ref().unwrap()),
        )
        .header("x-mox-csrf", c.csrf.as_ref().unwrap())
        .body(r#"{"params":[]}"#)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = plain.json().await.unwrap();
    assert_eq!(
        v["error"],
        json!({"code": "sherpa:badRequest", "message": "unrecognized content-type \"text/plain\", expecting \"application/json\""})
    );

    // The limit is the runtime's 1 MiB, with its message; an unknown function is a 404
    // before the body is looked at, however large.
    assert_eq!(
        r.json()["error"]["message"],
        "request body too large, limit is 1048576 bytes"
    );
    let r = c.raw("NoSuchFunction", &big, &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "sherpa:badFunction");
    // `/admin/api/` itself, authenticated, is Go's sherpa page, whatever the method, as
    // from mox.
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let r = reqwest::Client::new()
            .request(method.clone(), s.url("/admin/api/"))
            .header("content-type", "application/json")
            .header(
                "cookie",
                format!("webadminsession=\"{} \"", c.session.as_ref().unwrap()),
            )
            .header("x-mox-csrf", c.csrf.as_ref().unwrap())
            .body(r#"{"params":[]}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{method}");
        assert_eq!(
            r.headers()["content-type"],
            "text/html; charset=utf-8",
            "{method}"
        );
        let page = r.text().await.unwrap();
        assert!(page.contains("<title>Admin</title>"), "{method}: {page}");
        assert!(page.contains("/admin/api/sherpa.js"), "{method}: {page}");
    }
}

/// `config init` writes a complete, commented settings file with the defaults, never
/// over an existing one; `config check` says whether a file is valid.
#[test]
fn config_init_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    let run = |args: &[&str]| {
        let out = Command::new(bin()).args(args).output().unwrap();
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let path = file.to_str().unwrap();
    assert_eq!(run(&["config", "init", path]).0, Some(0));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("# Host name of this mail server"), "{text}");
    assert!(text.contains("\nMaxRequestsPerAddress = 64\n"), "{text}");
    assert_eq!(
        server::config::LoadedConfig::parse(&text).unwrap(),
        server::config::StaticConfig::default()
    );
    let (code, out) = run(&["config", "init", path]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("File exists"), "{out}");
    assert_eq!(
        run(&["config", "check", path]),
        (Some(0), format!("{path}: ok\n"))
    );
    std::fs::write(&file, text.replace("Keep = 7", "Keep = \"seven\"")).unwrap();
    let (code, out) = run(&["config", "check", path]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("parsing config file") && out.contains("Keep"),
        "{out}"
    );
    // To standard output when no file is named.
    let (code, out) = run(&["config", "init"]);
    assert_eq!(code, Some(0));
    assert_eq!(out, text);
}

/// A long QueueList (over the size compressed on a background thread, and sent in
/// slices) is the stored messages in order, the same gzipped or not.
#[tokio::test]
async fn a_long_queue_list_is_whole_gzipped_or_not() {
    let s = TestServer::start();
    for i in 0..3000 {
        let msg = sherpa_admin::api::Msg {
            sender_account: format!("account-{i} <&>"),
            ..Default::default()
        };
        s.app.store.queue_add(msg, b"body").unwrap();
    }
    let c = s.client().await;
    let plain = c.raw("QueueList", r#"{"params":[]}"#, &[]).await;
    assert_eq!(plain.status, 200);
    assert!(plain.body.len() > 256 << 10, "{} bytes", plain.body.len());
    // Sent in slices, still with its length.
    assert_eq!(
        plain.header("content-length"),
        Some(plain.body.len().to_string())
    );
    let list = plain.json()["result"].as_array().unwrap().clone();
    assert_eq!(list.len(), 3000);
    assert_eq!(list[2999]["ID"], 3000);
    assert_eq!(list[7]["SenderAccount"], "account-7 <&>");
    assert!(
        plain
            .text()
            .contains(r#""SenderAccount":"account-7 \u003c\u0026\u003e""#)
    );
    let zipped = c
        .raw(
            "QueueList",
            r#"{"params":[]}"#,
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(zipped.header("content-encoding").as_deref(), Some("gzip"));
    let mut d = flate2::read::GzDecoder::new(&zipped.body[..]);
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut d, &mut out).unwrap();
    assert!(out == plain.body, "the gzipped answer differs");
    assert_eq!(c.ok("QueueSize", json!([])).await, json!(3000));
}
