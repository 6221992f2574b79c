//! DomainRecords (against a golden file), LookupIP, DNSBLStatus, LookupTLSRPTRecord and the
//! CheckDomain deadline, all against loopback servers.

use std::time::{Duration, Instant};

use crate::common::TestServer;
use crate::dns_support::*;
use hickory_server::proto::rr::RecordType;

const ACME: &str = "[Checks.ACME]\nIssuerDomainName = \"letsencrypt.org\"\nAccountURI = \"https://acme.example/acct/1\"\n";

/// Compares DomainRecords output with the golden file line by line; `UPDATE_GOLDEN=1`
/// rewrites it.
#[tokio::test]
async fn domain_records_golden() {
    let f = Fixture::with(
        "good.test",
        Options {
            extra_config: ACME.to_string(),
            ..Options::default()
        },
    )
    .await;
    let got = f.app.domain_records("good.test".into()).await.unwrap();
    let path = fixture_path("domainrecords-good.test.txt");
    let text = got.join("\n") + "\n";
    if std::env::var("UPDATE_GOLDEN").is_ok() {
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    let want_lines: Vec<&str> = want.lines().collect();
    let got_lines: Vec<&str> = text.lines().collect();
    for (i, (g, w)) in got_lines.iter().zip(want_lines.iter()).enumerate() {
        assert_eq!(g, w, "line {}", i + 1);
    }
    assert_eq!(got_lines.len(), want_lines.len());

    // Unsigned zone: the TLSA lines are commented out, with the warning.
    f.zones().signed.clear();
    let unsigned = f.app.domain_records("good.test".into()).await.unwrap();
    assert!(unsigned.iter().any(
        |l| l == "; WARNING: Domain does not appear to be DNSSEC-signed. To enable DANE, first"
    ));
    assert_eq!(
        unsigned
            .iter()
            .filter(|l| l.starts_with(";; _25._tcp.mx.mox.test."))
            .count(),
        2
    );
    assert!(!unsigned.iter().any(|l| l.starts_with("_25._tcp.")));

    let e = f.app.domain_records("other.test".into()).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("user:error", "lookup domain: unknown domain")
    );
}

#[tokio::test]
async fn lookup_ip() {
    let f = Fixture::new("ip.test").await;
    let r = f.app.lookup_ip("127.0.0.1".into()).await.unwrap();
    assert_eq!(r.hostnames, vec!["mx.mox.test."]);
    let e = f.app.lookup_ip("nonsense".into()).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "user:error",
            "looking up ip: lookup nonsense: unrecognized address"
        )
    );
    let e = f.app.lookup_ip("192.0.2.99".into()).await.unwrap_err();
    assert_eq!(e.message, "looking up ip: lookup 192.0.2.99: no such host");
}

#[tokio::test]
async fn dnsbl_status() {
    let f = Fixture::with(
        "bl.test",
        Options {
            dnsbls: "\"bl.test\", \"loop.test\"",
            extra_config:
                "[Listeners.out]\nIPs = [\"192.0.2.10\", \"2001:db8::1\", \"10.1.2.3\"]\n"
                    .to_string(),
            ..Options::default()
        },
    )
    .await;
    {
        let mut z = f.zones();
        z.a("10.2.0.192.bl.test", "127.0.0.2");
        z.txt("10.2.0.192.bl.test", "listed for testing");
        z.cname("10.2.0.192.loop.test", "10.2.0.192.loop.test");
    }
    let r = f.app.dnsbl_status().await.unwrap();
    let v6 = "2001:db8::1";
    assert_eq!(
        r.keys().collect::<Vec<_>>(),
        vec!["192.0.2.10", v6],
        "loopback and private IPs are left out"
    );
    assert_eq!(r["192.0.2.10"]["bl.test"], "fail: listed for testing");
    assert_eq!(
        r["192.0.2.10"]["loop.test"],
        "temperror: dnsbl: dns error: lookup 10.2.0.192.loop.test.: server misbehaving"
    );
    assert_eq!(r[v6]["bl.test"], "pass");
}

#[tokio::test]
async fn lookup_tlsrpt_record() {
    let f = Fixture::new("rpt.test").await;
    let (rec, txt, err) = f.app.lookup_tlsrpt_record("rpt.test".into()).await.unwrap();
    assert_eq!(txt, "v=TLSRPTv1; rua=mailto:tls-reports@rpt.test");
    assert_eq!(err, "");
    let rec = rec.unwrap();
    assert_eq!(rec.version, "TLSRPTv1");
    assert_eq!(rec.ruas[0][0].0, "mailto:tls-reports@rpt.test");

    f.zones()
        .set_txt("_smtp._tls.rpt.test", "v=TLSRPTv1; ext=1");
    let (rec, txt, err) = f.app.lookup_tlsrpt_record("rpt.test".into()).await.unwrap();
    assert_eq!(
        (rec, txt.as_str(), err.as_str()),
        (
            None,
            "",
            "parsing record: tlsrpt: record syntax error: missing rua"
        )
    );

    f.zones()
        .txt("_smtp._tls.rpt.test", "v=TLSRPTv1; rua=mailto:b@rpt.test");
    let (_, _, err) = f.app.lookup_tlsrpt_record("rpt.test".into()).await.unwrap();
    assert_eq!(err, "tlsrpt: multiple tlsrpt records");

    f.zones().remove("_smtp._tls.rpt.test", RecordType::TXT);
    let (_, _, err) = f.app.lookup_tlsrpt_record("rpt.test".into()).await.unwrap();
    assert_eq!(err, "tlsrpt: no tlsrpt dns txt record");

    let e = f
        .app
        .lookup_tlsrpt_record("bad_name.test".into())
        .await
        .unwrap_err();
    assert_eq!(e.code, "server:error");
}

/// An upstream that never answers: every lookup fails with a timeout well within the
/// deadline, and the messages say so.
#[tokio::test]
async fn silent_upstream_gives_timeouts() {
    let hole = blackhole().await;
    let f = Fixture::with(
        "slow.test",
        Options {
            upstream: Some(hole),
            dns_timeout: "300ms",
            deadline: "5s",
            ..Options::default()
        },
    )
    .await;
    let start = Instant::now();
    let r = f.check().await;
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(
        r.mx.errors,
        vec!["Looking up MX records for slow.test: lookup slow.test.: i/o timeout"]
    );
    assert_eq!(
        r.spf.errors,
        vec![
            "Looking up domain SPF record: spf: lookup of dns record: lookup slow.test.: i/o timeout",
            "Looking up host SPF record: spf: lookup of dns record: lookup mx.mox.test.: i/o timeout",
        ]
    );
    assert_eq!(
        r.domain_tlsrpt.errors,
        vec![
            "Looking up TLSRPT record: tlsrpt: temporary error: lookup _smtp._tls.slow.test.: i/o timeout"
        ]
    );
    assert_eq!(
        r.dmarc.errors[0],
        "Looking up DMARC record: dmarc: dns lookup: lookup _dmarc.slow.test.: i/o timeout"
    );
    assert_eq!(
        r.dnssec.errors,
        vec![
            "Looking up NS for DNS root (.) to check support in resolver for DNSSEC-verification: lookup .: i/o timeout"
        ]
    );
}

/// Lookups slower than the overall deadline: CheckDomain returns at the deadline and every
/// sub-check says it did not complete.
#[tokio::test]
async fn deadline_cuts_off_slow_checks() {
    let hole = blackhole().await;
    let f = Fixture::with(
        "cut.test",
        Options {
            upstream: Some(hole),
            dns_timeout: "30s",
            deadline: "1s",
            ..Options::default()
        },
    )
    .await;
    let start = Instant::now();
    let r = f.check().await;
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "took {took:?}"
    );
    let msg = "Check did not complete within the deadline of 1s, results are incomplete (temporary error, try again later).";
    for (name, errors) in [
        ("DNSSEC", &r.dnssec.errors),
        ("IPRev", &r.ip_rev.errors),
        ("MX", &r.mx.errors),
        ("TLS", &r.tls.errors),
        ("DANE", &r.dane.errors),
        ("SPF", &r.spf.errors),
        ("DKIM", &r.dkim.errors),
        ("DMARC", &r.dmarc.errors),
        ("HostTLSRPT", &r.host_tlsrpt.errors),
        ("DomainTLSRPT", &r.domain_tlsrpt.errors),
        ("MTASTS", &r.mtasts.errors),
        ("SRVConf", &r.srv_conf.errors),
        ("Autoconf", &r.autoconf.errors),
        ("Autodiscover", &r.autodiscover.errors),
    ] {
        assert_eq!(errors, &vec![msg.to_string()], "{name}");
    }
}

/// The DNS-backed functions through the whole HTTP stack (login, CSRF, sherpa encoding)
/// give what the App methods give, and their errors keep their codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_functions_over_http() {
    let f = Fixture::with(
        "http.test",
        Options {
            extra_config: ACME.to_string(),
            ..Options::default()
        },
    )
    .await;
    let s = TestServer::serve(f.app.clone(), &f.dir.path().join("data"));
    let c = s.client().await;

    let v = c.ok("CheckDomain", serde_json::json!(["http.test"])).await;
    let r: sherpa_admin::api::CheckResult = serde_json::from_value(v).unwrap();
    assert_eq!(r.domain, "http.test");
    assert!(problems(&r).is_empty(), "{:?}", problems(&r));
    let (code, msg) = c
        .err("CheckDomain", serde_json::json!(["other.test"]))
        .await;
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("user:notFound", "domain not found")
    );

    let direct = f.app.domain_records("http.test".into()).await.unwrap();
    let r = c
        .ok("DomainRecords", serde_json::json!(["http.test"]))
        .await;
    assert_eq!(r, serde_json::to_value(&direct).unwrap());

    let r = c.ok("LookupIP", serde_json::json!(["127.0.0.1"])).await;
    assert_eq!(r["Hostnames"], serde_json::json!(["mx.mox.test."]));
    let (code, msg) = c.err("LookupIP", serde_json::json!(["192.0.2.99"])).await;
    assert_eq!(
        (code.as_str(), msg.as_str()),
        (
            "user:error",
            "looking up ip: lookup 192.0.2.99: no such host"
        )
    );

    let r = c
        .ok("LookupTLSRPTRecord", serde_json::json!(["http.test"]))
        .await;
    assert_eq!(r[1], "v=TLSRPTv1; rua=mailto:tls-reports@http.test");
    assert_eq!(r[2], "");
    assert_eq!(r[0]["Version"], "TLSRPTv1");

    let r = c.ok("DNSBLStatus", serde_json::json!([])).await;
    assert!(r.is_object(), "{r}");
}
