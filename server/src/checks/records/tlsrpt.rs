//! TLSRPT records (RFC 8460 §3) parsed into the API's `TLSRPTRecord`.
//!
//! Why not mail-auth's parser: it flattens the `rua=` fields into one list and drops
//! extensions; the API keeps each `rua=` field as its own list and returns extensions.

use sherpa_admin::api::{Extension, RUA, TLSRPTRecord};

/// Whether a TXT value is a TLSRPT record candidate (mox ignores the others).
pub fn is_tlsrpt(txt: &str) -> bool {
    txt.starts_with("v=TLSRPTv1")
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Parses `v=TLSRPTv1; rua=<uri>[,<uri>]...; [ext=value;]...`.
pub fn parse(txt: &str) -> Result<TLSRPTRecord, String> {
    let rest = txt
        .strip_prefix("v=TLSRPTv1")
        .ok_or_else(|| "expected \"v=TLSRPTv1\"".to_string())?;
    let mut r = TLSRPTRecord {
        version: "TLSRPTv1".to_string(),
        ..TLSRPTRecord::default()
    };
    let fields: Vec<&str> = rest.split(';').collect();
    if fields.len() < 2 || !fields[0].trim_matches(is_wsp).is_empty() {
        return Err("expected \";\" after version".to_string());
    }
    let n = fields.len();
    for (i, f) in fields.iter().enumerate().skip(1) {
        let f = f.trim_matches(is_wsp);
        if f.is_empty() {
            // Only a final delimiter may be followed by nothing.
            if i == n - 1 && i > 1 {
                continue;
            }
            return Err("empty field".to_string());
        }
        let (k, v) = f
            .split_once('=')
            .ok_or_else(|| format!("expected \"=\" in field {f:?}"))?;
        if k == "rua" {
            let mut l = Vec::new();
            for u in v.split(',') {
                let u = u.trim_matches(is_wsp);
                let scheme_ok = (u.starts_with("mailto:") && u.len() > 7)
                    || (u.starts_with("https:") && u.len() > 6);
                if !scheme_ok
                    || u.chars()
                        .any(|c| c.is_whitespace() || c == '!' || c.is_control())
                {
                    return Err(format!("invalid rua uri {u:?}"));
                }
                l.push(RUA(u.to_string()));
            }
            r.ruas.push(l);
        } else {
            let key_ok = !k.is_empty()
                && k.len() <= 32
                && k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
            let value_ok = !v.is_empty()
                && v.chars()
                    .all(|c| ('\x21'..='\x7e').contains(&c) && c != ';' && c != '=');
            if !key_ok || !value_ok {
                return Err(format!("invalid extension {f:?}"));
            }
            r.extensions.push(Extension {
                key: k.to_string(),
                value: v.to_string(),
            });
        }
    }
    if r.ruas.is_empty() {
        return Err("missing rua".to_string());
    }
    Ok(r)
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
    fn rejects() {
        for bad in [
            "v=TLSRPTv1",
            "v=TLSRPTv1;",
            "v=TLSRPTv1; rua=ftp://x",
            "v=TLSRPTv1; x",
            "v=TLSRPTv1;; rua=mailto:a@b",
            "v=TLSRPTv2; rua=mailto:a@b",
            "v=TLSRPTv1 ; ext=1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
