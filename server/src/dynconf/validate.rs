//! The full validation of a dynamic configuration, as mox's `prepareDynamicConfig`
//! does on every write: special accounts, domains, accounts and their destinations, the
//! reporting addresses, and the web server settings. It builds the address index on
//! the way.

use std::collections::BTreeMap;

use super::{AddrEntry, Dynamic, canonical_address};
use crate::config::StaticConfig;
use crate::dns::{self, Address, Domain};

/// Full validation (mox's `prepareDynamicConfig`, the parts the API can trigger). Returns
/// the address index, or the first error.
pub fn validate(d: &Dynamic, st: &StaticConfig) -> Result<BTreeMap<String, AddrEntry>, String> {
    check_special_accounts(d, st)?;
    let parsed_domains = check_domains(d, st)?;
    let mut index = index_accounts(d)?;
    add_reporting_addresses(d, st, &parsed_domains, &mut index)?;
    crate::webserver::validate(&d.web, st)?;
    Ok(index)
}

/// The postmaster and host TLS-RPT accounts of the static configuration exist.
fn check_special_accounts(d: &Dynamic, st: &StaticConfig) -> Result<(), String> {
    if !st.postmaster.account.is_empty() && !d.accounts.contains_key(&st.postmaster.account) {
        return Err(format!(
            "postmaster account {:?} does not exist",
            st.postmaster.account
        ));
    }
    if !st.host_tlsrpt.account.is_empty() && !d.accounts.contains_key(&st.host_tlsrpt.account) {
        return Err(format!(
            "host tlsrpt account {:?} does not exist",
            st.host_tlsrpt.account
        ));
    }
    Ok(())
}

/// Every domain's name, DKIM, DMARC, TLS-RPT and MTA-STS settings; returns the parsed
/// domain names.
fn check_domains(d: &Dynamic, st: &StaticConfig) -> Result<BTreeMap<String, Domain>, String> {
    let mut parsed_domains = BTreeMap::new();
    for (name, dc) in &d.domains {
        let dom = dns::parse_domain(name).map_err(|e| format!("bad domain {name:?}: {e}"))?;
        if dom.name() != name {
            return Err(format!(
                "domain name {name:?} must be in IDNA Unicode form {:?}",
                dom.name()
            ));
        }
        if !dc.client_settings_domain.is_empty() {
            dns::parse_domain(&dc.client_settings_domain).map_err(|e| {
                format!(
                    "bad client settings domain {:?}: {e}",
                    dc.client_settings_domain
                )
            })?;
        }
        for sign in &dc.dkim.sign {
            if !dc.dkim.selectors.contains_key(sign) {
                return Err(format!(
                    "selector {sign:?} for signing is missing in domain {name:?}"
                ));
            }
        }
        for sel in dc.dkim.selectors.keys() {
            dns::parse_domain(sel)
                .map_err(|e| format!("parsing selector {sel:?} in domain {name:?}: {e}"))?;
        }
        if let Some(m) = &dc.mtasts {
            if !st.mtasts_enabled() {
                return Err(format!(
                    "MTA-STS policy configured for domain {name:?}, but no listener with MTASTSHTTPS enabled"
                ));
            }
            if m.policy_id.is_empty() {
                return Err(format!(
                    "invalid empty MTA-STS PolicyID for domain {name:?}"
                ));
            }
            if !matches!(m.mode.as_str(), "none" | "testing" | "enforce") {
                return Err(format!(
                    "invalid mtasts mode {:?} for domain {name:?}",
                    m.mode
                ));
            }
        }
        parsed_domains.insert(name.clone(), dom);
    }
    Ok(parsed_domains)
}

/// Every account's domain and destinations, as the address index.
fn index_accounts(d: &Dynamic) -> Result<BTreeMap<String, AddrEntry>, String> {
    let mut index: BTreeMap<String, AddrEntry> = BTreeMap::new();
    for (acc_name, acc) in &d.accounts {
        let acc_domain = dns::parse_domain(&acc.domain).map_err(|e| {
            format!(
                "parsing domain {} for account {acc_name:?}: {e}",
                acc.domain
            )
        })?;
        if acc.rejects_mailbox.eq_ignore_ascii_case("inbox") {
            return Err(format!(
                "account {acc_name:?}: cannot set RejectsMailbox to inbox"
            ));
        }
        for addr_name in acc.destinations.keys() {
            if let Some(dom_text) = addr_name.strip_prefix('@') {
                let dom = dns::parse_domain(dom_text).map_err(|e| {
                    format!(
                        "parsing domain {dom_text:?} in address {addr_name:?} in account {acc_name:?}: {e}"
                    )
                })?;
                if !d.domains.contains_key(dom.name()) {
                    return Err(format!(
                        "unknown domain for address {addr_name:?} in account {acc_name:?}"
                    ));
                }
                let full = format!("@{}", dom.name());
                if index.contains_key(&full) {
                    return Err(format!(
                        "duplicate canonicalized catchall destination address {full}"
                    ));
                }
                index.insert(
                    full,
                    AddrEntry {
                        catchall: true,
                        localpart: String::new(),
                        account: acc_name.clone(),
                        destination: Some(addr_name.clone()),
                    },
                );
                continue;
            }
            let addr = if addr_name.contains('@') {
                dns::parse_address(addr_name).map_err(|e| {
                    format!(
                        "parsing destination address {addr_name:?} in account {acc_name:?}: {e}"
                    )
                })?
            } else {
                let lp = dns::parse_localpart(addr_name).map_err(|e| {
                    format!("parsing localpart {addr_name:?} in account {acc_name:?}: {e}")
                })?;
                Address {
                    localpart: lp,
                    domain: acc_domain.clone(),
                }
            };
            let Some(dc) = d.domains.get(addr.domain.name()) else {
                return Err(format!(
                    "unknown domain for address {addr_name:?} in account {acc_name:?}"
                ));
            };
            if !dc.localpart_catchall_separator.is_empty()
                && addr.localpart.contains(&dc.localpart_catchall_separator)
            {
                return Err(format!(
                    "localpart of address {addr_name:?} includes domain catchall separator {:?}",
                    dc.localpart_catchall_separator
                ));
            }
            let canon = canonical_address(&addr, dc)
                .map_err(|e| format!("canonicalizing localpart of address {addr_name:?}: {e}"))?;
            if index.contains_key(&canon) {
                return Err(format!(
                    "duplicate canonicalized destination address {canon}"
                ));
            }
            index.insert(
                canon,
                AddrEntry {
                    catchall: false,
                    localpart: addr.localpart.clone(),
                    account: acc_name.clone(),
                    destination: Some(addr_name.clone()),
                },
            );
        }
    }
    Ok(index)
}

/// The DMARC and TLS-RPT reporting addresses of the domains (and the host's), added to
/// the index.
fn add_reporting_addresses(
    d: &Dynamic,
    st: &StaticConfig,
    parsed_domains: &BTreeMap<String, Domain>,
    index: &mut BTreeMap<String, AddrEntry>,
) -> Result<(), String> {
    for (name, dc) in &d.domains {
        for (kind, dest) in [("DMARC", &dc.dmarc), ("TLSRPT", &dc.tlsrpt)] {
            let Some(dest) = dest else { continue };
            let lp = dns::parse_localpart(&dest.localpart).map_err(|e| {
                format!(
                    "parsing localpart {:?} for {kind} reporting address in domain {name:?}: {e}",
                    dest.localpart
                )
            })?;
            if !lp.is_ascii() {
                return Err(format!(
                    "{kind} reporting address localpart {lp:?} in domain {name:?} must be ASCII"
                ));
            }
            let target = if dest.domain.is_empty() {
                parsed_domains.get(name).cloned().unwrap_or_default()
            } else {
                let t = dns::parse_domain(&dest.domain).map_err(|e| {
                    format!("parsing domain for {kind} address in domain {name:?}: {e}")
                })?;
                if !d.domains.contains_key(t.name()) {
                    return Err(format!(
                        "unknown domain {:?} for {kind} address in domain {name:?}",
                        dest.domain
                    ));
                }
                t
            };
            if !d.accounts.contains_key(&dest.account) {
                return Err(format!("{kind} account {:?} does not exist", dest.account));
            }
            let tdc = d.domains.get(target.name()).cloned().unwrap_or_default();
            let addr = Address {
                localpart: lp,
                domain: target,
            };
            let canon = canonical_address(&addr, &tdc).map_err(|e| {
                format!("canonicalizing {kind} reporting address in domain {name:?}: {e}")
            })?;
            if index.contains_key(&canon) {
                return Err(format!(
                    "{kind} reporting address {canon} for domain {name:?} is already configured"
                ));
            }
            index.insert(
                canon,
                AddrEntry {
                    catchall: false,
                    localpart: addr.localpart,
                    account: dest.account.clone(),
                    destination: None,
                },
            );
        }
    }

    if !st.host_tlsrpt.localpart.is_empty() {
        let lp = dns::parse_localpart(&st.host_tlsrpt.localpart)
            .map_err(|e| format!("parsing host tlsrpt localpart: {e}"))?;
        let host = st.hostname_domain();
        let canon = format!(
            "{}@{}",
            dns::localpart_string(&lp.to_lowercase()),
            host.name()
        );
        index.entry(canon).or_insert(AddrEntry {
            catchall: false,
            localpart: lp,
            account: st.host_tlsrpt.account.clone(),
            destination: None,
        });
    }
    Ok(())
}
