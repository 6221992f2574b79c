//! DNS and network checks: what CheckDomain, DomainRecords, LookupIP, DNSBLStatus and
//! LookupTLSRPTRecord answer, through a real resolver ([`resolver`]) and real TLS/HTTPS
//! connections ([`net`]), with mox's messages. The API handlers (`api::dns`) read the
//! configuration and the keys and call the functions here; nothing here knows the
//! running server's state.
//!
//! Deliberate differences from mox (also listed in `docs/mox-differences.md#dns-checks`):
//! - `CheckResult.Domain` is filled in.
//! - DANE: the per-MX TLSA lookup uses `_25._tcp.<mx>.` (mox appended a second dot, so it
//!   never found anything).
//! - SRVConf names the records `_imaps._tcp.<d>` (mox: `_imaps_.tcp.<d>`) and reports DNS
//!   failures as lookup errors instead of "Missing".
//! - The domain TLSRPT address uses the configured `TLSRPT.Domain`; the host TLSRPT
//!   instruction names `_smtp._tls.<hostname>.` instead of a name relative to the domain.
//! - A failed address lookup is reported once per host (mox reported it twice, and then
//!   also "none of the IPs is ours").
//! - SPF: unspecified listen addresses (`0.0.0.0`, `::`) are not evaluated as sender IPs;
//!   the suggested record then gets an `mx` mechanism, which covers the machine's IPs.
//! - IPRev: a loopback address for the hostname is only an error when no listener is
//!   explicitly configured with that address.
//! - MTA-STS: a record ID that differs from the configured policy ID is a warning, and the
//!   instruction suggests the configured ID.
//! - The SPF "does not pass" message has no mechanism: evaluation is done by mail-auth,
//!   which does not report which mechanism matched.
//! - Sub-checks share one overall deadline; one that is cut off keeps what it found and
//!   adds an error saying it did not complete.

use base64::Engine;
use sherpa_admin::api;
use sherpa_admin::runtime::Error;
use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::config::StaticConfig;
use crate::dns::{self, Domain};
use crate::dynconf::DomainConf;
use crate::store::Store;

mod check;
pub mod net;
pub mod records;
mod records_out;
pub mod resolver;

pub use check::SubCheckTime;
use resolver::Resolver;

/// A DKIM key of a selector, reduced to what DNS records need.
#[derive(Debug, Clone)]
pub struct DkimKey {
    pub ed25519: bool,
    /// PKIX SubjectPublicKeyInfo DER for RSA, the raw 32 bytes for ed25519 (what `p=`
    /// holds in mox's records).
    pub public: Vec<u8>,
}

/// Strips PEM armour and mox's `Note:` header and decodes the base64 body.
fn pem_body(pem: &str) -> Result<Vec<u8>, String> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----") && !l.contains(':') && !l.trim().is_empty())
        .map(|l| l.trim())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| format!("decoding pem: {e}"))
}

/// Parses a stored PKCS#8 DKIM private key.
pub fn dkim_key_from_pem(pem: &str) -> Result<DkimKey, String> {
    let der = pem_body(pem)?;
    {
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(&der) {
            return Ok(DkimKey {
                ed25519: true,
                public: k.verifying_key().to_bytes().to_vec(),
            });
        }
    }
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let k = rsa::PrivateKey::from_pkcs8_der(&der)
        .map_err(|_| "unrecognized private key".to_string())?;
    let spki = k
        .to_public_key()
        .to_public_key_der()
        .map_err(|e| format!("marshal public key: {e}"))?;
    Ok(DkimKey {
        ed25519: false,
        public: spki.as_bytes().to_vec(),
    })
}

/// Loads the key of each configured selector from the store, by selector name.
pub fn load_dkim_keys(store: &Store, dc: &DomainConf) -> BTreeMap<String, Result<DkimKey, String>> {
    let mut out = BTreeMap::new();
    for (sel, s) in &dc.dkim.selectors {
        let name = s
            .private_key_file
            .strip_prefix("dkim/")
            .unwrap_or(&s.private_key_file);
        let r = match store.dkim_keys.get(name.as_bytes()) {
            Ok(Some(v)) => dkim_key_from_pem(&String::from_utf8_lossy(&v)),
            Ok(None) => Err(format!("private key {name:?} not found")),
            Err(e) => Err(format!("reading private key {name:?}: {e}")),
        };
        out.insert(sel.clone(), r);
    }
    out
}

/// A host key for DANE: its kind and the SPKI DER.
#[derive(Debug, Clone)]
pub struct HostKey {
    pub ecdsa: bool,
    pub spki: Vec<u8>,
}

impl HostKey {
    /// `3 1 1 <hex sha256(spki)>`: DANE-EE, SPKI, SHA2-256.
    pub fn tlsa(&self) -> String {
        let sum = ring::digest::digest(&ring::digest::SHA256, &self.spki);
        format!("3 1 1 {}", resolver::hex(sum.as_ref()))
    }
}

/// Reads the host private keys of a listener (PEM in any format rustls reads).
pub fn load_host_keys(st: &StaticConfig, listener: &str) -> Result<Vec<HostKey>, String> {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    let mut out = Vec::new();
    for f in st
        .checks
        .host_private_key_files
        .get(listener)
        .into_iter()
        .flatten()
    {
        let der = PrivateKeyDer::from_pem_file(f)
            .map_err(|e| format!("reading host private key {f}: {e}"))?;
        let key = rustls::crypto::ring::sign::any_supported_type(&der)
            .map_err(|e| format!("parsing host private key {f}: {e}"))?;
        let spki = key
            .public_key()
            .ok_or_else(|| format!("host private key {f}: no public key"))?;
        out.push(HostKey {
            ecdsa: key.algorithm() == rustls::SignatureAlgorithm::ECDSA,
            spki: spki.as_ref().to_vec(),
        });
    }
    Ok(out)
}

/// Interface addresses, for listeners on unspecified addresses.
fn interface_ips() -> Result<Vec<IpAddr>, String> {
    Ok(if_addrs::get_if_addrs()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|i| i.ip())
        .collect())
}

/// mox's `mox.IPs`: each listener's NATIPs or IPs, unspecified addresses expanded to the
/// interface addresses of that family; empty when any listener has `IPsNATed`. Sending
/// IPs (`receive_only == false`) add the SOCKS transports' remote IPs.
pub fn our_ips(st: &StaticConfig, receive_only: bool) -> Result<Vec<IpAddr>, String> {
    let mut ips: Vec<IpAddr> = Vec::new();
    if st.listeners.values().any(|l| l.ips_nated) {
        return Ok(ips);
    }
    let (mut v4all, mut v6all) = (false, false);
    for l in st.listeners.values() {
        let list = if l.nat_ips.is_empty() {
            &l.ips
        } else {
            &l.nat_ips
        };
        for s in list {
            let Ok(ip) = s.parse::<IpAddr>() else {
                continue;
            };
            if ip.is_unspecified() {
                if ip.is_ipv4() {
                    v4all = true;
                } else {
                    v6all = true;
                }
                continue;
            }
            if !ips.contains(&ip) {
                ips.push(ip);
            }
        }
    }
    if v4all || v6all {
        for ip in interface_ips()? {
            if ((ip.is_ipv4() && v4all) || (ip.is_ipv6() && v6all)) && !ips.contains(&ip) {
                ips.push(ip);
            }
        }
    }
    if !receive_only {
        for t in st.transports.values() {
            if let Some(s) = &t.socks {
                for ip in &s.remote_ips {
                    if let Ok(ip) = ip.parse::<IpAddr>()
                        && !ips.contains(&ip)
                    {
                        ips.push(ip);
                    }
                }
            }
        }
    }
    Ok(ips)
}

/// Formats IPs like Go's `%v` of `[]net.IP`: `[a b c]`.
pub fn fmt_ips(ips: &[IpAddr]) -> String {
    let l: Vec<String> = ips.iter().map(|i| i.to_string()).collect();
    format!("[{}]", l.join(" "))
}

fn resolver(st: &StaticConfig) -> Result<Resolver, Error> {
    Resolver::new(&st.dns).map_err(Error::server)
}

/// CheckDomain for a configured domain, with each sub-check's own duration (for the
/// benchmark). `dkim_keys` are the domain's selector keys as [`load_dkim_keys`] reads them.
pub async fn check_domain(
    st: &StaticConfig,
    domain: Domain,
    dc: DomainConf,
    dkim_keys: BTreeMap<String, Result<DkimKey, String>>,
) -> Result<(api::CheckResult, Vec<SubCheckTime>), Error> {
    let eff = st.checks.effective().map_err(Error::server)?;
    let our = our_ips(st, true).map_err(|e| Error::server(format!("listing ips: {e}")))?;
    let tls = net::client_config(&st.checks.ca_cert_files).map_err(Error::server)?;
    let c = check::Ctx {
        r: resolver(st)?,
        st,
        eff,
        tls,
        domain,
        dc,
        hostname: st.hostname_domain(),
        our_ips: our,
        dkim_keys,
    };
    Ok(check::run(&c).await)
}

/// DomainRecords for a configured domain: the records to publish, as mox prints them.
pub async fn domain_records(
    st: &StaticConfig,
    d: &Domain,
    dc: &DomainConf,
    dkim_keys: &BTreeMap<String, Result<DkimKey, String>>,
) -> Result<Vec<String>, Error> {
    let r = resolver(st)?;
    // The probe uses the ASCII name (mox used the raw parameter, so Unicode input never
    // counted as signed).
    let has_dnssec = match r.txt(&format!("{}.", d.ascii)).await {
        Ok(a) => a.authentic,
        Err(e) if e.is_not_found() => false,
        Err(e) => {
            return Err(Error::server(format!(
                "looking up record to determine if dnssec is implemented: {e}"
            )));
        }
    };
    records_out::domain_records(st, d, dc, dkim_keys, has_dnssec)
        .map_err(|e| Error::server(format!("dns records: {e}")))
}

/// LookupIP: the PTR names of an IP, each with a trailing dot.
pub async fn lookup_ip(st: &StaticConfig, ip: &str) -> Result<api::Reverse, Error> {
    let Ok(addr) = ip.parse::<IpAddr>() else {
        return Err(Error::user(format!(
            "looking up ip: lookup {ip}: unrecognized address"
        )));
    };
    let a = resolver(st)?
        .ptr(addr)
        .await
        .map_err(|e| Error::user(format!("looking up ip: {e}")))?;
    Ok(api::Reverse {
        hostnames: a.records,
    })
}

/// DNSBLStatus: for each sending IP (public addresses only), the status at each DNSBL
/// zone of the `public` listener.
pub async fn dnsbl_status(
    st: &StaticConfig,
) -> Result<BTreeMap<String, BTreeMap<String, String>>, Error> {
    let mut zones = Vec::new();
    if let Some(l) = st.listeners.get("public") {
        for z in &l.smtp.dnsbls {
            let d = dns::parse_domain(z)
                .map_err(|e| Error::server(format!("parse dnsbl zone: {e}")))?;
            zones.push(d);
        }
    }
    let ips: Vec<IpAddr> = our_ips(st, false)
        .map_err(|e| Error::server(format!("listing ips: {e}")))?
        .into_iter()
        .filter(|ip| !ip.is_loopback() && !is_private(ip))
        .collect();
    let r = resolver(st)?;
    let mut futs = Vec::new();
    for ip in &ips {
        for z in &zones {
            let r = &r;
            futs.push(async move {
                (
                    ip.to_string(),
                    z.log_string(),
                    dnsbl_lookup(r, z, *ip).await,
                )
            });
        }
    }
    let mut out: BTreeMap<String, BTreeMap<String, String>> = ips
        .iter()
        .map(|ip| (ip.to_string(), BTreeMap::new()))
        .collect();
    for (ip, zone, status) in futures_util::future::join_all(futs).await {
        out.entry(ip).or_default().insert(zone, status);
    }
    Ok(out)
}

/// LookupTLSRPTRecord: (record, txt, "") or (None, "", known error).
pub async fn lookup_tlsrpt_record(
    st: &StaticConfig,
    domain: &str,
) -> Result<(Option<api::TLSRPTRecord>, String, String), Error> {
    let d = dns::parse_domain(domain).map_err(|e| Error::server(format!("parsing domain: {e}")))?;
    match tlsrpt_lookup(&resolver(st)?, &d).await {
        Ok((rec, txt)) => Ok((Some(rec), txt, String::new())),
        Err(e) => Ok((None, String::new(), e)),
    }
}

/// 10/8, 172.16/12, 192.168/16 and fc00::/7, the ranges mox leaves out of DNSBL checks.
fn is_private(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// One DNSBL query: NXDOMAIN is "pass", a listing "fail" (with the TXT reason when there
/// is one), anything else "temperror: dnsbl: dns error: …".
async fn dnsbl_lookup(r: &Resolver, zone: &Domain, ip: IpAddr) -> String {
    let rev = resolver::reverse_name(ip);
    let label = rev
        .strip_suffix("in-addr.arpa.")
        .or_else(|| rev.strip_suffix("ip6.arpa."))
        .unwrap_or(&rev);
    let name = format!("{label}{}.", zone.ascii);
    match r
        .lookup(&name, hickory_resolver::proto::rr::RecordType::A)
        .await
    {
        Err(e) if e.is_not_found() => "pass".to_string(),
        Err(e) => format!("temperror: dnsbl: dns error: {e}"),
        Ok(_) => match r.txt(&name).await {
            Ok(t) if !t.records.is_empty() => format!("fail: {}", t.records.join("; ")),
            _ => "fail".to_string(),
        },
    }
}

/// mox's `tlsrpt.Lookup` with its error texts, returned as the API's errstr.
pub async fn tlsrpt_lookup(
    r: &Resolver,
    d: &Domain,
) -> Result<(api::TLSRPTRecord, String), String> {
    let name = format!("_smtp._tls.{}.", d.ascii);
    let txts = match r.txt(&name).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => return Err("tlsrpt: no tlsrpt dns txt record".to_string()),
        Err(e) => return Err(format!("tlsrpt: temporary error: {e}")),
    };
    let l: Vec<&String> = txts
        .iter()
        .filter(|t| records::tlsrpt::is_tlsrpt(t))
        .collect();
    match l.as_slice() {
        [] => Err("tlsrpt: no tlsrpt dns txt record".to_string()),
        [one] => match records::tlsrpt::parse(one) {
            Ok(rec) => Ok((rec, (*one).clone())),
            Err(e) => Err(format!("parsing record: tlsrpt: record syntax error: {e}")),
        },
        _ => Err("tlsrpt: multiple tlsrpt records".to_string()),
    }
}
