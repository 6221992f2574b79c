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

fn policy(v: &str) -> Option<DMARCPolicy> {
    match v.to_ascii_lowercase().as_str() {
        "none" => Some(DMARCPolicy::PolicyNone),
        "quarantine" => Some(DMARCPolicy::PolicyQuarantine),
        "reject" => Some(DMARCPolicy::PolicyReject),
        _ => None,
    }
}

fn align(v: &str) -> Option<Align> {
    match v.to_ascii_lowercase().as_str() {
        "r" => Some(Align::AlignRelaxed),
        "s" => Some(Align::AlignStrict),
        _ => None,
    }
}

/// Parses `uri[!size[unit]]`, comma-separated.
fn uris(v: &str) -> Result<Vec<URI>, String> {
    let mut out = Vec::new();
    for u in v.split(',') {
        let u = u.trim();
        if u.is_empty() {
            return Err("empty uri".to_string());
        }
        let (addr, size) = match u.rsplit_once('!') {
            Some((a, s)) => (a, Some(s)),
            None => (u, None),
        };
        let scheme_ok = addr.split_once(':').is_some_and(|(s, rest)| {
            !s.is_empty()
                && !rest.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if !scheme_ok {
            return Err(format!("invalid uri {addr:?}"));
        }
        let mut uri = URI {
            address: addr.to_string(),
            ..URI::default()
        };
        if let Some(s) = size {
            let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            let unit = &s[digits.len()..];
            if digits.is_empty()
                || !matches!(
                    unit.to_ascii_lowercase().as_str(),
                    "" | "k" | "m" | "g" | "t"
                )
            {
                return Err(format!("invalid size {s:?} in uri"));
            }
            uri.max_size = digits
                .parse()
                .map_err(|_| format!("invalid size {s:?} in uri"))?;
            uri.unit = unit.to_ascii_lowercase();
        }
        out.push(uri);
    }
    Ok(out)
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

/// Parses a DMARC record.
pub fn parse(txt: &str) -> Parsed {
    let mut parts = txt
        .split(';')
        .map(|p| p.trim_matches(|c: char| c == ' ' || c == '\t'));
    match parts.next().and_then(|p| p.split_once('=')) {
        Some((k, v)) if k.trim_end() == "v" && v.trim_start() == "DMARC1" => {}
        _ => return Parsed::NotDmarc,
    }
    let mut r = default_record();
    let mut seen: Vec<String> = Vec::new();
    let mut have_p = false;
    for (i, part) in parts.enumerate() {
        if part.is_empty() {
            continue;
        }
        let Some((k, v)) = part.split_once('=') else {
            return Parsed::Bad(format!("missing \"=\" in {part:?}"));
        };
        let (k, v) = (k.trim_end().to_ascii_lowercase(), v.trim_start());
        if seen.contains(&k) {
            return Parsed::Bad(format!("duplicate tag {k:?}"));
        }
        seen.push(k.clone());
        let bad = |what: &str| Parsed::Bad(format!("invalid {what} {v:?}"));
        match k.as_str() {
            "p" => {
                if i != 0 {
                    return Parsed::Bad("p= must follow v=".to_string());
                }
                match policy(v) {
                    Some(p) => r.policy = p,
                    None => return bad("policy"),
                }
                have_p = true;
            }
            "sp" => match policy(v) {
                Some(p) => r.subdomain_policy = p,
                None => return bad("subdomain policy"),
            },
            "rua" => match uris(v) {
                Ok(u) => r.aggregate_report_addresses = u,
                Err(e) => return Parsed::Bad(format!("rua: {e}")),
            },
            "ruf" => match uris(v) {
                Ok(u) => r.failure_report_addresses = u,
                Err(e) => return Parsed::Bad(format!("ruf: {e}")),
            },
            "adkim" => match align(v) {
                Some(a) => r.adkim = a,
                None => return bad("adkim"),
            },
            "aspf" => match align(v) {
                Some(a) => r.aspf = a,
                None => return bad("aspf"),
            },
            "ri" => match v.parse::<i32>() {
                Ok(n) if n >= 0 => r.aggregate_reporting_interval = n,
                _ => return bad("ri"),
            },
            "fo" => {
                let l: Vec<String> = v.split(':').map(|s| s.trim().to_string()).collect();
                if l.iter()
                    .any(|o| !matches!(o.as_str(), "0" | "1" | "d" | "s"))
                {
                    return bad("fo");
                }
                r.failure_reporting_options = l;
            }
            "rf" => {
                let l: Vec<String> = v.split(':').map(|s| s.trim().to_string()).collect();
                if l.iter().any(|s| s.is_empty()) {
                    return bad("rf");
                }
                r.reporting_format = l;
            }
            "pct" => match v.parse::<i32>() {
                Ok(n) if (0..=100).contains(&n) => r.percentage = n,
                _ => return bad("pct"),
            },
            _ => {}
        }
    }
    if !have_p {
        return Parsed::Bad("missing required tag \"p\"".to_string());
    }
    Parsed::Ok(r)
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
    fn rejects() {
        assert!(matches!(parse("v=spf1"), Parsed::NotDmarc));
        assert!(matches!(parse("v=DMARC1; p=maybe"), Parsed::Bad(_)));
        assert!(matches!(
            parse("v=DMARC1; rua=mailto:a@b; p=none"),
            Parsed::Bad(_)
        ));
        assert!(matches!(parse("v=DMARC1;"), Parsed::Bad(_)));
        assert!(matches!(parse("v=DMARC1; p=none; pct=101"), Parsed::Bad(_)));
        assert!(matches!(
            parse("v=DMARC1; p=none; rua=nonsense"),
            Parsed::Bad(_)
        ));
        assert!(matches!(parse("v=DMARC1; p=none; p=none"), Parsed::Bad(_)));
    }
}
