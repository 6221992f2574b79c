//! `sherpa-codegen stubs` output compiles against the generated trait and behaves as
//! documented.
//!
//! The stubs for `api.json` and for the conformance schema `tests/fixtures/testapi.json`
//! are checked in under `tests/fixtures/stubs/` and compiled here, under
//! `#![deny(warnings)]`, against the bindings `build.rs` generated for the same schemas.
//! The admin stubs use the default module path (`crate::api`, here the admin bindings
//! imported at the crate root) and the admin crate's wire results; the conformance ones name their module explicitly.
//! A test keeps them equal to what the library produces now; after an intended change,
//! `UPDATE_SNAPSHOTS=1 cargo test --test stubs` rewrites them.

#![deny(warnings)]

use std::path::Path;

use sherpa_codegen::{StubOptions, stubs};

/// Where the admin stubs find the bindings by default: `crate::api`.
use sherpa_admin::api;

/// The admin API's stubs, implementing `sherpa_admin::api::Api`.
mod admin {
    include!("fixtures/stubs/admin.rs");
}

/// The conformance API's stubs, implementing the trait generated from testapi.json.
mod testapi {
    #[allow(dead_code)]
    mod api {
        include!("fixtures/testapi.rs");
    }

    include!("fixtures/stubs/testapi.rs");
}

/// Compares (or with `UPDATE_SNAPSHOTS` rewrites) the checked-in stubs of one schema.
fn check_current(schema: &str, snapshot: &str, options: &StubOptions) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(root.join(schema)).unwrap();
    let api = sherpa_codegen::read(&json).unwrap();
    let text = stubs(&api, options).unwrap();
    let path = root.join(snapshot);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        sherpa_codegen::write_if_changed(&path, &text).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(
        checked_in == text,
        "{snapshot} is not what `sherpa-codegen stubs {schema}` prints now; \
         run UPDATE_SNAPSHOTS=1 cargo test --test stubs"
    );
}

#[test]
fn admin_stubs_are_current() {
    check_current(
        "api.json",
        "tests/fixtures/stubs/admin.rs",
        &StubOptions {
            wire_results: sherpa_admin::WIRE_RESULTS
                .iter()
                .map(|f| f.to_string())
                .collect(),
            ..StubOptions::default()
        },
    );
}

#[test]
fn testapi_stubs_are_current() {
    check_current(
        "tests/fixtures/testapi.json",
        "tests/fixtures/stubs/testapi.rs",
        &StubOptions {
            module: "crate::testapi::api".to_string(),
            ..Default::default()
        },
    );
}

#[tokio::test]
async fn stub_methods_return_not_implemented() {
    use sherpa_admin::api::Api;

    let err = admin::MyApi.login_prep(&()).await.unwrap_err();
    assert_eq!(err.code, "server:notImplemented");
    assert_eq!(err.message, r#"function "LoginPrep" is not implemented"#);

    let err = admin::MyApi
        .login(&(), "token".into(), "password".into())
        .await
        .unwrap_err();
    assert_eq!(err.message, r#"function "Login" is not implemented"#);
}
