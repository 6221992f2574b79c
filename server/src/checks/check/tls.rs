//! TLS: the SMTP listeners' STARTTLS certificates.

use super::*;

pub(super) async fn check_tls(c: &Ctx<'_>, r: &mut TLSCheckResult) {
    // Lookup errors are reported by the MX check.
    let Ok(a) = c.r.mx(&format!("{}.", c.d())).await else {
        return;
    };
    let mxs = a.records;
    if mxs.len() == 1 && mxs[0].host == "." {
        return;
    }
    let mut targets = Vec::new();
    for m in &mxs {
        if let Ok(ips) = c.r.ips(&m.host).await {
            for ip in ips.records {
                targets.push((m.host.clone(), ip));
            }
        }
    }
    let results = join_all(targets.iter().map(|(h, ip)| {
        net::smtp_starttls(c.tls.clone(), h, *ip, c.eff.smtp_port, c.eff.dial_timeout)
    }))
    .await;
    for ((h, ip), res) in targets.iter().zip(results) {
        if let Err(e) = res {
            r.errors.push(format!(
                "SMTP connection with STARTTLS to MX hostname {h:?} IP {ip}: {e}"
            ));
        }
    }
}
