//! Parsers for the DNS records and policies the checks read, producing the API's types.
//! Each parser takes untrusted text and returns an error string instead of panicking; the
//! robustness tests in `server/tests/dns_parsers.rs` feed them arbitrary input.

pub mod dkim;
pub mod dmarc;
pub mod mtasts;
pub mod spf;
pub mod tlsrpt;

/// A position in a `key=value; …` record (MTA-STS, TLS-RPT), with the error shape both
/// of mox's parsers for them use: the message, then ` (remain "…")` when text is left.
pub(crate) struct Fields<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(text: &'a str) -> Fields<'a> {
        Fields { text, at: 0 }
    }

    pub(crate) fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    pub(crate) fn error<T>(&self, msg: &str) -> Result<T, String> {
        if self.done() {
            Err(msg.to_string())
        } else {
            Err(format!("{msg} (remain {:?})", &self.text[self.at..]))
        }
    }

    pub(crate) fn expect(&mut self, lit: &str) -> Result<(), String> {
        if self.text[self.at..].starts_with(lit) {
            self.at += lit.len();
            Ok(())
        } else {
            self.error(&format!("expected {lit:?}"))
        }
    }

    /// `;` with optional blanks around it.
    pub(crate) fn delimiter(&mut self) -> bool {
        let b = self.text.as_bytes();
        let blank = |o: &mut usize| {
            while *o < b.len() && (b[*o] == b' ' || b[*o] == b'\t') {
                *o += 1;
            }
        };
        let mut o = self.at;
        blank(&mut o);
        if o >= b.len() || b[o] != b';' {
            return false;
        }
        o += 1;
        blank(&mut o);
        self.at = o;
        true
    }

    /// The bytes that `ok` accepts (given their index in the run), at least one.
    pub(crate) fn run(&mut self, ok: impl Fn(u8, usize) -> bool) -> Result<String, String> {
        if self.done() {
            return self.error("expected at least 1 char");
        }
        let rest = &self.text.as_bytes()[self.at..];
        let n = rest
            .iter()
            .enumerate()
            .take_while(|&(i, &b)| ok(b, i))
            .count();
        if n == 0 {
            return self.error("expected at least one char");
        }
        // Only ASCII is accepted, so the run ends on a character boundary.
        let s = self.text[self.at..self.at + n].to_string();
        self.at += n;
        Ok(s)
    }

    /// Blanks (spaces and tabs).
    pub(crate) fn blanks(&mut self) {
        let b = self.text.as_bytes();
        while self.at < b.len() && (b[self.at] == b' ' || b[self.at] == b'\t') {
            self.at += 1;
        }
    }

    pub(crate) fn take(&mut self, lit: &str) -> bool {
        if self.text[self.at..].starts_with(lit) {
            self.at += lit.len();
            true
        } else {
            false
        }
    }
}

/// Whether a URI starts with a scheme (RFC 3986: a letter, then letters, digits, `+`,
/// `-` or `.`, then `:`): what mox's DMARC and TLS-RPT parsers require of a report
/// address before anything else.
pub(crate) fn has_scheme(uri: &str) -> bool {
    let b = uri.as_bytes();
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || b"+.-".contains(c))
        .count();
    n > 0 && b[0].is_ascii_alphabetic() && b.get(n) == Some(&b':')
}

/// mox's `TXTStrings`: a value of up to 100 bytes as one quoted string, longer values as a
/// parenthesised list of 100-byte quoted chunks on their own lines, so they can be pasted
/// into zone files and DNS admin interfaces that limit string length.
pub fn txt_strings(s: &str) -> String {
    if s.len() <= 100 {
        return format!("\"{s}\"");
    }
    let mut out = String::from("(\n");
    for chunk in s.as_bytes().chunks(100) {
        out.push_str(" \t\t\"");
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\"\n");
    }
    out.push_str("\t)");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn txt_strings_chunks() {
        assert_eq!(super::txt_strings("abc"), "\"abc\"");
        let long = "x".repeat(150);
        assert_eq!(
            super::txt_strings(&long),
            format!(
                "(\n \t\t\"{}\"\n \t\t\"{}\"\n\t)",
                "x".repeat(100),
                "x".repeat(50)
            )
        );
    }
}
