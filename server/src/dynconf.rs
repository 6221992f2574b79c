//! The dynamic configuration (mox's domains.conf): domains, accounts, web redirects and web
//! handlers, plus the derived address index.
//!
//! Every change builds a complete new `Dynamic`, runs the full validation over it (as mox
//! does on every write, so error behaviour matches), and only then is it stored and swapped
//! in. The functions here are pure: they take the current state and return the next one or
//! a mox-style error message; the API layer serialises writers and persists the result.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::config::StaticConfig;
use crate::dns::{self, Address, Domain};
pub use crate::webserver::{WebConf, WebHandlerConf};

/// DKIM selector settings, as in domains.conf.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Selector {
    #[serde(rename = "Hash")]
    pub hash: String,
    #[serde(rename = "Canonicalization")]
    pub canonicalization: Canonicalization,
    #[serde(rename = "Headers")]
    pub headers: Vec<String>,
    #[serde(rename = "DontSealHeaders")]
    pub dont_seal_headers: bool,
    #[serde(rename = "Expiration")]
    pub expiration: String,
    /// `dkim/<name>`; `<name>` is the key of the PEM in the `dkim_keys` tree.
    #[serde(rename = "PrivateKeyFile")]
    pub private_key_file: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Canonicalization {
    #[serde(rename = "HeaderRelaxed")]
    pub header_relaxed: bool,
    #[serde(rename = "BodyRelaxed")]
    pub body_relaxed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dkim {
    #[serde(rename = "Selectors")]
    pub selectors: BTreeMap<String, Selector>,
    #[serde(rename = "Sign")]
    pub sign: Vec<String>,
}

/// A DMARC or TLSRPT reporting destination of a domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportDest {
    #[serde(rename = "Localpart")]
    pub localpart: String,
    #[serde(rename = "Domain")]
    pub domain: String,
    #[serde(rename = "Account")]
    pub account: String,
    #[serde(rename = "Mailbox")]
    pub mailbox: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MtaSts {
    #[serde(rename = "PolicyID")]
    pub policy_id: String,
    #[serde(rename = "Mode")]
    pub mode: String,
    /// Go duration text, e.g. `24h0m0s`.
    #[serde(rename = "MaxAge")]
    pub max_age: String,
    #[serde(rename = "MX")]
    pub mx: Vec<String>,
}

/// One domain of domains.conf.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DomainConf {
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "ClientSettingsDomain")]
    pub client_settings_domain: String,
    #[serde(rename = "LocalpartCatchallSeparator")]
    pub localpart_catchall_separator: String,
    #[serde(rename = "LocalpartCaseSensitive")]
    pub localpart_case_sensitive: bool,
    #[serde(rename = "DKIM")]
    pub dkim: Dkim,
    #[serde(rename = "DMARC", skip_serializing_if = "Option::is_none")]
    pub dmarc: Option<ReportDest>,
    #[serde(rename = "MTASTS", skip_serializing_if = "Option::is_none")]
    pub mtasts: Option<MtaSts>,
    #[serde(rename = "TLSRPT", skip_serializing_if = "Option::is_none")]
    pub tlsrpt: Option<ReportDest>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Destination {
    #[serde(rename = "Mailbox")]
    pub mailbox: String,
    #[serde(rename = "FullName")]
    pub full_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubjectPass {
    /// Nanoseconds, as Go's time.Duration in JSON.
    #[serde(rename = "Period")]
    pub period: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutomaticJunkFlags {
    #[serde(rename = "Enabled")]
    pub enabled: bool,
    #[serde(rename = "JunkMailboxRegexp")]
    pub junk_mailbox_regexp: String,
    #[serde(rename = "NeutralMailboxRegexp")]
    pub neutral_mailbox_regexp: String,
    #[serde(rename = "NotJunkMailboxRegexp")]
    pub not_junk_mailbox_regexp: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JunkFilter {
    #[serde(rename = "Threshold")]
    pub threshold: f64,
    #[serde(rename = "Onegrams")]
    pub onegrams: bool,
    #[serde(rename = "Twograms")]
    pub twograms: bool,
    #[serde(rename = "Threegrams")]
    pub threegrams: bool,
    #[serde(rename = "MaxPower")]
    pub max_power: f64,
    #[serde(rename = "TopWords")]
    pub top_words: i64,
    #[serde(rename = "IgnoreWords")]
    pub ignore_words: f64,
    #[serde(rename = "RareWords")]
    pub rare_words: i64,
}

/// One account of domains.conf.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountConf {
    #[serde(rename = "Domain")]
    pub domain: String,
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "FullName")]
    pub full_name: String,
    #[serde(rename = "Destinations")]
    pub destinations: BTreeMap<String, Destination>,
    #[serde(rename = "SubjectPass")]
    pub subject_pass: SubjectPass,
    #[serde(rename = "QuotaMessageSize")]
    pub quota_message_size: i64,
    #[serde(rename = "RejectsMailbox")]
    pub rejects_mailbox: String,
    #[serde(rename = "KeepRejects")]
    pub keep_rejects: bool,
    #[serde(rename = "AutomaticJunkFlags")]
    pub automatic_junk_flags: AutomaticJunkFlags,
    #[serde(rename = "JunkFilter", skip_serializing_if = "Option::is_none")]
    pub junk_filter: Option<JunkFilter>,
    #[serde(rename = "MaxOutgoingMessagesPerDay")]
    pub max_outgoing_messages_per_day: i32,
    #[serde(rename = "MaxFirstTimeRecipientsPerDay")]
    pub max_first_time_recipients_per_day: i32,
}

/// The whole dynamic configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dynamic {
    #[serde(rename = "Domains")]
    pub domains: BTreeMap<String, DomainConf>,
    #[serde(rename = "Accounts")]
    pub accounts: BTreeMap<String, AccountConf>,
    #[serde(flatten)]
    pub web: WebConf,
}

/// An entry of the derived address index (mox's `accountDestinations`).
#[derive(Debug, Clone, PartialEq)]
pub struct AddrEntry {
    pub catchall: bool,
    /// The localpart as configured (original spelling).
    pub localpart: String,
    pub account: String,
    /// The account's destination key, or None for reporting addresses.
    pub destination: Option<String>,
}

/// A validated configuration with its derived index; what readers see.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub dynamic: Dynamic,
    /// Canonical address (`lp@domain`, or `@domain` for catch-alls) → entry.
    pub index: BTreeMap<String, AddrEntry>,
}

/// The default account settings of mox's AccountAdd.
pub fn new_account(domain: &Domain, address: &str) -> AccountConf {
    let mut destinations = BTreeMap::new();
    destinations.insert(address.to_string(), Destination::default());
    AccountConf {
        domain: domain.name().to_string(),
        destinations,
        rejects_mailbox: "Rejects".to_string(),
        junk_filter: Some(JunkFilter {
            threshold: 0.95,
            onegrams: true,
            max_power: 0.01,
            top_words: 10,
            ignore_words: 0.1,
            rare_words: 2,
            ..JunkFilter::default()
        }),
        automatic_junk_flags: AutomaticJunkFlags {
            enabled: true,
            junk_mailbox_regexp: "^(junk|spam)".to_string(),
            neutral_mailbox_regexp: "^(inbox|neutral|postmaster|dmarc|tlsrpt|rejects)".to_string(),
            not_junk_mailbox_regexp: String::new(),
        },
        subject_pass: SubjectPass {
            period: 12 * 3600 * 1_000_000_000,
        },
        ..AccountConf::default()
    }
}

/// Rejects account names that are empty or could not be a directory name, unlike mox at
/// 62be829 which accepted anything.
pub fn check_account_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("account name is empty".to_string());
    }
    if name == "."
        || name == ".."
        || name.contains('/')
        || name.contains('\\')
        || name.chars().any(|c| c.is_control())
        || name.trim() != name
    {
        return Err(format!("invalid account name {name:?}"));
    }
    Ok(())
}

/// Canonical index key for an address in a configured domain.
pub fn canonical_address(addr: &Address, dc: &DomainConf) -> Result<String, String> {
    let lp = dns::canonical_localpart(
        &addr.localpart,
        &dc.localpart_catchall_separator,
        dc.localpart_case_sensitive,
    )?;
    Ok(format!(
        "{}@{}",
        dns::localpart_string(&lp),
        addr.domain.name()
    ))
}

/// Full validation (mox's `prepareDynamicConfig`, the parts the API can trigger). Returns
/// the address index, or the first error.
pub fn validate(d: &Dynamic, st: &StaticConfig) -> Result<BTreeMap<String, AddrEntry>, String> {
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

    crate::webserver::validate(&d.web, st)?;
    Ok(index)
}

/// Renders an account like mox's `Account()` result: the config with Go field names plus
/// the derived `DNSDomain`, `Rulesets` and `Routes` (always null here).
pub fn account_json(acc: &AccountConf) -> BTreeMap<String, serde_json::Value> {
    use serde_json::{Value, json};
    let dns_domain = dns::parse_domain(&acc.domain).unwrap_or_default();
    let destinations: serde_json::Map<String, Value> = acc
        .destinations
        .iter()
        .map(|(k, d)| {
            (
                k.clone(),
                json!({"Mailbox": d.mailbox, "Rulesets": null, "FullName": d.full_name}),
            )
        })
        .collect();
    let mut m = BTreeMap::new();
    m.insert("Domain".into(), json!(acc.domain));
    m.insert("Description".into(), json!(acc.description));
    m.insert("FullName".into(), json!(acc.full_name));
    m.insert("Destinations".into(), Value::Object(destinations));
    m.insert(
        "SubjectPass".into(),
        json!({"Period": acc.subject_pass.period}),
    );
    m.insert("QuotaMessageSize".into(), json!(acc.quota_message_size));
    m.insert("RejectsMailbox".into(), json!(acc.rejects_mailbox));
    m.insert("KeepRejects".into(), json!(acc.keep_rejects));
    m.insert(
        "AutomaticJunkFlags".into(),
        serde_json::to_value(&acc.automatic_junk_flags).unwrap_or(Value::Null),
    );
    m.insert(
        "JunkFilter".into(),
        match &acc.junk_filter {
            Some(j) => serde_json::to_value(j).unwrap_or(Value::Null),
            None => Value::Null,
        },
    );
    m.insert(
        "MaxOutgoingMessagesPerDay".into(),
        json!(acc.max_outgoing_messages_per_day),
    );
    m.insert(
        "MaxFirstTimeRecipientsPerDay".into(),
        json!(acc.max_first_time_recipients_per_day),
    );
    m.insert("Routes".into(), Value::Null);
    m.insert(
        "DNSDomain".into(),
        json!({"ASCII": dns_domain.ascii, "Unicode": dns_domain.unicode}),
    );
    m
}

/// The result of a successful change: the new config and what else the write must do.
#[derive(Debug, Default)]
pub struct Change {
    pub dynamic: Dynamic,
    /// The address index of `dynamic`.
    pub index: BTreeMap<String, AddrEntry>,
    /// DKIM key files to add (name → PEM).
    pub dkim_add: Vec<(String, String)>,
    /// DKIM key files to move to the archive tree.
    pub dkim_archive: Vec<String>,
    /// Accounts whose stored password is to be deleted.
    pub passwords_remove: Vec<String>,
}

/// Why a change was refused: a message for the API, and whether it is the user's fault.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeError(pub String);

fn err<T>(prefix: &str, m: impl std::fmt::Display) -> Result<T, ChangeError> {
    Err(ChangeError(format!("{prefix}: {m}")))
}

/// Validates `next` and wraps a failure as mox's `<prefix>: writing domains.conf: <err>`.
pub fn finish(
    next: Dynamic,
    st: &StaticConfig,
    prefix: &str,
) -> Result<(Dynamic, BTreeMap<String, AddrEntry>), ChangeError> {
    match validate(&next, st) {
        Ok(index) => Ok((next, index)),
        Err(e) => err(prefix, format!("writing domains.conf: {e}")),
    }
}

/// mox's `checkAddressAvailable`, against the current index.
pub fn check_address_available(cfg: &Config, addr: &Address) -> Result<(), String> {
    let Some(dc) = cfg.dynamic.domains.get(addr.domain.name()) else {
        return Err("domain does not exist".to_string());
    };
    let canon =
        canonical_address(addr, dc).map_err(|e| format!("canonicalizing localpart: {e}"))?;
    if cfg.index.contains_key(&canon) {
        return Err(format!("canonicalized address {canon} already configured"));
    }
    if !dc.localpart_catchall_separator.is_empty()
        && addr.localpart.contains(&dc.localpart_catchall_separator)
    {
        return Err(format!(
            "localpart cannot include domain catchall separator {}",
            dc.localpart_catchall_separator
        ));
    }
    Ok(())
}

/// The inputs of DomainAdd once the domain is parsed and its keys generated.
#[derive(Debug, Clone)]
pub struct NewDomain {
    pub domain: Domain,
    pub account: String,
    pub localpart: String,
    /// (selector, key name, PEM), in selector order.
    pub keys: Vec<(String, String, String)>,
    pub sign: Vec<String>,
    pub mtasts_policy_id: String,
}

/// DomainAdd after parsing and key generation: the account checks and the new config.
pub fn domain_add(cfg: &Config, st: &StaticConfig, nd: &NewDomain) -> Result<Change, ChangeError> {
    const P: &str = "adding domain";
    let (domain, account, localpart) = (&nd.domain, nd.account.as_str(), nd.localpart.as_str());
    if cfg.dynamic.domains.contains_key(domain.name()) {
        return err(P, "domain already present");
    }
    let exists = cfg.dynamic.accounts.contains_key(account);
    if exists && !localpart.is_empty() {
        return err(
            P,
            "account already exists (leave localpart empty when using an existing account)",
        );
    }
    if !exists && localpart.is_empty() {
        return err(P, "account does not yet exist (specify a localpart)");
    }
    if !exists && let Err(e) = check_account_name(account) {
        return err(P, e);
    }
    let mut next = cfg.dynamic.clone();
    let mut dc = DomainConf {
        client_settings_domain: format!("mail.{}", domain.name()),
        localpart_catchall_separator: "+".to_string(),
        dmarc: Some(ReportDest {
            localpart: "dmarc-reports".to_string(),
            domain: String::new(),
            account: account.to_string(),
            mailbox: "DMARC".to_string(),
        }),
        tlsrpt: Some(ReportDest {
            localpart: "tls-reports".to_string(),
            domain: String::new(),
            account: account.to_string(),
            mailbox: "TLSRPT".to_string(),
        }),
        ..DomainConf::default()
    };
    if st.mtasts_enabled() {
        dc.mtasts = Some(MtaSts {
            policy_id: nd.mtasts_policy_id.clone(),
            mode: "enforce".to_string(),
            max_age: "24h0m0s".to_string(),
            mx: vec![st.hostname_domain().ascii],
        });
    }
    let mut dkim_add = Vec::new();
    for (sel, file, pem) in nd.keys.iter().cloned() {
        dc.dkim.selectors.insert(
            sel,
            Selector {
                expiration: "72h".to_string(),
                private_key_file: format!("dkim/{file}"),
                ..Selector::default()
            },
        );
        dkim_add.push((file, pem));
    }
    dc.dkim.sign = nd.sign.clone();
    next.domains.insert(domain.name().to_string(), dc);
    if !exists {
        let addr = Address {
            localpart: localpart.to_string(),
            domain: domain.clone(),
        };
        next.accounts
            .insert(account.to_string(), new_account(domain, &addr.to_string()));
    } else if account != st.postmaster.account
        && let Some(acc) = next.accounts.get_mut(account)
    {
        acc.destinations.insert(
            format!("postmaster@{}", domain.name()),
            Destination::default(),
        );
    }
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        dkim_add,
        ..Change::default()
    })
}

/// DomainRemove: removes the domain; fails while anything still refers to it.
pub fn domain_remove(
    cfg: &Config,
    st: &StaticConfig,
    domain: &Domain,
) -> Result<Change, ChangeError> {
    const P: &str = "removing domain";
    let mut next = cfg.dynamic.clone();
    let Some(dc) = next.domains.remove(domain.name()) else {
        return err(P, "domain does not exist");
    };
    let (dynamic, index) = finish(next, st, P)?;
    let still_used: BTreeSet<&String> = dynamic
        .domains
        .values()
        .flat_map(|d| d.dkim.selectors.values().map(|s| &s.private_key_file))
        .collect();
    let dkim_archive = dc
        .dkim
        .selectors
        .values()
        .filter(|s| !still_used.contains(&s.private_key_file))
        .filter_map(|s| s.private_key_file.strip_prefix("dkim/").map(str::to_string))
        .collect();
    Ok(Change {
        dynamic,
        index,
        dkim_archive,
        ..Change::default()
    })
}

/// AccountAdd.
pub fn account_add(
    cfg: &Config,
    st: &StaticConfig,
    name: &str,
    address: &str,
) -> Result<Change, ChangeError> {
    const P: &str = "adding account";
    let addr = match dns::parse_address(address) {
        Ok(a) => a,
        Err(e) => return err(P, format!("parsing email address: {e}")),
    };
    if let Err(e) = check_account_name(name) {
        return err(P, e);
    }
    if cfg.dynamic.accounts.contains_key(name) {
        return err(P, "account already present");
    }
    if let Err(e) = check_address_available(cfg, &addr) {
        return err(P, format!("address not available: {e}"));
    }
    let mut next = cfg.dynamic.clone();
    next.accounts.insert(
        name.to_string(),
        new_account(&addr.domain, &addr.to_string()),
    );
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        ..Change::default()
    })
}

/// AccountRemove: removes the account and (unlike mox) its stored password.
pub fn account_remove(cfg: &Config, st: &StaticConfig, name: &str) -> Result<Change, ChangeError> {
    const P: &str = "removing account";
    let mut next = cfg.dynamic.clone();
    if next.accounts.remove(name).is_none() {
        return err(P, "account does not exist");
    }
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        passwords_remove: vec![name.to_string()],
        ..Change::default()
    })
}

/// AddressAdd, including catch-all addresses written `@domain`.
pub fn address_add(
    cfg: &Config,
    st: &StaticConfig,
    address: &str,
    account: &str,
) -> Result<Change, ChangeError> {
    const P: &str = "adding address";
    if !cfg.dynamic.accounts.contains_key(account) {
        return err(P, "account does not exist");
    }
    let key = if let Some(dom_text) = address.strip_prefix('@') {
        let dom = match dns::parse_domain(dom_text) {
            Ok(d) if !d.ascii.is_empty() => d,
            Ok(_) => return err(P, "parsing domain: empty domain"),
            Err(e) => return err(P, format!("parsing domain: {e}")),
        };
        if !cfg.dynamic.domains.contains_key(dom.name()) {
            return err(P, "domain does not exist");
        }
        let full = format!("@{}", dom.name());
        if cfg.index.contains_key(&full) {
            return err(P, "catchall address already configured for domain");
        }
        full
    } else {
        let addr = match dns::parse_address(address) {
            Ok(a) => a,
            Err(e) => return err(P, format!("parsing email address: {e}")),
        };
        if let Err(e) = check_address_available(cfg, &addr) {
            return err(P, format!("address not available: {e}"));
        }
        addr.to_string()
    };
    let mut next = cfg.dynamic.clone();
    if let Some(acc) = next.accounts.get_mut(account) {
        acc.destinations.insert(key, Destination::default());
    }
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        ..Change::default()
    })
}

/// AddressRemove. Unlike mox, the address is parsed and canonicalized as in AddressAdd, so
/// any spelling of a configured address removes it.
pub fn address_remove(
    cfg: &Config,
    st: &StaticConfig,
    address: &str,
) -> Result<Change, ChangeError> {
    const P: &str = "removing address";
    let canon = if let Some(dom_text) = address.strip_prefix('@') {
        match dns::parse_domain(dom_text) {
            Ok(d) => Some(format!("@{}", d.name())),
            Err(_) => None,
        }
    } else {
        dns::parse_address(address).ok().and_then(|a| {
            cfg.dynamic
                .domains
                .get(a.domain.name())
                .and_then(|dc| canonical_address(&a, dc).ok())
        })
    };
    let Some(entry) = canon.and_then(|c| cfg.index.get(&c)) else {
        return err(P, "address does not exists");
    };
    let Some(dest) = &entry.destination else {
        return err(
            P,
            "address not removed, likely a postmaster/reporting address",
        );
    };
    let mut next = cfg.dynamic.clone();
    let removed = next
        .accounts
        .get_mut(&entry.account)
        .and_then(|a| a.destinations.remove(dest));
    if removed.is_none() {
        return err(
            P,
            "address not removed, likely a postmaster/reporting address",
        );
    }
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        ..Change::default()
    })
}

/// SetAccountLimits. Negative message and recipient limits are refused; a negative
/// `max_msg_size` keeps mox's meaning (no size limit).
pub fn set_account_limits(
    cfg: &Config,
    st: &StaticConfig,
    name: &str,
    max_out: i32,
    max_first: i32,
    max_size: i64,
) -> Result<Change, ChangeError> {
    const P: &str = "saving account limits";
    if max_out < 0 {
        return err(P, "max outgoing messages per day cannot be negative");
    }
    if max_first < 0 {
        return err(P, "max first-time recipients per day cannot be negative");
    }
    let mut next = cfg.dynamic.clone();
    let Some(acc) = next.accounts.get_mut(name) else {
        return err(P, "account not present");
    };
    acc.max_outgoing_messages_per_day = max_out;
    acc.max_first_time_recipients_per_day = max_first;
    acc.quota_message_size = max_size;
    let (dynamic, index) = finish(next, st, P)?;
    Ok(Change {
        dynamic,
        index,
        ..Change::default()
    })
}
