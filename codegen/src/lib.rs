//! Generates Rust servers and clients and TypeScript clients from a sherpadoc API
//! description, checked as the Go reference checks it.
//!
//! # Guide: a sherpa API in Rust
//!
//! The example is the `Hello` API of `examples/hello/hello.json` in this repository:
//! `Greet(name string, mood Mood) Greeting` and `Count() (int64, []string)`. The whole
//! project, with its `Cargo.toml`, is in `examples/hello/`.
//!
//! **Dependencies.** The generated code needs `sherpa-runtime` (with its `client`
//! feature for the client, `actix` for serving, on by default), `serde` and
//! `serde_json`; the build script needs this crate without its command-line front end:
//!
//! ```toml
//! [dependencies]
//! sherpa-runtime = { path = "…/codegen/runtime", features = ["client"] }
//! serde = { version = "1", features = ["derive"] }
//! serde_json = "1"
//!
//! [build-dependencies]
//! sherpa-codegen = { path = "…/codegen", default-features = false }
//! ```
//!
//! **`build.rs`.** [`build_rust`] reads and checks the schema, writes the bindings
//! into `OUT_DIR` and reruns when the schema changes. A schema error fails the build
//! with one line naming the problem's place in the schema.
//!
//! ```no_run
//! fn main() -> Result<(), sherpa_codegen::BuildError> {
//!     let opts = sherpa_codegen::RustOptions { client: true, ..Default::default() };
//!     sherpa_codegen::build_rust("hello.json", &opts).map(drop)
//! }
//! ```
//!
//! **Including the output.** One module holds the types, the server side (`Api`,
//! `Dispatcher`) and, with `client: true`, the client (`api::client::Client`):
//!
//! ```ignore
//! mod api {
//!     include!(concat!(env!("OUT_DIR"), "/hello.rs"));
//! }
//! ```
//!
//! **Implementing the API.** One `async fn` per function; `Context` is whatever the
//! server passes to every call (here nothing; mox's admin server passes the session).
//! Returning an [`sherpa_runtime::Error`] sends its code and message to the caller.
//!
//! ```
//! # mod api { include!("guide/hello.rs"); }
//! use api::{Greeting, Mood};
//! use sherpa_runtime::{Error, Timestamp};
//!
//! struct Hello;
//!
//! impl api::Api for Hello {
//!     type Context = ();
//!
//!     async fn greet(&self, _: &(), name: String, mood: Mood) -> Result<Greeting, Error> {
//!         if name.is_empty() {
//!             return Err(Error::new("user:error", "name is empty"));
//!         }
//!         let text = match mood {
//!             Mood::Excited => format!("Hello, {name}!"),
//!             _ => format!("Hello, {name}."),
//!         };
//!         Ok(Greeting { text, at: Timestamp::now() })
//!     }
//!
//!     async fn count(&self, _: &()) -> Result<(i64, Vec<String>), Error> {
//!         Ok((0, Vec::new()))
//!     }
//! }
//!
//! // Serving it: the runtime's actix-web glue answers as Go's sherpa handler does
//! // (`POST /hello/Greet`, `GET /hello/_docs`, errors, CORS).
//! fn serve(listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
//!     let sherpa = sherpa_runtime::actix::Sherpa::new(
//!         "/hello/",
//!         api::Dispatcher(Hello),
//!         |_request| (),
//!         sherpa_runtime::Options::default(),
//!     );
//!     let app = move || actix_web::App::new().service(sherpa.scope());
//!     Ok(actix_web::HttpServer::new(app).listen(listener)?.run())
//! }
//! let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
//! let url = format!("http://{}/hello/", listener.local_addr()?);
//! # let (tx, rx) = std::sync::mpsc::channel();
//! # std::thread::spawn(move || actix_web::rt::System::new().block_on(async move {
//! #     let running = serve(listener).unwrap();
//! #     tx.send(running.handle()).unwrap();
//! #     running.await
//! # }));
//! # let handle = rx.recv().unwrap();
//!
//! // Calling it: the generated client, one async method per function, parameters
//! // borrowed, the result type as the trait's.
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let client = api::client::Client::new(&url)?;
//! let greeting = client.greet("Ada", &Mood::Excited).await?;
//! assert_eq!(greeting.text, "Hello, Ada!");
//! let e = client.greet("", &Mood::Plain).await.unwrap_err();
//! assert_eq!((e.code.as_str(), e.message.as_str()), ("user:error", "name is empty"));
//! # handle.stop(true).await;
//! # Ok::<(), Error>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Failed calls are one [`sherpa_runtime::Error`] with the server's code and message,
//! or one of the client's own codes (`sherpa_runtime::client::codes`): the same table
//! as the TypeScript client's.
//!
//! # The library
//!
//! The pipeline is visible in the functions below: [`parse`] reads the JSON document,
//! [`check()`] applies the Go checker's rules (and the few every generator needs) and
//! returns the model, an [`ir::Api`]; the emitters are pure functions from that model
//! to text: [`generate_rust`], [`generate_typescript`], [`generate_html`] (the reference
//! page) and [`stubs`]; [`diff()`] compares two models. [`read`] does the
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

mod chars;
mod check;
pub mod diff;
mod docpath;
mod format;
mod html;
pub mod ir;
mod parse;
mod rust;
mod ts;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use check::CheckError;
pub use diff::diff;
pub use docpath::go_quote;
pub use format::FormatError;
pub use html::HtmlOptions;
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
    let mut file = format::RustFile::new(source_name);
    rust::emit_parts(api, &names, opts, &mut |part| file.push(part))?;
    Ok(file.finish())
}

/// Generates the TypeScript client of an API: `api.ts`, and the same module as
/// JavaScript (`api.js`) with its declarations (`api.d.ts`).
pub fn generate_typescript(api: &ir::Api, opts: &TsOptions) -> Result<TsOutput, Error> {
    Ok(ts::generate(api, opts)?)
}

/// The API reference page: one self-contained HTML document (no external assets) with
/// every section, function, struct and enum, their docs rendered from the schema text,
/// every type linked to its definition, anchors for every item and a search box. Pure:
/// the caller writes it where it wants (the CLI's `docs --html FILE`, a build script, a
/// server serving it).
pub fn generate_html(api: &ir::Api, opts: &HtmlOptions) -> String {
    html::page(api, opts)
}

/// A ready-to-fill `impl Api` with one not-implemented method per function, written
/// with the same names and types as the generated trait.
pub fn stubs(api: &ir::Api, opts: &StubOptions) -> Result<String, Error> {
    let names = rust::naming::RustNames::new(api)?;
    Ok(rust::stubs::stubs(api, &names, opts))
}

/// Why [`build_rust`] failed: one line naming the file, for cargo to print. Its `Debug`
/// is that line too, so that a build script's `main` can return it as is.
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// Everything a build script does for one schema, in one call: reads and checks
/// `schema` (relative to the package), generates its Rust bindings with `opts` into
/// `OUT_DIR/STEM.rs` (written only when the contents change, so an unchanged schema
/// recompiles nothing), and tells cargo to run the script again when the schema
/// changes. Returns the path written; include it with
/// `include!(concat!(env!("OUT_DIR"), "/STEM.rs"))`.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), sherpa_codegen::BuildError> {
///     sherpa_codegen::build_rust("my-api.json", &Default::default()).map(drop)
/// }
/// ```
pub fn build_rust(schema: impl AsRef<Path>, opts: &RustOptions) -> Result<PathBuf, BuildError> {
    let schema = schema.as_ref();
    println!("cargo::rerun-if-changed={}", schema.display());
    let fail = |e: &dyn fmt::Display| BuildError(format!("{}: {e}", schema.display()));
    let out_dir = std::env::var_os("OUT_DIR")
        .ok_or_else(|| BuildError("OUT_DIR is not set: build_rust runs in build scripts".into()))?;
    let text = std::fs::read_to_string(schema).map_err(|e| fail(&e))?;
    let api = read(&text).map_err(|e| fail(&e))?;
    let name = schema
        .file_name()
        .unwrap_or(schema.as_os_str())
        .to_string_lossy();
    let code = generate_rust(&api, &name, opts).map_err(|e| fail(&e))?;
    let stem = schema.file_stem().unwrap_or(schema.as_os_str());
    let out = Path::new(&out_dir).join(stem).with_extension("rs");
    write_if_changed(&out, &code)
        .map_err(|e| BuildError(format!("writing {}: {e}", out.display())))?;
    Ok(out)
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
