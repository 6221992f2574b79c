//! CheckDomain against an authoritative DNS server, STARTTLS SMTP and HTTPS servers on
//! loopback: a fully correct domain, then domains that each break one thing, with the exact
//! errors and warnings (and the instructions that matter) for each.

mod dns_support;

use dns_support::*;

#[tokio::test]
async fn correct_domain_has_no_problems() {
    let f = Fixture::new("good.test").await;
    let r = f.check().await;
    assert_eq!(problems(&r), Vec::<String>::new(), "{r:#?}");
    assert_eq!(r.domain, "good.test");
}
