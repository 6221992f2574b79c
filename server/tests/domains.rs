//! Domains, accounts, addresses, passwords, limits, client configs and ConfigFiles over HTTP:
//! exact results, and exact error codes for bad input.

use crate::common;

use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn domain_lifecycle() {
    let s = TestServer::start();
    let c = s.client().await;
    assert_eq!(c.ok("Domains", json!([])).await, json!([]));
    assert_eq!(c.ok("Accounts", json!([])).await, json!([]));

    // Bad input, with exact codes and messages.
    let e = c
        .err("DomainAdd", json!(["a_b.example", "mjl", "mjl"]))
        .await;
    assert_eq!(e.0, "user:error");
    assert!(e.1.starts_with("parsing domain: idna: "), "{e:?}");
    assert_eq!(
        c.err("DomainAdd", json!(["example.org.", "mjl", "mjl"]))
            .await,
        (
            "user:error".into(),
            "parsing domain: dns name has trailing dot".into()
        )
    );
    assert_eq!(
        c.err("DomainAdd", json!(["", "mjl", "mjl"])).await,
        ("user:error".into(), "parsing domain: empty domain".into())
    );
    assert_eq!(
        c.err("DomainAdd", json!(["example.org", "mjl", "a+b"]))
            .await,
        (
            "user:error".into(),
            "parsing localpart: localpart cannot include domain catchall separator +".into()
        )
    );
    assert_eq!(
        c.err("DomainAdd", json!(["example.org", "mjl", ""])).await,
        (
            "user:error".into(),
            "adding domain: account does not yet exist (specify a localpart)".into()
        )
    );
    assert_eq!(
        c.err("DomainAdd", json!(["example.org", "", "mjl"])).await,
        (
            "user:error".into(),
            "adding domain: account name is empty".into()
        )
    );
    // Wrong types and counts are the runtime's.
    assert_eq!(
        c.err("DomainAdd", json!(["example.org", "mjl"])).await.0,
        "sherpa:badParams"
    );
    assert_eq!(
        c.err("DomainAdd", json!([1, "mjl", "x"])).await.0,
        "sherpa:badParams"
    );
    // Nothing was left behind by the failures.
    assert_eq!(c.ok("Domains", json!([])).await, json!([]));
    assert_eq!(c.ok("Accounts", json!([])).await, json!([]));

    // Success: new account with a localpart.
    assert_eq!(
        c.ok("DomainAdd", json!(["Example.ORG", "mjl", "mjl"]))
            .await,
        json!(null)
    );
    assert_eq!(
        c.ok("Domains", json!([])).await,
        json!([{"ASCII": "example.org", "Unicode": ""}])
    );
    assert_eq!(c.ok("Accounts", json!([])).await, json!(["mjl"]));
    assert_eq!(
        c.err("DomainAdd", json!(["example.org", "mjl", ""])).await,
        (
            "user:error".into(),
            "adding domain: domain already present".into()
        )
    );
    assert_eq!(
        c.err("DomainAdd", json!(["other.example", "mjl", "x"])).await,
        ("user:error".into(), "adding domain: account already exists (leave localpart empty when using an existing account)".into())
    );
    // IDN domain with an existing account: postmaster@ is added to the account.
    c.ok("DomainAdd", json!(["münchen.example", "mjl", ""]))
        .await;
    assert_eq!(
        c.ok("Domains", json!([])).await,
        json!([{"ASCII": "example.org", "Unicode": ""}, {"ASCII": "xn--mnchen-3ya.example", "Unicode": "münchen.example"}])
    );
    assert_eq!(
        c.ok("Domain", json!(["xn--mnchen-3ya.example"])).await,
        json!({"ASCII": "xn--mnchen-3ya.example", "Unicode": "münchen.example"})
    );
    assert_eq!(
        c.err("Domain", json!(["nope.example"])).await,
        (
            "user:error".into(),
            "looking up domain: no such domain".into()
        )
    );
    assert_eq!(c.err("Domain", json!(["a_b"])).await.0, "user:error");
    assert_eq!(
        c.ok("ParseDomain", json!(["XN--MNCHEN-3YA.example"])).await,
        json!({"ASCII": "xn--mnchen-3ya.example", "Unicode": "münchen.example"})
    );
    assert!(
        c.err("ParseDomain", json!(["bad_domain"]))
            .await
            .1
            .starts_with("parse domain: ")
    );

    // DomainLocalparts includes the reporting addresses.
    assert_eq!(
        c.ok("DomainLocalparts", json!(["example.org"])).await,
        json!({"dmarc-reports": "mjl", "mjl": "mjl", "tls-reports": "mjl"})
    );
    assert_eq!(
        c.ok("DomainLocalparts", json!(["münchen.example"])).await,
        json!({"dmarc-reports": "mjl", "postmaster": "mjl", "tls-reports": "mjl"})
    );
    assert_eq!(
        c.err("DomainLocalparts", json!(["nope.example"])).await,
        (
            "user:error".into(),
            "looking up domain: no such domain".into()
        )
    );

    // The account as mox renders it.
    let acc = c.ok("Account", json!(["mjl"])).await;
    assert_eq!(acc["Domain"], "example.org");
    assert_eq!(
        acc["Destinations"],
        json!({
            "mjl@example.org": {"Mailbox": "", "Rulesets": null, "FullName": ""},
            "postmaster@münchen.example": {"Mailbox": "", "Rulesets": null, "FullName": ""}
        })
    );
    assert_eq!(acc["RejectsMailbox"], "Rejects");
    assert_eq!(acc["SubjectPass"], json!({"Period": 43_200_000_000_000i64}));
    assert_eq!(
        acc["JunkFilter"],
        json!({"Threshold": 0.95, "Onegrams": true, "Twograms": false, "Threegrams": false, "MaxPower": 0.01, "TopWords": 10, "IgnoreWords": 0.1, "RareWords": 2})
    );
    assert_eq!(
        acc["AutomaticJunkFlags"],
        json!({"Enabled": true, "JunkMailboxRegexp": "^(junk|spam)", "NeutralMailboxRegexp": "^(inbox|neutral|postmaster|dmarc|tlsrpt|rejects)", "NotJunkMailboxRegexp": ""})
    );
    assert_eq!(
        acc["DNSDomain"],
        json!({"ASCII": "example.org", "Unicode": ""})
    );
    assert_eq!(acc["MaxOutgoingMessagesPerDay"], 0);
    assert_eq!(
        c.err("Account", json!(["nobody"])).await,
        (
            "user:error".into(),
            "looking up account: no such account".into()
        )
    );

    // DKIM keys are stored: four selectors, two signing.
    let cfg = s.app.config();
    let dc = &cfg.dynamic.domains["example.org"];
    assert_eq!(dc.dkim.selectors.len(), 4);
    assert_eq!(dc.dkim.sign.len(), 2);
    for sel in dc.dkim.selectors.values() {
        let name = sel.private_key_file.strip_prefix("dkim/").unwrap();
        let pem = s.app.store.dkim_keys.get(name).unwrap().unwrap();
        assert!(
            std::str::from_utf8(&pem)
                .unwrap()
                .starts_with("-----BEGIN PRIVATE KEY-----\nNote: ")
        );
    }
    assert_eq!(dc.client_settings_domain, "mail.example.org");
    assert_eq!(
        dc.mtasts.as_ref().unwrap().mx,
        vec!["mail.example.org".to_string()]
    );
    drop(cfg);

    // DomainRemove fails while addresses use the domain.
    assert_eq!(
        c.err("DomainRemove", json!(["münchen.example"])).await,
        ("user:error".into(), "removing domain: writing domains.conf: unknown domain for address \"postmaster@münchen.example\" in account \"mjl\"".into())
    );
    assert_eq!(
        c.err("DomainRemove", json!(["nope.example"])).await,
        (
            "user:error".into(),
            "removing domain: domain does not exist".into()
        )
    );
    c.ok("AddressRemove", json!(["postmaster@münchen.example"]))
        .await;
    c.ok("DomainRemove", json!(["münchen.example"])).await;
    assert_eq!(
        c.ok("Domains", json!([])).await,
        json!([{"ASCII": "example.org", "Unicode": ""}])
    );
    // Its DKIM keys moved to the archive tree.
    assert_eq!(s.app.store.dkim_keys.len(), 4);
    assert_eq!(s.app.store.dkim_keys_old.len(), 4);
}

#[tokio::test]
async fn accounts_and_addresses() {
    let s = TestServer::start();
    let c = s.client().await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;

    let e = |m: &str| ("user:error".to_string(), m.to_string());
    assert_eq!(
        c.err("AccountAdd", json!(["x", "@example.org"])).await,
        e("adding account: parsing email address: invalid email address: empty localpart")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["mjl", "other@example.org"]))
            .await,
        e("adding account: account already present")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["", "other@example.org"])).await,
        e("adding account: account name is empty")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["a/b", "other@example.org"]))
            .await,
        e("adding account: invalid account name \"a/b\"")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["x", "x@nope.example"])).await,
        e("adding account: address not available: domain does not exist")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["x", "+x@example.org"])).await,
        e("adding account: address not available: canonicalizing localpart: empty localpart")
    );
    assert_eq!(
        c.err("AccountAdd", json!(["x", "MJL+tag@example.org"]))
            .await,
        e(
            "adding account: address not available: canonicalized address mjl@example.org already configured"
        )
    );
    assert_eq!(
        c.err("AccountAdd", json!(["x", "new+tag@example.org"]))
            .await,
        e(
            "adding account: address not available: localpart cannot include domain catchall separator +"
        )
    );
    c.ok("AccountAdd", json!(["x", "X.Y@example.org"])).await;
    assert_eq!(c.ok("Accounts", json!([])).await, json!(["mjl", "x"]));

    // AddressAdd.
    assert_eq!(
        c.err("AddressAdd", json!(["a@example.org", "nobody"]))
            .await,
        e("adding address: account does not exist")
    );
    assert_eq!(
        c.err("AddressAdd", json!(["@nope.example", "x"])).await,
        e("adding address: domain does not exist")
    );
    assert_eq!(
        c.err("AddressAdd", json!(["bad", "x"])).await.0,
        "user:error"
    );
    assert_eq!(
        c.err("AddressAdd", json!(["x.y@EXAMPLE.org", "mjl"])).await,
        e(
            "adding address: address not available: canonicalized address x.y@example.org already configured"
        )
    );
    c.ok("AddressAdd", json!(["@example.org", "x"])).await;
    assert_eq!(
        c.err("AddressAdd", json!(["@example.org", "mjl"])).await,
        e("adding address: catchall address already configured for domain")
    );
    c.ok("AddressAdd", json!(["Second@example.org", "x"])).await;
    let lp = c.ok("DomainLocalparts", json!(["example.org"])).await;
    assert_eq!(
        lp,
        json!({"": "x", "Second": "x", "X.Y": "x", "dmarc-reports": "mjl", "mjl": "mjl", "tls-reports": "mjl"})
    );

    // AddressRemove canonicalizes (fixing mox), refuses reporting addresses.
    assert_eq!(
        c.err("AddressRemove", json!(["nobody@example.org"])).await,
        e("removing address: address does not exists")
    );
    assert_eq!(
        c.err("AddressRemove", json!(["dmarc-reports@example.org"]))
            .await,
        e("removing address: address not removed, likely a postmaster/reporting address")
    );
    c.ok("AddressRemove", json!(["second+x@example.org"])).await;
    c.ok("AddressRemove", json!(["@example.org"])).await;
    let acc = c.ok("Account", json!(["x"])).await;
    assert_eq!(
        acc["Destinations"],
        json!({"X.Y@example.org": {"Mailbox": "", "Rulesets": null, "FullName": ""}})
    );

    // Passwords.
    assert_eq!(
        c.err("SetPassword", json!(["x", "short"])).await,
        e("password must be at least 8 characters")
    );
    assert_eq!(
        c.err("SetPassword", json!(["nobody", "long enough"])).await,
        e("open account: no such account")
    );
    c.ok("SetPassword", json!(["x", "long enough"])).await;
    let h = s.app.store.account_passwords.get("x").unwrap().unwrap();
    assert!(
        server::auth::verify_password("long enough", std::str::from_utf8(&h).unwrap()).unwrap()
    );

    // Limits.
    assert_eq!(
        c.err("SetAccountLimits", json!(["nobody", 1, 2, 3])).await,
        e("saving account limits: account not present")
    );
    assert_eq!(
        c.err("SetAccountLimits", json!(["x", -1, 2, 3])).await,
        e("saving account limits: max outgoing messages per day cannot be negative")
    );
    assert_eq!(
        c.err("SetAccountLimits", json!(["x", 1, 2, 1.5])).await.0,
        "sherpa:badParams"
    );
    assert_eq!(
        c.err("SetAccountLimits", json!(["x", 2147483648i64, 2, 3]))
            .await
            .0,
        "sherpa:badParams"
    );
    c.ok("SetAccountLimits", json!(["x", 100, 20, -1])).await;
    let acc = c.ok("Account", json!(["x"])).await;
    assert_eq!(
        (
            acc["MaxOutgoingMessagesPerDay"].clone(),
            acc["MaxFirstTimeRecipientsPerDay"].clone(),
            acc["QuotaMessageSize"].clone()
        ),
        (json!(100), json!(20), json!(-1))
    );

    // AccountRemove: refused while referenced by DMARC/TLSRPT; removes the password.
    assert_eq!(
        c.err("AccountRemove", json!(["mjl"])).await,
        e("removing account: writing domains.conf: DMARC account \"mjl\" does not exist")
    );
    assert_eq!(
        c.err("AccountRemove", json!(["nobody"])).await,
        e("removing account: account does not exist")
    );
    c.ok("AccountRemove", json!(["x"])).await;
    assert!(s.app.store.account_passwords.get("x").unwrap().is_none());
    assert_eq!(c.ok("Accounts", json!([])).await, json!(["mjl"]));
}

#[tokio::test]
async fn client_configs_and_config_files() {
    let s = TestServer::start();
    let c = s.client().await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;
    let host = json!({"ASCII": "mail.example.org", "Unicode": ""});
    assert_eq!(
        c.ok("ClientConfigsDomain", json!(["example.org"])).await,
        json!({"Entries": [
            {"Protocol": "Submission (SMTP)", "Host": host, "Port": 465, "Listener": "public", "Note": "with TLS"},
            {"Protocol": "IMAP", "Host": host, "Port": 993, "Listener": "public", "Note": "with TLS"},
            {"Protocol": "Submission (SMTP)", "Host": host, "Port": 587, "Listener": "public", "Note": "STARTTLS required"},
            {"Protocol": "IMAP", "Host": host, "Port": 143, "Listener": "public", "Note": "STARTTLS required"},
        ]})
    );
    assert_eq!(
        c.err("ClientConfigsDomain", json!(["nope.example"])).await,
        (
            "user:error".into(),
            "client config for domain: unknown domain".into()
        )
    );
    assert!(
        c.err("ClientConfigsDomain", json!(["a_b"]))
            .await
            .1
            .starts_with("parsing domain: ")
    );

    let files = c.ok("ConfigFiles", json!([])).await;
    let f = files.as_array().unwrap();
    assert_eq!(f.len(), 4);
    assert!(f[0].as_str().unwrap().ends_with("test-config.toml"));
    assert_eq!(f[2], common::TEST_CONFIG);
    let dynamic = f[3].as_str().unwrap();
    assert!(dynamic.contains("[Domains.\"example.org\"]"), "{dynamic}");
    assert!(dynamic.contains("mjl@example.org"), "{dynamic}");
}
