//! The generated TypeScript client, checked with the real toolchain:
//!
//! - `generated/` (api.ts, api.js, api.d.ts) is what the generator makes of api.json,
//!   and in CI also what is committed;
//! - the runtime's tsc output (codegen/src/ts_runtime.js and .d.ts) is current;
//! - `tsc --strict --noEmit` passes on the client of every schema (api.json, the
//!   generator's fixtures, the test APIs), in both forms, for `.ts` and `.d.ts`, with
//!   and without DOM typings, and on the two compatibility fixtures that use them;
//! - the `node --test` suites under tests/ts/ pass against the test server
//!   (examples/testapi_server.rs, the runtime serving tests/ts/clientapi.json) and, for
//!   the checked-in admin client, against the admin server.
//!
//! TypeScript comes from node_modules (pinned in package-lock.json): run `npm ci` in the
//! repository root first, as tests/run-all.sh does.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sherpa_codegen::{Error, TsOptions, TsOutput, generate_typescript};

/// Reads and checks a schema, then generates its TypeScript client.
fn generate_from_json(json: &str, opts: &TsOptions) -> Result<TsOutput, Error> {
    generate_typescript(&sherpa_codegen::read(json)?, opts)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The TypeScript compiler's entry point; fails the test with instructions when
/// node_modules has not been installed.
fn tsc() -> PathBuf {
    let tsc = root().join("node_modules/typescript/bin/tsc");
    assert!(
        tsc.exists(),
        "{} is missing: run `npm ci` in the repository root to install the pinned TypeScript (tests/run-all.sh does this)",
        tsc.display()
    );
    tsc
}

/// A fresh, empty directory for one test's files.
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("typescript")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn generate(schema: &Path, namespace: Option<&str>) -> Result<TsOutput, String> {
    let opts = TsOptions {
        namespace: namespace.map(str::to_string),
        source_name: schema.file_name().unwrap().to_string_lossy().into_owned(),
        ..TsOptions::default()
    };
    generate_from_json(&read(schema), &opts).map_err(|e| e.to_string())
}

/// Writes api.ts, api.js and api.d.ts into `dir`.
fn write_client(dir: &Path, out: &TsOutput) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("api.ts"), &out.ts).unwrap();
    fs::write(dir.join("api.js"), &out.js).unwrap();
    fs::write(dir.join("api.d.ts"), &out.dts).unwrap();
}

/// Runs `node tsc args...` from the repository root and fails with its output.
fn run_tsc(what: &str, args: &[&str], files: &[PathBuf]) {
    let output = Command::new("node")
        .arg(tsc())
        .args(args)
        .args(files)
        .current_dir(root())
        .output()
        .expect("running node (Node.js >= 20 must be installed)");
    assert!(
        output.status.success(),
        "tsc failed for {what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

const STRICT: &[&str] = &["--strict", "--noEmit", "--target", "es2022"];

/// Every schema whose client is type-checked: (name, path). The generator's Rust
/// fixtures that are valid for TypeScript are included; the ones it rejects must be
/// fixtures of invalid schemas (err_*).
fn schemas() -> Vec<(String, PathBuf)> {
    let mut out = vec![
        ("admin".to_string(), root().join("api.json")),
        (
            "testapi".to_string(),
            root().join("tests/fixtures/testapi.json"),
        ),
        (
            "clientapi".to_string(),
            root().join("tests/ts/clientapi.json"),
        ),
        (
            "skewed".to_string(),
            root().join("tests/ts/clientapi-skewed.json"),
        ),
        (
            "old".to_string(),
            root().join("tests/ts/clientapi-old.json"),
        ),
        (
            "ts_hygiene".to_string(),
            root().join("tests/ts/fixtures/ts_hygiene.json"),
        ),
    ];
    let fixtures = root().join("tests/fixtures/rust");
    let mut entries: Vec<PathBuf> = fs::read_dir(&fixtures)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.extension().is_some_and(|e| e == "json") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((format!("rust_{stem}"), path));
        }
    }
    out
}

#[test]
fn generated_dir_is_fresh() {
    let out = generate(&root().join("api.json"), None).unwrap();
    let mut stale = Vec::new();
    for (name, want) in [
        ("api.ts", &out.ts),
        ("api.js", &out.js),
        ("api.d.ts", &out.dts),
    ] {
        let path = root().join("generated").join(name);
        if fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(format!("generated/{name}"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}; run `cargo build` (build.rs rewrites generated/) and commit generated/",
        stale.join(", ")
    );
    // In CI the checkout is fresh, so anything build.rs had to rewrite was committed stale.
    if std::env::var_os("CI").is_some() {
        let status = Command::new("git")
            .args(["status", "--porcelain", "--", "generated/"])
            .current_dir(root())
            .output();
        if let Ok(status) = status
            && status.status.success()
        {
            let changed = String::from_utf8_lossy(&status.stdout);
            assert!(
                changed.trim().is_empty(),
                "generated/ differs from what is committed (run `cargo build` and commit generated/):\n{changed}"
            );
        }
    }
}

#[test]
fn runtime_tsc_output_is_fresh() {
    let dir = work_dir("runtime");
    let config = root().join("tests/ts/tsconfig.runtime.json");
    run_tsc(
        "the runtime",
        &[
            "-p",
            config.to_str().unwrap(),
            "--outDir",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    for name in ["ts_runtime.js", "ts_runtime.d.ts"] {
        assert_eq!(
            read(&dir.join(name)),
            read(&root().join("codegen/src").join(name)),
            "codegen/src/{name} is not tsc's output for ts_runtime.ts: run `npm run build:ts-runtime`"
        );
    }
}

#[test]
fn every_client_passes_tsc_strict() {
    let dir = work_dir("strict");
    let mut modules = Vec::new();
    let mut scripts = Vec::new();
    let mut script_declarations = Vec::new();
    let mut no_dom = Vec::new();
    for (i, (name, schema)) in schemas().iter().enumerate() {
        let module = match generate(schema, None) {
            Ok(out) => out,
            Err(e) => {
                assert!(
                    name.starts_with("rust_err_"),
                    "generating TypeScript for {}: {e}",
                    schema.display()
                );
                continue;
            }
        };
        write_client(&dir.join(name), &module);
        modules.push(dir.join(name).join("api.ts"));
        modules.push(dir.join(name).join("api.d.ts"));
        if name == "admin" || name == "clientapi" || name == "ts_hygiene" {
            no_dom.push(dir.join(name).join("api.ts"));
        }
        // Distinct namespace names, so all scripts can be checked in one program.
        let ns = format!("ns{i}");
        let script = generate(schema, Some(&ns)).unwrap();
        write_client(&dir.join(format!("{name}-ns")), &script);
        scripts.push(dir.join(format!("{name}-ns")).join("api.ts"));
        script_declarations.push(dir.join(format!("{name}-ns")).join("api.d.ts"));
    }
    assert!(
        modules.len() >= 2 * 15,
        "clients generated: {}",
        modules.len() / 2
    );

    // ES modules and all declaration files (the script declarations declare global
    // namespaces, which do not meet the modules).
    let mut files = modules.clone();
    files.extend(script_declarations);
    // A user with only api.js and api.d.ts (npm install ../generated).
    let consumer = dir.join("consumer");
    fs::create_dir_all(&consumer).unwrap();
    for name in ["api.js", "api.d.ts"] {
        fs::copy(root().join("generated").join(name), consumer.join(name)).unwrap();
    }
    fs::copy(
        root().join("tests/ts/compat/module_consumer.ts"),
        consumer.join("module_consumer.ts"),
    )
    .unwrap();
    files.push(consumer.join("module_consumer.ts"));
    let mut args = STRICT.to_vec();
    args.extend([
        "--module",
        "es2022",
        "--moduleResolution",
        "bundler",
        "--lib",
        "es2022,dom",
    ]);
    run_tsc("the ES modules and declarations", &args, &files);

    // The namespace scripts, with a frontend written like mox's admin.ts against the
    // admin client in `namespace api`.
    let compat = dir.join("compat-ns");
    write_client(
        &compat,
        &generate(&root().join("api.json"), Some("api")).unwrap(),
    );
    let mut files = scripts;
    files.push(compat.join("api.ts"));
    files.push(root().join("tests/ts/compat/admin_compat.ts"));
    let mut args = STRICT.to_vec();
    args.extend(["--lib", "es2022,dom"]);
    run_tsc(
        "the namespace scripts and the sherpats-style frontend",
        &args,
        &files,
    );

    // Without DOM or Node typings: the client declares what it uses itself.
    let mut args = STRICT.to_vec();
    args.extend(["--module", "es2022", "--lib", "es2022"]);
    run_tsc("the clients without DOM typings", &args, &no_dom);
}

/// A binary of this workspace in the profile directory this test runs from, built
/// with the same cargo and target dir when it is not there yet (`cargo test` of the
/// whole workspace builds both before running any test; `cargo test --test typescript`
/// does not). `kind` is "examples" or "" (a package's binary).
fn workspace_binary(kind: &str, name: &str, build_args: &[&str]) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let bin = profile_dir
        .join(kind)
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .arg("build")
            .args(build_args)
            .current_dir(root())
            .status()
            .expect("running cargo build");
        assert!(status.success(), "cargo build {build_args:?} failed");
    }
    assert!(bin.exists(), "{} was not built", bin.display());
    bin
}

#[test]
fn node_suites_pass() {
    let dir = work_dir("node");
    let clients: &[(&str, &str, Option<&str>)] = &[
        ("clientapi", "tests/ts/clientapi.json", None),
        ("clientapi-ns", "tests/ts/clientapi.json", Some("clientapi")),
        ("skewed", "tests/ts/clientapi-skewed.json", None),
        ("old", "tests/ts/clientapi-old.json", None),
        ("hygiene", "tests/ts/fixtures/ts_hygiene.json", None),
    ];
    for (name, schema, ns) in clients {
        write_client(
            &dir.join(name),
            &generate(&root().join(schema), *ns).unwrap(),
        );
    }
    // The same module compiled by tsc, to check the emitted api.js behaves the same.
    let tsc_out = dir.join("clientapi-tsc");
    let args = [
        "--strict",
        "--target",
        "es2022",
        "--module",
        "es2022",
        "--outDir",
        tsc_out.to_str().unwrap(),
    ];
    run_tsc(
        "compiling the test client",
        &args,
        &[dir.join("clientapi/api.ts")],
    );

    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-timeout=120000", "tests/ts/"])
        .current_dir(root())
        .env("SHERPA_TS_CLIENT_DIR", &dir);
    // examples/testapi_server.rs, serving tests/ts/clientapi.json.
    cmd.env(
        "SHERPA_TS_SERVER",
        workspace_binary(
            "examples",
            "testapi_server",
            &["--example", "testapi_server"],
        ),
    );
    // The admin server, for the checked-in admin client.
    cmd.env(
        "SHERPA_ADMIN_SERVER",
        workspace_binary("", "server", &["-p", "server", "--bin", "server"]),
    );
    let output = cmd
        .output()
        .expect("running node --test (Node.js >= 20 must be installed)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let counts: BTreeMap<&str, &str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter_map(|l| l.split_once(' '))
        .filter(|(k, _)| ["tests", "pass", "fail"].contains(k))
        .collect();
    eprintln!("node --test: {counts:?}");
    assert!(
        output.status.success(),
        "node --test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let passed: usize = counts.get("pass").and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(passed >= 30, "only {passed} node tests passed:\n{stdout}");
}

#[test]
fn names_the_client_cannot_use_are_errors_with_paths() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"Name":"X","Structs":[{"Name":"Client","Fields":[]}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Structs[0 ("Client")]: type name "Client" collides with a name the TypeScript client declares"#,
        ),
        (
            r#"{"Name":"X","Strings":[{"Name":"sherpaCall","Values":null}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Strings[0 ("sherpaCall")]: type name "sherpaCall" collides with a name the TypeScript client declares"#,
        ),
        (
            r#"{"Name":"X","Functions":[{"Name":"withOptions","Params":[],"Returns":[]}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Functions[0 ("withOptions")]: function name "withOptions" collides with a member of the generated Client class"#,
        ),
        (
            r#"{"Name":"X","Structs":[{"Name":"a.b","Fields":[]}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Structs[0 ("a.b")]: type name "a.b" is not a TypeScript identifier"#,
        ),
        (
            r#"{"Name":"X","Structs":[{"Name":"S","Fields":[{"Name":"A","Typewords":["string"]},{"Name":"A","Typewords":["int32"]}]}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Structs[0 ("S")].Fields[1 ("A")]: duplicate field name "A""#,
        ),
        (
            r#"{"Name":"X","Ints":[{"Name":"N","Values":[{"Name":"1","Value":1}]}],"SherpadocVersion":1}"#,
            r#"cannot generate TypeScript for sherpadoc at .Ints[0 ("N")].Values[0 ("1")]: a numeric name cannot be a TypeScript enum member"#,
        ),
        (
            r#"{"Name":"X","Ints":[{"Name":"K","Values":[{"Name":"KA","Value":1}]}],"Functions":[{"Name":"F","Params":[{"Name":"k","Typewords":["KA"]}],"Returns":[]}],"SherpadocVersion":1}"#,
            r#"invalid sherpadoc at .Functions[0 ("F")].Params[0 ("k")]: referenced type "KA" is a value of "K", not a type"#,
        ),
        (
            r#"{"Name":"X","Structs":[{"Name":"S","Fields":[{"Name":"A","Typewords":["Missing"]}]}],"SherpadocVersion":1}"#,
            r#"invalid sherpadoc at .Structs[0 ("S")].Fields[0 ("A")]: referenced type "Missing" does not exist"#,
        ),
    ];
    for (json, want) in cases {
        let got = generate_from_json(json, &TsOptions::default())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert_eq!(&got, want, "for {json}");
    }
    let ns = TsOptions {
        namespace: Some("Thing".to_string()),
        ..TsOptions::default()
    };
    let got = generate_from_json(
        r#"{"Name":"X","Structs":[{"Name":"Thing","Fields":[]}],"SherpadocVersion":1}"#,
        &ns,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        got,
        r#"cannot generate TypeScript for sherpadoc at .Structs[0 ("Thing")]: type name "Thing" is the namespace name"#
    );
}

#[test]
fn output_is_deterministic_and_sherpats_shaped() {
    let a = generate(&root().join("api.json"), Some("api")).unwrap();
    let b = generate(&root().join("api.json"), Some("api")).unwrap();
    assert_eq!(a, b);
    // The declarations sherpats users rely on, as sherpats writes them.
    for line in [
        "namespace api {",
        "export interface Domain {",
        "\tErrors?: string[] | null",
        "export enum Mode {",
        "\tModeEnforce = \"enforce\",",
        "export type CSRFToken = string",
        "export const intsTypes: { [typename: string]: boolean } = {}",
        "\tasync Login(loginToken: string, password: string): Promise<CSRFToken> {",
        "\tasync DMARCEvaluationsDomain(domain: string): Promise<[Domain, Evaluation[] | null]> {",
        "\tasync QueueSaveRequireTLS(id: number, requireTLS: boolean | null): Promise<void> {",
        "\tasync DNSBLStatus(): Promise<{ [key: string]: { [key: string]: string } }> {",
        "\tasync ConfigFiles(): Promise<[string, string, string, string]> {",
        "\tDomain: (v: any) => parse(\"Domain\", v) as Domain,",
        "let defaultOptions: ClientOptions = { slicesNullable: true, mapsNullable: true, nullableOptional: true }",
        "export const defaultBaseURL: string = sherpaDefaultBaseURL(\"api\")",
    ] {
        assert!(a.ts.lines().any(|l| l == line), "missing line: {line}");
    }
    // Bytes are strings (bytes-to-string), nullable with slices-nullable.
    assert!(a.ts.contains("\tMsgPrefix?: string | null\n"));
    assert!(a.ts.contains("\"MsgPrefix\",\"Docs\":\"\",\"Typewords\":[\"nullable\",\"string\"]"));
}
