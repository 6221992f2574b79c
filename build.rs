//! Generates the bindings of `api.json`: the Rust module `sherpa_admin::api` (server
//! and client) and the API reference page into `OUT_DIR`, and the TypeScript client
//! under `generated/`, from one read of the schema.
//!
//! Each output is written only when its contents change, and the schema is listed with
//! `rerun-if-changed`, so a no-op `cargo build` neither reruns this script nor recompiles
//! the crate. A schema error fails the build with the checker's one-line message.
//!
//! The test suites' own schemas (`tests/fixtures/testapi.json`, `tests/ts/clientapi.json`)
//! are not generated here: their bindings are checked in next to them and kept current
//! by `tests/codegen_rust.rs`, so building the library does not build test code.

use std::path::PathBuf;
use std::process::ExitCode;

use sherpa_codegen::{
    HtmlOptions, RustOptions, generate_html, generate_rust, generate_typescript, read,
    write_if_changed,
};

include!("src/wire_results.rs");

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
    println!("cargo::rerun-if-changed=api.json");
    let json = std::fs::read_to_string(manifest_dir.join("api.json"))
        .map_err(|e| format!("reading api.json: {e}"))?;
    let api = read(&json).map_err(|e| format!("api.json: {e}"))?;

    // Server and client in one module, sharing the types; the client only with this
    // crate's `client` feature, so servers do not build an HTTP client.
    let opts = RustOptions {
        client: true,
        client_feature: Some("client".to_string()),
        wire_results: WIRE_RESULTS.iter().map(|f| f.to_string()).collect(),
        ..Default::default()
    };
    let rust = generate_rust(&api, "api.json", &opts).map_err(|e| format!("api.json: {e}"))?;
    let path = out_dir.join("admin.rs");
    write_if_changed(&path, &rust).map_err(|e| format!("writing {}: {e}", path.display()))?;

    // The reference page, for the admin server to serve next to the API it describes
    // (whose functions it calls at `/admin/api/`).
    let html = generate_html(
        &api,
        &HtmlOptions {
            base_url: Some("/admin/api/".to_string()),
        },
    );
    let path = out_dir.join("api-reference.html");
    write_if_changed(&path, &html).map_err(|e| format!("writing {}: {e}", path.display()))?;

    // The TypeScript client is checked in under generated/ (for frontends without
    // cargo); refresh it when it changes. tests/typescript.rs fails when it is stale.
    let ts =
        generate_typescript(&api, &Default::default()).map_err(|e| format!("api.json: {e}"))?;
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

fn env_path(var: &str) -> Result<PathBuf, String> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{var} is not set (build scripts run under cargo)"))
}
