//! Stage 4 (Rust): a pure function from the [`Model`] to Rust tokens.
//!
//! The output follows the generated-code contract in `notes/contract.md`: one item per
//! named type, the `Api` trait, `Dispatcher` with its `Dispatch` impl, the `SCHEMA` table
//! and `FUNCTIONS`. It has no inner attributes so it can be `include!`d anywhere, refers
//! to std, serde and the runtime only through absolute paths (schemas define types called
//! `Result` or `Option`), and carries item-level `allow`s for the lints that Go names
//! trip, so that including it under `#![deny(warnings)]` and clippy stays clean.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use crate::model::{
    Basic, Field, Function, IntValue, Model, NamedType, StringValue, TypeKind, TypeRef,
};
use crate::names::{self, ident};

/// Options for the Rust output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// Path through which generated code reaches the runtime crate, like prost's
    /// configurable paths: `::sherpa_runtime` by default, or e.g. `::my_crate::runtime`
    /// when the runtime is re-exported.
    pub runtime_path: String,
}

impl Default for RustOptions {
    fn default() -> Self {
        RustOptions {
            runtime_path: "::sherpa_runtime".to_string(),
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

/// Emits the Rust bindings for `model`.
pub fn emit(model: &Model, opts: &RustOptions) -> Result<TokenStream, OptionsError> {
    Ok(emit_parts(model, opts)?.into_iter().collect())
}

/// [`emit`] in parts (each named type with its impls, the trait, ...), in order. Kept
/// apart so that formatting can take them one by one: joining them into one stream
/// would copy every token once more.
pub fn emit_parts(model: &Model, opts: &RustOptions) -> Result<Vec<TokenStream>, OptionsError> {
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
        )));
    }
    let mut null_as_zero = if rt.leading_colon.is_some() {
        String::from("::")
    } else {
        String::new()
    };
    for seg in &rt.segments {
        null_as_zero.push_str(&seg.ident.to_string());
        null_as_zero.push_str("::");
    }
    null_as_zero.push_str("de::null_as_zero");
    let cx = Cx {
        model,
        rt: quote!(#rt),
        null_as_zero,
    };
    let mut parts: Vec<TokenStream> = model.types.iter().map(|t| cx.named_type(t)).collect();
    parts.push(cx.api_trait());
    parts.push(cx.dispatcher());
    parts.push(cx.schema());
    parts.push(cx.function_list());
    Ok(parts)
}

/// A token stream for `quote!` to move into its output. `quote!` interpolates by
/// reference, and copying a stream copies every token (an allocation per identifier);
/// every part here is interpolated exactly once, so it can be moved instead. After
/// that it is empty.
struct Moved(Cell<Option<TokenStream>>);

fn moved(tokens: TokenStream) -> Moved {
    Moved(Cell::new(Some(tokens)))
}

impl ToTokens for Moved {
    fn to_tokens(&self, out: &mut TokenStream) {
        if let Some(tokens) = self.0.take() {
            out.extend(tokens);
        }
    }
}

/// What every emitting function needs.
struct Cx<'a> {
    model: &'a Model,
    /// The runtime path as tokens.
    rt: TokenStream,
    /// The path of the runtime's `de::null_as_zero`, as text for serde's
    /// `deserialize_with`.
    null_as_zero: String,
}

impl Cx<'_> {
    /// The Rust type for a resolved schema type.
    fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        self.rust_type_boxed(ty, false)
    }

    /// Like [`Cx::rust_type`]; with `boxed`, the named type at the end of a chain of
    /// `nullable`s is put in a `Box` (for struct fields on a reference cycle).
    fn rust_type_boxed(&self, ty: &TypeRef, boxed: bool) -> TokenStream {
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
                if boxed {
                    quote!(::std::boxed::Box<#name>)
                } else {
                    quote!(#name)
                }
            }
        }
    }

    fn type_ident(&self, index: usize) -> proc_macro2::Ident {
        match self.model.types.get(index) {
            Some(t) => ident(&t.rust_name),
            // The model only creates indexes into its own type list.
            None => format_ident!("__sherpa_missing_type_{}", index),
        }
    }

    /// A named type's items, plus its `NullAsZero` impl: struct fields read through
    /// `null_as_zero`, so every type a field can have needs one (Go writes `null` for
    /// nil slices and maps at any depth and reads `null` as the zero value).
    fn named_type(&self, t: &NamedType) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&t.rust_name);
        let items = moved(self.named_type_items(t));
        quote! {
            #items

            impl #rt::de::NullAsZero for #name {}
        }
    }

    fn named_type_items(&self, t: &NamedType) -> TokenStream {
        match &t.kind {
            TypeKind::Struct { fields } => self.struct_type(t, fields),
            TypeKind::Strings {
                values: Some(values),
            } if !values.is_empty() => self.string_enum(t, values),
            TypeKind::Strings { .. } => self.string_newtype(t),
            TypeKind::Ints {
                values: Some(values),
            } if !values.is_empty() => self.int_enum(t, values),
            TypeKind::Ints { .. } => self.int_newtype(t),
        }
    }

    fn struct_type(&self, t: &NamedType, fields: &[Field]) -> TokenStream {
        let docs = moved(doc_attrs(&t.docs));
        let complex = fields.iter().any(|f| wrapper_depth(&f.ty) >= COMPLEX_DEPTH);
        let allows = if complex {
            name_allows(&t.rust_name, &[], vec![quote!(clippy::type_complexity)])
        } else {
            type_allows(&t.rust_name)
        };
        let name = ident(&t.rust_name);
        let fields = fields.iter().map(|f| {
            let docs = moved(doc_attrs(&f.docs));
            let wire = &f.name;
            let fname = ident(&f.rust_name);
            let ty = moved(self.rust_type_boxed(&f.ty, f.rust_boxed));
            let null_as_zero = &self.null_as_zero;
            moved(quote! {
                #docs
                #[serde(rename = #wire)]
                #[serde(deserialize_with = #null_as_zero)]
                pub #fname: #ty,
            })
        });
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(default)]
            pub struct #name {
                #(#fields)*
            }
        }
    }

    fn string_enum(&self, t: &NamedType, values: &[StringValue]) -> TokenStream {
        let docs = moved(doc_attrs(&t.docs));
        let variant_names: Vec<&str> = values.iter().map(|v| v.rust_name.as_str()).collect();
        let allows = enum_allows(&t.rust_name, &variant_names);
        let name = ident(&t.rust_name);
        let other = ident(names::OTHER_VARIANT);
        let default_index = values.iter().position(|v| v.value.is_empty());
        let variants = values.iter().enumerate().map(|(i, v)| {
            let docs = moved(doc_attrs(&v.docs));
            let vname = ident(&v.rust_name);
            let default = (Some(i) == default_index).then(|| quote!(#[default]));
            moved(quote! { #docs #default #vname, })
        });
        let as_str_arms = values.iter().map(|v| {
            let vname = ident(&v.rust_name);
            let value = &v.value;
            moved(quote!(Self::#vname => #value,))
        });
        // With duplicate values (not checked by sherpadoc) the first name wins when
        // reading, and later arms would be unreachable.
        let mut seen = BTreeSet::new();
        let from_arms = values
            .iter()
            .filter(|v| seen.insert(v.value.as_str()))
            .map(|v| {
                let vname = ident(&v.rust_name);
                let value = &v.value;
                moved(quote!(#value => Self::#vname,))
            });
        let (derive_default, default_impl) = match default_index {
            Some(_) => (quote!(Default,), quote!()),
            None => (
                quote!(),
                quote! {
                    impl ::core::default::Default for #name {
                        /// Go's zero value, the empty string, which is not one of the listed values.
                        fn default() -> Self {
                            Self::#other(::std::string::String::new())
                        }
                    }
                },
            ),
        };
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, PartialEq, Eq, Hash, #derive_default)]
            pub enum #name {
                #(#variants)*
                /// A value the schema does not list, kept as is so that it round-trips.
                #other(::std::string::String),
            }

            impl #name {
                /// The value as written on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#as_str_arms)*
                        Self::#other(value) => value,
                    }
                }
            }

            impl ::core::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#from_arms)*
                        _ => Self::#other(::std::borrow::ToOwned::to_owned(value)),
                    }
                }
            }

            impl ::core::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match Self::from(value.as_str()) {
                        Self::#other(_) => Self::#other(value),
                        known => known,
                    }
                }
            }

            #default_impl

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    ::serde::Serializer::serialize_str(serializer, self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    ::core::result::Result::Ok(Self::from(value))
                }
            }
        }
    }

    fn string_newtype(&self, t: &NamedType) -> TokenStream {
        let docs = doc_attrs(&t.docs);
        let allows = type_allows(&t.rust_name);
        let name = ident(&t.rust_name);
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub ::std::string::String);

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(&self.0)
                }
            }

            impl ::core::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self(value)
                }
            }

            impl ::core::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    Self(::std::borrow::ToOwned::to_owned(value))
                }
            }

            impl ::core::ops::Deref for #name {
                type Target = str;
                fn deref(&self) -> &str {
                    &self.0
                }
            }
        }
    }

    fn int_enum(&self, t: &NamedType, values: &[IntValue]) -> TokenStream {
        let docs = moved(doc_attrs(&t.docs));
        let variant_names: Vec<&str> = values.iter().map(|v| v.rust_name.as_str()).collect();
        let allows = enum_allows(&t.rust_name, &variant_names);
        let name = ident(&t.rust_name);
        let other = ident(names::OTHER_VARIANT);
        let default_index = values.iter().position(|v| v.value == 0);
        let variants = values.iter().enumerate().map(|(i, v)| {
            let docs = moved(doc_attrs(&v.docs));
            let vname = ident(&v.rust_name);
            let default = (Some(i) == default_index).then(|| quote!(#[default]));
            moved(quote! { #docs #default #vname, })
        });
        let value_arms = values.iter().map(|v| {
            let vname = ident(&v.rust_name);
            let value = int_literal(v.value);
            moved(quote!(Self::#vname => #value,))
        });
        let mut seen = BTreeSet::new();
        let from_arms = values.iter().filter(|v| seen.insert(v.value)).map(|v| {
            let vname = ident(&v.rust_name);
            let value = int_literal(v.value);
            moved(quote!(#value => Self::#vname,))
        });
        let (derive_default, default_impl) = match default_index {
            Some(_) => (quote!(Default,), quote!()),
            None => (
                quote!(),
                quote! {
                    impl ::core::default::Default for #name {
                        /// Go's zero value, 0, which is not one of the listed values.
                        fn default() -> Self {
                            Self::#other(0)
                        }
                    }
                },
            ),
        };
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #derive_default)]
            pub enum #name {
                #(#variants)*
                /// A value the schema does not list, kept as is so that it round-trips.
                #other(i64),
            }

            impl #name {
                /// The value as written on the wire.
                pub fn value(&self) -> i64 {
                    match self {
                        #(#value_arms)*
                        Self::#other(value) => *value,
                    }
                }
            }

            impl ::core::convert::From<i64> for #name {
                fn from(value: i64) -> Self {
                    match value {
                        #(#from_arms)*
                        _ => Self::#other(value),
                    }
                }
            }

            #default_impl

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    ::serde::Serializer::serialize_i64(serializer, self.value())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let value = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                    ::core::result::Result::Ok(Self::from(value))
                }
            }
        }
    }

    fn int_newtype(&self, t: &NamedType) -> TokenStream {
        let docs = doc_attrs(&t.docs);
        let allows = type_allows(&t.rust_name);
        let name = ident(&t.rust_name);
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub i64);
        }
    }

    /// The `Ok` type of a function: `()`, the single return type, or a tuple.
    fn result_type(&self, f: &Function) -> TokenStream {
        let types: Vec<TokenStream> = f.returns.iter().map(|r| self.rust_type(&r.ty)).collect();
        match types.as_slice() {
            [single] => single.clone(),
            _ => quote!((#(#types),*)),
        }
    }

    fn api_trait(&self) -> TokenStream {
        let rt = &self.rt;
        let docs = if self.model.docs.trim().is_empty() {
            doc_attrs(&format!(
                "The functions of the {} API, for a server to implement.",
                self.model.name
            ))
        } else {
            doc_attrs(&self.model.docs)
        };
        let api = ident(names::API_TRAIT);
        let methods = self.model.functions.iter().map(|f| {
            let docs = moved(doc_attrs(&f.docs));
            let name = ident(&f.rust_name);
            let ctx = ident(&f.rust_ctx_name);
            let params = f.params.iter().map(|p| {
                let pname = ident(&p.rust_name);
                let ty = moved(self.rust_type(&p.ty));
                moved(quote!(#pname: #ty))
            });
            let result = moved(self.result_type(f));
            moved(quote! {
                #docs
                fn #name(&self, #ctx: &Self::Context #(, #params)*)
                    -> impl ::core::future::Future<Output = ::core::result::Result<#result, #rt::Error>> + ::core::marker::Send;
            })
        });
        quote! {
            #docs
            ///
            /// Implementors write `async fn`; the [`Dispatcher`] turns an implementation into
            /// something the runtime can serve.
            #[allow(clippy::too_many_arguments, clippy::type_complexity, clippy::wrong_self_convention)]
            pub trait #api: ::core::marker::Send + ::core::marker::Sync + 'static {
                /// What the server passes to every call, e.g. the authenticated session.
                type Context: ::core::marker::Send + ::core::marker::Sync + 'static;
                #(#methods)*
            }
        }
    }

    fn dispatcher(&self) -> TokenStream {
        let rt = &self.rt;
        let api = ident(names::API_TRAIT);
        let dispatcher = ident(names::DISPATCHER);
        let schema = ident(names::SCHEMA);
        let generic = ident(&self.model.rust_dispatcher_generic);
        let any_params = self.model.functions.iter().any(|f| !f.params.is_empty());
        let call_binding = if any_params {
            quote!(mut call)
        } else {
            quote!(call)
        };
        let body = if self.model.functions.is_empty() {
            quote!(::core::result::Result::Err(#rt::Error::bad_function(call.function())))
        } else {
            let arms = self
                .model
                .functions
                .iter()
                .map(|f| moved(self.dispatch_arm(f)));
            quote! {
                match call.function() {
                    #(#arms)*
                    other => ::core::result::Result::Err(#rt::Error::bad_function(other)),
                }
            }
        };
        let ctx = if self.model.functions.is_empty() {
            quote!(_ctx)
        } else {
            quote!(ctx)
        };
        quote! {
            /// Serves an [`Api`] implementation: decodes the parameters of a call, calls the
            /// method and encodes its result.
            #[derive(Debug, Clone)]
            pub struct #dispatcher<#generic>(pub #generic);

            #[allow(clippy::type_complexity)]
            impl<#generic: #api> #rt::Dispatch for #dispatcher<#generic> {
                type Context = #generic::Context;

                fn schema(&self) -> &'static #rt::schema::Schema {
                    &#schema
                }

                fn call<'a>(&'a self, #ctx: &'a #generic::Context, #call_binding: #rt::Call)
                    -> #rt::BoxFuture<'a, ::core::result::Result<#rt::Encoded, #rt::Error>>
                {
                    ::std::boxed::Box::pin(async move { #body })
                }
            }
        }
    }

    fn dispatch_arm(&self, f: &Function) -> TokenStream {
        let wire = &f.name;
        let method = ident(&f.rust_name);
        let lets = f.params.iter().enumerate().map(|(i, p)| {
            let local = ident(&p.rust_local_name);
            let ty = moved(self.rust_type(&p.ty));
            let index = Literal::usize_unsuffixed(i);
            moved(quote!(let #local: #ty = call.param(#index)?;))
        });
        let args = f.params.iter().map(|p| ident(&p.rust_local_name));
        let invoke = moved(quote!(self.0.#method(ctx #(, #args)*).await?));
        // `let result = ()` would trip clippy's `let_unit_value`.
        let finish = moved(if f.returns.is_empty() {
            quote! {
                #invoke;
                call.result(&())
            }
        } else {
            quote! {
                let result = #invoke;
                call.result(&result)
            }
        });
        quote! {
            #wire => {
                #(#lets)*
                #finish
            }
        }
    }

    fn schema(&self) -> TokenStream {
        let rt = &self.rt;
        let schema = ident(names::SCHEMA);
        let name = &self.model.name;
        let docs_json = raw_string(&self.model.docs_json);
        let functions = self.model.functions.iter().map(|f| {
            let fname = &f.name;
            let params = f.params.iter().map(|p| moved(arg_def(&p.name, &p.ty)));
            let returns = f.returns.iter().map(|r| moved(arg_def(&r.name, &r.ty)));
            moved(quote!(FunctionDef::new(#fname, &[#(#params),*], &[#(#returns),*]),))
        });
        let types = self.model.types.iter().map(|t| {
            let tname = &t.name;
            match &t.kind {
                TypeKind::Struct { fields } => {
                    let fields = fields.iter().map(|f| {
                        let fname = &f.name;
                        let ty = moved(schema_type(&f.ty));
                        moved(quote!(FieldDef::new(#fname, #ty)))
                    });
                    moved(quote!(NamedType::new_struct(#tname, &[#(#fields),*]),))
                }
                TypeKind::Strings { values } => {
                    let values = values.iter().flatten().map(|v| &v.value);
                    moved(quote!(NamedType::new_strings(#tname, &[#(#values),*]),))
                }
                TypeKind::Ints { values } => {
                    let values = values.iter().flatten().map(|v| int_literal(v.value));
                    moved(quote!(NamedType::new_ints(#tname, &[#(#values),*]),))
                }
            }
        });
        let mut by_name: Vec<usize> = (0..self.model.functions.len()).collect();
        by_name.sort_by(|&a, &b| {
            self.model.functions[a]
                .name
                .cmp(&self.model.functions[b].name)
        });
        let by_name = by_name.into_iter().map(Literal::usize_unsuffixed);
        let imports = self.schema_imports();
        quote! {
            /// The API's functions and types as data: what the runtime needs to decode
            /// parameters with Go's rules and to serve `_docs`.
            pub static #schema: #rt::schema::Schema = {
                use #rt::schema::{#(#imports),*};
                Schema {
                    name: #name,
                    functions: &[#(#functions)*],
                    functions_by_name: &[#(#by_name),*],
                    types: &[#(#types)*],
                    docs_json: #docs_json,
                }
            };
        }
    }

    /// The `schema` items the `SCHEMA` initializer names (importing unused ones would
    /// warn).
    fn schema_imports(&self) -> Vec<proc_macro2::Ident> {
        let m = self.model;
        let any_args = m
            .functions
            .iter()
            .any(|f| !f.params.is_empty() || !f.returns.is_empty());
        let any_fields = m
            .types
            .iter()
            .any(|t| matches!(&t.kind, TypeKind::Struct { fields } if !fields.is_empty()));
        let used = [
            ("ArgDef", any_args),
            ("FieldDef", any_fields),
            ("FunctionDef", !m.functions.is_empty()),
            ("NamedType", !m.types.is_empty()),
            ("Schema", true),
            ("Type", any_args || any_fields),
        ];
        used.into_iter()
            .filter(|(_, used)| *used)
            .map(|(name, _)| format_ident!("{}", name))
            .collect()
    }

    fn function_list(&self) -> TokenStream {
        let list = ident(names::FUNCTIONS);
        let names = self.model.functions.iter().map(|f| &f.name);
        quote! {
            /// The wire names of all functions, in document order.
            pub const #list: &[&str] = &[#(#names),*];
        }
    }
}

/// An `ArgDef` literal (inside the `SCHEMA` block, where the schema types are imported).
fn arg_def(name: &str, ty: &TypeRef) -> TokenStream {
    let ty = schema_type(ty);
    quote!(ArgDef::new(#name, #ty))
}

/// A `schema::Type` expression; nested types are constant-promoted references.
fn schema_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Basic(b) => {
            let variant = match b {
                Basic::Any => "Any",
                Basic::Bool => "Bool",
                Basic::Int8 => "Int8",
                Basic::Uint8 => "Uint8",
                Basic::Int16 => "Int16",
                Basic::Uint16 => "Uint16",
                Basic::Int32 => "Int32",
                Basic::Uint32 => "Uint32",
                Basic::Int64 => "Int64",
                Basic::Uint64 => "Uint64",
                Basic::Int64s => "Int64s",
                Basic::Uint64s => "Uint64s",
                Basic::Float32 => "Float32",
                Basic::Float64 => "Float64",
                Basic::String => "String",
                Basic::Timestamp => "Timestamp",
            };
            let variant = format_ident!("{}", variant);
            quote!(Type::#variant)
        }
        TypeRef::Nullable(inner) => {
            let inner = moved(schema_type(inner));
            quote!(Type::Nullable(&#inner))
        }
        TypeRef::List(inner) => {
            let inner = moved(schema_type(inner));
            quote!(Type::List(&#inner))
        }
        TypeRef::Map(inner) => {
            let inner = moved(schema_type(inner));
            quote!(Type::Map(&#inner))
        }
        TypeRef::Named(index) => {
            let index = Literal::usize_unsuffixed(*index);
            quote!(Type::Named(#index))
        }
    }
}

/// A raw string literal (`r#"..."#`) for `s`: text such as the JSON document reads as
/// it is, and neither writing nor parsing it goes through escapes character by
/// character.
/// Falls back to an ordinary literal for text a raw string cannot hold (a lone CR).
fn raw_string(s: &str) -> Literal {
    // One more `#` than the longest run of them after a `"` in the text.
    let mut hashes = 0;
    for (i, _) in s.match_indices('"') {
        let run = s[i + 1..].bytes().take_while(|&b| b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{s}\"{fence}")
        .parse()
        .unwrap_or_else(|_| Literal::string(s))
}

/// An `i64` literal that is valid in expressions and patterns, `i64::MIN` included.
fn int_literal(value: i64) -> TokenStream {
    let abs = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#abs)
    } else {
        quote!(#abs)
    }
}

/// Nesting of `nullable`/`[]`/`{}` from which a field type may exceed clippy's
/// `type_complexity` threshold (the fully qualified paths count against it).
const COMPLEX_DEPTH: usize = 3;

/// How many `nullable`, `[]` and `{}` are nested in `ty`.
fn wrapper_depth(ty: &TypeRef) -> usize {
    let mut depth = 0;
    let mut ty = ty;
    while let TypeRef::Nullable(inner) | TypeRef::List(inner) | TypeRef::Map(inner) = ty {
        depth += 1;
        ty = inner;
    }
    depth
}

/// The `allow` attribute a struct with this name needs.
fn type_allows(type_name: &str) -> TokenStream {
    name_allows(type_name, &[], Vec::new())
}

/// The `allow` attribute an enum with these names needs: value names usually repeat the
/// type name (`ModeEnforce` in `Mode`), which clippy's `enum_variant_names` flags.
fn enum_allows(type_name: &str, variants: &[&str]) -> TokenStream {
    name_allows(
        type_name,
        variants,
        vec![quote!(clippy::enum_variant_names)],
    )
}

fn name_allows(type_name: &str, variants: &[&str], mut lints: Vec<TokenStream>) -> TokenStream {
    let all = || std::iter::once(type_name).chain(variants.iter().copied());
    if all().any(names::needs_upper_case_acronyms_allow) {
        lints.push(quote!(clippy::upper_case_acronyms));
    }
    if all().any(names::needs_non_camel_case_allow) {
        lints.push(quote!(non_camel_case_types));
    }
    if lints.is_empty() {
        quote!()
    } else {
        quote!(#[allow(#(#lints),*)])
    }
}

/// `#[doc = " line"]` attributes for schema docs; see [`doc_lines`].
///
/// The lines are raw string literals: prettyplease prints them as `///` comments either
/// way, and raw strings are cheaper for syn to read back.
fn doc_attrs(docs: &str) -> TokenStream {
    let lines = doc_lines(docs).into_iter().map(|line| raw_string(&line));
    quote!(#(#[doc = #lines])*)
}

/// Turns schema docs (Go comment text) into rustdoc lines, each with a leading space as
/// `///` comments have.
///
/// Go docs mark code and preformatted text by indenting it, which rustdoc would take as a
/// Rust doctest and try to compile, so indented runs (tab or four spaces) become fenced
/// ```` ```text ```` blocks, and fences without a language get `text`. Outside code,
/// `[`, `]`, `<` and `>` are escaped (they are not links or HTML in Go docs), and bare
/// URLs are wrapped in `<...>` so rustdoc links them instead of warning.
pub fn doc_lines(docs: &str) -> Vec<String> {
    let normalized = docs.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.lines().map(str::trim_end).collect();
    let Some(last) = lines.iter().rposition(|l| !l.is_empty()) else {
        return Vec::new();
    };
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let lines = &lines[first..=last];

    let mut out = Vec::with_capacity(lines.len() + 2);
    // The closing marker of an open fence written in the docs themselves.
    let mut user_fence: Option<String> = None;
    let mut in_indented = false;
    // Inside a list item: the indentation its continuation lines need, which Go docs
    // leave out and markdown (and clippy's `doc_lazy_continuation`) wants.
    let mut list_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(marker) = &user_fence {
            if line.trim_start().starts_with(marker.as_str()) {
                user_fence = None;
            }
            out.push(with_space(&detab(line)));
            continue;
        }
        if let Some(stripped) = strip_indent(line) {
            if !in_indented {
                out.push(" ```text".to_string());
                in_indented = true;
                list_indent = None;
            }
            out.push(with_space(&detab(stripped)));
            continue;
        }
        if line.is_empty() && in_indented {
            // A blank line inside an indented run stays in the block if the run goes on.
            let continues = lines[i + 1..]
                .iter()
                .find(|l| !l.is_empty())
                .is_some_and(|l| strip_indent(l).is_some());
            if continues {
                out.push(String::new());
                continue;
            }
        }
        if in_indented {
            out.push(" ```".to_string());
            in_indented = false;
        }
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            list_indent = None;
            let run = trimmed
                .chars()
                .take_while(|&c| marker.starts_with(c))
                .count();
            let fence: String = trimmed.chars().take(run).collect();
            let info = trimmed[fence.len()..].trim();
            user_fence = Some(fence.clone());
            if info.is_empty() {
                out.push(format!(" {fence}text"));
            } else {
                out.push(with_space(line));
            }
            continue;
        }
        let line = detab(line);
        let text = escape_markdown(&line);
        if let Some(width) = list_marker_width(&line) {
            list_indent = Some(width);
            out.push(with_space(&text));
        } else if let (Some(width), false) = (list_indent, line.starts_with(' ')) {
            out.push(with_space(&format!("{:width$}{text}", "")));
        } else {
            out.push(with_space(&text));
        }
    }
    if in_indented {
        out.push(" ```".to_string());
    }
    if let Some(marker) = user_fence {
        out.push(format!(" {marker}"));
    }
    out
}

/// The width of the list marker starting `line` (`- `, `* `, `+ `, `1. `, `1) `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// Tabs as four spaces: clippy's `tabs_in_doc_comments` rejects tabs.
fn detab(line: &str) -> String {
    line.replace('\t', "    ")
}

/// The line without one level of indentation, if it is indented.
fn strip_indent(line: &str) -> Option<&str> {
    line.strip_prefix('\t')
        .or_else(|| line.strip_prefix("    "))
}

fn with_space(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Escapes markdown link and HTML syntax outside inline code, and wraps bare URLs.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        // Inline code spans are copied as they are.
        if rest.starts_with('`') {
            let ticks = rest.chars().take_while(|&c| c == '`').count();
            let delimiter = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(delimiter) {
                let span = ticks + end + ticks;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            out.push_str(delimiter);
            rest = &rest[ticks..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            if matches!(c, '[' | ']' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_fence_indented_runs() {
        let docs = "Intro line.\n\n\tcode one\n\n\tcode two\nAfter [x] <y> http://example.org/a.\n    four spaces";
        assert_eq!(
            doc_lines(docs),
            [
                " Intro line.",
                "",
                " ```text",
                " code one",
                "",
                " code two",
                " ```",
                r" After \[x\] \<y\> <http://example.org/a>.",
                " ```text",
                " four spaces",
                " ```",
            ]
        );
    }

    #[test]
    fn docs_user_fences_and_code_spans() {
        let docs = "```\nfn main() {}\n```\nuse `a[0] <b>` here\n~~~go\nx := 1\n~~~";
        assert_eq!(
            doc_lines(docs),
            [
                " ```text",
                " fn main() {}",
                " ```",
                " use `a[0] <b>` here",
                " ~~~go",
                " x := 1",
                " ~~~",
            ]
        );
        assert!(doc_lines("  \n\n").is_empty());
        assert_eq!(doc_lines("unclosed ``` tick"), [" unclosed ``` tick"]);
    }

    #[test]
    fn raw_strings() {
        assert_eq!(raw_string("a").to_string(), "r\"a\"");
        assert_eq!(raw_string("a\"b").to_string(), "r#\"a\"b\"#");
        assert_eq!(raw_string("").to_string(), "r\"\"");
        assert_eq!(
            raw_string("say \"#hi\"## now").to_string(),
            "r###\"say \"#hi\"## now\"###"
        );
        // A lone CR cannot be in a raw string.
        assert_eq!(raw_string("a\rb").to_string(), "\"a\\rb\"");
        for s in ["x", "\"", "\"#", "#\"#", "\\ \u{0} é\u{301}\n\t"] {
            let raw = raw_string(s);
            let lit: syn::LitStr = syn::parse2(quote!(#raw)).unwrap();
            assert_eq!(lit.value(), s);
        }
    }

    #[test]
    fn negative_literals() {
        assert_eq!(int_literal(-5).to_string(), "- 5");
        assert_eq!(int_literal(i64::MIN).to_string(), "- 9223372036854775808");
        assert_eq!(int_literal(7).to_string(), "7");
    }
}
