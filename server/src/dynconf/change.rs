//! Changes to the dynamic configuration: each takes the current `Config` and returns
//! the complete next one (validated) or a mox-style error.

use super::*;

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
