//! Generates Rust and TypeScript bindings from a sherpadoc API description.
//!
//! The pipeline is visible in the functions below: [`parse`] reads the JSON document,
//! [`check()`] applies the Go checker's rules (and the few every generator needs) and
//! returns the model, an [`ir::Api`]; the emitters are pure functions from that model
//! to text: [`generate_rust`], [`generate_typescript`] and [`stubs`]. [`read`] does the
//! first two steps at once, so a build script reads and checks a schema once and runs
//! every emitter from the result:
//!
//! ```
//! let json = r#"{"Name":"Example","Docs":"","Functions":[{"Name":"Ping","Docs":"",
//!     "Params":[],"Returns":[{"Name":"r","Typewords":["string"]}]}],"Sections":[],
//!     "Structs":[],"Ints":[],"Strings":[],"SherpaVersion":0,"SherpadocVersion":1}"#;
//! let api = sherpa_codegen::read(json)?;
//! let rust = sherpa_codegen::generate_rust(&api, "example.json", &Default::default())?;
//! let ts = sherpa_codegen::generate_typescript(&api, &Default::default())?;
//! assert!(rust.contains("fn ping("));
//! assert!(ts.ts.contains("async Ping("));
//! # Ok::<(), sherpa_codegen::Error>(())
//! ```
//!
//! Build scripts, the CLI and the tests all go through these functions, so they
//! produce the same output and the same errors.

#![deny(missing_docs)]

mod check;
mod docpath;
mod format;
pub mod ir;
mod parse;
mod rust;
mod ts;

use std::fmt;
use std::io;
use std::path::Path;

pub use check::CheckError;
pub use docpath::go_quote;
pub use format::FormatError;
pub use parse::ParseError;
pub use rust::naming::NameError;
pub use rust::stubs::StubOptions;
pub use rust::{OptionsError, RustOptions};
/// The sherpadoc document as read from JSON (before checking), with Go's field names.
pub use sherpa_runtime::doc as sherpadoc;
pub use ts::{TsError, TsOptions, TsOutput};

/// Why a schema could not be turned into code. Every variant displays as one line,
/// starting with the sherpadoc path of the problem where there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a sherpadoc document (bad JSON, wrong version).
    Parse(ParseError),
    /// Rejected by the checker's rules.
    Check(CheckError),
    /// Valid sherpadoc that cannot be expressed in Rust (e.g. colliding names).
    RustNames(NameError),
    /// Invalid Rust generator options.
    Options(OptionsError),
    /// The Rust emitter produced invalid Rust (a bug).
    Format(FormatError),
    /// Valid sherpadoc that cannot be written as a TypeScript client, or invalid
    /// TypeScript options.
    TypeScript(TsError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(e) => e.fmt(f),
            Error::Check(e) => e.fmt(f),
            Error::RustNames(e) => e.fmt(f),
            Error::Options(e) => e.fmt(f),
            Error::Format(e) => e.fmt(f),
            Error::TypeScript(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

macro_rules! from_stage_error {
    ($($ty:ty => $variant:ident),* $(,)?) => {
        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::$variant(e)
            }
        })*
    };
}

from_stage_error! {
    ParseError => Parse,
    CheckError => Check,
    NameError => RustNames,
    OptionsError => Options,
    FormatError => Format,
    TsError => TypeScript,
}

/// Reads a sherpadoc document. Only the JSON shape and `SherpadocVersion` are checked;
/// [`check()`] the result before generating from it.
///
/// Keys are read as Go reads them: case-insensitively (`"name"` fills `Name`), and when
/// an object has a key twice, the last one wins.
pub fn parse(json: &str) -> Result<sherpadoc::Section, ParseError> {
    parse::parse(json)
}

/// Checks a document against every rule and returns its model, or the first rule it
/// breaks: the Go checker's rules in Go's order ([`check_go`]), then the rules Go does
/// not have but no generator can do without (nesting depth, a typeword naming an enum
/// value, a struct containing itself without a `nullable`). The rules are listed in
/// `docs/protocol.md`.
pub fn check(doc: &sherpadoc::Section) -> Result<ir::Api, CheckError> {
    check::check(doc)
}

/// Checks a document against the Go checker's rules only, in Go's order, with Go's
/// message for the first violation: what `sherpadoc` itself would say.
pub fn check_go(doc: &sherpadoc::Section) -> Result<(), CheckError> {
    check::check_go(doc)
}

/// Parses and checks a sherpadoc document: the model every emitter starts from.
pub fn read(schema_json: &str) -> Result<ir::Api, Error> {
    let doc = parse::parse(schema_json)?;
    Ok(check::check(&doc)?)
}

/// Checks that every name of `api` can be written in Rust without collisions, as
/// [`generate_rust`] needs.
pub fn check_rust_names(api: &ir::Api) -> Result<(), Error> {
    rust::naming::RustNames::new(api)?;
    Ok(())
}

/// Generates the Rust bindings of an API (types, the `Api` trait, `Dispatcher`,
/// `SCHEMA`, `FUNCTIONS`) as formatted source. `source_name` only appears in the
/// `@generated` header.
pub fn generate_rust(
    api: &ir::Api,
    source_name: &str,
    opts: &RustOptions,
) -> Result<String, Error> {
    let names = rust::naming::RustNames::new(api)?;
    let parts = rust::emit_parts(api, &names, opts)?;
    Ok(format::format_parts(parts, source_name)?)
}

/// Generates the TypeScript client of an API: `api.ts`, and the same module as
/// JavaScript (`api.js`) with its declarations (`api.d.ts`).
pub fn generate_typescript(api: &ir::Api, opts: &TsOptions) -> Result<TsOutput, Error> {
    Ok(ts::generate(api, opts)?)
}

/// A ready-to-fill `impl Api` with one not-implemented method per function, written
/// with the same names and types as the generated trait.
pub fn stubs(api: &ir::Api, opts: &StubOptions) -> Result<String, Error> {
    let names = rust::naming::RustNames::new(api)?;
    Ok(rust::stubs::stubs(api, &names, opts))
}

/// Writes `contents` to `path` unless the file already has exactly these contents, so
/// that an unchanged output keeps its modification time and does not trigger rebuilds.
/// Returns whether the file was written.
pub fn write_if_changed(path: impl AsRef<Path>, contents: &str) -> io::Result<bool> {
    let path = path.as_ref();
    match std::fs::read(path) {
        Ok(existing) if existing == contents.as_bytes() => return Ok(false),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::write(path, contents)?;
    Ok(true)
}
