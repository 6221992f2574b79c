//! The fourteen CheckDomain sub-checks. They run concurrently under one deadline; each
//! writes only its own section, so there are no shared accumulators (mox's TLS goroutine
//! wrote into the MX section).

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

use super::records::{dkim, dmarc, mtasts, spf, tlsrpt, txt_strings};
use super::resolver::Resolver;
use super::{DkimKey, HostKey, fmt_ips, load_host_keys, net};
use crate::config::StaticConfig;
use crate::config::checks::Effective;
use crate::dns::{Domain, parse_domain};
use crate::dynconf::DomainConf;

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
    fn is_our_ip(&self, ip: &IpAddr) -> bool {
        ip.is_loopback() || self.our_ips.contains(ip)
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

const DNSSEC_RESOLVER_WARNING: &str = "It looks like the DNS resolvers configured on your system do not verify DNSSEC, or aren't trusted (by having loopback IPs or through \"options trust-ad\" in /etc/resolv.conf).  Without DNSSEC, outbound delivery with SMTP uses unprotected MX records, and SMTP STARTTLS connections cannot verify the TLS certificate with DANE (based on public keys in DNS), and will fall back to either MTA-STS for verification, or use \"opportunistic TLS\" with no certificate verification.";

const DNSSEC_INSTRUCTION_UNBOUND: &str = "If your DNS records are already DNSSEC-signed, you may not have a DNSSEC-verifying recursive resolver configured. Install unbound, ensure it has DNSSEC root keys (see unbound-anchor), and enable support for \"extended dns errors\" (EDE, available since unbound v1.16.0). Test with \"dig com. ns\" and look for \"ad\" (authentic data) in response \"flags\".\n\ncat <<EOF >/etc/unbound/unbound.conf.d/ede.conf\nserver:\n    ede: yes\n    val-log-level: 2\nEOF\n";

async fn check_dnssec(c: &Ctx<'_>, r: &mut DNSSECResult) {
    match c.r.ns(".").await {
        Err(e) => r.errors.push(format!(
            "Looking up NS for DNS root (.) to check support in resolver for DNSSEC-verification: {e}"
        )),
        Ok(a) if !a.authentic => r.warnings.push(DNSSEC_RESOLVER_WARNING.to_string()),
        Ok(_) => {
            let signed = matches!(c.r.mx(&format!("{}.", c.d())).await, Ok(a) if a.authentic);
            if !signed {
                r.warnings.push("DNS records for this domain (zone) are not DNSSEC-signed. Mail servers sending email to your domain, or receiving email from your domain, cannot verify that the MX/SPF/DKIM/DMARC/MTA-STS records they see are authentic.".to_string());
            }
        }
    }
    r.instructions.push("Enable DNSSEC-signing of the DNS records of your domain (zone) at your DNS hosting provider.".to_string());
    r.instructions.push(DNSSEC_INSTRUCTION_UNBOUND.to_string());
}

/// mox's `SpecifiedSMTPListenIPs`: explicit SMTP listen IPs, only when none is unspecified
/// and there is at most one IPv4 and one IPv6 address.
fn specified_smtp_listen_ips(st: &StaticConfig) -> Vec<IpAddr> {
    let mut ips = Vec::new();
    for l in st.listeners.values().filter(|l| l.smtp.enabled) {
        for s in &l.ips {
            match s.parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => return Vec::new(),
                Ok(ip) => ips.push(ip),
                Err(_) => {}
            }
        }
    }
    let v4 = ips.iter().filter(|i| i.is_ipv4()).count();
    let v6 = ips.len() - v4;
    if v4 > 1 || v6 > 1 { Vec::new() } else { ips }
}

async fn check_iprev(c: &Ctx<'_>, r: &mut IPRevCheckResult) {
    r.hostname = c.hostname.to_api();
    let host_ips = match c.r.ips(&format!("{}.", c.h())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors.push(format!("Looking up IPs for hostname: {e}"));
            Vec::new()
        }
    };
    // host → IPs that must have it as reverse name.
    let mut hosts: Vec<(Domain, Vec<IpAddr>)> = Vec::new();
    let mut ips = host_ips.clone();
    let add = |ips: &mut Vec<IpAddr>, ip: IpAddr| {
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    };
    if !c.is_nat() {
        for ip in specified_smtp_listen_ips(c.st) {
            add(&mut ips, ip);
        }
    }
    for l in c.st.listeners.values().filter(|l| l.smtp.enabled) {
        for s in &l.nat_ips {
            if let Ok(ip) = s.parse() {
                add(&mut ips, ip);
            }
        }
    }
    let ips_str: Vec<String> = strs(&ips);
    hosts.push((c.hostname.clone(), ips));
    r.instructions.push(format!(
        "Ensure IPs {} have reverse address {}.",
        ips_str.join(", "),
        c.h()
    ));
    for (name, t) in &c.st.transports {
        if let Some(s) = &t.socks {
            let h = parse_domain(&s.remote_hostname).unwrap_or_default();
            let l: Vec<IpAddr> = s.remote_ips.iter().filter_map(|i| i.parse().ok()).collect();
            r.instructions.push(format!(
                "For SOCKS transport {name}, ensure IPs {} have reverse address {}.",
                s.remote_ips.join(", "),
                s.remote_hostname
            ));
            hosts.push((h, l));
        }
    }
    let mut futs = Vec::new();
    for (host, ips) in &hosts {
        for ip in ips {
            futs.push(async move { (host, *ip, c.r.ptr(*ip).await) });
        }
    }
    for (host, ip, res) in join_all(futs).await {
        let names = match res {
            Ok(a) => a.records,
            Err(e) => {
                r.errors
                    .push(format!("Looking up reverse name for {ip} of {host}: {e}"));
                continue;
            }
        };
        if names.len() != 1 {
            r.errors.push(format!(
                "Expected exactly 1 name for {ip} of {host}, got {} ([{}])",
                names.len(),
                names.join(" ")
            ));
        }
        let mut matched = false;
        let mut stripped = Vec::new();
        for n in &names {
            let a = n.trim_end_matches('.').to_string();
            match parse_domain(&a) {
                Ok(d) if &d == host => matched = true,
                Ok(_) => {}
                Err(e) => r
                    .errors
                    .push(format!("Parsing reverse name {a:?} for {ip}: {e}")),
            }
            stripped.push(a);
        }
        if !matched {
            r.errors.push(format!(
                "Reverse name(s) {} for ip {ip} do not match hostname {host}, which will cause other mail servers to reject incoming messages from this IP.",
                stripped.join(",")
            ));
        }
        r.ip_names.insert(ip.to_string(), stripped);
    }
    let configured: Vec<IpAddr> =
        c.st.listeners
            .values()
            .flat_map(|l| l.ips.iter().filter_map(|s| s.parse::<IpAddr>().ok()))
            .collect();
    for ip in &host_ips {
        if ip.is_loopback() && !configured.contains(ip) {
            r.errors.push(format!("Hostname {} resolves to loopback IP {ip}, this will likely prevent email delivery to local accounts from working. The loopback IP was probably configured in /etc/hosts at system installation time. Replace the loopback IP with your actual external IPs in /etc/hosts.", c.hostname));
        }
    }
}

async fn check_mx(c: &Ctx<'_>, r: &mut MXCheckResult) {
    let mxs = match c.r.mx(&format!("{}.", c.d())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors
                .push(format!("Looking up MX records for {}: {e}", c.domain));
            Vec::new()
        }
    };
    r.records = mxs
        .iter()
        .map(|m| api::MX {
            host: m.host.clone(),
            pref: i32::from(m.pref),
            ips: Vec::new(),
        })
        .collect();
    if mxs.len() == 1 && mxs[0].host == "." {
        r.errors.push("MX records consists of explicit null mx record (\".\") indicating that domain does not accept email.".to_string());
        return;
    }
    let lookups = join_all(mxs.iter().map(|m| c.lookup_ips(&m.host))).await;
    for (i, (m, res)) in mxs.iter().zip(lookups).enumerate() {
        match res {
            Err(e) => r
                .errors
                .push(format!("Looking up IPs for mx host {:?}: {e}", m.host)),
            Ok((ips, ours, not)) => {
                r.records[i].ips = strs(&ips);
                if !c.is_unspecified_nat() {
                    if ours.is_empty() {
                        r.errors.push(format!(
                            "None of the IPs that mx {:?} points to is ours: {}",
                            m.host,
                            fmt_ips(&not)
                        ));
                    } else if !not.is_empty() {
                        r.errors.push(format!(
                            "Some of the IPs that mx {:?} points to are not ours: {}",
                            m.host,
                            fmt_ips(&not)
                        ));
                    }
                }
            }
        }
    }
    r.instructions.push(format!(
        "Ensure a DNS MX record like the following exists:\n\n\t{}. MX 10 {}.\n\nWithout the trailing dot, the name would be interpreted as relative to the domain.",
        c.d(),
        c.h()
    ));
}

async fn check_tls(c: &Ctx<'_>, r: &mut TLSCheckResult) {
    // Lookup errors are reported by the MX check.
    let Ok(a) = c.r.mx(&format!("{}.", c.d())).await else {
        return;
    };
    let mxs = a.records;
    if mxs.len() == 1 && mxs[0].host == "." {
        return;
    }
    let mut targets = Vec::new();
    for m in &mxs {
        if let Ok(ips) = c.r.ips(&m.host).await {
            for ip in ips.records {
                targets.push((m.host.clone(), ip));
            }
        }
    }
    let results = join_all(targets.iter().map(|(h, ip)| {
        net::smtp_starttls(c.tls.clone(), h, *ip, c.eff.smtp_port, c.eff.dial_timeout)
    }))
    .await;
    for ((h, ip), res) in targets.iter().zip(results) {
        if let Err(e) = res {
            r.errors.push(format!(
                "SMTP connection with STARTTLS to MX hostname {h:?} IP {ip}: {e}"
            ));
        }
    }
}

/// The expected TLSA records of a listener, or an error message.
fn dane_records(c: &Ctx<'_>, listener: &str) -> Result<BTreeSet<String>, String> {
    let Some(l) = c.st.listeners.get(listener) else {
        return Ok(BTreeSet::new());
    };
    if !l.tls {
        return Ok(BTreeSet::new());
    }
    Ok(load_host_keys(c.st, listener)?
        .iter()
        .map(HostKey::tlsa)
        .collect())
}

async fn check_dane(c: &Ctx<'_>, r: &mut DANECheckResult) {
    match c.r.mx(&format!("{}.", c.d())).await {
        Err(e) => r.errors.push(format!(
            "Looking up MX hosts to check for DANE records: {e}"
        )),
        Ok(a) => {
            if !a.authentic {
                r.warnings
                    .push("DANE is inactive because MX records are not DNSSEC-signed.".to_string());
            }
            for m in a.records.iter().filter(|m| m.host != ".") {
                let host = m.host.trim_end_matches('.');
                let listener = c
                    .st
                    .listeners
                    .iter()
                    .find(|(_, l)| {
                        !l.hostname.is_empty()
                            && parse_domain(&l.hostname).is_ok_and(|d| d.ascii == host)
                    })
                    .map(|(n, _)| n.clone())
                    .or_else(|| {
                        let public = c.st.listeners.get("public")?;
                        (c.h() == host && public.hostname.is_empty()).then(|| "public".to_string())
                    });
                let mut expect = match listener {
                    Some(l) => match dane_records(c, &l) {
                        Ok(s) => s,
                        Err(e) => {
                            r.errors.push(format!(
                                "Loading host keys for DANE records of listener {l}: {e}"
                            ));
                            BTreeSet::new()
                        }
                    },
                    None => BTreeSet::new(),
                };
                let tlsa = match c.r.tlsa(&format!("_25._tcp.{host}.")).await {
                    Err(e) if e.is_not_found() => {
                        if !expect.is_empty() {
                            let l: Vec<String> = expect.into_iter().collect();
                            r.errors.push(format!(
                                "No DANE records for MX host {host}, expected: {}.",
                                l.join("; ")
                            ));
                        }
                        continue;
                    }
                    Err(e) => {
                        r.errors
                            .push(format!("Looking up DANE records for MX host {host}: {e}"));
                        continue;
                    }
                    Ok(t) => t,
                };
                if !tlsa.authentic && !tlsa.records.is_empty() {
                    r.errors.push(format!(
                        "DANE records exist for MX host {host}, but are not DNSSEC-signed."
                    ));
                }
                let mut extra = BTreeSet::new();
                for t in &tlsa.records {
                    let s = t.record();
                    if !expect.remove(&s) {
                        extra.insert(s);
                    }
                }
                if !expect.is_empty() {
                    let l: Vec<String> = expect.into_iter().collect();
                    r.errors.push(format!(
                        "Missing DANE records of type TLSA for MX host _25._tcp.{host}: {}",
                        l.join("; ")
                    ));
                }
                if !extra.is_empty() {
                    let l: Vec<String> = extra.into_iter().collect();
                    r.errors.push(format!(
                        "Unexpected DANE records of type TLSA for MX host _25._tcp.{host}: {}",
                        l.join("; ")
                    ));
                }
            }
        }
    }
    let public_host = match c.st.listeners.get("public") {
        Some(l) if !l.hostname.is_empty() => parse_domain(&l.hostname).unwrap_or_default().ascii,
        _ => c.h().to_string(),
    };
    match dane_records(c, "public") {
        Ok(recs) if !recs.is_empty() => {
            let mut instr = "Ensure the DNS records below exist. These records are for the whole machine, not per domain, so create them only once. Make sure DNSSEC is enabled, otherwise the records have no effect. The records indicate that a remote mail server trying to deliver email with SMTP (TCP port 25) must verify the TLS certificate with DANE-EE (3), based on the certificate public key (\"SPKI\", 1) that is SHA2-256-hashed (1) to the hexadecimal hash. DANE-EE verification means only the certificate or public key is verified, not whether the certificate is signed by a (centralized) certificate authority (CA), is expired, or matches the host name.\n\n".to_string();
            for rec in recs {
                instr.push_str(&format!("\t_25._tcp.{public_host}. TLSA {rec}\n"));
            }
            r.instructions.push(instr);
        }
        Ok(_) => {}
        Err(e) => r.errors.push(format!(
            "Loading host keys for DANE records of listener public: {e}"
        )),
    }
}

/// mox's `spf.Lookup`: the single `v=spf1` TXT record at the name.
async fn spf_lookup(rs: &Resolver, d: &Domain) -> (String, Option<SPFRecord>, Option<String>) {
    let txts = match rs.txt(&format!("{}.", d.ascii)).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => {
            return (String::new(), None, Some("spf: no txt record".to_string()));
        }
        Err(e) => {
            return (
                String::new(),
                None,
                Some(format!("spf: lookup of dns record: {e}")),
            );
        }
    };
    let l: Vec<&String> = txts.iter().filter(|t| spf::is_spf(t)).collect();
    match l.as_slice() {
        [] => (String::new(), None, Some("spf: no txt record".to_string())),
        [one] => match spf::parse(one) {
            Ok(rec) => ((*one).clone(), Some(rec), None),
            Err(e) => (
                (*one).clone(),
                None,
                Some(format!("spf: malformed spf txt record: {e}")),
            ),
        },
        _ => (
            String::new(),
            None,
            Some("spf: multiple spf txt records in dns".to_string()),
        ),
    }
}

fn spf_result_text(r: mail_auth::SpfResult) -> &'static str {
    use mail_auth::SpfResult::*;
    match r {
        Pass => "pass",
        Fail => "fail",
        SoftFail => "softfail",
        Neutral => "neutral",
        TempError => "temperror",
        PermError => "permerror",
        None => "none",
    }
}

async fn check_spf(c: &Ctx<'_>, r: &mut SPFCheckResult) {
    // Expected sender IPs: SMTP listeners' NATIPs or IPs, plus SOCKS transports' IPs.
    let mut ips: Vec<IpAddr> = Vec::new();
    let mut unspecified = false;
    for l in
        c.st.listeners
            .values()
            .filter(|l| l.smtp.enabled && !l.ips_nated)
    {
        let list = if l.nat_ips.is_empty() {
            &l.ips
        } else {
            &l.nat_ips
        };
        for s in list {
            match s.parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => unspecified = true,
                Ok(ip) if !ips.contains(&ip) => ips.push(ip),
                _ => {}
            }
        }
    }
    for t in c.st.transports.values() {
        if let Some(s) = &t.socks {
            for ip in s.remote_ips.iter().filter_map(|i| i.parse::<IpAddr>().ok()) {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
        }
    }
    let verify = |kind: &'static str, d: Domain| {
        let ips = ips.clone();
        async move {
            let (txt, record, err) = spf_lookup(&c.r, &d).await;
            let mut errors = Vec::new();
            if let Some(e) = err {
                errors.push(format!("Looking up {kind} SPF record: {e}"));
            }
            if record.is_some() {
                let sender = format!("postmaster@{}", d.ascii);
                for ip in &ips {
                    let out =
                        c.r.spf
                            .verify_spf(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                                *ip,
                                &d.ascii,
                                "localhost",
                                &sender,
                            ))
                            .await;
                    let status = spf_result_text(out.result());
                    if status != "pass" {
                        errors.push(format!(
                            "IP \"{ip}\" does not pass {kind} SPF evaluation, status not \"pass\" but \"{status}\" (explanation \"{}\").",
                            out.explanation().unwrap_or("")
                        ));
                    }
                }
            }
            (txt, record, errors)
        }
    };
    let ((dtxt, drec, derr), (htxt, hrec, herr)) = tokio::join!(
        verify("domain", c.domain.clone()),
        verify("host", c.hostname.clone())
    );
    r.domain_txt = dtxt;
    r.domain_record = drec;
    r.host_txt = htxt;
    r.host_record = hrec;
    r.errors.extend(derr);
    r.errors.extend(herr);

    let mut want = SPFRecord {
        version: "spf1".to_string(),
        ..SPFRecord::default()
    };
    for ip in &ips {
        want.directives.push(Directive {
            mechanism: if ip.is_ipv4() { "ip4" } else { "ip6" }.to_string(),
            i_pstr: ip.to_string(),
            ..Directive::default()
        });
    }
    if unspecified {
        want.directives.push(Directive {
            mechanism: "mx".to_string(),
            ..Directive::default()
        });
    }
    want.directives.push(Directive {
        qualifier: "-".to_string(),
        mechanism: "all".to_string(),
        ..Directive::default()
    });
    let domainspf = format!("{}. TXT {}", c.d(), txt_strings(&spf::record_text(&want)));
    let hostspf = format!("{}. TXT \"v=spf1 a -all\"", c.h());
    r.instructions.push(format!("Ensure DNS TXT records like the following exists:\n\n\t{domainspf}\n\t{hostspf}\n\nIf you have an existing mail setup, with other hosts also sending mail for you domain, you should add those IPs as well. You could replace \"-all\" with \"~all\" to treat mail sent from unlisted IPs as \"softfail\", or with \"?all\" for \"neutral\"."));
}

/// mox's `dkim.Lookup` for one selector: (txt, record) or (txt, error kind + text).
enum DkimLookup {
    Found(String, Record),
    NotFound,
    Syntax(String, String),
    Failed(String),
}

async fn dkim_lookup(rs: &Resolver, sel: &str, d: &Domain) -> DkimLookup {
    let name = format!("{sel}._domainkey.{}.", d.ascii);
    let txts = match rs.txt(&name).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => return DkimLookup::NotFound,
        Err(e) => return DkimLookup::Failed(format!("dkim: lookup of dkim dns record: {e}")),
    };
    let mut found: Option<(String, Record)> = None;
    let mut last_err: Option<String> = None;
    for t in txts {
        match dkim::parse(&t) {
            dkim::Parsed::Bad(e) => {
                return DkimLookup::Syntax(
                    t,
                    format!("dkim: syntax error in dkim dns record: {e}"),
                );
            }
            dkim::Parsed::NotDkim(e) => {
                last_err = Some(format!(
                    "dkim: syntax error in dkim dns record: not a dkim record: {e}"
                ))
            }
            dkim::Parsed::Ok(rec) => {
                if found.is_some() {
                    return DkimLookup::Failed(
                        "dkim: multiple dkim dns record for selector and domain".to_string(),
                    );
                }
                found = Some((t, rec));
            }
        }
    }
    match (found, last_err) {
        (Some((t, rec)), _) => DkimLookup::Found(t, rec),
        (None, Some(e)) => DkimLookup::Failed(e),
        (None, None) => DkimLookup::NotFound,
    }
}

async fn check_dkim(c: &Ctx<'_>, r: &mut DKIMCheckResult) {
    let sels: Vec<&String> = c.dc.dkim.selectors.keys().collect();
    let lookups = join_all(sels.iter().map(|s| dkim_lookup(&c.r, s, &c.domain))).await;
    let mut missing: Vec<&str> = Vec::new();
    let mut have_ed25519 = false;
    for (sel, l) in sels.iter().zip(lookups) {
        let key = match c.dkim_keys.get(*sel) {
            Some(Ok(k)) => Some(k),
            Some(Err(e)) => {
                r.errors
                    .push(format!("Loading private key for selector {sel:?}: {e}"));
                None
            }
            None => None,
        };
        if key.is_some_and(|k| k.ed25519) {
            have_ed25519 = true;
        }
        match l {
            DkimLookup::NotFound => {
                missing.push(sel);
                r.errors
                    .push(format!("No DKIM DNS record for selector {sel:?}."));
            }
            DkimLookup::Syntax(txt, e) => {
                missing.push(sel);
                r.errors
                    .push(format!("Parsing DKIM DNS record for selector {sel:?}: {e}"));
                r.records.push(DKIMRecord {
                    selector: sel.to_string(),
                    txt,
                    record: None,
                });
            }
            DkimLookup::Failed(e) => {
                missing.push(sel);
                r.errors
                    .push(format!("Fetching DKIM record for selector {sel:?}: {e}"));
            }
            DkimLookup::Found(txt, rec) => {
                if let Some(k) = key
                    && rec.pubkey.0 != k.public
                {
                    r.errors.push(format!("For selector {sel:?}, the public key in DKIM DNS TXT record does not match with configured private key."));
                    missing.push(sel);
                }
                r.records.push(DKIMRecord {
                    selector: sel.to_string(),
                    txt,
                    record: Some(rec),
                });
            }
        }
    }
    if sels.is_empty() {
        r.errors.push("No DKIM configuration, add a key to the configuration file, and instructions for DNS records will appear here.".to_string());
    } else if !have_ed25519 {
        r.warnings.push("Consider adding an ed25519 key: the keys are smaller, the cryptography faster and more modern.".to_string());
    }
    let mut instr = String::new();
    for sel in missing {
        if let Some(Ok(k)) = c.dkim_keys.get(sel) {
            instr.push_str(&format!(
                "\n\t{sel}._domainkey TXT {}\n",
                txt_strings(&dkim::record_text(k.ed25519, &k.public))
            ));
        }
    }
    if !instr.is_empty() {
        r.instructions.push(format!("Ensure the following DNS record(s) exists, so mail servers receiving emails from this domain can verify the signatures in the mail headers:\n{instr}"));
    }
}

/// The organizational domain (public suffix list), as mox's `publicsuffix.Lookup`.
pub fn org_domain(d: &Domain) -> Domain {
    match psl::domain_str(&d.ascii) {
        Some(s) => parse_domain(s).unwrap_or_else(|_| d.clone()),
        None => d.clone(),
    }
}

/// mox's `dmarc.Lookup`: `_dmarc.<d>.`, then the organizational domain.
async fn dmarc_lookup(
    rs: &Resolver,
    d: &Domain,
) -> (Domain, String, Option<DMARCRecord>, Option<String>) {
    async fn one(rs: &Resolver, d: &Domain) -> (bool, String, Option<DMARCRecord>, Option<String>) {
        let txts = match rs.txt(&format!("_dmarc.{}.", d.ascii)).await {
            Ok(a) => a.records,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => {
                return (
                    true,
                    String::new(),
                    None,
                    Some(format!("dmarc: dns lookup: {e}")),
                );
            }
        };
        let mut found: Option<(String, DMARCRecord)> = None;
        for t in txts {
            match dmarc::parse(&t) {
                dmarc::Parsed::NotDmarc => {}
                dmarc::Parsed::Bad(e) => {
                    return (
                        true,
                        t,
                        None,
                        Some(format!("dmarc: malformed dmarc dns record: {e}")),
                    );
                }
                dmarc::Parsed::Ok(rec) => {
                    if found.is_some() {
                        return (
                            true,
                            String::new(),
                            None,
                            Some("dmarc: multiple dmarc dns records".to_string()),
                        );
                    }
                    found = Some((t, rec));
                }
            }
        }
        match found {
            Some((t, rec)) => (true, t, Some(rec), None),
            None => (
                false,
                String::new(),
                None,
                Some("dmarc: no dmarc dns record".to_string()),
            ),
        }
    }
    let (done, txt, rec, err) = one(rs, d).await;
    if done {
        return (d.clone(), txt, rec, err);
    }
    let org = org_domain(d);
    if &org == d {
        return (d.clone(), txt, rec, err);
    }
    let (_, txt, rec, err) = one(rs, &org).await;
    (org, txt, rec, err)
}

/// `mailto:<lp>@<ascii>` with the characters that DMARC/TLSRPT URIs cannot hold escaped.
fn mailto(lp: &str, d: &Domain, escape: &[(char, &str)]) -> String {
    let mut addr = format!("{}@{}", crate::dns::localpart_string(lp), d.ascii);
    for (c, e) in escape {
        addr = addr.replace(*c, e);
    }
    format!("mailto:{addr}")
}

/// The configured DMARC destination domain (empty means the domain itself).
fn dest_domain(dest: &str, d: &Domain) -> Domain {
    if dest.is_empty() {
        d.clone()
    } else {
        parse_domain(dest).unwrap_or_else(|_| d.clone())
    }
}

async fn check_dmarc(c: &Ctx<'_>, r: &mut DMARCCheckResult) {
    let (dom, txt, rec, err) = dmarc_lookup(&c.r, &c.domain).await;
    if let Some(e) = &err {
        r.errors.push(format!("Looking up DMARC record: {e}"));
    }
    r.domain = dom.name().to_string();
    r.txt = txt;
    if let Some(rec) = &rec {
        if rec.policy == DMARCPolicy::PolicyNone {
            r.warnings.push("DMARC policy is in test mode (p=none), do not forget to change to p=reject or p=quarantine after test period has been completed.".to_string());
        }
        if rec.subdomain_policy == DMARCPolicy::PolicyNone {
            r.warnings.push("DMARC subdomain policy is in test mode (sp=none), do not forget to change to sp=reject or sp=quarantine after test period has been completed.".to_string());
        }
        if rec.aggregate_report_addresses.is_empty() {
            r.warnings.push("It is recommended you specify you would like aggregate reports about delivery success in the DMARC record, see instructions.".to_string());
        }
    }
    let mut want = "v=DMARC1;p=reject".to_string();
    let mut ext_instr = None;
    match &c.dc.dmarc {
        Some(dest) => {
            let dd = dest_domain(&dest.domain, &c.domain);
            let org = org_domain(&c.domain);
            let dest_org = org_domain(&dd);
            if org != dest_org {
                let name = format!("{}._report._dmarc.{}.", org.ascii, dd.ascii);
                match c.r.txt(&name).await {
                    Ok(a) => {
                        if !a.records.iter().any(|t| t.starts_with("v=DMARC1")) {
                            r.errors.push("External destination does not accept reports (dmarc: no dmarc dns record)".to_string());
                        }
                    }
                    Err(e) if e.is_not_found() => r.errors.push(
                        "External destination does not accept reports (dmarc: no dmarc dns record)"
                            .to_string(),
                    ),
                    Err(e) => r.errors.push(format!(
                        "Checking if external destination accepts reports: dmarc: dns lookup: {e}"
                    )),
                }
                ext_instr = Some(format!(
                    "Ensure a DNS TXT record exists in the domain of the destination address to opt-in to receiving reports from this domain:\n\n\t{}._report._dmarc.{}. TXT \"v=DMARC1;\"\n\n",
                    org.ascii, dd.ascii
                ));
            }
            let uri = mailto(&dest.localpart, &dd, &[]);
            want.push_str(&format!(
                ";rua={}!10m",
                uri.replace(',', "%2C").replace('!', "%21")
            ));
            if let Some(rec) = &rec
                && !rec
                    .aggregate_report_addresses
                    .iter()
                    .any(|a| a.address == uri)
            {
                r.errors.push(
                    "Configured DMARC reporting address is not present in record.".to_string(),
                );
            }
        }
        None => r
            .instructions
            .push("Configure a DMARC destination in domain in config file.".to_string()),
    }
    r.record = rec;
    r.instructions.push(format!("Ensure a DNS TXT record like the following exists:\n\n\t_dmarc TXT {}\n\nYou can start with testing mode by replacing p=reject with p=none. You can also request for the policy to be applied to a percentage of emails instead of all, by adding pct=X, with X between 0 and 100. Keep in mind that receiving mail servers will apply some anti-spam assessment regardless of the policy and whether it is applied to the message. The rua= part requests daily aggregate reports to be sent to the specified address, which is automatically configured and reports automatically analyzed.", txt_strings(&want)));
    if let Some(i) = ext_instr {
        r.instructions.push(i);
    }
}

const TLSRPT_INTRO: &str = "TLSRPT is an opt-in mechanism to request feedback about TLS connectivity from remote SMTP servers when they connect to us. It allows detecting delivery problems and unwanted downgrades to plaintext SMTP connections. With TLSRPT you configure an email address to which reports should be sent. Remote SMTP servers will send a report once a day with the number of successful connections, and the number of failed connections including details that should help debugging/resolving any issues. Both the mail host (e.g. mail.domain.example) and a recipient domain (e.g. domain.example, with an MX record pointing to mail.domain.example) can have a TLSRPT record. The TLSRPT record for the hosts is for reporting about DANE, the TLSRPT record for the domain is for MTA-STS.";

/// The TLSRPT check for the host (`record_name` absolute) or the domain (relative).
async fn tlsrpt_check(
    c: &Ctx<'_>,
    r: &mut TLSRPTCheckResult,
    dom: &Domain,
    addr: Option<String>,
    record_name: &str,
    missing: &str,
) {
    let res = super::tlsrpt_lookup(&c.r, dom).await;
    match &res {
        Ok((rec, txt)) => {
            r.txt = txt.clone();
            r.record = Some(rec.clone());
        }
        Err(e) => r.errors.push(format!("Looking up TLSRPT record: {e}")),
    }
    let mut instr = TLSRPT_INTRO.to_string();
    match addr {
        Some(rua) => {
            let want = TLSRPTRecord {
                version: "TLSRPTv1".to_string(),
                ruas: vec![vec![RUA(rua.clone())]],
                extensions: Vec::new(),
            };
            instr.push_str(&format!(
                "\n\nEnsure a DNS TXT record like the following exists:\n\n\t{record_name} TXT {}\n",
                txt_strings(&tlsrpt::record_text(&want))
            ));
            if let Ok((rec, _)) = &res
                && !rec.ruas.iter().flatten().any(|u| u.0 == rua)
            {
                r.errors.push(
                    "Configured reporting address is not present in TLSRPT record.".to_string(),
                );
            }
        }
        None => r.errors.push(missing.to_string()),
    }
    r.instructions.push(instr);
}

const TLSRPT_ESCAPES: &[(char, &str)] = &[(',', "%2C"), ('!', "%21"), (';', "%3B")];

async fn check_host_tlsrpt(c: &Ctx<'_>, r: &mut TLSRPTCheckResult) {
    let lp = &c.st.host_tlsrpt.localpart;
    let addr = (!lp.is_empty()).then(|| mailto(lp, &c.hostname, TLSRPT_ESCAPES));
    let name = format!("_smtp._tls.{}.", c.h());
    tlsrpt_check(
        c,
        r,
        &c.hostname,
        addr,
        &name,
        "Configure a host TLSRPT localpart in static mox.conf config file.",
    )
    .await;
}

async fn check_domain_tlsrpt(c: &Ctx<'_>, r: &mut TLSRPTCheckResult) {
    let addr = c.dc.tlsrpt.as_ref().map(|t| {
        mailto(
            &t.localpart,
            &dest_domain(&t.domain, &c.domain),
            TLSRPT_ESCAPES,
        )
    });
    tlsrpt_check(
        c,
        r,
        &c.domain,
        addr,
        "_smtp._tls",
        "Configure a domain TLSRPT destination in domains.conf config file.",
    )
    .await;
}

const MTASTS_INTRO: &str = "MTA-STS is an opt-in mechanism to signal to remote SMTP servers which MX records are valid and that they must use the STARTTLS command and verify the TLS connection. Email servers should already be using STARTTLS to protect communication, but active attackers can, and have in the past, removed the indication of support for the optional STARTTLS support from SMTP sessions, or added additional MX records in DNS responses. MTA-STS protects against compromised DNS and compromised plaintext SMTP sessions, but not against compromised internet PKI infrastructure. If an attacker controls a certificate authority, and is willing to use it, MTA-STS does not prevent an attack. MTA-STS does not protect against attackers on first contact with a domain. Only on subsequent contacts, with MTA-STS policies in the cache, can attacks can be detected.\n\nAfter enabling MTA-STS for this domain, remote SMTP servers may still deliver in plain text, without TLS-protection. MTA-STS is an opt-in mechanism, not all servers support it yet.\n\nYou can opt-in to MTA-STS by creating a DNS record, _mta-sts.<domain>, and serving a policy at https://mta-sts.<domain>/.well-known/mta-sts.txt. Mox will serve the policy, you must create the DNS records.\n\nYou can start with a policy in \"testing\" mode. Remote SMTP servers will apply the MTA-STS policy, but not abort delivery in case of failure. Instead, you will receive a report if you have TLSRPT configured. By starting in testing mode for a representative period, verifying all mail can be deliverd, you can safely switch to \"enforce\" mode. While in enforce mode, plaintext deliveries to mox are refused.\n\nThe _mta-sts DNS TXT record has an \"id\" field. The id serves as a version of the policy. A policy specifies the mode: none, testing, enforce. For \"none\", no TLS is required. A policy has a \"max age\", indicating how long the policy can be cached. Allowing the policy to be cached for a long time provides stronger counter measures to active attackers, but reduces configuration change agility. After enabling \"enforce\" mode, remote SMTP servers may and will cache your policy for as long as \"max age\" was configured. Keep this in mind when enabling/disabling MTA-STS. To disable MTA-STS after having it enabled, publish a new record with mode \"none\" until all past policy expiration times have passed.\n\nWhen enabling MTA-STS, or updating a policy, always update the policy first (through a configuration change and reload/restart), and the DNS record second.\n";

const MTASTS_ENABLE: &str = "Enable a policy through the configuration file. For new deployments, it is best to start with mode \"testing\" while enabling TLSRPT. Start with a short \"max_age\", so updates to your policy are picked up quickly. When confidence in the deployment is high enough, switch to \"enforce\" mode and a longer \"max age\". A max age in the order of weeks is recommended. If you foresee a change to your setup in the future, requiring different policies or MX records, you may want to dial back the \"max age\" ahead of time, similar to how you would handle TTL's in DNS record updates.";

/// mox's `mtasts.LookupRecord`.
async fn mtasts_record(rs: &Resolver, d: &Domain) -> Result<(MTASTSRecord, String), String> {
    let txts = match rs.txt(&format!("_mta-sts.{}.", d.ascii)).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => return Err("mtasts: no mta-sts dns txt record".to_string()),
        Err(e) => return Err(format!("mtasts: dns lookup: {e}")),
    };
    let l: Vec<&String> = txts.iter().filter(|t| mtasts::is_mtasts(t)).collect();
    match l.as_slice() {
        [] => Err("mtasts: no mta-sts dns txt record".to_string()),
        [one] => mtasts::parse_record(one)
            .map(|r| (r, (*one).clone()))
            .map_err(|e| format!("mtasts: record syntax error: {e}")),
        _ => Err("mtasts: multiple mta-sts records".to_string()),
    }
}

/// mox's `mtasts.FetchPolicy`, over our resolver and the configured HTTPS port.
async fn mtasts_policy(c: &Ctx<'_>) -> (Option<Policy>, String, Option<String>) {
    let host = format!("mta-sts.{}", c.d());
    let url = format!("https://{host}/.well-known/mta-sts.txt");
    let ips = match c.r.ips(&format!("{host}.")).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => {
            return (
                None,
                String::new(),
                Some("mtasts: no policy served".to_string()),
            );
        }
        Err(e) => {
            return (
                None,
                String::new(),
                Some(format!(
                    "mtasts: cannot fetch policy: http get: Get {url:?}: dial tcp: {e}"
                )),
            );
        }
    };
    let timeout = c.eff.dial_timeout.max(Duration::from_secs(1));
    match net::https_get(
        c.tls.clone(),
        &host,
        &ips,
        c.eff.https_port,
        "/.well-known/mta-sts.txt",
        64 * 1024,
        timeout,
    )
    .await
    {
        Err(net::FetchError::NoPolicy) => (
            None,
            String::new(),
            Some("mtasts: no policy served".to_string()),
        ),
        Err(net::FetchError::Fetch(e)) => (
            None,
            String::new(),
            Some(format!("mtasts: cannot fetch policy: {e}")),
        ),
        Ok(text) => match mtasts::parse_policy(&text) {
            Ok(p) => (Some(p), text, None),
            Err(e) => (
                None,
                text,
                Some(format!("parsing policy: mtasts: policy syntax error: {e}")),
            ),
        },
    }
}

async fn check_mtasts(c: &Ctx<'_>, r: &mut MTASTSCheckResult) {
    let (rec, (policy, text, perr)) =
        tokio::join!(mtasts_record(&c.r, &c.domain), mtasts_policy(c));
    let configured_id = c.dc.mtasts.as_ref().map(|m| m.policy_id.clone());
    match rec {
        Ok((rec, txt)) => {
            r.txt = txt;
            if let Some(id) = &configured_id
                && !id.is_empty()
                && rec.id != *id
            {
                r.warnings.push(format!("MTA-STS record ID {:?} does not match the configured policy ID {id:?}: remote servers do not fetch the current policy until the record is updated.", rec.id));
            }
            r.record = Some(rec);
        }
        Err(e) => r.errors.push(format!("Looking up MTA-STS record: {e}")),
    }
    match (&perr, &policy) {
        (Some(e), _) => r.errors.push(format!("Fetching MTA-STS policy: {e}")),
        (None, Some(p)) if p.mode == Mode::ModeNone => r.warnings.push("MTA-STS policy is present, but does not require TLS.".to_string()),
        (None, Some(p)) if p.mode == Mode::ModeTesting => r.warnings.push("MTA-STS policy is in testing mode, do not forget to change to mode enforce after testing period.".to_string()),
        _ => {}
    }
    r.policy_text = text;
    if let Some(p) = &policy
        && p.mode != Mode::ModeNone
    {
        if !mtasts::policy_matches(p, &c.hostname) {
            r.warnings
                .push("Configured hostname is missing from policy MX list.".to_string());
        }
        if p.max_age_seconds <= 24 * 3600 {
            r.warnings.push("Policy has a MaxAge of less than 1 day. For stable configurations, the recommended period is in weeks.".to_string());
        }
        let mxl =
            c.r.mx(&format!("{}.", c.d()))
                .await
                .map(|a| a.records)
                .unwrap_or_default();
        let mut mxs: Vec<Domain> = Vec::new();
        for m in &mxl {
            match parse_domain(m.host.trim_end_matches('.')) {
                Ok(d) => {
                    if !mxs.contains(&d) {
                        mxs.push(d);
                    }
                }
                Err(e) => r
                    .warnings
                    .push(format!("MX record {:?} is invalid: {e}", m.host)),
            }
        }
        for m in &mxs {
            if !mtasts::policy_matches(p, m) {
                r.warnings.push(format!(
                    "MX record {:?} does not match MTA-STS policy MX list.",
                    m.name()
                ));
            }
        }
        for m in p.mx.iter().filter(|m| !m.wildcard) {
            if !mxs.iter().any(|d| d.ascii == m.domain.ascii) {
                let name = if m.domain.unicode.is_empty() {
                    &m.domain.ascii
                } else {
                    &m.domain.unicode
                };
                r.warnings.push(format!(
                    "MX {name:?} in MTA-STS policy is not in MX record."
                ));
            }
        }
    }
    r.policy = policy;
    r.instructions.push(MTASTS_INTRO.to_string());
    r.instructions.push(MTASTS_ENABLE.to_string());
    r.instructions.push(format!(
        "Ensure DNS CNAME/A/AAAA records exist that resolves mta-sts.{} to this mail server. For example:\n\n\tmta-sts.{}. CNAME {}.\n\n",
        c.d(),
        c.d(),
        c.h()
    ));
    let id = configured_id
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| chrono::Local::now().format("%Y%m%dT%H%M%S").to_string());
    r.instructions.push(format!("Ensure a DNS TXT record like the following exists:\n\n\t_mta-sts TXT {}\n\nConfigure the ID in the configuration file, it must be of the form [a-zA-Z0-9]{{1,31}}. It represents the version of the policy. For each policy change, you must change the ID to a new unique value. You could use a timestamp like 20220621T123000. When this field exists, an SMTP server will fetch a policy at https://mta-sts.{}/.well-known/mta-sts.txt. This policy is served by mox.", txt_strings(&mtasts::record_text(&id)), c.domain.name()));
}

async fn check_srv(c: &Ctx<'_>, r: &mut SRVConfCheckResult) {
    let submissions =
        c.st.listeners
            .values()
            .any(|l| l.tls && l.submissions.enabled);
    let imaps = c.st.listeners.values().any(|l| l.tls && l.imaps.enabled);
    let host = |ok: bool| {
        if ok {
            format!("{}.", c.h())
        } else {
            ".".to_string()
        }
    };
    let reqs: [(&str, u16, String); 6] = [
        ("_submissions", 465, host(submissions)),
        ("_submission", 587, host(!submissions)),
        ("_imaps", 993, host(imaps)),
        ("_imap", 143, host(!imaps)),
        ("_pop3", 110, ".".to_string()),
        ("_pop3s", 995, ".".to_string()),
    ];
    let names: Vec<String> = reqs
        .iter()
        .map(|(n, _, _)| format!("{n}._tcp.{}.", c.d()))
        .collect();
    let results = join_all(names.iter().map(|n| c.r.srv(n))).await;
    let mut instr = "Ensure DNS records like the following exist:\n\n".to_string();
    for ((svc, port, target), res) in reqs.iter().zip(results) {
        let name = format!("{svc}._tcp.{}", c.d());
        let width = "_submissions".len() - svc.len() + c.d().len() + 1;
        instr.push_str(&format!(
            "\t{svc}._tcp.{:<width$} SRV 0 1 {port} {target}\n",
            format!("{}.", c.d())
        ));
        let srvs = match res {
            Ok(a) => a.records,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => {
                r.errors
                    .push(format!("Looking up SRV record {name:?}: {e}"));
                r.srvs.insert(svc.to_string(), Vec::new());
                continue;
            }
        };
        if srvs.is_empty() {
            r.errors.push(format!("Missing SRV record {name:?}"));
        } else if srvs.len() != 1 || srvs[0].target != *target || srvs[0].port != *port {
            r.errors
                .push(format!("Unexpected SRV record(s) for {name:?}"));
        }
        r.srvs.insert(
            svc.to_string(),
            srvs.into_iter()
                .map(|s| SRV {
                    target: s.target,
                    port: s.port,
                    priority: s.priority,
                    weight: s.weight,
                })
                .collect(),
        );
    }
    r.instructions.push(instr);
}

async fn check_tls_hosts(c: &Ctx<'_>, errors: &mut Vec<String>, host: &str, ips: &[IpAddr]) {
    let res = join_all(ips.iter().map(|ip| {
        net::tls_connect(
            c.tls.clone(),
            host,
            *ip,
            c.eff.https_port,
            c.eff.dial_timeout,
        )
    }))
    .await;
    for (ip, r) in ips.iter().zip(res) {
        if let Err(e) = r {
            errors.push(format!(
                "TLS connection to hostname {host:?}, IP {:?}: {e}",
                ip.to_string()
            ));
        }
    }
}

async fn check_autoconf(c: &Ctx<'_>, r: &mut AutoconfCheckResult) {
    if !c.dc.client_settings_domain.is_empty() {
        let csd = parse_domain(&c.dc.client_settings_domain).unwrap_or_default();
        r.instructions.push(format!("Ensure a DNS CNAME record like the following exists:\n\n\t{}. CNAME {}.\n\nNote: the trailing dot is relevant, it makes the host name absolute instead of relative to the domain name.", csd.ascii, c.h()));
        match c.lookup_ips(&format!("{}.", csd.ascii)).await {
            Err(e) => r
                .errors
                .push(format!("Looking up client settings DNS CNAME: {e}")),
            Ok((ips, ours, not)) => {
                r.client_settings_domain_ips = strs(&ips);
                if !c.is_unspecified_nat() {
                    if ours.is_empty() {
                        r.errors.push(
                            "Client settings domain does not point to one of our IPs.".to_string(),
                        );
                    } else if !not.is_empty() {
                        r.errors.push(format!(
                            "Client settings domain points to some IPs that are not ours: {}",
                            fmt_ips(&not)
                        ));
                    }
                }
            }
        }
    }
    r.instructions.push(format!("Ensure a DNS CNAME record like the following exists:\n\n\tautoconfig.{}. CNAME {}.\n\nNote: the trailing dot is relevant, it makes the host name absolute instead of relative to the domain name.", c.d(), c.h()));
    let host = format!("autoconfig.{}", c.d());
    let (ips, ours, not) = match c.lookup_ips(&format!("{host}.")).await {
        Ok(x) => x,
        Err(e) => {
            r.errors.push(format!("Looking up autoconfig host: {e}"));
            return;
        }
    };
    r.ips = strs(&ips);
    if !c.is_unspecified_nat() {
        if ours.is_empty() {
            r.errors
                .push("Autoconfig does not point to one of our IPs.".to_string());
        } else if !not.is_empty() {
            r.errors.push(format!(
                "Autoconfig points to some IPs that are not ours: {}",
                fmt_ips(&not)
            ));
        }
    }
    check_tls_hosts(c, &mut r.errors, &host, &ips).await;
}

async fn check_autodiscover(c: &Ctx<'_>, r: &mut AutodiscoverCheckResult) {
    r.instructions.push(format!("Ensure DNS records like the following exist:\n\n\t_autodiscover._tcp.{}. SRV 0 1 443 {}.\n\tautoconfig.{}. CNAME {}.\n\nNote: the trailing dots are relevant, it makes the host names absolute instead of relative to the domain name.", c.d(), c.h(), c.d(), c.h()));
    let srvs = match c.r.srv(&format!("_autodiscover._tcp.{}.", c.d())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors
                .push(format!("Looking up SRV record {:?}: {e}", "autodiscover"));
            return;
        }
    };
    let mut matched = false;
    for s in srvs {
        let (ips, ours, not) = match c.lookup_ips(&s.target).await {
            Ok(x) => x,
            Err(e) => {
                r.errors.push(format!(
                    "Looking up target {:?} from SRV record: {e}",
                    s.target
                ));
                continue;
            }
        };
        if s.port != 443 {
            continue;
        }
        matched = true;
        r.records.push(AutodiscoverSRV {
            target: s.target.clone(),
            port: s.port,
            priority: s.priority,
            weight: s.weight,
            ips: strs(&ips),
        });
        if !c.is_unspecified_nat() {
            if ours.is_empty() {
                r.errors.push(format!(
                    "SRV target {:?} does not point to our IPs.",
                    s.target
                ));
            } else if !not.is_empty() {
                r.errors.push(format!(
                    "SRV target {:?} points to some IPs that are not ours: {}",
                    s.target,
                    fmt_ips(&not)
                ));
            }
        }
        check_tls_hosts(c, &mut r.errors, s.target.trim_end_matches('.'), &ips).await;
    }
    if !matched {
        r.errors
            .push("No SRV record for port 443 for https.".to_string());
    }
}
