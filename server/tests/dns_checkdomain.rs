//! CheckDomain against an authoritative DNS server, STARTTLS SMTP and HTTPS servers on
//! loopback: a fully correct domain, then domains that each break one thing, with the exact
//! errors and warnings (and the instructions that matter) for each.

use crate::dns_support::*;

#[tokio::test]
async fn correct_domain_has_no_problems() {
    let f = Fixture::new("good.test").await;
    let r = f.check().await;
    assert_eq!(problems(&r), Vec::<String>::new(), "{r:#?}");
    assert_eq!(r.domain, "good.test");
}

use hickory_server::proto::rr::RecordType;

/// Runs the check and compares all errors and warnings with `want`.
async fn expect(f: &Fixture, want: &[&str]) -> sherpa_admin::api::CheckResult {
    let r = f.check().await;
    let got = problems(&r);
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want, "full result: {r:#?}");
    r
}

#[tokio::test]
async fn no_mx() {
    let f = Fixture::new("nomx.test").await;
    f.zones().remove("nomx.test", RecordType::MX);
    expect(&f, &[
        "DNSSEC warning: DNS records for this domain (zone) are not DNSSEC-signed. Mail servers sending email to your domain, or receiving email from your domain, cannot verify that the MX/SPF/DKIM/DMARC/MTA-STS records they see are authentic.",
        "MX error: Looking up MX records for nomx.test: lookup nomx.test.: no such host",
        "DANE error: Looking up MX hosts to check for DANE records: lookup nomx.test.: no such host",
        "MTASTS warning: MX \"mx.mox.test\" in MTA-STS policy is not in MX record.",
    ]).await;
}

#[tokio::test]
async fn mx_without_address() {
    let f = Fixture::new("mxnoaddr.test").await;
    {
        let mut z = f.zones();
        z.remove("mxnoaddr.test", RecordType::MX);
        z.mx("mxnoaddr.test", 10, "mail.mxnoaddr.test.");
        z.remove("mail.mxnoaddr.test", RecordType::CNAME);
    }
    let r = expect(&f, &[
        "MX error: Looking up IPs for mx host \"mail.mxnoaddr.test.\": lookup mail.mxnoaddr.test.: no such host",
        "MTASTS warning: MX record \"mail.mxnoaddr.test\" does not match MTA-STS policy MX list.",
        "MTASTS warning: MX \"mx.mox.test\" in MTA-STS policy is not in MX record.",
        "Autoconf error: Looking up client settings DNS CNAME: lookup mail.mxnoaddr.test.: no such host",
    ]).await;
    assert_eq!(r.mx.records.len(), 1);
    assert_eq!(r.mx.records[0].host, "mail.mxnoaddr.test.");
    assert!(r.mx.records[0].ips.is_empty());
}

/// An MX whose only address is another loopback address than the listener's is not
/// ours: the range of an address does not make it ours.
#[tokio::test]
async fn mx_on_another_loopback_address_is_not_ours() {
    let f = Fixture::new("mxloop.test").await;
    {
        let mut z = f.zones();
        z.remove("mxloop.test", RecordType::MX);
        z.mx("mxloop.test", 10, "other.mxloop.test.");
        z.a("other.mxloop.test", "127.0.0.9");
    }
    let r = f.check().await;
    assert_eq!(
        r.mx.errors,
        ["None of the IPs that mx \"other.mxloop.test.\" points to is ours: [127.0.0.9]"],
        "{r:#?}"
    );
}

#[tokio::test]
async fn spf_without_the_host() {
    let f = Fixture::new("spfnohost.test").await;
    f.zones()
        .set_txt("spfnohost.test", "v=spf1 ip4:192.0.2.1 -all");
    let r = expect(&f, &[
        "SPF error: IP \"127.0.0.1\" does not pass domain SPF evaluation, status not \"pass\" but \"fail\" (explanation \"\")",
    ]).await;
    assert_eq!(r.spf.domain_txt, "v=spf1 ip4:192.0.2.1 -all");
    let rec = r.spf.domain_record.unwrap();
    assert_eq!(rec.directives[0].i_pstr, "192.0.2.1/32");
    assert_eq!(rec.directives[1].qualifier, "-");
    assert_eq!(r.spf.instructions, vec![
        "Ensure DNS TXT records like the following exists:\n\n\tspfnohost.test. TXT \"v=spf1 ip4:127.0.0.1 -all\"\n\tmx.mox.test. TXT \"v=spf1 a -all\"\n\nIf you have an existing mail setup, with other hosts also sending mail for you domain, you should add those IPs as well. You could replace \"-all\" with \"~all\" to treat mail sent from unlisted IPs as \"softfail\", or with \"?all\" for \"neutral\".".to_string()
    ]);
}

#[tokio::test]
async fn spf_permerror() {
    let f = Fixture::new("spfperm.test").await;
    // The include target has no SPF record: a permanent error during evaluation.
    f.zones()
        .set_txt("spfperm.test", "v=spf1 include:nospf.spfperm.test -all");
    expect(&f, &[
        "SPF error: IP \"127.0.0.1\" does not pass domain SPF evaluation, status not \"pass\" but \"permerror\" (explanation \"\")",
    ]).await;
}

#[tokio::test]
async fn spf_syntax_error() {
    let f = Fixture::new("spfsyntax.test").await;
    f.zones()
        .set_txt("spfsyntax.test", "v=spf1 ip4:127.0.0.1 bogus:x -all");
    let r = expect(&f, &[
        "SPF error: Looking up domain SPF record: spf: malformed spf txt record: expected \"=\" (leftover \":x -all\")",
    ]).await;
    assert!(r.spf.domain_record.is_none());
}

/// The messages mox gives for a missing and a mistyped SPF record, and `IPstr` as mox
/// writes it (with the prefix length).
#[tokio::test]
async fn spf_missing_mistyped_and_ip_text() {
    let f = Fixture::new("spfnone.test").await;
    f.zones().remove("spfnone.test", RecordType::TXT);
    let r = f.check().await;
    assert_eq!(
        r.spf.errors,
        ["Looking up domain SPF record: spf: no txt record for spfnone.test."],
        "{r:#?}"
    );
    assert!(r.spf.domain_record.is_none());

    let f = Fixture::new("spftypo.test").await;
    f.zones()
        .set_txt("spftypo.test", "v=spf1 ip4:127.0.0.1 ~al");
    let r = f.check().await;
    assert_eq!(
        r.spf.errors,
        [
            "Looking up domain SPF record: spf: malformed spf txt record: expected \" \" (leftover \"l\")"
        ],
        "{r:#?}"
    );

    let f = Fixture::new("spfip.test").await;
    f.zones().set_txt(
        "spfip.test",
        "v=spf1 ip4:127.0.0.1 ip4:127.0.0.9 ip6:::1 -all",
    );
    let r = f.check().await;
    assert_eq!(r.spf.errors, Vec::<String>::new(), "{r:#?}");
    let ips: Vec<_> = r
        .spf
        .domain_record
        .unwrap()
        .directives
        .iter()
        .map(|d| d.i_pstr.clone())
        .collect();
    assert_eq!(ips, ["127.0.0.1/32", "127.0.0.9/32", "::1/128", ""]);
}

#[tokio::test]
async fn dkim_key_mismatch() {
    let f = Fixture::new("dkimbad.test").await;
    let other = server::checks::dkim_key_from_pem(
        &std::fs::read_to_string(fixture_path("dkim-other-ed25519.pem")).unwrap(),
    )
    .unwrap();
    f.zones().set_txt(
        "sel1._domainkey.dkimbad.test",
        &server::checks::records::dkim::record_text(true, &other.public),
    );
    let r = expect(&f, &[
        "DKIM error: For selector \"sel1\", the public key in DKIM DNS TXT record does not match with configured private key.",
    ]).await;
    let mine = server::checks::dkim_key_from_pem(
        &std::fs::read_to_string(fixture_path("dkim-ed25519.pem")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        r.dkim.instructions,
        vec![format!(
            "Ensure the following DNS record(s) exists, so mail servers receiving emails from this domain can verify the signatures in the mail headers:\n\n\tsel1._domainkey TXT \"{}\"\n",
            server::checks::records::dkim::record_text(true, &mine.public)
        )]
    );
    assert_eq!(r.dkim.records.len(), 2);
    assert_eq!(r.dkim.records[0].record.as_ref().unwrap().key, "ed25519");
    assert_eq!(r.dkim.records[1].record.as_ref().unwrap().key, "rsa");
}

#[tokio::test]
async fn dmarc_policy_none() {
    let f = Fixture::new("dmarcnone.test").await;
    f.zones().set_txt(
        "_dmarc.dmarcnone.test",
        "v=DMARC1; p=none; rua=mailto:dmarc-reports@dmarcnone.test!10m",
    );
    let r = expect(&f, &[
        "DMARC warning: DMARC policy is in test mode (p=none), do not forget to change to p=reject or p=quarantine after test period has been completed.",
    ]).await;
    assert_eq!(r.dmarc.domain, "dmarcnone.test");
    assert!(r.dmarc.instructions[0].contains(
        "\t_dmarc TXT \"v=DMARC1;p=reject;rua=mailto:dmarc-reports@dmarcnone.test!10m\"\n"
    ));
}

#[tokio::test]
async fn missing_tlsrpt() {
    let f = Fixture::new("notlsrpt.test").await;
    f.zones()
        .remove("_smtp._tls.notlsrpt.test", RecordType::TXT);
    let r = expect(
        &f,
        &["DomainTLSRPT error: Looking up TLSRPT record: tlsrpt: no tlsrpt dns txt record"],
    )
    .await;
    assert!(
        r.domain_tlsrpt.instructions[0].ends_with(
            "\n\n\t_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tls-reports@notlsrpt.test\"\n"
        )
    );
    assert!(r.host_tlsrpt.instructions[0].ends_with(
        "\n\n\t_smtp._tls.mx.mox.test. TXT \"v=TLSRPTv1; rua=mailto:tls-reports@mx.mox.test\"\n"
    ));
}

#[tokio::test]
async fn mtasts_id_mismatch() {
    let f = Fixture::new("stsid.test").await;
    f.zones()
        .set_txt("_mta-sts.stsid.test", "v=STSv1; id=20200101T000000");
    let r = expect(&f, &[
        "MTASTS warning: MTA-STS record ID \"20200101T000000\" does not match the configured policy ID \"20240101T000000\": remote servers do not fetch the current policy until the record is updated.",
    ]).await;
    assert_eq!(r.mtasts.record.unwrap().id, "20200101T000000");
    assert!(r.mtasts.instructions[3].starts_with("Ensure a DNS TXT record like the following exists:\n\n\t_mta-sts TXT \"v=STSv1; id=20240101T000000\"\n\n"));
}

/// A DKIM record whose key is not base64 gets mox's parser message.
#[tokio::test]
async fn dkim_record_syntax() {
    let f = Fixture::new("dkimsyntax.test").await;
    f.zones()
        .set_txt("sel1._domainkey.dkimsyntax.test", "v=DKIM1; p=!!notbase64");
    let r = f.check().await;
    assert!(
        r.dkim.errors.iter().any(|e| e
            == "Parsing DKIM DNS record for selector \"sel1\": dkim: syntax error in dkim dns record: expected \";\" (leftover \"!!notbase64\")"),
        "{:#?}",
        r.dkim
    );
}

/// A DMARC record with an unknown policy gets mox's parser message.
#[tokio::test]
async fn dmarc_bad_policy() {
    let f = Fixture::new("dmarcbad.test").await;
    f.zones().set_txt(
        "_dmarc.dmarcbad.test",
        "v=DMARC1; p=bogus; rua=mailto:dmarc-reports@dmarcbad.test",
    );
    let r = f.check().await;
    assert_eq!(
        r.dmarc.errors,
        [
            "Looking up DMARC record: dmarc: malformed dmarc dns record: expected on one [none quarantine reject] (remain \"bogus; rua=mailto:dmarc-reports@dmarcbad.test\")"
        ],
        "{:#?}",
        r.dmarc
    );
}

/// A TLSRPT record whose rua= is not a URI gets mox's parser message.
#[tokio::test]
async fn tlsrpt_rua_without_scheme() {
    let f = Fixture::new("tlsrptbad.test").await;
    f.zones()
        .set_txt("_smtp._tls.tlsrptbad.test", "v=TLSRPTv1; rua=bogus");
    let r = f.check().await;
    assert_eq!(
        r.domain_tlsrpt.errors,
        [
            "Looking up TLSRPT record: parsing record: tlsrpt: record syntax error: missing scheme in uri"
        ],
        "{:#?}",
        r.domain_tlsrpt
    );
}

/// An MTA-STS record without an id gets mox's parser message.
#[tokio::test]
async fn mtasts_record_without_id() {
    let f = Fixture::new("stsnoid.test").await;
    f.zones().set_txt("_mta-sts.stsnoid.test", "v=STSv1;");
    let r = f.check().await;
    assert!(
        r.mtasts
            .errors
            .iter()
            .any(|e| e.ends_with("mtasts: record syntax error: expected at least 1 char")),
        "{:#?}",
        r.mtasts
    );
    assert!(r.mtasts.record.is_none());
}

#[tokio::test]
async fn srv_records_missing() {
    let f = Fixture::new("nosrv.test").await;
    {
        let mut z = f.zones();
        for s in [
            "_submissions",
            "_submission",
            "_imaps",
            "_imap",
            "_pop3",
            "_pop3s",
            "_autodiscover",
        ] {
            z.remove(&format!("{s}._tcp.nosrv.test"), RecordType::SRV);
        }
    }
    let r = expect(&f, &[
        "SRVConf error: Missing SRV record \"_submissions._tcp.nosrv.test\"",
        "SRVConf error: Missing SRV record \"_submission._tcp.nosrv.test\"",
        "SRVConf error: Missing SRV record \"_imaps._tcp.nosrv.test\"",
        "SRVConf error: Missing SRV record \"_imap._tcp.nosrv.test\"",
        "SRVConf error: Missing SRV record \"_pop3._tcp.nosrv.test\"",
        "SRVConf error: Missing SRV record \"_pop3s._tcp.nosrv.test\"",
        "Autodiscover error: Looking up SRV record \"autodiscover\": lookup _autodiscover._tcp.nosrv.test.: no such host",
    ]).await;
    assert_eq!(r.srv_conf.instructions, vec![
        "Ensure DNS records like the following exist:\n\n\t_submissions._tcp.nosrv.test. SRV 0 1 465 mx.mox.test.\n\t_submission._tcp.nosrv.test.  SRV 0 1 587 .\n\t_imaps._tcp.nosrv.test.       SRV 0 1 993 mx.mox.test.\n\t_imap._tcp.nosrv.test.        SRV 0 1 143 .\n\t_pop3._tcp.nosrv.test.        SRV 0 1 110 .\n\t_pop3s._tcp.nosrv.test.       SRV 0 1 995 .\n".to_string()
    ]);
}

#[tokio::test]
async fn ptr_not_matching() {
    let f = Fixture::new("ptr.test").await;
    {
        let mut z = f.zones();
        z.remove("1.0.0.127.in-addr.arpa", RecordType::PTR);
        z.ptr("1.0.0.127.in-addr.arpa", "other.example.test.");
    }
    let r = expect(&f, &[
        "IPRev error: Reverse name(s) other.example.test for ip 127.0.0.1 do not match hostname mx.mox.test, which will cause other mail servers to reject incoming messages from this IP.",
    ]).await;
    assert_eq!(r.ip_rev.ip_names["127.0.0.1"], vec!["other.example.test"]);
}

#[tokio::test]
async fn untrusted_smtp_certificate() {
    let f = Fixture::with(
        "smtpcert.test",
        Options {
            smtp_untrusted: true,
            ..Options::default()
        },
    )
    .await;
    expect(&f, &[
        "TLS error: SMTP connection with STARTTLS to MX hostname \"mx.mox.test.\" IP 127.0.0.1: TLS handshake after SMTP STARTTLS: tls: invalid peer certificate: UnknownIssuer",
    ]).await;
}

#[tokio::test]
async fn starttls_refused() {
    let f = Fixture::with(
        "nostarttls.test",
        Options {
            smtp_mode: SmtpMode::RefuseStarttls,
            ..Options::default()
        },
    )
    .await;
    expect(&f, &[
        "TLS error: SMTP connection with STARTTLS to MX hostname \"mx.mox.test.\" IP 127.0.0.1: SMTP STARTTLS response from remote not 220 OK: \"454 4.7.0 TLS not available\"",
    ]).await;
}

#[tokio::test]
async fn untrusted_https_certificate() {
    let f = Fixture::with(
        "httpscert.test",
        Options {
            https_untrusted: true,
            ..Options::default()
        },
    )
    .await;
    expect(&f, &[
        "MTASTS error: Fetching MTA-STS policy: mtasts: cannot fetch policy: http get: Get \"https://mta-sts.httpscert.test/.well-known/mta-sts.txt\": tls: invalid peer certificate: UnknownIssuer",
        "Autoconf error: TLS connection to hostname \"autoconfig.httpscert.test\", IP \"127.0.0.1\": tls: invalid peer certificate: UnknownIssuer",
        "Autodiscover error: TLS connection to hostname \"mx.mox.test\", IP \"127.0.0.1\": tls: invalid peer certificate: UnknownIssuer",
    ]).await;
}

#[tokio::test]
async fn mtasts_policy_missing_and_testing() {
    let f = Fixture::new("stspolicy.test").await;
    f.policies.write().unwrap().clear();
    expect(
        &f,
        &["MTASTS error: Fetching MTA-STS policy: mtasts: no policy served"],
    )
    .await;
    f.policies.write().unwrap().insert(
        "mta-sts.stspolicy.test".into(),
        "version: STSv1\nmode: testing\nmx: other.test\nmax_age: 3600\n".into(),
    );
    let r = expect(&f, &[
        "MTASTS warning: MTA-STS policy is in testing mode, do not forget to change to mode enforce after testing period.",
        "MTASTS warning: Configured hostname is missing from policy MX list.",
        "MTASTS warning: Policy has a MaxAge of less than 1 day. For stable configurations, the recommended period is in weeks.",
        "MTASTS warning: MX record \"mx.mox.test\" does not match MTA-STS policy MX list.",
        "MTASTS warning: MX \"other.test\" in MTA-STS policy is not in MX record.",
    ]).await;
    assert_eq!(r.mtasts.policy.unwrap().max_age_seconds, 3600);
}

#[tokio::test]
async fn dane_records_wrong_and_unsigned() {
    let f = Fixture::new("dane.test").await;
    let tlsa = host_tlsa();
    {
        let mut z = f.zones();
        z.remove("_25._tcp.mx.mox.test", RecordType::TLSA);
        z.tlsa("_25._tcp.mx.mox.test", &tlsa[0]);
        z.tlsa("_25._tcp.mx.mox.test", "3 1 1 00112233");
    }
    let mut sorted = tlsa.clone();
    sorted.sort();
    let r = expect(&f, &[
        &format!("DANE error: Missing DANE records of type TLSA for MX host _25._tcp.mx.mox.test: {}", tlsa[1]),
        "DANE error: Unexpected DANE records of type TLSA for MX host _25._tcp.mx.mox.test: 3 1 1 00112233",
    ]).await;
    assert_eq!(r.dane.instructions.len(), 1);
    assert!(r.dane.instructions[0].ends_with(&format!(
        "\t_25._tcp.mx.mox.test. TLSA {}\n\t_25._tcp.mx.mox.test. TLSA {}\n",
        sorted[0], sorted[1]
    )));

    // Without DNSSEC: the zone is not signed any more.
    f.zones().signed.clear();
    expect(&f, &[
        "DNSSEC warning: It looks like the DNS resolvers configured on your system do not verify DNSSEC, or aren't trusted (by having loopback IPs or through \"options trust-ad\" in /etc/resolv.conf).  Without DNSSEC, outbound delivery with SMTP uses unprotected MX records, and SMTP STARTTLS connections cannot verify the TLS certificate with DANE (based on public keys in DNS), and will fall back to either MTA-STS for verification, or use \"opportunistic TLS\" with no certificate verification.",
        "DANE error: DANE records exist for MX host mx.mox.test, but are not DNSSEC-signed.",
        &format!("DANE error: Missing DANE records of type TLSA for MX host _25._tcp.mx.mox.test: {}", tlsa[1]),
        "DANE error: Unexpected DANE records of type TLSA for MX host _25._tcp.mx.mox.test: 3 1 1 00112233",
        "DANE warning: DANE is inactive because MX records are not DNSSEC-signed.",
    ]).await;
}

#[tokio::test]
async fn unknown_and_invalid_domains() {
    let f = Fixture::new("known.test").await;
    let e = f.app.check_domain("unknown.test".into()).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("user:notFound", "domain not found")
    );
    let e = f
        .app
        .check_domain("bad_domain.test".into())
        .await
        .unwrap_err();
    assert_eq!(e.code, "user:error");
    assert!(e.message.starts_with("parsing domain: "), "{}", e.message);
}
