//! The runtime of generated sherpa APIs. It knows nothing about any particular API:
//! generated code (see `sherpa-codegen`) describes its functions and types in a
//! [`schema::Schema`] and implements [`Dispatch`]; this crate does the rest.
//!
//! - [`Error`] and [`codes`]: the error envelope and the protocol's codes.
//! - [`Timestamp`], [`Bytes`], [`Int64s`], [`Uint64s`]: values with Go's JSON forms.
//! - [`gojson`]: writing JSON byte for byte as Go's `encoding/json`.
//! - [`de`]: reading Go's JSON with plain serde (`null` as the zero value at any depth).
//! - [`Dispatch`], [`Call`], [`Encoded`], [`handle`]: calling functions, with Go's
//!   request parsing, parameter decoding (`null` as zero, case-insensitive keys,
//!   unknown fields rejected, Go's error messages) and response envelope.
//! - [`http`]: Go's content type check and query parsing, for any HTTP stack.
//! - `actix` (feature `actix`, on by default): the HTTP side on actix-web, as Go's
//!   handler: a ready-made scope, or `respond` for servers that route themselves.
//! - `client` (feature `client`): calling a sherpa API over HTTP(S), what generated
//!   Rust clients run on.

pub mod de;
pub mod doc;
pub mod schema;

mod decode;
mod dispatch;
mod error;
pub mod gojson;
mod gotime;
pub mod http;
mod jsonparse;
mod types;

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "client")]
pub mod client;

pub use decode::fold_eq;
pub use dispatch::{
    BoxFuture, Call, Collector, DOCS_FUNCTION, Dispatch, Encoded, Options, Raw, Response,
    body_too_large, docs_section, handle, respond_raw,
};
pub use error::{Error, Result, codes};
pub use types::{Bytes, Int64s, Timestamp, Uint64s};
