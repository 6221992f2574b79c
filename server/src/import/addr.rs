//! SMTP paths (`MAIL FROM`/`RCPT TO` addresses), as used by the queue and by report senders.

use std::net::{Ipv4Addr, Ipv6Addr};

use sherpa_admin::api;

use crate::dns::{parse_address, parse_localpart};

/// An address split the way mox's queue stores it: a decoded localpart and an IP-or-domain.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Path {
    /// Decoded: a quoted localpart is stored without its quotes and escapes.
    pub localpart: String,
    pub domain: api::IPDomain,
}

impl Path {
    /// The domain as mox's `formatIPDomain`: the domain's name, or `[ip]` for a literal.
    pub fn domain_str(&self) -> String {
        if self.domain.ip.0.is_empty() {
            super::name_of(&self.domain.domain).to_string()
        } else {
            format!("[{}]", self.domain.ip.0)
        }
    }
}

/// Parses an SMTP path `localpart@domain`, optionally in angle brackets: an email address as
/// [`parse_address`] reads it (dot-string or quoted localpart, UTF-8 allowed; IDNA domain),
/// or a localpart at an address literal `[192.0.2.1]` / `[IPv6:2001:db8::1]`, which SMTP
/// paths allow and email addresses do not.
pub(crate) fn parse_path(s: &str) -> Result<Path, String> {
    let inner = match s.strip_prefix('<') {
        Some(rest) => rest
            .strip_suffix('>')
            .ok_or_else(|| format!("invalid address {s:?}: missing closing \">\""))?,
        None => s,
    };
    let bad = |why: &str| format!("invalid address {s:?}: {why}");
    // A domain cannot contain "@", so the last one separates the domain, even when a quoted
    // localpart contains "@" too.
    if let Some((lp, lit)) = inner.rsplit_once('@')
        && let Some(lit) = lit.strip_prefix('[')
    {
        let lit = lit
            .strip_suffix(']')
            .ok_or_else(|| bad("unterminated address literal"))?;
        let ip = match lit.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => lit[5..]
                .parse::<Ipv6Addr>()
                .map(|ip| ip.to_string())
                .map_err(|_| bad("invalid IPv6 address literal"))?,
            _ => lit
                .parse::<Ipv4Addr>()
                .map(|ip| ip.to_string())
                .map_err(|_| bad("invalid IPv4 address literal"))?,
        };
        let localpart = parse_localpart(lp).map_err(|e| bad(&e))?;
        return Ok(Path {
            localpart,
            domain: api::IPDomain {
                ip: api::IP(ip),
                domain: api::Domain::default(),
            },
        });
    }
    let a = parse_address(inner).map_err(|e| format!("address {s:?}: {e}"))?;
    Ok(Path {
        localpart: a.localpart,
        domain: api::IPDomain {
            ip: api::IP(String::new()),
            domain: a.domain.to_api(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_bracketed() {
        for s in ["Mjl@Example.org", "<Mjl@Example.org>"] {
            let p = parse_path(s).unwrap();
            assert_eq!(p.localpart, "Mjl");
            assert_eq!(p.domain.domain.ascii, "example.org");
            assert_eq!(p.domain.domain.unicode, "");
            assert_eq!(p.domain.ip.0, "");
            assert_eq!(p.domain_str(), "example.org");
        }
    }

    #[test]
    fn quoted_and_utf8() {
        let p = parse_path(r#""john \"q\" doe"@example.org"#).unwrap();
        assert_eq!(p.localpart, r#"john "q" doe"#);
        let p = parse_path(r#""a@b"@[192.0.2.1]"#).unwrap();
        assert_eq!(p.localpart, "a@b");
        let p = parse_path("møller@münchen.de").unwrap();
        assert_eq!(p.localpart, "møller");
        assert_eq!(p.domain.domain.ascii, "xn--mnchen-3ya.de");
        assert_eq!(p.domain_str(), "münchen.de");
        let p = parse_path("a.b+tag@x.example").unwrap();
        assert_eq!(p.localpart, "a.b+tag");
    }

    #[test]
    fn literals() {
        let p = parse_path("postmaster@[192.0.2.1]").unwrap();
        assert_eq!(p.localpart, "postmaster");
        assert_eq!(p.domain.ip.0, "192.0.2.1");
        assert_eq!(p.domain.domain, api::Domain::default());
        assert_eq!(p.domain_str(), "[192.0.2.1]");
        let p = parse_path("x@[IPv6:2001:DB8::1]").unwrap();
        assert_eq!(p.domain.ip.0, "2001:db8::1");
        assert_eq!(p.domain_str(), "[2001:db8::1]");
    }

    #[test]
    fn errors() {
        let cases = [
            (
                "<a@b.example",
                "invalid address \"<a@b.example\": missing closing \">\"",
            ),
            (
                "a@[300.1.1.1]",
                "invalid address \"a@[300.1.1.1]\": invalid IPv4 address literal",
            ),
            (
                "a@[IPv6:zz]",
                "invalid address \"a@[IPv6:zz]\": invalid IPv6 address literal",
            ),
            (
                "a@[1.2.3.4",
                "invalid address \"a@[1.2.3.4\": unterminated address literal",
            ),
            (
                "a..b@[1.2.3.4]",
                "invalid address \"a..b@[1.2.3.4]\": invalid localpart \"a..b\"",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse_path(input).unwrap_err(), want, "input {input:?}");
        }
        // Everything else is parse_address's error, prefixed with the input.
        for input in [
            "",
            "nobody",
            "@example.org",
            "a b@example.org",
            "a@",
            "a@ex_ample.org",
            "a@example.org.",
        ] {
            let e = parse_path(input).unwrap_err();
            assert!(
                e.starts_with(&format!("address {input:?}: invalid email address: ")),
                "{input:?}: {e}"
            );
        }
    }
}
