//! SRV: the email client service records (IMAP, submission, ...).

use super::*;

pub(super) async fn check_srv(c: &Ctx<'_>, r: &mut SRVConfCheckResult) {
    let submissions =
        c.st.listeners
            .values()
            .any(|l| l.tls && l.submissions.enabled);
    let imaps = c.st.listeners.values().any(|l| l.tls && l.imaps.enabled);
    let host = |ok: bool| {
        if ok {
            format!("{}.", c.h())
        } else {
            ".".to_string()
        }
    };
    let reqs: [(&str, u16, String); 6] = [
        ("_submissions", 465, host(submissions)),
        ("_submission", 587, host(!submissions)),
        ("_imaps", 993, host(imaps)),
        ("_imap", 143, host(!imaps)),
        ("_pop3", 110, ".".to_string()),
        ("_pop3s", 995, ".".to_string()),
    ];
    let names: Vec<String> = reqs
        .iter()
        .map(|(n, _, _)| format!("{n}._tcp.{}.", c.d()))
        .collect();
    let results = join_all(names.iter().map(|n| c.r.srv(n))).await;
    let mut instr = "Ensure DNS records like the following exist:\n\n".to_string();
    for ((svc, port, target), res) in reqs.iter().zip(results) {
        let name = format!("{svc}._tcp.{}", c.d());
        let width = "_submissions".len() - svc.len() + c.d().len() + 1;
        instr.push_str(&format!(
            "\t{svc}._tcp.{:<width$} SRV 0 1 {port} {target}\n",
            format!("{}.", c.d())
        ));
        let srvs = match res {
            Ok(a) => a.records,
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => {
                r.errors
                    .push(format!("Looking up SRV record {name:?}: {e}"));
                r.srvs.insert(svc.to_string(), Vec::new());
                continue;
            }
        };
        if srvs.is_empty() {
            r.errors.push(format!("Missing SRV record {name:?}"));
        } else if srvs.len() != 1 || srvs[0].target != *target || srvs[0].port != *port {
            r.errors
                .push(format!("Unexpected SRV record(s) for {name:?}"));
        }
        r.srvs.insert(
            svc.to_string(),
            srvs.into_iter()
                .map(|s| SRV {
                    target: s.target,
                    port: s.port,
                    priority: s.priority,
                    weight: s.weight,
                })
                .collect(),
        );
    }
    r.instructions.push(instr);
}
