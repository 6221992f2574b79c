//! A client generated from an older version of the test API
//! (`tests/fixtures/testapi-old.json`) calling the current server: every difference
//! between the two versions is one `sherpa-codegen diff` calls compatible for old
//! clients, and these calls show it is (the codegen crate's diff tests check the
//! verdict itself).

use std::collections::BTreeMap;

use sherpa_runtime::{Int64s, Timestamp};

use crate::testapi_old::client::Client;
use crate::testapi_old::{Addr, Person};

fn old_client() -> Client {
    Client::new(&format!("{}/test/", crate::server())).unwrap()
}

#[tokio::test]
async fn an_older_client_works_against_the_current_server() {
    let c = old_client();
    assert_eq!(c.echo("still here").await.unwrap(), "still here");

    // Person lost nothing the old client knows; the server's new field Mode is read
    // as its zero value from the old client and dropped from the answer.
    let p = Person {
        name: "Ada".into(),
        age: 36,
        email: Some("ada@example.org".into()),
        address: Addr {
            street: "Main".into(),
            city: "London".into(),
        },
        previous: vec![Addr::default()],
        tags: vec!["x".into()],
        extra: BTreeMap::from([("k".to_string(), "v".to_string())]),
        born: Timestamp::parse("1815-12-10T00:00:00Z").unwrap(),
        balance: Int64s(-7),
    };
    assert_eq!(c.person_echo(&p).await.unwrap(), p);

    // The parameter became nullable: what the old client sends is still accepted.
    assert_eq!(c.nullable_bool(true).await.unwrap(), Some(true));
}
