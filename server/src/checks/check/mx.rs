//! MX: the domain's MX records point at this host.

use super::*;

pub(super) async fn check_mx(c: &Ctx<'_>, r: &mut MXCheckResult) {
    let mxs = match c.r.mx(&format!("{}.", c.d())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors
                .push(format!("Looking up MX records for {}: {e}", c.domain));
            Vec::new()
        }
    };
    r.records = mxs
        .iter()
        .map(|m| api::MX {
            host: m.host.clone(),
            pref: i32::from(m.pref),
            ips: Vec::new(),
        })
        .collect();
    if mxs.len() == 1 && mxs[0].host == "." {
        r.errors.push("MX records consists of explicit null mx record (\".\") indicating that domain does not accept email.".to_string());
        return;
    }
    let lookups = join_all(mxs.iter().map(|m| c.lookup_ips(&m.host))).await;
    for (i, (m, res)) in mxs.iter().zip(lookups).enumerate() {
        match res {
            Err(e) => r
                .errors
                .push(format!("Looking up IPs for mx host {:?}: {e}", m.host)),
            Ok((ips, ours, not)) => {
                r.records[i].ips = strs(&ips);
                if !c.is_unspecified_nat() {
                    if ours.is_empty() {
                        r.errors.push(format!(
                            "None of the IPs that mx {:?} points to is ours: {}",
                            m.host,
                            fmt_ips(&not)
                        ));
                    } else if !not.is_empty() {
                        r.errors.push(format!(
                            "Some of the IPs that mx {:?} points to are not ours: {}",
                            m.host,
                            fmt_ips(&not)
                        ));
                    }
                }
            }
        }
    }
    r.instructions.push(format!(
        "Ensure a DNS MX record like the following exists:\n\n\t{}. MX 10 {}.\n\nWithout the trailing dot, the name would be interpreted as relative to the domain.",
        c.d(),
        c.h()
    ));
}
