//! TLS-RPT: the host's and the domain's TLS reporting records.

use super::*;

pub(super) const TLSRPT_INTRO: &str = include_str!("texts/tlsrpt_intro.txt");

/// The TLSRPT check for the host (`record_name` absolute) or the domain (relative).
pub(super) async fn tlsrpt_check(
    c: &Ctx<'_>,
    r: &mut TLSRPTCheckResult,
    dom: &Domain,
    addr: Option<String>,
    record_name: &str,
    missing: &str,
) {
    let res = crate::checks::tlsrpt_lookup(&c.r, dom).await;
    match &res {
        Ok((rec, txt)) => {
            r.txt = txt.clone();
            r.record = Some(rec.clone());
        }
        Err(e) => r.errors.push(format!("Looking up TLSRPT record: {e}")),
    }
    let mut instr = TLSRPT_INTRO.to_string();
    match addr {
        Some(rua) => {
            let want = TLSRPTRecord {
                version: "TLSRPTv1".to_string(),
                ruas: vec![vec![RUA(rua.clone())]],
                extensions: Vec::new(),
            };
            instr.push_str(&format!(
                "\n\nEnsure a DNS TXT record like the following exists:\n\n\t{record_name} TXT {}\n",
                txt_strings(&records::tlsrpt::record_text(&want))
            ));
            if let Ok((rec, _)) = &res
                && !rec.ruas.iter().flatten().any(|u| u.0 == rua)
            {
                r.errors.push(
                    "Configured reporting address is not present in TLSRPT record.".to_string(),
                );
            }
        }
        None => r.errors.push(missing.to_string()),
    }
    r.instructions.push(instr);
}

pub(super) const TLSRPT_ESCAPES: &[(char, &str)] = &[(',', "%2C"), ('!', "%21"), (';', "%3B")];

pub(super) async fn check_host_tlsrpt(c: &Ctx<'_>, r: &mut TLSRPTCheckResult) {
    let lp = &c.st.host_tlsrpt.localpart;
    let addr = (!lp.is_empty()).then(|| mailto(lp, &c.hostname, TLSRPT_ESCAPES));
    let name = format!("_smtp._tls.{}.", c.h());
    tlsrpt_check(
        c,
        r,
        &c.hostname,
        addr,
        &name,
        "Configure a host TLSRPT localpart in static mox.conf config file.",
    )
    .await;
}

pub(super) async fn check_domain_tlsrpt(c: &Ctx<'_>, r: &mut TLSRPTCheckResult) {
    let addr = c.dc.tlsrpt.as_ref().map(|t| {
        mailto(
            &t.localpart,
            &dest_domain(&t.domain, &c.domain),
            TLSRPT_ESCAPES,
        )
    });
    tlsrpt_check(
        c,
        r,
        &c.domain,
        addr,
        "_smtp._tls",
        "Configure a domain TLSRPT destination in domains.conf config file.",
    )
    .await;
}
