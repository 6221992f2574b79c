//! The client runtime (verifier, calls over fetch, login retry), the same for every
//! API, appended to each output: its text without the source file's header comment,
//! without the sherpadoc aliases a schema type replaces, and in a namespaced script
//! without `export`s (the names are assigned to the namespace instead).

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::ts::naming::TsNames;
use crate::ts::{Out, TsOptions};

const RUNTIME_TS: &str = include_str!("../ts_runtime.ts");
const RUNTIME_JS: &str = include_str!("../ts_runtime.js");
const RUNTIME_DTS: &str = include_str!("../ts_runtime.d.ts");

/// The runtime's top-level declarations: (name, is a shadowable sherpadoc alias).
pub(crate) fn declared_names() -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for line in RUNTIME_TS.lines() {
        let rest = line.strip_prefix("export ").unwrap_or(line);
        let rest = rest.strip_prefix("async ").unwrap_or(rest);
        for kw in [
            "function ",
            "const ",
            "let ",
            "interface ",
            "type ",
            "class ",
            "enum ",
        ] {
            if let Some(r) = rest.strip_prefix(kw) {
                let name: String = r
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                    .collect();
                if !name.is_empty() {
                    let alias = kw == "type "
                        && line.starts_with("export type ")
                        && r.contains("= Sherpadoc");
                    out.push((name, alias));
                }
            }
        }
    }
    out
}

/// The runtime text without its leading comment block (which describes the source
/// file, not the generated client), and without the sherpadoc aliases the schema
/// shadows.
fn runtime_body(text: &str, shadowed: &HashSet<String>) -> String {
    let mut out = String::new();
    let mut in_header = true;
    for line in text.lines() {
        if in_header {
            if line.starts_with("//") {
                continue;
            }
            in_header = false;
            if line.trim().is_empty() {
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix("export type ") {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
            if shadowed.contains(&name) && rest.contains("= Sherpadoc") {
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Appends the runtime to all three outputs, and closes a namespace.
pub(crate) fn append(out: &mut Out, names: &TsNames, opts: &TsOptions) {
    let runtime_banner = "// The sherpa client runtime (the same for every API): the verifier, calls over\n// fetch, and the login retry.\n\n";
    out.ts.push_str(runtime_banner);
    out.ts.push_str(&runtime_body(RUNTIME_TS, &names.shadowed));
    out.js.push_str(runtime_banner);
    out.dts.push_str(runtime_banner);
    let js_runtime = runtime_body(RUNTIME_JS, &names.shadowed);
    let dts_runtime = runtime_body(RUNTIME_DTS, &names.shadowed);
    match &opts.namespace {
        None => {
            out.js.push_str(&js_runtime);
            for line in dts_runtime.lines() {
                if line == "export {};" {
                    continue;
                }
                out.dts.push_str(line);
                out.dts.push('\n');
            }
        }
        Some(ns) => {
            for line in js_runtime.lines() {
                match line.strip_prefix("export ") {
                    Some(rest) => {
                        let r = rest.strip_prefix("async ").unwrap_or(rest);
                        for kw in ["function ", "const ", "let ", "class "] {
                            if let Some(r) = r.strip_prefix(kw) {
                                let name: String = r
                                    .chars()
                                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                                    .collect();
                                out.js_exports.push(name);
                            }
                        }
                        out.js.push_str(rest);
                    }
                    None => out.js.push_str(line),
                }
                out.js.push('\n');
            }
            for line in dts_runtime.lines() {
                if line == "export {};" {
                    continue;
                }
                match line.strip_prefix("export declare ") {
                    Some(rest) => {
                        out.dts.push_str("export ");
                        out.dts.push_str(rest);
                    }
                    None => out.dts.push_str(line),
                }
                out.dts.push('\n');
            }
            out.ts.push_str("}\n");
            out.dts.push_str("}\n");
            out.js.push('\n');
            for name in &out.js_exports {
                let _ = writeln!(out.js, "{ns}.{name} = {name};");
            }
            let _ = writeln!(out.js, "}})({ns} || ({ns} = {{}}));");
        }
    }
}
