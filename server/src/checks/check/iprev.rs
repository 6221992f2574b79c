//! IPRev: the hostname resolves to our IPs and our IPs resolve back to it.

use super::*;

/// mox's `SpecifiedSMTPListenIPs`: explicit SMTP listen IPs, only when none is unspecified
/// and there is at most one IPv4 and one IPv6 address.
pub(super) fn specified_smtp_listen_ips(st: &StaticConfig) -> Vec<IpAddr> {
    let mut ips = Vec::new();
    for l in st.listeners.values().filter(|l| l.smtp.enabled) {
        for s in &l.ips {
            match s.parse::<IpAddr>() {
                Ok(ip) if ip.is_unspecified() => return Vec::new(),
                Ok(ip) => ips.push(ip),
                Err(_) => {}
            }
        }
    }
    let v4 = ips.iter().filter(|i| i.is_ipv4()).count();
    let v6 = ips.len() - v4;
    if v4 > 1 || v6 > 1 { Vec::new() } else { ips }
}

pub(super) async fn check_iprev(c: &Ctx<'_>, r: &mut IPRevCheckResult) {
    r.hostname = c.hostname.to_api();
    let host_ips = match c.r.ips(&format!("{}.", c.h())).await {
        Ok(a) => a.records,
        Err(e) => {
            r.errors.push(format!("Looking up IPs for hostname: {e}"));
            Vec::new()
        }
    };
    // host → IPs that must have it as reverse name.
    let mut hosts: Vec<(Domain, Vec<IpAddr>)> = Vec::new();
    let mut ips = host_ips.clone();
    let add = |ips: &mut Vec<IpAddr>, ip: IpAddr| {
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    };
    if !c.is_nat() {
        for ip in specified_smtp_listen_ips(c.st) {
            add(&mut ips, ip);
        }
    }
    for l in c.st.listeners.values().filter(|l| l.smtp.enabled) {
        for s in &l.nat_ips {
            if let Ok(ip) = s.parse() {
                add(&mut ips, ip);
            }
        }
    }
    let ips_str: Vec<String> = strs(&ips);
    hosts.push((c.hostname.clone(), ips));
    r.instructions.push(format!(
        "Ensure IPs {} have reverse address {}.",
        ips_str.join(", "),
        c.h()
    ));
    for (name, t) in &c.st.transports {
        if let Some(s) = &t.socks {
            let h = parse_domain(&s.remote_hostname).unwrap_or_default();
            let l: Vec<IpAddr> = s.remote_ips.iter().filter_map(|i| i.parse().ok()).collect();
            r.instructions.push(format!(
                "For SOCKS transport {name}, ensure IPs {} have reverse address {}.",
                s.remote_ips.join(", "),
                s.remote_hostname
            ));
            hosts.push((h, l));
        }
    }
    let mut futs = Vec::new();
    for (host, ips) in &hosts {
        for ip in ips {
            futs.push(async move { (host, *ip, c.r.ptr(*ip).await) });
        }
    }
    for (host, ip, res) in join_all(futs).await {
        let names = match res {
            Ok(a) => a.records,
            Err(e) => {
                r.errors
                    .push(format!("Looking up reverse name for {ip} of {host}: {e}"));
                continue;
            }
        };
        if names.len() != 1 {
            r.errors.push(format!(
                "Expected exactly 1 name for {ip} of {host}, got {} ([{}])",
                names.len(),
                names.join(" ")
            ));
        }
        let mut matched = false;
        let mut stripped = Vec::new();
        for n in &names {
            let a = n.trim_end_matches('.').to_string();
            match parse_domain(&a) {
                Ok(d) if &d == host => matched = true,
                Ok(_) => {}
                Err(e) => r
                    .errors
                    .push(format!("Parsing reverse name {a:?} for {ip}: {e}")),
            }
            stripped.push(a);
        }
        if !matched {
            r.errors.push(format!(
                "Reverse name(s) {} for ip {ip} do not match hostname {host}, which will cause other mail servers to reject incoming messages from this IP.",
                stripped.join(",")
            ));
        }
        r.ip_names.insert(ip.to_string(), stripped);
    }
    let configured: Vec<IpAddr> =
        c.st.listeners
            .values()
            .flat_map(|l| l.ips.iter().filter_map(|s| s.parse::<IpAddr>().ok()))
            .collect();
    for ip in &host_ips {
        if ip.is_loopback() && !configured.contains(ip) {
            r.errors.push(format!("Hostname {} resolves to loopback IP {ip}, this will likely prevent email delivery to local accounts from working. The loopback IP was probably configured in /etc/hosts at system installation time. Replace the loopback IP with your actual external IPs in /etc/hosts.", c.hostname));
        }
    }
}
