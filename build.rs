//! Generates the Rust bindings of the schemas this package serves into `OUT_DIR`.
//!
//! Each output is written only when its contents change, and every input is listed with
//! `rerun-if-changed`, so a no-op `cargo build` neither reruns this script nor recompiles
//! the crate. A schema error fails the build with the checker's one-line message.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sherpa_codegen::{RustOptions, generate_rust, write_if_changed};

/// (schema, generated Rust file in `OUT_DIR`).
const RUST_OUTPUTS: &[(&str, &str)] = &[
    // The mox admin API: `sherpa_admin::api`.
    ("api.json", "admin.rs"),
    // The conformance-test API, included by the tests themselves.
    ("tests/fixtures/testapi.json", "testapi.rs"),
    // The API the TypeScript client's tests call (examples/testapi_server.rs).
    ("tests/ts/clientapi.json", "ts_clientapi.rs"),
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            println!("cargo::error={message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    for (schema, output) in RUST_OUTPUTS {
        println!("cargo::rerun-if-changed={schema}");
        let code = generate(&manifest_dir.join(schema), schema)?;
        let path = out_dir.join(output);
        write_if_changed(&path, &code).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    // The TypeScript client of api.json is checked in under generated/ (for frontends
    // without cargo); refresh it when it changes. tests/typescript.rs fails when it is stale.
    let json = std::fs::read_to_string(manifest_dir.join("api.json"))
        .map_err(|e| format!("reading api.json: {e}"))?;
    let ts = sherpa_codegen::emit_ts::generate_from_json(&json, &Default::default())
        .map_err(|e| format!("api.json: {e}"))?;
    for (name, text) in [
        ("api.ts", &ts.ts),
        ("api.js", &ts.js),
        ("api.d.ts", &ts.dts),
    ] {
        let path = manifest_dir.join("generated").join(name);
        if let Err(e) = write_if_changed(&path, text) {
            // E.g. a read-only source tree when built as a dependency: Rust users do not need it.
            println!("cargo::warning=not refreshing {}: {e}", path.display());
        }
    }
    Ok(())
}

/// Reads a schema and generates its Rust bindings; `name` is used in messages and in the
/// `@generated` header.
fn generate(path: &Path, name: &str) -> Result<String, String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("reading {name}: {e}"))?;
    generate_rust(&json, name, &RustOptions::default()).map_err(|e| format!("{name}: {e}"))
}

fn env_path(var: &str) -> Result<PathBuf, String> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{var} is not set (build scripts run under cargo)"))
}
