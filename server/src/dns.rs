//! Domain names, email addresses and localparts, parsed the way mox parses them.
//!
//! Domains go through UTS-46 with the rules of Go's `idna.Lookup` profile (non-transitional,
//! STD3, hyphen and joiner checks, BiDi rule, no length check), so `ß` is kept and `_` is
//! refused. A domain has an ASCII form (A-labels, lower case) and a Unicode form that is only
//! set when the name has U-labels; `name()` is what configuration keys and report domains use.

use std::fmt;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use sherpa_admin::api;

/// A parsed domain: `ascii` always set (for non-empty input), `unicode` only for IDNs.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Domain {
    pub ascii: String,
    pub unicode: String,
}

impl Domain {
    /// The name used for config keys and report domains: Unicode when set, else ASCII.
    pub fn name(&self) -> &str {
        if self.unicode.is_empty() {
            &self.ascii
        } else {
            &self.unicode
        }
    }

    /// The API's `{ASCII, Unicode}` object.
    pub fn to_api(&self) -> api::Domain {
        api::Domain {
            ascii: self.ascii.clone(),
            unicode: self.unicode.clone(),
        }
    }

    /// `unicode/ascii` for IDNs, else the ASCII name (mox's `LogString`).
    pub fn log_string(&self) -> String {
        if self.unicode.is_empty() {
            self.ascii.clone()
        } else {
            format!("{}/{}", self.unicode, self.ascii)
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses a domain name like mox's `dns.ParseDomain`.
///
/// The empty string parses to the empty domain, as in mox; callers that need a name check for
/// that themselves.
pub fn parse_domain(s: &str) -> Result<Domain, String> {
    if s.ends_with('.') {
        return Err("dns name has trailing dot".to_string());
    }
    if s.is_empty() {
        return Ok(Domain::default());
    }
    let uts = Uts46::new();
    let ascii = uts
        .to_ascii(
            s.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::Check,
            DnsLength::Ignore,
        )
        .map_err(|_| idna_error(s))?
        .to_ascii_lowercase();
    let (unicode, res) = uts.to_unicode(ascii.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    if res.is_err() {
        return Err(idna_error(s));
    }
    let unicode = if unicode == ascii {
        String::new()
    } else {
        unicode.into_owned()
    };
    Ok(Domain { ascii, unicode })
}

/// An error message naming the first label that fails, in the style of Go's idna errors.
fn idna_error(s: &str) -> String {
    let uts = Uts46::new();
    for label in s.split('.') {
        if uts
            .to_ascii(
                label.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::Check,
                DnsLength::Ignore,
            )
            .is_err()
        {
            return format!("idna: to ascii: invalid label {label:?}");
        }
    }
    format!("idna: to ascii: invalid domain name {s:?}")
}

/// A localpart as the decoded string (no quotes, no escapes).
pub type Localpart = String;

/// RFC 5322 `atext`, extended with any non-ASCII character as RFC 6531 allows.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// Whether `s` is a valid dot-atom (dot-string), so it needs no quoting.
fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|a| !a.is_empty() && a.chars().all(is_atext))
}

/// Formats a localpart the way mox's `Localpart.String()` does: as is when it is a dot-atom,
/// otherwise as a quoted string with `"` and `\` escaped.
pub fn localpart_string(lp: &str) -> String {
    if is_dot_atom(lp) {
        return lp.to_string();
    }
    let mut out = String::with_capacity(lp.len() + 2);
    out.push('"');
    for c in lp.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A parsed email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub localpart: Localpart,
    pub domain: Domain,
}

impl fmt::Display for Address {
    /// `<localpart>@<domain.Name()>`, with the localpart quoted when needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}",
            localpart_string(&self.localpart),
            self.domain.name()
        )
    }
}

impl Address {
    /// The address with the ASCII domain, for DNS records and SMTP.
    pub fn ascii_string(&self) -> String {
        format!(
            "{}@{}",
            localpart_string(&self.localpart),
            self.domain.ascii
        )
    }
}

/// Parses `localpart@domain` like mox's `smtp.ParseAddress`.
pub fn parse_address(s: &str) -> Result<Address, String> {
    let err = |m: &str| format!("invalid email address: {m}");
    let (localpart, rest) = parse_localpart_prefix(s).map_err(|m| err(&m))?;
    let domain_text = rest
        .strip_prefix('@')
        .ok_or_else(|| err("missing @ after localpart"))?;
    if domain_text.is_empty() {
        return Err(err("empty domain"));
    }
    let domain = parse_domain(domain_text).map_err(|e| err(&e))?;
    Ok(Address { localpart, domain })
}

/// Parses a complete localpart (dot-string or quoted string) with nothing after it.
pub fn parse_localpart(s: &str) -> Result<Localpart, String> {
    let (lp, rest) = parse_localpart_prefix(s)?;
    if !rest.is_empty() {
        return Err(format!("remaining data after localpart: {rest:?}"));
    }
    Ok(lp)
}

/// Parses a localpart at the start of `s`, returning it and the remaining text.
fn parse_localpart_prefix(s: &str) -> Result<(Localpart, &str), String> {
    if let Some(q) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = q.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((out, &q[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, e)) if (' '..='~').contains(&e) => out.push(e),
                    _ => return Err("invalid escape in quoted localpart".to_string()),
                },
                c if c == ' '
                    || c == '!'
                    || ('#'..='[').contains(&c)
                    || (']'..='~').contains(&c)
                    || !c.is_ascii() =>
                {
                    out.push(c)
                }
                _ => return Err(format!("invalid character {c:?} in quoted localpart")),
            }
        }
        return Err("unterminated quoted localpart".to_string());
    }
    let end = s.find('@').unwrap_or(s.len());
    let lp = &s[..end];
    if lp.is_empty() {
        return Err("empty localpart".to_string());
    }
    if !is_dot_atom(lp) {
        return Err(format!("invalid localpart {lp:?}"));
    }
    Ok((lp.to_string(), &s[end..]))
}

/// Canonicalizes a localpart for the address index (mox §4.2): cut at the catch-all
/// separator, then lower-case unless the domain is case-sensitive.
pub fn canonical_localpart(
    lp: &str,
    separator: &str,
    case_sensitive: bool,
) -> Result<String, String> {
    let mut lp = lp;
    if !separator.is_empty()
        && let Some(i) = lp.find(separator)
    {
        lp = &lp[..i];
        if lp.is_empty() {
            return Err("empty localpart".to_string());
        }
    }
    if case_sensitive {
        Ok(lp.to_string())
    } else {
        Ok(lp.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        let d = parse_domain("Example.COM").unwrap();
        assert_eq!(d.ascii, "example.com");
        assert_eq!(d.unicode, "");
        let d = parse_domain("münchen.de").unwrap();
        assert_eq!(d.ascii, "xn--mnchen-3ya.de");
        assert_eq!(d.unicode, "münchen.de");
        assert_eq!(d.name(), "münchen.de");
        let d = parse_domain("xn--mnchen-3ya.de").unwrap();
        assert_eq!(d.unicode, "münchen.de");
        // Non-transitional: ß is kept.
        let d = parse_domain("faß.de").unwrap();
        assert_eq!(d.unicode, "faß.de");
        assert_eq!(d.ascii, "xn--fa-hia.de");
        assert!(parse_domain("a_b.com").is_err());
        assert!(parse_domain("-a.com").is_err());
        assert_eq!(
            parse_domain("example.com.").unwrap_err(),
            "dns name has trailing dot"
        );
        assert_eq!(parse_domain("").unwrap(), Domain::default());
    }

    #[test]
    fn addresses() {
        let a = parse_address("Mjl@Example.org").unwrap();
        assert_eq!(a.localpart, "Mjl");
        assert_eq!(a.to_string(), "Mjl@example.org");
        let a = parse_address("\"a b\"@x.org").unwrap();
        assert_eq!(a.localpart, "a b");
        assert_eq!(a.to_string(), "\"a b\"@x.org");
        let a = parse_address("\"a\\\"b\"@x.org").unwrap();
        assert_eq!(a.to_string(), "\"a\\\"b\"@x.org");
        assert!(parse_address("@x.org").is_err());
        assert!(parse_address("a..b@x.org").is_err());
        assert!(parse_address("ab").is_err());
        assert!(parse_address("a@").is_err());
        assert!(
            parse_address("a@b_c.org")
                .unwrap_err()
                .starts_with("invalid email address: ")
        );
        let a = parse_address("jörg@münchen.de").unwrap();
        assert_eq!(a.to_string(), "jörg@münchen.de");
    }

    #[test]
    fn canonical() {
        assert_eq!(canonical_localpart("Mjl+tag", "+", false).unwrap(), "mjl");
        assert_eq!(canonical_localpart("Mjl+tag", "", true).unwrap(), "Mjl+tag");
        assert_eq!(
            canonical_localpart("+tag", "+", false).unwrap_err(),
            "empty localpart"
        );
        assert_eq!(localpart_string("a.b"), "a.b");
        assert_eq!(localpart_string("a..b"), "\"a..b\"");
    }
}
