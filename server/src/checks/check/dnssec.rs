//! DNSSEC: whether the resolver marks answers as authenticated.

use super::*;

pub(super) const DNSSEC_RESOLVER_WARNING: &str = include_str!("texts/dnssec_resolver_warning.txt");

pub(super) const DNSSEC_INSTRUCTION_UNBOUND: &str =
    include_str!("texts/dnssec_instruction_unbound.txt");

pub(super) async fn check_dnssec(c: &Ctx<'_>, r: &mut DNSSECResult) {
    match c.r.ns(".").await {
        Err(e) => r.errors.push(format!(
            "Looking up NS for DNS root (.) to check support in resolver for DNSSEC-verification: {e}"
        )),
        Ok(a) if !a.authentic => r.warnings.push(DNSSEC_RESOLVER_WARNING.to_string()),
        Ok(_) => {
            let signed = matches!(c.r.mx(&format!("{}.", c.d())).await, Ok(a) if a.authentic);
            if !signed {
                r.warnings.push("DNS records for this domain (zone) are not DNSSEC-signed. Mail servers sending email to your domain, or receiving email from your domain, cannot verify that the MX/SPF/DKIM/DMARC/MTA-STS records they see are authentic.".to_string());
            }
        }
    }
    r.instructions.push("Enable DNSSEC-signing of the DNS records of your domain (zone) at your DNS hosting provider.".to_string());
    r.instructions.push(DNSSEC_INSTRUCTION_UNBOUND.to_string());
}
