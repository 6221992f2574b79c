//! SPF: the domain's and the host's SPF records, evaluated for our IPs.

use super::*;

/// mox's `spf.Lookup`: the single `v=spf1` TXT record at the name.
pub(super) async fn spf_lookup(
    rs: &Resolver,
    d: &Domain,
) -> (String, Option<SPFRecord>, Option<String>) {
    let txts = match rs.txt(&format!("{}.", d.ascii)).await {
        Ok(a) => a.records,
        // mox names the name looked up (absolute) when it does not exist at all.
        Err(e) if e.is_not_found() => {
            return (
                String::new(),
                None,
                Some(format!("spf: no txt record for {}.", d.ascii)),
            );
        }
        Err(e) => {
            return (
                String::new(),
                None,
                Some(format!("spf: lookup of dns record: {e}")),
            );
        }
    };
    let l: Vec<&String> = txts.iter().filter(|t| records::spf::is_spf(t)).collect();
    match l.as_slice() {
        [] => (String::new(), None, Some("spf: no txt record".to_string())),
        [one] => match records::spf::parse(one) {
            Ok(rec) => ((*one).clone(), Some(rec), None),
            Err(e) => (
                (*one).clone(),
                None,
                Some(format!("spf: malformed spf txt record: {e}")),
            ),
        },
        _ => (
            String::new(),
            None,
            Some("spf: multiple spf txt records in dns".to_string()),
        ),
    }
}

pub(super) fn spf_result_text(r: mail_auth::SpfResult) -> &'static str {
    use mail_auth::SpfResult::*;
    match r {
        Pass => "pass",
        Fail => "fail",
        SoftFail => "softfail",
        Neutral => "neutral",
        TempError => "temperror",
        PermError => "permerror",
        None => "none",
    }
}

pub(super) async fn check_spf(c: &Ctx<'_>, r: &mut SPFCheckResult) {
    // Expected sender IPs: SMTP listeners' NATIPs or IPs, plus SOCKS transports' IPs.
    let mut ips: Vec<IpAddr> = Vec::new();
    let mut unspecified = false;
    for l in
        c.st.listeners
            .values()
            .filter(|l| l.smtp.enabled && !l.ips_nated)
    {
        let list = if l.nat_ips.is_empty() {
            &l.ips
        } else {
            &l.nat_ips
        };
        for s in list {
            match s.parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => unspecified = true,
                Ok(ip) if !ips.contains(&ip) => ips.push(ip),
                _ => {}
            }
        }
    }
    for t in c.st.transports.values() {
        if let Some(s) = &t.socks {
            for ip in s.remote_ips.iter().filter_map(|i| i.parse::<IpAddr>().ok()) {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
        }
    }
    let verify = |kind: &'static str, d: Domain| {
        let ips = ips.clone();
        async move {
            let (txt, record, err) = spf_lookup(&c.r, &d).await;
            let mut errors = Vec::new();
            if let Some(e) = err {
                errors.push(format!("Looking up {kind} SPF record: {e}"));
            }
            if record.is_some() {
                let sender = format!("postmaster@{}", d.ascii);
                for ip in &ips {
                    let out =
                        c.r.spf
                            .verify_spf(mail_auth::spf::verify::SpfParameters::verify_mail_from(
                                *ip,
                                &d.ascii,
                                "localhost",
                                &sender,
                            ))
                            .await;
                    let status = spf_result_text(out.result());
                    if status != "pass" {
                        errors.push(format!(
                            "IP \"{ip}\" does not pass {kind} SPF evaluation, status not \"pass\" but \"{status}\" (explanation \"{}\")",
                            out.explanation().unwrap_or("")
                        ));
                    }
                }
            }
            (txt, record, errors)
        }
    };
    let ((dtxt, drec, derr), (htxt, hrec, herr)) = tokio::join!(
        verify("domain", c.domain.clone()),
        verify("host", c.hostname.clone())
    );
    r.domain_txt = dtxt;
    r.domain_record = drec;
    r.host_txt = htxt;
    r.host_record = hrec;
    r.errors.extend(derr);
    r.errors.extend(herr);

    let mut want = SPFRecord {
        version: "spf1".to_string(),
        ..SPFRecord::default()
    };
    for ip in &ips {
        want.directives.push(Directive {
            mechanism: if ip.is_ipv4() { "ip4" } else { "ip6" }.to_string(),
            i_pstr: ip.to_string(),
            ..Directive::default()
        });
    }
    if unspecified {
        want.directives.push(Directive {
            mechanism: "mx".to_string(),
            ..Directive::default()
        });
    }
    want.directives.push(Directive {
        qualifier: "-".to_string(),
        mechanism: "all".to_string(),
        ..Directive::default()
    });
    let domainspf = format!(
        "{}. TXT {}",
        c.d(),
        txt_strings(&records::spf::record_text(&want))
    );
    let hostspf = format!("{}. TXT \"v=spf1 a -all\"", c.h());
    r.instructions.push(format!("Ensure DNS TXT records like the following exists:\n\n\t{domainspf}\n\t{hostspf}\n\nIf you have an existing mail setup, with other hosts also sending mail for you domain, you should add those IPs as well. You could replace \"-all\" with \"~all\" to treat mail sent from unlisted IPs as \"softfail\", or with \"?all\" for \"neutral\"."));
}
