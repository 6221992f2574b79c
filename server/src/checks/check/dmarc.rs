//! DMARC: the policy record of the domain (or its organizational domain) and its reporting addresses.

use super::*;

/// The organizational domain (public suffix list), as mox's `publicsuffix.Lookup`.
pub fn org_domain(d: &Domain) -> Domain {
    match psl::domain_str(&d.ascii) {
        Some(s) => parse_domain(s).unwrap_or_else(|_| d.clone()),
        None => d.clone(),
    }
}

/// mox's `dmarc.Lookup`: `_dmarc.<d>.`, then the organizational domain.
pub(super) async fn dmarc_lookup(
    rs: &Resolver,
    d: &Domain,
) -> (Domain, String, Option<DMARCRecord>, Option<String>) {
    async fn one(rs: &Resolver, d: &Domain) -> (bool, String, Option<DMARCRecord>, Option<String>) {
        let txts = match rs.txt(&format!("_dmarc.{}.", d.ascii)).await {
            Ok(a) => a.records,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => {
                return (
                    true,
                    String::new(),
                    None,
                    Some(format!("dmarc: dns lookup: {e}")),
                );
            }
        };
        let mut found: Option<(String, DMARCRecord)> = None;
        for t in txts {
            match records::dmarc::parse(&t) {
                records::dmarc::Parsed::NotDmarc => {}
                records::dmarc::Parsed::Bad(e) => {
                    return (
                        true,
                        t,
                        None,
                        Some(format!("dmarc: malformed dmarc dns record: {e}")),
                    );
                }
                records::dmarc::Parsed::Ok(rec) => {
                    if found.is_some() {
                        return (
                            true,
                            String::new(),
                            None,
                            Some("dmarc: multiple dmarc dns records".to_string()),
                        );
                    }
                    found = Some((t, rec));
                }
            }
        }
        match found {
            Some((t, rec)) => (true, t, Some(rec), None),
            None => (
                false,
                String::new(),
                None,
                Some("dmarc: no dmarc dns record".to_string()),
            ),
        }
    }
    let (done, txt, rec, err) = one(rs, d).await;
    if done {
        return (d.clone(), txt, rec, err);
    }
    let org = org_domain(d);
    if &org == d {
        return (d.clone(), txt, rec, err);
    }
    let (_, txt, rec, err) = one(rs, &org).await;
    (org, txt, rec, err)
}

/// `mailto:<lp>@<ascii>` with the characters that DMARC/TLSRPT URIs cannot hold escaped.
pub(super) fn mailto(lp: &str, d: &Domain, escape: &[(char, &str)]) -> String {
    let mut addr = format!("{}@{}", crate::dns::localpart_string(lp), d.ascii);
    for (c, e) in escape {
        addr = addr.replace(*c, e);
    }
    format!("mailto:{addr}")
}

/// The configured DMARC destination domain (empty means the domain itself).
pub(super) fn dest_domain(dest: &str, d: &Domain) -> Domain {
    if dest.is_empty() {
        d.clone()
    } else {
        parse_domain(dest).unwrap_or_else(|_| d.clone())
    }
}

pub(super) async fn check_dmarc(c: &Ctx<'_>, r: &mut DMARCCheckResult) {
    let (dom, txt, rec, err) = dmarc_lookup(&c.r, &c.domain).await;
    if let Some(e) = &err {
        r.errors.push(format!("Looking up DMARC record: {e}"));
    }
    r.domain = dom.name().to_string();
    r.txt = txt;
    if let Some(rec) = &rec {
        if rec.policy == DMARCPolicy::PolicyNone {
            r.warnings.push("DMARC policy is in test mode (p=none), do not forget to change to p=reject or p=quarantine after test period has been completed.".to_string());
        }
        if rec.subdomain_policy == DMARCPolicy::PolicyNone {
            r.warnings.push("DMARC subdomain policy is in test mode (sp=none), do not forget to change to sp=reject or sp=quarantine after test period has been completed.".to_string());
        }
        if rec.aggregate_report_addresses.is_empty() {
            r.warnings.push("It is recommended you specify you would like aggregate reports about delivery success in the DMARC record, see instructions.".to_string());
        }
    }
    let mut want = "v=DMARC1;p=reject".to_string();
    let mut ext_instr = None;
    match &c.dc.dmarc {
        Some(dest) => {
            let dd = dest_domain(&dest.domain, &c.domain);
            let org = org_domain(&c.domain);
            let dest_org = org_domain(&dd);
            if org != dest_org {
                let name = format!("{}._report._dmarc.{}.", org.ascii, dd.ascii);
                match c.r.txt(&name).await {
                    Ok(a) => {
                        if !a.records.iter().any(|t| t.starts_with("v=DMARC1")) {
                            r.errors.push("External destination does not accept reports (dmarc: no dmarc dns record)".to_string());
                        }
                    }
                    Err(e) if e.is_not_found() => r.errors.push(
                        "External destination does not accept reports (dmarc: no dmarc dns record)"
                            .to_string(),
                    ),
                    Err(e) => r.errors.push(format!(
                        "Checking if external destination accepts reports: dmarc: dns lookup: {e}"
                    )),
                }
                ext_instr = Some(format!(
                    "Ensure a DNS TXT record exists in the domain of the destination address to opt-in to receiving reports from this domain:\n\n\t{}._report._dmarc.{}. TXT \"v=DMARC1;\"\n\n",
                    org.ascii, dd.ascii
                ));
            }
            let uri = mailto(&dest.localpart, &dd, &[]);
            want.push_str(&format!(
                ";rua={}!10m",
                uri.replace(',', "%2C").replace('!', "%21")
            ));
            if let Some(rec) = &rec
                && !rec
                    .aggregate_report_addresses
                    .iter()
                    .any(|a| a.address == uri)
            {
                r.errors.push(
                    "Configured DMARC reporting address is not present in record.".to_string(),
                );
            }
        }
        None => r
            .instructions
            .push("Configure a DMARC destination in domain in config file.".to_string()),
    }
    r.record = rec;
    r.instructions.push(format!("Ensure a DNS TXT record like the following exists:\n\n\t_dmarc TXT {}\n\nYou can start with testing mode by replacing p=reject with p=none. You can also request for the policy to be applied to a percentage of emails instead of all, by adding pct=X, with X between 0 and 100. Keep in mind that receiving mail servers will apply some anti-spam assessment regardless of the policy and whether it is applied to the message. The rua= part requests daily aggregate reports to be sent to the specified address, which is automatically configured and reports automatically analyzed.", txt_strings(&want)));
    if let Some(i) = ext_instr {
        r.instructions.push(i);
    }
}
