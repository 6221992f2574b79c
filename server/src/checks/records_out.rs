//! DomainRecords: the records to publish for a domain, line by line as mox prints them
//! (see `docs/mox-differences.md#dns-checks` for where we differ). Fixed lines keep mox's spacing, so the output can be compared with mox's.

use std::collections::BTreeMap;

use super::records::{dkim, txt_strings};
use super::{DkimKey, load_host_keys};
use crate::config::StaticConfig;
use crate::dns::{Domain, localpart_string, parse_domain};
use crate::dynconf::DomainConf;

/// Go's `%-*s`: left-aligned, padded with spaces to `width` (never truncated).
fn pad(s: &str, width: usize) -> String {
    format!("{s:<width$}")
}

/// Builds the record list. `has_dnssec` is the AD bit of the probe.
pub fn domain_records(
    st: &StaticConfig,
    domain: &Domain,
    dc: &DomainConf,
    keys: &BTreeMap<String, Result<DkimKey, String>>,
    has_dnssec: bool,
) -> Result<Vec<String>, String> {
    let d = domain.ascii.as_str();
    let h = st.hostname_domain().ascii;
    let h = h.as_str();
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| out.push(s.to_string());
    push("; Time To Live of 5 minutes, may be recognized if importing as a zone file.");
    push("; Once your setup is working, you may want to increase the TTL.");
    push("$TTL 300");
    push("");

    if let Some(public) = st.listeners.get("public")
        && public.tls
    {
        let host_keys = load_host_keys(st, "public")?;
        if !host_keys.is_empty() {
            push(
                "; DANE: These records indicate that a remote mail server trying to deliver email",
            );
            push(
                "; with SMTP (TCP port 25) must verify the TLS certificate with DANE-EE (3), based",
            );
            push(
                "; on the certificate public key (\"SPKI\", 1) that is SHA2-256-hashed (1) to the",
            );
            push("; hexadecimal hash. DANE-EE verification means only the certificate or public");
            push("; key is verified, not whether the certificate is signed by a (centralized)");
            push("; certificate authority (CA), is expired, or matches the host name.");
            push(";");
            push("; NOTE: Create the records below only once: They are for the machine, and apply");
            push("; to all hosted domains.");
            if !has_dnssec {
                push(";");
                push(
                    "; WARNING: Domain does not appear to be DNSSEC-signed. To enable DANE, first",
                );
                push(
                    "; enable DNSSEC on your domain, then add the TLSA records. Records below have been",
                );
                push("; commented out.");
            }
            let ordered = host_keys
                .iter()
                .filter(|k| k.ecdsa)
                .chain(host_keys.iter().filter(|k| !k.ecdsa));
            for k in ordered {
                let name = format!("{h}.");
                if has_dnssec {
                    push(&format!(
                        "_25._tcp.{} TLSA {}",
                        pad(&name, (20 + d.len()).saturating_sub(9)),
                        k.tlsa()
                    ));
                } else {
                    push(&format!(
                        ";; _25._tcp.{} TLSA {}",
                        pad(&name, (20 + d.len()).saturating_sub(12)),
                        k.tlsa()
                    ));
                }
            }
            push("");
        }
    }

    if d != h {
        push("; For the machine, only needs to be created once, for the first domain added:");
        push("; ");
        push("; SPF-allow host for itself, resulting in relaxed DMARC pass for (postmaster)");
        push("; messages (DSNs) sent from host:");
        push(&format!(
            "{} TXT \"v=spf1 a -all\"",
            pad(&format!("{h}."), 20 + d.len())
        ));
        push("");
    }
    let host_lp = &st.host_tlsrpt.localpart;
    if d != h && !host_lp.is_empty() {
        let uri = format!("mailto:{}@{h}", localpart_string(host_lp))
            .replace(',', "%2C")
            .replace('!', "%21")
            .replace(';', "%3B");
        push("; For the machine, only needs to be created once, for the first domain added:");
        push("; ");
        push(
            "; Request reporting about success/failures of TLS connections to (MX) host, for DANE.",
        );
        push(&format!(
            "_smtp._tls.{}         TXT \"v=TLSRPTv1; rua={uri}\"",
            pad(&format!("{h}."), (20 + d.len()).saturating_sub(11))
        ));
        push("");
    }

    push("; Deliver email for the domain to this host.");
    push(&format!("{d}.                    MX 10 {h}."));
    push("");

    push("; Outgoing messages will be signed with the first two DKIM keys. The other two");
    push("; configured for backup, switching to them is just a config change.");
    for sel in dc.dkim.selectors.keys() {
        let key = match keys.get(sel) {
            Some(Ok(k)) => k,
            Some(Err(e)) => {
                return Err(format!(
                    "unrecognized private key for DKIM selector {sel:?}: {e}"
                ));
            }
            None => {
                return Err(format!(
                    "unrecognized private key for DKIM selector {sel:?}"
                ));
            }
        };
        let txt = dkim::record_text(key.ed25519, &key.public);
        if txt.len() > 100 {
            push("; NOTE: The following strings must be added to DNS as single record.");
        }
        push(&format!(
            "{sel}._domainkey.{d}.   TXT {}",
            txt_strings(&txt)
        ));
    }
    push("");

    push("; Specify the MX host is allowed to send for our domain and for itself (for DSNs).");
    push("; ~all means softfail for anything else, which is done instead of -all to prevent older");
    push(
        "; mail servers from rejecting the message because they never get to looking for a dkim/dmarc pass.",
    );
    push(&format!("{d}.                    TXT \"v=spf1 mx ~all\""));
    push("");

    let mut dmarc = "v=DMARC1;p=reject".to_string();
    if let Some(dm) = &dc.dmarc {
        let dd = if dm.domain.is_empty() {
            domain.clone()
        } else {
            parse_domain(&dm.domain).map_err(|e| format!("dmarc domain: {e}"))?
        };
        let addr = format!("{}@{}", localpart_string(&dm.localpart), dd.ascii)
            .replace(',', "%2C")
            .replace('!', "%21");
        dmarc.push_str(&format!(";rua=mailto:{addr}!10m"));
    }
    push("; Emails that fail the DMARC check (without aligned DKIM and without aligned SPF)");
    push("; should be rejected, and request reports. If you email through mailing lists that");
    push("; strip DKIM-Signature headers and don't rewrite the From header, you may want to");
    push("; set the policy to p=none.");
    push(&format!("_dmarc.{d}.             TXT \"{dmarc}\""));
    push("");

    if let Some(m) = &dc.mtasts {
        push("; Remote servers can use MTA-STS to verify our TLS certificate with the");
        push("; WebPKI pool of CA's (certificate authorities) when delivering over SMTP with");
        push("; STARTTLSTLS.");
        push(&format!("mta-sts.{d}.            CNAME {h}."));
        push(&format!(
            "_mta-sts.{d}.           TXT \"v=STSv1; id={}\"",
            m.policy_id
        ));
        push("");
    } else {
        push("; Note: No MTA-STS to indicate TLS should be used. Either because disabled for the");
        push("; domain or because mox.conf does not have a listener with MTA-STS configured.");
        push("");
    }

    if let Some(t) = &dc.tlsrpt {
        let td = if t.domain.is_empty() {
            domain.clone()
        } else {
            parse_domain(&t.domain).map_err(|e| format!("tlsrpt domain: {e}"))?
        };
        let addr = format!("{}@{}", localpart_string(&t.localpart), td.ascii)
            .replace(',', "%2C")
            .replace('!', "%21")
            .replace(';', "%3B");
        push("; Request reporting about TLS failures.");
        push(&format!(
            "_smtp._tls.{d}.         TXT \"v=TLSRPTv1; rua=mailto:{addr}\""
        ));
        push("");
    }

    let csd = if dc.client_settings_domain.is_empty() {
        None
    } else {
        Some(
            parse_domain(&dc.client_settings_domain)
                .map_err(|e| format!("client settings domain: {e}"))?,
        )
    };
    if let Some(c) = &csd
        && c.ascii != h
    {
        push("; Client settings will reference a subdomain of the hosted domain, making it");
        push("; easier to migrate to a different server in the future by not requiring settings");
        push("; in all clients to be updated.");
        push(&format!(
            "{} CNAME {h}.",
            pad(&format!("{}.", c.ascii), 20 + d.len())
        ));
        push("");
    }

    push("; Autoconfig is used by Thunderbird. Autodiscover is (in theory) used by Microsoft.");
    push(&format!("autoconfig.{d}.         CNAME {h}."));
    push(&format!("_autodiscover._tcp.{d}. SRV 0 1 443 {h}."));
    push("");
    push("; For secure IMAP and submission autoconfig, point to mail host.");
    push(&format!("_imaps._tcp.{d}.        SRV 0 1 993 {h}."));
    push(&format!("_submissions._tcp.{d}.  SRV 0 1 465 {h}."));
    push("");
    push("; Next records specify POP3 and non-TLS ports are not to be used.");
    push("; These are optional and safe to leave out (e.g. if you have to click a lot in a");
    push("; DNS admin web interface).");
    push(&format!("_imap._tcp.{d}.         SRV 0 1 143 ."));
    push(&format!("_submission._tcp.{d}.   SRV 0 1 587 ."));
    push(&format!("_pop3._tcp.{d}.         SRV 0 1 110 ."));
    push(&format!("_pop3s._tcp.{d}.        SRV 0 1 995 ."));

    let issuer = &st.checks.acme.issuer_domain_name;
    if !issuer.is_empty() {
        push("");
        push("; Optional:");
        push("; You could mark Let's Encrypt as the only Certificate Authority allowed to");
        push("; sign TLS certificates for your domain.");
        push(&format!("{d}.                    CAA 0 issue \"{issuer}\""));
        let uri = &st.checks.acme.account_uri;
        if !uri.is_empty() {
            let v = format!("{issuer}; accounturi={uri}; validationmethods=tls-alpn-01,http-01");
            push(";");
            push(
                "; Optionally limit certificates for this domain to the account ID and methods used by mox.",
            );
            push(&format!(
                ";; {} CAA 0 issue \"{v}\"",
                pad(&format!("{d}."), 17 + d.len())
            ));
            push(";");
            push("; Or alternatively only limit for email-specific subdomains, so you can use");
            push("; other accounts/methods for other subdomains.");
            push(&format!(
                ";; {} CAA 0 issue \"{v}\"",
                pad(&format!("autoconfig.{d}."), 17 + d.len())
            ));
            push(&format!(
                ";; {} CAA 0 issue \"{v}\"",
                pad(&format!("mta-sts.{d}."), 17 + d.len())
            ));
            if let Some(c) = &csd
                && c.ascii != h
            {
                push(&format!(
                    ";; {} CAA 0 issue \"{v}\"",
                    pad(&c.ascii, 17 + d.len())
                ));
            }
            if h.ends_with(&format!(".{d}")) {
                push(";");
                push("; And the mail hostname.");
                push(&format!(
                    ";; {} CAA 0 issue \"{v}\"",
                    pad(&format!("{h}."), 17 + d.len())
                ));
            }
        } else {
            push(";");
            push("; Note: After starting up, once an ACME account has been created, CAA records");
            push("; that restrict issuance to the account will be suggested.");
        }
    }
    Ok(out)
}
