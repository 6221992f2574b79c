//! The Rust output: a pure function from the model ([`crate::ir::Api`]) and its Rust
//! names ([`naming::RustNames`]) to Rust source.
//!
//! The output is one item per named type, the `SCHEMA` table and `FUNCTIONS`, then
//! for a server the `Api` trait and `Dispatcher` with its `Dispatch` impl, and for a
//! client `mod client` (see [`RustOptions`]). It has no inner attributes so
//! it can be `include!`d anywhere, refers to std, serde and the runtime only through
//! absolute paths (schemas define types called `Result` or `Option`), and carries
//! item-level `allow`s for the lints that Go names trip, so that including it under
//! `#![deny(warnings)]` and clippy stays clean.

use std::fmt;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::format::FormatError;
use crate::ir::{Api, Basic, TypeRef};
use literals::moved;
use names::ident;
use naming::RustNames;

mod client;
mod docs;
mod literals;
pub(crate) mod names;
pub(crate) mod naming;
mod server;
pub(crate) mod stubs;
mod types;

pub(crate) use docs::doc_lines;

/// Options for the Rust output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// Path through which generated code reaches the runtime crate, like prost's
    /// configurable paths: `::sherpa_runtime` by default, or e.g. `::my_crate::runtime`
    /// when the runtime is re-exported.
    pub runtime_path: String,
    /// Emit the server side: the `Api` trait and the `Dispatcher` serving it. On by
    /// default.
    pub server: bool,
    /// Emit the client side: `mod client` with a typed `Client`, which needs the
    /// runtime's `client` feature. Off by default. With `server` also on, both sides
    /// share one set of types.
    pub client: bool,
    /// With `client`: put `mod client` behind `#[cfg(feature = "NAME")]`, for a crate
    /// that offers the client as an optional feature of its own (which must enable
    /// the runtime's `client` feature). `None` by default: the module is always there.
    pub client_feature: Option<String>,
    /// Functions (by their schema names) whose `Api` method returns its result in wire
    /// form, as the runtime's `Wire<T>` instead of `T`: for large answers built from
    /// JSON the server already holds, which the dispatcher then sends without encoding
    /// anything. Clients and the wire are unchanged. Empty by default.
    pub wire_results: Vec<String>,
}

impl Default for RustOptions {
    fn default() -> Self {
        RustOptions {
            runtime_path: "::sherpa_runtime".to_string(),
            server: true,
            client: false,
            client_feature: None,
            wire_results: Vec::new(),
        }
    }
}

/// Invalid [`RustOptions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError(pub String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

/// The Rust bindings of `api` in parts (each named type with its impls, the trait,
/// ...), handed to `sink` in order, each as soon as it is built: formatting takes them
/// one by one, so the tokens of only one part exist at a time (joining them into one
/// stream would also copy every token once more).
pub(crate) fn emit_parts(
    api: &Api,
    names: &RustNames,
    opts: &RustOptions,
    sink: &mut dyn FnMut(TokenStream) -> Result<(), FormatError>,
) -> Result<(), crate::Error> {
    let rt: syn::Path = syn::parse_str(&opts.runtime_path).map_err(|e| {
        OptionsError(format!(
            "runtime path {:?} is not a Rust path: {e}",
            opts.runtime_path
        ))
    })?;
    if let Some(seg) = rt.segments.iter().find(|s| !s.arguments.is_none()) {
        return Err(OptionsError(format!(
            "runtime path {:?} has generic arguments at {:?}",
            opts.runtime_path,
            seg.ident.to_string()
        ))
        .into());
    }
    let mut wire = vec![false; api.functions.len()];
    for name in &opts.wire_results {
        let Some(i) = api.functions.iter().position(|f| &f.name == name) else {
            return Err(OptionsError(format!(
                "wire result for {name:?}: the schema has no such function"
            ))
            .into());
        };
        if api.functions[i].returns.is_empty() {
            return Err(OptionsError(format!(
                "wire result for {name:?}: the function returns nothing"
            ))
            .into());
        }
        wire[i] = true;
    }
    let cx = Cx {
        api,
        names,
        rt: quote!(#rt),
        type_prefix: TokenStream::new(),
        wire,
    };
    for t in 0..api.types.len() {
        sink(cx.named_type(t))?;
    }
    if opts.server {
        sink(cx.api_trait())?;
        sink(cx.dispatcher())?;
    }
    sink(cx.schema())?;
    sink(cx.function_list())?;
    if opts.client {
        let in_module = Cx {
            type_prefix: quote!(super::),
            ..cx
        };
        sink(in_module.client_module(opts.client_feature.as_deref()))?;
    }
    Ok(())
}

/// What every emitting function needs.
pub(crate) struct Cx<'a> {
    pub(crate) api: &'a Api,
    pub(crate) names: &'a RustNames,
    /// The runtime path as tokens.
    pub(crate) rt: TokenStream,
    /// What schema type names are prefixed with: nothing at the top level, `super::`
    /// inside the client module.
    pub(crate) type_prefix: TokenStream,
    /// Per function: whether its method returns `Wire<T>` (see
    /// [`RustOptions::wire_results`]).
    pub(crate) wire: Vec<bool>,
}

impl Cx<'_> {
    /// The Rust type for a resolved schema type.
    pub(crate) fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        self.rust_type_boxed(ty, false)
    }

    /// Like [`Cx::rust_type`]; with `boxed`, the named type at the end of a chain of
    /// `nullable`s is put in a `Box` (for struct fields on a reference cycle).
    pub(crate) fn rust_type_boxed(&self, ty: &TypeRef, boxed: bool) -> TokenStream {
        let rt = &self.rt;
        match ty {
            TypeRef::Basic(b) => match b {
                Basic::Any => quote!(::serde_json::Value),
                Basic::Bool => quote!(bool),
                Basic::Int8 => quote!(i8),
                Basic::Uint8 => quote!(u8),
                Basic::Int16 => quote!(i16),
                Basic::Uint16 => quote!(u16),
                Basic::Int32 => quote!(i32),
                Basic::Uint32 => quote!(u32),
                Basic::Int64 => quote!(i64),
                Basic::Uint64 => quote!(u64),
                Basic::Int64s => quote!(#rt::Int64s),
                Basic::Uint64s => quote!(#rt::Uint64s),
                Basic::Float32 => quote!(f32),
                Basic::Float64 => quote!(f64),
                Basic::String => quote!(::std::string::String),
                Basic::Timestamp => quote!(#rt::Timestamp),
            },
            TypeRef::Nullable(inner) => {
                let inner = moved(self.rust_type_boxed(inner, boxed));
                quote!(::core::option::Option<#inner>)
            }
            TypeRef::List(_) if ty.is_bytes() => quote!(#rt::Bytes),
            TypeRef::List(inner) => {
                let inner = moved(self.rust_type(inner));
                quote!(::std::vec::Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = moved(self.rust_type(inner));
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
            TypeRef::Named(index) => {
                let name = self.type_ident(*index);
                let prefix = &self.type_prefix;
                if boxed {
                    quote!(::std::boxed::Box<#prefix #name>)
                } else {
                    quote!(#prefix #name)
                }
            }
        }
    }

    pub(crate) fn type_ident(&self, index: usize) -> proc_macro2::Ident {
        match self.names.types.get(index) {
            Some(name) => ident(name),
            // The model only creates indexes into its own type list.
            None => format_ident!("__sherpa_missing_type_{}", index),
        }
    }
}
