//! TLSRPT records (RFC 8460 §3) parsed into the API's `TLSRPTRecord`.
//!
//! Why not mail-auth's parser: it flattens the `rua=` fields into one list and drops
//! extensions; the API keeps each `rua=` field as its own list and returns extensions.
//! The parser follows mox's, so a malformed record gets mox's message.

use sherpa_admin::api::{Extension, RUA, TLSRPTRecord};

use super::Fields;

/// Whether a TXT value is a TLSRPT record candidate (mox ignores the others).
pub fn is_tlsrpt(txt: &str) -> bool {
    txt.starts_with("v=TLSRPTv1")
}

/// Parses `v=TLSRPTv1; rua=<uri>[,<uri>]...; [ext=value;]...` as mox does, with its
/// messages (`missing scheme in uri`, `expected semicolon`, `missing rua`, …).
pub fn parse(txt: &str) -> Result<TLSRPTRecord, String> {
    let mut p = Fields::new(txt);
    let mut r = TLSRPTRecord {
        version: "TLSRPTv1".to_string(),
        ..TLSRPTRecord::default()
    };
    p.expect("v=TLSRPTv1")?;
    if !p.delimiter() {
        return p.error("expected semicolon");
    }
    loop {
        let key = p.run(|b, i| {
            i < 32 && (b.is_ascii_alphanumeric() || (i > 0 && b == b'_') || b == b'-' || b == b'.')
        })?;
        p.expect("=")?;
        // Both rua= and extensions may occur more than once.
        if key == "rua" {
            let mut list = vec![uri(&mut p)?];
            p.blanks();
            while p.take(",") {
                p.blanks();
                list.push(uri(&mut p)?);
                p.blanks();
            }
            r.ruas.push(list);
        } else {
            let value = p.run(|b, _| b > b' ' && b < 0x7f && b != b'=' && b != b';')?;
            r.extensions.push(Extension { key, value });
        }
        if !p.delimiter() || p.done() {
            break;
        }
    }
    if !p.done() {
        return p.error("leftover chars");
    }
    if r.ruas.is_empty() {
        return p.error("missing rua");
    }
    Ok(r)
}

/// A reporting URI: up to a `,`, `!`, blank or `;`, with a scheme.
fn uri(p: &mut Fields<'_>) -> Result<RUA, String> {
    let v = p.run(|b, _| !matches!(b, b',' | b'!' | b' ' | b'\t' | b';'))?;
    if !super::has_scheme(&v) {
        return p.error("missing scheme in uri");
    }
    if let Err(e) = url::Url::parse(&v) {
        return p.error(&format!("parsing uri {v:?}: {e}"));
    }
    Ok(RUA(v))
}

/// mox's `Record.String()`: `v=TLSRPTv1; rua=a,b; k=v`.
pub fn record_text(r: &TLSRPTRecord) -> String {
    let mut s = format!("v={}", r.version);
    for l in &r.ruas {
        let v: Vec<&str> = l.iter().map(|u| u.0.as_str()).collect();
        s.push_str(&format!("; rua={}", v.join(",")));
    }
    for e in &r.extensions {
        s.push_str(&format!("; {}={}", e.key, e.value));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let r = parse("v=TLSRPTv1; rua=mailto:a@example.org,https://r.example.net/x; rua=mailto:b@example.org; ext=1;").unwrap();
        assert_eq!(r.ruas.len(), 2);
        assert_eq!(r.ruas[0].len(), 2);
        assert_eq!(r.extensions[0].key, "ext");
        assert_eq!(
            record_text(&r),
            "v=TLSRPTv1; rua=mailto:a@example.org,https://r.example.net/x; rua=mailto:b@example.org; ext=1"
        );
    }

    #[test]
    fn rejects_with_mox_messages() {
        for (bad, want) in [
            ("v=TLSRPTv1", "expected semicolon"),
            ("v=TLSRPTv1;", "expected at least 1 char"),
            ("v=TLSRPTv1; rua=bogus", "missing scheme in uri"),
            (
                "v=TLSRPTv1; rua=bogus; x=1",
                "missing scheme in uri (remain \"; x=1\")",
            ),
            ("v=TLSRPTv1; x", "expected \"=\""),
            (
                "v=TLSRPTv1;; rua=mailto:a@b",
                "expected at least one char (remain \"; rua=mailto:a@b\")",
            ),
            (
                "v=TLSRPTv2; rua=mailto:a@b",
                "expected \"v=TLSRPTv1\" (remain \"v=TLSRPTv2; rua=mailto:a@b\")",
            ),
            ("v=TLSRPTv1 ; ext=1", "missing rua"),
            (
                "v=TLSRPTv1; rua=mailto:a@b x",
                "leftover chars (remain \"x\")",
            ),
        ] {
            assert_eq!(parse(bad).unwrap_err(), want, "{bad}");
        }
        // Any scheme parses, as in mox (RFC 8460 names mailto and https).
        assert!(parse("v=TLSRPTv1; rua=ftp://x").is_ok());
    }
}
