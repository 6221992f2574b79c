//! Domains, accounts, addresses, passwords, limits, client configs and ConfigFiles.

use std::collections::BTreeMap;

use sherpa_admin::api::{ClientConfigs, ClientConfigsEntry, Domain};
use sherpa_admin::runtime::Error;

use crate::app::{App, server_err, user_err};
use crate::dns;
use crate::dynconf::{self, NewDomain};

/// Parses a domain parameter, refusing the empty name (which mox's parser accepts).
fn parse_nonempty(s: &str) -> Result<dns::Domain, String> {
    let d = dns::parse_domain(s)?;
    if d.ascii.is_empty() {
        return Err("empty domain".to_string());
    }
    Ok(d)
}

impl App {
    pub async fn domains(&self) -> Result<Vec<Domain>, Error> {
        let cfg = self.config();
        Ok(cfg
            .dynamic
            .domains
            .keys()
            .map(|k| dns::parse_domain(k).unwrap_or_default().to_api())
            .collect())
    }

    pub async fn domain(&self, domain: String) -> Result<Domain, Error> {
        let d = dns::parse_domain(&domain).map_err(|e| user_err("parse domain", e))?;
        if !self.config().dynamic.domains.contains_key(d.name()) {
            return Err(Error::user("looking up domain: no such domain"));
        }
        Ok(d.to_api())
    }

    pub async fn parse_domain(&self, domain: String) -> Result<Domain, Error> {
        Ok(dns::parse_domain(&domain)
            .map_err(|e| user_err("parse domain", e))?
            .to_api())
    }

    pub async fn domain_localparts(
        &self,
        domain: String,
    ) -> Result<BTreeMap<String, String>, Error> {
        let d = dns::parse_domain(&domain).map_err(|e| user_err("parsing domain", e))?;
        let cfg = self.config();
        if !cfg.dynamic.domains.contains_key(d.name()) {
            return Err(Error::user("looking up domain: no such domain"));
        }
        let suffix = format!("@{}", d.name());
        Ok(cfg
            .index
            .iter()
            .filter(|(k, _)| k.ends_with(&suffix))
            .map(|(_, e)| {
                let key = if e.catchall {
                    String::new()
                } else {
                    dns::localpart_string(&e.localpart)
                };
                (key, e.account.clone())
            })
            .collect())
    }

    pub async fn accounts(&self) -> Result<Vec<String>, Error> {
        Ok(self.config().dynamic.accounts.keys().cloned().collect())
    }

    pub async fn account(
        &self,
        account: String,
    ) -> Result<BTreeMap<String, serde_json::Value>, Error> {
        let cfg = self.config();
        let acc = cfg
            .dynamic
            .accounts
            .get(&account)
            .ok_or_else(|| Error::user("looking up account: no such account"))?;
        Ok(dynconf::account_json(acc))
    }

    pub async fn config_files(&self) -> Result<(String, String, String, String), Error> {
        let st = &self.static_config;
        let static_path = match &st.path {
            Some(p) => p.display().to_string(),
            None => "(built-in defaults)".to_string(),
        };
        let dynamic_path = format!("{} (sled store)", self.data_dir.join("store").display());
        let dynamic_text = toml::to_string_pretty(&self.config().dynamic)
            .map_err(|e| server_err("read dynamic config file", e))?;
        Ok((static_path, dynamic_path, st.text.clone(), dynamic_text))
    }

    pub async fn domain_add(
        &self,
        domain: String,
        account_name: String,
        localpart: String,
    ) -> Result<(), Error> {
        let d = parse_nonempty(&domain).map_err(|e| user_err("parsing domain", e))?;
        // Unlike mox, the localpart is checked before any work is done (docs/mox-differences.md).
        if !localpart.is_empty() {
            let lp =
                dns::parse_localpart(&localpart).map_err(|e| user_err("parsing localpart", e))?;
            if lp.contains('+') {
                return Err(Error::user(
                    "parsing localpart: localpart cannot include domain catchall separator +",
                ));
            }
        }
        if self.config().dynamic.domains.contains_key(d.name()) {
            return Err(Error::user("adding domain: domain already present"));
        }
        // Key generation (RSA) takes a while; it runs before the config lock is taken so
        // other writers are not held up, and the domain is checked again under the lock.
        let ascii = d.ascii.clone();
        let keys = tokio::task::spawn_blocking(move || crate::dkim::generate(&ascii))
            .await
            .map_err(|e| server_err("adding domain: preparing domain config", e))?
            .map_err(|e| server_err("adding domain: preparing domain config", e))?;
        let st = &self.static_config.config;
        let policy_id = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
        self.change_config(|cfg| {
            dynconf::domain_add(
                cfg,
                st,
                &NewDomain {
                    domain: d.clone(),
                    account: account_name.clone(),
                    localpart: localpart.clone(),
                    keys: keys
                        .keys
                        .iter()
                        .map(|k| (k.selector.clone(), k.file.clone(), k.pem.clone()))
                        .collect(),
                    sign: keys.sign.clone(),
                    mtasts_policy_id: policy_id,
                },
            )
        })
        .await
    }

    pub async fn domain_remove(&self, domain: String) -> Result<(), Error> {
        let d = dns::parse_domain(&domain).map_err(|e| user_err("parsing domain", e))?;
        let st = &self.static_config.config;
        self.change_config(|cfg| dynconf::domain_remove(cfg, st, &d))
            .await
    }

    pub async fn account_add(&self, account_name: String, address: String) -> Result<(), Error> {
        let st = &self.static_config.config;
        self.change_config(|cfg| dynconf::account_add(cfg, st, &account_name, &address))
            .await
    }

    pub async fn account_remove(&self, account_name: String) -> Result<(), Error> {
        let st = &self.static_config.config;
        self.change_config(|cfg| dynconf::account_remove(cfg, st, &account_name))
            .await
    }

    pub async fn address_add(&self, address: String, account_name: String) -> Result<(), Error> {
        let st = &self.static_config.config;
        self.change_config(|cfg| dynconf::address_add(cfg, st, &address, &account_name))
            .await
    }

    pub async fn address_remove(&self, address: String) -> Result<(), Error> {
        let st = &self.static_config.config;
        self.change_config(|cfg| dynconf::address_remove(cfg, st, &address))
            .await
    }

    pub async fn set_password(&self, account_name: String, password: String) -> Result<(), Error> {
        if password.len() < 8 {
            return Err(Error::user("password must be at least 8 characters"));
        }
        if !self.config().dynamic.accounts.contains_key(&account_name) {
            return Err(Error::user("open account: no such account"));
        }
        let hash = tokio::task::spawn_blocking(move || crate::auth::hash_password(&password))
            .await
            .map_err(|e| server_err("setting password", e))?
            .map_err(|e| server_err("setting password", e))?;
        // Under the config lock, so a concurrent AccountRemove cannot leave a password for an
        // account that no longer exists.
        let st = &self.static_config.config;
        let store = &self.store;
        let name = account_name.clone();
        self.change_config(|cfg| {
            if !cfg.dynamic.accounts.contains_key(&name) {
                return Err(dynconf::ChangeError(
                    "open account: no such account".to_string(),
                ));
            }
            store
                .account_passwords
                .insert(name.as_bytes(), hash.as_bytes())
                .map_err(|e| dynconf::ChangeError(format!("setting password: {e}")))?;
            let (dynamic, index) = dynconf::finish(cfg.dynamic.clone(), st, "setting password")?;
            Ok(dynconf::Change {
                dynamic,
                index,
                ..dynconf::Change::default()
            })
        })
        .await
    }

    pub async fn set_account_limits(
        &self,
        account_name: String,
        max_outgoing_messages_per_day: i32,
        max_first_time_recipients_per_day: i32,
        max_msg_size: i64,
    ) -> Result<(), Error> {
        let st = &self.static_config.config;
        self.change_config(|cfg| {
            dynconf::set_account_limits(
                cfg,
                st,
                &account_name,
                max_outgoing_messages_per_day,
                max_first_time_recipients_per_day,
                max_msg_size,
            )
        })
        .await
    }

    pub async fn client_configs_domain(&self, domain: String) -> Result<ClientConfigs, Error> {
        let d = dns::parse_domain(&domain).map_err(|e| user_err("parsing domain", e))?;
        let cfg = self.config();
        let Some(dc) = cfg.dynamic.domains.get(d.name()) else {
            return Err(Error::user("client config for domain: unknown domain"));
        };
        let st = &self.static_config.config;
        let csd = if dc.client_settings_domain.is_empty() {
            None
        } else {
            dns::parse_domain(&dc.client_settings_domain).ok()
        };
        let mut entries = Vec::new();
        for (name, l) in &st.listeners {
            let host = match &csd {
                Some(c) => c.clone(),
                None if !l.hostname.is_empty() => {
                    dns::parse_domain(&l.hostname).unwrap_or_default()
                }
                None => st.hostname_domain(),
            };
            let port = |p: i32, default: i32| if p == 0 { default } else { p };
            let note = if !l.tls {
                "plain text, no STARTTLS configured"
            } else if !l.submission.no_require_starttls {
                "STARTTLS required"
            } else {
                "STARTTLS optional"
            };
            let imap_note = if !l.tls {
                "plain text, no STARTTLS configured"
            } else if !l.imap.no_require_starttls {
                "STARTTLS required"
            } else {
                "STARTTLS optional"
            };
            let mut push = |protocol: &str, p: i32, note: &str| {
                entries.push(ClientConfigsEntry {
                    protocol: protocol.to_string(),
                    host: host.to_api(),
                    port: p,
                    listener: name.clone(),
                    note: note.to_string(),
                })
            };
            if l.submissions.enabled {
                push(
                    "Submission (SMTP)",
                    port(l.submissions.port, 465),
                    "with TLS",
                );
            }
            if l.imaps.enabled {
                push("IMAP", port(l.imaps.port, 993), "with TLS");
            }
            if l.submission.enabled {
                push("Submission (SMTP)", port(l.submission.port, 587), note);
            }
            if l.imap.enabled {
                // mox uses the IMAPS port setting here (a quirk); the IMAP port is the
                // meaningful one, so it is used instead.
                push("IMAP", port(l.imap.port, 143), imap_note);
            }
        }
        Ok(ClientConfigs { entries })
    }
}
