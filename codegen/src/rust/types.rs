//! The Rust items of the schema's named types: a struct per struct, an enum (with a
//! variant keeping unknown values) per enum with listed values, a newtype per plain
//! named string or integer.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{EnumValue, Field, TypeKind, TypeRef, Value, ValueKind};
use crate::rust::Cx;
use crate::rust::docs::doc_attrs;
use crate::rust::literals::{Moved, int_literal, moved};
use crate::rust::names::{self, ident};

impl Cx<'_> {
    /// A named type's items, plus its `NullAsZero` impl: struct fields are read with
    /// Go's `null`-is-zero rule, so every type a field can have needs one (Go writes
    /// `null` for nil slices and maps at any depth and reads `null` as the zero value).
    pub(crate) fn named_type(&self, t: usize) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&self.names.types[t]);
        let items = moved(self.named_type_items(t));
        quote! {
            #items

            impl #rt::de::NullAsZero for #name {}
        }
    }

    fn named_type_items(&self, t: usize) -> TokenStream {
        match &self.api.types[t].kind {
            TypeKind::Struct(st) => self.struct_type(t, &st.fields),
            TypeKind::Enum(e) if !e.listed().is_empty() => self.enum_type(t, e.kind, e.listed()),
            TypeKind::Enum(e) => match e.kind {
                ValueKind::String => self.string_newtype(t),
                ValueKind::Int => self.int_newtype(t),
            },
        }
    }

    fn struct_type(&self, t: usize, fields: &[Field]) -> TokenStream {
        let rust_name = &self.names.types[t];
        let field_names = &self.names.members[t];
        let docs = moved(doc_attrs(&self.api.types[t].docs));
        let complex = fields.iter().any(|f| wrapper_depth(&f.ty) >= COMPLEX_DEPTH);
        let allows = if complex {
            name_allows(rust_name, &[], vec![quote!(clippy::type_complexity)])
        } else {
            type_allows(rust_name)
        };
        let name = ident(rust_name);
        let members = fields.iter().zip(field_names).map(|(f, rust_field)| {
            let docs = moved(doc_attrs(&f.docs));
            let wire = &f.name;
            let fname = ident(rust_field);
            let ty = moved(self.rust_type_boxed(&f.ty, f.on_cycle));
            moved(quote! {
                #docs
                #[serde(rename = #wire)]
                pub #fname: #ty,
            })
        });
        let deserialize = moved(self.struct_deserialize(t, fields));
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, PartialEq, Default, ::serde::Serialize)]
            pub struct #name {
                #(#members)*
            }

            #deserialize
        }
    }

    /// A struct's `Deserialize`, through the runtime's `de::deserialize_struct`: the
    /// struct gives its field names and a `match` reading one field, and the runtime's
    /// one loop does the rest (Go's `null`-is-zero rule for every field included). This
    /// is much less for rustc to compile than serde's derive.
    fn struct_deserialize(&self, t: usize, fields: &[Field]) -> TokenStream {
        let rt = &self.rt;
        let name = ident(&self.names.types[t]);
        let wire_name = &self.api.types[t].name;
        let wires = fields.iter().map(|f| &f.name);
        let body = if fields.is_empty() {
            quote! {
                let _ = (index, map);
                ::core::result::Result::Ok(())
            }
        } else {
            let arms = self.names.members[t]
                .iter()
                .enumerate()
                .map(|(i, rust_field)| {
                    let fname = ident(rust_field);
                    let i = proc_macro2::Literal::usize_unsuffixed(i);
                    moved(quote!(#i => field(map, &mut self.#fname),))
                });
            quote! {
                use #rt::de::field;
                match index {
                    #(#arms)*
                    _ => ::core::result::Result::Ok(()),
                }
            }
        };
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    #rt::de::deserialize_struct(deserializer)
                }
            }

            impl #rt::de::Fields for #name {
                const NAME: &'static str = #wire_name;
                const FIELDS: &'static [&'static str] = &[#(#wires),*];
                fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                    &mut self,
                    index: usize,
                    map: &mut A,
                ) -> ::core::result::Result<(), A::Error> {
                    #body
                }
            }
        }
    }

    /// An enum with one variant per listed value and `Other` for the rest. Integer and
    /// string enums share everything but the value type and its conversions.
    fn enum_type(&self, t: usize, kind: ValueKind, values: &[EnumValue]) -> TokenStream {
        let rust_name = &self.names.types[t];
        let variant_names: Vec<&str> = self.names.members[t].iter().map(String::as_str).collect();
        let docs = moved(doc_attrs(&self.api.types[t].docs));
        let allows = enum_allows(rust_name, &variant_names);
        let name = ident(rust_name);
        let other = ident(names::OTHER_VARIANT);
        // Go's zero value, if listed, is the Rust default.
        let default_index = values.iter().position(|v| {
            matches!(&v.value, Value::Int(0))
                || matches!(&v.value, Value::String(s) if s.is_empty())
        });
        let variants = values
            .iter()
            .zip(&variant_names)
            .enumerate()
            .map(|(i, (v, vname))| {
                let docs = moved(doc_attrs(&v.docs));
                let vname = ident(vname);
                let default = (Some(i) == default_index).then(|| quote!(#[default]));
                moved(quote! { #docs #default #vname, })
            });
        let to_value_arms = values.iter().zip(&variant_names).map(|(v, vname)| {
            let vname = ident(vname);
            let value = value_literal(&v.value);
            moved(quote!(Self::#vname => #value,))
        });
        // With duplicate values (not checked by sherpadoc) the first name wins when
        // reading, and later arms would be unreachable.
        let mut seen = HashSet::new();
        let from_arms = values
            .iter()
            .zip(&variant_names)
            .filter(|(v, _)| seen.insert(&v.value))
            .map(|(v, vname)| {
                let vname = ident(vname);
                let value = value_literal(&v.value);
                moved(quote!(#value => Self::#vname,))
            });
        let (derive_default, default_impl) = match default_index {
            Some(_) => (quote!(Default,), quote!()),
            None => (quote!(), enum_default_impl(&name, kind)),
        };
        let (derive_copy, payload) = match kind {
            ValueKind::String => (quote!(), quote!(::std::string::String)),
            ValueKind::Int => (quote!(Copy,), quote!(i64)),
        };
        let conversions = match kind {
            ValueKind::String => string_enum_impls(&name, to_value_arms, from_arms, default_impl),
            ValueKind::Int => int_enum_impls(&name, to_value_arms, from_arms, default_impl),
        };
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, #derive_copy PartialEq, Eq, Hash, #derive_default)]
            pub enum #name {
                #(#variants)*
                /// A value the schema does not list, kept as is so that it round-trips.
                #other(#payload),
            }

            #conversions
        }
    }

    fn string_newtype(&self, t: usize) -> TokenStream {
        let docs = doc_attrs(&self.api.types[t].docs);
        let rust_name = &self.names.types[t];
        let allows = type_allows(rust_name);
        let name = ident(rust_name);
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

    fn int_newtype(&self, t: usize) -> TokenStream {
        let docs = doc_attrs(&self.api.types[t].docs);
        let rust_name = &self.names.types[t];
        let allows = type_allows(rust_name);
        let name = ident(rust_name);
        quote! {
            #docs
            #allows
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub i64);
        }
    }
}

/// A value as a literal, in expressions and patterns alike.
fn value_literal(value: &Value) -> TokenStream {
    match value {
        Value::Int(i) => int_literal(*i),
        Value::String(s) => quote!(#s),
    }
}

/// `Default` for an enum whose listed values do not include Go's zero value: the zero
/// value in `Other`.
fn enum_default_impl(name: &Ident, kind: ValueKind) -> TokenStream {
    let other = ident(names::OTHER_VARIANT);
    let (doc, zero) = match kind {
        ValueKind::String => (
            " Go's zero value, the empty string, which is not one of the listed values.",
            quote!(::std::string::String::new()),
        ),
        ValueKind::Int => (
            " Go's zero value, 0, which is not one of the listed values.",
            quote!(0),
        ),
    };
    quote! {
        impl ::core::default::Default for #name {
            #[doc = #doc]
            fn default() -> Self {
                Self::#other(#zero)
            }
        }
    }
}

/// A string enum's `as_str`, conversions from text, `Display` and serde impls.
fn string_enum_impls(
    name: &Ident,
    to_value_arms: impl Iterator<Item = Moved>,
    from_arms: impl Iterator<Item = Moved>,
    default_impl: TokenStream,
) -> TokenStream {
    let other = ident(names::OTHER_VARIANT);
    quote! {
            impl #name {
                /// The value as written on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_value_arms)*
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

/// An integer enum's `value`, conversion from `i64` and serde impls.
fn int_enum_impls(
    name: &Ident,
    to_value_arms: impl Iterator<Item = Moved>,
    from_arms: impl Iterator<Item = Moved>,
    default_impl: TokenStream,
) -> TokenStream {
    let other = ident(names::OTHER_VARIANT);
    quote! {
            impl #name {
                /// The value as written on the wire.
                pub fn value(&self) -> i64 {
                    match self {
                        #(#to_value_arms)*
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
