//! The server side of the Rust bindings: the `Api` trait, the `Dispatcher` serving an
//! implementation of it, the `SCHEMA` table the runtime decodes with, and `FUNCTIONS`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Function, TypeKind, TypeRef, Value, ValueKind};
use crate::rust::Cx;
use crate::rust::docs::doc_attrs;
use crate::rust::literals::{int_literal, moved, raw_string};
use crate::rust::names::{self, ident};

impl Cx<'_> {
    /// The `Ok` type of a function: `()`, the single return type, or a tuple.
    pub(crate) fn result_type(&self, f: &Function) -> TokenStream {
        let types: Vec<TokenStream> = f.returns.iter().map(|r| self.rust_type(&r.ty)).collect();
        match types.as_slice() {
            [single] => single.clone(),
            _ => quote!((#(#types),*)),
        }
    }

    pub(crate) fn api_trait(&self) -> TokenStream {
        let rt = &self.rt;
        let docs = if self.api.docs.trim().is_empty() {
            doc_attrs(&format!(
                "The functions of the {} API, for a server to implement.",
                self.api.name
            ))
        } else {
            doc_attrs(&self.api.docs)
        };
        let api = ident(names::API_TRAIT);
        let methods = self.api.functions.iter().enumerate().map(|(i, f)| {
            let docs = moved(doc_attrs(&f.docs));
            let name = ident(&self.names.methods[i]);
            let ctx = ident(&self.names.ctx[i]);
            let params = f.params.iter().zip(&self.names.params[i]).map(|(p, pname)| {
                let pname = ident(pname);
                let ty = moved(self.rust_type(&p.ty));
                moved(quote!(#pname: #ty))
            });
            let result = moved(self.result_type(f));
            let result = if self.wire[i] {
                quote!(#rt::Wire<#result>)
            } else {
                quote!(#result)
            };
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

    pub(crate) fn dispatcher(&self) -> TokenStream {
        let rt = &self.rt;
        let api = ident(names::API_TRAIT);
        let dispatcher = ident(names::DISPATCHER);
        let schema = ident(names::SCHEMA);
        let generic = ident(&self.names.dispatcher_generic);
        let any_params = self.api.functions.iter().any(|f| !f.params.is_empty());
        let call_binding = if any_params {
            quote!(mut call)
        } else {
            quote!(call)
        };
        let body = if self.api.functions.is_empty() {
            quote!(::core::result::Result::Err(#rt::Error::bad_function(call.function())))
        } else {
            let arms = self
                .api
                .functions
                .iter()
                .enumerate()
                .map(|(i, f)| moved(self.dispatch_arm(i, f)));
            quote! {
                match call.function() {
                    #(#arms)*
                    other => ::core::result::Result::Err(#rt::Error::bad_function(other)),
                }
            }
        };
        let ctx = if self.api.functions.is_empty() {
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

    fn dispatch_arm(&self, fi: usize, f: &Function) -> TokenStream {
        let wire = &f.name;
        let method = ident(&self.names.methods[fi]);
        let locals = &self.names.locals[fi];
        let lets = f
            .params
            .iter()
            .zip(locals)
            .enumerate()
            .map(|(i, (p, local))| {
                let local = ident(local);
                let ty = moved(self.rust_type(&p.ty));
                let index = Literal::usize_unsuffixed(i);
                moved(quote!(let #local: #ty = call.param(#index)?;))
            });
        let args = locals.iter().map(|l| ident(l));
        let invoke = moved(quote!(self.0.#method(ctx #(, #args)*).await?));
        // `let result = ()` would trip clippy's `let_unit_value`.
        let finish = moved(if f.returns.is_empty() {
            quote! {
                #invoke;
                call.result(&())
            }
        } else if self.wire[fi] {
            let rt = &self.rt;
            quote! {
                let result = #invoke;
                ::core::result::Result::Ok(#rt::Encoded::from(result))
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

    pub(crate) fn schema(&self) -> TokenStream {
        let rt = &self.rt;
        let schema = ident(names::SCHEMA);
        let name = &self.api.name;
        let docs_json = raw_string(&self.api.docs_json);
        let functions = self.api.functions.iter().map(|f| {
            let fname = &f.name;
            let params = f.params.iter().map(|p| moved(arg_def(&p.name, &p.ty)));
            let returns = f.returns.iter().map(|r| moved(arg_def(&r.name, &r.ty)));
            moved(quote!(FunctionDef::new(#fname, &[#(#params),*], &[#(#returns),*]),))
        });
        let types = self.api.types.iter().map(|t| {
            let tname = &t.name;
            match &t.kind {
                TypeKind::Struct(st) => {
                    let fields = st.fields.iter().map(|f| {
                        let fname = &f.name;
                        let ty = moved(schema_type(&f.ty));
                        moved(quote!(FieldDef::new(#fname, #ty)))
                    });
                    moved(quote!(NamedType::new_struct(#tname, &[#(#fields),*]),))
                }
                TypeKind::Enum(e) => {
                    let values = e.listed().iter().map(|v| match &v.value {
                        Value::Int(i) => int_literal(*i),
                        Value::String(s) => quote!(#s),
                    });
                    match e.kind {
                        ValueKind::String => {
                            moved(quote!(NamedType::new_strings(#tname, &[#(#values),*]),))
                        }
                        ValueKind::Int => {
                            moved(quote!(NamedType::new_ints(#tname, &[#(#values),*]),))
                        }
                    }
                }
            }
        });
        let mut by_name: Vec<usize> = (0..self.api.functions.len()).collect();
        by_name.sort_by(|&a, &b| self.api.functions[a].name.cmp(&self.api.functions[b].name));
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
        let m = self.api;
        let any_args = m
            .functions
            .iter()
            .any(|f| !f.params.is_empty() || !f.returns.is_empty());
        let any_fields = m
            .types
            .iter()
            .any(|t| matches!(&t.kind, TypeKind::Struct(st) if !st.fields.is_empty()));
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

    pub(crate) fn function_list(&self) -> TokenStream {
        let list = ident(names::FUNCTIONS);
        let names = self.api.functions.iter().map(|f| &f.name);
        // A program that serves or calls the API rarely needs the list itself, and an
        // unused `pub const` in a binary crate's module would warn.
        quote! {
            /// The wire names of all functions, in document order.
            #[allow(dead_code)]
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
            // The runtime's `schema::Type` names its basic variants as `Basic` does
            // (a unit test below compares them).
            let variant = format!("{b:?}");
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

#[cfg(test)]
mod tests {
    use sherpa_runtime::schema::Type;

    use crate::ir::Basic;
    use crate::{RustOptions, generate_rust, read};

    const SCHEMA: &str = r#"{"Name":"Shop","Docs":"","Functions":[
        {"Name":"List","Docs":"","Params":[{"Name":"q","Typewords":["string"]}],"Returns":[{"Name":"r","Typewords":["[]","string"]}]},
        {"Name":"Ping","Docs":"","Params":[],"Returns":[]}],
        "Sections":[],"Structs":[],"Ints":[],"Strings":[],"SherpaVersion":0,"SherpadocVersion":1}"#;

    fn with_wire(names: &[&str]) -> Result<String, String> {
        let opts = RustOptions {
            wire_results: names.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let api = read(SCHEMA).map_err(|e| e.to_string())?;
        generate_rust(&api, "shop.json", &opts).map_err(|e| e.to_string())
    }

    #[test]
    fn a_wire_result_changes_the_method_and_its_dispatch_only() {
        let plain = with_wire(&[]).unwrap();
        let wire = with_wire(&["List"]).unwrap();
        assert!(
            wire.contains("::sherpa_runtime::Wire<::std::vec::Vec<::std::string::String>>"),
            "{wire}"
        );
        assert!(
            wire.contains("::sherpa_runtime::Encoded::from(result)"),
            "{wire}"
        );
        assert!(!plain.contains("Wire<"), "{plain}");
        // Everything but the trait method and the dispatch arm is the same.
        let differing = plain
            .lines()
            .zip(wire.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert!(differing <= 6, "{differing} lines differ");
    }

    #[test]
    fn wire_results_must_name_a_function_with_a_result() {
        let e = with_wire(&["Lists"]).unwrap_err();
        assert!(
            e.contains("\"Lists\": the schema has no such function"),
            "{e}"
        );
        let e = with_wire(&["Ping"]).unwrap_err();
        assert!(e.contains("\"Ping\": the function returns nothing"), "{e}");
    }

    #[test]
    fn runtime_types_match_the_basic_vocabulary() {
        let runtime = [
            Type::Any,
            Type::Bool,
            Type::Int8,
            Type::Uint8,
            Type::Int16,
            Type::Uint16,
            Type::Int32,
            Type::Uint32,
            Type::Int64,
            Type::Uint64,
            Type::Int64s,
            Type::Uint64s,
            Type::Float32,
            Type::Float64,
            Type::String,
            Type::Timestamp,
        ];
        let ours: Vec<String> = Basic::ALL.iter().map(|b| format!("{b:?}")).collect();
        let theirs: Vec<String> = runtime.iter().map(|t| format!("{t:?}")).collect();
        assert_eq!(ours, theirs);
    }
}
