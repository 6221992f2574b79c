//! Settings of the DNS and network checks: the `[Checks]` section of the static TOML file,
//! plus the resolver keys of the `[DNS]` section (kept in `config::DnsSettings`).
//!
//! Everything has a default that matches mox's fixed values, so a config without the
//! section behaves like mox; the ports exist so that tests (and set-ups behind port
//! mappings) can point the connection checks at other servers.
//!
//! ```toml
//! [DNS]
//! # Upstream resolvers, "ip" or "ip:port", separated by commas or spaces. Empty: the
//! # system resolvers (/etc/resolv.conf). DNSSEC status is the upstream's AD bit, so use a
//! # validating resolver you trust (e.g. unbound on loopback).
//! Upstream = ""
//! # Per-query timeout (Go duration) and number of attempts; "" and 0 mean 5s and 2.
//! Timeout = "5s"
//! Attempts = 2
//!
//! [Checks]
//! # Overall deadline of one CheckDomain call; sub-checks still running are cut off and
//! # report that they did not complete.
//! Deadline = "30s"
//! # Timeout of each TCP/TLS connection and of the SMTP exchange up to STARTTLS.
//! DialTimeout = "10s"
//! # Port of the SMTP STARTTLS check against each MX IP.
//! SMTPPort = 25
//! # Port of the TLS checks of autoconfig/autodiscover hosts and of the MTA-STS policy fetch.
//! HTTPSPort = 443
//! # Extra PEM CA certificates trusted by the TLS checks, next to the system roots (mox's
//! # TLS.CA).
//! CACertFiles = []
//! # Host private keys (PEM, PKCS#8/PKCS#1/SEC1; RSA-2048 and ECDSA P-256) per listener
//! # name, for the DANE TLSA records (mox: Listener TLS.HostPrivateKeyFiles).
//! [Checks.HostPrivateKeyFiles]
//! # public = ["/etc/mox/hostkeys/rsa2048.pem", "/etc/mox/hostkeys/ecdsap256.pem"]
//! # CAA guidance in DomainRecords (mox derives these from its ACME config and account).
//! [Checks.ACME]
//! IssuerDomainName = ""
//! AccountURI = ""
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The `[Checks]` section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CheckSettings {
    /// Go duration; empty means 30s.
    #[serde(rename = "Deadline")]
    pub deadline: String,
    /// Go duration; empty means 10s.
    #[serde(rename = "DialTimeout")]
    pub dial_timeout: String,
    /// 0 means 25.
    #[serde(rename = "SMTPPort")]
    pub smtp_port: u16,
    /// 0 means 443.
    #[serde(rename = "HTTPSPort")]
    pub https_port: u16,
    #[serde(rename = "CACertFiles")]
    pub ca_cert_files: Vec<String>,
    #[serde(rename = "HostPrivateKeyFiles")]
    pub host_private_key_files: BTreeMap<String, Vec<String>>,
    #[serde(rename = "ACME")]
    pub acme: Acme,
}

/// CAA input for DomainRecords.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Acme {
    #[serde(rename = "IssuerDomainName")]
    pub issuer_domain_name: String,
    #[serde(rename = "AccountURI")]
    pub account_uri: String,
}

/// The settings with defaults applied and durations parsed.
#[derive(Debug, Clone)]
pub struct Effective {
    pub deadline: Duration,
    pub dial_timeout: Duration,
    pub smtp_port: u16,
    pub https_port: u16,
}

impl CheckSettings {
    /// Applies the documented defaults; errors name the key.
    pub fn effective(&self) -> Result<Effective, String> {
        Ok(Effective {
            deadline: duration_or(&self.deadline, Duration::from_secs(30))
                .map_err(|e| format!("Checks.Deadline: {e}"))?,
            dial_timeout: duration_or(&self.dial_timeout, Duration::from_secs(10))
                .map_err(|e| format!("Checks.DialTimeout: {e}"))?,
            smtp_port: if self.smtp_port == 0 {
                25
            } else {
                self.smtp_port
            },
            https_port: if self.https_port == 0 {
                443
            } else {
                self.https_port
            },
        })
    }
}

/// Parses `s` as a Go duration, or returns `default` for the empty string.
pub fn duration_or(s: &str, default: Duration) -> Result<Duration, String> {
    if s.is_empty() {
        return Ok(default);
    }
    parse_go_duration(s)
}

/// Parses Go's `time.ParseDuration` syntax for non-negative values: a sequence of decimal
/// numbers with units `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`, e.g. `1m30s` or `1.5s`.
pub fn parse_go_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {s:?}");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = 0f64;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_end == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * mult;
        rest = &rest[unit_end..];
    }
    if !total.is_finite() || total > 1e9 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_go_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(
            parse_go_duration("250ms").unwrap(),
            Duration::from_millis(250)
        );
        assert_eq!(
            parse_go_duration("1.5s").unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(parse_go_duration("0").unwrap(), Duration::ZERO);
        for bad in ["", "s", "10", "1x", "-1s", "1..2s", "ms5"] {
            assert!(parse_go_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults() {
        let e = CheckSettings::default().effective().unwrap();
        assert_eq!(e.deadline, Duration::from_secs(30));
        assert_eq!(e.dial_timeout, Duration::from_secs(10));
        assert_eq!((e.smtp_port, e.https_port), (25, 443));
    }
}
