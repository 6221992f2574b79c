//! The admin API: the generated `Api` trait implemented over [`App`].
//!
//! The trait impl only forwards; each area lives in its own module as inherent methods of
//! `App`: [`auth`] (LoginPrep, Login, Logout), [`domains`] (domains, accounts, addresses,
//! passwords, limits, client configs, config files), [`queue`], [`dmarc`], [`tlsrpt`]
//! (TLS reports, results, suppress list, MTA-STS policies), [`dns`] (CheckDomain,
//! DomainRecords, LookupIP, DNSBLStatus, LookupTLSRPTRecord) and [`misc`] (log levels,
//! transports, update checks, web server config).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use sherpa_admin::api::*;
use sherpa_admin::runtime::{self as RT, Error};

use crate::app::App;

pub mod auth;
pub mod dmarc;
pub mod dns;
pub mod domains;
pub mod misc;
pub mod queue;
pub mod tlsrpt;

/// Per-request context, filled in by the HTTP layer.
#[derive(Debug, Default)]
pub struct Ctx {
    /// The client address used for rate limiting (None when it cannot be determined).
    pub ip: Option<IpAddr>,
    /// Whether cookies get the `Secure` attribute (HTTPS, or a forwarded https request).
    pub secure: bool,
    /// The `webadminlogin` cookie, for Login.
    pub login_cookie: Option<String>,
    /// The authenticated session token, for Logout.
    pub session: Option<String>,
    /// `Set-Cookie` values the HTTP layer adds to the response.
    pub set_cookies: Mutex<Vec<String>>,
}

impl Ctx {
    pub fn add_cookie(&self, c: String) {
        self.set_cookies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(c);
    }

    pub fn take_cookies(&self) -> Vec<String> {
        std::mem::take(&mut *self.set_cookies.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The `Api` implementation.
#[derive(Clone)]
pub struct AdminApi(pub Arc<App>);

impl Api for AdminApi {
    type Context = Ctx;

    async fn login_prep(&self, ctx: &Ctx) -> ::core::result::Result<String, Error> {
        self.0.login_prep(ctx).await
    }
    async fn login(
        &self,
        ctx: &Ctx,
        login_token: String,
        password: String,
    ) -> ::core::result::Result<CSRFToken, Error> {
        self.0.login(ctx, login_token, password).await
    }
    async fn logout(&self, ctx: &Ctx) -> ::core::result::Result<(), Error> {
        self.0.logout(ctx).await
    }
    async fn check_domain(
        &self,
        _ctx: &Ctx,
        _domain_name: String,
    ) -> ::core::result::Result<CheckResult, Error> {
        self.0.check_domain(_domain_name).await
    }
    async fn domains(&self, _ctx: &Ctx) -> ::core::result::Result<Vec<Domain>, Error> {
        self.0.domains().await
    }
    async fn domain(&self, _ctx: &Ctx, domain: String) -> ::core::result::Result<Domain, Error> {
        self.0.domain(domain).await
    }
    async fn parse_domain(
        &self,
        _ctx: &Ctx,
        domain: String,
    ) -> ::core::result::Result<Domain, Error> {
        self.0.parse_domain(domain).await
    }
    async fn domain_localparts(
        &self,
        _ctx: &Ctx,
        domain: String,
    ) -> ::core::result::Result<BTreeMap<String, String>, Error> {
        self.0.domain_localparts(domain).await
    }
    async fn accounts(&self, _ctx: &Ctx) -> ::core::result::Result<Vec<String>, Error> {
        self.0.accounts().await
    }
    async fn account(
        &self,
        _ctx: &Ctx,
        account: String,
    ) -> ::core::result::Result<BTreeMap<String, serde_json::Value>, Error> {
        self.0.account(account).await
    }
    async fn config_files(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<(String, String, String, String), Error> {
        self.0.config_files().await
    }
    async fn mtasts_policies(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<Vec<PolicyRecord>, Error> {
        self.0.mtasts_policies().await
    }
    async fn tls_reports(
        &self,
        _ctx: &Ctx,
        start: RT::Timestamp,
        end: RT::Timestamp,
        policy_domain: String,
    ) -> ::core::result::Result<Vec<TLSReportRecord>, Error> {
        self.0.tls_reports(start, end, policy_domain).await
    }
    async fn tls_report_id(
        &self,
        _ctx: &Ctx,
        domain: String,
        report_id: i64,
    ) -> ::core::result::Result<TLSReportRecord, Error> {
        self.0.tls_report_id(domain, report_id).await
    }
    async fn tlsrpt_summaries(
        &self,
        _ctx: &Ctx,
        start: RT::Timestamp,
        end: RT::Timestamp,
        policy_domain: String,
    ) -> ::core::result::Result<Vec<TLSRPTSummary>, Error> {
        self.0.tlsrpt_summaries(start, end, policy_domain).await
    }
    async fn dmarc_reports(
        &self,
        _ctx: &Ctx,
        start: RT::Timestamp,
        end: RT::Timestamp,
        domain: String,
    ) -> ::core::result::Result<Vec<DomainFeedback>, Error> {
        self.0.dmarc_reports(start, end, domain).await
    }
    async fn dmarc_report_id(
        &self,
        _ctx: &Ctx,
        domain: String,
        report_id: i64,
    ) -> ::core::result::Result<DomainFeedback, Error> {
        self.0.dmarc_report_id(domain, report_id).await
    }
    async fn dmarc_summaries(
        &self,
        _ctx: &Ctx,
        start: RT::Timestamp,
        end: RT::Timestamp,
        domain: String,
    ) -> ::core::result::Result<Vec<DMARCSummary>, Error> {
        self.0.dmarc_summaries(start, end, domain).await
    }
    async fn lookup_ip(&self, _ctx: &Ctx, _ip: String) -> ::core::result::Result<Reverse, Error> {
        self.0.lookup_ip(_ip).await
    }
    async fn dnsbl_status(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<BTreeMap<String, BTreeMap<String, String>>, Error> {
        self.0.dnsbl_status().await
    }
    async fn domain_records(
        &self,
        _ctx: &Ctx,
        _domain: String,
    ) -> ::core::result::Result<Vec<String>, Error> {
        self.0.domain_records(_domain).await
    }
    async fn domain_add(
        &self,
        _ctx: &Ctx,
        domain: String,
        account_name: String,
        localpart: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.domain_add(domain, account_name, localpart).await
    }
    async fn domain_remove(&self, _ctx: &Ctx, domain: String) -> ::core::result::Result<(), Error> {
        self.0.domain_remove(domain).await
    }
    async fn account_add(
        &self,
        _ctx: &Ctx,
        account_name: String,
        address: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.account_add(account_name, address).await
    }
    async fn account_remove(
        &self,
        _ctx: &Ctx,
        account_name: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.account_remove(account_name).await
    }
    async fn address_add(
        &self,
        _ctx: &Ctx,
        address: String,
        account_name: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.address_add(address, account_name).await
    }
    async fn address_remove(
        &self,
        _ctx: &Ctx,
        address: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.address_remove(address).await
    }
    async fn set_password(
        &self,
        _ctx: &Ctx,
        account_name: String,
        password: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.set_password(account_name, password).await
    }
    async fn set_account_limits(
        &self,
        _ctx: &Ctx,
        account_name: String,
        max_outgoing_messages_per_day: i32,
        max_first_time_recipients_per_day: i32,
        max_msg_size: i64,
    ) -> ::core::result::Result<(), Error> {
        self.0
            .set_account_limits(
                account_name,
                max_outgoing_messages_per_day,
                max_first_time_recipients_per_day,
                max_msg_size,
            )
            .await
    }
    async fn client_configs_domain(
        &self,
        _ctx: &Ctx,
        domain: String,
    ) -> ::core::result::Result<ClientConfigs, Error> {
        self.0.client_configs_domain(domain).await
    }
    async fn queue_list(&self, _ctx: &Ctx) -> ::core::result::Result<Vec<Msg>, Error> {
        self.0.queue_list().await
    }
    async fn queue_size(&self, _ctx: &Ctx) -> ::core::result::Result<i32, Error> {
        self.0.queue_size().await
    }
    async fn queue_kick(
        &self,
        _ctx: &Ctx,
        id: i64,
        transport: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.queue_kick(id, transport).await
    }
    async fn queue_drop(&self, _ctx: &Ctx, id: i64) -> ::core::result::Result<(), Error> {
        self.0.queue_drop(id).await
    }
    async fn queue_save_require_tls(
        &self,
        _ctx: &Ctx,
        id: i64,
        require_tls: Option<bool>,
    ) -> ::core::result::Result<(), Error> {
        self.0.queue_save_require_tls(id, require_tls).await
    }
    async fn log_levels(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<BTreeMap<String, String>, Error> {
        self.0.log_levels().await
    }
    async fn log_level_set(
        &self,
        _ctx: &Ctx,
        pkg: String,
        level_str: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.log_level_set(pkg, level_str).await
    }
    async fn log_level_remove(&self, _ctx: &Ctx, pkg: String) -> ::core::result::Result<(), Error> {
        self.0.log_level_remove(pkg).await
    }
    async fn check_updates_enabled(&self, _ctx: &Ctx) -> ::core::result::Result<bool, Error> {
        self.0.check_updates_enabled().await
    }
    async fn webserver_config(&self, _ctx: &Ctx) -> ::core::result::Result<WebserverConfig, Error> {
        self.0.webserver_config().await
    }
    async fn webserver_config_save(
        &self,
        _ctx: &Ctx,
        old_conf: WebserverConfig,
        new_conf: WebserverConfig,
    ) -> ::core::result::Result<WebserverConfig, Error> {
        self.0.webserver_config_save(old_conf, new_conf).await
    }
    async fn transports(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<BTreeMap<String, Transport>, Error> {
        self.0.transports().await
    }
    async fn dmarc_evaluation_stats(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<BTreeMap<String, EvaluationStat>, Error> {
        self.0.dmarc_evaluation_stats().await
    }
    async fn dmarc_evaluations_domain(
        &self,
        _ctx: &Ctx,
        domain: String,
    ) -> ::core::result::Result<(Domain, Vec<Evaluation>), Error> {
        self.0.dmarc_evaluations_domain(domain).await
    }
    async fn dmarc_remove_evaluations(
        &self,
        _ctx: &Ctx,
        domain: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.dmarc_remove_evaluations(domain).await
    }
    async fn dmarc_suppress_add(
        &self,
        _ctx: &Ctx,
        reporting_address: String,
        until: RT::Timestamp,
        comment: String,
    ) -> ::core::result::Result<(), Error> {
        self.0
            .dmarc_suppress_add(reporting_address, until, comment)
            .await
    }
    async fn dmarc_suppress_list(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<Vec<SuppressAddress>, Error> {
        self.0.dmarc_suppress_list().await
    }
    async fn dmarc_suppress_remove(
        &self,
        _ctx: &Ctx,
        id: i64,
    ) -> ::core::result::Result<(), Error> {
        self.0.dmarc_suppress_remove(id).await
    }
    async fn dmarc_suppress_extend(
        &self,
        _ctx: &Ctx,
        id: i64,
        until: RT::Timestamp,
    ) -> ::core::result::Result<(), Error> {
        self.0.dmarc_suppress_extend(id, until).await
    }
    async fn tlsrpt_results(&self, _ctx: &Ctx) -> ::core::result::Result<Vec<TLSResult>, Error> {
        self.0.tlsrpt_results().await
    }
    async fn tlsrpt_results_domain(
        &self,
        _ctx: &Ctx,
        is_rcpt_dom: bool,
        policy_domain: String,
    ) -> ::core::result::Result<(Domain, Vec<TLSResult>), Error> {
        self.0
            .tlsrpt_results_domain(is_rcpt_dom, policy_domain)
            .await
    }
    async fn lookup_tlsrpt_record(
        &self,
        _ctx: &Ctx,
        _domain: String,
    ) -> ::core::result::Result<(Option<TLSRPTRecord>, String, String), Error> {
        self.0.lookup_tlsrpt_record(_domain).await
    }
    async fn tlsrpt_remove_results(
        &self,
        _ctx: &Ctx,
        is_rcpt_dom: bool,
        domain: String,
        day: String,
    ) -> ::core::result::Result<(), Error> {
        self.0.tlsrpt_remove_results(is_rcpt_dom, domain, day).await
    }
    async fn tlsrpt_suppress_add(
        &self,
        _ctx: &Ctx,
        reporting_address: String,
        until: RT::Timestamp,
        comment: String,
    ) -> ::core::result::Result<(), Error> {
        self.0
            .tlsrpt_suppress_add(reporting_address, until, comment)
            .await
    }
    async fn tlsrpt_suppress_list(
        &self,
        _ctx: &Ctx,
    ) -> ::core::result::Result<Vec<TLSRPTSuppressAddress>, Error> {
        self.0.tlsrpt_suppress_list().await
    }
    async fn tlsrpt_suppress_remove(
        &self,
        _ctx: &Ctx,
        id: i64,
    ) -> ::core::result::Result<(), Error> {
        self.0.tlsrpt_suppress_remove(id).await
    }
    async fn tlsrpt_suppress_extend(
        &self,
        _ctx: &Ctx,
        id: i64,
        until: RT::Timestamp,
    ) -> ::core::result::Result<(), Error> {
        self.0.tlsrpt_suppress_extend(id, until).await
    }
}
