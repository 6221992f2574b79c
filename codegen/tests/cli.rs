//! The `sherpa-codegen` binary: `generate` (with and without `--check`), `stubs`, `check`, `diff`, `docs`,
//! and its exit codes (0 ok, 1 stale, 2 usage or schema errors).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use quote::ToTokens;
use sherpa_codegen::{RustOptions, generate_rust, read};

/// A small schema using every kind of type, sections, keyword and `ctx` parameter names,
/// several returns, and docs that need converting.
const TEST_API: &str = r#"{
  "Name": "Test",
  "Docs": "A test API.",
  "Functions": [
    {"Name": "Echo", "Docs": "Echo returns its input.\r\n\n\tindented [code]", "Params": [{"Name": "text", "Typewords": ["string"]}], "Returns": [{"Name": "r0", "Typewords": ["string"]}]},
    {"Name": "Nothing", "Docs": "", "Params": [], "Returns": []},
    {"Name": "Pair", "Docs": "Two returns.", "Params": [{"Name": "type", "Typewords": ["nullable", "Kind"]}, {"Name": "ctx", "Typewords": ["[]", "uint8"]}],
     "Returns": [{"Name": "r0", "Typewords": ["int64s"]}, {"Name": "r1", "Typewords": ["{}", "[]", "nullable", "Msg"]}]},
    {"Name": "Everything", "Docs": "", "Params": [
       {"Name": "a", "Typewords": ["any"]}, {"Name": "b", "Typewords": ["bool"]}, {"Name": "c", "Typewords": ["int8"]},
       {"Name": "d", "Typewords": ["uint8"]}, {"Name": "e", "Typewords": ["int16"]}, {"Name": "f", "Typewords": ["uint16"]},
       {"Name": "g", "Typewords": ["int32"]}, {"Name": "h", "Typewords": ["uint32"]}, {"Name": "i", "Typewords": ["int64"]},
       {"Name": "j", "Typewords": ["uint64"]}, {"Name": "k", "Typewords": ["uint64s"]}, {"Name": "l", "Typewords": ["float32"]},
       {"Name": "m", "Typewords": ["float64"]}, {"Name": "n", "Typewords": ["nullable", "[]", "nullable", "uint8"]},
       {"Name": "camelCase", "Typewords": ["Level"]}, {"Name": "o", "Typewords": ["Anything"]}],
     "Returns": [{"Name": "r0", "Typewords": ["timestamp"]}]}
  ],
  "Sections": [
    {"Name": "Sub", "Docs": "", "Functions": [
       {"Name": "SubCall", "Docs": "In a subsection.", "Params": [{"Name": "m", "Typewords": ["Msg"]}], "Returns": [{"Name": "r0", "Typewords": ["Level"]}]}],
     "Sections": [],
     "Structs": [{"Name": "Msg", "Docs": "", "Fields": [{"Name": "ID", "Docs": "", "Typewords": ["int64"]}, {"Name": "Next", "Docs": "", "Typewords": ["nullable", "Msg"]}]}],
     "Ints": [{"Name": "Level", "Docs": "", "Values": [{"Name": "LevelLow", "Value": 1, "Docs": ""}]}],
     "Strings": [{"Name": "Kind", "Docs": "", "Values": [{"Name": "KindA", "Value": "a", "Docs": ""}]}, {"Name": "Anything", "Docs": "", "Values": null}]}
  ],
  "Structs": [],
  "Ints": [],
  "Strings": [],
  "SherpaVersion": 0,
  "SherpadocVersion": 1
}"#;

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("sherpa-codegen-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sherpa-codegen"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn generate_writes_the_library_output_only_when_changed() {
    let dir = Scratch::new("generate");
    let schema = dir.file("testapi.json", TEST_API);
    let out = dir.0.join("test.rs");
    let expected = generate_rust(
        &read(TEST_API).unwrap(),
        "testapi.json",
        &RustOptions::default(),
    )
    .unwrap();

    let o = run(&["generate", s(&schema), "--rust", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);

    // Unchanged output is not rewritten: an old modification time stays.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&out)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let o = run(&["generate", s(&schema), "--rust", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::metadata(&out).unwrap().modified().unwrap(), old);

    // Changed output is.
    std::fs::write(&out, "// edited\n").unwrap();
    let o = run(&["generate", s(&schema), "--rust", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
}

#[test]
fn generate_uses_the_runtime_path() {
    let dir = Scratch::new("runtime-path");
    let schema = dir.file("testapi.json", TEST_API);
    let out = dir.0.join("test.rs");
    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&out),
        "--runtime-path",
        "::my_crate::rt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let opts = RustOptions {
        runtime_path: "::my_crate::rt".to_string(),
        ..Default::default()
    };
    let expected = generate_rust(&read(TEST_API).unwrap(), "testapi.json", &opts).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert!(expected.contains("::my_crate::rt::Error"));

    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&out),
        "--runtime-path",
        "not a path",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// `--wire-result` gives the named functions a `Wire<T>` result in the trait and in
/// the stubs (as `RustOptions::wire_results` does); an unknown name is a usage error.
#[test]
fn wire_results_in_generate_and_stubs() {
    let dir = Scratch::new("wire-result");
    let schema = dir.file("testapi.json", TEST_API);
    let out = dir.0.join("test.rs");
    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&out),
        "--wire-result",
        "Pair",
        "--wire-result",
        "Echo",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let opts = RustOptions {
        wire_results: vec!["Pair".to_string(), "Echo".to_string()],
        ..Default::default()
    };
    let expected = generate_rust(&read(TEST_API).unwrap(), "testapi.json", &opts).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert!(expected.contains("::sherpa_runtime::Wire<::std::string::String>"));
    let o = run(&["stubs", s(&schema), "--wire-result", "Echo"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("-> Result<Wire<String>, Error>"),
        "{}",
        text(&o.stdout)
    );

    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&out),
        "--wire-result",
        "Nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("wire result for \"Nope\": the schema has no such function"),
        "{}",
        text(&o.stderr)
    );
}

/// `--rust-client` alone writes types and client; naming the same file as `--rust`
/// writes one file with both sides and one copy of the types; missing directories are
/// created.
#[test]
fn generate_rust_client() {
    let dir = Scratch::new("client");
    let schema = dir.file("testapi.json", TEST_API);
    let api = read(TEST_API).unwrap();
    let expect = |server, client| {
        let opts = RustOptions {
            server,
            client,
            ..Default::default()
        };
        generate_rust(&api, "testapi.json", &opts).unwrap()
    };

    let client_only = dir.0.join("new/dir/client.rs");
    let o = run(&["generate", s(&schema), "--rust-client", s(&client_only)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&client_only).unwrap();
    assert_eq!(written, expect(false, true));
    assert!(written.contains("pub mod client {") && !written.contains("pub trait Api"));

    let both = dir.0.join("both.rs");
    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&both),
        "--rust-client",
        s(&both),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = std::fs::read_to_string(&both).unwrap();
    assert_eq!(written, expect(true, true));
    assert!(written.contains("pub mod client {") && written.contains("pub trait Api"));
    assert_eq!(written.matches("pub struct Msg {").count(), 1);

    let (server, client) = (dir.0.join("s.rs"), dir.0.join("c.rs"));
    let o = run(&[
        "generate",
        s(&schema),
        "--rust",
        s(&server),
        "--rust-client",
        s(&client),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(&server).unwrap(),
        expect(true, false)
    );
    assert_eq!(
        std::fs::read_to_string(&client).unwrap(),
        expect(false, true)
    );
}

#[test]
fn generate_check_reports_stale_and_missing_files() {
    let dir = Scratch::new("check");
    let schema = dir.file("testapi.json", TEST_API);
    let out = dir.0.join("test.rs");

    // Missing counts as stale, and --check writes nothing.
    let o = run(&["generate", s(&schema), "--rust", s(&out), "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), format!("stale: {}\n", out.display()));
    assert!(!out.exists());

    // Fresh.
    let o = run(&["generate", s(&schema), "--rust", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["generate", s(&schema), "--rust", s(&out), "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(text(&o.stdout), "");

    // Stale after an edit, and left as it is.
    let mut edited = std::fs::read_to_string(&out).unwrap();
    edited.push('\n');
    std::fs::write(&out, &edited).unwrap();
    let o = run(&["generate", s(&schema), "--rust", s(&out), "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), format!("stale: {}\n", out.display()));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), edited);

    // Stale after a schema change.
    let o = run(&["generate", s(&schema), "--rust", s(&out)]);
    assert_eq!(o.status.code(), Some(0));
    let schema = dir.file("testapi.json", &TEST_API.replace("A test API.", "Changed."));
    let o = run(&["generate", s(&schema), "--rust", s(&out), "--check"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn invalid_schemas_exit_2_with_the_message() {
    let dir = Scratch::new("invalid");
    let out = dir.0.join("out.rs");
    let bad = TEST_API.replace(r#"["nullable", "Msg"]"#, r#"["nullable", "Missing"]"#);
    let cases = [
        (
            bad.as_str(),
            r#"invalid sherpadoc at .Sections[0 ("Sub")].Structs[0 ("Msg")].Fields[1 ("Next")]: referenced type "Missing" does not exist"#,
        ),
        (
            r#"{"SherpadocVersion": 2}"#,
            "unexpected sherpadoc version 2, expected 1",
        ),
        ("{", "parsing sherpadoc JSON: EOF while parsing an object"),
        // Valid for Go, but the two fields would both be `id` in Rust.
        (
            r#"{"SherpadocVersion":1,"Structs":[{"Name":"M","Fields":[{"Name":"ID","Typewords":["bool"]},{"Name":"Id","Typewords":["bool"]}]}]}"#,
            r#"invalid sherpadoc at .Structs[0 ("M")].Fields[1 ("Id")]: Rust name "id" already used by field "ID""#,
        ),
    ];
    for (schema_text, message) in cases {
        let schema = dir.file("bad.json", schema_text);
        for args in [
            vec!["generate", s(&schema), "--rust", s(&out)],
            vec!["generate", s(&schema), "--rust", s(&out), "--check"],
            vec!["stubs", s(&schema)],
            vec!["check", s(&schema)],
        ] {
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let stderr = text(&o.stderr);
            assert!(
                stderr.starts_with(&format!("sherpa-codegen: {}: {message}", schema.display())),
                "{args:?}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert_eq!(text(&o.stdout), "");
            assert!(!out.exists());
        }
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = Scratch::new("usage");
    let schema = dir.file("testapi.json", TEST_API);
    let missing = dir.0.join("missing.json");
    for args in [
        vec![],
        vec!["bogus"],
        vec!["generate"],
        vec!["generate", s(&schema)],
        vec!["generate", s(&schema), "--rust"],
        vec!["generate", s(&missing), "--rust", "x.rs"],
        vec!["stubs"],
        vec!["stubs", s(&missing)],
        vec!["stubs", s(&schema), "--module", "not a path"],
        vec!["stubs", s(&schema), "--struct-name", "a::b"],
        vec!["stubs", s(&schema), "--runtime-path", "1x"],
        vec!["check", s(&missing)],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
    let o = run(&["check", s(&schema)]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("generate"));
}

/// A method signature reduced to comparable text: name, then `param: Type` pairs, then
/// the success type, with whitespace removed and well-known paths shortened.
fn normalize(ty: &str, module: &str) -> String {
    let mut t: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    for (long, short) in [
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::std::string::String", "String"),
        ("::core::option::Option", "Option"),
        ("::std::vec::Vec", "Vec"),
        ("::core::result::Result", "Result"),
        // The stubs import the runtime types they use.
        ("::sherpa_runtime::", ""),
    ] {
        t = t.replace(long, short);
    }
    // prettyplease ends wrapped generic and tuple lists with a comma.
    t.replace(&format!("{module}::"), "")
        .replace(",>", ">")
        .replace(",)", ")")
}

/// The type inside `Result<T, E>` (or `impl Future<Output = Result<T, E>> + Send`).
fn success_type(ty: &syn::Type) -> syn::Type {
    let path = match ty {
        syn::Type::Path(p) => &p.path,
        syn::Type::ImplTrait(it) => {
            let Some(syn::TypeParamBound::Trait(bound)) = it.bounds.first() else {
                panic!("no trait bound")
            };
            let syn::PathArguments::AngleBracketed(args) =
                &bound.path.segments.last().unwrap().arguments
            else {
                panic!("no Output")
            };
            let Some(syn::GenericArgument::AssocType(output)) = args.args.first() else {
                panic!("no Output")
            };
            return success_type(&output.ty);
        }
        other => panic!("unexpected return type {}", other.to_token_stream()),
    };
    let last = path.segments.last().unwrap();
    assert_eq!(last.ident, "Result");
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        panic!("Result without arguments")
    };
    let Some(syn::GenericArgument::Type(t)) = args.args.first() else {
        panic!("Result without T")
    };
    t.clone()
}

fn signature(sig: &syn::Signature, module: &str) -> String {
    let mut parts = vec![sig.ident.to_string()];
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => {
                parts.push(normalize(&r.to_token_stream().to_string(), module))
            }
            syn::FnArg::Typed(t) => parts.push(format!(
                "{}:{}",
                t.pat.to_token_stream(),
                normalize(&t.ty.to_token_stream().to_string(), module)
            )),
        }
    }
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        panic!("{} returns nothing", sig.ident)
    };
    parts.push(normalize(
        &success_type(ty).to_token_stream().to_string(),
        module,
    ));
    parts.join(" ")
}

#[test]
fn stubs_match_the_generated_trait() {
    let dir = Scratch::new("stubs");
    let schema = dir.file("testapi.json", TEST_API);
    let module = "generated";
    let o = run(&[
        "stubs",
        s(&schema),
        "--module",
        module,
        "--struct-name",
        "TestImpl",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stubs_text = text(&o.stdout);
    let stubs = syn::parse_file(&stubs_text).unwrap_or_else(|e| panic!("{e}\n{stubs_text}"));

    let generated = generate_rust(
        &read(TEST_API).unwrap(),
        "testapi.json",
        &RustOptions::default(),
    )
    .unwrap();
    let generated = syn::parse_file(&generated).unwrap();

    let trait_sigs: Vec<String> = generated
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Trait(t) if t.ident == "Api" => Some(t),
            _ => None,
        })
        .expect("generated Api trait")
        .items
        .iter()
        .filter_map(|item| match item {
            syn::TraitItem::Fn(f) => Some(signature(&f.sig, module)),
            _ => None,
        })
        .collect();

    let imp = stubs
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Impl(i) => Some(i),
            _ => None,
        })
        .expect("an impl block");
    let (trait_path, _) = imp.trait_.as_ref().expect("a trait impl");
    assert_eq!(trait_path.to_token_stream().to_string(), "generated :: Api");
    assert_eq!(imp.self_ty.to_token_stream().to_string(), "TestImpl");
    let mut stub_sigs = Vec::new();
    for item in &imp.items {
        match item {
            syn::ImplItem::Fn(f) => {
                assert!(f.sig.asyncness.is_some(), "{} is not async", f.sig.ident);
                // The body returns the not-implemented error with the wire name.
                let body = f.block.to_token_stream().to_string();
                assert!(body.contains("Error :: not_implemented"), "{body}");
                stub_sigs.push(signature(&f.sig, module));
            }
            syn::ImplItem::Type(t) => {
                assert_eq!(t.ident, "Context");
                assert_eq!(t.ty.to_token_stream().to_string(), "()");
            }
            other => panic!("unexpected item {}", other.to_token_stream()),
        }
    }
    assert_eq!(stub_sigs, trait_sigs);
    // The comparison above covers the interesting cases.
    assert_eq!(trait_sigs.len(), 5);
    assert!(
        trait_sigs.iter().any(|s| s.contains("r#type:Option<Kind>")),
        "{trait_sigs:?}"
    );
    assert!(
        trait_sigs.iter().any(|s| s.contains("ctx_:&Self::Context")),
        "{trait_sigs:?}"
    );
    assert!(stubs_text.contains(r#"Err(Error::not_implemented("SubCall"))"#));
    assert!(
        stubs_text.contains("use ::sherpa_runtime::{Bytes, Error, Int64s, Timestamp, Uint64s};")
    );
    assert!(stubs_text.contains("use std::collections::BTreeMap;"));
    // Docs were converted: no bare carriage return, indented text fenced.
    assert!(!stubs_text.contains('\r'));
    assert!(stubs_text.contains("```text"), "{stubs_text}");
}

fn diff_case(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff")
        .join(format!("{name}.json"))
        .display()
        .to_string()
}

#[test]
fn diff_exit_status_says_whether_something_breaks() {
    let base = diff_case("base");
    let same = run(&["diff", &base, &base]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(text(&same.stdout), "no changes\n");

    let compatible = run(&["diff", &base, &diff_case("param_renamed")]);
    assert_eq!(
        compatible.status.code(),
        Some(0),
        "{}",
        text(&compatible.stdout)
    );
    assert!(text(&compatible.stdout).starts_with("compatible .Functions[Order].Params[0]: "));

    let breaking = run(&["diff", &base, &diff_case("param_added")]);
    assert_eq!(breaking.status.code(), Some(1));
    let out = text(&breaking.stdout);
    assert!(
        out.contains(
            "breaks old clients: old clients send 2 parameters where new servers require 3"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("1 change: 1 breaks old clients, 1 breaks old servers, 0 compatible\n"),
        "{out}"
    );
}

#[test]
fn diff_check_only_narrows_what_counts() {
    let base = diff_case("base");
    let added = diff_case("function_added");
    assert_eq!(run(&["diff", &base, &added]).status.code(), Some(1));
    let clients = run(&["diff", &base, &added, "--check-only", "clients"]);
    assert_eq!(clients.status.code(), Some(0));
    assert!(!text(&clients.stdout).contains("breaks old servers"));
    let servers = run(&["diff", &base, &added, "--check-only", "servers"]);
    assert_eq!(servers.status.code(), Some(1));
    let bad = run(&["diff", &base, &added, "--check-only", "everyone"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn diff_json_is_for_tools() {
    let out = run(&[
        "diff",
        &diff_case("base"),
        &diff_case("field_removed"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["breaking"], true);
    assert_eq!(v["scope"], "both");
    let change = &v["changes"][0];
    assert_eq!(change["path"], ".Structs[Receipt].Fields[Item]");
    assert_eq!(change["kind"], "field-removed");
    assert_eq!(
        change["breaks_clients"],
        "new servers do not send field Receipt.Item, which old clients require"
    );
    assert_eq!(change["breaks_servers"], serde_json::Value::Null);
}

#[test]
fn diff_of_an_invalid_or_missing_schema_exits_2_with_the_message() {
    let s = Scratch::new("diff-invalid");
    let bad = s.file("bad.json", r#"{"Name":"X","Docs":"","Functions":[{"Name":"f","Docs":"","Params":[],"Returns":[{"Name":"r","Typewords":["Missing"]}]}],"Sections":[],"Structs":[],"Ints":[],"Strings":[],"SherpaVersion":0,"SherpadocVersion":1}"#);
    let out = run(&["diff", &diff_case("base"), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("sherpa-codegen: ") && err.contains("bad.json: "),
        "{err}"
    );
    assert!(err.contains("Missing"), "{err}");
    assert!(out.stdout.is_empty());

    let missing = run(&["diff", "/nonexistent/old.json", &diff_case("base")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("reading /nonexistent/old.json"));
}

#[test]
fn docs_writes_the_reference_page_and_checks_it() {
    let dir = Scratch::new("docs");
    let schema = dir.file("testapi.json", TEST_API);
    let out = dir.0.join("ref").join("api.html");
    let opts = sherpa_codegen::HtmlOptions {
        base_url: Some("/test/".to_string()),
    };
    let expected = sherpa_codegen::generate_html(&read(TEST_API).unwrap(), &opts);

    // --check before the file exists: stale.
    let args = [
        "docs",
        s(&schema),
        "--html",
        s(&out),
        "--base-url",
        "/test/",
    ];
    let o = run(&[&args[..], &["--check"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), format!("stale: {}\n", out.display()));

    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(html, expected);
    assert!(html.contains("<title>Test API reference</title>"));
    assert!(html.contains("<code>POST /test/SubCall</code>"));
    assert!(html.contains(" id=\"fn-SubCall\"") && html.contains(" id=\"type-Msg.Next\""));
    let o = run(&[&args[..], &["--check"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // To standard output.
    let o = run(&["docs", s(&schema), "--html", "-", "--base-url", "/test/"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), expected);

    // A bad schema: exit 2 with the checker's message, and the page stays as it was.
    let bad = dir.file("bad.json", &TEST_API.replace("\"Level\"]", "\"Nowhere\"]"));
    let o = run(&["docs", s(&bad), "--html", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("Nowhere"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);

    // --html is required.
    let o = run(&["docs", s(&schema)]);
    assert_eq!(o.status.code(), Some(2));
}
