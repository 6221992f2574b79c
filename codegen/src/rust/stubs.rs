//! Starting-point code for a new API implementation: an `impl Api for MyApi` with one
//! method per schema function, each returning a "not implemented" error.
//!
//! The method signatures are written from the same model and Rust names that the Rust
//! emitter uses, with the same type mapping, so the text compiles against the generated
//! trait as it is. It is plain text rather than
//! tokens: it is meant to be pasted into a file and edited by a person, so it uses short
//! prelude names (`String`, `Vec`, `Option`) and qualifies only the generated types.

use std::fmt::Write as _;

use crate::ir::{Api, Basic, TypeRef};
use crate::rust::doc_lines;
use crate::rust::names;
use crate::rust::naming::RustNames;

/// The runtime types that typewords map to, imported by name when the stubs use them.
const RUNTIME_TYPES: &[&str] = &["Bytes", "Int64s", "Timestamp", "Uint64s", "Wire"];

/// Whether `text` mentions the unqualified type `name` (`: Bytes`, `<Bytes>`, ...), as
/// opposed to a qualified `api::Bytes` or a longer identifier.
fn uses_type(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// rustfmt's default line width, which the stubs keep to where they can.
const MAX_WIDTH: usize = 100;

/// Where the stubs expect the generated code and the runtime to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubOptions {
    /// The path of the module holding the generated code, as seen from where the stubs
    /// are pasted. The default, `crate::api`, resolves from every module of a crate that
    /// `include!`s the bindings in `mod api` at its root. Generated types are written as
    /// `{module}::Name`.
    pub module: String,
    /// The path of the runtime crate, as given to the generator (`::sherpa_runtime`).
    pub runtime_path: String,
    /// The name of the implementing struct.
    pub struct_name: String,
    /// The functions generated with a wire result (`RustOptions::wire_results`), whose
    /// stubs return `Wire<T>`.
    pub wire_results: Vec<String>,
}

impl Default for StubOptions {
    fn default() -> Self {
        StubOptions {
            module: "crate::api".to_string(),
            runtime_path: "::sherpa_runtime".to_string(),
            struct_name: "MyApi".to_string(),
            wire_results: Vec::new(),
        }
    }
}

/// The stub implementation for every function of `api`, as Rust source text.
pub(crate) fn stubs(api: &Api, rust: &RustNames, options: &StubOptions) -> String {
    let rt = options.runtime_path.trim_end_matches("::");
    let module = options.module.trim_end_matches("::");
    // Writing to a String cannot fail, so the results of `write!` are ignored below.
    let mut methods = String::new();
    // All signatures on one line each, to see which imports they need (docs may mention
    // any word).
    let mut signatures = String::new();
    for (f, function) in api.functions.iter().enumerate() {
        methods.push('\n');
        push_docs(&mut methods, &function.docs);
        let mut inputs = vec![
            "&self".to_string(),
            format!("{}: &Self::Context", rust.ctx[f]),
        ];
        for (param, name) in function.params.iter().zip(&rust.params[f]) {
            let ty = rust_type(&param.ty, rust, module);
            inputs.push(format!("{name}: {ty}"));
        }
        let result = match function.returns.as_slice() {
            [] => "()".to_string(),
            [one] => rust_type(&one.ty, rust, module),
            several => {
                let types: Vec<String> = several
                    .iter()
                    .map(|r| rust_type(&r.ty, rust, module))
                    .collect();
                format!("({})", types.join(", "))
            }
        };
        let result = if options.wire_results.contains(&function.name) {
            format!("Wire<{result}>")
        } else {
            result
        };
        let one_line = format!(
            "    async fn {}({}) -> Result<{result}, Error> {{",
            rust.methods[f],
            inputs.join(", ")
        );
        signatures.push_str(&one_line);
        signatures.push('\n');
        // Laid out as rustfmt would: one line if it fits, else one parameter per line.
        if one_line.chars().count() <= MAX_WIDTH {
            methods.push_str(&one_line);
            methods.push('\n');
        } else {
            let _ = writeln!(methods, "    async fn {}(", rust.methods[f]);
            for input in &inputs {
                let _ = writeln!(methods, "        {input},");
            }
            let _ = writeln!(methods, "    ) -> Result<{result}, Error> {{");
        }
        let _ = writeln!(
            methods,
            "        Err(Error::not_implemented({}))",
            rust_string(&function.name)
        );
        methods.push_str("    }\n");
    }

    let api_name = rust_string(&api.name);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// A starting point for implementing the {api_name} API, written by `sherpa-codegen stubs`."
    );
    out.push_str("// Every method returns a \"not implemented\" error until it is filled in.\n\n");
    if signatures.contains("BTreeMap<") {
        out.push_str("use std::collections::BTreeMap;\n\n");
    }
    let mut runtime_items: Vec<&str> = RUNTIME_TYPES
        .iter()
        .copied()
        .filter(|name| uses_type(&signatures, name))
        .collect();
    runtime_items.push("Error");
    runtime_items.sort_unstable();
    if runtime_items.len() == 1 {
        let _ = writeln!(out, "use {rt}::Error;\n");
    } else {
        let _ = writeln!(out, "use {rt}::{{{}}};\n", runtime_items.join(", "));
    }
    let _ = writeln!(out, "/// Implements the {api_name} API.");
    let _ = writeln!(out, "pub struct {};\n", options.struct_name);
    // The parameters are unused until the bodies are written.
    out.push_str("#[allow(unused_variables)]\n");
    let _ = writeln!(
        out,
        "impl {module}::{} for {} {{",
        names::API_TRAIT,
        options.struct_name
    );
    out.push_str("    /// Per-request data passed to every method, e.g. the authenticated user.\n");
    out.push_str("    type Context = ();\n");
    out.push_str(&methods);
    out.push_str("}\n");
    out
}

/// The Rust type for a resolved typeword list, following the generated-code contract:
/// `[] uint8` is the runtime's `Bytes`, `{} X` a `BTreeMap` with string keys, named types
/// live in `module`. `BTreeMap` and the runtime types are imported by the stubs' header
/// when used (schema types cannot clash with them: they are always qualified).
fn rust_type(ty: &TypeRef, rust: &RustNames, module: &str) -> String {
    if ty.is_bytes() {
        return "Bytes".to_string();
    }
    match ty {
        TypeRef::Basic(basic) => match basic {
            Basic::Any => "::serde_json::Value".to_string(),
            Basic::Bool => "bool".to_string(),
            Basic::Int8 => "i8".to_string(),
            Basic::Uint8 => "u8".to_string(),
            Basic::Int16 => "i16".to_string(),
            Basic::Uint16 => "u16".to_string(),
            Basic::Int32 => "i32".to_string(),
            Basic::Uint32 => "u32".to_string(),
            Basic::Int64 => "i64".to_string(),
            Basic::Uint64 => "u64".to_string(),
            Basic::Int64s => "Int64s".to_string(),
            Basic::Uint64s => "Uint64s".to_string(),
            Basic::Float32 => "f32".to_string(),
            Basic::Float64 => "f64".to_string(),
            Basic::String => "String".to_string(),
            Basic::Timestamp => "Timestamp".to_string(),
        },
        TypeRef::Nullable(inner) => format!("Option<{}>", rust_type(inner, rust, module)),
        TypeRef::List(inner) => format!("Vec<{}>", rust_type(inner, rust, module)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", rust_type(inner, rust, module)),
        TypeRef::Named(index) => match rust.types.get(*index) {
            Some(name) => format!("{module}::{name}"),
            // The model only creates indexes into its own type list.
            None => "()".to_string(),
        },
    }
}

/// Writes schema docs as `///` lines at method indentation, converted to rustdoc the way
/// the generated trait's docs are (so pasted stubs do not grow doctests or broken links).
fn push_docs(out: &mut String, docs: &str) {
    for line in doc_lines(&crate::rust::literals::visible_controls(docs)) {
        let _ = writeln!(out, "    ///{}", line.trim_end());
    }
}

/// A Rust string literal for `s` (Rust's `Debug` output for `str` is valid literal
/// syntax).
fn rust_string(s: &str) -> String {
    format!("{s:?}")
}
