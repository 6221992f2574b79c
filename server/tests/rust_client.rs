//! Every admin function through the generated Rust client (`sherpa_admin::api::client`)
//! against a running server, as a table of cases.
//!
//! Read-only functions are called twice, through the typed client and as raw JSON, and
//! the typed result, encoded again, must be exactly the JSON the server sent: this is
//! what shows that the client decodes with the server's rules (timestamps keep their
//! offsets and fractions, `null` lists, int64s, unknown fields). Functions that change
//! something have explicit expectations, including the error codes of bad calls. A last
//! check makes sure the table names every function of the schema.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde::Serialize;
use serde_json::{Value, json};
use sherpa_admin::api::FUNCTIONS;
use sherpa_admin::api::client::Client;
use sherpa_admin::runtime::{Error, Timestamp, gojson};

use crate::common::{self, PASSWORD, TEST_CONFIG, TestServer, bin};
use crate::dns_support::DnsServer;

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs the CLI on `data` with `config` and fails the test when it fails.
fn cli(data: &Path, config: &Path, args: &[&str]) {
    let out = Command::new(bin())
        .args(["--data", data.to_str().unwrap()])
        .args(["--config", config.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a case expects.
enum Want {
    /// What the server answered to a raw call of the same function with the same
    /// parameters, made right after the typed one: its result, or its error.
    Raw(Result<Value, (String, String)>),
    /// Exactly this result, as JSON.
    Json(Value),
    /// A result this predicate accepts (for values that differ per run).
    Check(fn(&Value) -> bool),
    /// An error with this code.
    Code(&'static str),
}

/// One call made through the typed client, and what it should have returned.
struct Case {
    function: &'static str,
    got: Result<Value, Error>,
    want: Want,
}

/// A typed result as the JSON the server would write for it.
fn encoded<T: Serialize>(r: Result<T, Error>) -> Result<Value, Error> {
    r.map(|v| serde_json::from_slice(&gojson::to_vec(&v).unwrap()).unwrap())
}

struct Table {
    raw: common::Client,
    cases: Vec<Case>,
}

impl Table {
    fn add<T: Serialize>(&mut self, function: &'static str, got: Result<T, Error>, want: Want) {
        self.cases.push(Case {
            function,
            got: encoded(got),
            want,
        });
    }

    /// A read-only call: `got` through the typed client, then the same call (`params`
    /// as JSON) raw, whose answer is what `got` must encode to.
    async fn same<T: Serialize>(
        &mut self,
        function: &'static str,
        params: Value,
        got: Result<T, Error>,
    ) {
        let answer = self.raw.call(function, params).await;
        let want = match answer.get("error") {
            Some(e) => Err((
                e["code"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )),
            None => Ok(answer["result"].clone()),
        };
        self.add(function, got, Want::Raw(want));
    }

    /// Checks every case, reporting all failures at once.
    fn verify(self) {
        let mut failures = Vec::new();
        let mut named = BTreeSet::new();
        for case in self.cases {
            named.insert(case.function);
            let failed = match (&case.got, &case.want) {
                (got, Want::Raw(want)) => {
                    let got = got.clone().map_err(|e| (e.code.clone(), e.message.clone()));
                    (got != *want).then(|| format!("typed {got:?}\n  raw {want:?}"))
                }
                (Ok(v), Want::Json(want)) => (v != want).then(|| format!("got {v}, want {want}")),
                (Ok(v), Want::Check(check)) => (!check(v)).then(|| format!("unexpected {v}")),
                (Err(e), Want::Code(code)) => (e.code != *code)
                    .then(|| format!("error {} ({}), want {code}", e.code, e.message)),
                (Ok(v), Want::Code(code)) => Some(format!("got {v}, want error {code}")),
                (Err(e), _) => Some(format!("error {}: {}", e.code, e.message)),
            };
            if let Some(why) = failed {
                failures.push(format!("{}: {why}", case.function));
            }
        }
        let missing: Vec<&&str> = FUNCTIONS.iter().filter(|f| !named.contains(*f)).collect();
        assert!(missing.is_empty(), "functions without a case: {missing:?}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

#[tokio::test]
async fn every_admin_function_through_the_rust_client() {
    // Data for the report, queue and policy functions, imported with the CLI; DNS from
    // a server on loopback that knows only the PTR of 127.0.0.1.
    let dns = DnsServer::start().await;
    dns.zones
        .write()
        .unwrap()
        .ptr("1.0.0.127.in-addr.arpa", "mail.example.org");
    let config = format!(
        "{TEST_CONFIG}\n[DNS]\nUpstream = \"{}\"\nTimeout = \"2s\"\nAttempts = 1\n",
        dns.addr
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let config_path = data.join("test-config.toml");
    std::fs::write(&config_path, &config).unwrap();
    let imports: [&[&str]; 6] = [
        &["import", "dmarc", &fixture("dmarc-reports.zip")],
        &["import", "tlsrpt", &fixture("tlsrpt-google.json")],
        &["import", "evaluations", &fixture("evaluations.json")],
        &["import", "tlsresults", &fixture("tlsresults.json")],
        &["import", "mtasts", &fixture("mtasts.json")],
        &[
            "queue",
            "add",
            "--from",
            "mjl@example.org",
            "--to",
            "remote@example.net",
            "--copies",
            "3",
            &fixture("queue-plain.eml"),
        ],
    ];
    for args in imports {
        cli(data, &config_path, args);
    }
    let s = TestServer::start_in(data, &config);
    let url = s.url("/admin/api/");

    // Logging in: a wrong password is the server's error, then the helper's three lines.
    let stranger = Client::new(&url).unwrap();
    let token = stranger.login_prep().await.unwrap();
    let e = stranger.login(&token, "wrong").await.unwrap_err();
    assert_eq!(e.code, "user:badLogin", "{}", e.message);
    let e = stranger.domains().await.unwrap_err();
    assert_eq!(e.code, "user:noAuth", "{}", e.message);
    let c = sherpa_admin::login(&url, PASSWORD).await.unwrap();

    let mut t = Table {
        raw: s.client().await,
        cases: Vec::new(),
    };
    use Want::*;
    let (start, end) = (ts("2000-01-01T00:00:00Z"), ts("2100-01-01T00:00:00Z"));

    t.add(
        "LoginPrep",
        c.login_prep().await,
        Check(|v| v.as_str().is_some_and(|s| !s.is_empty())),
    );
    t.add(
        "Login",
        c.login("not the token", PASSWORD).await,
        Code("user:error"),
    );

    // Domains, accounts and addresses.
    t.add("Domains", c.domains().await, Json(json!([])));
    t.add(
        "DomainAdd",
        c.domain_add("Example.ORG", "mjl", "mjl").await,
        Json(json!(null)),
    );
    t.add(
        "DomainAdd",
        c.domain_add("example.org", "mjl", "mjl").await,
        Code("user:error"),
    );
    t.same("Domains", json!([]), c.domains().await).await;
    t.add(
        "Domain",
        c.domain("example.org").await,
        Json(json!({"ASCII": "example.org", "Unicode": ""})),
    );
    t.add("Domain", c.domain("nope.example").await, Code("user:error"));
    t.add(
        "ParseDomain",
        c.parse_domain("xn--mnchen-3ya.example").await,
        Json(json!({"ASCII": "xn--mnchen-3ya.example", "Unicode": "münchen.example"})),
    );
    t.add(
        "ParseDomain",
        c.parse_domain("a_b.example").await,
        Code("user:error"),
    );
    t.same(
        "DomainLocalparts",
        json!(["example.org"]),
        c.domain_localparts("example.org").await,
    )
    .await;
    t.add("Accounts", c.accounts().await, Json(json!(["mjl"])));
    t.same("Account", json!(["mjl"]), c.account("mjl").await)
        .await;
    t.add("Account", c.account("nobody").await, Code("user:error"));
    t.add(
        "AccountAdd",
        c.account_add("other", "other@example.org").await,
        Json(json!(null)),
    );
    t.add(
        "AddressAdd",
        c.address_add("alias@example.org", "other").await,
        Json(json!(null)),
    );
    t.add(
        "AddressAdd",
        c.address_add("alias@example.org", "other").await,
        Code("user:error"),
    );
    t.add(
        "DomainLocalparts",
        c.domain_localparts("example.org").await,
        Json(json!({
            "alias": "other",
            "dmarc-reports": "mjl",
            "mjl": "mjl",
            "other": "other",
            "tls-reports": "mjl"
        })),
    );
    t.add(
        "AddressRemove",
        c.address_remove("alias@example.org").await,
        Json(json!(null)),
    );
    t.add(
        "SetPassword",
        c.set_password("other", "a long enough password").await,
        Json(json!(null)),
    );
    t.add(
        "SetAccountLimits",
        c.set_account_limits("other", 100, 10, 1 << 20).await,
        Json(json!(null)),
    );
    t.add(
        "Account",
        c.account("other").await,
        Check(|v| {
            v["MaxOutgoingMessagesPerDay"] == 100
                && v["MaxFirstTimeRecipientsPerDay"] == 10
                && v["QuotaMessageSize"] == 1 << 20
        }),
    );
    t.add(
        "AccountRemove",
        c.account_remove("other").await,
        Json(json!(null)),
    );
    t.add(
        "AccountRemove",
        c.account_remove("other").await,
        Code("user:error"),
    );
    t.same("ConfigFiles", json!([]), c.config_files().await)
        .await;
    t.same(
        "ClientConfigsDomain",
        json!(["example.org"]),
        c.client_configs_domain("example.org").await,
    )
    .await;
    t.same(
        "DomainRecords",
        json!(["example.org"]),
        c.domain_records("example.org").await,
    )
    .await;

    // DNS, against the loopback server.
    t.add(
        "LookupIP",
        c.lookup_ip("127.0.0.1").await,
        Json(json!({"Hostnames": ["mail.example.org."]})),
    );
    t.add(
        "LookupIP",
        c.lookup_ip("not an ip").await,
        Code("user:error"),
    );
    // No DNSBLs configured: the listener's IP with no zones.
    t.add(
        "DNSBLStatus",
        c.dnsbl_status().await,
        Json(json!({"192.0.2.2": {}})),
    );
    t.add(
        "LookupTLSRPTRecord",
        c.lookup_tlsrpt_record("example.org").await,
        Json(json!([null, "", "tlsrpt: no tlsrpt dns txt record"])),
    );
    t.add(
        "CheckDomain",
        c.check_domain("example.org").await,
        Check(|v| v["Domain"] == "example.org" && v["MX"]["Errors"].is_array()),
    );

    // Reports, summaries and policies, from the imports.
    t.same(
        "DMARCReports",
        json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        c.dmarc_reports(start, end, "").await,
    )
    .await;
    t.same(
        "DMARCReportID",
        json!(["example.org", 1]),
        c.dmarc_report_id("example.org", 1).await,
    )
    .await;
    t.add(
        "DMARCReportID",
        c.dmarc_report_id("example.org", 999).await,
        Code("user:error"),
    );
    t.same(
        "DMARCSummaries",
        json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        c.dmarc_summaries(start, end, "").await,
    )
    .await;
    t.same(
        "TLSReports",
        json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        c.tls_reports(start, end, "").await,
    )
    .await;
    t.same("TLSReportID", json!(["", 1]), c.tls_report_id("", 1).await)
        .await;
    t.same(
        "TLSRPTSummaries",
        json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        c.tlsrpt_summaries(start, end, "").await,
    )
    .await;
    t.same("MTASTSPolicies", json!([]), c.mtasts_policies().await)
        .await;
    t.same(
        "DMARCEvaluationStats",
        json!([]),
        c.dmarc_evaluation_stats().await,
    )
    .await;
    t.same(
        "DMARCEvaluationsDomain",
        json!(["example.org"]),
        c.dmarc_evaluations_domain("example.org").await,
    )
    .await;
    t.same("TLSRPTResults", json!([]), c.tlsrpt_results().await)
        .await;
    t.same(
        "TLSRPTResultsDomain",
        json!([true, "example.net"]),
        c.tlsrpt_results_domain(true, "example.net").await,
    )
    .await;
    t.add(
        "DMARCRemoveEvaluations",
        c.dmarc_remove_evaluations("example.org").await,
        Json(json!(null)),
    );
    t.add(
        "DMARCEvaluationsDomain",
        c.dmarc_evaluations_domain("example.org").await,
        Check(|v| v[1] == json!([])),
    );
    t.add(
        "TLSRPTRemoveResults",
        c.tlsrpt_remove_results(true, "example.net", "20240105")
            .await,
        Json(json!(null)),
    );

    // Suppression lists.
    let until = ts("2030-01-02T03:04:05.5+02:00");
    t.add(
        "DMARCSuppressAdd",
        c.dmarc_suppress_add("reports@example.net", until, "noisy")
            .await,
        Json(json!(null)),
    );
    t.same(
        "DMARCSuppressList",
        json!([]),
        c.dmarc_suppress_list().await,
    )
    .await;
    t.add(
        "DMARCSuppressExtend",
        c.dmarc_suppress_extend(1, ts("2031-01-01T00:00:00Z")).await,
        Json(json!(null)),
    );
    t.add(
        "DMARCSuppressRemove",
        c.dmarc_suppress_remove(1).await,
        Json(json!(null)),
    );
    t.add(
        "DMARCSuppressRemove",
        c.dmarc_suppress_remove(1).await,
        Code("user:error"),
    );
    t.add(
        "TLSRPTSuppressAdd",
        c.tlsrpt_suppress_add("tls@example.net", until, "").await,
        Json(json!(null)),
    );
    t.same(
        "TLSRPTSuppressList",
        json!([]),
        c.tlsrpt_suppress_list().await,
    )
    .await;
    t.add(
        "TLSRPTSuppressExtend",
        c.tlsrpt_suppress_extend(1, ts("2031-01-01T00:00:00Z"))
            .await,
        Json(json!(null)),
    );
    t.add(
        "TLSRPTSuppressRemove",
        c.tlsrpt_suppress_remove(1).await,
        Json(json!(null)),
    );

    // The queue: three copies of one message.
    t.add("QueueSize", c.queue_size().await, Json(json!(3)));
    t.same("QueueList", json!([]), c.queue_list().await).await;
    t.add(
        "QueueKick",
        c.queue_kick(1, "relay").await,
        Json(json!(null)),
    );
    t.add(
        "QueueKick",
        c.queue_kick(1, "nope").await,
        Code("user:error"),
    );
    t.add(
        "QueueSaveRequireTLS",
        c.queue_save_require_tls(2, Some(true)).await,
        Json(json!(null)),
    );
    t.add("QueueDrop", c.queue_drop(3).await, Json(json!(null)));
    t.add("QueueDrop", c.queue_drop(3).await, Code("user:error"));
    t.add(
        "QueueList",
        c.queue_list().await,
        Check(|v| {
            v.as_array().is_some_and(|l| {
                l.len() == 2 && l[0]["Transport"] == "relay" && l[1]["RequireTLS"] == true
            })
        }),
    );

    // Logging, transports, updates, web server.
    t.add(
        "LogLevelSet",
        c.log_level_set("smtpserver", "debug").await,
        Json(json!(null)),
    );
    t.add(
        "LogLevelSet",
        c.log_level_set("smtpserver", "loud").await,
        Code("user:error"),
    );
    t.add(
        "LogLevels",
        c.log_levels().await,
        Check(|v| v["smtpserver"] == "debug"),
    );
    t.add(
        "LogLevelRemove",
        c.log_level_remove("smtpserver").await,
        Json(json!(null)),
    );
    t.same("Transports", json!([]), c.transports().await).await;
    t.add(
        "CheckUpdatesEnabled",
        c.check_updates_enabled().await,
        Json(json!(false)),
    );
    let web = c.webserver_config().await;
    t.same("WebserverConfig", json!([]), web.clone()).await;
    let web = web.unwrap_or_default();
    let mut changed = web.clone();
    changed.web_domain_redirects = vec![vec!["old.example.org".into(), "example.org".into()]];
    t.add(
        "WebserverConfigSave",
        c.webserver_config_save(&web, &changed).await,
        Check(|v| v["WebDNSDomainRedirects"][0][0]["ASCII"] == "old.example.org"),
    );
    t.add(
        "WebserverConfigSave",
        c.webserver_config_save(&web, &changed).await,
        Code("user:error"),
    );

    // Removing the domain last; then logging out ends the session: the server expires
    // the session cookie (Max-Age=0) and the client's jar drops it.
    t.add(
        "DomainRemove",
        c.domain_remove("example.org").await,
        Code("user:error"),
    );
    t.add(
        "DomainRemove",
        c.domain_remove("nope.example").await,
        Code("user:error"),
    );
    t.add("Logout", c.logout().await, Json(json!(null)));
    t.add("Domains", c.domains().await, Code("user:noAuth"));
    t.verify();
}

/// The `admin_client` example binary, built by `cargo test --workspace` with the other
/// examples; built here when only this package's tests are being run.
fn admin_client_example() -> std::path::PathBuf {
    let server = Path::new(env!("CARGO_BIN_EXE_server"));
    let path = server
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("admin_client{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "sherpa-admin", "--example", "admin_client"])
            .status()
            .unwrap();
        assert!(status.success(), "building the admin_client example");
    }
    path
}

/// `examples/admin_client.rs` against our server: logs in, prints the domains, the queue
/// size and the DMARC summaries of the last 30 days, and logs out.
#[tokio::test]
async fn admin_client_example_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let config_path = data.join("test-config.toml");
    std::fs::write(&config_path, TEST_CONFIG).unwrap();
    // One report from yesterday, so that it falls in the example's window: rows of 12
    // (none), 3 (reject, DKIM and SPF fail) and 5 (none, DKIM and SPF fail) messages.
    let yesterday = Timestamp::now().timestamp() - 86_400;
    let xml = std::fs::read_to_string(fixture("dmarc-google.xml"))
        .unwrap()
        .replace(
            "<begin>1704067200</begin>",
            &format!("<begin>{yesterday}</begin>"),
        )
        .replace(
            "<end>1704153599</end>",
            &format!("<end>{}</end>", yesterday + 3600),
        );
    let report = data.join("recent.xml");
    std::fs::write(&report, xml).unwrap();
    cli(
        data,
        &config_path,
        &["import", "dmarc", report.to_str().unwrap()],
    );
    cli(
        data,
        &config_path,
        &[
            "queue",
            "add",
            "--from",
            "mjl@example.org",
            "--to",
            "remote@example.net",
            &fixture("queue-plain.eml"),
        ],
    );
    let s = TestServer::start_in(data, TEST_CONFIG);
    let c = s.client().await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;
    c.ok("DomainAdd", json!(["xn--mnchen-3ya.example", "mjl", ""]))
        .await;

    let run = |password: &str| {
        Command::new(admin_client_example())
            .arg(s.url("/admin/api/"))
            .env("ADMIN_PASSWORD", password)
            .output()
            .unwrap()
    };
    let out = run(PASSWORD);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "domains: 2\n  example.org\n  münchen.example (xn--mnchen-3ya.example)\n\
         queue size: 1\n\
         DMARC reports, last 30 days: 1 domains\n  \
         example.org: 20 messages; none 17, quarantine 0, reject 3; DKIM failed 8, SPF failed 8\n"
    );

    let out = run("wrong");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with(": user:badLogin: invalid credentials\n"),
        "{stderr}"
    );
}
