//! DANE: TLSA records for the MX hosts matching our host keys.

use super::*;

/// The expected TLSA records of a listener, or an error message.
pub(super) fn dane_records(c: &Ctx<'_>, listener: &str) -> Result<BTreeSet<String>, String> {
    let Some(l) = c.st.listeners.get(listener) else {
        return Ok(BTreeSet::new());
    };
    if !l.tls {
        return Ok(BTreeSet::new());
    }
    Ok(load_host_keys(c.st, listener)?
        .iter()
        .map(HostKey::tlsa)
        .collect())
}

pub(super) async fn check_dane(c: &Ctx<'_>, r: &mut DANECheckResult) {
    match c.r.mx(&format!("{}.", c.d())).await {
        Err(e) => r.errors.push(format!(
            "Looking up MX hosts to check for DANE records: {e}"
        )),
        Ok(a) => {
            if !a.authentic {
                r.warnings
                    .push("DANE is inactive because MX records are not DNSSEC-signed.".to_string());
            }
            for m in a.records.iter().filter(|m| m.host != ".") {
                let host = m.host.trim_end_matches('.');
                let listener = c
                    .st
                    .listeners
                    .iter()
                    .find(|(_, l)| {
                        !l.hostname.is_empty()
                            && parse_domain(&l.hostname).is_ok_and(|d| d.ascii == host)
                    })
                    .map(|(n, _)| n.clone())
                    .or_else(|| {
                        let public = c.st.listeners.get("public")?;
                        (c.h() == host && public.hostname.is_empty()).then(|| "public".to_string())
                    });
                let mut expect = match listener {
                    Some(l) => match dane_records(c, &l) {
                        Ok(s) => s,
                        Err(e) => {
                            r.errors.push(format!(
                                "Loading host keys for DANE records of listener {l}: {e}"
                            ));
                            BTreeSet::new()
                        }
                    },
                    None => BTreeSet::new(),
                };
                let tlsa = match c.r.tlsa(&format!("_25._tcp.{host}.")).await {
                    Err(e) if e.is_not_found() => {
                        if !expect.is_empty() {
                            let l: Vec<String> = expect.into_iter().collect();
                            r.errors.push(format!(
                                "No DANE records for MX host {host}, expected: {}.",
                                l.join("; ")
                            ));
                        }
                        continue;
                    }
                    Err(e) => {
                        r.errors
                            .push(format!("Looking up DANE records for MX host {host}: {e}"));
                        continue;
                    }
                    Ok(t) => t,
                };
                if !tlsa.authentic && !tlsa.records.is_empty() {
                    r.errors.push(format!(
                        "DANE records exist for MX host {host}, but are not DNSSEC-signed."
                    ));
                }
                let mut extra = BTreeSet::new();
                for t in &tlsa.records {
                    let s = t.record();
                    if !expect.remove(&s) {
                        extra.insert(s);
                    }
                }
                if !expect.is_empty() {
                    let l: Vec<String> = expect.into_iter().collect();
                    r.errors.push(format!(
                        "Missing DANE records of type TLSA for MX host _25._tcp.{host}: {}",
                        l.join("; ")
                    ));
                }
                if !extra.is_empty() {
                    let l: Vec<String> = extra.into_iter().collect();
                    r.errors.push(format!(
                        "Unexpected DANE records of type TLSA for MX host _25._tcp.{host}: {}",
                        l.join("; ")
                    ));
                }
            }
        }
    }
    let public_host = match c.st.listeners.get("public") {
        Some(l) if !l.hostname.is_empty() => parse_domain(&l.hostname).unwrap_or_default().ascii,
        _ => c.h().to_string(),
    };
    match dane_records(c, "public") {
        Ok(recs) if !recs.is_empty() => {
            let mut instr = "Ensure the DNS records below exist. These records are for the whole machine, not per domain, so create them only once. Make sure DNSSEC is enabled, otherwise the records have no effect. The records indicate that a remote mail server trying to deliver email with SMTP (TCP port 25) must verify the TLS certificate with DANE-EE (3), based on the certificate public key (\"SPKI\", 1) that is SHA2-256-hashed (1) to the hexadecimal hash. DANE-EE verification means only the certificate or public key is verified, not whether the certificate is signed by a (centralized) certificate authority (CA), is expired, or matches the host name.\n\n".to_string();
            for rec in recs {
                instr.push_str(&format!("\t_25._tcp.{public_host}. TLSA {rec}\n"));
            }
            r.instructions.push(instr);
        }
        Ok(_) => {}
        Err(e) => r.errors.push(format!(
            "Loading host keys for DANE records of listener public: {e}"
        )),
    }
}
