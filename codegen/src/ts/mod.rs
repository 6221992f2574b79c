//! The TypeScript client emitter: a sherpats-compatible, runtime-checked client.
//!
//! [`generate`] turns the model into three texts: `api.ts` (TypeScript), `api.js` (the
//! same module without types, for users without a TypeScript toolchain) and `api.d.ts`
//! (its declarations). Each is either an ES module (the default) or, with
//! [`TsOptions::namespace`], a script that puts everything in one global namespace, as
//! sherpats' `-namespace` does.
//!
//! The output has sherpats' public surface (`docs/protocol.md`, the TypeScript client):
//! one interface per struct, enums usable as values and types, `Client` with one async
//! method per function, `ClientOptions`, `AuthState`, `parser`, `types`, `structTypes`,
//! `stringsTypes`, `intsTypes`, `verifyArg`, `parse`, `defaultBaseURL`,
//! `supportedSherpaVersion` and the sherpadoc interfaces. The runtime library (verifier,
//! HTTP calls, login retry) is the fixed text of `ts_runtime.ts`; its JavaScript and
//! declarations are tsc's output for it, checked in as `ts_runtime.js` and
//! `ts_runtime.d.ts` so that generating needs no Node, and kept fresh by
//! `tests/typescript.rs`.
//!
//! The steps: [`naming::TsNames`] decides every TypeScript name (or fails with a
//! sherpadoc path); [`types`] writes the type declarations and the runtime's type
//! tables; [`client`] the defaults, helpers and the `Client` class; [`runtime`] appends
//! the runtime library. All three texts are written through one [`Out`].

use std::fmt;

use crate::ir::Api;

mod client;
mod names;
mod naming;
mod runtime;
mod types;

/// How to generate the client. The default is what mox uses (`-bytes-to-string
/// -slices-nullable -maps-nullable -nullable-optional`), as an ES module for API `api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsOptions {
    /// The API's path element (the default base URL is the page's directory plus
    /// `api/`), or, when it contains a `/`, the literal default base URL.
    pub api: String,
    /// Emit a script with everything in `namespace NAME` instead of an ES module.
    pub namespace: Option<String>,
    /// Rewrite `[] uint8` to `string` (base64 on the wire), as sherpats
    /// `-bytes-to-string`; with `slices_nullable` to `nullable string`.
    pub bytes_to_string: bool,
    /// Accept `null` for lists at run time.
    pub slices_nullable: bool,
    /// Accept `null` for maps at run time.
    pub maps_nullable: bool,
    /// Make nullable fields (and lists and maps, with the flags above) optional in
    /// interfaces, and accept `undefined` for them at run time.
    pub nullable_optional: bool,
    /// The schema file name, cited in the header comment.
    pub source_name: String,
}

impl Default for TsOptions {
    fn default() -> Self {
        TsOptions {
            api: "api".to_string(),
            namespace: None,
            bytes_to_string: true,
            slices_nullable: true,
            maps_nullable: true,
            nullable_optional: true,
            source_name: "api.json".to_string(),
        }
    }
}

/// The three texts of a generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsOutput {
    /// TypeScript source (`api.ts`).
    pub ts: String,
    /// JavaScript with the same behaviour (`api.js`).
    pub js: String,
    /// Declarations for `api.js` (`api.d.ts`).
    pub dts: String,
}

/// A valid sherpadoc document that cannot be written as a TypeScript client, with the
/// sherpadoc path of the offending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsError {
    /// Where, e.g. `.Structs[3 ("Msg")]`; empty for the options.
    pub path: String,
    /// What, e.g. `type name "Client" collides with the generated Client class`.
    pub message: String,
}

impl fmt::Display for TsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "cannot generate TypeScript: {}", self.message)
        } else {
            write!(
                f,
                "cannot generate TypeScript for sherpadoc at {}: {}",
                self.path, self.message
            )
        }
    }
}

impl std::error::Error for TsError {}

/// Generates the client of a checked API.
pub(crate) fn generate(api: &Api, opts: &TsOptions) -> Result<TsOutput, TsError> {
    let names = naming::TsNames::new(api, opts)?;
    let mut out = Out::new(opts);
    out.header(opts);
    out.section_docs(api);
    types::declarations(&mut out, api, &names, opts);
    types::tables(&mut out, api, &names, opts)?;
    client::helpers(&mut out, opts);
    client::class(&mut out, api, &names, opts)?;
    runtime::append(&mut out, &names, opts);
    Ok(TsOutput {
        ts: out.ts,
        js: out.js,
        dts: out.dts,
    })
}

fn ts_err(path: &str, message: String) -> TsError {
    TsError {
        path: path.to_string(),
        message,
    }
}

/// The three output texts, written side by side, and what differs between a module
/// and a namespaced script.
pub(crate) struct Out {
    pub(crate) ts: String,
    pub(crate) js: String,
    pub(crate) dts: String,
    /// What precedes an exported JavaScript declaration: `export ` in a module,
    /// nothing in a namespace (the names are assigned to it at the end).
    pub(crate) export: &'static str,
    /// What precedes a declaration in `.d.ts`: `export declare ` in a module, `export `
    /// inside `declare namespace`.
    pub(crate) decl: &'static str,
    /// The JavaScript names a namespaced script assigns to its namespace.
    pub(crate) js_exports: Vec<String>,
}

impl Out {
    fn new(opts: &TsOptions) -> Out {
        let namespaced = opts.namespace.is_some();
        Out {
            ts: String::new(),
            js: String::new(),
            dts: String::new(),
            export: if namespaced { "" } else { "export " },
            decl: if namespaced {
                "export "
            } else {
                "export declare "
            },
            js_exports: Vec::new(),
        }
    }

    /// Appends `text` to all three outputs.
    pub(crate) fn all(&mut self, text: &str) {
        self.ts.push_str(text);
        self.js.push_str(text);
        self.dts.push_str(text);
    }

    /// Appends `text` to the typed outputs (`.ts` and `.d.ts`).
    pub(crate) fn typed(&mut self, text: &str) {
        self.ts.push_str(text);
        self.dts.push_str(text);
    }

    /// Appends one template per output, with `@EXPORT@` and `@DECL@` filled in, and
    /// `doc` (a JSDoc comment) before the typed outputs' text: the JavaScript has no
    /// doc comments, its declarations carry them.
    pub(crate) fn template(&mut self, doc: &str, ts: &str, js: &str, dts: &str) {
        let fill = |t: &str| {
            t.replace("@EXPORT@", self.export)
                .replace("@DECL@", self.decl)
        };
        let (ts, js, dts) = (fill(ts), fill(js), fill(dts));
        self.typed(doc);
        self.ts.push_str(&ts);
        self.js.push_str(&js);
        self.dts.push_str(&dts);
    }

    /// The comment naming the source and the options, and the namespace opening.
    fn header(&mut self, opts: &TsOptions) {
        let flags: Vec<&str> = [
            (opts.bytes_to_string, "bytes-to-string"),
            (opts.slices_nullable, "slices-nullable"),
            (opts.maps_nullable, "maps-nullable"),
            (opts.nullable_optional, "nullable-optional"),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        let header = format!(
            "// NOTE: GENERATED by sherpa-codegen from {}, DO NOT MODIFY\n// Options: {}{}.\n\n",
            opts.source_name.replace(['\n', '\r'], " "),
            if flags.is_empty() {
                "none".to_string()
            } else {
                flags.join(", ")
            },
            match &opts.namespace {
                Some(ns) => format!(", namespace {ns}"),
                None => String::new(),
            }
        );
        self.all(&header);
        if let Some(ns) = &opts.namespace {
            self.ts.push_str(&format!("namespace {ns} {{\n\n"));
            self.dts.push_str(&format!("declare namespace {ns} {{\n\n"));
            self.js.push_str(&format!(
                "var {ns};\n(function ({ns}) {{\n\"use strict\";\n\n"
            ));
        }
    }

    /// The docs of every section, as an overview before the declarations.
    fn section_docs(&mut self, api: &Api) {
        for (i, s) in api.sections.iter().enumerate() {
            let mut c = String::new();
            if i > 0 {
                c.push_str(&format!("//\n// # {}\n", s.name));
            }
            line_comments(&mut c, &s.docs);
            if !c.is_empty() {
                c.push('\n');
                self.typed(&c);
            }
        }
    }
}

/// Writes `docs` as a JSDoc comment at `indent`; nothing for empty docs.
pub(crate) fn jsdoc(out: &mut String, indent: &str, docs: &str) {
    let docs = docs.trim_end();
    if docs.trim().is_empty() {
        return;
    }
    let docs = docs.replace("*/", "*\\/");
    let lines: Vec<&str> = docs.lines().collect();
    if lines.len() == 1 {
        out.push_str(&format!("{indent}/** {} */\n", lines[0].trim()));
        return;
    }
    out.push_str(&format!("{indent}/**\n"));
    for l in lines {
        let l = l.trim_end();
        if l.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {l}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
}

/// Writes `docs` as `//` lines.
fn line_comments(out: &mut String, docs: &str) {
    for l in docs.trim_end().lines() {
        let l = l.trim_end();
        if l.is_empty() {
            out.push_str("//\n");
        } else {
            out.push_str(&format!("// {l}\n"));
        }
    }
}
