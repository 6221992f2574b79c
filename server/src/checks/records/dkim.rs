//! DKIM public key records (RFC 6376 §3.6.1) parsed into the API's `Record`.
//!
//! Why not mail-auth's parser: it turns `p=` into a verifying key and drops the notes,
//! services and raw key bytes, which the API returns and the key comparison needs.

use base64::Engine;
use sherpa_admin::api::Record;
use sherpa_admin::runtime::Bytes;

/// The result of parsing one TXT value.
pub enum Parsed {
    Ok(Record),
    /// The value claims to be DKIM (v=DKIM1, or no v= tag) but is malformed.
    Bad(String),
    /// Not a DKIM record (another v= value): ignored by lookups.
    NotDkim(String),
}

/// A position in a DKIM record, read as mox reads one: folding white space (`FWS`) is
/// allowed around tags and values, and inside values that mox reads a character class
/// from, blanks and line breaks are passed over rather than ending the value.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

fn is_fws_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

impl<'a> Cursor<'a> {
    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn error<T>(&self, msg: impl Into<String>) -> Result<T, String> {
        let mut msg = msg.into();
        if !self.done() {
            msg.push_str(&format!(" (leftover {:?})", self.rest()));
        }
        Err(msg)
    }

    fn expect(&mut self, lit: &str) -> Result<&'static str, String> {
        if self.rest().starts_with(lit) {
            self.at += lit.len();
            Ok("")
        } else {
            self.error(format!("expected {lit:?}"))
        }
    }

    /// The characters `ok` accepts (given their byte index in the rest), passing over
    /// white space that `ok` refuses, up to the first other refused character. Returns
    /// the accepted characters and how far it got.
    fn scan(&self, ok: &mut dyn FnMut(char, usize) -> bool) -> (String, usize) {
        let mut out = String::new();
        for (i, c) in self.rest().char_indices() {
            if ok(c, i) {
                out.push(c);
            } else if !is_fws_char(c) {
                return (out, i);
            }
        }
        (out, self.rest().len())
    }

    fn take_class(&mut self, mut ok: impl FnMut(char, usize) -> bool) -> String {
        let (out, n) = self.scan(&mut ok);
        self.at += n;
        out
    }

    /// Like `take_class`, but at least one character; a run to the end of the record is
    /// returned as written (white space included), as mox does.
    fn take_class1(&mut self, mut ok: impl FnMut(char, usize) -> bool) -> Result<String, String> {
        if self.done() {
            return self.error("expected at least 1 more char");
        }
        let (out, n) = self.scan(&mut ok);
        if n == self.rest().len() {
            let all = self.rest().to_string();
            self.at = self.text.len();
            return Ok(all);
        }
        if n == 0 {
            return self.error("expected at least 1 char");
        }
        self.at += n;
        Ok(out)
    }

    fn blanks(&mut self) {
        self.take_class(|c, _| c == ' ' || c == '\t');
    }

    /// Folding white space: blanks, optionally a CRLF with more blanks.
    fn fws(&mut self) {
        self.blanks();
        if self.rest().starts_with("\r\n ") || self.rest().starts_with("\r\n\t") {
            self.at += 3;
            self.blanks();
        }
    }

    /// Whether `lit` follows, after optional folding white space.
    fn peek_fws(&mut self, lit: &str) -> bool {
        let at = self.at;
        self.fws();
        let found = self.rest().starts_with(lit);
        self.at = at;
        found
    }

    fn tag_name(&mut self) -> Result<String, String> {
        self.take_class1(|c, i| {
            c.is_ascii_alphabetic() || (i > 0 && (c.is_ascii_digit() || c == '_'))
        })
    }

    fn hyphenated_word(&mut self) -> Result<String, String> {
        let rest = self.rest().as_bytes().to_vec();
        self.take_class1(|c, i| {
            c.is_ascii_alphabetic()
                || (i > 0 && c.is_ascii_digit())
                || (i > 0 && c == '-' && rest.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric()))
        })
    }

    /// `word[:word]...`
    fn word_list(&mut self) -> Result<Vec<String>, String> {
        let mut l = vec![self.hyphenated_word()?];
        while self.peek_fws(":") {
            self.fws();
            self.expect(":")?;
            self.fws();
            l.push(self.hyphenated_word()?);
        }
        Ok(l)
    }

    /// A qp-section (`n=`): visible characters and `=XX` escapes.
    fn qp_section(&mut self) -> Result<String, String> {
        let hex = |b: u8| -> u32 {
            if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                10 + u32::from(b) - u32::from(b'A')
            }
        };
        let mut out = String::new();
        while !self.done() {
            self.fws();
            if self.rest().starts_with('=') {
                self.at += 1;
                let h =
                    self.take_class(|c, i| i < 2 && (c.is_ascii_digit() || c.is_ascii_uppercase()));
                let b = h.as_bytes();
                if b.len() != 2 {
                    return self.error("expected qp-hdr-value");
                }
                out.extend(char::from_u32((hex(b[0]) << 4) | hex(b[1])));
                continue;
            }
            let x = self.take_class(|c, _| c > ' ' && c < '\x7f' && c != ';' && c != '=');
            if x.is_empty() {
                break;
            }
            out.push_str(&x);
        }
        Ok(out)
    }

    /// Base64 with folding white space anywhere; nothing at all is an empty key (revoked).
    fn base64(&mut self) -> Result<Vec<u8>, String> {
        let text = self.text;
        let start = self.at;
        let mut b64 = String::new();
        let (_, n) = self.scan(&mut |c, i| {
            if c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=' {
                b64.push(c);
                return true;
            }
            let rem = &text[start + i..];
            c == ' '
                || c == '\t'
                || rem.starts_with("\r\n ")
                || rem.starts_with("\r\n\t")
                || ((rem.starts_with("\n ") || rem.starts_with("\n\t"))
                    && start + i > 1
                    && text.as_bytes()[start + i - 1] == b'\r')
        });
        self.at += n;
        match base64::engine::general_purpose::STANDARD.decode(&b64) {
            Ok(b) => Ok(b),
            Err(e) => {
                // Go's message: the offset of the first byte it cannot use.
                let at = match e {
                    base64::DecodeError::InvalidByte(o, _)
                    | base64::DecodeError::InvalidLastSymbol(o, _) => o,
                    // A last group without its padding: Go names where that group starts.
                    base64::DecodeError::InvalidLength(n) => n - n % 4,
                    base64::DecodeError::InvalidPadding => b64.len() - b64.len() % 4,
                };
                self.error(format!(
                    "decoding base64: illegal base64 data at input byte {at}"
                ))
            }
        }
    }

    /// Skips a tag value mox does not know, up to the next `;`.
    fn skip_value(&mut self) {
        while let Some(c) = self.rest().chars().next().filter(|&c| c != ';') {
            self.at += c.len_utf8();
        }
    }
}

/// Parses a DKIM key record as mox does, with its messages (`expected ";" (leftover
/// "!!notbase64")`, `missing field: public key`, …). A record that fails before its first
/// tag is read (another `v=`, say) is not a DKIM record at all.
pub fn parse(txt: &str) -> Parsed {
    let mut is_dkim = false;
    match parse_tags(txt, &mut is_dkim) {
        Ok(r) => Parsed::Ok(r),
        Err(e) if is_dkim => Parsed::Bad(e),
        Err(e) => Parsed::NotDkim(e),
    }
}

fn parse_tags(txt: &str, is_dkim: &mut bool) -> Result<Record, String> {
    let mut r = Record {
        version: "DKIM1".to_string(),
        key: "rsa".to_string(),
        services: vec!["*".to_string()],
        ..Record::default()
    };
    let mut p = Cursor { text: txt, at: 0 };
    let mut seen: Vec<String> = Vec::new();
    loop {
        p.fws();
        let k = p.tag_name()?;
        p.fws();
        p.expect("=")?;
        p.fws();
        // Tags are case-sensitive, and each may occur once.
        if seen.contains(&k) {
            return Err(format!("duplicate tag: {k:?}"));
        }
        seen.push(k.clone());
        match k.as_str() {
            "v" => {
                p.expect("DKIM1")?;
                p.fws();
                if !p.done() {
                    p.expect(";")?;
                }
                if seen.len() != 1 {
                    return Err("first field must be version".to_string());
                }
                *is_dkim = true;
                if p.done() {
                    break;
                }
                continue;
            }
            "h" => r.hashes = p.word_list()?,
            "k" => r.key = p.hyphenated_word()?,
            "n" => r.notes = p.qp_section()?,
            "p" => r.pubkey = Bytes(p.base64()?),
            "s" => r.services = p.word_list()?,
            "t" => r.flags = p.word_list()?,
            _ => p.skip_value(),
        }
        *is_dkim = true;
        p.fws();
        if p.done() {
            break;
        }
        p.expect(";")?;
        if p.done() {
            break;
        }
    }
    if !seen.iter().any(|k| k == "p") {
        return Err("missing field: public key".to_string());
    }
    let key = &r.pubkey.0;
    match r.key.to_ascii_lowercase().as_str() {
        "" | "rsa" if !key.is_empty() => {
            use rsa::pkcs8::DecodePublicKey;
            if let Err(e) = rsa::PublicKey::from_public_key_der(key) {
                return Err(format!("bad public key: {e}"));
            }
        }
        "ed25519" if !key.is_empty() && key.len() != 32 => {
            return Err(format!("bad public key: got {} bytes, need 32", key.len()));
        }
        "" | "rsa" | "ed25519" => {}
        other => return Err(format!("unknown algorithm: {other:?}")),
    }
    Ok(r)
}

/// Formats a record for publication: `v=DKIM1;h=sha256[;k=ed25519];p=<base64>`, mox's
/// `Record.Record()` for the records it generates.
pub fn record_text(ed25519: bool, pubkey: &[u8]) -> String {
    let k = if ed25519 { ";k=ed25519" } else { "" };
    format!(
        "v=DKIM1;h=sha256{k};p={}",
        base64::engine::general_purpose::STANDARD.encode(pubkey)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ed25519_and_tags() {
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let txt = format!("v=DKIM1; k=ed25519; h=sha256:sha1; s=email; t=y:s; n=note; p={key}");
        let Parsed::Ok(r) = parse(&txt) else { panic!() };
        assert_eq!(r.key, "ed25519");
        assert_eq!(r.hashes, vec!["sha256", "sha1"]);
        assert_eq!(r.services, vec!["email"]);
        assert_eq!(r.flags, vec!["y", "s"]);
        assert_eq!(r.notes, "note");
        assert_eq!(r.pubkey.0, vec![7u8; 32]);
    }

    #[test]
    fn errors_and_non_dkim() {
        let bad = |txt: &str| match parse(txt) {
            Parsed::Bad(e) => e,
            Parsed::NotDkim(e) => format!("not dkim: {e}"),
            Parsed::Ok(_) => panic!("{txt} parsed"),
        };
        assert_eq!(bad("v=DKIM1; k=ed25519"), "missing field: public key");
        assert_eq!(
            bad("v=DKIM1; k=ed25519; p=AAAA"),
            "bad public key: got 3 bytes, need 32"
        );
        assert_eq!(
            bad("v=DKIM1; p=!!notbase64"),
            "expected \";\" (leftover \"!!notbase64\")"
        );
        assert_eq!(
            bad("v=DKIM1; p=AAA"),
            "decoding base64: illegal base64 data at input byte 0"
        );
        assert!(bad("v=DKIM1; p=AAAA").starts_with("bad public key: "));
        assert_eq!(bad("v=DKIM1; k=dsa; p="), "unknown algorithm: \"dsa\"");
        assert_eq!(bad("v=DKIM1; h=sha256; h=sha1; p="), "duplicate tag: \"h\"");
        assert_eq!(bad("k=rsa; v=DKIM1; p="), "first field must be version");
        assert_eq!(
            bad("v=spf1 -all"),
            "not dkim: expected \"DKIM1\" (leftover \"spf1 -all\")"
        );
        // Revoked key: empty p= is valid.
        assert!(matches!(parse("v=DKIM1; p="), Parsed::Ok(_)));
        // Folding white space inside the key, as long records are published.
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let folded = format!("v=DKIM1; k=ed25519; p={}\r\n {}", &key[..20], &key[20..]);
        let Parsed::Ok(r) = parse(&folded) else {
            panic!()
        };
        assert_eq!(r.pubkey.0, vec![7u8; 32]);
    }
}
