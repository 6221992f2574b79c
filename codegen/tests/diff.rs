//! `sherpa_codegen::diff`: one schema pair per rule, with the expected text in
//! `tests/diff/expected/CASE.txt` (`UPDATE_SNAPSHOTS=1` rewrites them after an intended
//! change), and the properties every pair must have: a schema compared with itself has
//! no changes, and swapping the two sides turns each change into its reverse with the
//! two pairings' verdicts swapped.
//!
//! Each case `tests/diff/CASE.json` is `tests/diff/base.json` with one edit, and is
//! compared as the new version of `base.json`.

use std::fs;
use std::path::{Path, PathBuf};

use sherpa_codegen::diff::{ChangeKind, Diff, Scope, TextOptions};
use sherpa_codegen::ir::Api;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn load(path: &Path) -> Api {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sherpa_codegen::read(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every case: (name, new schema).
fn cases() -> Vec<(String, Api)> {
    let mut names: Vec<String> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "base")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let api = load(&dir().join(format!("{n}.json")));
            (n, api)
        })
        .collect()
}

fn all() -> TextOptions {
    TextOptions {
        scope: Scope::Both,
        all: true,
    }
}

/// Compares `actual` with the file, or rewrites the file under `UPDATE_SNAPSHOTS`.
fn check_snapshot(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, actual).unwrap();
        return Ok(());
    }
    match fs::read_to_string(path) {
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => Err(format!(
            "{} differs; run with UPDATE_SNAPSHOTS=1 to accept:\n--- expected\n{expected}--- actual\n{actual}",
            path.display()
        )),
        Err(_) => Err(format!(
            "missing {}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )),
    }
}

#[test]
fn every_case_matches_its_expected_text() {
    let base = load(&dir().join("base.json"));
    let cases = cases();
    assert!(cases.len() >= 30, "the rules' cases are missing");
    let mut failures = Vec::new();
    for (name, new) in &cases {
        let text = sherpa_codegen::diff(&base, new).to_text(&all());
        let path = dir().join("expected").join(format!("{name}.txt"));
        if let Err(e) = check_snapshot(&path, &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_output_matches() {
    let base = load(&dir().join("base.json"));
    let new = load(&dir().join("value_added.json"));
    let json = sherpa_codegen::diff(&base, &new).to_json(&all());
    check_snapshot(&dir().join("expected/value_added.json"), &json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["breaking"], true);
    assert_eq!(v["changes"][0]["kind"], "value-added");
}

/// Every schema the repository has: the cases, the generator's fixtures, the admin
/// API and the test APIs.
fn every_schema() -> Vec<(String, Api)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = cases();
    out.push(("base".into(), load(&dir().join("base.json"))));
    for p in [
        "api.json",
        "tests/fixtures/testapi.json",
        "tests/ts/clientapi.json",
    ] {
        out.push((p.into(), load(&root.join(p))));
    }
    let mut fixtures: Vec<PathBuf> = fs::read_dir(root.join("tests/fixtures/rust"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with("err_"))
        .collect();
    fixtures.sort();
    for p in fixtures {
        out.push((p.display().to_string(), load(&p)));
    }
    out
}

#[test]
fn a_schema_compared_with_itself_has_no_changes() {
    for (name, api) in every_schema() {
        let d = sherpa_codegen::diff(&api, &api);
        assert!(d.changes.is_empty(), "{name}: {:?}", d.changes);
        assert!(!d.is_breaking(Scope::Both));
    }
}

/// A change as the swap property sees it: its kind and whom it breaks.
fn verdicts(d: &Diff, reversed: bool) -> Vec<(ChangeKind, bool, bool)> {
    let mut v: Vec<_> = d
        .changes
        .iter()
        .map(|c| {
            let (clients, servers) = (c.breaks_clients.is_some(), c.breaks_servers.is_some());
            if reversed {
                (c.kind.reversed(), servers, clients)
            } else {
                (c.kind, clients, servers)
            }
        })
        .collect();
    v.sort_by_key(|(k, c, s)| (k.as_str(), *c, *s));
    v
}

#[test]
fn swapping_the_sides_reverses_every_change() {
    let base = load(&dir().join("base.json"));
    for (name, new) in cases() {
        let forward = sherpa_codegen::diff(&base, &new);
        let backward = sherpa_codegen::diff(&new, &base);
        assert!(!forward.changes.is_empty(), "{name}: no change found");
        assert_eq!(
            verdicts(&forward, false),
            verdicts(&backward, true),
            "{name}:\n{}\nreversed:\n{}",
            forward.to_text(&all()),
            backward.to_text(&all())
        );
    }
}

#[test]
fn scope_narrows_what_breaks() {
    let base = load(&dir().join("base.json"));
    let added = load(&dir().join("function_added.json"));
    let d = sherpa_codegen::diff(&base, &added);
    assert!(d.is_breaking(Scope::Both));
    assert!(d.is_breaking(Scope::Servers));
    assert!(!d.is_breaking(Scope::Clients));
    let text = d.to_text(&TextOptions {
        scope: Scope::Clients,
        all: false,
    });
    assert_eq!(
        text,
        "compatible .Functions[Refund]: function added\n1 change: 0 break old clients, 1 compatible\n"
    );
}

#[test]
fn docs_only_changes_are_listed_on_request() {
    let base = load(&dir().join("base.json"));
    let docs = load(&dir().join("docs_only.json"));
    let d = sherpa_codegen::diff(&base, &docs);
    assert_eq!(d.changes.len(), 4);
    assert!(d.changes.iter().all(|c| c.is_docs_only()));
    assert_eq!(
        d.to_text(&TextOptions::default()),
        "0 changes: 0 break old clients, 0 break old servers, 0 compatible; 4 documentation changes not shown (--all lists them)\n"
    );
}

/// The two older versions whose generated clients the end-to-end suites run against
/// the current servers (the TypeScript client in `tests/ts/compat.test.mjs`, the Rust
/// client in `tests/conformance/old_client.rs`): the diff must call every difference
/// compatible for old clients, and still see what each version changed.
#[test]
fn older_versions_run_end_to_end_are_compatible_for_old_clients() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (old, new, changes) in [
        ("tests/ts/clientapi-old.json", "tests/ts/clientapi.json", 6),
        (
            "tests/fixtures/testapi-old.json",
            "tests/fixtures/testapi.json",
            6,
        ),
    ] {
        let d = sherpa_codegen::diff(&load(&root.join(old)), &load(&root.join(new)));
        let text = d.to_text(&all());
        assert!(!d.is_breaking(Scope::Clients), "{old}:\n{text}");
        assert!(d.is_breaking(Scope::Servers), "{old}:\n{text}");
        assert_eq!(d.changes.len(), changes, "{old}:\n{text}");
        assert!(
            d.changes.iter().any(|c| c.kind == ChangeKind::TypeRenamed),
            "{text}"
        );
        assert!(
            d.changes.iter().any(|c| c.kind == ChangeKind::FieldAdded),
            "{text}"
        );
    }
}
