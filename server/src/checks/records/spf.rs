//! SPF records (RFC 7208) parsed into the API's `SPFRecord`.
//!
//! Why not mail-auth's parser: it expands domain-specs into macro trees and drops unknown
//! modifiers, while the API returns the domain-spec text, the IP text as written and the
//! unknown modifiers (`Other`). Evaluation does use mail-auth (see `checks::spf_eval`).

use std::net::IpAddr;

use sherpa_admin::api::{Directive, Modifier, SPFRecord};

/// Whether the TXT value announces SPF version 1 (`v=spf1` followed by a space or end).
pub fn is_spf(txt: &str) -> bool {
    let b = txt.as_bytes();
    b.len() >= 6 && b[..6].eq_ignore_ascii_case(b"v=spf1") && (b.len() == 6 || b[6] == b' ')
}

/// Parses an SPF record. Callers first check [`is_spf`].
pub fn parse(txt: &str) -> Result<SPFRecord, String> {
    if !is_spf(txt) {
        return Err("record does not start with \"v=spf1\"".to_string());
    }
    let mut r = SPFRecord {
        version: "spf1".to_string(),
        ..SPFRecord::default()
    };
    for term in txt[6..].split(' ').filter(|t| !t.is_empty()) {
        parse_term(term, &mut r)?;
    }
    Ok(r)
}

fn parse_term(term: &str, r: &mut SPFRecord) -> Result<(), String> {
    // A modifier is `name=value` where name is ALPHA *(ALPHA / DIGIT / "-" / "_" / ".").
    if let Some(eq) = term.find('=') {
        let name = &term[..eq];
        let is_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if is_name && !term[..eq].contains(':') {
            let value = &term[eq + 1..];
            check_macro_string(value).map_err(|e| format!("modifier {name:?}: {e}"))?;
            match name.to_ascii_lowercase().as_str() {
                "redirect" => {
                    if !r.redirect.is_empty() {
                        return Err("duplicate redirect modifier".to_string());
                    }
                    check_domain_spec(value)?;
                    r.redirect = value.to_string();
                }
                "exp" => {
                    if !r.explanation.is_empty() {
                        return Err("duplicate exp modifier".to_string());
                    }
                    check_domain_spec(value)?;
                    r.explanation = value.to_string();
                }
                _ => r.other.push(Modifier {
                    key: name.to_string(),
                    value: value.to_string(),
                }),
            }
            return Ok(());
        }
    }
    let (qualifier, rest) = match term.chars().next() {
        Some(c @ ('+' | '-' | '~' | '?')) => (c.to_string(), &term[1..]),
        _ => (String::new(), term),
    };
    let (name, arg) = match rest.find([':', '/']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mechanism = name.to_ascii_lowercase();
    let mut d = Directive {
        qualifier,
        mechanism: mechanism.clone(),
        ..Directive::default()
    };
    let unknown = || format!("unknown mechanism or malformed term {term:?}");
    match mechanism.as_str() {
        "all" => {
            if !arg.is_empty() {
                return Err(unknown());
            }
        }
        "include" | "exists" => {
            let spec = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("{mechanism} requires a domain-spec"))?;
            check_domain_spec(spec)?;
            d.domain_spec = spec.to_string();
        }
        "a" | "mx" | "ptr" => {
            let mut a = arg;
            if let Some(s) = a.strip_prefix(':') {
                let end = s.find('/').unwrap_or(s.len());
                check_domain_spec(&s[..end])?;
                d.domain_spec = s[..end].to_string();
                a = &s[end..];
            }
            if mechanism == "ptr" {
                if !a.is_empty() {
                    return Err(unknown());
                }
            } else {
                let (v4, v6) =
                    dual_cidr(a).ok_or_else(|| format!("invalid cidr length in {term:?}"))?;
                d.ip4_cidr_len = v4;
                d.ip6_cidr_len = v6;
            }
        }
        "ip4" | "ip6" => {
            let s = arg
                .strip_prefix(':')
                .ok_or_else(|| format!("{mechanism} requires an address"))?;
            let (ip, cidr) = match s.split_once('/') {
                Some((ip, c)) => (ip, Some(c)),
                None => (s, None),
            };
            let parsed: IpAddr = ip
                .parse()
                .map_err(|_| format!("invalid ip address {ip:?} in {term:?}"))?;
            let v4 = mechanism == "ip4";
            if parsed.is_ipv4() != v4 {
                return Err(format!("invalid ip address {ip:?} for {mechanism}"));
            }
            d.i_pstr = ip.to_string();
            if let Some(c) = cidr {
                let n = cidr_len(c, if v4 { 32 } else { 128 })
                    .ok_or_else(|| format!("invalid cidr length in {term:?}"))?;
                if v4 {
                    d.ip4_cidr_len = Some(n);
                } else {
                    d.ip6_cidr_len = Some(n);
                }
            }
        }
        _ => return Err(unknown()),
    }
    r.directives.push(d);
    Ok(())
}

/// Parses `[/n][//m]` after a/mx.
fn dual_cidr(s: &str) -> Option<(Option<i32>, Option<i32>)> {
    if s.is_empty() {
        return Some((None, None));
    }
    if let Some(v6) = s.strip_prefix("//") {
        return Some((None, Some(cidr_len(v6, 128)?)));
    }
    let s = s.strip_prefix('/')?;
    match s.split_once("//") {
        Some((a, b)) => Some((Some(cidr_len(a, 32)?), Some(cidr_len(b, 128)?))),
        None => Some((Some(cidr_len(s, 32)?), None)),
    }
}

fn cidr_len(s: &str, max: i32) -> Option<i32> {
    if s.is_empty()
        || s.len() > 3
        || !s.bytes().all(|b| b.is_ascii_digit())
        || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    let n: i32 = s.parse().ok()?;
    (n <= max).then_some(n)
}

/// A macro-string: visible characters with well-formed `%{...}`, `%%`, `%_`, `%-`.
fn check_macro_string(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(0x21..=0x7e).contains(&c) {
            return Err(format!("invalid character in {s:?}"));
        }
        if c == b'%' {
            match b.get(i + 1) {
                Some(b'%' | b'_' | b'-') => i += 2,
                Some(b'{') => {
                    let end = s[i..]
                        .find('}')
                        .ok_or_else(|| format!("unterminated macro in {s:?}"))?;
                    let body = &s[i + 2..i + end];
                    let mut chars = body.chars();
                    let letter = chars
                        .next()
                        .ok_or_else(|| format!("empty macro in {s:?}"))?;
                    if !"slodiphcrtvSLODIPHCRTV".contains(letter) {
                        return Err(format!("unknown macro letter {letter:?} in {s:?}"));
                    }
                    let rest: String = chars.collect();
                    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                    let mut tail = &rest[digits.len()..];
                    if let Some(t) = tail.strip_prefix(['r', 'R']) {
                        tail = t;
                    }
                    if !tail.chars().all(|c| ".-+,/_=".contains(c)) {
                        return Err(format!("malformed macro in {s:?}"));
                    }
                    i += end + 1;
                }
                _ => return Err(format!("malformed macro in {s:?}")),
            }
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// A domain-spec must be a macro-string; when it has no macros, it must end in a
/// top-label of letters/digits/hyphens that is not all digits.
fn check_domain_spec(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("empty domain-spec".to_string());
    }
    check_macro_string(s)?;
    if !s.contains('%') {
        let t = s.strip_suffix('.').unwrap_or(s);
        let top = t.rsplit('.').next().unwrap_or("");
        let ok = !top.is_empty()
            && top.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !top.chars().all(|c| c.is_ascii_digit())
            && !top.starts_with('-')
            && !top.ends_with('-');
        if !ok {
            return Err(format!("invalid domain-spec {s:?}"));
        }
    }
    Ok(())
}

/// Formats a record back to text (mox's `Record.Record()`), used for the instructions.
pub fn record_text(r: &SPFRecord) -> String {
    let mut s = format!("v={}", r.version);
    for d in &r.directives {
        s.push(' ');
        s.push_str(&d.qualifier);
        s.push_str(&d.mechanism);
        if !d.domain_spec.is_empty() {
            s.push(':');
            s.push_str(&d.domain_spec);
        }
        if !d.i_pstr.is_empty() {
            s.push(':');
            s.push_str(&d.i_pstr);
        }
        if let Some(n) = d.ip4_cidr_len {
            s.push_str(&format!("/{n}"));
        }
        if let Some(n) = d.ip6_cidr_len {
            // ip6 takes one slash; a and mx use "//" for their IPv6 prefix length.
            let sep = if d.mechanism == "ip6" { "/" } else { "//" };
            s.push_str(&format!("{sep}{n}"));
        }
    }
    if !r.redirect.is_empty() {
        s.push_str(&format!(" redirect={}", r.redirect));
    }
    if !r.explanation.is_empty() {
        s.push_str(&format!(" exp={}", r.explanation));
    }
    for m in &r.other {
        s.push_str(&format!(" {}={}", m.key, m.value));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_and_modifiers() {
        let r = parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.org/24//64 -include:_spf.example.net ~all redirect=_spf.example.com exp=exp.%{d} ra=postmaster").unwrap();
        assert_eq!(r.directives.len(), 6);
        assert_eq!(r.directives[0].i_pstr, "192.0.2.0");
        assert_eq!(r.directives[0].ip4_cidr_len, Some(24));
        assert_eq!(r.directives[1].ip6_cidr_len, Some(32));
        assert_eq!(r.directives[3].domain_spec, "mail.example.org");
        assert_eq!(
            (r.directives[3].ip4_cidr_len, r.directives[3].ip6_cidr_len),
            (Some(24), Some(64))
        );
        assert_eq!(r.directives[4].qualifier, "-");
        assert_eq!(r.directives[5].mechanism, "all");
        assert_eq!(r.redirect, "_spf.example.com");
        assert_eq!(r.explanation, "exp.%{d}");
        assert_eq!(
            r.other,
            vec![Modifier {
                key: "ra".into(),
                value: "postmaster".into()
            }]
        );
        assert_eq!(
            record_text(&r),
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.org/24//64 -include:_spf.example.net ~all redirect=_spf.example.com exp=exp.%{d} ra=postmaster"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "v=spf1 foo:bar",
            "v=spf1 ip4:300.1.1.1",
            "v=spf1 ip4:192.0.2.1/33",
            "v=spf1 ip6:192.0.2.1",
            "v=spf1 include",
            "v=spf1 a:example.123",
            "v=spf1 exists:%{z}",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 all/24",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(!is_spf("v=spf10"));
        assert!(is_spf("V=SPF1"));
    }
}
