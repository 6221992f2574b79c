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

/// One `Api` method that forwards to the `App` method of the same name, which does the
/// work in its area's module: with the request context first (`ctx fn`), or without it
/// (`fn`) for the functions that do not need it, or on the low-priority background
/// threads (`blocking fn`, see [`crate::background`]) for the calls whose cost follows
/// the stored data, so that a long scan neither holds an async worker nor takes the CPU
/// from the short calls those serve. The trait fixes the signatures, so a type
/// written here that does not match the schema does not compile.
macro_rules! forward {
    (ctx fn $name:ident($($param:ident: $ty:ty),*) -> $ret:ty) => {
        async fn $name(&self, ctx: &Ctx $(, $param: $ty)*) -> ::core::result::Result<$ret, Error> {
            self.0.$name(ctx $(, $param)*).await
        }
    };
    (blocking fn $name:ident($($param:ident: $ty:ty),*) -> $ret:ty) => {
        async fn $name(&self, _ctx: &Ctx $(, $param: $ty)*) -> ::core::result::Result<$ret, Error> {
            let app = self.0.clone();
            crate::background::run(move || app.$name($($param),*))
                .await
                .map_err(|e| crate::app::server_err(stringify!($name), e))?
        }
    };
    (fn $name:ident($($param:ident: $ty:ty),*) -> $ret:ty) => {
        async fn $name(&self, _ctx: &Ctx $(, $param: $ty)*) -> ::core::result::Result<$ret, Error> {
            self.0.$name($($param),*).await
        }
    };
}

/// The `Api` implementation.
#[derive(Clone)]
pub struct AdminApi(pub Arc<App>);

impl Api for AdminApi {
    type Context = Ctx;

    forward!(ctx fn login_prep() -> String);
    forward!(ctx fn login(login_token: String, password: String) -> CSRFToken);
    forward!(ctx fn logout() -> ());
    forward!(fn check_domain(domain_name: String) -> CheckResult);
    forward!(fn domains() -> Vec<Domain>);
    forward!(fn domain(domain: String) -> Domain);
    forward!(fn parse_domain(domain: String) -> Domain);
    forward!(fn domain_localparts(domain: String) -> BTreeMap<String, String>);
    forward!(fn accounts() -> Vec<String>);
    forward!(fn account(account: String) -> BTreeMap<String, serde_json::Value>);
    forward!(fn config_files() -> (String, String, String, String));
    forward!(blocking fn mtasts_policies() -> Vec<PolicyRecord>);
    forward!(blocking fn tls_reports(start: RT::Timestamp, end: RT::Timestamp, policy_domain: String) -> RT::Wire<Vec<TLSReportRecord>>);
    forward!(fn tls_report_id(domain: String, report_id: i64) -> TLSReportRecord);
    forward!(blocking fn tlsrpt_summaries(start: RT::Timestamp, end: RT::Timestamp, policy_domain: String) -> Vec<TLSRPTSummary>);
    forward!(blocking fn dmarc_reports(start: RT::Timestamp, end: RT::Timestamp, domain: String) -> RT::Wire<Vec<DomainFeedback>>);
    forward!(fn dmarc_report_id(domain: String, report_id: i64) -> DomainFeedback);
    forward!(blocking fn dmarc_summaries(start: RT::Timestamp, end: RT::Timestamp, domain: String) -> Vec<DMARCSummary>);
    forward!(fn lookup_ip(ip: String) -> Reverse);
    forward!(fn dnsbl_status() -> BTreeMap<String, BTreeMap<String, String>>);
    forward!(fn domain_records(domain: String) -> Vec<String>);
    forward!(fn domain_add(domain: String, account_name: String, localpart: String) -> ());
    forward!(fn domain_remove(domain: String) -> ());
    forward!(fn account_add(account_name: String, address: String) -> ());
    forward!(fn account_remove(account_name: String) -> ());
    forward!(fn address_add(address: String, account_name: String) -> ());
    forward!(fn address_remove(address: String) -> ());
    forward!(fn set_password(account_name: String, password: String) -> ());
    forward!(fn set_account_limits(account_name: String, max_outgoing_messages_per_day: i32, max_first_time_recipients_per_day: i32, max_msg_size: i64) -> ());
    forward!(fn client_configs_domain(domain: String) -> ClientConfigs);
    forward!(blocking fn queue_list() -> RT::Wire<Vec<Msg>>);
    forward!(fn queue_size() -> i32);
    forward!(fn queue_kick(id: i64, transport: String) -> ());
    forward!(fn queue_drop(id: i64) -> ());
    forward!(fn queue_save_require_tls(id: i64, require_tls: Option<bool>) -> ());
    forward!(fn log_levels() -> BTreeMap<String, String>);
    forward!(fn log_level_set(pkg: String, level_str: String) -> ());
    forward!(fn log_level_remove(pkg: String) -> ());
    forward!(fn check_updates_enabled() -> bool);
    forward!(fn webserver_config() -> WebserverConfig);
    forward!(fn webserver_config_save(old_conf: WebserverConfig, new_conf: WebserverConfig) -> WebserverConfig);
    forward!(fn transports() -> BTreeMap<String, Transport>);
    forward!(blocking fn dmarc_evaluation_stats() -> BTreeMap<String, EvaluationStat>);
    forward!(blocking fn dmarc_evaluations_domain(domain: String) -> (Domain, Vec<Evaluation>));
    forward!(fn dmarc_remove_evaluations(domain: String) -> ());
    forward!(fn dmarc_suppress_add(reporting_address: String, until: RT::Timestamp, comment: String) -> ());
    forward!(fn dmarc_suppress_list() -> Vec<SuppressAddress>);
    forward!(fn dmarc_suppress_remove(id: i64) -> ());
    forward!(fn dmarc_suppress_extend(id: i64, until: RT::Timestamp) -> ());
    forward!(blocking fn tlsrpt_results() -> Vec<TLSResult>);
    forward!(blocking fn tlsrpt_results_domain(is_rcpt_dom: bool, policy_domain: String) -> (Domain, Vec<TLSResult>));
    forward!(fn lookup_tlsrpt_record(domain: String) -> (Option<TLSRPTRecord>, String, String));
    forward!(fn tlsrpt_remove_results(is_rcpt_dom: bool, domain: String, day: String) -> ());
    forward!(fn tlsrpt_suppress_add(reporting_address: String, until: RT::Timestamp, comment: String) -> ());
    forward!(fn tlsrpt_suppress_list() -> Vec<TLSRPTSuppressAddress>);
    forward!(fn tlsrpt_suppress_remove(id: i64) -> ());
    forward!(fn tlsrpt_suppress_extend(id: i64, until: RT::Timestamp) -> ());
}
