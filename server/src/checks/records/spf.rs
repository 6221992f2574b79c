//! SPF records (RFC 7208) parsed into the API's `SPFRecord`, the way mox parses them:
//! left to right with one cursor, so that a malformed record gets mox's message (what
//! was expected, and what was left: `expected " " (leftover "l")`), and `IPstr` holds
//! the address as written with its prefix length (`192.0.2.1/32`).
//!
//! Why not mail-auth's parser: it expands domain-specs into macro trees and drops unknown
//! modifiers, while the API returns the domain-spec text, the IP text as written and the
//! unknown modifiers (`Other`), and its errors say neither what was expected nor where.
//! Evaluation does use mail-auth (see `checks::spf_eval`).

use std::net::IpAddr;

use sherpa_admin::api::{Directive, Modifier, SPFRecord};

/// Whether the TXT value is an SPF record: `v=spf1` (any case) and a space. (Like
/// mox, a bare `v=spf1` does not count: it has no terms.)
pub fn is_spf(txt: &str) -> bool {
    let b = txt.as_bytes();
    b.len() > 6 && b[..6].eq_ignore_ascii_case(b"v=spf1") && b[6] == b' '
}

/// A position in the record; literals are matched case-insensitively (against the
/// ASCII-lowercased text, which has the same offsets), values are taken as written.
struct Cursor<'a> {
    text: &'a str,
    lower: String,
    at: usize,
}

type Parsed<T> = Result<T, String>;

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            lower: text.to_ascii_lowercase(),
            at: 0,
        }
    }

    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    /// An error at the current position: the message and, unless at the end, what is
    /// left of the record.
    fn error<T>(&self, msg: impl Into<String>) -> Parsed<T> {
        let mut msg = msg.into();
        if !self.done() {
            msg.push_str(&format!(" (leftover {:?})", &self.text[self.at..]));
        }
        Err(msg)
    }

    fn take(&mut self, lit: &str) -> bool {
        if self.lower[self.at..].starts_with(lit) {
            self.at += lit.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, lit: &str) -> Parsed<()> {
        if self.take(lit) {
            Ok(())
        } else {
            self.error(format!("expected {lit:?}"))
        }
    }

    /// The first of `options` that follows, taken.
    fn take_one(&mut self, options: &[&'static str]) -> Option<&'static str> {
        options.iter().copied().find(|o| self.take(o))
    }

    fn next_byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn digits(&mut self) -> &'a str {
        let start = self.at;
        while self.next_byte().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// A decimal number without leading zeros.
    fn number(&mut self) -> Parsed<u32> {
        let s = self.digits();
        if s.is_empty() {
            return self.error("expected number");
        }
        if s.len() > 1 && s.starts_with('0') {
            return self.error("bogus leading 0 in number");
        }
        match s.parse::<u32>() {
            Ok(n) => Ok(n),
            Err(e) => self.error(format!("parsing number for {s:?}: {e}")),
        }
    }

    /// A macro-string: visible characters and macros (`%{d}`, `%%`, `%_`, `%-`). A `/`
    /// ends it where a prefix length may follow (`a` and `mx`).
    fn macro_string(&mut self, slash_allowed: bool) -> Parsed<String> {
        const LETTERS: [&str; 11] = ["s", "l", "o", "d", "i", "p", "h", "c", "r", "t", "v"];
        let mut out = String::new();
        while !self.done() {
            let Some(w) = self.take_one(&["%{", "%%", "%_", "%-"]) else {
                match self.next_byte() {
                    Some(b)
                        if b > b' ' && b < 0x7f && b != b'%' && (slash_allowed || b != b'/') =>
                    {
                        out.push(char::from(b));
                        self.at += 1;
                        continue;
                    }
                    _ => break,
                }
            };
            out.push_str(w);
            if w != "%{" {
                continue;
            }
            match self.take_one(&LETTERS) {
                Some(l) => out.push_str(l),
                None => return self.error(format!("no match for [{}]", LETTERS.join(" "))),
            }
            let digits = self.digits();
            if !digits.is_empty() {
                match digits.parse::<u32>() {
                    Ok(0) => return self.error("bad digits 0 for 0 labels"),
                    Ok(_) => {}
                    Err(e) => return self.error(format!("bad digits: {e}")),
                }
            }
            out.push_str(digits);
            if self.take("r") {
                out.push('r');
            }
            while let Some(d) = self.take_one(&[".", "-", "+", ",", "/", "_", "="]) {
                out.push_str(d);
            }
            self.expect("}")?;
            out.push('}');
        }
        Ok(out)
    }

    /// A domain-spec: a macro-string that ends in a macro or in a top label of letters,
    /// digits and inner hyphens that is not all digits.
    fn domain_spec(&mut self, slash_allowed: bool) -> Parsed<String> {
        let s = self.macro_string(slash_allowed)?;
        if ["%%", "%_", "%-", "}"].iter().any(|m| s.ends_with(m)) {
            return Ok(s);
        }
        let top = s
            .strip_suffix('.')
            .unwrap_or(&s)
            .rsplit('.')
            .next()
            .unwrap_or("");
        if top.is_empty() {
            return self.error("invalid empty toplabel");
        }
        let last = top.len() - 1;
        for (i, c) in top.bytes().enumerate() {
            match c {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
                b'-' if i == 0 => return self.error("bad toplabel, invalid leading dash"),
                b'-' if i == last => return self.error("bad toplabel, invalid trailing dash"),
                b'-' => {}
                _ => return self.error("bad toplabel, invalid character"),
            }
        }
        if top.bytes().all(|b| b.is_ascii_digit()) {
            return self.error("bad toplabel, cannot be all digits");
        }
        Ok(s)
    }

    /// A prefix length after `/`, at most `max`.
    fn prefix(&mut self, max: u32, family: &str) -> Parsed<i32> {
        let n = self.number()?;
        if n > max {
            return self.error(format!("invalid {family} cidr length {n}"));
        }
        Ok(n as i32)
    }

    /// Four decimal octets, as written.
    fn ip4(&mut self) -> Parsed<String> {
        let start = self.at;
        for i in 0..4 {
            if i > 0 {
                self.expect(".")?;
            }
            let n = self.number()?;
            if n > 255 {
                return self.error(format!("bad ip4 number {n}"));
            }
        }
        Ok(self.text[start..self.at].to_string())
    }

    /// The characters an IPv6 address is written with, which must then parse as an
    /// address (as in mox, an IPv4 address parses too).
    fn ip6(&mut self) -> Parsed<String> {
        let start = self.at;
        while self
            .next_byte()
            .is_some_and(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            self.at += 1;
        }
        let s = &self.text[start..self.at];
        if s.is_empty() {
            return self.error("need at least 1 char");
        }
        if s.parse::<IpAddr>().is_err() {
            return self.error(format!("ip6 address {s:?} not valid"));
        }
        Ok(s.to_string())
    }

    /// A modifier name: a letter, then letters, digits, `-`, `_` and `.`.
    fn name(&mut self) -> Parsed<String> {
        let start = self.at;
        while let Some(b) = self.next_byte() {
            let ok = b.is_ascii_alphabetic()
                || (self.at > start && (b.is_ascii_digit() || b"-_.".contains(&b)));
            if !ok {
                break;
            }
            self.at += 1;
        }
        if self.at == start {
            return self.error("need at least 1 char");
        }
        Ok(self.text[start..self.at].to_string())
    }
}

/// Parses an SPF record, with mox's messages for malformed ones.
pub fn parse(txt: &str) -> Result<SPFRecord, String> {
    let mut r = SPFRecord {
        version: "spf1".to_string(),
        ..SPFRecord::default()
    };
    let mut p = Cursor::new(txt);
    p.expect("v=spf1")?;
    while !p.done() {
        p.expect(" ")?;
        while p.take(" ") {}
        if p.done() {
            break;
        }
        let qualifier = p.take_one(&["+", "-", "?", "~"]).unwrap_or("");
        let mechanism = p.take_one(&[
            "all", "include:", "a", "mx", "ptr", "ip4:", "ip6:", "exists:",
        ]);
        let Some(mechanism) = mechanism else {
            if !qualifier.is_empty() {
                return p.error("expected mechanism after qualifier");
            }
            modifier(&mut p, &mut r)?;
            continue;
        };
        let mut d = Directive {
            qualifier: qualifier.to_string(),
            mechanism: mechanism.trim_end_matches(':').to_string(),
            ..Directive::default()
        };
        match d.mechanism.as_str() {
            "include" | "exists" => d.domain_spec = p.domain_spec(false)?,
            "a" | "mx" | "ptr" => {
                if p.take(":") {
                    d.domain_spec = p.domain_spec(false)?;
                }
                // `/n` for IPv4, `//m` for IPv6, or both: `/n//m` (not for ptr).
                if d.mechanism != "ptr" && p.take("/") {
                    let mut ip6 = p.take("/");
                    if !ip6 {
                        d.ip4_cidr_len = Some(p.prefix(32, "ip4")?);
                        ip6 = p.take("//");
                    }
                    if ip6 {
                        d.ip6_cidr_len = Some(p.prefix(128, "ip6")?);
                    }
                }
            }
            "ip4" => {
                let ip = p.ip4()?;
                let explicit = p.take("/");
                let n = if explicit { p.prefix(32, "ip4")? } else { 32 };
                if explicit {
                    d.ip4_cidr_len = Some(n);
                }
                d.i_pstr = format!("{ip}/{n}");
            }
            "ip6" => {
                let ip = p.ip6()?;
                let explicit = p.take("/");
                let n = if explicit { p.prefix(128, "ip6")? } else { 128 };
                if explicit {
                    d.ip6_cidr_len = Some(n);
                }
                d.i_pstr = format!("{ip}/{n}");
            }
            _ => {}
        }
        r.directives.push(d);
    }
    Ok(r)
}

/// `redirect=`, `exp=` or another `name=value`.
fn modifier(p: &mut Cursor<'_>, r: &mut SPFRecord) -> Parsed<()> {
    match p.take_one(&["redirect=", "exp="]) {
        Some(m) => {
            let value = p.domain_spec(true)?;
            let slot = if m == "redirect=" {
                &mut r.redirect
            } else {
                &mut r.explanation
            };
            if !slot.is_empty() {
                return p.error(format!("duplicate {} modifier", m.trim_end_matches('=')));
            }
            *slot = value;
        }
        None => {
            let key = p.name()?;
            p.expect("=")?;
            let value = p.macro_string(true)?;
            r.other.push(Modifier { key, value });
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
            // The address alone (IPstr also has the prefix length), in its usual form;
            // an explicit prefix length follows.
            let ip = d.i_pstr.split('/').next().unwrap_or_default();
            s.push(':');
            match ip.parse::<IpAddr>() {
                Ok(a) => s.push_str(&a.to_string()),
                Err(_) => s.push_str(ip),
            }
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
        assert_eq!(r.directives[0].i_pstr, "192.0.2.0/24");
        assert_eq!(r.directives[1].i_pstr, "2001:db8::/32");
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
    fn malformed_records_get_mox_messages() {
        for (txt, want) in [
            ("v=spf1 ~al", "expected \" \" (leftover \"l\")"),
            (
                "v=spf1 ip4:127.0.0.1 bogus:x -all",
                "expected \"=\" (leftover \":x -all\")",
            ),
            (
                "v=spf1 ~ -all",
                "expected mechanism after qualifier (leftover \" -all\")",
            ),
            (
                "v=spf1 ip4:300.1.1.1",
                "bad ip4 number 300 (leftover \".1.1.1\")",
            ),
            ("v=spf1 ip4:192.0.2.1/33", "invalid ip4 cidr length 33"),
            (
                "v=spf1 ip4:192.0.02.1",
                "bogus leading 0 in number (leftover \".1\")",
            ),
            ("v=spf1 ip6:zz", "need at least 1 char (leftover \"zz\")"),
            ("v=spf1 ip6:1::2::3", "ip6 address \"1::2::3\" not valid"),
            ("v=spf1 a:example.123", "bad toplabel, cannot be all digits"),
            ("v=spf1 a:example.-x", "bad toplabel, invalid leading dash"),
            (
                "v=spf1 exists:%{z}",
                "no match for [s l o d i p h c r t v] (leftover \"z}\")",
            ),
            (
                "v=spf1 exists:%{d0}",
                "bad digits 0 for 0 labels (leftover \"}\")",
            ),
            (
                "v=spf1 redirect=a.example redirect=b.example",
                "duplicate redirect modifier",
            ),
            ("v=spf1 all/24", "expected \" \" (leftover \"/24\")"),
        ] {
            assert_eq!(parse(txt).unwrap_err(), want, "{txt}");
        }
        // As in mox, an IPv4 address in ip6 parses.
        assert!(parse("v=spf1 ip6:192.0.2.1").is_ok());
    }

    #[test]
    fn ip_text_has_its_prefix_length_and_records_render_without_it() {
        let r = parse("v=spf1 ip4:127.0.0.9 ip6:2001:DB8::1 a/24//64 mx//48 -all").unwrap();
        assert_eq!(r.directives[0].i_pstr, "127.0.0.9/32");
        assert_eq!(r.directives[0].ip4_cidr_len, None);
        assert_eq!(r.directives[1].i_pstr, "2001:DB8::1/128");
        assert_eq!(
            (r.directives[2].ip4_cidr_len, r.directives[2].ip6_cidr_len),
            (Some(24), Some(64))
        );
        assert_eq!(
            (r.directives[3].ip4_cidr_len, r.directives[3].ip6_cidr_len),
            (None, Some(48))
        );
        assert_eq!(
            record_text(&r),
            "v=spf1 ip4:127.0.0.9 ip6:2001:db8::1 a/24//64 mx//48 -all"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "v=spf1 foo:bar",
            "v=spf1 ip4:300.1.1.1",
            "v=spf1 ip4:192.0.2.1/33",
            "v=spf1 include",
            "v=spf1 a:example.123",
            "v=spf1 exists:%{z}",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 all/24",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(!is_spf("v=spf10"));
        assert!(!is_spf("v=spf1"), "no terms: not an SPF record, as in mox");
        assert!(is_spf("V=SPF1 -all"));
    }
}
