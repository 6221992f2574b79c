//! Static settings, read from an optional TOML file at start-up and never changed by the API.
//!
//! The keys use mox.conf's Go-style names, so a mox administrator recognises them, and the
//! transport section can be read straight into the API's `Transport` type. Every key is
//! optional; a missing file means "all defaults". The defaults describe a typical single-host
//! set-up like the one mox's quickstart writes: one listener named `public` with TLS, SMTP,
//! submission(s), IMAP(S), MTA-STS and the web server enabled.
//!
//! `server config init` writes the whole file: every key with its default, and what
//! each top-level key and section is for (from [`COMMENTS`], next to the rendering in
//! [`commented_defaults`], so a key can be documented in only one place).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use sherpa_admin::api;

pub mod checks;

/// The default listen address: loopback only, on a port that needs no privileges.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:1080";

/// The complete static configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StaticConfig {
    #[serde(rename = "Listen")]
    pub listen: String,
    #[serde(rename = "Hostname")]
    pub hostname: String,
    #[serde(rename = "Forwarded")]
    pub forwarded: bool,
    #[serde(rename = "AcceptedHosts")]
    pub accepted_hosts: Vec<String>,
    #[serde(rename = "CheckUpdates")]
    pub check_updates: bool,
    #[serde(rename = "LogLevel")]
    pub log_level: String,
    #[serde(rename = "PackageLogLevels")]
    pub package_log_levels: BTreeMap<String, String>,
    #[serde(rename = "Postmaster")]
    pub postmaster: Postmaster,
    #[serde(rename = "HostTLSRPT")]
    pub host_tlsrpt: HostTlsrpt,
    #[serde(rename = "Limits")]
    pub limits: Limits,
    #[serde(rename = "Backups")]
    pub backups: Backups,
    #[serde(rename = "DNS")]
    pub dns: DnsSettings,
    #[serde(rename = "Transports")]
    pub transports: BTreeMap<String, api::Transport>,
    #[serde(rename = "Listeners")]
    pub listeners: BTreeMap<String, Listener>,
    /// Ports, timeouts, trust roots and host keys of the DNS/network checks (`config::checks`).
    #[serde(rename = "Checks")]
    pub checks: checks::CheckSettings,
}

impl Default for StaticConfig {
    fn default() -> Self {
        let mut listeners = BTreeMap::new();
        listeners.insert("public".to_string(), Listener::default());
        StaticConfig {
            listen: DEFAULT_LISTEN.to_string(),
            hostname: "localhost".to_string(),
            forwarded: false,
            accepted_hosts: Vec::new(),
            check_updates: false,
            log_level: "info".to_string(),
            package_log_levels: BTreeMap::new(),
            postmaster: Postmaster::default(),
            host_tlsrpt: HostTlsrpt::default(),
            limits: Limits::default(),
            backups: Backups::default(),
            dns: DnsSettings::default(),
            transports: BTreeMap::new(),
            listeners,
            checks: Default::default(),
        }
    }
}

/// `Postmaster` in mox.conf. An empty account disables the "postmaster account must exist"
/// rule, so a fresh server can add its first domain and account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Postmaster {
    #[serde(rename = "Account")]
    pub account: String,
    #[serde(rename = "Mailbox")]
    pub mailbox: String,
}

/// `HostTLSRPT` in mox.conf: the host-wide TLS reporting address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct HostTlsrpt {
    #[serde(rename = "Account")]
    pub account: String,
    #[serde(rename = "Localpart")]
    pub localpart: String,
    #[serde(rename = "Mailbox")]
    pub mailbox: String,
}

/// Bounds on what clients can hold of the server, so that no client (authenticated or
/// not) can exhaust it with slow or many requests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// How long a request body may take to arrive, in total (a Go duration): a body
    /// that trickles in is refused with `sherpa:badRequest` when it passes.
    #[serde(rename = "BodyTimeout")]
    pub body_timeout: String,
    /// How long one request may take from its headers to its answer; longer ones are
    /// answered 503. Above the DNS checks' own deadline.
    #[serde(rename = "RequestDeadline")]
    pub request_deadline: String,
    /// Requests one client address may have in progress at once; more get 503.
    #[serde(rename = "MaxRequestsPerAddress")]
    pub max_requests_per_address: usize,
    /// Requests the server has in progress at once, from everyone; more get 503.
    #[serde(rename = "MaxRequests")]
    pub max_requests: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_timeout: "10s".to_string(),
            request_deadline: "2m".to_string(),
            max_requests_per_address: 64,
            max_requests: 512,
        }
    }
}

/// Automatic backups of the store (see `crate::backups`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Backups {
    /// How often a backup is written while the server runs (a Go duration).
    #[serde(rename = "Interval")]
    pub interval: String,
    /// How many backups are kept; 0 turns backups off.
    #[serde(rename = "Keep")]
    pub keep: usize,
}

impl Default for Backups {
    fn default() -> Self {
        Backups {
            interval: "24h".to_string(),
            keep: 7,
        }
    }
}

impl Backups {
    /// The interval, or what is wrong with it.
    pub fn interval(&self) -> Result<std::time::Duration, String> {
        let d = checks::duration_or(&self.interval, std::time::Duration::from_secs(86_400))
            .map_err(|e| format!("Backups.Interval: {e}"))?;
        if d.is_zero() {
            return Err("Backups.Interval: must be positive".to_string());
        }
        Ok(d)
    }
}

/// [`Limits`] with the durations parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedLimits {
    pub body_timeout: std::time::Duration,
    pub request_deadline: std::time::Duration,
    pub max_requests_per_address: usize,
    pub max_requests: usize,
}

impl Limits {
    /// The limits, or what is wrong with them.
    pub fn parsed(&self) -> Result<ParsedLimits, String> {
        let positive = |name: &str, s: &str| {
            let d = checks::duration_or(s, std::time::Duration::ZERO)
                .map_err(|e| format!("Limits.{name}: {e}"))?;
            if d.is_zero() {
                return Err(format!("Limits.{name}: must be positive"));
            }
            Ok(d)
        };
        if self.max_requests_per_address == 0 || self.max_requests == 0 {
            return Err("Limits: MaxRequestsPerAddress and MaxRequests must be positive".into());
        }
        Ok(ParsedLimits {
            body_timeout: positive("BodyTimeout", &self.body_timeout)?,
            request_deadline: positive("RequestDeadline", &self.request_deadline)?,
            max_requests_per_address: self.max_requests_per_address,
            max_requests: self.max_requests,
        })
    }
}

/// Resolver settings for the DNS-backed functions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DnsSettings {
    /// `host:port` of an upstream resolver; empty means the system resolver.
    #[serde(rename = "Upstream")]
    pub upstream: String,
    /// Per-query timeout as a Go duration ("" = 5s); see `config::checks`.
    #[serde(rename = "Timeout")]
    pub timeout: String,
    /// Attempts per query (0 = 2).
    #[serde(rename = "Attempts")]
    pub attempts: u32,
}

/// A service toggle with an optional port (0 = the protocol's default port).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Service {
    #[serde(rename = "Enabled")]
    pub enabled: bool,
    #[serde(rename = "Port")]
    pub port: i32,
    #[serde(rename = "NoRequireSTARTTLS")]
    pub no_require_starttls: bool,
}

impl Service {
    fn on() -> Service {
        Service {
            enabled: true,
            ..Service::default()
        }
    }
}

/// SMTP on a listener, with the DNSBL zones checked by DNSBLStatus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    #[serde(rename = "Enabled")]
    pub enabled: bool,
    #[serde(rename = "DNSBLs")]
    pub dnsbls: Vec<String>,
}

/// Just an on/off switch (MTASTSHTTPS, WebserverHTTP, WebserverHTTPS).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Toggle {
    #[serde(rename = "Enabled")]
    pub enabled: bool,
}

/// One mox listener, reduced to what the admin API reads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Listener {
    #[serde(rename = "IPs")]
    pub ips: Vec<String>,
    #[serde(rename = "NATIPs")]
    pub nat_ips: Vec<String>,
    #[serde(rename = "IPsNATed")]
    pub ips_nated: bool,
    /// Overrides the global hostname for this listener.
    #[serde(rename = "Hostname")]
    pub hostname: String,
    /// Whether the listener has TLS configured (mox: a `TLS` section).
    #[serde(rename = "TLS")]
    pub tls: bool,
    #[serde(rename = "SMTP")]
    pub smtp: Smtp,
    #[serde(rename = "Submission")]
    pub submission: Service,
    #[serde(rename = "Submissions")]
    pub submissions: Service,
    #[serde(rename = "IMAP")]
    pub imap: Service,
    #[serde(rename = "IMAPS")]
    pub imaps: Service,
    #[serde(rename = "MTASTSHTTPS")]
    pub mtasts_https: Toggle,
    #[serde(rename = "WebserverHTTP")]
    pub webserver_http: Toggle,
    #[serde(rename = "WebserverHTTPS")]
    pub webserver_https: Toggle,
}

impl Default for Listener {
    fn default() -> Self {
        Listener {
            ips: vec!["0.0.0.0".to_string(), "::".to_string()],
            nat_ips: Vec::new(),
            ips_nated: false,
            hostname: String::new(),
            tls: true,
            smtp: Smtp {
                enabled: true,
                dnsbls: Vec::new(),
            },
            submission: Service::on(),
            submissions: Service::on(),
            imap: Service::on(),
            imaps: Service::on(),
            mtasts_https: Toggle { enabled: true },
            webserver_http: Toggle { enabled: true },
            webserver_https: Toggle { enabled: true },
        }
    }
}

/// The static configuration together with where it came from and its text, for ConfigFiles.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: StaticConfig,
    /// The path as given on the command line, or None when running on defaults.
    pub path: Option<PathBuf>,
    /// The file's text, or the rendered defaults.
    pub text: String,
}

/// `text` with its top-level `Hostname = …` line (before the first table) replaced by
/// one for `name`, or with such a line added at the top.
fn with_hostname_line(text: &str, name: &str) -> String {
    let line = format!(
        "Hostname = {}  # given with --hostname",
        toml::Value::String(name.to_string())
    );
    let mut out = Vec::new();
    let mut replaced = false;
    let mut in_table = false;
    for l in text.lines() {
        let t = l.trim_start();
        in_table |= t.starts_with('[');
        let is_key = t
            .strip_prefix("Hostname")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if !in_table && !replaced && is_key {
            out.push(line.clone());
            replaced = true;
        } else {
            out.push(l.to_string());
        }
    }
    if !replaced {
        out.insert(0, line);
    }
    out.join("\n") + "\n"
}

impl LoadedConfig {
    /// Loads `path` if given, else the defaults. Parse errors name the file.
    pub fn load(path: Option<&Path>) -> Result<LoadedConfig, String> {
        match path {
            None => {
                let config = StaticConfig::default();
                let text = toml::to_string_pretty(&config)
                    .map_err(|e| format!("rendering default config: {e}"))?;
                Ok(LoadedConfig {
                    config,
                    path: None,
                    text,
                })
            }
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("reading config file {}: {e}", p.display()))?;
                let config = Self::parse(&text)
                    .map_err(|e| format!("parsing config file {}: {e}", p.display()))?;
                Ok(LoadedConfig {
                    config,
                    path: Some(p.to_path_buf()),
                    text,
                })
            }
        }
    }

    /// Replaces `Hostname` (the `--hostname` flag), checked as the file's would be. The
    /// text `ConfigFiles` shows says so: the defaults are rendered again, and in a file's
    /// text the top-level `Hostname` line is replaced (or added) with a comment.
    pub fn set_hostname(&mut self, name: &str) -> Result<(), String> {
        let mut config = self.config.clone();
        config.hostname = name.to_string();
        config
            .check()
            .map_err(|e| format!("--hostname {name:?}: {e}"))?;
        self.config = config;
        match &self.path {
            None => {
                self.text = toml::to_string_pretty(&self.config)
                    .map_err(|e| format!("rendering default config: {e}"))?;
            }
            Some(_) => self.text = with_hostname_line(&self.text, name),
        }
        Ok(())
    }

    /// Parses and checks a config text.
    pub fn parse(text: &str) -> Result<StaticConfig, String> {
        let config: StaticConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }
}

impl StaticConfig {
    /// Rejects settings that would make later API calls fail in confusing ways.
    pub fn check(&self) -> Result<(), String> {
        crate::dns::parse_domain(&self.hostname).map_err(|e| format!("parsing Hostname: {e}"))?;
        if self.hostname.is_empty() {
            return Err("Hostname must not be empty".to_string());
        }
        crate::logging::parse_level(&self.log_level)
            .ok_or_else(|| format!("unknown LogLevel {:?}", self.log_level))?;
        self.limits.parsed()?;
        self.backups.interval()?;
        for (pkg, level) in &self.package_log_levels {
            crate::logging::parse_level(level)
                .ok_or_else(|| format!("unknown level {level:?} for package {pkg:?}"))?;
        }
        for (name, l) in &self.listeners {
            if !l.hostname.is_empty() {
                crate::dns::parse_domain(&l.hostname)
                    .map_err(|e| format!("listener {name}: parsing Hostname: {e}"))?;
            }
        }
        check_settings(self)?;
        Ok(())
    }

    /// The global hostname, parsed (checked at load time).
    pub fn hostname_domain(&self) -> crate::dns::Domain {
        crate::dns::parse_domain(&self.hostname).unwrap_or_default()
    }

    /// Whether some listener serves MTA-STS policies; DomainAdd then adds an MTA-STS policy.
    pub fn mtasts_enabled(&self) -> bool {
        self.listeners.values().any(|l| l.mtasts_https.enabled)
    }

    /// Whether some listener runs the web server; web handlers need one.
    pub fn webserver_enabled(&self) -> bool {
        self.listeners
            .values()
            .any(|l| l.webserver_http.enabled || l.webserver_https.enabled)
    }
}

/// Validates the check settings, so that a bad value fails at start-up.
fn check_settings(st: &StaticConfig) -> Result<(), String> {
    st.checks.effective()?;
    resolver_config_checked(&st.dns)?;
    for (l, _) in st.checks.host_private_key_files.iter() {
        if !st.listeners.contains_key(l) {
            return Err(format!(
                "Checks.HostPrivateKeyFiles: unknown listener {l:?}"
            ));
        }
    }
    Ok(())
}

/// Checks the `[DNS]` settings without reading the system configuration.
pub fn resolver_config_checked(s: &DnsSettings) -> Result<(), String> {
    let timeout = checks::duration_or(&s.timeout, std::time::Duration::from_secs(5))
        .map_err(|e| format!("DNS.Timeout: {e}"))?;
    if timeout.is_zero() {
        return Err("DNS.Timeout: must be positive".to_string());
    }
    parse_upstreams(&s.upstream)?;
    Ok(())
}

/// Parses `ip`, `ip:port` or `[ip6]:port` entries separated by commas or whitespace.
pub fn parse_upstreams(s: &str) -> Result<Vec<std::net::SocketAddr>, String> {
    let mut out = Vec::new();
    for part in s
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let addr = if let Ok(ip) = part.parse::<std::net::IpAddr>() {
            std::net::SocketAddr::new(ip, 53)
        } else {
            part.parse::<std::net::SocketAddr>()
                .map_err(|_| format!("DNS.Upstream: invalid address {part:?}"))?
        };
        out.push(addr);
    }
    Ok(out)
}

/// What each top-level key and section is for, in the order of the file; written above
/// it by [`commented_defaults`].
pub const COMMENTS: &[(&str, &str)] = &[
    (
        "Listen",
        "Address the admin HTTP server listens on (overridden by `serve --listen`).",
    ),
    (
        "Hostname",
        "Host name of this mail server: the DNS records, client settings, MTA-STS MX and host\n\
         TLS reporting use it. Set it to the server's public name (e.g. mail.example.org).",
    ),
    (
        "Forwarded",
        "Trust X-Forwarded-For / X-Forwarded-Proto (only behind a reverse proxy).",
    ),
    (
        "AcceptedHosts",
        "Host names the admin server answers to besides IP addresses, localhost and Hostname;\n\
         requests for any other Host get 421 (against DNS rebinding).",
    ),
    ("CheckUpdates", "Reported by CheckUpdatesEnabled."),
    (
        "LogLevel",
        "Default log level (error, warn, info, debug, trace, traceauth, tracedata, print, fatal).",
    ),
    (
        "[PackageLogLevels]",
        "Per-module log levels, e.g. \"server::http\" = \"debug\".",
    ),
    (
        "[Postmaster]",
        "Account that receives postmaster@ mail; it must exist once set.",
    ),
    (
        "[HostTLSRPT]",
        "Host-wide TLS reporting address <Localpart>@<Hostname>.",
    ),
    (
        "[Limits]",
        "What one client may hold of the server: how long a request body may take, how long a\n\
         request may take, requests in progress per client address and overall.",
    ),
    (
        "[Backups]",
        "Automatic backups of the store into DATA/backups/ (export format), at this interval\n\
         and at a clean shutdown; the newest Keep are kept (Keep = 0: no backups).",
    ),
    (
        "[DNS]",
        "Resolver of the DNS functions: Upstream host:port (empty: the system's resolver),\n\
         Timeout per query (a Go duration, empty: 5s), Attempts (0: 2).",
    ),
    (
        "[Transports]",
        "Outgoing transports, as in mox.conf; their names are what QueueKick accepts. E.g.\n\
         [Transports.relay.Submissions]\nHost = \"smtp.example.net\"\nPort = 465",
    ),
    (
        "[Listeners.public]",
        "Listeners, as in mox.conf; ClientConfigsDomain, DomainAdd and the DNS checks read them.",
    ),
    (
        "[Checks]",
        "The DNS and network checks: their deadline, connection timeout, the ports they dial,\n\
         trust roots, the host's private keys (for DANE) and ACME account (for CAA).",
    ),
];

/// The whole default configuration as a TOML file, every key with its default and a
/// comment above every top-level key and section: what `config init` writes.
pub fn commented_defaults() -> Result<String, String> {
    let plain = toml::to_string_pretty(&StaticConfig::default())
        .map_err(|e| format!("rendering default config: {e}"))?;
    let mut out = String::from(
        "# The admin server's settings, every key with its default. Every key may be left\n\
         # out: a missing key (or a missing file) means its default.\n\n",
    );
    let mut in_table = false;
    for line in plain.lines() {
        in_table |= line.starts_with('[');
        let selector = if line.starts_with('[') {
            Some(line)
        } else if !in_table {
            line.split(" = ").next()
        } else {
            None
        };
        if let Some((_, comment)) = selector.and_then(|k| COMMENTS.iter().find(|(c, _)| *c == k)) {
            for c in comment.lines() {
                out.push_str("# ");
                out.push_str(c);
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hostname_flag_replaces_or_adds_the_top_level_line() {
        let text =
            "# mine\nHostname = \"localhost\"\n[Listeners.public]\nHostname = \"x.example\"\n";
        assert_eq!(
            super::with_hostname_line(text, "mail.example.org"),
            "# mine\nHostname = \"mail.example.org\"  # given with --hostname\n[Listeners.public]\nHostname = \"x.example\"\n"
        );
        assert_eq!(
            super::with_hostname_line("[Listeners.public]\nHostname = \"x.example\"", "m.example"),
            "Hostname = \"m.example\"  # given with --hostname\n[Listeners.public]\nHostname = \"x.example\"\n"
        );
        let mut loaded = LoadedConfig::load(None).unwrap();
        loaded.set_hostname("mail.example.org").unwrap();
        assert_eq!(loaded.config.hostname, "mail.example.org");
        assert!(
            loaded.text.contains("Hostname = \"mail.example.org\""),
            "{}",
            loaded.text
        );
        let err = loaded.set_hostname("bad_name..").unwrap_err();
        assert!(err.starts_with("--hostname \"bad_name..\": "), "{err}");
        assert_eq!(loaded.config.hostname, "mail.example.org");
    }

    use super::*;

    #[test]
    fn commented_defaults_are_the_defaults_with_every_key_explained() {
        let text = commented_defaults().unwrap();
        assert_eq!(LoadedConfig::parse(&text).unwrap(), StaticConfig::default());
        let plain = toml::to_string_pretty(&StaticConfig::default()).unwrap();
        let mut in_table = false;
        for line in plain.lines() {
            in_table |= line.starts_with('[');
            let explained = if line.starts_with('[') {
                // Sub-tables of a listener or of Checks are explained with their parent.
                line.matches('.').count() > usize::from(line.starts_with("[Listeners"))
                    || COMMENTS.iter().any(|(k, _)| *k == line)
            } else {
                in_table
                    || line.is_empty()
                    || COMMENTS
                        .iter()
                        .any(|(k, _)| line.starts_with(&format!("{k} = ")))
            };
            assert!(explained, "no comment for {line:?}");
        }
    }

    #[test]
    fn defaults_round_trip_through_toml() {
        let text = toml::to_string_pretty(&StaticConfig::default()).unwrap();
        let back = LoadedConfig::parse(&text).unwrap();
        assert_eq!(back, StaticConfig::default());
    }

    #[test]
    fn partial_file_keeps_defaults_and_reads_transports() {
        let c = LoadedConfig::parse(
            "Hostname = \"mail.example.org\"\n[Transports.relay.Submissions]\nHost = \"smtp.example.net\"\nPort = 465\n",
        )
        .unwrap();
        assert_eq!(c.hostname, "mail.example.org");
        assert_eq!(c.listen, DEFAULT_LISTEN);
        let t = &c.transports["relay"];
        assert_eq!(t.submissions.as_ref().unwrap().port, 465);
        assert!(c.listeners.contains_key("public"));
    }

    #[test]
    fn unknown_keys_and_bad_levels_are_rejected() {
        assert!(LoadedConfig::parse("Bogus = 1\n").is_err());
        assert!(LoadedConfig::parse("LogLevel = \"loud\"\n").is_err());
    }
}
