//! The TypeScript client emitter: a sherpats-compatible, runtime-checked client.
//!
//! [`generate`] turns a checked sherpadoc document into three texts from one walk over
//! the document: `api.ts` (TypeScript), `api.js` (the same module without types, for
//! users without a TypeScript toolchain) and `api.d.ts` (its declarations). Each is
//! either an ES module (the default) or, with [`TsOptions::namespace`], a script that
//! puts everything in one global namespace, as sherpats' `-namespace` does.
//!
//! The output has sherpats' public surface (`docs/protocol.md`, the TypeScript client): one interface per struct,
//! enums usable as values and types, `Client` with one async method per function,
//! `ClientOptions`, `AuthState`, `parser`, `types`, `structTypes`, `stringsTypes`,
//! `intsTypes`, `verifyArg`, `parse`, `defaultBaseURL`, `supportedSherpaVersion` and the
//! sherpadoc interfaces. The runtime library (verifier, HTTP calls, login retry) is the
//! fixed text of `ts_runtime.ts`; its JavaScript and declarations are tsc's output for
//! it, checked in as `ts_runtime.js` and `ts_runtime.d.ts` so that generating needs no
//! Node, and kept fresh by `tests/typescript.rs`.
//!
//! All TypeScript naming rules live in [`names`] below. Names that cannot be written in
//! TypeScript, or that would collide with the client's own names, are errors with a
//! sherpadoc path rather than silent renames, except where sherpats renames too
//! (reserved words as type or parameter names get a numeric suffix).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::{self, Write as _};

use sherpa_runtime::doc::{Function, Ints, Section, Strings, Struct};

use crate::check::{CheckError, go_quote};
use crate::parse::ParseError;

const RUNTIME_TS: &str = include_str!("ts_runtime.ts");
const RUNTIME_JS: &str = include_str!("ts_runtime.js");
const RUNTIME_DTS: &str = include_str!("ts_runtime.d.ts");

/// The longest typeword list accepted. Deeper nesting cannot occur in real schemas, and
/// refusing it keeps emitted type expressions (and tsc) from exploding.
pub const MAX_TYPEWORDS: usize = 64;

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

/// Any reason [`generate_from_json`] fails. Displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Parse(ParseError),
    Check(CheckError),
    Ts(TsError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(e) => e.fmt(f),
            Error::Check(e) => e.fmt(f),
            Error::Ts(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Parses and checks a sherpadoc document (exactly as for the Rust output), then
/// generates its TypeScript client.
pub fn generate_from_json(json: &str, opts: &TsOptions) -> Result<TsOutput, Error> {
    let doc = crate::parse::parse(json).map_err(Error::Parse)?;
    crate::check::check(&doc).map_err(Error::Check)?;
    generate(&doc, opts).map_err(Error::Ts)
}

/// TypeScript naming rules, in one place.
pub mod names {
    /// Words that cannot name a variable, parameter, class, enum or interface in strict
    /// (module) code: ECMAScript reserved words, strict-mode reserved words, `await`
    /// (reserved in modules) and the two strict-mode restricted names.
    pub const RESERVED_WORDS: &[&str] = &[
        "arguments",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "eval",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ];

    /// Names TypeScript does not allow for a declared type (its predefined types), and
    /// global values that a declaration must not shadow.
    pub const RESERVED_TYPE_NAMES: &[&str] = &[
        "any",
        "bigint",
        "boolean",
        "intrinsic",
        "never",
        "number",
        "object",
        "string",
        "symbol",
        "undefined",
        "unknown",
        "NaN",
        "Infinity",
        "globalThis",
        "__proto__",
    ];

    /// Members of the generated `Client` class, which no function may be named after.
    pub const CLIENT_MEMBERS: &[&str] = &[
        "constructor",
        "authState",
        "options",
        "withAuthToken",
        "withOptions",
    ];

    /// Module-level names the generated part declares, in addition to the runtime's.
    pub const GENERATED_NAMES: &[&str] = &[
        "Client",
        "defaultOptions",
        "defaultBaseURL",
        "types",
        "structTypes",
        "stringsTypes",
        "intsTypes",
        "parser",
        "parse",
        "verifyArg",
    ];

    /// Module-level names a generated method body refers to; parameters are renamed
    /// when they would shadow one.
    pub const METHOD_BODY_NAMES: &[&str] = &["sherpaCall", "defaultBaseURL", "types", "intsTypes"];

    /// Standard global types that generated declarations use; written as
    /// `globalThis.X` when a schema type of that name shadows them.
    pub const GLOBAL_TYPES_USED: &[&str] = &["Promise", "Date"];

    /// Whether `s` is an IdentifierName (reserved words included).
    pub fn is_identifier(s: &str) -> bool {
        let mut chars = s.chars();
        match chars.next() {
            Some(c) if c == '_' || c == '$' || unicode_ident::is_xid_start(c) => chars.all(|c| {
                c == '$' || c == '\u{200c}' || c == '\u{200d}' || unicode_ident::is_xid_continue(c)
            }),
            _ => false,
        }
    }

    /// A property name (struct field key) as written in an interface: verbatim when it
    /// is an identifier (reserved words are fine there), JSON-quoted otherwise.
    pub fn property(name: &str) -> String {
        if is_identifier(name) {
            name.to_string()
        } else {
            quote(name)
        }
    }

    /// A method name in the Client class; as [`property`].
    pub fn method(name: &str) -> String {
        property(name)
    }

    /// An enum member name: verbatim or quoted, or `None` when TypeScript forbids it
    /// (numeric names such as `"1"`, `"Infinity"`, `"NaN"`).
    pub fn enum_member(name: &str) -> Option<String> {
        if name == "Infinity"
            || name == "NaN"
            || name.parse::<f64>().is_ok()
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        Some(property(name))
    }

    /// The TypeScript name of a schema type: the schema name, with a numeric suffix (as
    /// sherpats does) when it is a reserved word or predefined type name. `None` when
    /// it is not an identifier at all.
    pub fn type_name(name: &str, taken: &dyn Fn(&str) -> bool) -> Option<String> {
        if !is_identifier(name) {
            return None;
        }
        if !RESERVED_WORDS.contains(&name) && !RESERVED_TYPE_NAMES.contains(&name) {
            return Some(name.to_string());
        }
        Some(with_suffix(name, taken))
    }

    /// The TypeScript name of a parameter: verbatim when possible, else with a numeric
    /// suffix, or `p<index>` when the schema name is not an identifier. Parameters are
    /// positional on the wire, so their names only matter for readability.
    pub fn param(name: &str, index: usize, taken: &dyn Fn(&str) -> bool) -> String {
        if !is_identifier(name) {
            let p = format!("p{index}");
            return if taken(&p) { with_suffix(&p, taken) } else { p };
        }
        if RESERVED_WORDS.contains(&name) || METHOD_BODY_NAMES.contains(&name) || taken(name) {
            return with_suffix(name, taken);
        }
        name.to_string()
    }

    fn with_suffix(base: &str, taken: &dyn Fn(&str) -> bool) -> String {
        let mut n = 0usize;
        loop {
            let candidate = format!("{base}{n}");
            if !taken(&candidate) && !RESERVED_WORDS.contains(&candidate.as_str()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// A JSON (and so JavaScript) string literal.
    pub fn quote(s: &str) -> String {
        serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
    }
}

/// A named type of the document, with its sherpadoc path.
enum NamedKind<'a> {
    Struct(&'a Struct),
    Ints(&'a Ints),
    Strings(&'a Strings),
}

struct Named<'a> {
    kind: NamedKind<'a>,
    path: String,
    /// The schema name (used on the wire and in the runtime tables).
    name: &'a str,
    /// The TypeScript name.
    ts: String,
}

struct Func<'a> {
    f: &'a Function,
    path: String,
}

/// Section docs in document order, for the overview comment.
struct SectionDoc<'a> {
    name: &'a str,
    docs: &'a str,
    top: bool,
}

/// Walks the section tree depth-first (a section's structs, ints and strings, then its
/// subsections), which is sherpats' order and the contract's "document order".
fn collect<'a>(
    s: &'a Section,
    prefix: &str,
    named: &mut Vec<(NamedKind<'a>, String, &'a str)>,
    funcs: &mut Vec<Func<'a>>,
    docs: &mut Vec<SectionDoc<'a>>,
    top: bool,
) {
    docs.push(SectionDoc {
        name: &s.name,
        docs: &s.docs,
        top,
    });
    for (i, t) in s.structs.iter().enumerate() {
        named.push((
            NamedKind::Struct(t),
            format!("{prefix}.Structs[{i} ({})]", go_quote(&t.name)),
            &t.name,
        ));
    }
    for (i, t) in s.ints.iter().enumerate() {
        named.push((
            NamedKind::Ints(t),
            format!("{prefix}.Ints[{i} ({})]", go_quote(&t.name)),
            &t.name,
        ));
    }
    for (i, t) in s.strings.iter().enumerate() {
        named.push((
            NamedKind::Strings(t),
            format!("{prefix}.Strings[{i} ({})]", go_quote(&t.name)),
            &t.name,
        ));
    }
    for (i, f) in s.functions.iter().enumerate() {
        funcs.push(Func {
            f,
            path: format!("{prefix}.Functions[{i} ({})]", go_quote(&f.name)),
        });
    }
    for (i, sub) in s.sections.iter().enumerate() {
        let p = format!("{prefix}.Sections[{i} ({})]", go_quote(&sub.name));
        collect(sub, &p, named, funcs, docs, false);
    }
}

fn ts_err(path: &str, message: String) -> TsError {
    TsError {
        path: path.to_string(),
        message,
    }
}

/// The runtime's top-level declarations: (name, is a shadowable sherpadoc alias).
fn runtime_names() -> Vec<(String, bool)> {
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

/// Applies `-bytes-to-string`: `[] uint8` at the end of a typeword list becomes
/// `string`, or `nullable string` with slices-nullable unless already nullable.
fn transform_typewords(tw: &[String], opts: &TsOptions) -> Vec<String> {
    let n = tw.len();
    if opts.bytes_to_string && n >= 2 && tw[n - 2] == "[]" && tw[n - 1] == "uint8" {
        let mut out: Vec<String> = tw[..n - 2].to_vec();
        if opts.slices_nullable && out.last().map(String::as_str) != Some("nullable") {
            out.push("nullable".to_string());
        }
        out.push("string".to_string());
        return out;
    }
    tw.to_vec()
}

const BASIC_WORDS: &[&str] = &[
    "any",
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "int64s",
    "uint64s",
    "float32",
    "float64",
    "string",
    "timestamp",
];

/// Everything the type expressions need to know about names.
struct TypeNames<'a> {
    ts: HashMap<&'a str, String>,
    promise: &'static str,
    date: &'static str,
}

impl TypeNames<'_> {
    /// The TypeScript type for a (transformed) typeword list, as sherpats writes it.
    fn expr(&self, tw: &[String]) -> String {
        let Some((last, prefix)) = tw.split_last() else {
            return "any".to_string();
        };
        let mut s = match last.as_str() {
            "bool" => "boolean".to_string(),
            "timestamp" => self.date.to_string(),
            "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "uint64"
            | "float32" | "float64" => "number".to_string(),
            "int64s" | "uint64s" | "string" => "string".to_string(),
            "any" => "any".to_string(),
            name => self
                .ts
                .get(name)
                .cloned()
                .unwrap_or_else(|| "any".to_string()),
        };
        let mut simple = true;
        for w in prefix.iter().rev() {
            s = match w.as_str() {
                "nullable" if simple => format!("{s} | null"),
                "nullable" => format!("({s}) | null"),
                "[]" if simple => format!("{s}[] | null"),
                "[]" => format!("({s})[] | null"),
                "{}" => format!("{{ [key: string]: {s} }}"),
                _ => s,
            };
            simple = false;
        }
        s
    }
}

/// Three output texts written side by side.
#[derive(Default)]
struct Out {
    ts: String,
    js: String,
    dts: String,
}

/// Writes `docs` as a JSDoc comment at `indent`; nothing for empty docs.
fn jsdoc(out: &mut String, indent: &str, docs: &str) {
    let docs = docs.trim_end();
    if docs.trim().is_empty() {
        return;
    }
    let docs = docs.replace("*/", "*\\/");
    let lines: Vec<&str> = docs.lines().collect();
    if lines.len() == 1 {
        let _ = writeln!(out, "{indent}/** {} */", lines[0].trim());
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for l in lines {
        let l = l.trim_end();
        if l.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {l}");
        }
    }
    let _ = writeln!(out, "{indent} */");
}

/// Writes `docs` as `//` lines.
fn line_comments(out: &mut String, docs: &str) {
    for l in docs.trim_end().lines() {
        let l = l.trim_end();
        if l.is_empty() {
            out.push_str("//\n");
        } else {
            let _ = writeln!(out, "// {l}");
        }
    }
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

/// Generates the client for a document that has passed [`crate::check::check`].
pub fn generate(doc: &Section, opts: &TsOptions) -> Result<TsOutput, TsError> {
    if let Some(ns) = &opts.namespace
        && (!names::is_identifier(ns) || names::RESERVED_WORDS.contains(&ns.as_str()))
    {
        return Err(ts_err(
            "",
            format!("namespace {} is not a TypeScript identifier", go_quote(ns)),
        ));
    }

    let mut raw_named = Vec::new();
    let mut funcs = Vec::new();
    let mut section_docs = Vec::new();
    collect(doc, "", &mut raw_named, &mut funcs, &mut section_docs, true);

    // Names: the runtime's and the generated part's are fixed; schema types must not
    // take them (except the sherpadoc aliases, which the schema may shadow).
    let runtime = runtime_names();
    let mut fixed: HashSet<String> = runtime
        .iter()
        .filter(|(_, alias)| !alias)
        .map(|(n, _)| n.clone())
        .collect();
    fixed.extend(names::GENERATED_NAMES.iter().map(|s| s.to_string()));
    let aliases: HashSet<String> = runtime
        .iter()
        .filter(|(_, alias)| *alias)
        .map(|(n, _)| n.clone())
        .collect();
    let schema_names: HashSet<&str> = raw_named.iter().map(|(_, _, n)| *n).collect();

    let mut named: Vec<Named> = Vec::new();
    let mut ts_taken: HashSet<String> = HashSet::new();
    for (kind, path, name) in raw_named {
        let taken = |c: &str| ts_taken.contains(c) || schema_names.contains(c) || fixed.contains(c);
        let Some(ts) = names::type_name(name, &taken) else {
            return Err(ts_err(
                &path,
                format!(
                    "type name {} is not a TypeScript identifier",
                    go_quote(name)
                ),
            ));
        };
        if fixed.contains(&ts) {
            return Err(ts_err(
                &path,
                format!(
                    "type name {} collides with a name the TypeScript client declares",
                    go_quote(name)
                ),
            ));
        }
        if opts.namespace.as_deref() == Some(ts.as_str()) {
            return Err(ts_err(
                &path,
                format!("type name {} is the namespace name", go_quote(name)),
            ));
        }
        if !ts_taken.insert(ts.clone()) {
            return Err(ts_err(&path, format!("duplicate type {}", go_quote(name))));
        }
        named.push(Named {
            kind,
            path,
            name,
            ts,
        });
    }
    let shadowed: HashSet<String> = ts_taken
        .iter()
        .filter(|n| aliases.contains(*n))
        .cloned()
        .collect();

    let tn = TypeNames {
        ts: named.iter().map(|n| (n.name, n.ts.clone())).collect(),
        promise: if ts_taken.contains("Promise") {
            "globalThis.Promise"
        } else {
            "Promise"
        },
        date: if ts_taken.contains("Date") {
            "globalThis.Date"
        } else {
            "Date"
        },
    };

    // Enum value names that pass the Go checker as typewords (rule 14 in `docs/protocol.md`).
    let value_names: HashMap<&str, &str> = named
        .iter()
        .flat_map(|n| -> Vec<(&str, &str)> {
            match &n.kind {
                NamedKind::Ints(t) => t
                    .values
                    .iter()
                    .flatten()
                    .map(|v| (v.name.as_str(), n.name))
                    .collect(),
                NamedKind::Strings(t) => t
                    .values
                    .iter()
                    .flatten()
                    .map(|v| (v.name.as_str(), n.name))
                    .collect(),
                NamedKind::Struct(_) => Vec::new(),
            }
        })
        .collect();
    let check_tw = |path: &str, tw: &[String]| -> Result<Vec<String>, TsError> {
        if tw.len() > MAX_TYPEWORDS {
            return Err(ts_err(path, format!("more than {MAX_TYPEWORDS} typewords")));
        }
        if let Some(last) = tw.last()
            && !BASIC_WORDS.contains(&last.as_str())
            && !tn.ts.contains_key(last.as_str())
        {
            return Err(ts_err(
                path,
                match value_names.get(last.as_str()) {
                    Some(t) => format!(
                        "referenced type {} is a value of {}, not a type",
                        go_quote(last),
                        go_quote(t)
                    ),
                    None => format!("referenced type {} does not exist", go_quote(last)),
                },
            ));
        }
        Ok(transform_typewords(tw, opts))
    };

    let mut o = Out::default();
    let decl = if opts.namespace.is_some() {
        "export "
    } else {
        "export declare "
    };

    // Header.
    let mut flags = Vec::new();
    if opts.bytes_to_string {
        flags.push("bytes-to-string");
    }
    if opts.slices_nullable {
        flags.push("slices-nullable");
    }
    if opts.maps_nullable {
        flags.push("maps-nullable");
    }
    if opts.nullable_optional {
        flags.push("nullable-optional");
    }
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
    for t in [&mut o.ts, &mut o.js, &mut o.dts] {
        t.push_str(&header);
    }
    if let Some(ns) = &opts.namespace {
        let _ = writeln!(o.ts, "namespace {ns} {{\n");
        let _ = writeln!(o.dts, "declare namespace {ns} {{\n");
        let _ = writeln!(o.js, "var {ns};\n(function ({ns}) {{\n\"use strict\";\n");
    }
    // Section docs first, as an overview.
    for s in &section_docs {
        let mut c = String::new();
        if !s.top {
            let _ = writeln!(c, "//\n// # {}", s.name);
        }
        line_comments(&mut c, s.docs);
        if !c.is_empty() {
            c.push('\n');
            o.ts.push_str(&c);
            o.dts.push_str(&c);
        }
    }

    // Type declarations.
    let mut js_exports: Vec<String> = Vec::new();
    for n in &named {
        match &n.kind {
            NamedKind::Struct(st) => {
                let mut seen = HashSet::new();
                let mut body = String::new();
                for (i, f) in st.fields.iter().enumerate() {
                    let fpath = format!("{}.Fields[{i} ({})]", n.path, go_quote(&f.name));
                    if !seen.insert(f.name.as_str()) {
                        return Err(ts_err(
                            &fpath,
                            format!("duplicate field name {}", go_quote(&f.name)),
                        ));
                    }
                    let tw = check_tw(&fpath, &f.typewords)?;
                    let first = tw.first().map(String::as_str);
                    let optional = opts.nullable_optional
                        && (first == Some("nullable")
                            || (opts.slices_nullable && first == Some("[]"))
                            || (opts.maps_nullable && first == Some("{}")));
                    jsdoc(&mut body, "\t", &f.docs);
                    let _ = writeln!(
                        body,
                        "\t{}{}: {}",
                        names::property(&f.name),
                        if optional { "?" } else { "" },
                        tn.expr(&tw)
                    );
                }
                for t in [&mut o.ts, &mut o.dts] {
                    jsdoc(t, "", &st.docs);
                    let _ = writeln!(t, "export interface {} {{\n{body}}}\n", n.ts);
                }
            }
            NamedKind::Ints(it) => {
                let values = it.values.as_deref().unwrap_or(&[]);
                for t in [&mut o.ts, &mut o.dts] {
                    jsdoc(t, "", &it.docs);
                }
                if values.is_empty() {
                    let _ = writeln!(o.ts, "export type {} = number\n", n.ts);
                    let _ = writeln!(o.dts, "export type {} = number;\n", n.ts);
                    continue;
                }
                let mut members = Vec::new();
                for (j, v) in values.iter().enumerate() {
                    let Some(m) = names::enum_member(&v.name) else {
                        return Err(ts_err(
                            &format!("{}.Values[{j} ({})]", n.path, go_quote(&v.name)),
                            "a numeric name cannot be a TypeScript enum member".to_string(),
                        ));
                    };
                    members.push((m, v.value.to_string(), &v.docs));
                }
                let _ = writeln!(o.ts, "export enum {} {{", n.ts);
                let _ = writeln!(o.dts, "{decl}enum {} {{", n.ts);
                for (m, v, d) in &members {
                    for t in [&mut o.ts, &mut o.dts] {
                        jsdoc(t, "\t", d);
                        let _ = writeln!(t, "\t{m} = {v},");
                    }
                }
                o.ts.push_str("}\n\n");
                o.dts.push_str("}\n\n");
                // As tsc compiles a numeric enum: names to values and values back to names.
                let _ = writeln!(
                    o.js,
                    "{}const {} = {{",
                    if opts.namespace.is_some() {
                        ""
                    } else {
                        "export "
                    },
                    n.ts
                );
                for (m, v, _) in &members {
                    let _ = writeln!(o.js, "\t{m}: {v},");
                }
                let mut reverse: Vec<(String, &String)> = Vec::new();
                for (m, v, _) in &members {
                    reverse.retain(|(val, _)| val != v);
                    reverse.push((v.clone(), m));
                }
                for (v, m) in reverse {
                    let name = if m.starts_with('"') {
                        m.clone()
                    } else {
                        names::quote(m)
                    };
                    let _ = writeln!(o.js, "\t{}: {name},", names::quote(&v));
                }
                o.js.push_str("}\n\n");
                js_exports.push(n.ts.clone());
            }
            NamedKind::Strings(st) => {
                let values = st.values.as_deref().unwrap_or(&[]);
                for t in [&mut o.ts, &mut o.dts] {
                    jsdoc(t, "", &st.docs);
                }
                if values.is_empty() {
                    let _ = writeln!(o.ts, "export type {} = string\n", n.ts);
                    let _ = writeln!(o.dts, "export type {} = string;\n", n.ts);
                    continue;
                }
                let mut members = Vec::new();
                for (j, v) in values.iter().enumerate() {
                    let Some(m) = names::enum_member(&v.name) else {
                        return Err(ts_err(
                            &format!("{}.Values[{j} ({})]", n.path, go_quote(&v.name)),
                            "a numeric name cannot be a TypeScript enum member".to_string(),
                        ));
                    };
                    members.push((m, names::quote(&v.value), &v.docs));
                }
                let _ = writeln!(o.ts, "export enum {} {{", n.ts);
                let _ = writeln!(o.dts, "{decl}enum {} {{", n.ts);
                for (m, v, d) in &members {
                    for t in [&mut o.ts, &mut o.dts] {
                        jsdoc(t, "\t", d);
                        let _ = writeln!(t, "\t{m} = {v},");
                    }
                }
                o.ts.push_str("}\n\n");
                o.dts.push_str("}\n\n");
                let _ = writeln!(
                    o.js,
                    "{}const {} = {{",
                    if opts.namespace.is_some() {
                        ""
                    } else {
                        "export "
                    },
                    n.ts
                );
                for (m, v, _) in &members {
                    let _ = writeln!(o.js, "\t{m}: {v},");
                }
                o.js.push_str("}\n\n");
                js_exports.push(n.ts.clone());
            }
        }
    }

    // Runtime tables: which names are structs, strings and ints, and the types
    // themselves as sherpadoc JSON without docs (what the verifier walks).
    let export = if opts.namespace.is_some() {
        ""
    } else {
        "export "
    };
    for (table, pick) in [("structTypes", 0u8), ("stringsTypes", 1), ("intsTypes", 2)] {
        let mut keys: BTreeSet<&str> = BTreeSet::new();
        for n in &named {
            let k = match n.kind {
                NamedKind::Struct(_) => 0,
                NamedKind::Strings(_) => 1,
                NamedKind::Ints(_) => 2,
            };
            if k == pick {
                keys.insert(n.name);
            }
        }
        let obj = keys
            .iter()
            .map(|k| format!("{}:true", names::quote(k)))
            .collect::<Vec<_>>()
            .join(",");
        let _ = writeln!(
            o.ts,
            "export const {table}: {{ [typename: string]: boolean }} = {{{obj}}}"
        );
        let _ = writeln!(o.js, "{export}const {table} = {{{obj}}};");
        let _ = writeln!(
            o.dts,
            "{decl}const {table}: {{ [typename: string]: boolean }};"
        );
        js_exports.push(table.to_string());
    }
    o.ts.push_str("export const types: SherpadocTypenameMap = {\n");
    let _ = writeln!(o.js, "{export}const types = {{");
    let _ = writeln!(o.dts, "{decl}const types: SherpadocTypenameMap;");
    js_exports.push("types".to_string());
    for n in &named {
        let json = match &n.kind {
            NamedKind::Struct(st) => {
                let mut st = (*st).clone();
                st.docs.clear();
                for (i, f) in st.fields.iter_mut().enumerate() {
                    f.docs.clear();
                    f.typewords = check_tw(
                        &format!("{}.Fields[{i} ({})]", n.path, go_quote(&f.name)),
                        &f.typewords,
                    )?;
                }
                serde_json::to_string(&st)
            }
            NamedKind::Ints(it) => {
                let mut it = (*it).clone();
                it.docs.clear();
                for v in it.values.iter_mut().flatten() {
                    v.docs.clear();
                }
                serde_json::to_string(&it)
            }
            NamedKind::Strings(st) => {
                let mut st = (*st).clone();
                st.docs.clear();
                for v in st.values.iter_mut().flatten() {
                    v.docs.clear();
                }
                serde_json::to_string(&st)
            }
        }
        .map_err(|e| ts_err(&n.path, format!("encoding type as JSON: {e}")))?;
        let line = format!("\t{}: {json},\n", names::quote(n.name));
        o.ts.push_str(&line);
        o.js.push_str(&line);
    }
    o.ts.push_str("}\n\n");
    o.js.push_str("};\n\n");

    // parser: one function per type that verifies and converts a value (e.g. from
    // localStorage) as if it were a call result.
    o.ts.push_str("export const parser = {\n");
    let _ = writeln!(o.js, "{export}const parser = {{");
    let _ = writeln!(o.dts, "{decl}const parser: {{");
    js_exports.push("parser".to_string());
    for n in &named {
        let key = names::property(n.name);
        let q = names::quote(n.name);
        let _ = writeln!(o.ts, "\t{key}: (v: any) => parse({q}, v) as {},", n.ts);
        let _ = writeln!(o.js, "\t{key}: (v) => parse({q}, v),");
        let _ = writeln!(o.dts, "\t{key}: (v: any) => {};", n.ts);
    }
    o.ts.push_str("}\n\n");
    o.js.push_str("};\n\n");
    o.dts.push_str("};\n\n");

    // defaultOptions, defaultBaseURL, verifyArg, parse.
    let b = |v: bool| if v { "true" } else { "false" };
    let default_options = format!(
        "{{ slicesNullable: {}, mapsNullable: {}, nullableOptional: {} }}",
        b(opts.slices_nullable),
        b(opts.maps_nullable),
        b(opts.nullable_optional)
    );
    let _ = writeln!(
        o.ts,
        "let defaultOptions: ClientOptions = {default_options}\n"
    );
    let _ = writeln!(o.js, "let defaultOptions = {default_options};\n");
    let base = if opts.api.contains('/') {
        names::quote(&opts.api)
    } else {
        format!("sherpaDefaultBaseURL({})", names::quote(&opts.api))
    };
    let base_doc = "/** The base URL used when ClientOptions.baseURL is not set. */\n";
    let _ = write!(
        o.ts,
        "{base_doc}export const defaultBaseURL: string = {base}\n\n"
    );
    let _ = write!(o.js, "{export}const defaultBaseURL = {base};\n\n");
    let _ = write!(o.dts, "{base_doc}{decl}const defaultBaseURL: string;\n\n");
    js_exports.push("defaultBaseURL".to_string());

    let verify_doc = "/**\n * Verifies value v against typewords and returns it converted: timestamps become Date\n * (toJS) or RFC 3339 strings, int64s/uint64s become strings, objects are copied with\n * only their declared fields (unknown fields are an error unless allowUnknownKeys).\n * Throws an Error with a message like \"path.Field[2]: got ..., expected ...\".\n */\n";
    let _ = write!(
        o.ts,
        "{verify_doc}export function verifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, typesMap: SherpadocTypenameMap, opts: ClientOptions): any {{\n\treturn sherpaVerifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, intsTypes, opts)\n}}\n\n"
    );
    let _ = write!(
        o.js,
        "{export}function verifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, opts) {{\n\treturn sherpaVerifyArg(path, v, typewords, toJS, allowUnknownKeys, typesMap, intsTypes, opts);\n}}\n\n"
    );
    let _ = write!(
        o.dts,
        "{verify_doc}{decl}function verifyArg(path: string, v: any, typewords: string[], toJS: boolean, allowUnknownKeys: boolean, typesMap: SherpadocTypenameMap, opts: ClientOptions): any;\n\n"
    );
    let parse_doc = "/** Verifies and converts v as a value of the named type, as a call result would be (but with unknown keys an error). */\n";
    let _ = write!(
        o.ts,
        "{parse_doc}export function parse(name: string, v: any): any {{\n\treturn sherpaVerifyArg(name, v, [name], true, false, types, intsTypes, defaultOptions)\n}}\n\n"
    );
    let _ = write!(
        o.js,
        "{export}function parse(name, v) {{\n\treturn sherpaVerifyArg(name, v, [name], true, false, types, intsTypes, defaultOptions);\n}}\n\n"
    );
    let _ = write!(
        o.dts,
        "{parse_doc}{decl}function parse(name: string, v: any): any;\n\n"
    );
    js_exports.push("verifyArg".to_string());
    js_exports.push("parse".to_string());

    // The Client class.
    let client_doc = "/**\n * Client for the API: one async method per function. Every method verifies its\n * parameters before sending (nothing is sent when they are wrong) and its result after\n * receiving; every rejection is an Error with a `code` (sherpa:... for client-side\n * problems, or the server's error code) and a `message`.\n */\n";
    let _ = write!(
        o.ts,
        "{client_doc}export class Client {{\n\t/** Shared by clients made with withOptions, so a login is seen by all of them. */\n\tpublic authState: AuthState\n\tpublic options: ClientOptions\n\n\tconstructor() {{\n\t\tthis.authState = {{}}\n\t\tthis.options = {{ ...defaultOptions }}\n\t}}\n\n\t/** A client with a new authState holding token, and the same options. */\n\twithAuthToken(token: string): Client {{\n\t\tconst c = new Client()\n\t\tc.authState.token = token\n\t\tc.options = this.options\n\t\treturn c\n\t}}\n\n\t/** A client with the same authState and the options merged over these. */\n\twithOptions(options: ClientOptions): Client {{\n\t\tconst c = new Client()\n\t\tc.authState = this.authState\n\t\tc.options = {{ ...this.options, ...options }}\n\t\treturn c\n\t}}\n"
    );
    let _ = write!(
        o.js,
        "{export}class Client {{\n\tconstructor() {{\n\t\tthis.authState = {{}};\n\t\tthis.options = {{ ...defaultOptions }};\n\t}}\n\n\twithAuthToken(token) {{\n\t\tconst c = new Client();\n\t\tc.authState.token = token;\n\t\tc.options = this.options;\n\t\treturn c;\n\t}}\n\n\twithOptions(options) {{\n\t\tconst c = new Client();\n\t\tc.authState = this.authState;\n\t\tc.options = {{ ...this.options, ...options }};\n\t\treturn c;\n\t}}\n"
    );
    let _ = write!(
        o.dts,
        "{client_doc}{decl}class Client {{\n\t/** Shared by clients made with withOptions, so a login is seen by all of them. */\n\tauthState: AuthState;\n\toptions: ClientOptions;\n\tconstructor();\n\t/** A client with a new authState holding token, and the same options. */\n\twithAuthToken(token: string): Client;\n\t/** A client with the same authState and the options merged over these. */\n\twithOptions(options: ClientOptions): Client;\n"
    );
    js_exports.push("Client".to_string());

    for func in &funcs {
        let f = func.f;
        if names::CLIENT_MEMBERS.contains(&f.name.as_str()) {
            return Err(ts_err(
                &func.path,
                format!(
                    "function name {} collides with a member of the generated Client class",
                    go_quote(&f.name)
                ),
            ));
        }
        let method = names::method(&f.name);
        let mut params: Vec<(String, String)> = Vec::new();
        let mut param_tws: Vec<Vec<String>> = Vec::new();
        for (j, p) in f.params.iter().enumerate() {
            let ppath = format!("{}.Params[{j} ({})]", func.path, go_quote(&p.name));
            let tw = check_tw(&ppath, &p.typewords)?;
            let taken = |c: &str| {
                params.iter().any(|(n, _)| n == c) || names::METHOD_BODY_NAMES.contains(&c)
            };
            let name = names::param(&p.name, j, &taken);
            params.push((name, tn.expr(&tw)));
            param_tws.push(tw);
        }
        let mut return_tws: Vec<Vec<String>> = Vec::new();
        for (j, r) in f.returns.iter().enumerate() {
            let rpath = format!("{}.Returns[{j} ({})]", func.path, go_quote(&r.name));
            return_tws.push(check_tw(&rpath, &r.typewords)?);
        }
        let ret = match return_tws.len() {
            0 => "void".to_string(),
            1 => tn.expr(&return_tws[0]),
            _ => format!(
                "[{}]",
                return_tws
                    .iter()
                    .map(|t| tn.expr(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let ptw =
            serde_json::to_string(&param_tws).map_err(|e| ts_err(&func.path, e.to_string()))?;
        let rtw =
            serde_json::to_string(&return_tws).map_err(|e| ts_err(&func.path, e.to_string()))?;
        let fname = names::quote(&f.name);
        let sig_ts = params
            .iter()
            .map(|(n, t)| format!("{n}: {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let args = params
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let promise = tn.promise;
        let call = format!(
            "sherpaCall(this.options.baseURL || defaultBaseURL, this.authState, {{ ...this.options }}, types, intsTypes, {ptw}, {rtw}, {fname}, [{args}])"
        );
        o.ts.push('\n');
        jsdoc(&mut o.ts, "\t", &f.docs);
        let _ = writeln!(
            o.ts,
            "\tasync {method}({sig_ts}): {promise}<{ret}> {{\n\t\treturn await {call} as {ret}\n\t}}"
        );
        o.js.push('\n');
        let _ = writeln!(
            o.js,
            "\tasync {method}({args}) {{\n\t\treturn await {call};\n\t}}"
        );
        jsdoc(&mut o.dts, "\t", &f.docs);
        let _ = writeln!(o.dts, "\t{method}({sig_ts}): {promise}<{ret}>;");
    }
    o.ts.push_str("}\n\n");
    o.js.push_str("}\n\n");
    o.dts.push_str("}\n\n");

    // The runtime library.
    let runtime_banner = "// The sherpa client runtime (the same for every API): the verifier, calls over\n// fetch, and the login retry.\n\n";
    o.ts.push_str(runtime_banner);
    o.ts.push_str(&runtime_body(RUNTIME_TS, &shadowed));
    o.js.push_str(runtime_banner);
    o.dts.push_str(runtime_banner);
    let js_runtime = runtime_body(RUNTIME_JS, &shadowed);
    let dts_runtime = runtime_body(RUNTIME_DTS, &shadowed);
    match &opts.namespace {
        None => {
            o.js.push_str(&js_runtime);
            for line in dts_runtime.lines() {
                if line == "export {};" {
                    continue;
                }
                o.dts.push_str(line);
                o.dts.push('\n');
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
                                js_exports.push(name);
                            }
                        }
                        o.js.push_str(rest);
                    }
                    None => o.js.push_str(line),
                }
                o.js.push('\n');
            }
            for line in dts_runtime.lines() {
                if line == "export {};" {
                    continue;
                }
                match line.strip_prefix("export declare ") {
                    Some(rest) => {
                        o.dts.push_str("export ");
                        o.dts.push_str(rest);
                    }
                    None => o.dts.push_str(line),
                }
                o.dts.push('\n');
            }
            o.ts.push_str("}\n");
            o.dts.push_str("}\n");
            o.js.push('\n');
            for name in &js_exports {
                let _ = writeln!(o.js, "{ns}.{name} = {name};");
            }
            let _ = writeln!(o.js, "}})({ns} || ({ns} = {{}}));");
        }
    }
    Ok(TsOutput {
        ts: o.ts,
        js: o.js,
        dts: o.dts,
    })
}
