//! Imports through the CLI (DMARC XML plain/gzip/zip, TLS reports plain/gzip, evaluations,
//! TLS results, MTA-STS policies), then the report, summary, by-ID, evaluation, result and
//! suppress-list functions over HTTP.

use std::path::Path;
use std::process::Command;

use crate::common::{TEST_CONFIG, TestServer, bin};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs the CLI on `data`; returns (success, stdout + stderr).
fn cli(data: &Path, args: &[&str]) -> (bool, String) {
    let cfg = data.join("test-config.toml");
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(&cfg, TEST_CONFIG).unwrap();
    let out = Command::new(bin())
        .args([
            "--data",
            data.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ])
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The parsed reports of a fixture, as the importer produces them.
fn parsed_dmarc(name: &str) -> Vec<Value> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    server::import::dmarc_reports(name, &bytes)
        .unwrap()
        .into_iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect()
}

#[tokio::test]
async fn dmarc_reports_import_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // A malformed file makes the whole import fail, with the file named, and stores nothing.
    let (ok, out) = cli(
        data,
        &[
            "import",
            "dmarc",
            &fixture("dmarc-google.xml"),
            &fixture("dmarc-malformed.xml"),
        ],
    );
    assert!(!ok);
    assert!(out.contains("dmarc-malformed.xml"), "{out}");
    let (ok, out) = cli(
        data,
        &[
            "import",
            "dmarc",
            &fixture("dmarc-google.xml"),
            &fixture("dmarc-google.xml.gz"),
            &fixture("dmarc-yahoo.xml"),
        ],
    );
    assert!(ok, "{out}");
    // The .gz is the same report again (same reporter and report ID): stored once.
    assert!(
        out.contains("imported 2 DMARC reports (IDs 1..=2), 1 already present"),
        "{out}"
    );
    assert!(
        out.contains("dmarc-google.xml.gz: DMARC report google.com/9391651994964116463 for example.org: already present (ID 1)"),
        "{out}"
    );
    // Google's next report: the same rows under another report ID.
    let second = dir.path().join("google-second.xml");
    let xml = std::fs::read_to_string(fixture("dmarc-google.xml")).unwrap();
    std::fs::write(
        &second,
        xml.replace("9391651994964116463", "9391651994964116464"),
    )
    .unwrap();
    let (ok, out) = cli(data, &["import", "dmarc", second.to_str().unwrap()]);
    assert!(
        ok && out.contains("imported 1 DMARC reports (ID 3)"),
        "{out}"
    );
    // The zip holds the Google and Yahoo reports again, and one more.
    let (ok, out) = cli(data, &["import", "dmarc", &fixture("dmarc-reports.zip")]);
    assert!(
        out.contains("imported 1 DMARC reports (ID 4), 2 already present"),
        "{out}"
    );
    assert!(ok, "{out}");
    let zip_count = parsed_dmarc("dmarc-reports.zip").len();
    assert!(zip_count >= 2);

    let s = TestServer::start_in(data, TEST_CONFIG);
    let c = s.client().await;
    // By ID: exactly the parsed report with its assigned ID.
    let mut google = parsed_dmarc("dmarc-google.xml").remove(0);
    google["ID"] = json!(1);
    assert_eq!(
        c.ok("DMARCReportID", json!(["example.org", 1])).await,
        google
    );
    let mut google2 = google.clone();
    google2["ID"] = json!(3);
    google2["ReportMetadata"]["ReportID"] = json!("9391651994964116464");
    assert_eq!(
        c.ok("DMARCReportID", json!(["example.org", 3])).await,
        google2
    );
    let absent = (
        "user:error".to_string(),
        "fetching dmarc aggregate report from database: absent".to_string(),
    );
    assert_eq!(
        c.err("DMARCReportID", json!(["example.com", 1])).await,
        absent,
        "domain must match"
    );
    assert_eq!(
        c.err("DMARCReportID", json!(["example.org", 999])).await,
        absent
    );
    assert_eq!(
        c.err("DMARCReportID", json!(["example.org", "1"])).await.0,
        "sherpa:badParams"
    );

    // Every stored report with its ID, in import order: each (reporter, report ID) once.
    let mut imported: Vec<Value> = Vec::new();
    for f in [
        "dmarc-google.xml",
        "dmarc-google.xml.gz",
        "dmarc-yahoo.xml",
        "second",
        "dmarc-reports.zip",
    ] {
        let parsed = if f == "second" {
            vec![google2.clone()]
        } else {
            parsed_dmarc(f)
        };
        for mut r in parsed {
            let identity = |r: &Value| r["ReportMetadata"]["ReportID"].clone();
            if imported.iter().any(|i| identity(i) == identity(&r)) {
                continue;
            }
            r["ID"] = json!(imported.len() + 1);
            imported.push(r);
        }
    }
    // Period 2024-01-01: the reports overlapping it; Yahoo's starts at the end instant and
    // is not included.
    let (s1, e1) = (1704067200i64, 1704153600i64);
    let mut want: Vec<Value> = imported
        .iter()
        .filter(|r| {
            let dr = &r["ReportMetadata"]["DateRange"];
            let (b, e) = (dr["Begin"].as_i64().unwrap(), dr["End"].as_i64().unwrap());
            (b >= s1 && b < e1) || (e > s1 && e <= e1) || (b < s1 && e > e1)
        })
        .cloned()
        .collect();
    want.sort_by(|a, b| {
        let end = |r: &Value| r["ReportMetadata"]["DateRange"]["End"].as_i64().unwrap();
        end(b)
            .cmp(&end(a))
            .then(a["Domain"].as_str().cmp(&b["Domain"].as_str()))
    });
    assert!(
        want.len() >= 2
            && want
                .iter()
                .all(|r| r["ReportMetadata"]["OrgName"] == google["ReportMetadata"]["OrgName"])
    );
    let day1 = json!(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", ""]);
    let reports = c.ok("DMARCReports", day1.clone()).await;
    assert_eq!(reports, json!(want));
    // A period inside the report's range includes it (reports overlapping the period).
    let inner = c
        .ok(
            "DMARCReports",
            json!([
                "2024-01-01T12:00:00Z",
                "2024-01-01T13:00:00.000Z",
                "example.org"
            ]),
        )
        .await;
    assert_eq!(inner, json!(want));
    // Domain filter is an exact match on the stored domain.
    assert_eq!(
        c.ok(
            "DMARCReports",
            json!([
                "2024-01-01T00:00:00Z",
                "2024-01-02T00:00:00Z",
                "example.com"
            ])
        )
        .await,
        json!([])
    );
    // Malformed dates are refused by the runtime.
    assert_eq!(
        c.err(
            "DMARCReports",
            json!(["2024-01-01", "2024-01-02T00:00:00Z", ""])
        )
        .await
        .0,
        "sherpa:badParams"
    );

    // Summaries over the Google reports (12 none/pass, 3 reject/fail, 5 none/fail with a
    // mailing_list override, each k times).
    let k = want.len() as i64;
    assert_eq!(
        c.ok("DMARCSummaries", day1).await,
        json!([{
            "Domain": "example.org", "Total": 20 * k, "DispositionNone": 17 * k, "DispositionQuarantine": 0,
            "DispositionReject": 3 * k, "DKIMFail": 8 * k, "SPFFail": 8 * k, "PolicyOverrides": {"mailing_list": 5 * k}
        }])
    );
    // All reports, newest end first, then by domain.
    let all = c
        .ok(
            "DMARCReports",
            json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        )
        .await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), imported.len());
    assert_eq!(imported.len(), 3 + zip_count - 2);
    for w in all.windows(2) {
        let (a, b) = (
            &w[0]["ReportMetadata"]["DateRange"]["End"],
            &w[1]["ReportMetadata"]["DateRange"]["End"],
        );
        assert!(a.as_i64() >= b.as_i64());
    }
    let sums = c
        .ok(
            "DMARCSummaries",
            json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]),
        )
        .await;
    let total: i64 = sums
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Total"].as_i64().unwrap())
        .sum();
    let expect: i64 = all
        .iter()
        .flat_map(|r| {
            r["Records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["Row"]["Count"].as_i64().unwrap())
        })
        .sum();
    assert_eq!(total, expect);
    let names: Vec<&str> = sums
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Domain"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[tokio::test]
async fn tls_reports_import_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (ok, out) = cli(
        data,
        &[
            "import",
            "tlsrpt",
            &fixture("tlsrpt-google.json"),
            &fixture("tlsrpt-malformed.json"),
        ],
    );
    assert!(!ok && out.contains("tlsrpt-malformed.json"), "{out}");
    let (ok, out) = cli(
        data,
        &[
            "import",
            "tlsrpt",
            &fixture("tlsrpt-google.json"),
            &fixture("tlsrpt-google.json.gz"),
            &fixture("tlsrpt-microsoft.json"),
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("already present (ID 1)"), "{out}");
    // Google's next day's report: another report ID.
    let second = dir.path().join("tlsrpt-second.json");
    let json_text = std::fs::read_to_string(fixture("tlsrpt-google.json")).unwrap();
    std::fs::write(
        &second,
        json_text.replace(
            "2024-01-01T00:00:00Z_example.com",
            "2024-01-01T00:00:00Z_example.com-2",
        ),
    )
    .unwrap();
    let (ok, out) = cli(data, &["import", "tlsrpt", second.to_str().unwrap()]);
    assert!(ok && out.contains("imported 1 TLS reports (ID 3)"), "{out}");
    let s = TestServer::start_in(data, TEST_CONFIG);
    let c = s.client().await;

    let bytes = std::fs::read(fixture("tlsrpt-google.json")).unwrap();
    let parsed = server::import::tls_reports("g", &bytes).unwrap();
    let host = server::dns::parse_domain("mail.example.org")
        .unwrap()
        .to_api();
    let mut want = serde_json::to_value(parsed[0].record(&host)).unwrap();
    want["ID"] = json!(1);
    let domain = want["Domain"].as_str().unwrap().to_string();
    assert_eq!(c.ok("TLSReportID", json!([domain, 1])).await, want);
    assert_eq!(
        c.err("TLSReportID", json!(["other.example", 1])).await,
        (
            "user:error".into(),
            "fetching tls report from database: absent".into()
        )
    );

    let period = json!(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", domain]);
    let reports = c.ok("TLSReports", period.clone()).await;
    let mut want2 = want.clone();
    want2["ID"] = json!(3);
    want2["Report"]["ReportID"] = json!("2024-01-01T00:00:00Z_example.com-2");
    assert_eq!(reports, json!([want, want2]));
    assert!(
        c.err(
            "TLSReports",
            json!(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "a_b"])
        )
        .await
        .1
        .starts_with("parsing domain \"a_b\": ")
    );

    // Summary: computed from the fixture's policies.
    let (mut succ, mut fail) = (0i64, 0i64);
    let mut kinds = serde_json::Map::new();
    for p in want["Report"]["Policies"].as_array().unwrap() {
        succ += p["Summary"]["TotalSuccessfulSessionCount"]
            .as_i64()
            .unwrap()
            * 2;
        fail += p["Summary"]["TotalFailureSessionCount"].as_i64().unwrap() * 2;
        for d in p["FailureDetails"].as_array().unwrap() {
            let k = d["ResultType"].as_str().unwrap().to_string();
            let n = kinds.get(&k).and_then(Value::as_i64).unwrap_or(0)
                + d["FailedSessionCount"].as_i64().unwrap() * 2;
            kinds.insert(k, json!(n));
        }
    }
    let sums = c.ok("TLSRPTSummaries", period).await;
    assert_eq!(
        sums,
        json!([{"PolicyDomain": {"ASCII": domain, "Unicode": ""}, "Success": succ, "Failure": fail, "ResultTypeCounts": kinds}])
    );
    assert!(
        c.err(
            "TLSRPTSummaries",
            json!(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "a_b"])
        )
        .await
        .1
        .starts_with("parsing policy domain: ")
    );
}

#[tokio::test]
async fn evaluations_results_policies_and_suppress_lists() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for (kind, f) in [
        ("evaluations", "evaluations.json"),
        ("tlsresults", "tlsresults.json"),
        ("mtasts", "mtasts.json"),
    ] {
        let (ok, out) = cli(data, &["import", kind, &fixture(f)]);
        assert!(ok, "{kind}: {out}");
    }
    // A duplicate TLS result triple is refused and stores nothing.
    let (ok, out) = cli(data, &["import", "tlsresults", &fixture("tlsresults.json")]);
    assert!(!ok && out.contains("not unique"), "{out}");
    let s = TestServer::start_in(data, TEST_CONFIG);
    let c = s.client().await;

    // Evaluations.
    let evals: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture("evaluations.json")).unwrap())
            .unwrap();
    let stats = c.ok("DMARCEvaluationStats", json!([])).await;
    let n_org = evals
        .iter()
        .filter(|e| e["PolicyDomain"] == "example.org")
        .count();
    assert_eq!(stats["example.org"]["Count"], json!(n_org));
    assert_eq!(
        stats["example.org"]["Domain"],
        json!({"ASCII": "example.org", "Unicode": ""})
    );
    let (d, list) = {
        let r = c.ok("DMARCEvaluationsDomain", json!(["example.org"])).await;
        (r[0].clone(), r[1].clone())
    };
    assert_eq!(d, json!({"ASCII": "example.org", "Unicode": ""}));
    assert_eq!(list.as_array().unwrap().len(), n_org);
    let times: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Evaluated"].as_str().unwrap().to_string())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::FixedOffset>> = times
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap())
        .collect();
    assert!(
        parsed.windows(2).all(|w| w[0] <= w[1]),
        "sorted by Evaluated"
    );
    assert_eq!(
        c.err("DMARCEvaluationsDomain", json!(["a_b"])).await.0,
        "user:error"
    );
    assert_eq!(
        c.err("DMARCEvaluationsDomain", json!([""])).await,
        ("user:error".into(), "parsing domain: empty domain".into())
    );
    c.ok("DMARCRemoveEvaluations", json!(["example.org"])).await;
    assert_eq!(
        c.ok("DMARCEvaluationsDomain", json!(["example.org"])).await[1],
        json!([])
    );
    assert!(
        c.ok("DMARCEvaluationStats", json!([]))
            .await
            .get("example.org")
            .is_none()
    );

    // TLS results.
    let results = c.ok("TLSRPTResults", json!([])).await;
    let file: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture("tlsresults.json")).unwrap())
            .unwrap();
    assert_eq!(results.as_array().unwrap().len(), file.len());
    let first = &results[0];
    let pd = first["PolicyDomain"].as_str().unwrap().to_string();
    let r = c.ok("TLSRPTResultsDomain", json!([false, pd])).await;
    assert!(
        r[1].as_array()
            .unwrap()
            .iter()
            .all(|x| x["PolicyDomain"] == json!(pd))
    );
    assert!(!r[1].as_array().unwrap().is_empty());
    c.ok("TLSRPTRemoveResults", json!([false, pd, ""])).await;
    assert_eq!(
        c.ok("TLSRPTResultsDomain", json!([false, pd])).await[1],
        json!([])
    );
    assert_eq!(
        c.err("TLSRPTResultsDomain", json!([true, "a_b"])).await.0,
        "user:error"
    );

    // MTA-STS policies: sorted by LastUse descending.
    let pol = c.ok("MTASTSPolicies", json!([])).await;
    let file: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture("mtasts.json")).unwrap()).unwrap();
    assert_eq!(pol.as_array().unwrap().len(), file.len());
    assert_eq!(
        pol[0]["Domain"],
        file.iter()
            .max_by_key(|p| p["LastUse"].as_str().unwrap().to_string())
            .unwrap()["Domain"]
    );

    // Suppress lists (DMARC and TLSRPT behave the same).
    for (add, list, remove, extend) in [
        (
            "DMARCSuppressAdd",
            "DMARCSuppressList",
            "DMARCSuppressRemove",
            "DMARCSuppressExtend",
        ),
        (
            "TLSRPTSuppressAdd",
            "TLSRPTSuppressList",
            "TLSRPTSuppressRemove",
            "TLSRPTSuppressExtend",
        ),
    ] {
        c.ok(
            add,
            json!(["Reports@Example.NET", "2030-01-01T00:00:00Z", "noisy"]),
        )
        .await;
        c.ok(
            add,
            json!(["other@example.net", "2031-01-01T00:00:00+01:00", ""]),
        )
        .await;
        assert_eq!(
            c.err(
                add,
                json!(["Reports@example.net", "2030-01-01T00:00:00Z", ""])
            )
            .await,
            (
                "user:error".into(),
                "adding address to suppresslist: not unique: field \"ReportingAddress\"".into()
            )
        );
        assert_eq!(
            c.err(add, json!(["x@example.net", "0001-01-01T00:00:00Z", ""]))
                .await,
            (
                "user:error".into(),
                "adding address to suppresslist: must be nonzero: field \"Until\"".into()
            )
        );
        assert!(
            c.err(add, json!(["bad", "2030-01-01T00:00:00Z", ""]))
                .await
                .1
                .starts_with("parsing reporting address: ")
        );
        let l = c.ok(list, json!([])).await;
        assert_eq!(l.as_array().unwrap().len(), 2);
        assert_eq!(l[0]["ID"], 2, "newest first");
        assert_eq!(l[0]["Until"], "2031-01-01T00:00:00+01:00");
        assert_eq!(l[1]["ReportingAddress"], "Reports@example.net");
        assert_eq!(l[1]["Comment"], "noisy");
        c.ok(extend, json!([1, "2032-02-02T00:00:00Z"])).await;
        assert_eq!(
            c.ok(list, json!([])).await[1]["Until"],
            "2032-02-02T00:00:00Z"
        );
        assert_eq!(
            c.err(extend, json!([99, "2032-02-02T00:00:00Z"])).await,
            (
                "user:error".into(),
                "updating reporting address in suppresslist: absent".into()
            )
        );
        c.ok(remove, json!([1])).await;
        assert_eq!(
            c.err(remove, json!([1])).await,
            (
                "user:error".into(),
                "removing reporting address from suppresslist: absent".into()
            )
        );
        assert_eq!(c.ok(list, json!([])).await.as_array().unwrap().len(), 1);
    }
}

/// A report email as reporters send them: a text part and the given attachments
/// (content type, file name, bytes), base64-encoded.
fn report_mail(from: &str, subject: &str, attachments: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    use base64::Engine as _;
    let mut m = format!(
        "Return-Path: <{from}>\r\nFrom: {from}\r\nTo: reports@example.org\r\nSubject: {subject}\r\n\
         Date: Tue, 2 Jan 2024 04:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"=_part\"\r\n\r\n\
         --=_part\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{subject}\r\n"
    );
    for (ctype, name, data) in attachments {
        let encoded = base64::engine::general_purpose::STANDARD.encode(data);
        m.push_str(&format!(
            "--=_part\r\nContent-Type: {ctype}; name=\"{name}\"\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        ));
        for line in encoded.as_bytes().chunks(76) {
            m.push_str(std::str::from_utf8(line).unwrap());
            m.push_str("\r\n");
        }
    }
    m.push_str("--=_part--\r\n");
    m.into_bytes()
}

fn gzipped(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// Reports in a Maildir and an mbox, imported into a running server through the CLI
/// (which finds the server's URL in the data directory and logs in), then again (every
/// report already present), then over HTTP directly.
#[tokio::test]
async fn report_emails_import_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let read = |name: &str| std::fs::read(fixture(name)).unwrap();

    // The Maildir: Google's zip, Microsoft's gzip, a TLS report, a message with several
    // reports, and a message without any.
    let maildir = dir.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let messages = [
        (
            "new/1.m",
            report_mail(
                "noreply-dmarc-support@google.com",
                "Report domain: example.org Submitter: google.com",
                &[(
                    "application/zip",
                    "google.com!example.org!1704067200!1704153599.zip",
                    read("dmarc-reports.zip"),
                )],
            ),
        ),
        (
            "new/2.m",
            report_mail(
                "dmarcreport@microsoft.com",
                "Report Domain: example.com Submitter: yahoo",
                &[(
                    "application/gzip",
                    "yahoo!example.com.xml.gz",
                    gzipped(&read("dmarc-yahoo.xml")),
                )],
            ),
        ),
        (
            "cur/3.m:2,S",
            report_mail(
                "smtp-tls-reporting@google.com",
                "Report Domain: example.com Submitter: google.com",
                &[(
                    "application/tlsrpt+gzip",
                    "google.com!example.com!1704067200!1704153599.json.gz",
                    gzipped(&read("tlsrpt-google.json")),
                )],
            ),
        ),
        (
            "cur/4.m:2,S",
            report_mail(
                "reports@example.net",
                "Several",
                &[
                    ("text/xml", "google.xml", read("dmarc-google.xml")),
                    (
                        "application/tlsrpt+json",
                        "ms.json",
                        read("tlsrpt-microsoft.json"),
                    ),
                ],
            ),
        ),
        (
            "cur/5.m:2,S",
            b"From: friend@example.net\r\nSubject: lunch?\r\n\r\nAt noon.\r\n".to_vec(),
        ),
    ];
    for (name, m) in &messages {
        std::fs::write(maildir.join(name), m).unwrap();
    }

    // The server runs on the data directory, so the CLI cannot open the store.
    let cfg = dir.path().join("server.toml");
    std::fs::write(&cfg, TEST_CONFIG).unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "import-password-1\n").unwrap();
    crate::common::bin_set_password(&data, "import-password-1");
    let server = crate::common::BinServer::start(&data, Some(&cfg));
    let url = format!("http://{}/admin/", server.addr);
    assert_eq!(
        std::fs::read_to_string(data.join("server-url")).unwrap(),
        format!("{url}\n")
    );
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "reports",
            maildir.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        cli(&data, &args)
    };
    let (ok, out) = import(&[]);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!(
            "the store is in use by the server at {url}: sending the files to it"
        )),
        "{out}"
    );
    let m = |name: &str| maildir.join(name).display().to_string();
    for line in [
        format!("{} (\"Report domain: example.org Submitter: google.com\"): 3 reports: 3 imported, 0 already present", m("new/1.m")),
        format!("{} (\"Report Domain: example.com Submitter: yahoo\"): DMARC report Yahoo/1704240000.123456 for example.com: already present (ID 2)", m("new/2.m")),
        format!("{} (\"Report Domain: example.com Submitter: google.com\"): TLS report Google Inc./2024-01-01T00:00:00Z_example.com for example.com: imported (ID 1)", m("cur/3.m:2,S")),
        format!("{} (\"Several\"): 2 reports: 1 imported, 1 already present", m("cur/4.m:2,S")),
        format!("{} (\"lunch?\"): skipped: no report in it (parts: text/plain)", m("cur/5.m:2,S")),
        "imported 3 DMARC reports, 2 already present; imported 2 TLS reports; 1 without reports skipped".to_string(),
    ] {
        assert!(out.contains(&line), "missing {line:?} in:\n{out}");
    }

    // Again: nothing new.
    let (ok, out) = import(&["--quiet"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("imported 0 DMARC reports, 5 already present; imported 0 TLS reports, 2 already present; 1 without reports skipped"),
        "{out}"
    );

    // An mbox with a broken report stores nothing, and says which message.
    let mut mbox = b"From reports@example.net Tue Jan  2 04:00:00 2024\n".to_vec();
    mbox.extend(report_mail(
        "reports@example.net",
        "fine",
        &[("text/xml", "ok.xml", read("dmarc-google.xml"))],
    ));
    mbox.extend(b"\nFrom reports@example.net Tue Jan  2 05:00:00 2024\n");
    mbox.extend(report_mail(
        "reports@example.net",
        "broken",
        &[(
            "application/gzip",
            "bad.xml.gz",
            gzipped(b"<feedback><report_metadata/></feedback>"),
        )],
    ));
    let mbox_path = dir.path().join("reports.mbox");
    std::fs::write(&mbox_path, &mbox).unwrap();
    let (ok, out) = cli(
        &data,
        &[
            "import",
            "dmarc",
            mbox_path.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "{}: message 2: attachment \"bad.xml.gz\": ",
            mbox_path.display()
        )),
        "{out}"
    );
    assert!(
        out.contains("nothing imported: 1 of 2 inputs failed"),
        "{out}"
    );

    // Over HTTP: the API's authentication, one file per request, JSON back.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{url}import?name=a.xml"))
        .body(read("dmarc-google.xml"))
        .send()
        .await
        .unwrap();
    // As the API answers: no CSRF header, no session.
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "user:noAuth", "{v}");
    let mut c = crate::common::Client::new(server.addr);
    c.login("import-password-1").await;
    let r = http
        .post(format!("{url}import?name=a.json.gz&kind=tlsrpt"))
        .header(
            "cookie",
            format!("webadminsession=\"{} \"", c.session.as_deref().unwrap()),
        )
        .header("x-mox-csrf", c.csrf.as_deref().unwrap())
        .body(gzipped(&read("tlsrpt-google.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["units"][0]["status"], "present");
    assert_eq!(v["units"][0]["presentIds"], json!([1]));
    assert_eq!(v["tlsPresent"], 1);
    let r = http
        .post(format!("{url}import?kind=xml"))
        .header(
            "cookie",
            format!("webadminsession=\"{} \"", c.session.as_deref().unwrap()),
        )
        .header("x-mox-csrf", c.csrf.as_deref().unwrap())
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let period = json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]);
    assert_eq!(
        c.ok("DMARCReports", period.clone())
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        c.ok("TLSReports", period).await.as_array().unwrap().len(),
        2
    );

    // A report email dropped into DATA/incoming/ is taken by the running server and
    // moved to done/; a file that is no report goes to failed/ with the reason.
    let incoming = data.join("incoming");
    std::fs::create_dir(&incoming).unwrap();
    let tls2 = read("tlsrpt-google.json");
    let tls2 = String::from_utf8(tls2)
        .unwrap()
        .replace("2024-01-01T00:00:00Z_example.com", "spooled-report-1");
    let mail = report_mail(
        "smtp-tls-reporting@google.com",
        "Report Domain: example.com Submitter: google.com",
        &[(
            "application/tlsrpt+gzip",
            "spooled.json.gz",
            gzipped(tls2.as_bytes()),
        )],
    );
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for (name, bytes) in [
        ("r1.eml", mail),
        ("junk.bin", b"\x00\x01 no report".to_vec()),
    ] {
        let path = incoming.join(name);
        std::fs::write(&path, bytes).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(incoming.join("done/r1.eml").exists() && incoming.join("failed/junk.bin").exists()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the spool was not taken"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let reason = std::fs::read_to_string(incoming.join("failed/junk.bin.reason")).unwrap();
    assert!(
        reason.starts_with("junk.bin: error: not a report"),
        "{reason}"
    );
    let period = json!(["2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", ""]);
    assert_eq!(
        c.ok("TLSReports", period).await.as_array().unwrap().len(),
        3
    );

    // `server repair` checks everything, whatever the last close was.
    assert!(server.terminate().success());
    let (ok, out) = cli(&data, &["repair"]);
    assert!(ok && out.contains("nothing to repair"), "{out}");

    // A stopped server takes its URL file with it; the import then opens the store.
    assert!(!data.join("server-url").exists());
    let (ok, out) = import(&["--quiet"]);
    assert!(ok && !out.contains("sending the files"), "{out}");
    assert!(out.contains("5 already present"), "{out}");
}
