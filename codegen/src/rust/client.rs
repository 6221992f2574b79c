//! The client side of the Rust bindings: `mod client` with a `Client` that has one
//! `async fn` per API function, running on the runtime's `client` feature.
//!
//! The module sits next to the generated types and `SCHEMA` and refers to them through
//! `super::`, so one file can hold server and client bindings of one schema without
//! a second copy of any type. Parameters are borrowed where a caller would otherwise
//! have to give up or clone a value (`&str`, `&[T]`, `&T`), and taken by value where
//! they are `Copy` (numbers, `bool`, timestamps, int enums).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Basic, Function, TypeKind, TypeRef, ValueKind};
use crate::rust::Cx;
use crate::rust::docs::doc_attrs;
use crate::rust::literals::moved;
use crate::rust::names::{self, ident};

impl Cx<'_> {
    /// `pub mod client { … }`, behind `#[cfg(feature = …)]` when `feature` is given.
    /// `self` must name types through `super::`.
    pub(crate) fn client_module(&self, feature: Option<&str>) -> TokenStream {
        let rt = &self.rt;
        let module = ident(names::CLIENT_MODULE);
        let client = ident(names::CLIENT);
        let methods = self
            .api
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| moved(self.client_method(i, f)));
        let module_doc = match feature {
            Some(f) => format!(
                "A typed client for the {} API (feature `{f}`).",
                self.api.name
            ),
            None => format!(
                "A typed client for the {} API (needs the runtime's `client` feature).",
                self.api.name
            ),
        };
        let cfg = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote! {
            #[doc = #module_doc]
            #cfg
            pub mod #module {
                /// Calls the API's functions at one base URL. Cheap to clone: clones share
                /// the connection pool, the cookie jar and the headers.
                #[derive(Debug, Clone)]
                pub struct #client {
                    inner: #rt::client::Client,
                }

                #[allow(dead_code, clippy::too_many_arguments, clippy::type_complexity)]
                impl #client {
                    /// A client for the API at `base_url` (its functions are at `base_url`
                    /// plus the function name), with a cookie jar and no timeout.
                    pub fn new(base_url: &str) -> ::core::result::Result<#client, #rt::Error> {
                        #rt::client::Client::new(base_url).map(#client::from_runtime)
                    }

                    /// A client on a runtime client made with its builder: a timeout,
                    /// extra headers, an authentication hook, an HTTP client of one's own.
                    pub fn from_runtime(inner: #rt::client::Client) -> #client {
                        #client { inner }
                    }

                    /// The runtime client underneath: its base URL, and the headers sent
                    /// with every call (e.g. a CSRF token after a login).
                    pub fn runtime(&self) -> &#rt::client::Client {
                        &self.inner
                    }

                    #(#methods)*
                }
            }
        }
    }

    fn client_method(&self, fi: usize, f: &Function) -> TokenStream {
        let rt = &self.rt;
        let schema = ident(names::SCHEMA);
        let wire = &f.name;
        let docs = if f.docs.trim().is_empty() {
            doc_attrs(&format!("Calls `{wire}`."))
        } else {
            doc_attrs(&f.docs)
        };
        let method = ident(&self.names.client_methods[fi]);
        let pnames: Vec<_> = self.names.params[fi].iter().map(|p| ident(p)).collect();
        let params = f.params.iter().zip(&pnames).map(|(p, pname)| {
            let ty = moved(self.param_type(&p.ty));
            moved(quote!(#pname: #ty))
        });
        let result = moved(self.result_type(f));
        quote! {
            #docs
            pub async fn #method(&self #(, #params)*) -> ::core::result::Result<#result, #rt::Error> {
                let params = #rt::client::Params::new() #(.arg(&#pnames))*;
                self.inner.call(&super::#schema, #wire, params).await
            }
        }
    }

    /// How a client method takes a parameter of type `ty`: by value when it is `Copy`,
    /// otherwise borrowed, with `str` and slices for strings and lists.
    fn param_type(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Basic(Basic::String) => quote!(&str),
            TypeRef::Basic(Basic::Any) => quote!(&::serde_json::Value),
            TypeRef::Basic(_) => self.rust_type(ty),
            TypeRef::Nullable(inner) => {
                let inner = moved(self.param_type(inner));
                quote!(::core::option::Option<#inner>)
            }
            TypeRef::List(_) if ty.is_bytes() => {
                let owned = self.rust_type(ty);
                quote!(&#owned)
            }
            TypeRef::List(inner) => {
                let inner = moved(self.rust_type(inner));
                quote!(&[#inner])
            }
            TypeRef::Map(_) => {
                let owned = self.rust_type(ty);
                quote!(&#owned)
            }
            TypeRef::Named(index) => {
                let owned = self.rust_type(ty);
                let copy = matches!(
                    self.api.types.get(*index).map(|t| &t.kind),
                    Some(TypeKind::Enum(e)) if e.kind == ValueKind::Int
                );
                if copy { owned } else { quote!(&#owned) }
            }
        }
    }
}
