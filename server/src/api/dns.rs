//! The DNS functions of the admin API: CheckDomain, DomainRecords, LookupIP, DNSBLStatus
//! and LookupTLSRPTRecord. Each reads what it needs from the running server (the domain's
//! configuration, its DKIM keys from the store) and hands it to [`crate::checks`], which
//! does the lookups and connections.

use std::collections::BTreeMap;

use sherpa_admin::api;
use sherpa_admin::runtime::Error;

use crate::app::App;
use crate::checks::{self, SubCheckTime};
use crate::dns;

impl App {
    /// CheckDomain: every check mox makes for a domain's DNS and TLS set-up.
    pub async fn check_domain(&self, domain_name: String) -> Result<api::CheckResult, Error> {
        Ok(self.check_domain_timed(domain_name).await?.0)
    }

    /// CheckDomain, also returning each sub-check's own duration (for the benchmark).
    pub async fn check_domain_timed(
        &self,
        domain_name: String,
    ) -> Result<(api::CheckResult, Vec<SubCheckTime>), Error> {
        let d = dns::parse_domain(&domain_name)
            .map_err(|e| Error::user(format!("parsing domain: {e}")))?;
        let cfg = self.config();
        let Some(dc) = cfg.dynamic.domains.get(d.name()).cloned() else {
            return Err(Error::new("user:notFound", "domain not found"));
        };
        let keys = checks::load_dkim_keys(&self.store, &dc);
        checks::check_domain(&self.static_config.config, d, dc, keys).await
    }

    /// DomainRecords: the records to publish for a domain, as mox prints them.
    pub async fn domain_records(&self, domain: String) -> Result<Vec<String>, Error> {
        let d =
            dns::parse_domain(&domain).map_err(|e| Error::user(format!("parsing domain: {e}")))?;
        let cfg = self.config();
        let Some(dc) = cfg.dynamic.domains.get(d.name()).cloned() else {
            return Err(Error::user("lookup domain: unknown domain"));
        };
        let keys = checks::load_dkim_keys(&self.store, &dc);
        checks::domain_records(&self.static_config.config, &d, &dc, &keys).await
    }

    /// LookupIP: the PTR names of an IP, each with a trailing dot.
    pub async fn lookup_ip(&self, ip: String) -> Result<api::Reverse, Error> {
        checks::lookup_ip(&self.static_config.config, &ip).await
    }

    /// DNSBLStatus: for each sending IP (public addresses only), the status at each DNSBL
    /// zone of the `public` listener.
    pub async fn dnsbl_status(&self) -> Result<BTreeMap<String, BTreeMap<String, String>>, Error> {
        checks::dnsbl_status(&self.static_config.config).await
    }

    /// LookupTLSRPTRecord: (record, txt, "") or (None, "", known error).
    pub async fn lookup_tlsrpt_record(
        &self,
        domain: String,
    ) -> Result<(Option<api::TLSRPTRecord>, String, String), Error> {
        checks::lookup_tlsrpt_record(&self.static_config.config, &domain).await
    }
}
