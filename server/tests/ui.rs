//! The admin page's tests: the bundle is what the pinned toolchain builds from the sources,
//! it type-checks against the generated client, and the Playwright suite in `tests/ui/`
//! passes in Debian's Chromium against this package's server binary.
//!
//! These fail (never skip) when Chromium or the npm packages are missing: CI installs both
//! (`.ci/run` installs chromium with apt; `tests/run-all.sh` runs `npm ci`), so a missing
//! one is a broken set-up that must be noticed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate is inside the repository")
        .to_path_buf()
}

fn require_node_modules(root: &Path, package: &str) {
    let dir = root.join("node_modules").join(package);
    assert!(
        dir.is_dir(),
        "{} is missing: run `npm ci` in {} (the pinned versions are in package-lock.json)",
        dir.display(),
        root.display()
    );
}

/// Runs a command in the repository root; panics with its output when it fails.
fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e} (is node installed?)"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}

#[test]
fn web_bundle_is_built_from_the_sources() {
    let root = root();
    require_node_modules(&root, "esbuild");
    run(
        Command::new("node").args(["server/web/build.mjs", "--check"]),
        "checking server/web/dist against a fresh build (run `node server/web/build.mjs` to update it)",
    );
}

#[test]
fn web_sources_type_check() {
    let root = root();
    require_node_modules(&root, "typescript");
    run(
        Command::new("node").args([
            "node_modules/typescript/bin/tsc",
            "-p",
            "server/web/tsconfig.json",
        ]),
        "tsc -p server/web/tsconfig.json",
    );
}

#[test]
fn admin_page_in_chromium() {
    let root = root();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: install Debian's chromium (`apt-get update && apt-get install -y chromium`)"
    );
    require_node_modules(&root, "playwright-core");
    let out = run(
        Command::new("node")
            .args(["--test", "--test-reporter=spec", "tests/ui/admin.test.mjs"])
            .env("SERVER_BIN", env!("CARGO_BIN_EXE_server"))
            .env("CHROMIUM", &chromium),
        "the Playwright suite (node --test tests/ui/admin.test.mjs)",
    );
    // Shown with --nocapture: the test list and the page weight.
    println!("{out}");
}
