//! The fourteen CheckDomain sub-checks, one submodule per area (DNSSEC, IPRev, MX, TLS,
//! DANE, SPF, DKIM, DMARC, TLSRPT for host and domain, MTA-STS, SRV, autoconfig and
//! autodiscover). They run concurrently under one deadline; each writes only its own
//! section, so there are no shared accumulators (mox's TLS goroutine wrote into the MX
//! section). The long advice texts mox shows are kept verbatim in `texts/`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use sherpa_admin::api::{
    self, AutoconfCheckResult, AutodiscoverCheckResult, AutodiscoverSRV, CheckResult,
    DANECheckResult, DKIMCheckResult, DKIMRecord, DMARCCheckResult, DMARCPolicy, DMARCRecord,
    DNSSECResult, Directive, IPRevCheckResult, MTASTSCheckResult, MTASTSRecord, MXCheckResult,
    Mode, Policy, RUA, Record, SPFCheckResult, SPFRecord, SRV, SRVConfCheckResult, TLSCheckResult,
    TLSRPTCheckResult, TLSRPTRecord,
};

use crate::checks::records::{self, txt_strings};
use crate::checks::resolver::Resolver;
use crate::checks::{DkimKey, HostKey, fmt_ips, load_host_keys, net};
use crate::config::StaticConfig;
use crate::config::checks::Effective;
use crate::dns::{Domain, parse_domain};
use crate::dynconf::DomainConf;

mod autoconf;
mod dane;
mod dkim;
mod dmarc;
mod dnssec;
mod iprev;
mod mtasts;
mod mx;
mod spf;
mod srv;
mod tls;
mod tlsrpt;

use autoconf::*;
use dane::*;
use dkim::*;
use dmarc::*;
use dnssec::*;
use iprev::*;
use mtasts::*;
use mx::*;
use spf::*;
use srv::*;
use tls::*;
use tlsrpt::*;

/// Inputs shared by the sub-checks of one call.
pub struct Ctx<'a> {
    pub r: Resolver,
    pub st: &'a StaticConfig,
    pub eff: Effective,
    pub tls: Arc<rustls::ClientConfig>,
    pub domain: Domain,
    pub dc: DomainConf,
    pub hostname: Domain,
    pub our_ips: Vec<IpAddr>,
    pub dkim_keys: BTreeMap<String, Result<DkimKey, String>>,
}

/// How long one sub-check took.
#[derive(Debug, Clone)]
pub struct SubCheckTime {
    pub name: &'static str,
    pub elapsed: Duration,
}

impl Ctx<'_> {
    /// Whether a configured listener has `ip` (or, for a listener on an unspecified
    /// address, a local interface): its range says nothing, a loopback address other
    /// than ours is as foreign as any other (as mox says).
    fn is_our_ip(&self, ip: &IpAddr) -> bool {
        self.our_ips.contains(ip)
    }

    /// Some SMTP listener is behind NAT (NATIPs or IPsNATed).
    fn is_nat(&self) -> bool {
        self.st
            .listeners
            .values()
            .any(|l| l.smtp.enabled && (!l.nat_ips.is_empty() || l.ips_nated))
    }

    /// Some SMTP listener has unknown public IPs: IP ownership checks are skipped.
    fn is_unspecified_nat(&self) -> bool {
        self.st
            .listeners
            .values()
            .any(|l| l.smtp.enabled && l.ips_nated)
    }

    fn d(&self) -> &str {
        &self.domain.ascii
    }

    fn h(&self) -> &str {
        &self.hostname.ascii
    }

    /// A/AAAA lookup split into ours and not ours.
    async fn lookup_ips(
        &self,
        host: &str,
    ) -> Result<(Vec<IpAddr>, Vec<IpAddr>, Vec<IpAddr>), String> {
        let a = self.r.ips(host).await.map_err(|e| e.to_string())?;
        let (ours, not): (Vec<IpAddr>, Vec<IpAddr>) =
            a.records.iter().partition(|ip| self.is_our_ip(ip));
        Ok((a.records, ours, not))
    }
}

fn strs(ips: &[IpAddr]) -> Vec<String> {
    ips.iter().map(|i| i.to_string()).collect()
}

/// Runs all sub-checks under the overall deadline.
pub async fn run(c: &Ctx<'_>) -> (CheckResult, Vec<SubCheckTime>) {
    let deadline = tokio::time::Instant::now() + c.eff.deadline;
    let limit = c.eff.deadline;
    macro_rules! sub {
        ($name:literal, $f:ident, $ty:ty) => {
            async {
                let start = Instant::now();
                let mut out = <$ty>::default();
                if tokio::time::timeout_at(deadline, $f(c, &mut out)).await.is_err() {
                    out.errors.push(format!(
                        "Check did not complete within the deadline of {}s, results are incomplete (temporary error, try again later).",
                        limit.as_secs_f64()
                    ));
                }
                (
                    out,
                    SubCheckTime {
                        name: $name,
                        elapsed: start.elapsed(),
                    },
                )
            }
        };
    }
    let (
        (dnssec, t1),
        (iprev, t2),
        (mx, t3),
        (tls, t4),
        (dane, t5),
        (spf, t6),
        (dkim, t7),
        (dmarc, t8),
        (host_tlsrpt, t9),
        (domain_tlsrpt, t10),
        (mtasts, t11),
        (srv, t12),
        (autoconf, t13),
        (autodiscover, t14),
    ) = tokio::join!(
        sub!("DNSSEC", check_dnssec, DNSSECResult),
        sub!("IPRev", check_iprev, IPRevCheckResult),
        sub!("MX", check_mx, MXCheckResult),
        sub!("TLS", check_tls, TLSCheckResult),
        sub!("DANE", check_dane, DANECheckResult),
        sub!("SPF", check_spf, SPFCheckResult),
        sub!("DKIM", check_dkim, DKIMCheckResult),
        sub!("DMARC", check_dmarc, DMARCCheckResult),
        sub!("HostTLSRPT", check_host_tlsrpt, TLSRPTCheckResult),
        sub!("DomainTLSRPT", check_domain_tlsrpt, TLSRPTCheckResult),
        sub!("MTASTS", check_mtasts, MTASTSCheckResult),
        sub!("SRVConf", check_srv, SRVConfCheckResult),
        sub!("Autoconf", check_autoconf, AutoconfCheckResult),
        sub!("Autodiscover", check_autodiscover, AutodiscoverCheckResult),
    );
    let result = CheckResult {
        domain: c.domain.name().to_string(),
        dnssec,
        ip_rev: iprev,
        mx,
        tls,
        dane,
        spf,
        dkim,
        dmarc,
        host_tlsrpt,
        domain_tlsrpt,
        mtasts,
        srv_conf: srv,
        autoconf,
        autodiscover,
    };
    (
        result,
        vec![t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Listener;

    fn domain(s: &str) -> Domain {
        parse_domain(s).expect("valid test domain")
    }

    #[test]
    fn org_domain_uses_the_public_suffix_list() {
        assert_eq!(
            org_domain(&domain("mail.example.co.uk")).ascii,
            "example.co.uk"
        );
        assert_eq!(org_domain(&domain("a.b.example.com")).ascii, "example.com");
        assert_eq!(org_domain(&domain("example.com")).ascii, "example.com");
    }

    #[test]
    fn dest_domain_defaults_to_the_domain_itself() {
        let d = domain("example.org");
        assert_eq!(dest_domain("", &d).ascii, "example.org");
        assert_eq!(
            dest_domain("reports.example.net", &d).ascii,
            "reports.example.net"
        );
        // An unparsable destination falls back to the domain rather than failing the check.
        assert_eq!(dest_domain("trailing.dot.", &d).ascii, "example.org");
    }

    #[test]
    fn mailto_escapes_what_report_uris_cannot_hold() {
        let d = domain("example.org");
        assert_eq!(
            mailto("dmarc-reports", &d, &[]),
            "mailto:dmarc-reports@example.org"
        );
        assert_eq!(
            mailto("a,b!c;d", &d, TLSRPT_ESCAPES),
            "mailto:\"a%2Cb%21c%3Bd\"@example.org"
        );
    }

    #[test]
    fn spf_results_have_distinct_rfc_names() {
        use mail_auth::SpfResult::*;
        let all = [Pass, Fail, SoftFail, Neutral, TempError, PermError, None];
        let names: BTreeSet<&str> = all.into_iter().map(spf_result_text).collect();
        assert_eq!(names.len(), all.len());
        assert!(names.contains("softfail") && names.contains("permerror"));
    }

    fn config_with_ips(sets: &[&[&str]]) -> StaticConfig {
        let mut st = StaticConfig::default();
        st.listeners.clear();
        for (i, ips) in sets.iter().enumerate() {
            let l = Listener {
                ips: ips.iter().map(|s| s.to_string()).collect(),
                ..Listener::default()
            };
            st.listeners.insert(format!("l{i}"), l);
        }
        st
    }

    #[test]
    fn specified_listen_ips_only_when_unambiguous() {
        let one_each = config_with_ips(&[&["192.0.2.1", "2001:db8::1"]]);
        assert_eq!(
            strs(&specified_smtp_listen_ips(&one_each)),
            ["192.0.2.1", "2001:db8::1"]
        );
        // An unspecified address anywhere means "all addresses": nothing is specified.
        let any = config_with_ips(&[&["192.0.2.1"], &["0.0.0.0"]]);
        assert!(specified_smtp_listen_ips(&any).is_empty());
        // Two IPv4 addresses are ambiguous for the reverse-DNS check.
        let two_v4 = config_with_ips(&[&["192.0.2.1"], &["192.0.2.2"]]);
        assert!(specified_smtp_listen_ips(&two_v4).is_empty());
        // Listeners without SMTP do not count.
        let mut no_smtp = config_with_ips(&[&["192.0.2.1"], &["192.0.2.2"]]);
        if let Some(l) = no_smtp.listeners.get_mut("l1") {
            l.smtp.enabled = false;
        }
        assert_eq!(strs(&specified_smtp_listen_ips(&no_smtp)), ["192.0.2.1"]);
    }

    #[test]
    fn advice_texts_are_loaded_whole() {
        assert!(DNSSEC_RESOLVER_WARNING.starts_with("It looks like the DNS resolvers"));
        assert!(
            DNSSEC_INSTRUCTION_UNBOUND.contains("cat <<EOF >/etc/unbound/unbound.conf.d/ede.conf")
        );
        assert!(DNSSEC_INSTRUCTION_UNBOUND.ends_with("EOF\n"));
        assert!(TLSRPT_INTRO.starts_with("TLSRPT is an opt-in mechanism"));
        assert!(MTASTS_INTRO.starts_with("MTA-STS is an opt-in mechanism"));
        assert!(MTASTS_ENABLE.starts_with("Enable a policy through the configuration file."));
        for t in [DNSSEC_RESOLVER_WARNING, TLSRPT_INTRO, MTASTS_ENABLE] {
            assert!(!t.ends_with('\n'), "text gained a trailing newline: {t:?}");
        }
    }

    /// A context whose DNS server refuses every query (a closed port on loopback), so
    /// each sub-check's handling of a failed lookup is seen without a network.
    fn unreachable_dns(st: &mut StaticConfig) {
        st.dns.upstream = "127.0.0.1:9".to_string();
        st.dns.timeout = "300ms".to_string();
        st.dns.attempts = 1;
        st.checks.dial_timeout = "300ms".to_string();
        st.checks.smtp_port = 9;
        st.checks.https_port = 9;
    }

    fn ctx(st: &StaticConfig) -> Ctx<'_> {
        Ctx {
            r: Resolver::new(&st.dns).expect("test resolver"),
            st,
            eff: st.checks.effective().expect("test check settings"),
            tls: crate::checks::net::client_config(&[]).expect("TLS roots"),
            domain: domain("example.org"),
            dc: DomainConf::default(),
            hostname: domain("mail.example.org"),
            our_ips: vec!["192.0.2.1".parse().expect("ip")],
            dkim_keys: BTreeMap::new(),
        }
    }

    /// Every sub-check on its own: each reports a failed lookup as an error of its own
    /// section (no panic, no silent pass) and names what it was looking up.
    #[tokio::test]
    async fn every_sub_check_reports_unreachable_dns() {
        let mut st = StaticConfig::default();
        unreachable_dns(&mut st);
        let c = ctx(&st);
        macro_rules! errors_of {
            ($f:ident, $ty:ty) => {{
                let mut out = <$ty>::default();
                $f(&c, &mut out).await;
                out.errors
            }};
        }
        let cases: Vec<(&str, Vec<String>, &str)> = vec![
            (
                "IPRev",
                errors_of!(check_iprev, IPRevCheckResult),
                "mail.example.org",
            ),
            ("MX", errors_of!(check_mx, MXCheckResult), "MX"),
            ("DANE", errors_of!(check_dane, DANECheckResult), "MX hosts"),
            ("SPF", errors_of!(check_spf, SPFCheckResult), "SPF"),
            // Without DKIM selectors nothing is looked up; the advice says so.
            (
                "DKIM",
                errors_of!(check_dkim, DKIMCheckResult),
                "No DKIM configuration",
            ),
            ("DMARC", errors_of!(check_dmarc, DMARCCheckResult), "DMARC"),
            (
                "HostTLSRPT",
                errors_of!(check_host_tlsrpt, TLSRPTCheckResult),
                "TLSRPT",
            ),
            (
                "DomainTLSRPT",
                errors_of!(check_domain_tlsrpt, TLSRPTCheckResult),
                "TLSRPT",
            ),
            (
                "MTASTS",
                errors_of!(check_mtasts, MTASTSCheckResult),
                "MTA-STS",
            ),
            ("SRVConf", errors_of!(check_srv, SRVConfCheckResult), "SRV"),
            (
                "Autoconf",
                errors_of!(check_autoconf, AutoconfCheckResult),
                "autoconfig",
            ),
            (
                "Autodiscover",
                errors_of!(check_autodiscover, AutodiscoverCheckResult),
                "autodiscover",
            ),
        ];
        // TLS connects to the MX hosts the MX lookup found: none here, and the failed MX
        // lookup is reported once, by the MX section.
        assert_eq!(errors_of!(check_tls, TLSCheckResult), Vec::<String>::new());
        for (name, errors, mentions) in cases {
            assert!(!errors.is_empty(), "{name}: no error for unreachable DNS");
            assert!(
                errors
                    .iter()
                    .any(|e| e.to_lowercase().contains(&mentions.to_lowercase())),
                "{name}: {errors:?} does not mention {mentions:?}"
            );
        }
    }
}
