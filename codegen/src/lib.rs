//! sherpadoc → Rust/TypeScript generator library.
//!
//! The pipeline is `parse` → `check` → `model` → an emitter → `format`. Build scripts, the
//! CLI and tests all go through the functions below, so they produce the same output and
//! the same errors.

pub mod check;
pub mod emit_rust;
pub mod emit_ts;
pub mod format;
pub mod model;
pub mod names;
pub mod parse;
pub mod stubs;

use std::fmt;
use std::io;
use std::path::Path;

pub use emit_rust::RustOptions;
pub use model::Model;

/// Why a schema could not be turned into code. Every variant displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a sherpadoc document (bad JSON, wrong version).
    Parse(parse::ParseError),
    /// Rejected by the Go checker's rules.
    Check(check::CheckError),
    /// Valid sherpadoc that cannot be expressed in Rust (e.g. colliding names).
    Model(model::ModelError),
    /// Invalid generator options.
    Options(emit_rust::OptionsError),
    /// The emitter produced invalid Rust (a bug).
    Format(format::FormatError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(e) => e.fmt(f),
            Error::Check(e) => e.fmt(f),
            Error::Model(e) => e.fmt(f),
            Error::Options(e) => e.fmt(f),
            Error::Format(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<parse::ParseError> for Error {
    fn from(e: parse::ParseError) -> Self {
        Error::Parse(e)
    }
}

impl From<check::CheckError> for Error {
    fn from(e: check::CheckError) -> Self {
        Error::Check(e)
    }
}

impl From<model::ModelError> for Error {
    fn from(e: model::ModelError) -> Self {
        Error::Model(e)
    }
}

impl From<emit_rust::OptionsError> for Error {
    fn from(e: emit_rust::OptionsError) -> Self {
        Error::Options(e)
    }
}

impl From<format::FormatError> for Error {
    fn from(e: format::FormatError) -> Self {
        Error::Format(e)
    }
}

/// Parses and checks a sherpadoc document: what both emitters start from (the
/// TypeScript one directly, see [`emit_ts::generate`]; the Rust one through [`Model`]).
pub fn read(schema_json: &str) -> Result<parse::Section, Error> {
    let doc = parse::parse(schema_json)?;
    check::check(&doc)?;
    Ok(doc)
}

/// Parses and checks a sherpadoc document and builds its model: everything up to the
/// Rust emitter.
pub fn load(schema_json: &str) -> Result<Model, Error> {
    Ok(Model::build(&read(schema_json)?)?)
}

/// Generates the Rust bindings for a sherpadoc document (types, the `Api` trait,
/// `Dispatcher`, `SCHEMA`, `FUNCTIONS`) as formatted source. `source_name` only appears
/// in the `@generated` header.
pub fn generate_rust(
    schema_json: &str,
    source_name: &str,
    opts: &RustOptions,
) -> Result<String, Error> {
    let model = load(schema_json)?;
    generate_rust_from_model(&model, source_name, opts)
}

/// [`generate_rust`] for an already built model.
pub fn generate_rust_from_model(
    model: &Model,
    source_name: &str,
    opts: &RustOptions,
) -> Result<String, Error> {
    let parts = emit_rust::emit_parts(model, opts)?;
    Ok(format::format_parts(parts, source_name)?)
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
