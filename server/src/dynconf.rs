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

mod change;
mod validate;

pub use change::*;
pub use validate::validate;

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
