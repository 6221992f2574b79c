//! MTA-STS: the record, the served policy and their agreement with the configuration.

use super::*;

pub(super) const MTASTS_INTRO: &str = include_str!("texts/mtasts_intro.txt");

pub(super) const MTASTS_ENABLE: &str = include_str!("texts/mtasts_enable.txt");

/// mox's `mtasts.LookupRecord`.
pub(super) async fn mtasts_record(
    rs: &Resolver,
    d: &Domain,
) -> Result<(MTASTSRecord, String), String> {
    let txts = match rs.txt(&format!("_mta-sts.{}.", d.ascii)).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => return Err("mtasts: no mta-sts dns txt record".to_string()),
        Err(e) => return Err(format!("mtasts: dns lookup: {e}")),
    };
    let l: Vec<&String> = txts
        .iter()
        .filter(|t| records::mtasts::is_mtasts(t))
        .collect();
    match l.as_slice() {
        [] => Err("mtasts: no mta-sts dns txt record".to_string()),
        [one] => records::mtasts::parse_record(one)
            .map(|r| (r, (*one).clone()))
            .map_err(|e| format!("mtasts: record syntax error: {e}")),
        _ => Err("mtasts: multiple mta-sts records".to_string()),
    }
}

/// mox's `mtasts.FetchPolicy`, over our resolver and the configured HTTPS port.
pub(super) async fn mtasts_policy(c: &Ctx<'_>) -> (Option<Policy>, String, Option<String>) {
    let host = format!("mta-sts.{}", c.d());
    let url = format!("https://{host}/.well-known/mta-sts.txt");
    let ips = match c.r.ips(&format!("{host}.")).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => {
            return (
                None,
                String::new(),
                Some("mtasts: no policy served".to_string()),
            );
        }
        Err(e) => {
            return (
                None,
                String::new(),
                Some(format!(
                    "mtasts: cannot fetch policy: http get: Get {url:?}: dial tcp: {e}"
                )),
            );
        }
    };
    let timeout = c.eff.dial_timeout.max(Duration::from_secs(1));
    match net::https_get(
        c.tls.clone(),
        &host,
        &ips,
        c.eff.https_port,
        "/.well-known/mta-sts.txt",
        64 * 1024,
        timeout,
    )
    .await
    {
        Err(net::FetchError::NoPolicy) => (
            None,
            String::new(),
            Some("mtasts: no policy served".to_string()),
        ),
        Err(net::FetchError::Fetch(e)) => (
            None,
            String::new(),
            Some(format!("mtasts: cannot fetch policy: {e}")),
        ),
        Ok(text) => match records::mtasts::parse_policy(&text) {
            Ok(p) => (Some(p), text, None),
            Err(e) => (
                None,
                text,
                Some(format!("parsing policy: mtasts: policy syntax error: {e}")),
            ),
        },
    }
}

pub(super) async fn check_mtasts(c: &Ctx<'_>, r: &mut MTASTSCheckResult) {
    let (rec, (policy, text, perr)) =
        tokio::join!(mtasts_record(&c.r, &c.domain), mtasts_policy(c));
    let configured_id = c.dc.mtasts.as_ref().map(|m| m.policy_id.clone());
    match rec {
        Ok((rec, txt)) => {
            r.txt = txt;
            if let Some(id) = &configured_id
                && !id.is_empty()
                && rec.id != *id
            {
                r.warnings.push(format!("MTA-STS record ID {:?} does not match the configured policy ID {id:?}: remote servers do not fetch the current policy until the record is updated.", rec.id));
            }
            r.record = Some(rec);
        }
        Err(e) => r.errors.push(format!("Looking up MTA-STS record: {e}")),
    }
    match (&perr, &policy) {
        (Some(e), _) => r.errors.push(format!("Fetching MTA-STS policy: {e}")),
        (None, Some(p)) if p.mode == Mode::ModeNone => r.warnings.push("MTA-STS policy is present, but does not require TLS.".to_string()),
        (None, Some(p)) if p.mode == Mode::ModeTesting => r.warnings.push("MTA-STS policy is in testing mode, do not forget to change to mode enforce after testing period.".to_string()),
        _ => {}
    }
    r.policy_text = text;
    if let Some(p) = &policy
        && p.mode != Mode::ModeNone
    {
        if !records::mtasts::policy_matches(p, &c.hostname) {
            r.warnings
                .push("Configured hostname is missing from policy MX list.".to_string());
        }
        if p.max_age_seconds <= 24 * 3600 {
            r.warnings.push("Policy has a MaxAge of less than 1 day. For stable configurations, the recommended period is in weeks.".to_string());
        }
        let mxl =
            c.r.mx(&format!("{}.", c.d()))
                .await
                .map(|a| a.records)
                .unwrap_or_default();
        let mut mxs: Vec<Domain> = Vec::new();
        for m in &mxl {
            match parse_domain(m.host.trim_end_matches('.')) {
                Ok(d) => {
                    if !mxs.contains(&d) {
                        mxs.push(d);
                    }
                }
                Err(e) => r
                    .warnings
                    .push(format!("MX record {:?} is invalid: {e}", m.host)),
            }
        }
        for m in &mxs {
            if !records::mtasts::policy_matches(p, m) {
                r.warnings.push(format!(
                    "MX record {:?} does not match MTA-STS policy MX list.",
                    m.name()
                ));
            }
        }
        for m in p.mx.iter().filter(|m| !m.wildcard) {
            if !mxs.iter().any(|d| d.ascii == m.domain.ascii) {
                let name = if m.domain.unicode.is_empty() {
                    &m.domain.ascii
                } else {
                    &m.domain.unicode
                };
                r.warnings.push(format!(
                    "MX {name:?} in MTA-STS policy is not in MX record."
                ));
            }
        }
    }
    r.policy = policy;
    r.instructions.push(MTASTS_INTRO.to_string());
    r.instructions.push(MTASTS_ENABLE.to_string());
    r.instructions.push(format!(
        "Ensure DNS CNAME/A/AAAA records exist that resolves mta-sts.{} to this mail server. For example:\n\n\tmta-sts.{}. CNAME {}.\n\n",
        c.d(),
        c.d(),
        c.h()
    ));
    let id = configured_id
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| chrono::Local::now().format("%Y%m%dT%H%M%S").to_string());
    r.instructions.push(format!("Ensure a DNS TXT record like the following exists:\n\n\t_mta-sts TXT {}\n\nConfigure the ID in the configuration file, it must be of the form [a-zA-Z0-9]{{1,31}}. It represents the version of the policy. For each policy change, you must change the ID to a new unique value. You could use a timestamp like 20220621T123000. When this field exists, an SMTP server will fetch a policy at https://mta-sts.{}/.well-known/mta-sts.txt. This policy is served by mox.", txt_strings(&records::mtasts::record_text(&id)), c.domain.name()));
}
