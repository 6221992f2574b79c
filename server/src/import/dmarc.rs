//! DMARC aggregate reports (RFC 7489 appendix C) into the API's `DomainFeedback`.

use std::fmt::Write as _;
use std::net::IpAddr;

use roxmltree::Node;
use sherpa_admin::api;

use super::compress::{Container, detect, gunzip, unzip};
use super::enums::parse_enum;
use super::xmltext::{Kids, at, decode, text};
use super::{ImportError, addr};
use crate::dns::parse_domain;

/// Reads the DMARC aggregate reports in one file.
///
/// The file is an RFC 7489 `<feedback>` document, gzip-compressed or not, or a zip archive
/// whose `.xml` and `.xml.gz`/`.gz` members are each such a document (other members, and
/// macOS `__MACOSX/` metadata, are skipped). The container is recognised by its first bytes,
/// not by `file_name`, which is only used in error messages.
///
/// Each report becomes a `DomainFeedback` with ID 0 (the store assigns IDs) and:
/// * `Domain`: the Unicode name (mox's `Name()`) of `policy_published/domain`, which must
///   be present and a valid domain name (a single trailing dot is tolerated);
/// * `FromDomain`: the name of the domain of `report_metadata/email`, standing in for the
///   DKIM/SPF-verified sender domain mox takes from the message that carried the report
///   (empty when the email address does not parse);
/// * every other element of appendix C in the field of the same meaning, as mox's `Feedback`
///   type: values trimmed, enum values matched case-insensitively and kept in `Other` when
///   unknown, optional elements empty/zero when absent. Unknown elements (DMARCbis
///   additions such as `np` or `extensions`) are ignored.
///
/// Errors: invalid XML (with line and column), a root element other than `feedback`, a
/// missing `report_metadata`, `report_id`, `date_range`/`begin`/`end`, `policy_published`,
/// `domain`, a record without `row`/`source_ip`/`count`, a non-numeric number, a count
/// outside 0..=2^31-1, an invalid source IP, a duplicated single-valued element, or a zip
/// without any report. Any error fails the whole file.
pub fn dmarc_reports(
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<api::DomainFeedback>, ImportError> {
    let err = |msg: String| ImportError::new(file_name, msg);
    match detect(bytes) {
        Container::Plain => Ok(vec![parse_feedback(bytes).map_err(err)?]),
        Container::Gzip => {
            let data = gunzip(bytes).map_err(err)?;
            Ok(vec![parse_feedback(&data).map_err(err)?])
        }
        Container::Zip => {
            let members = unzip(bytes, is_report_member).map_err(err)?;
            if members.is_empty() {
                return Err(err(
                    "zip archive has no .xml or .xml.gz member with a report".to_string(),
                ));
            }
            let mut reports = Vec::with_capacity(members.len());
            for m in members {
                let merr = |e: String| err(format!("member {:?}: {e}", m.name));
                let data = match detect(&m.data) {
                    Container::Gzip => gunzip(&m.data).map_err(merr)?,
                    Container::Plain => m.data,
                    Container::Zip => {
                        return Err(merr("nested zip archives are not supported".into()));
                    }
                };
                reports.push(parse_feedback(&data).map_err(merr)?);
            }
            Ok(reports)
        }
    }
}

/// Whether a zip member name looks like a report: `.xml`, `.xml.gz` or `.gz`, excluding the
/// `__MACOSX/` resource forks and `._name` AppleDouble files that macOS adds to archives.
fn is_report_member(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    if lower.starts_with("__macosx/") || base.starts_with("._") {
        return false;
    }
    lower.ends_with(".xml") || lower.ends_with(".gz")
}

/// Parses one `<feedback>` document.
pub(crate) fn parse_feedback(bytes: &[u8]) -> Result<api::DomainFeedback, String> {
    let text = decode(bytes)?;
    // A declaration must be the very first thing in XML, but some generators emit blank
    // lines before it; skipping them loses nothing.
    let trimmed = text.trim_start();
    let text = if trimmed.starts_with("<?xml") {
        trimmed
    } else {
        &text
    };
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("invalid XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "feedback" {
        return Err(format!(
            "{}: root element must be <feedback>, not a DMARC aggregate report",
            at(root)
        ));
    }
    let k = Kids::of(root);
    let report_metadata = report_metadata(k.req("report_metadata")?)?;
    let policy_published = policy_published(k.req("policy_published")?)?;

    let raw_domain = policy_published.domain.as_str();
    let domain = parse_domain(raw_domain.strip_suffix('.').unwrap_or(raw_domain))
        .map_err(|e| format!("policy_published domain {raw_domain:?}: {e}"))?;
    let from_domain = from_domain(&report_metadata.email);

    let mut records = Vec::new();
    for r in k.all("record") {
        records.push(record(r)?);
    }
    Ok(api::DomainFeedback {
        id: 0,
        domain: domain.name().to_string(),
        from_domain,
        version: k.text("version")?,
        report_metadata,
        policy_published,
        records,
    })
}

/// The name of the domain of the reporter's email address, `""` if it does not parse.
fn from_domain(email: &str) -> String {
    let email = email.strip_prefix("mailto:").unwrap_or(email);
    match addr::parse_path(email) {
        Ok(p) if p.domain.ip.0.is_empty() => p.domain_str(),
        _ => String::new(),
    }
}

fn report_metadata(n: Node<'_, '_>) -> Result<api::ReportMetadata, String> {
    let k = Kids::of(n);
    let report_id_node = k.req("report_id")?;
    let report_id = text(report_id_node)?;
    if report_id.is_empty() {
        return Err(format!("{}: empty report ID", at(report_id_node)));
    }
    let dr = k.req("date_range")?;
    let dk = Kids::of(dr);
    let date_range = api::DateRange {
        begin: int(dk.req("begin")?)?,
        end: int(dk.req("end")?)?,
    };
    let errors = k.all("error").map(text).collect::<Result<Vec<_>, _>>()?;
    Ok(api::ReportMetadata {
        org_name: k.text("org_name")?,
        email: k.text("email")?,
        extra_contact_info: k.text("extra_contact_info")?,
        report_id,
        date_range,
        errors,
    })
}

fn policy_published(n: Node<'_, '_>) -> Result<api::PolicyPublished, String> {
    let k = Kids::of(n);
    let domain_node = k.req("domain")?;
    let domain = text(domain_node)?;
    if domain.is_empty() {
        return Err(format!("{}: empty domain", at(domain_node)));
    }
    let percentage = match k.opt("pct")? {
        Some(p) if !text(p)?.is_empty() => i32_in(p, 0)?,
        _ => 0,
    };
    Ok(api::PolicyPublished {
        domain,
        adkim: enum_of(&k, "adkim")?,
        aspf: enum_of(&k, "aspf")?,
        policy: enum_of(&k, "p")?,
        subdomain_policy: enum_of(&k, "sp")?,
        percentage,
        reporting_options: k.text("fo")?,
    })
}

fn record(n: Node<'_, '_>) -> Result<api::ReportRecord, String> {
    let k = Kids::of(n);
    let row_node = k.req("row")?;
    let rk = Kids::of(row_node);
    let ip_node = rk.req("source_ip")?;
    let source_ip = text(ip_node)?;
    if source_ip.parse::<IpAddr>().is_err() {
        return Err(format!("{}: invalid IP address {source_ip:?}", at(ip_node)));
    }
    let count = i32_in(rk.req("count")?, 0)?;
    let policy_evaluated = match rk.opt("policy_evaluated")? {
        Some(pe) => {
            let pk = Kids::of(pe);
            let mut reasons = Vec::new();
            for r in pk.all("reason") {
                let rk = Kids::of(r);
                reasons.push(api::PolicyOverrideReason {
                    r#type: enum_of(&rk, "type")?,
                    comment: rk.text("comment")?,
                });
            }
            api::PolicyEvaluated {
                disposition: enum_of(&pk, "disposition")?,
                dkim: enum_of(&pk, "dkim")?,
                spf: enum_of(&pk, "spf")?,
                reasons,
            }
        }
        None => api::PolicyEvaluated::default(),
    };
    let identifiers = match k.opt("identifiers")? {
        Some(i) => {
            let ik = Kids::of(i);
            api::Identifiers {
                envelope_to: ik.text("envelope_to")?,
                envelope_from: ik.text("envelope_from")?,
                header_from: ik.text("header_from")?,
            }
        }
        None => api::Identifiers::default(),
    };
    let mut auth_results = api::AuthResults::default();
    if let Some(a) = k.opt("auth_results")? {
        let ak = Kids::of(a);
        for d in ak.all("dkim") {
            let dk = Kids::of(d);
            auth_results.dkim.push(api::DKIMAuthResult {
                domain: dk.text("domain")?,
                selector: dk.text("selector")?,
                result: enum_of(&dk, "result")?,
                human_result: dk.text("human_result")?,
            });
        }
        for s in ak.all("spf") {
            let sk = Kids::of(s);
            auth_results.spf.push(api::SPFAuthResult {
                domain: sk.text("domain")?,
                scope: enum_of(&sk, "scope")?,
                result: enum_of(&sk, "result")?,
            });
        }
    }
    Ok(api::ReportRecord {
        row: api::Row {
            source_ip,
            count,
            policy_evaluated,
        },
        identifiers,
        auth_results,
    })
}

fn enum_of<T: super::enums::ReportEnum>(k: &Kids<'_, '_>, name: &str) -> Result<T, String> {
    match k.opt(name)? {
        Some(n) => parse_enum(&text(n)?).map_err(|e| format!("{}: {e}", at(n))),
        None => parse_enum(""),
    }
}

/// An integer element, like Go's encoding/xml (surrounding space allowed), but an empty
/// value is an error since only required numbers are read this way.
fn int(n: Node<'_, '_>) -> Result<i64, String> {
    let t = text(n)?;
    t.parse::<i64>()
        .map_err(|_| format!("{}: invalid integer {t:?}", at(n)))
}

/// An integer element that must be in `min..=i32::MAX` (the API's int32 fields).
fn i32_in(n: Node<'_, '_>, min: i32) -> Result<i32, String> {
    let v = int(n)?;
    i32::try_from(v)
        .ok()
        .filter(|v| *v >= min)
        .ok_or_else(|| format!("{}: {v} is out of range {min}..={}", at(n), i32::MAX))
}

/// Reporters used by [`synthetic_dmarc_xml`]: (org_name, email).
const SYNTHETIC_REPORTERS: [(&str, &str); 5] = [
    ("google.com", "noreply-dmarc-support@google.com"),
    ("Yahoo", "dmarchelp@yahooinc.com"),
    ("Mail.Ru", "dmarc_support@corp.mail.ru"),
    ("Outlook.com", "dmarcreport@microsoft.com"),
    ("Reporter Example", "dmarc@reporter.example"),
];

/// Policy domains used by [`synthetic_dmarc_xml`] (as they appear in the XML; the last is
/// stored as `münchen.example`).
#[doc(hidden)]
pub const SYNTHETIC_DOMAINS: [&str; 4] = [
    "example.com",
    "example.org",
    "example.net",
    "xn--mnchen-3ya.example",
];

/// A deterministic, valid aggregate report number `i`, for benchmarks and load tests.
///
/// Reports vary in reporter (5), policy domain ([`SYNTHETIC_DOMAINS`], cycling with `i`),
/// day (one day each, starting 2024-01-01 UTC and cycling over 1000 days), record count
/// (1 to 4), dispositions, DKIM/SPF results and override reasons, so summaries have
/// something to add up. `report_id` is `synthetic-<i>`, unique per `i`.
#[doc(hidden)]
pub fn synthetic_dmarc_xml(i: u64) -> String {
    let (org, email) = SYNTHETIC_REPORTERS[(i % 5) as usize];
    let domain = SYNTHETIC_DOMAINS[((i / 5) % 4) as usize];
    let begin = 1_704_067_200 + (i % 1000) * 86_400;
    let end = begin + 86_399;
    let policy = ["none", "quarantine", "reject"][(i % 3) as usize];
    let mut x = String::with_capacity(2048);
    // Writing to a String cannot fail.
    let _ = write!(
        x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <version>1.0</version>
  <report_metadata>
    <org_name>{org}</org_name>
    <email>{email}</email>
    <report_id>synthetic-{i}</report_id>
    <date_range><begin>{begin}</begin><end>{end}</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>{domain}</domain>
    <adkim>r</adkim>
    <aspf>r</aspf>
    <p>{policy}</p>
    <sp>{policy}</sp>
    <pct>100</pct>
    <fo>0</fo>
  </policy_published>
"#
    );
    let nrecords = 1 + i % 4;
    for r in 0..nrecords {
        let n = i.wrapping_mul(31).wrapping_add(r.wrapping_mul(7));
        let ip = format!("198.51.{}.{}", (n / 250) % 250, n % 250 + 1);
        let count = 1 + n % 50;
        let dkim_ok = n % 5 != 0;
        let spf_ok = n % 7 != 0;
        let disposition = if dkim_ok || spf_ok { "none" } else { policy };
        let reason = match n % 11 {
            0 => "<reason><type>forwarded</type><comment>known forwarder</comment></reason>",
            1 => "<reason><type>mailing_list</type></reason>",
            _ => "",
        };
        let pass = |ok: bool| if ok { "pass" } else { "fail" };
        let _ = write!(
            x,
            r#"  <record>
    <row>
      <source_ip>{ip}</source_ip>
      <count>{count}</count>
      <policy_evaluated><disposition>{disposition}</disposition><dkim>{dkim}</dkim><spf>{spf}</spf>{reason}</policy_evaluated>
    </row>
    <identifiers><envelope_from>{domain}</envelope_from><header_from>{domain}</header_from></identifiers>
    <auth_results>
      <dkim><domain>{domain}</domain><selector>s{sel}</selector><result>{dkim}</result></dkim>
      <spf><domain>{domain}</domain><scope>mfrom</scope><result>{spf_raw}</result></spf>
    </auth_results>
  </record>
"#,
            dkim = pass(dkim_ok),
            spf = pass(spf_ok),
            sel = n % 3,
            spf_raw = if spf_ok { "pass" } else { "softfail" },
        );
    }
    x.push_str("</feedback>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use api::{
        Alignment, DKIMResult, DMARCResult, Disposition, PolicyOverride, SPFDomainScope, SPFResult,
    };

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn one(name: &str) -> api::DomainFeedback {
        let mut v = dmarc_reports(name, &fixture(name)).unwrap();
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn google() -> api::DomainFeedback {
        api::DomainFeedback {
            id: 0,
            domain: "example.org".into(),
            from_domain: "google.com".into(),
            version: "1.0".into(),
            report_metadata: api::ReportMetadata {
                org_name: "google.com".into(),
                email: "noreply-dmarc-support@google.com".into(),
                extra_contact_info: "https://support.google.com/a/answer/2466580".into(),
                report_id: "9391651994964116463".into(),
                date_range: api::DateRange {
                    begin: 1704067200,
                    end: 1704153599,
                },
                errors: vec![],
            },
            policy_published: api::PolicyPublished {
                domain: "example.org".into(),
                adkim: Alignment::AlignmentRelaxed,
                aspf: Alignment::AlignmentRelaxed,
                policy: Disposition::DispositionReject,
                subdomain_policy: Disposition::DispositionReject,
                percentage: 100,
                reporting_options: "".into(),
            },
            records: vec![
                api::ReportRecord {
                    row: api::Row {
                        source_ip: "192.0.2.10".into(),
                        count: 12,
                        policy_evaluated: api::PolicyEvaluated {
                            disposition: Disposition::DispositionNone,
                            dkim: DMARCResult::DMARCPass,
                            spf: DMARCResult::DMARCPass,
                            reasons: vec![],
                        },
                    },
                    identifiers: api::Identifiers {
                        envelope_to: "".into(),
                        envelope_from: "example.org".into(),
                        header_from: "example.org".into(),
                    },
                    auth_results: api::AuthResults {
                        dkim: vec![api::DKIMAuthResult {
                            domain: "example.org".into(),
                            selector: "2024a".into(),
                            result: DKIMResult::DKIMPass,
                            human_result: "".into(),
                        }],
                        spf: vec![api::SPFAuthResult {
                            domain: "example.org".into(),
                            scope: SPFDomainScope::SPFDomainScopeMailFrom,
                            result: SPFResult::SPFPass,
                        }],
                    },
                },
                api::ReportRecord {
                    row: api::Row {
                        source_ip: "2001:db8::25".into(),
                        count: 3,
                        policy_evaluated: api::PolicyEvaluated {
                            disposition: Disposition::DispositionReject,
                            dkim: DMARCResult::DMARCFail,
                            spf: DMARCResult::DMARCFail,
                            reasons: vec![],
                        },
                    },
                    identifiers: api::Identifiers {
                        envelope_to: "".into(),
                        envelope_from: "spammer.example".into(),
                        header_from: "example.org".into(),
                    },
                    auth_results: api::AuthResults {
                        dkim: vec![api::DKIMAuthResult {
                            domain: "spammer.example".into(),
                            selector: "x".into(),
                            result: DKIMResult::DKIMFail,
                            human_result: "signature verification failed".into(),
                        }],
                        spf: vec![api::SPFAuthResult {
                            domain: "spammer.example".into(),
                            scope: SPFDomainScope::SPFDomainScopeMailFrom,
                            result: SPFResult::SPFSoftfail,
                        }],
                    },
                },
                api::ReportRecord {
                    row: api::Row {
                        source_ip: "198.51.100.7".into(),
                        count: 5,
                        policy_evaluated: api::PolicyEvaluated {
                            disposition: Disposition::DispositionNone,
                            dkim: DMARCResult::DMARCFail,
                            spf: DMARCResult::DMARCFail,
                            reasons: vec![api::PolicyOverrideReason {
                                r#type: PolicyOverride::PolicyOverrideMailingList,
                                comment: "list.example.net".into(),
                            }],
                        },
                    },
                    identifiers: api::Identifiers {
                        envelope_to: "".into(),
                        envelope_from: "list.example.net".into(),
                        header_from: "example.org".into(),
                    },
                    auth_results: api::AuthResults {
                        dkim: vec![
                            api::DKIMAuthResult {
                                domain: "example.org".into(),
                                selector: "2024a".into(),
                                result: DKIMResult::DKIMFail,
                                human_result: "body hash did not verify".into(),
                            },
                            api::DKIMAuthResult {
                                domain: "list.example.net".into(),
                                selector: "lists".into(),
                                result: DKIMResult::DKIMPass,
                                human_result: "".into(),
                            },
                        ],
                        spf: vec![api::SPFAuthResult {
                            domain: "list.example.net".into(),
                            scope: SPFDomainScope::SPFDomainScopeMailFrom,
                            result: SPFResult::SPFPass,
                        }],
                    },
                },
            ],
        }
    }

    #[test]
    fn google_report_exact() {
        assert_eq!(one("dmarc-google.xml"), google());
    }

    #[test]
    fn google_gz_same_as_plain() {
        assert_eq!(one("dmarc-google.xml.gz"), google());
        // Detected by magic bytes, not by name.
        let v = dmarc_reports("report.xml", &fixture("dmarc-google.xml.gz")).unwrap();
        assert_eq!(v, vec![google()]);
    }

    #[test]
    fn yahoo_report_exact() {
        let f = one("dmarc-yahoo.xml");
        assert_eq!(f.domain, "example.com");
        assert_eq!(f.from_domain, "yahooinc.com");
        assert_eq!(f.version, "");
        assert_eq!(
            f.report_metadata,
            api::ReportMetadata {
                org_name: "Yahoo".into(),
                email: "dmarchelp@yahooinc.com".into(),
                extra_contact_info: "".into(),
                report_id: "1704240000.123456".into(),
                date_range: api::DateRange {
                    begin: 1704153600,
                    end: 1704239999
                },
                errors: vec![],
            }
        );
        assert_eq!(
            f.policy_published,
            api::PolicyPublished {
                domain: "example.com".into(),
                adkim: Alignment::AlignmentStrict,
                aspf: Alignment::AlignmentRelaxed,
                policy: Disposition::DispositionQuarantine,
                subdomain_policy: Disposition::DispositionAbsent,
                percentage: 50,
                reporting_options: "1".into(),
            }
        );
        assert_eq!(f.records.len(), 3);
        let r = &f.records[0];
        assert_eq!(r.row.source_ip, "203.0.113.5");
        assert_eq!(r.row.count, 1);
        assert_eq!(
            r.row.policy_evaluated.disposition,
            Disposition::DispositionQuarantine
        );
        assert_eq!(
            r.row.policy_evaluated.reasons,
            vec![api::PolicyOverrideReason {
                r#type: PolicyOverride::PolicyOverrideSampledOut,
                comment: "".into(),
            }]
        );
        assert_eq!(r.identifiers.header_from, "example.com");
        assert!(r.auth_results.dkim.is_empty());
        assert_eq!(
            r.auth_results.spf,
            vec![api::SPFAuthResult {
                domain: "mail.example.com".into(),
                scope: SPFDomainScope::SPFDomainScopeHelo,
                result: SPFResult::SPFNeutral,
            }]
        );
        let r = &f.records[1];
        assert_eq!(r.row.count, 40);
        assert_eq!(
            r.row.policy_evaluated.reasons,
            vec![
                api::PolicyOverrideReason {
                    r#type: PolicyOverride::PolicyOverrideForwarded,
                    comment: "forwarded by university".into(),
                },
                api::PolicyOverrideReason {
                    r#type: PolicyOverride::PolicyOverrideLocalPolicy,
                    comment: "".into(),
                },
            ]
        );
        assert_eq!(r.auth_results.dkim[0].result, DKIMResult::DKIMTemperror);
        assert_eq!(r.auth_results.spf[0].result, SPFResult::SPFPermerror);
        assert_eq!(
            r.auth_results.spf[0].scope,
            SPFDomainScope::SPFDomainScopeAbsent
        );
        let r = &f.records[2];
        assert_eq!(r.row.count, 0);
        assert_eq!(
            r.row.policy_evaluated.disposition,
            Disposition::DispositionNone
        );
        assert_eq!(r.auth_results.dkim[0].result, DKIMResult::DKIMNone);
        assert_eq!(r.auth_results.dkim[0].selector, "");
    }

    #[test]
    fn dmarcbis_unicode_unknown_values() {
        let f = one("dmarc-reporter-example.xml");
        // Namespaced DMARCbis report, Unicode policy domain, unknown enum values kept.
        assert_eq!(f.domain, "münchen.example");
        assert_eq!(f.policy_published.domain, "xn--mnchen-3ya.example");
        assert_eq!(f.from_domain, "reporter.example");
        assert_eq!(f.version, "2.0");
        assert_eq!(f.report_metadata.extra_contact_info, "+1 555 0100");
        assert_eq!(
            f.report_metadata.errors,
            vec![
                "record 7 skipped: bad IP".to_string(),
                "clock skew".to_string()
            ]
        );
        assert_eq!(f.policy_published.policy, Disposition::DispositionReject);
        assert_eq!(
            f.policy_published.subdomain_policy,
            Disposition::DispositionQuarantine
        );
        assert_eq!(f.policy_published.percentage, 0);
        assert_eq!(f.records.len(), 2);
        let r = &f.records[0];
        assert_eq!(r.row.policy_evaluated.dkim, DMARCResult::DMARCPass);
        assert_eq!(
            r.row.policy_evaluated.spf,
            DMARCResult::Other("unknown".into())
        );
        assert_eq!(r.identifiers.envelope_to, "münchen.example");
        assert_eq!(r.auth_results.dkim[0].result, DKIMResult::DKIMPolicy);
        assert_eq!(r.auth_results.dkim[1].result, DKIMResult::DKIMNeutral);
        assert_eq!(r.auth_results.dkim[1].human_result, "key too short");
        assert_eq!(r.auth_results.spf[0].result, SPFResult::SPFNone);
        let r = &f.records[1];
        assert_eq!(
            r.row.policy_evaluated.reasons,
            vec![
                api::PolicyOverrideReason {
                    r#type: PolicyOverride::PolicyOverrideTrustedForwarder,
                    comment: "arc".into(),
                },
                api::PolicyOverrideReason {
                    r#type: PolicyOverride::Other("policy_test_mode".into()),
                    comment: "".into(),
                },
                api::PolicyOverrideReason {
                    r#type: PolicyOverride::PolicyOverrideOther,
                    comment: "<&> escaped".into(),
                },
            ]
        );
        assert_eq!(
            r.row.policy_evaluated.disposition,
            Disposition::Other("discard".into())
        );
        assert_eq!(r.auth_results.spf[0].result, SPFResult::SPFTemperror);
        assert_eq!(
            r.auth_results.spf[0].scope,
            SPFDomainScope::SPFDomainScopeMailFrom
        );
    }

    #[test]
    fn zip_with_all_reports() {
        let v = dmarc_reports("reports.zip", &fixture("dmarc-reports.zip")).unwrap();
        // google (plain), yahoo (gzipped member), reporter-example; README.txt and the
        // __MACOSX fork are skipped.
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], google());
        assert_eq!(v[1], one("dmarc-yahoo.xml"));
        assert_eq!(v[2], one("dmarc-reporter-example.xml"));
    }

    #[test]
    fn malformed_fixture() {
        let e = dmarc_reports("dmarc-malformed.xml", &fixture("dmarc-malformed.xml")).unwrap_err();
        assert_eq!(e.file(), "dmarc-malformed.xml");
        assert_eq!(
            e.to_string(),
            "dmarc-malformed.xml: invalid XML: expected 'domain' tag, not 'domaine' at 13:24"
        );
    }

    fn doc(metadata: &str, policy: &str, records: &str) -> String {
        format!(
            "<feedback><report_metadata>{metadata}</report_metadata>\
             <policy_published>{policy}</policy_published>{records}</feedback>"
        )
    }

    const MD: &str = "<org_name>o</org_name><email>a@b.example</email><report_id>r1</report_id>\
                      <date_range><begin>1</begin><end>2</end></date_range>";
    const PP: &str = "<domain>Example.COM</domain><p>none</p>";

    fn parse(s: &str) -> Result<api::DomainFeedback, String> {
        let mut v = dmarc_reports("t.xml", s.as_bytes()).map_err(|e| e.to_string())?;
        assert_eq!(v.len(), 1);
        Ok(v.remove(0))
    }

    #[test]
    fn minimal_report() {
        let f = parse(&doc(MD, PP, "")).unwrap();
        assert_eq!(f.domain, "example.com");
        assert_eq!(f.policy_published.domain, "Example.COM");
        assert_eq!(f.from_domain, "b.example");
        assert!(f.records.is_empty());
        let f = parse(&format!("\n\n<?xml version=\"1.0\"?>\n{}", doc(MD, PP, ""))).unwrap();
        assert_eq!(f.report_metadata.report_id, "r1");
        let f = parse(&doc(MD, "<domain>example.com.</domain>", "")).unwrap();
        assert_eq!(f.domain, "example.com");
        let f = parse(&doc(
            &MD.replace("a@b.example", "not an address"),
            PP,
            "<record><row><source_ip> 192.0.2.1 </source_ip><count> 7 </count></row></record>",
        ))
        .unwrap();
        assert_eq!(f.from_domain, "");
        assert_eq!(f.records[0].row.source_ip, "192.0.2.1");
        assert_eq!(f.records[0].row.count, 7);
        assert_eq!(
            f.records[0].row.policy_evaluated,
            api::PolicyEvaluated::default()
        );
        assert_eq!(f.records[0].identifiers, api::Identifiers::default());
    }

    #[test]
    fn semantic_errors() {
        let rec = |row: &str| format!("<record><row>{row}</row></record>");
        let cases: Vec<(String, &str)> = vec![
            ("".into(), "t.xml: invalid XML: "),
            ("<feedback>".into(), "t.xml: invalid XML: "),
            (
                "<report/>".into(),
                "t.xml: line 1 column 1: <report>: root element must be <feedback>, not a DMARC aggregate report",
            ),
            (
                "<feedback/>".into(),
                "t.xml: line 1 column 1: <feedback>: missing required element <report_metadata>",
            ),
            (
                doc(MD, "", ""),
                "t.xml: line 1 column 172: <policy_published>: missing required element <domain>",
            ),
            (
                doc(MD, "<domain> </domain>", ""),
                "t.xml: line 1 column 190: <domain>: empty domain",
            ),
            (
                doc(MD, "<domain>ex_ample.com</domain>", ""),
                "t.xml: policy_published domain \"ex_ample.com\": idna: to ascii: invalid label \"ex_ample\"",
            ),
            (
                doc(&MD.replace("r1", ""), PP, ""),
                "t.xml: line 1 column 76: <report_id>: empty report ID",
            ),
            (
                doc(&MD.replace("<begin>1</begin>", "<begin>x</begin>"), PP, ""),
                "t.xml: line 1 column 113: <begin>: invalid integer \"x\"",
            ),
            (
                doc(&MD.replace("<end>2</end>", ""), PP, ""),
                "t.xml: line 1 column 101: <date_range>: missing required element <end>",
            ),
            (
                doc(MD, &format!("{PP}<pct>101x</pct>"), ""),
                "t.xml: line 1 column 229: <pct>: invalid integer \"101x\"",
            ),
            (
                doc(MD, &format!("{PP}<p>reject</p>"), ""),
                "t.xml: line 1 column 229: <p>: duplicate element",
            ),
            (
                doc(
                    MD,
                    PP,
                    &rec("<source_ip>192.0.2.300</source_ip><count>1</count>"),
                ),
                "t.xml: line 1 column 261: <source_ip>: invalid IP address \"192.0.2.300\"",
            ),
            (
                doc(
                    MD,
                    PP,
                    &rec("<source_ip>192.0.2.3</source_ip><count>-1</count>"),
                ),
                "t.xml: line 1 column 293: <count>: -1 is out of range 0..=2147483647",
            ),
            (
                doc(
                    MD,
                    PP,
                    &rec("<source_ip>192.0.2.3</source_ip><count>2147483648</count>"),
                ),
                "t.xml: line 1 column 293: <count>: 2147483648 is out of range 0..=2147483647",
            ),
            (
                doc(MD, PP, &rec("<source_ip>192.0.2.3</source_ip>")),
                "t.xml: line 1 column 256: <row>: missing required element <count>",
            ),
            (
                doc(MD, PP, "<record/>"),
                "t.xml: line 1 column 248: <record>: missing required element <row>",
            ),
            (
                doc(
                    MD,
                    PP,
                    &rec("<source_ip>192.0.2.3</source_ip><count>1<x/></count>"),
                ),
                "t.xml: line 1 column 293: <count>: expected text, found element <x>",
            ),
            (
                "<!DOCTYPE feedback [<!ENTITY a \"b\">]><feedback/>".into(),
                "t.xml: invalid XML: ",
            ),
        ];
        for (input, want) in cases {
            let got = parse(&input).unwrap_err();
            if want.ends_with(": ") {
                assert!(got.starts_with(want), "input {input:?}: got {got:?}");
            } else {
                assert_eq!(got, want, "input {input:?}");
            }
        }
    }

    #[test]
    fn zip_errors() {
        let e = dmarc_reports("x.zip", &fixture("dmarc-empty.zip")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.zip: zip archive has no .xml or .xml.gz member with a report"
        );
        let e = dmarc_reports("x.zip", &fixture("dmarc-bad-member.zip")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.zip: member \"bad.xml\": invalid XML: "),
            "{e}"
        );
        let e = dmarc_reports("x.gz", &[0x1f, 0x8b, 1, 2, 3]).unwrap_err();
        assert!(
            e.to_string().starts_with("x.gz: reading gzip data: "),
            "{e}"
        );
    }

    #[test]
    fn member_names() {
        assert!(is_report_member("a.xml"));
        assert!(is_report_member("dir/A.XML"));
        assert!(is_report_member("a.xml.gz"));
        assert!(!is_report_member("README.txt"));
        assert!(!is_report_member("__MACOSX/._a.xml"));
        assert!(!is_report_member("dir/._a.xml"));
    }

    #[test]
    fn synthetic_reports_parse() {
        for i in [0u64, 1, 2, 3, 4, 5, 19, 20, 999, 1000, 123_456, u64::MAX] {
            let xml = synthetic_dmarc_xml(i);
            let v = dmarc_reports("synthetic.xml", xml.as_bytes()).unwrap();
            let f = &v[0];
            assert_eq!(f.report_metadata.report_id, format!("synthetic-{i}"));
            assert_eq!(f.records.len() as u64, 1 + i % 4);
            assert_eq!(
                f.report_metadata.date_range.end - f.report_metadata.date_range.begin,
                86_399
            );
            let want_domain = match SYNTHETIC_DOMAINS[((i / 5) % 4) as usize] {
                "xn--mnchen-3ya.example" => "münchen.example",
                d => d,
            };
            assert_eq!(f.domain, want_domain);
            assert!(f.records.iter().all(|r| r.row.count >= 1));
        }
        assert_ne!(synthetic_dmarc_xml(1), synthetic_dmarc_xml(2));
    }
}
