//! Autoconfig and Autodiscover: the client set-up hosts, their addresses and TLS.

use super::*;

pub(super) async fn check_tls_hosts(
    c: &Ctx<'_>,
    errors: &mut Vec<String>,
    host: &str,
    ips: &[IpAddr],
) {
    let res = join_all(ips.iter().map(|ip| {
        net::tls_connect(
            c.tls.clone(),
            host,
            *ip,
            c.eff.https_port,
            c.eff.dial_timeout,
        )
    }))
    .await;
    for (ip, r) in ips.iter().zip(res) {
        if let Err(e) = r {
            errors.push(format!(
                "TLS connection to hostname {host:?}, IP {:?}: {e}",
                ip.to_string()
            ));
        }
    }
}

pub(super) async fn check_autoconf(c: &Ctx<'_>, r: &mut AutoconfCheckResult) {
    if !c.dc.client_settings_domain.is_empty() {
        let csd = parse_domain(&c.dc.client_settings_domain).unwrap_or_default();
        r.instructions.push(format!("Ensure a DNS CNAME record like the following exists:\n\n\t{}. CNAME {}.\n\nNote: the trailing dot is relevant, it makes the host name absolute instead of relative to the domain name.", csd.ascii, c.h()));
        match c.lookup_ips(&format!("{}.", csd.ascii)).await {
            Err(e) => r
                .errors
                .push(format!("Looking up client settings DNS CNAME: {e}")),
            Ok((ips, ours, not)) => {
                r.client_settings_domain_ips = strs(&ips);
                if !c.is_unspecified_nat() {
                    if ours.is_empty() {
                        r.errors.push(
                            "Client settings domain does not point to one of our IPs.".to_string(),
                        );
                    } else if !not.is_empty() {
                        r.errors.push(format!(
                            "Client settings domain points to some IPs that are not ours: {}",
                            fmt_ips(&not)
                        ));
                    }
                }
            }
        }
    }
    r.instructions.push(format!("Ensure a DNS CNAME record like the following exists:\n\n\tautoconfig.{}. CNAME {}.\n\nNote: the trailing dot is relevant, it makes the host name absolute instead of relative to the domain name.", c.d(), c.h()));
    let host = format!("autoconfig.{}", c.d());
    let (ips, ours, not) = match c.lookup_ips(&format!("{host}.")).await {
        Ok(x) => x,
        Err(e) => {
            r.errors.push(format!("Looking up autoconfig host: {e}"));
            return;
        }
    };
    r.ips = strs(&ips);
    if !c.is_unspecified_nat() {
        if ours.is_empty() {
            r.errors
                .push("Autoconfig does not point to one of our IPs.".to_string());
        } else if !not.is_empty() {
            r.errors.push(format!(
                "Autoconfig points to some IPs that are not ours: {}",
                fmt_ips(&not)
            ));
        }
    }
    check_tls_hosts(c, &mut r.errors, &host, &ips).await;
}

pub(super) async fn check_autodiscover(c: &Ctx<'_>, r: &mut AutodiscoverCheckResult) {
    r.instructions.push(format!("Ensure DNS records like the following exist:\n\n\t_autodiscover._tcp.{}. SRV 0 1 443 {}.\n\tautoconfig.{}. CNAME {}.\n\nNote: the trailing dots are relevant, it makes the host names absolute instead of relative to the domain name.", c.d(), c.h(), c.d(), c.h()));
    let srvs = match c.r.srv(&format!("_autodiscover._tcp.{}.", c.d())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors
                .push(format!("Looking up SRV record {:?}: {e}", "autodiscover"));
            return;
        }
    };
    let mut matched = false;
    for s in srvs {
        let (ips, ours, not) = match c.lookup_ips(&s.target).await {
            Ok(x) => x,
            Err(e) => {
                r.errors.push(format!(
                    "Looking up target {:?} from SRV record: {e}",
                    s.target
                ));
                continue;
            }
        };
        if s.port != 443 {
            continue;
        }
        matched = true;
        r.records.push(AutodiscoverSRV {
            target: s.target.clone(),
            port: s.port,
            priority: s.priority,
            weight: s.weight,
            ips: strs(&ips),
        });
        if !c.is_unspecified_nat() {
            if ours.is_empty() {
                r.errors.push(format!(
                    "SRV target {:?} does not point to our IPs.",
                    s.target
                ));
            } else if !not.is_empty() {
                r.errors.push(format!(
                    "SRV target {:?} points to some IPs that are not ours: {}",
                    s.target,
                    fmt_ips(&not)
                ));
            }
        }
        check_tls_hosts(c, &mut r.errors, s.target.trim_end_matches('.'), &ips).await;
    }
    if !matched {
        r.errors
            .push("No SRV record for port 443 for https.".to_string());
    }
}
