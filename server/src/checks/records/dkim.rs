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

/// Splits `tag=value; ...` into pairs; whitespace around tags and values is dropped.
fn tags(txt: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for part in txt.split(';') {
        let part = part.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\r' || c == '\n');
        if part.is_empty() {
            continue;
        }
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("missing \"=\" in tag {part:?}"))?;
        let k = k.trim_end();
        if k.is_empty()
            || !k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(format!("invalid tag name {k:?}"));
        }
        if out.iter().any(|(x, _)| x == k) {
            return Err(format!("duplicate tag {k:?}"));
        }
        out.push((k.to_string(), v.trim_start().to_string()));
    }
    Ok(out)
}

fn list(v: &str) -> Vec<String> {
    v.split(':')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses a DKIM key record.
pub fn parse(txt: &str) -> Parsed {
    let tags = match tags(txt) {
        Ok(t) => t,
        Err(e) => {
            return if txt.trim_start().starts_with("v=") && !txt.trim_start().starts_with("v=DKIM1")
            {
                Parsed::NotDkim(e)
            } else {
                Parsed::Bad(e)
            };
        }
    };
    let mut r = Record {
        version: "DKIM1".to_string(),
        key: "rsa".to_string(),
        services: vec!["*".to_string()],
        ..Record::default()
    };
    let mut have_p = false;
    for (i, (k, v)) in tags.iter().enumerate() {
        match k.as_str() {
            "v" => {
                if v != "DKIM1" {
                    return Parsed::NotDkim(format!("unknown version {v:?}"));
                }
                if i != 0 {
                    return Parsed::Bad("v= must be the first tag".to_string());
                }
            }
            "h" => r.hashes = list(v),
            "k" => r.key = v.trim().to_ascii_lowercase(),
            "n" => r.notes = v.to_string(),
            "s" => r.services = list(v),
            "t" => r.flags = list(v),
            "p" => {
                let b64: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                match base64::engine::general_purpose::STANDARD.decode(&b64) {
                    Ok(b) => r.pubkey = Bytes(b),
                    Err(e) => return Parsed::Bad(format!("decoding public key: {e}")),
                }
                have_p = true;
            }
            _ => {}
        }
    }
    if !have_p {
        return Parsed::Bad("missing required tag \"p\"".to_string());
    }
    if !r.pubkey.0.is_empty() {
        match r.key.as_str() {
            "ed25519" if r.pubkey.0.len() != 32 => {
                return Parsed::Bad(format!(
                    "ed25519 public key must be 32 bytes, got {}",
                    r.pubkey.0.len()
                ));
            }
            "rsa" => {
                use rsa::pkcs1::DecodeRsaPublicKey;
                use rsa::pkcs8::DecodePublicKey;
                if rsa::PublicKey::from_public_key_der(&r.pubkey.0).is_err()
                    && rsa::PublicKey::from_pkcs1_der(&r.pubkey.0).is_err()
                {
                    return Parsed::Bad("parsing rsa public key: not a valid key".to_string());
                }
            }
            "ed25519" => {}
            other => return Parsed::Bad(format!("unsupported key type {other:?}")),
        }
    }
    Parsed::Ok(r)
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
        assert!(matches!(parse("v=DKIM1; k=ed25519"), Parsed::Bad(_)));
        assert!(matches!(
            parse("v=DKIM1; k=ed25519; p=AAAA"),
            Parsed::Bad(_)
        ));
        assert!(matches!(parse("v=DKIM1; p=!!!"), Parsed::Bad(_)));
        assert!(matches!(parse("v=DKIM1; p=AAAA"), Parsed::Bad(_)));
        assert!(matches!(parse("v=spf1 -all"), Parsed::NotDkim(_)));
        assert!(matches!(parse("k=rsa; v=DKIM1; p="), Parsed::Bad(_)));
        // Revoked key: empty p= is valid.
        assert!(matches!(parse("v=DKIM1; p="), Parsed::Ok(_)));
    }
}
