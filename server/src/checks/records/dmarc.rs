//! DMARC records (RFC 7489 §6.3) parsed into the API's `DMARCRecord`.
//!
//! Why not mail-auth's parser: it normalises report sizes to bytes (losing the unit), fills
//! `sp` from `p` and has no `ri`/`rf`/`pct`, all of which the API returns as written.

use sherpa_admin::api::{Align, DMARCPolicy, DMARCRecord, URI};

/// The outcome of parsing a TXT value at `_dmarc.<domain>`.
pub enum Parsed {
    Ok(DMARCRecord),
    /// Claims `v=DMARC1` but is malformed.
    Bad(String),
    /// Not a DMARC record: ignored.
    NotDmarc,
}

/// The defaults of mox's `dmarc.DefaultRecord` for tags that are absent.
fn default_record() -> DMARCRecord {
    DMARCRecord {
        version: "DMARC1".to_string(),
        adkim: Align::AlignRelaxed,
        aspf: Align::AlignRelaxed,
        aggregate_reporting_interval: 86400,
        failure_reporting_options: vec!["0".to_string()],
        reporting_format: vec!["afrf".to_string()],
        percentage: 100,
        ..DMARCRecord::default()
    }
}

/// Go's `strconv` error text for a number that does not parse, as mox's messages
/// include it.
fn number_error(func: &str, digits: &str) -> String {
    let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        "value out of range"
    } else {
        "invalid syntax"
    };
    format!("strconv.{func}: parsing {digits:?}: {why}")
}

/// A position in a DMARC record. Tags and values are matched case-insensitively; as in
/// mox, a value taken from the middle of the record comes out lower-cased, and one that
/// runs to the end of the record as written.
struct Cursor<'a> {
    text: &'a str,
    lower: String,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    fn error<T>(&self, msg: impl Into<String>) -> Result<T, String> {
        let mut msg = msg.into();
        if !self.done() {
            msg.push_str(&format!(" (remain {:?})", &self.text[self.at..]));
        }
        Err(msg)
    }

    fn blanks(&mut self) {
        let b = self.text.as_bytes();
        while self.at < b.len() && (b[self.at] == b' ' || b[self.at] == b'\t') {
            self.at += 1;
        }
    }

    fn take(&mut self, lit: &str) -> bool {
        if self.lower[self.at..].starts_with(lit) {
            self.at += lit.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, lit: &str) -> Result<(), String> {
        if self.take(lit) {
            Ok(())
        } else {
            self.error(format!("expected {lit:?}"))
        }
    }

    /// One of `options` (lower case), taken.
    fn one_of(&mut self, options: &[&'static str]) -> Result<&'static str, String> {
        match options.iter().copied().find(|o| self.take(o)) {
            Some(o) => Ok(o),
            None => self.error(format!("expected on one [{}]", options.join(" "))),
        }
    }

    /// At least one byte that `ok` accepts (given its index in the run).
    fn run(&mut self, ok: impl Fn(u8, usize) -> bool) -> Result<String, String> {
        if self.done() {
            return self.error("expected at least 1 char");
        }
        let rest = &self.lower.as_bytes()[self.at..];
        let n = rest
            .iter()
            .enumerate()
            .take_while(|&(i, &b)| ok(b, i))
            .count();
        if n == 0 {
            return self.error("expected at least one char");
        }
        let end = self.at + n;
        // Only ASCII is accepted by the callers but `uri`, which stops at ASCII bytes
        // only, so `end` is a character boundary either way.
        let s = if end == self.text.len() {
            &self.text[self.at..end]
        } else {
            &self.lower[self.at..end]
        };
        self.at = end;
        Ok(s.to_string())
    }

    fn number(&mut self) -> Result<i32, String> {
        let digits = self.run(|b, _| b.is_ascii_digit())?;
        match digits.parse::<i32>() {
            Ok(n) => Ok(n),
            Err(_) => self.error(format!(
                "parsing {digits:?}: {}",
                number_error("Atoi", &digits)
            )),
        }
    }

    /// An SMTP keyword: letters and digits, with inner hyphens.
    fn keyword(&mut self) -> Result<String, String> {
        let lower = self.lower.as_bytes()[self.at..].to_vec();
        self.run(|b, i| {
            b.is_ascii_alphanumeric()
                || (b == b'-' && lower.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric()))
        })
    }

    /// `uri[!size[unit]]`.
    fn uri(&mut self) -> Result<URI, String> {
        let v = self.run(|b, _| !matches!(b, b',' | b' ' | b'\t' | b';'))?;
        let (addr, size) = match v.split_once('!') {
            Some((a, s)) => (a, Some(s)),
            None => (v.as_str(), None),
        };
        if !super::has_scheme(addr) {
            return self.error("missing scheme in uri");
        }
        if let Err(e) = url::Url::parse(addr) {
            return self.error(format!("parsing uri {addr:?}: {e}"));
        }
        let mut uri = URI {
            address: addr.to_string(),
            ..URI::default()
        };
        if let Some(mut size) = size {
            if let Some(unit) = size
                .char_indices()
                .last()
                .filter(|(_, c)| "kKmMgGtT".contains(*c))
            {
                uri.unit = unit.1.to_ascii_lowercase().to_string();
                size = &size[..unit.0];
            }
            uri.max_size = match size.parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    return self.error(format!(
                        "parsing max size for uri: {}",
                        number_error("ParseUint", size)
                    ));
                }
            };
        }
        Ok(uri)
    }

    /// URIs separated by commas.
    fn uris(&mut self, into: &mut Vec<URI>) -> Result<(), String> {
        into.push(self.uri()?);
        self.blanks();
        while self.take(",") {
            self.blanks();
            into.push(self.uri()?);
            self.blanks();
        }
        Ok(())
    }

    /// Values separated by colons.
    fn colon_list(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<String, String>,
    ) -> Result<Vec<String>, String> {
        let mut l = vec![item(self)?];
        self.blanks();
        while self.take(":") {
            self.blanks();
            l.push(item(self)?);
            self.blanks();
        }
        Ok(l)
    }
}

fn policy(s: &str) -> DMARCPolicy {
    match s {
        "" => DMARCPolicy::PolicyEmpty,
        "none" => DMARCPolicy::PolicyNone,
        "quarantine" => DMARCPolicy::PolicyQuarantine,
        "reject" => DMARCPolicy::PolicyReject,
        other => DMARCPolicy::Other(other.to_string()),
    }
}

/// Parses a DMARC record as mox does: `v=DMARC1;` first (else it is no DMARC record at
/// all), `p=` as the first tag, and mox's messages for the rest (`expected on one [none
/// quarantine reject] (remain "bogus")`). A record without `p=`, or with an unknown
/// `sp=`, is read as `p=none` when it names an aggregate report address, as RFC 7489
/// §6.6.3 asks, and refused otherwise.
pub fn parse(txt: &str) -> Parsed {
    let mut p = Cursor {
        text: txt,
        lower: txt.to_ascii_lowercase(),
        at: 0,
    };
    let head = (|| {
        p.expect("v")?;
        p.blanks();
        p.expect("=")?;
        p.blanks();
        // The version is case-sensitive.
        if !p.text[p.at..].starts_with("DMARC1") {
            return p.error("expected \"DMARC1\"");
        }
        p.at += "DMARC1".len();
        p.blanks();
        p.expect(";")
    })();
    if head.is_err() {
        return Parsed::NotDmarc;
    }
    match tags(&mut p) {
        Ok(r) => Parsed::Ok(r),
        Err(e) => Parsed::Bad(e),
    }
}

fn tags(p: &mut Cursor<'_>) -> Result<DMARCRecord, String> {
    let mut r = default_record();
    let mut seen: Vec<String> = Vec::new();
    loop {
        p.blanks();
        if p.done() {
            break;
        }
        let word = p.run(|b, _| b.is_ascii_alphanumeric())?;
        let tag = word.to_ascii_lowercase();
        if seen.contains(&tag) {
            return p.error(format!("duplicate tag {word:?}"));
        }
        seen.push(tag.clone());
        p.blanks();
        p.expect("=")?;
        p.blanks();
        match tag.as_str() {
            "p" => {
                if seen.len() != 1 {
                    return p.error("p= (policy) must be first tag");
                }
                r.policy = policy(p.one_of(&["none", "quarantine", "reject"])?);
            }
            "sp" => r.subdomain_policy = policy(&p.keyword()?),
            "rua" => p.uris(&mut r.aggregate_report_addresses)?,
            "ruf" => p.uris(&mut r.failure_report_addresses)?,
            "adkim" | "aspf" => {
                let a = match p.one_of(&["r", "s"])? {
                    "s" => Align::AlignStrict,
                    _ => Align::AlignRelaxed,
                };
                if tag == "adkim" {
                    r.adkim = a;
                } else {
                    r.aspf = a;
                }
            }
            "ri" => r.aggregate_reporting_interval = p.number()?,
            "fo" => {
                r.failure_reporting_options =
                    p.colon_list(|p| p.one_of(&["0", "1", "d", "s"]).map(str::to_string))?
            }
            "rf" => r.reporting_format = p.colon_list(|p| p.keyword())?,
            "pct" => {
                r.percentage = p.number()?;
                if r.percentage > 100 {
                    return p.error(format!("bad percentage {}", r.percentage));
                }
            }
            // Unknown tags: skipped up to the next semicolon.
            _ => {
                while !p.done() && p.text.as_bytes()[p.at] != b';' {
                    p.at += p.text[p.at..].chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        p.blanks();
        if !p.take(";") && !p.done() {
            return p.error("expected ;");
        }
    }
    let sp_ok = matches!(
        r.subdomain_policy,
        DMARCPolicy::PolicyEmpty
            | DMARCPolicy::PolicyNone
            | DMARCPolicy::PolicyQuarantine
            | DMARCPolicy::PolicyReject
    );
    if !seen.iter().any(|t| t == "p") || !sp_ok {
        if r.aggregate_report_addresses.is_empty() {
            return p.error("invalid (subdomain)policy and no valid aggregate reporting address");
        }
        r.policy = DMARCPolicy::PolicyNone;
        r.subdomain_policy = DMARCPolicy::PolicyEmpty;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let Parsed::Ok(r) = parse(
            "v=DMARC1; p=none; sp=reject; rua=mailto:a@example.org!10m,mailto:b@example.net; pct=50; fo=1:d; adkim=s",
        ) else {
            panic!()
        };
        assert_eq!(r.policy, DMARCPolicy::PolicyNone);
        assert_eq!(r.subdomain_policy, DMARCPolicy::PolicyReject);
        assert_eq!(r.aggregate_report_addresses.len(), 2);
        assert_eq!(
            r.aggregate_report_addresses[0].address,
            "mailto:a@example.org"
        );
        assert_eq!(
            (
                r.aggregate_report_addresses[0].max_size,
                r.aggregate_report_addresses[0].unit.as_str()
            ),
            (10, "m")
        );
        assert_eq!(r.percentage, 50);
        assert_eq!(r.failure_reporting_options, vec!["1", "d"]);
        assert_eq!(r.adkim, Align::AlignStrict);
        assert_eq!(r.aspf, Align::AlignRelaxed);
        assert_eq!(r.aggregate_reporting_interval, 86400);
    }

    #[test]
    fn rejects_with_mox_messages() {
        assert!(matches!(parse("v=spf1"), Parsed::NotDmarc));
        assert!(
            matches!(parse("v=DMARC1"), Parsed::NotDmarc),
            "no semicolon: not DMARC"
        );
        assert!(
            matches!(parse("v=dmarc1; p=none"), Parsed::NotDmarc),
            "the version is case-sensitive"
        );
        for (txt, want) in [
            (
                "v=DMARC1; p=bogus; rua=mailto:a@b",
                "expected on one [none quarantine reject] (remain \"bogus; rua=mailto:a@b\")",
            ),
            (
                "v=DMARC1; rua=mailto:a@b; p=none",
                "p= (policy) must be first tag (remain \"none\")",
            ),
            (
                "v=DMARC1;",
                "invalid (subdomain)policy and no valid aggregate reporting address",
            ),
            ("v=DMARC1; p=none; pct=101", "bad percentage 101"),
            ("v=DMARC1; p=none; rua=nonsense", "missing scheme in uri"),
            (
                "v=DMARC1; p=none; p=none",
                "duplicate tag \"p\" (remain \"=none\")",
            ),
            (
                "v=DMARC1; p=none; adkim=x",
                "expected on one [r s] (remain \"x\")",
            ),
            ("v=DMARC1; p=none x", "expected ; (remain \"x\")"),
            (
                "v=DMARC1; p=none; rua=mailto:a@b!10x",
                "parsing max size for uri: strconv.ParseUint: parsing \"10x\": invalid syntax",
            ),
        ] {
            match parse(txt) {
                Parsed::Bad(e) => assert_eq!(e, want, "{txt}"),
                _ => panic!("{txt} parsed"),
            }
        }
        // Without p=, a record with a report address reads as p=none.
        let Parsed::Ok(r) = parse("v=DMARC1; rua=mailto:a@example.org; x=whatever") else {
            panic!()
        };
        assert_eq!(r.policy, DMARCPolicy::PolicyNone);
    }
}
