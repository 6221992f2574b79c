//! MTA-STS TXT records and policies (RFC 8461 §3.1, §3.2) parsed into the API's
//! `MTASTSRecord` and `Policy`.
//!
//! Why not mail-auth: it keeps only the record's `id` and does not parse policies; the API
//! returns version, extensions, and the full policy.

use sherpa_admin::api::{MTASTSRecord, Mode, Pair, Policy, STSMX};

use crate::dns::{Domain, parse_domain};

use super::Fields;

pub fn is_mtasts(txt: &str) -> bool {
    txt.starts_with("v=STSv1")
}

/// Parses `v=STSv1; id=<1-32 alnum>[; ext=value]...` as mox does, with its messages
/// (`expected semicolon`, `expected at least 1 char`, `missing id`, each followed by
/// ` (remain "…")` when text is left).
pub fn parse_record(txt: &str) -> Result<MTASTSRecord, String> {
    let mut p = Fields::new(txt);
    let mut r = MTASTSRecord {
        version: "STSv1".to_string(),
        ..MTASTSRecord::default()
    };
    p.expect("v=STSv1")?;
    if !p.delimiter() {
        return p.error("expected semicolon");
    }
    let mut seen: Vec<String> = Vec::new();
    loop {
        // Keys: up to 32 of letters, digits, '-', '.', and '_' after the first.
        let key = p.run(|b, i| {
            i < 32 && (b.is_ascii_alphanumeric() || (i > 0 && b == b'_') || b == b'-' || b == b'.')
        })?;
        p.expect("=")?;
        let dup = seen.contains(&key);
        seen.push(key.clone());
        if key == "id" {
            // A second id is not read (mox uses the first), and what follows is left over.
            if !dup {
                r.id = p.run(|b, i| i < 32 && b.is_ascii_alphanumeric())?;
            }
        } else {
            let value = p.run(|b, _| b > b' ' && b < 0x7f && b != b'=' && b != b';')?;
            r.extensions.push(Pair { key, value });
        }
        if !p.delimiter() || p.done() {
            break;
        }
    }
    if !p.done() {
        return p.error("leftover characters");
    }
    if r.id.is_empty() {
        return p.error("missing id");
    }
    Ok(r)
}

/// `v=STSv1; id=<id>`, mox's `Record.String()` for the instructions.
pub fn record_text(id: &str) -> String {
    format!("v=STSv1; id={id}")
}

/// Parses a policy file: `key: value` lines separated by LF or CRLF.
pub fn parse_policy(text: &str) -> Result<Policy, String> {
    let mut p = Policy::default();
    let mut have_mode = false;
    let mut have_max_age = false;
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            if i == lines.len() - 1 {
                continue;
            }
            return Err("empty line in policy".to_string());
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| format!("expected \"key: value\" in line {line:?}"))?;
        let v = v.trim_matches(|c| c == ' ' || c == '\t');
        if i == 0 {
            if k != "version" || v != "STSv1" {
                return Err("policy must start with \"version: STSv1\"".to_string());
            }
            p.version = "STSv1".to_string();
            continue;
        }
        match k {
            "version" => return Err("duplicate version".to_string()),
            "mode" => {
                if have_mode {
                    return Err("duplicate mode".to_string());
                }
                have_mode = true;
                p.mode = match v {
                    "enforce" => Mode::ModeEnforce,
                    "testing" => Mode::ModeTesting,
                    "none" => Mode::ModeNone,
                    _ => return Err(format!("invalid mode {v:?}")),
                };
            }
            "max_age" => {
                if have_max_age {
                    return Err("duplicate max_age".to_string());
                }
                have_max_age = true;
                if v.is_empty() || v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("invalid max_age {v:?}"));
                }
                let n: i64 = v.parse().map_err(|_| format!("invalid max_age {v:?}"))?;
                if n > 31_557_600 {
                    return Err(format!("max_age {n} larger than 31557600"));
                }
                p.max_age_seconds = n as i32;
            }
            "mx" => {
                let (wildcard, name) = match v.strip_prefix("*.") {
                    Some(rest) => (true, rest),
                    None => (false, v),
                };
                let d = parse_domain(name).map_err(|e| format!("invalid mx {v:?}: {e}"))?;
                if d.ascii.is_empty() {
                    return Err("empty mx".to_string());
                }
                p.mx.push(STSMX {
                    wildcard,
                    domain: d.to_api(),
                });
            }
            _ => {
                let key_ok = !k.is_empty()
                    && k.len() <= 32
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                if !key_ok {
                    return Err(format!("invalid key {k:?}"));
                }
                p.extensions.push(Pair {
                    key: k.to_string(),
                    value: v.to_string(),
                });
            }
        }
    }
    if p.version.is_empty() {
        return Err("empty policy".to_string());
    }
    if !have_mode {
        return Err("missing mode".to_string());
    }
    if !have_max_age {
        return Err("missing max_age".to_string());
    }
    if p.mx.is_empty() && p.mode != Mode::ModeNone {
        return Err("missing mx".to_string());
    }
    Ok(p)
}

/// Whether `host` is allowed by the policy's MX patterns (a wildcard matches exactly one
/// leftmost label).
pub fn policy_matches(p: &Policy, host: &Domain) -> bool {
    p.mx.iter().any(|m| {
        if m.wildcard {
            host.ascii
                .split_once('.')
                .is_some_and(|(_, parent)| parent == m.domain.ascii)
        } else {
            host.ascii == m.domain.ascii
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records() {
        let r = parse_record("v=STSv1; id=20240101T000000; ext=x;").unwrap();
        assert_eq!(r.id, "20240101T000000");
        assert_eq!(r.extensions.len(), 1);
        for (bad, want) in [
            ("v=STSv1", "expected semicolon"),
            ("v=STSv1;", "expected at least 1 char"),
            ("v=STSv1; id=", "expected at least 1 char"),
            ("v=STSv1; id=a-b", "leftover characters (remain \"-b\")"),
            (
                "v=STSv2; id=1",
                "expected \"v=STSv1\" (remain \"v=STSv2; id=1\")",
            ),
            ("v=STSv1; id=1; id=2", "leftover characters (remain \"2\")"),
            ("v=STSv1; ext=1", "missing id"),
            ("v=STSv1; =1", "expected at least one char (remain \"=1\")"),
        ] {
            assert_eq!(parse_record(bad).unwrap_err(), want, "{bad}");
        }
    }

    #[test]
    fn policies() {
        let p = parse_policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmx: *.example.net\r\nmax_age: 86400\r\n").unwrap();
        assert_eq!(p.mode, Mode::ModeEnforce);
        assert_eq!(p.max_age_seconds, 86400);
        assert!(policy_matches(
            &p,
            &parse_domain("mail.example.org").unwrap()
        ));
        assert!(policy_matches(
            &p,
            &parse_domain("mx1.example.net").unwrap()
        ));
        assert!(!policy_matches(
            &p,
            &parse_domain("a.b.example.net").unwrap()
        ));
        for bad in [
            "",
            "mode: enforce\nversion: STSv1\n",
            "version: STSv1\nmode: enforce\nmax_age: 10\n",
            "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 10\n",
            "version: STSv1\nmode: none\nmax_age: 99999999999\n",
        ] {
            assert!(parse_policy(bad).is_err(), "{bad:?}");
        }
        assert!(parse_policy("version: STSv1\nmode: none\nmax_age: 10").is_ok());
    }
}
