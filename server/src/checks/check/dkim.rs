//! DKIM: the selectors' records match the configured keys.

use super::*;

/// mox's `dkim.Lookup` for one selector: (txt, record) or (txt, error kind + text).
pub(super) enum DkimLookup {
    Found(String, Record),
    NotFound,
    Syntax(String, String),
    Failed(String),
}

pub(super) async fn dkim_lookup(rs: &Resolver, sel: &str, d: &Domain) -> DkimLookup {
    let name = format!("{sel}._domainkey.{}.", d.ascii);
    let txts = match rs.txt(&name).await {
        Ok(a) => a.records,
        Err(e) if e.is_not_found() => return DkimLookup::NotFound,
        Err(e) => return DkimLookup::Failed(format!("dkim: lookup of dkim dns record: {e}")),
    };
    let mut found: Option<(String, Record)> = None;
    let mut last_err: Option<String> = None;
    for t in txts {
        match records::dkim::parse(&t) {
            records::dkim::Parsed::Bad(e) => {
                return DkimLookup::Syntax(
                    t,
                    format!("dkim: syntax error in dkim dns record: {e}"),
                );
            }
            records::dkim::Parsed::NotDkim(e) => {
                last_err = Some(format!(
                    "dkim: syntax error in dkim dns record: not a dkim record: {e}"
                ))
            }
            records::dkim::Parsed::Ok(rec) => {
                if found.is_some() {
                    return DkimLookup::Failed(
                        "dkim: multiple dkim dns record for selector and domain".to_string(),
                    );
                }
                found = Some((t, rec));
            }
        }
    }
    match (found, last_err) {
        (Some((t, rec)), _) => DkimLookup::Found(t, rec),
        (None, Some(e)) => DkimLookup::Failed(e),
        (None, None) => DkimLookup::NotFound,
    }
}

pub(super) async fn check_dkim(c: &Ctx<'_>, r: &mut DKIMCheckResult) {
    let sels: Vec<&String> = c.dc.dkim.selectors.keys().collect();
    let lookups = join_all(sels.iter().map(|s| dkim_lookup(&c.r, s, &c.domain))).await;
    let mut missing: Vec<&str> = Vec::new();
    let mut have_ed25519 = false;
    for (sel, l) in sels.iter().zip(lookups) {
        let key = match c.dkim_keys.get(*sel) {
            Some(Ok(k)) => Some(k),
            Some(Err(e)) => {
                r.errors
                    .push(format!("Loading private key for selector {sel:?}: {e}"));
                None
            }
            None => None,
        };
        if key.is_some_and(|k| k.ed25519) {
            have_ed25519 = true;
        }
        match l {
            DkimLookup::NotFound => {
                missing.push(sel);
                r.errors
                    .push(format!("No DKIM DNS record for selector {sel:?}."));
            }
            DkimLookup::Syntax(txt, e) => {
                missing.push(sel);
                r.errors
                    .push(format!("Parsing DKIM DNS record for selector {sel:?}: {e}"));
                r.records.push(DKIMRecord {
                    selector: sel.to_string(),
                    txt,
                    record: None,
                });
            }
            DkimLookup::Failed(e) => {
                missing.push(sel);
                r.errors
                    .push(format!("Fetching DKIM record for selector {sel:?}: {e}"));
            }
            DkimLookup::Found(txt, rec) => {
                if let Some(k) = key
                    && rec.pubkey.0 != k.public
                {
                    r.errors.push(format!("For selector {sel:?}, the public key in DKIM DNS TXT record does not match with configured private key."));
                    missing.push(sel);
                }
                r.records.push(DKIMRecord {
                    selector: sel.to_string(),
                    txt,
                    record: Some(rec),
                });
            }
        }
    }
    if sels.is_empty() {
        r.errors.push("No DKIM configuration, add a key to the configuration file, and instructions for DNS records will appear here.".to_string());
    } else if !have_ed25519 {
        r.warnings.push("Consider adding an ed25519 key: the keys are smaller, the cryptography faster and more modern.".to_string());
    }
    let mut instr = String::new();
    for sel in missing {
        if let Some(Ok(k)) = c.dkim_keys.get(sel) {
            instr.push_str(&format!(
                "\n\t{sel}._domainkey TXT {}\n",
                txt_strings(&records::dkim::record_text(k.ed25519, &k.public))
            ));
        }
    }
    if !instr.is_empty() {
        r.instructions.push(format!("Ensure the following DNS record(s) exists, so mail servers receiving emails from this domain can verify the signatures in the mail headers:\n{instr}"));
    }
}
