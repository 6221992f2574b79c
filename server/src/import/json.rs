//! The API's own JSON types, for `import evaluations|tlsresults|mtasts FILE.json`.
//!
//! A file holds a JSON array of `Evaluation`, `TLSResult` or `PolicyRecord` values exactly as
//! the API returns them (so the output of `DMARCEvaluationsDomain`, `TLSRPTResults` or
//! `MTASTSPolicies` can be imported elsewhere), optionally gzip-compressed. Decoding uses the
//! generated types through the runtime's decoder, which reads `null` as the zero value as
//! Go (mox writes `null` for empty lists, which plain derives would reject); unknown fields are
//! ignored. Then the invariants mox's database enforces are checked, so a file that imports
//! cannot break the queries over it.

use std::collections::HashSet;

use sherpa_admin::api;

use super::ImportError;
use super::compress::{Container, detect, gunzip};
use crate::dns::parse_domain;

fn decode_array<T: sherpa_admin::runtime::de::NullAsZero>(
    file_name: &str,
    bytes: &[u8],
    what: &str,
) -> Result<Vec<T>, ImportError> {
    let err = |m: String| ImportError::new(file_name, m);
    let data;
    let json: &[u8] = match detect(bytes) {
        Container::Plain => bytes,
        Container::Gzip => {
            data = gunzip(bytes).map_err(err)?;
            &data
        }
        Container::Zip => {
            return Err(err(
                "zip archives are not supported, expected JSON or gzip".into()
            ));
        }
    };
    let json = json.strip_prefix(b"\xef\xbb\xbf").unwrap_or(json);
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| err(format!("invalid JSON: {e}")))?;
    if !value.is_array() && !value.is_null() {
        return Err(err(format!("expected a JSON array of {what}")));
    }
    // The generated types read `null` as the zero value at any depth, as Go does (mox's
    // own output has `null` for every empty list); a `null` document is an empty list.
    sherpa_admin::runtime::de::from_value(value)
        .map_err(|e| err(format!("invalid JSON array of {what}: {e}")))
}

/// A domain field, which mox stores as the Unicode name: parsed (a valid name, required)
/// and rewritten to that form so that equality filters find it.
fn name_field(v: &str, field: &str) -> Result<String, String> {
    if v.is_empty() {
        return Err(format!("{field} is empty"));
    }
    let d = parse_domain(v).map_err(|e| format!("{field} {v:?}: {e}"))?;
    Ok(d.name().to_string())
}

/// Applies `check` to each element, naming the (1-based) element in errors.
fn check_each<T>(
    file_name: &str,
    mut items: Vec<T>,
    mut check: impl FnMut(&mut T) -> Result<(), String>,
) -> Result<Vec<T>, ImportError> {
    for (i, item) in items.iter_mut().enumerate() {
        check(item).map_err(|e| ImportError::new(file_name, format!("element {}: {e}", i + 1)))?;
    }
    Ok(items)
}

/// DMARC evaluations (`Evaluation`, outgoing-report data) from a JSON array.
///
/// `PolicyDomain` must be a valid domain and is stored as its Unicode name;
/// `IntervalHours` must be one of 1, 2, 3, 4, 6, 8, 12, 24 (what mox computes); at least one
/// reporting address is required (mox only stores evaluations for domains with `rua`).
/// IDs are kept as read; the store decides whether to assign new ones.
pub fn evaluations(file_name: &str, bytes: &[u8]) -> Result<Vec<api::Evaluation>, ImportError> {
    let items: Vec<api::Evaluation> = decode_array(file_name, bytes, "Evaluation")?;
    check_each(file_name, items, |e| {
        e.policy_domain = name_field(&e.policy_domain, "PolicyDomain")?;
        if ![1, 2, 3, 4, 6, 8, 12, 24].contains(&e.interval_hours) {
            return Err(format!(
                "IntervalHours {} is not one of 1, 2, 3, 4, 6, 8, 12, 24",
                e.interval_hours
            ));
        }
        if e.addresses.is_empty() {
            return Err("Addresses is empty, evaluations are only kept for domains with reporting addresses".into());
        }
        Ok(())
    })
}

/// TLS results (`TLSResult`, outgoing-report data) from a JSON array.
///
/// `PolicyDomain` and `RecipientDomain` must be valid, non-empty domains and are stored as
/// Unicode names; `DayUTC` must be `yyyymmdd`; the triple (PolicyDomain, DayUTC,
/// RecipientDomain) must be unique within the file, as mox's unique index requires.
pub fn tls_results(file_name: &str, bytes: &[u8]) -> Result<Vec<api::TLSResult>, ImportError> {
    let items: Vec<api::TLSResult> = decode_array(file_name, bytes, "TLSResult")?;
    let mut seen = HashSet::new();
    check_each(file_name, items, |r| {
        r.policy_domain = name_field(&r.policy_domain, "PolicyDomain")?;
        r.recipient_domain = name_field(&r.recipient_domain, "RecipientDomain")?;
        if r.day_utc.len() != 8 || !r.day_utc.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "DayUTC {:?} is not of the form yyyymmdd",
                r.day_utc
            ));
        }
        if !seen.insert((
            r.policy_domain.clone(),
            r.day_utc.clone(),
            r.recipient_domain.clone(),
        )) {
            return Err(format!(
                "duplicate result for policy domain {:?}, day {:?}, recipient domain {:?}",
                r.policy_domain, r.day_utc, r.recipient_domain
            ));
        }
        Ok(())
    })
}

/// MTA-STS policy cache records (`PolicyRecord`) from a JSON array.
///
/// `Domain` must be a valid, non-empty domain, stored as its Unicode name, and unique
/// within the file (it is the record's key in mox).
pub fn mtasts_policies(
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<api::PolicyRecord>, ImportError> {
    let items: Vec<api::PolicyRecord> = decode_array(file_name, bytes, "PolicyRecord")?;
    let mut seen = HashSet::new();
    check_each(file_name, items, |p| {
        p.domain = name_field(&p.domain, "Domain")?;
        if !seen.insert(p.domain.clone()) {
            return Err(format!("duplicate policy for domain {:?}", p.domain));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    #[test]
    fn evaluations_fixture() {
        let v = evaluations("e.json", &fixture("evaluations.json")).unwrap();
        assert_eq!(v.len(), 2);
        let e = &v[0];
        assert_eq!(e.id, 1);
        assert_eq!(e.policy_domain, "example.org");
        assert_eq!(e.interval_hours, 24);
        assert!(e.optional);
        assert_eq!(
            e.addresses,
            vec!["mailto:dmarc-reports@example.org".to_string()]
        );
        assert_eq!(e.policy_published.domain, "example.org");
        assert_eq!(
            e.policy_published.policy,
            api::Disposition::DispositionReject
        );
        assert_eq!(e.source_ip, "192.0.2.10");
        assert_eq!(e.disposition, api::Disposition::DispositionNone);
        assert!(e.aligned_dkim_pass);
        assert!(!e.aligned_spf_pass);
        assert_eq!(e.header_from, "example.org");
        assert_eq!(e.dkim_results.len(), 1);
        assert_eq!(e.dkim_results[0].result, api::DKIMResult::DKIMPass);
        assert_eq!(
            e.spf_results[0].scope,
            api::SPFDomainScope::SPFDomainScopeMailFrom
        );
        let want: sherpa_admin::runtime::Timestamp =
            serde_json::from_str("\"2024-01-05T10:11:12.5+01:00\"").unwrap();
        assert_eq!(e.evaluated, want);
        // Unicode name from an A-label input.
        assert_eq!(v[1].policy_domain, "münchen.example");
        assert_eq!(
            v[1].override_reasons,
            vec![api::PolicyOverrideReason {
                r#type: api::PolicyOverride::PolicyOverrideForwarded,
                comment: "".into(),
            }]
        );
    }

    #[test]
    fn tls_results_fixture() {
        let v = tls_results("r.json", &fixture("tlsresults.json")).unwrap();
        assert_eq!(v.len(), 2);
        let r = &v[0];
        assert_eq!(r.policy_domain, "example.net");
        assert_eq!(r.day_utc, "20240105");
        assert_eq!(r.recipient_domain, "example.net");
        assert!(!r.is_host);
        assert!(r.send_report);
        assert_eq!(
            r.recipient_domain_reporting_addresses,
            vec!["mailto:tlsrpt@example.net".to_string()]
        );
        assert_eq!(r.results.len(), 1);
        assert_eq!(r.results[0].policy.r#type, api::PolicyType::STS);
        assert_eq!(r.results[0].summary.total_successful_session_count, 3);
        assert_eq!(
            r.results[0].failure_details[0].result_type,
            api::ResultType::ResultCertificateExpired
        );
        assert!(v[1].is_host);
        assert_eq!(v[1].policy_domain, "mx.example.net");
    }

    #[test]
    fn mtasts_fixture() {
        let v = mtasts_policies("p.json", &fixture("mtasts.json")).unwrap();
        assert_eq!(v.len(), 2);
        let p = &v[0];
        assert_eq!(p.domain, "example.net");
        assert_eq!(p.version, "STSv1");
        assert_eq!(p.mode, api::Mode::ModeEnforce);
        assert_eq!(p.max_age_seconds, 1209600);
        assert_eq!(p.mx.len(), 2);
        assert!(p.mx[0].wildcard);
        assert_eq!(p.mx[0].domain.ascii, "example.net");
        assert_eq!(p.record_id, "20240101");
        assert!(p.policy_text.starts_with("version: STSv1\n"));
        assert!(v[1].backoff);
        assert_eq!(v[1].mode, api::Mode::ModeNone);
    }

    #[test]
    fn validation_errors() {
        let e = |s: &str| evaluations("e.json", s.as_bytes()).unwrap_err().to_string();
        assert_eq!(e("{}"), "e.json: expected a JSON array of Evaluation");
        assert_eq!(
            e("[1"),
            "e.json: invalid JSON: EOF while parsing a list at line 1 column 2"
        );
        assert_eq!(
            e(r#"[{"ID":"x"}]"#),
            "e.json: invalid JSON array of Evaluation: invalid type: string \"x\", expected i64"
        );
        assert_eq!(evaluations("e.json", b"[]").unwrap(), vec![]);
        assert_eq!(evaluations("e.json", b"null").unwrap(), vec![]);
        assert_eq!(
            e(r#"[{"PolicyDomain":""}]"#),
            "e.json: element 1: PolicyDomain is empty"
        );
        assert_eq!(
            e(
                r#"[{"PolicyDomain":"example.org","IntervalHours":5,"Addresses":["mailto:x@example.org"]}]"#
            ),
            "e.json: element 1: IntervalHours 5 is not one of 1, 2, 3, 4, 6, 8, 12, 24"
        );
        assert_eq!(
            e(r#"[{"PolicyDomain":"example.org","IntervalHours":1,"Addresses":null}]"#),
            "e.json: element 1: Addresses is empty, evaluations are only kept for domains with reporting addresses"
        );
        let r = |s: &str| tls_results("r.json", s.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            r(
                r#"[{"PolicyDomain":"a.example","RecipientDomain":"b.example","DayUTC":"2024-01-05"}]"#
            ),
            "r.json: element 1: DayUTC \"2024-01-05\" is not of the form yyyymmdd"
        );
        assert_eq!(
            r(r#"[{"PolicyDomain":"a.example","RecipientDomain":"","DayUTC":"20240105"}]"#),
            "r.json: element 1: RecipientDomain is empty"
        );
        let one =
            r#"{"PolicyDomain":"a.example","RecipientDomain":"b.example","DayUTC":"20240105"}"#;
        let dup = format!("[{one},{}]", one.replace("a.example", "A.example"));
        assert_eq!(
            r(&dup),
            "r.json: element 2: duplicate result for policy domain \"a.example\", day \"20240105\", recipient domain \"b.example\""
        );
        let p = |s: &str| {
            mtasts_policies("p.json", s.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            p(r#"[{"Domain":"ex_ample.com"}]"#),
            "p.json: element 1: Domain \"ex_ample.com\": idna: to ascii: invalid label \"ex_ample\""
        );
        assert_eq!(
            p(r#"[{"Domain":"example.com"},{"Domain":"EXAMPLE.com"}]"#),
            "p.json: element 2: duplicate policy for domain \"example.com\""
        );
    }
}
