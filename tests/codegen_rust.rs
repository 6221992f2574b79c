//! Snapshot tests of the Rust emitter.
//!
//! Each `tests/fixtures/rust/NAME.json` is a small schema about one concern. Schemas the
//! generator accepts have their output checked in as `NAME.rs`; schemas it must reject
//! (named `err_*`) have the one-line message checked in as `NAME.err`. Both are compared
//! byte for byte. After an intended change, `UPDATE_SNAPSHOTS=1 cargo test --test
//! codegen_rust` rewrites them; review the diff before committing.
//!
//! The `.rs` snapshots are also compiled here (module `compiled` below) under
//! `#![deny(warnings)]`, and clippy runs on them with the rest of the tests, so the
//! snapshots are known to be valid, warning-free Rust and not only stable text.

#![deny(warnings)]

use std::fs;
use std::path::{Path, PathBuf};

use sherpa_codegen::{Error, RustOptions, generate_rust, read as read_schema, write_if_changed};

/// Reads and checks a schema, then generates its Rust bindings.
fn generate_rust_json(json: &str, source_name: &str, opts: &RustOptions) -> Result<String, Error> {
    generate_rust(&read_schema(json)?, source_name, opts)
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rust")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Generates fixture `name` and compares the result with its snapshot.
fn check_snapshot(name: &str) {
    let dir = fixture_dir();
    let json = read(&dir.join(format!("{name}.json")));
    let result = generate_rust_json(&json, &format!("{name}.json"), &RustOptions::default());
    let expect_error = name.starts_with("err_");
    let (actual, ext, other_ext) = match result {
        Ok(code) => (code, "rs", "err"),
        Err(e) => (format!("{e}\n"), "err", "rs"),
    };
    assert_eq!(
        ext == "err",
        expect_error,
        "{name}: expected {}, got:\n{actual}",
        if expect_error { "an error" } else { "code" }
    );
    let path = dir.join(format!("{name}.{ext}"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        write_if_changed(&path, &actual).unwrap();
        let stale = dir.join(format!("{name}.{other_ext}"));
        if stale.exists() {
            fs::remove_file(stale).unwrap();
        }
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} is out of date (first difference at line {}):\n  snapshot: {:?}\n  now:      {:?}\n\
             run with UPDATE_SNAPSHOTS=1 to accept the new output",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

macro_rules! snapshots {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_snapshot(stringify!($name));
            }
        )*
        /// Every fixture with a snapshot test.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
    };
}

snapshots! {
    alltypes,
    bytes,
    docs,
    enums,
    hygiene,
    int64s,
    keywords,
    nested,
    returns,
    sections,
    unicode,
    err_bidi_control_in_name,
    err_checker,
    err_enum_value_as_type,
    err_field_collision,
    err_function_collision,
    err_invisible_character_in_name,
    err_not_identifier,
    err_other_variant,
    err_param_collision,
    err_primitive,
    err_required_cycle,
    err_section_field_collision,
    err_support_item,
    err_type_keyword_collision,
}

/// A fixture without a test would silently never be checked.
#[test]
fn every_fixture_has_a_test() {
    let mut missing = Vec::new();
    for entry in fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !FIXTURES.contains(&stem.as_str()) {
                missing.push(stem);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fixtures without a snapshot test: {missing:?}"
    );
}

/// The snapshots, compiled. Each module is what a user gets from `include!`; `dead_code`
/// is allowed because nothing in this test binary uses the items.
#[allow(dead_code)]
mod compiled {
    macro_rules! compiled {
        ($($name:ident),* $(,)?) => {
            $(
                pub mod $name {
                    include!(concat!("fixtures/rust/", stringify!($name), ".rs"));
                }
            )*
        };
    }
    compiled!(
        alltypes, bytes, docs, enums, hygiene, int64s, keywords, nested, returns, sections, unicode
    );
}

/// The generated name index finds every function (the runtime trusts it for lookups).
#[test]
fn schema_name_index_finds_every_function() {
    for schema in [
        &sherpa_admin::api::SCHEMA,
        &compiled::alltypes::SCHEMA,
        &compiled::returns::SCHEMA,
        &compiled::sections::SCHEMA,
        &compiled::keywords::SCHEMA,
    ] {
        assert_eq!(
            schema.functions_by_name.len(),
            schema.functions.len(),
            "{}",
            schema.name
        );
        for f in schema.functions {
            let found = schema.function(f.name);
            assert!(
                found.is_some_and(|found| std::ptr::eq(found, f)),
                "{}: {}",
                schema.name,
                f.name
            );
        }
        assert!(schema.function("NoSuchFunction").is_none());
        assert!(schema.function("").is_none());
    }
}

fn api_json() -> String {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api.json"))
}

#[test]
fn deterministic() {
    let json = api_json();
    let opts = RustOptions::default();
    let first = generate_rust_json(&json, "api.json", &opts).unwrap();
    let second = generate_rust_json(&json, "api.json", &opts).unwrap();
    assert!(first == second, "two runs on api.json differ");
}

/// What build.rs writes is exactly what the library generates: the build script adds
/// nothing and uses the default options plus the client behind the `client` feature
/// and the wire results of `sherpa_admin::WIRE_RESULTS`.
#[test]
fn out_dir_matches_library() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/admin.rs"));
    let opts = RustOptions {
        client: true,
        client_feature: Some("client".to_string()),
        wire_results: sherpa_admin::WIRE_RESULTS
            .iter()
            .map(|f| f.to_string())
            .collect(),
        ..Default::default()
    };
    let generated = generate_rust_json(&api_json(), "api.json", &opts).unwrap();
    assert!(
        built == generated,
        "OUT_DIR/admin.rs differs from generate_rust(api.json)"
    );
}

/// The test suites' schemas have their bindings checked in next to them (the
/// conformance tests, the TypeScript client's test server and the codegen crate's
/// guide include them), generated with the default options plus, for the conformance
/// and guide APIs, the client (only the client for the conformance API's older
/// version); they must be what the generator makes now.
/// `UPDATE_SNAPSHOTS=1` rewrites them.
#[test]
fn checked_in_test_bindings_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let with_client = RustOptions {
        client: true,
        ..Default::default()
    };
    let old_client = RustOptions {
        server: false,
        client: true,
        ..Default::default()
    };
    for (schema, bindings, opts) in [
        (
            "tests/fixtures/testapi.json",
            "tests/fixtures/testapi.rs",
            &with_client,
        ),
        (
            "tests/ts/clientapi.json",
            "tests/ts/clientapi.rs",
            &RustOptions::default(),
        ),
        (
            "tests/fixtures/testapi-old.json",
            "tests/fixtures/testapi_old.rs",
            &old_client,
        ),
        (
            "examples/hello/hello.json",
            "codegen/src/guide/hello.rs",
            &with_client,
        ),
    ] {
        // The guide's header names the schema as the example's build script does.
        let source = schema.strip_prefix("examples/hello/").unwrap_or(schema);
        let generated = generate_rust_json(&read(&root.join(schema)), source, opts).unwrap();
        let path = root.join(bindings);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            write_if_changed(&path, &generated).unwrap();
            continue;
        }
        assert!(
            read(&path) == generated,
            "{bindings} is not the generator's output for {schema}: run with UPDATE_SNAPSHOTS=1"
        );
    }
}

#[test]
fn header_names_source() {
    let code =
        generate_rust_json(&api_json(), "some/dir/api.json", &RustOptions::default()).unwrap();
    assert!(
        code.starts_with("// @generated by sherpa-codegen from some/dir/api.json. Do not edit.\n"),
        "{}",
        &code[..100]
    );
}

#[test]
fn runtime_path_option() {
    let json = read(&fixture_dir().join("alltypes.json"));
    let opts = RustOptions {
        runtime_path: "crate::rt".to_string(),
        ..Default::default()
    };
    let code = generate_rust_json(&json, "alltypes.json", &opts).unwrap();
    assert!(
        !code.contains("sherpa_runtime"),
        "default runtime path left in output"
    );
    for needle in [
        "crate::rt::Timestamp",
        "crate::rt::Int64s",
        "crate::rt::Bytes",
        "crate::rt::Error",
        "impl<A: Api> crate::rt::Dispatch for Dispatcher<A>",
        "pub static SCHEMA: crate::rt::schema::Schema",
        "crate::rt::de::deserialize_struct(deserializer)",
        "impl crate::rt::de::Fields for Values {",
        "impl crate::rt::de::NullAsZero for Values {}",
    ] {
        assert!(code.contains(needle), "missing {needle:?}");
    }

    let bad = RustOptions {
        runtime_path: "not a path".to_string(),
        ..Default::default()
    };
    match generate_rust_json(&json, "alltypes.json", &bad) {
        Err(Error::Options(e)) => assert!(e.to_string().contains("\"not a path\""), "{e}"),
        other => panic!("expected an options error, got {other:?}"),
    }
    // The path names a module, which cannot carry generic arguments.
    let generic = RustOptions {
        runtime_path: "crate::rt<u8>".to_string(),
        ..Default::default()
    };
    match generate_rust_json(&json, "alltypes.json", &generic) {
        Err(Error::Options(e)) => assert!(e.to_string().contains("generic arguments"), "{e}"),
        other => panic!("expected an options error, got {other:?}"),
    }
}

#[test]
fn parse_and_check_errors_pass_through() {
    match generate_rust_json("{", "x.json", &RustOptions::default()) {
        Err(Error::Parse(e)) => assert!(e.to_string().starts_with("parsing sherpadoc JSON"), "{e}"),
        other => panic!("expected a parse error, got {other:?}"),
    }
    let json = read(&fixture_dir().join("err_checker.json"));
    assert!(matches!(
        generate_rust_json(&json, "x.json", &RustOptions::default()),
        Err(Error::Check(_))
    ));
}

#[test]
fn write_if_changed_keeps_unchanged_files() {
    let dir = std::env::temp_dir().join(format!("sherpa-codegen-wic-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.rs");
    let _ = fs::remove_file(&path);
    assert!(
        write_if_changed(&path, "a").unwrap(),
        "new file not written"
    );
    assert!(
        !write_if_changed(&path, "a").unwrap(),
        "unchanged file rewritten"
    );
    assert!(
        write_if_changed(&path, "b").unwrap(),
        "changed file not written"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "b");
    assert!(write_if_changed(dir.join("missing/dir/x"), "a").is_err());
    fs::remove_dir_all(&dir).unwrap();
}
