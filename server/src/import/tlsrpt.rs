//! SMTP TLS reports (RFC 8460 JSON) into the API's `Report`, plus what a
//! `TLSReportRecord` needs besides the report.

use std::fmt::Write as _;

use serde::{Deserialize, Deserializer};
use sherpa_admin::api;
use sherpa_admin::runtime::Timestamp;

use super::compress::{Container, detect, gunzip};
use super::enums::parse_enum;
use super::{ImportError, addr};
use crate::dns::{Domain, parse_domain};

/// One TLS report from a file, with the fields of `TLSReportRecord` that are not in the
/// report itself.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsReportImport {
    /// The report, as mox stores it (`Report` of `TLSReportRecord`).
    pub report: api::Report,
    /// The policy domain every policy in the report is about (mox rejects reports that mix
    /// domains). The record's `Domain` is its Unicode name. mox only stores reports for a
    /// configured domain, or for the host name when the report is a host report; the caller
    /// checks that against its configuration.
    pub policy_domain: api::Domain,
    /// `contact-info` when it is an email address (optionally `mailto:`), else `""`. Stands in
    /// for the SMTP `MAIL FROM` of the message that would have carried the report.
    pub mail_from: String,
    /// The name of the domain of [`Self::mail_from`], standing in for mox's DKIM/SPF-verified
    /// sender domain; `""` when `contact-info` is not an address.
    pub from_domain: String,
}

impl TlsReportImport {
    /// The database record for this report (ID 0; the store assigns it). `HostReport` is
    /// true when the policy domain is the server's host name: mox marks reports that arrive
    /// at the host TLSRPT address (for the MX host's DANE policy) that way, and those are
    /// exactly the reports whose policy domain is the host name.
    pub fn record(&self, hostname: &api::Domain) -> api::TLSReportRecord {
        api::TLSReportRecord {
            id: 0,
            domain: super::name_of(&self.policy_domain).to_string(),
            from_domain: self.from_domain.clone(),
            mail_from: self.mail_from.clone(),
            host_report: !hostname.ascii.is_empty() && self.policy_domain.ascii == hostname.ascii,
            report: self.report.clone(),
        }
    }
}

/// Reads the TLS reports in one file: an RFC 8460 JSON report object, or a JSON array of
/// them, optionally gzip-compressed (recognised by its magic bytes; `.json.gz` is what
/// reporters send as `application/tlsrpt+gzip`).
///
/// Field names are the RFC's hyphenated ones. Required: `date-range` with
/// `start-datetime`/`end-datetime` (RFC 3339), `report-id`, a non-empty `policies`, and in
/// each policy `policy/policy-type`, `policy/policy-domain` and both `summary` counts; in
/// each failure detail `result-type` and `failed-session-count`. `organization-name`,
/// `contact-info`, `policy-string`, `mx-host` and the optional failure detail fields default
/// to empty; `null` reads as empty, as in mox. `mx-host` may also be a single string, as in
/// the RFC's original example (erratum 6241). Unknown fields are ignored; unknown
/// `policy-type`/`result-type` values are kept (`Other`). Counts must not be negative. All
/// policies must be for the same domain, which must be a valid domain name.
pub fn tls_reports(file_name: &str, bytes: &[u8]) -> Result<Vec<TlsReportImport>, ImportError> {
    let err = |msg: String| ImportError::new(file_name, msg);
    let data;
    let json: &[u8] = match detect(bytes) {
        Container::Plain => bytes,
        Container::Gzip => {
            data = gunzip(bytes).map_err(err)?;
            &data
        }
        Container::Zip => {
            return Err(err(
                "zip archives are not a TLS report format (RFC 8460 uses JSON or gzip)".into(),
            ));
        }
    };
    let json = json.strip_prefix(b"\xef\xbb\xbf").unwrap_or(json);
    let reports = match parse_json(json).map_err(err)? {
        OneOrMany::One(r) => vec![*r],
        OneOrMany::Many(v) => {
            if v.is_empty() {
                return Err(err("empty JSON array, no TLS report".into()));
            }
            v
        }
    };
    let many = reports.len() > 1;
    reports
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            convert(r).map_err(|e| {
                if many {
                    err(format!("report {}: {e}", i + 1))
                } else {
                    err(e)
                }
            })
        })
        .collect()
}

enum OneOrMany {
    One(Box<ReportJson>),
    Many(Vec<ReportJson>),
}

/// Reads one report object or an array of them, with errors that say where and what:
/// `line 1 column 52: policies[0].summary: missing field `total-failure-session-count``
/// (the position in the file, the path of the JSON value, and serde's reason).
fn parse_json(json: &[u8]) -> Result<OneOrMany, String> {
    /// `line L column C: ` and serde_json's reason without its own " at line …" suffix.
    fn located(e: &serde_json::Error, path: &str) -> String {
        let text = e.to_string();
        let reason = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(reason, _)| reason);
        let what = if e.is_syntax() || e.is_eof() {
            format!("invalid JSON: {reason}")
        } else if path.is_empty() || path == "." {
            reason.to_string()
        } else {
            format!("{path}: {reason}")
        };
        format!("line {} column {}: {what}", e.line(), e.column())
    }
    fn read<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_slice(json);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| located(e.inner(), &e.path().to_string()))?;
        de.end().map_err(|e| located(&e, ""))?;
        Ok(value)
    }
    match json.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => read(json).map(OneOrMany::Many),
        Some(b'{') => read(json).map(|r| OneOrMany::One(Box::new(r))),
        None => Err("empty file, no TLS report".to_string()),
        Some(_) => Err(match serde_json::from_slice::<serde_json::Value>(json) {
            Err(e) => located(&e, ""),
            Ok(_) => {
                "line 1 column 1: a TLS report is a JSON object (or an array of them)".to_string()
            }
        }),
    }
}

/// `null` reads as the zero value, as Go's encoding/json does.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `mx-host` as an array of strings or one string (RFC 8460 erratum 6241).
fn string_or_seq<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a string or an array of strings")]
    enum Hosts {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Hosts>::deserialize(d)? {
        None => Vec::new(),
        Some(Hosts::One(s)) => vec![s],
        Some(Hosts::Many(v)) => v,
    })
}

#[derive(Deserialize)]
#[serde(expecting = "a TLS report object")]
struct ReportJson {
    #[serde(rename = "organization-name", default, deserialize_with = "nullable")]
    organization_name: String,
    #[serde(rename = "date-range")]
    date_range: DateRangeJson,
    #[serde(rename = "contact-info", default, deserialize_with = "nullable")]
    contact_info: String,
    #[serde(rename = "report-id")]
    report_id: String,
    policies: Vec<PolicyJson>,
}

#[derive(Deserialize)]
struct DateRangeJson {
    #[serde(rename = "start-datetime")]
    start: Timestamp,
    #[serde(rename = "end-datetime")]
    end: Timestamp,
}

#[derive(Deserialize)]
struct PolicyJson {
    policy: PolicyDescJson,
    summary: SummaryJson,
    #[serde(rename = "failure-details", default, deserialize_with = "nullable")]
    failure_details: Vec<FailureJson>,
}

#[derive(Deserialize)]
struct PolicyDescJson {
    #[serde(rename = "policy-type")]
    policy_type: String,
    #[serde(rename = "policy-string", default, deserialize_with = "nullable")]
    policy_string: Vec<String>,
    #[serde(rename = "policy-domain")]
    policy_domain: String,
    #[serde(rename = "mx-host", default, deserialize_with = "string_or_seq")]
    mx_host: Vec<String>,
}

#[derive(Deserialize)]
struct SummaryJson {
    #[serde(rename = "total-successful-session-count")]
    successful: i64,
    #[serde(rename = "total-failure-session-count")]
    failure: i64,
}

#[derive(Deserialize)]
struct FailureJson {
    #[serde(rename = "result-type")]
    result_type: String,
    #[serde(rename = "sending-mta-ip", default, deserialize_with = "nullable")]
    sending_mta_ip: String,
    #[serde(
        rename = "receiving-mx-hostname",
        default,
        deserialize_with = "nullable"
    )]
    receiving_mx_hostname: String,
    #[serde(rename = "receiving-mx-helo", default, deserialize_with = "nullable")]
    receiving_mx_helo: String,
    #[serde(rename = "receiving-ip", default, deserialize_with = "nullable")]
    receiving_ip: String,
    #[serde(rename = "failed-session-count")]
    failed_session_count: i64,
    #[serde(
        rename = "additional-information",
        default,
        deserialize_with = "nullable"
    )]
    additional_information: String,
    #[serde(rename = "failure-reason-code", default, deserialize_with = "nullable")]
    failure_reason_code: String,
}

fn convert(r: ReportJson) -> Result<TlsReportImport, String> {
    if r.policies.is_empty() {
        return Err("no policies in report".into());
    }
    if r.report_id.trim().is_empty() {
        return Err("empty report-id".into());
    }
    let mut policy_domain: Option<Domain> = None;
    let mut policies = Vec::with_capacity(r.policies.len());
    for (i, p) in r.policies.into_iter().enumerate() {
        let ctx = |e: String| format!("policy {}: {e}", i + 1);
        let raw = p.policy.policy_domain.trim();
        let d = parse_domain(raw.strip_suffix('.').unwrap_or(raw))
            .map_err(|e| ctx(format!("policy-domain {raw:?}: {e}")))?;
        if d.ascii.is_empty() {
            return Err(ctx("empty policy-domain".into()));
        }
        match &policy_domain {
            Some(first) if first.ascii != d.ascii => {
                return Err(format!(
                    "multiple domains in report {} and {}",
                    first.name(),
                    d.name()
                ));
            }
            Some(_) => {}
            None => policy_domain = Some(d),
        }
        let (ok, fail) = (p.summary.successful, p.summary.failure);
        if ok < 0 || fail < 0 {
            return Err(ctx("negative session count in summary".into()));
        }
        let mut failure_details = Vec::with_capacity(p.failure_details.len());
        for (j, f) in p.failure_details.into_iter().enumerate() {
            if f.failed_session_count < 0 {
                return Err(ctx(format!(
                    "failure-details {}: negative failed-session-count",
                    j + 1
                )));
            }
            failure_details.push(api::FailureDetails {
                result_type: parse_enum(&f.result_type).map_err(ctx)?,
                sending_mtaip: f.sending_mta_ip,
                receiving_mx_hostname: f.receiving_mx_hostname,
                receiving_mx_helo: f.receiving_mx_helo,
                receiving_ip: f.receiving_ip,
                failed_session_count: f.failed_session_count,
                additional_information: f.additional_information,
                failure_reason_code: f.failure_reason_code,
            });
        }
        policies.push(api::Result {
            policy: api::ResultPolicy {
                r#type: parse_enum(&p.policy.policy_type).map_err(ctx)?,
                string: p.policy.policy_string,
                domain: p.policy.policy_domain,
                mx_host: p.policy.mx_host,
            },
            summary: api::Summary {
                total_successful_session_count: ok,
                total_failure_session_count: fail,
            },
            failure_details,
        });
    }
    let policy_domain = policy_domain.unwrap_or_default().to_api();
    let contact = r.contact_info.trim();
    let contact = contact.strip_prefix("mailto:").unwrap_or(contact);
    let (mail_from, from_domain) = match addr::parse_path(contact) {
        Ok(p) if p.domain.ip.0.is_empty() => (contact.to_string(), p.domain_str()),
        _ => (String::new(), String::new()),
    };
    Ok(TlsReportImport {
        report: api::Report {
            organization_name: r.organization_name,
            date_range: api::TLSRPTDateRange {
                start: r.date_range.start,
                end: r.date_range.end,
            },
            contact_info: r.contact_info,
            report_id: r.report_id,
            policies,
        },
        policy_domain,
        mail_from,
        from_domain,
    })
}

/// A deterministic, valid TLS report number `i`, for benchmarks and load tests: one STS
/// policy for `example.com`/`example.org`/`example.net` (cycling), one day starting
/// 2024-01-01 (cycling over 28 days), and for odd `i` a failure detail.
#[doc(hidden)]
pub fn synthetic_tls_report_json(i: u64) -> String {
    let domain = ["example.com", "example.org", "example.net"][(i % 3) as usize];
    let day = 1 + i % 28;
    let fail = i % 2;
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        s,
        r#"{{"organization-name":"Synthetic Reporter","date-range":{{"start-datetime":"2024-01-{day:02}T00:00:00Z","end-datetime":"2024-01-{day:02}T23:59:59Z"}},"contact-info":"tlsrpt@reporter.example","report-id":"synthetic-{i}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mail.{domain}","max_age: 86400"],"policy-domain":"{domain}","mx-host":["mail.{domain}"]}},"summary":{{"total-successful-session-count":{ok},"total-failure-session-count":{fail}}}"#,
        ok = 10 + i % 100,
    );
    if fail == 1 {
        let _ = write!(
            s,
            r#","failure-details":[{{"result-type":"certificate-expired","sending-mta-ip":"192.0.2.{ip}","receiving-mx-hostname":"mail.{domain}","failed-session-count":1}}]"#,
            ip = 1 + i % 250,
        );
    }
    s.push_str("}]}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::{PolicyType, ResultType};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        serde_json::from_value(serde_json::Value::String(s.to_string())).unwrap()
    }

    fn parse(s: &str) -> Result<Vec<TlsReportImport>, String> {
        tls_reports("t.json", s.as_bytes()).map_err(|e| e.to_string())
    }

    fn google() -> TlsReportImport {
        TlsReportImport {
            report: api::Report {
                organization_name: "Google Inc.".into(),
                date_range: api::TLSRPTDateRange {
                    start: ts("2024-01-01T00:00:00Z"),
                    end: ts("2024-01-01T23:59:59Z"),
                },
                contact_info: "smtp-tls-reporting@google.com".into(),
                report_id: "2024-01-01T00:00:00Z_example.com".into(),
                policies: vec![api::Result {
                    policy: api::ResultPolicy {
                        r#type: PolicyType::STS,
                        string: vec![
                            "version: STSv1".into(),
                            "mode: enforce".into(),
                            "mx: mail.example.com".into(),
                            "max_age: 1209600".into(),
                        ],
                        domain: "example.com".into(),
                        mx_host: vec!["mail.example.com".into()],
                    },
                    summary: api::Summary {
                        total_successful_session_count: 1830,
                        total_failure_session_count: 7,
                    },
                    failure_details: vec![
                        api::FailureDetails {
                            result_type: ResultType::ResultCertificateExpired,
                            sending_mtaip: "209.85.220.41".into(),
                            receiving_mx_hostname: "mail.example.com".into(),
                            receiving_mx_helo: "mail.example.com".into(),
                            receiving_ip: "192.0.2.25".into(),
                            failed_session_count: 5,
                            additional_information: "https://mta-sts.example.com/".into(),
                            failure_reason_code: "X509_V_ERR_CERT_HAS_EXPIRED".into(),
                        },
                        api::FailureDetails {
                            result_type: ResultType::ResultSTARTTLSNotSupported,
                            sending_mtaip: "2001:db8:4860::1".into(),
                            receiving_mx_hostname: "mail.example.com".into(),
                            receiving_mx_helo: "".into(),
                            receiving_ip: "2001:db8::25".into(),
                            failed_session_count: 2,
                            additional_information: "".into(),
                            failure_reason_code: "".into(),
                        },
                    ],
                }],
            },
            policy_domain: api::Domain {
                ascii: "example.com".into(),
                unicode: "".into(),
            },
            mail_from: "smtp-tls-reporting@google.com".into(),
            from_domain: "google.com".into(),
        }
    }

    #[test]
    fn google_report_exact() {
        let v = tls_reports("tlsrpt-google.json", &fixture("tlsrpt-google.json")).unwrap();
        assert_eq!(v, vec![google()]);
    }

    #[test]
    fn gzip_same_as_plain() {
        let v = tls_reports("x.json", &fixture("tlsrpt-google.json.gz")).unwrap();
        assert_eq!(v, vec![google()]);
    }

    #[test]
    fn record_host_flag() {
        let r = google();
        let rec = r.record(&api::Domain {
            ascii: "mail.example.com".into(),
            unicode: "".into(),
        });
        assert_eq!(rec.id, 0);
        assert_eq!(rec.domain, "example.com");
        assert_eq!(rec.from_domain, "google.com");
        assert_eq!(rec.mail_from, "smtp-tls-reporting@google.com");
        assert!(!rec.host_report);
        assert_eq!(rec.report, r.report);
        let rec = r.record(&api::Domain {
            ascii: "example.com".into(),
            unicode: "".into(),
        });
        assert!(rec.host_report);
    }

    #[test]
    fn microsoft_dane_host_report() {
        let v = tls_reports("m.json", &fixture("tlsrpt-microsoft.json")).unwrap();
        assert_eq!(v.len(), 1);
        let r = &v[0];
        assert_eq!(r.policy_domain.ascii, "xn--mnchen-3ya.example");
        assert_eq!(r.policy_domain.unicode, "münchen.example");
        assert_eq!(r.mail_from, "tlsrpt-noreply@microsoft.com");
        assert_eq!(r.from_domain, "microsoft.com");
        let rep = &r.report;
        assert_eq!(rep.organization_name, "Microsoft Corporation");
        assert_eq!(rep.report_id, "133490112000000000+xn--mnchen-3ya.example");
        assert_eq!(rep.date_range.start, ts("2024-01-02T00:00:00+01:00"));
        assert_eq!(rep.policies.len(), 2);
        let p = &rep.policies[0];
        assert_eq!(p.policy.r#type, PolicyType::TLSA);
        assert_eq!(p.policy.domain, "xn--mnchen-3ya.example");
        assert_eq!(p.policy.string, vec!["3 1 1 6b1e4f...".to_string()]);
        // A single string mx-host, as in the RFC's example.
        assert_eq!(
            p.policy.mx_host,
            vec!["mx.xn--mnchen-3ya.example".to_string()]
        );
        assert_eq!(p.summary.total_successful_session_count, 0);
        assert_eq!(p.summary.total_failure_session_count, 4);
        assert_eq!(p.failure_details.len(), 2);
        assert_eq!(
            p.failure_details[0].result_type,
            ResultType::ResultTLSAInvalid
        );
        assert_eq!(p.failure_details[0].failed_session_count, 3);
        assert_eq!(
            p.failure_details[0].receiving_mx_hostname,
            "mx.xn--mnchen-3ya.example"
        );
        assert_eq!(
            p.failure_details[1].result_type,
            ResultType::Other("dnssec-bogus".into())
        );
        assert_eq!(p.failure_details[1].additional_information, "");
        assert_eq!(p.failure_details[1].failure_reason_code, "SERVFAIL");
        let p = &rep.policies[1];
        assert_eq!(p.policy.r#type, PolicyType::NoPolicyFound);
        assert!(p.policy.string.is_empty());
        assert!(p.policy.mx_host.is_empty());
        assert!(p.failure_details.is_empty());
        assert_eq!(p.summary.total_successful_session_count, 12);
    }

    #[test]
    fn array_of_reports() {
        let one = String::from_utf8(fixture("tlsrpt-google.json")).unwrap();
        let two = synthetic_tls_report_json(8);
        let v = parse(&format!("[{one},{two}]")).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], google());
        assert_eq!(v[1].report.report_id, "synthetic-8");
        let e = parse(&format!(
            "[{one},{}]",
            two.replace("example.net", "ex_ample.net")
        ))
        .unwrap_err();
        assert_eq!(
            e,
            "t.json: report 2: policy 1: policy-domain \"ex_ample.net\": idna: to ascii: invalid label \"ex_ample\""
        );
    }

    #[test]
    fn malformed_fixture() {
        let e =
            tls_reports("tlsrpt-malformed.json", &fixture("tlsrpt-malformed.json")).unwrap_err();
        assert_eq!(e.file(), "tlsrpt-malformed.json");
        assert_eq!(
            e.message(),
            "line 14 column 0: invalid JSON: EOF while parsing a list"
        );
    }

    #[test]
    fn errors() {
        let base = synthetic_tls_report_json(2);
        let cases: Vec<(String, &str)> = vec![
            ("".into(), "t.json: empty file, no TLS report"),
            (
                "{\"report-id\": }".into(),
                "t.json: line 1 column 15: invalid JSON: expected value",
            ),
            (format!("{base} x"), "t.json: line 1 column "),
            ("[]".into(), "t.json: empty JSON array, no TLS report"),
            (
                "42".into(),
                "t.json: line 1 column 1: a TLS report is a JSON object (or an array of them)",
            ),
            (
                base.replace(r#""report-id":"synthetic-2","#, ""),
                "t.json: line 1 column ",
            ),
            (
                base.replace(r#""total-failure-session-count":"#, r#""x":"#),
                "t.json: line 1 column ",
            ),
            (format!("[{base}, 7]"), "t.json: line 1 column "),
            (base.replace("synthetic-2", " "), "t.json: empty report-id"),
            (
                base.replace(
                    r#""start-datetime":"2024-01-03T00:00:00Z""#,
                    r#""start-datetime":"2024-01-03""#,
                ),
                "t.json: line 1 column ",
            ),
            (
                format!(
                    "{}[]}}",
                    base.split(r#""policies":"#).next().unwrap().to_string() + r#""policies":"#
                ),
                "t.json: no policies in report",
            ),
            (
                base.replace(":12,", ":-1,"),
                "t.json: policy 1: negative session count in summary",
            ),
            (
                base.replace(r#""policy-domain":"example.net""#, r#""policy-domain":"""#),
                "t.json: policy 1: empty policy-domain",
            ),
        ];
        // The whole messages of the located errors: where, the JSON path, and why.
        let at = |input: &str| parse(input).unwrap_err();
        let missing = at(&base.replace(r#""report-id":"synthetic-2","#, ""));
        assert!(
            missing.ends_with(": missing field `report-id`") && !missing.contains(": ."),
            "{missing}"
        );
        let nested = at(&base.replace(r#""total-failure-session-count":"#, r#""x":"#));
        assert!(
            nested.ends_with(": policies[0].summary: missing field `total-failure-session-count`"),
            "{nested}"
        );
        let second = at(&format!("[{base}, 7]"));
        assert!(
            second.ends_with(": [1]: invalid type: integer `7`, expected a TLS report object"),
            "{second}"
        );
        let date = at(&base.replace(
            r#""start-datetime":"2024-01-03T00:00:00Z""#,
            r#""start-datetime":"2024-01-03""#,
        ));
        assert!(date.contains(": date-range.start-datetime: "), "{date}");
        for (input, want) in cases {
            let got = parse(&input).unwrap_err();
            // A want ending in a space is a prefix (the column varies with the input).
            if want.ends_with(' ') {
                assert!(got.starts_with(want), "input {input}: got {got:?}");
            } else {
                assert_eq!(got, want, "input {input}");
            }
        }
        let e = tls_reports("x.zip", &fixture("dmarc-empty.zip")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.zip: zip archives are not a TLS report format (RFC 8460 uses JSON or gzip)"
        );
    }

    #[test]
    fn mixed_domains_rejected() {
        let e = tls_reports("mixed.json", &fixture("tlsrpt-mixed-domains.json")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mixed.json: multiple domains in report example.com and example.org"
        );
    }

    #[test]
    fn negative_failed_count_rejected() {
        let s = synthetic_tls_report_json(1).replace(
            r#""failed-session-count":1"#,
            r#""failed-session-count":-3"#,
        );
        assert_eq!(
            parse(&s).unwrap_err(),
            "t.json: policy 1: failure-details 1: negative failed-session-count"
        );
    }

    #[test]
    fn nulls_read_as_empty() {
        let s = synthetic_tls_report_json(0)
            .replace(
                r#""contact-info":"tlsrpt@reporter.example""#,
                r#""contact-info":null"#,
            )
            .replace(r#""mx-host":["mail.example.com"]"#, r#""mx-host":null"#);
        let v = parse(&s).unwrap();
        assert_eq!(v[0].report.contact_info, "");
        assert_eq!(v[0].mail_from, "");
        assert_eq!(v[0].from_domain, "");
        assert!(v[0].report.policies[0].policy.mx_host.is_empty());
    }

    #[test]
    fn synthetic_reports_parse() {
        for i in [0u64, 1, 2, 3, 27, 28, 1_000_001, u64::MAX] {
            let v = parse(&synthetic_tls_report_json(i)).unwrap();
            assert_eq!(v[0].report.report_id, format!("synthetic-{i}"));
            assert_eq!(v[0].report.policies[0].failure_details.len() as u64, i % 2);
        }
    }
}
