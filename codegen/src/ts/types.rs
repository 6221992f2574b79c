//! Types in the client: type expressions, the declarations of the schema's named types,
//! and the tables the runtime's verifier walks (`structTypes`, `stringsTypes`,
//! `intsTypes`, `types`) with `parser`.

use std::collections::BTreeSet;

use serde::Serialize;
use sherpa_runtime::doc;

use crate::ir::{Api, Basic, EnumValue, TypeKind, TypeRef, Value, ValueKind};
use crate::ts::naming::TsNames;
use crate::ts::{Out, TsError, TsOptions, jsdoc, names, ts_err};

/// Applies `-bytes-to-string`: the `[] uint8` innermost in a type becomes `string`,
/// or `nullable string` with slices-nullable unless it is already nullable.
pub(crate) fn transform(ty: &TypeRef, opts: &TsOptions) -> TypeRef {
    fn go(ty: &TypeRef, opts: &TsOptions, under_nullable: bool) -> TypeRef {
        match ty {
            TypeRef::List(_) if ty.is_bytes() => {
                let s = TypeRef::Basic(Basic::String);
                if opts.slices_nullable && !under_nullable {
                    TypeRef::Nullable(Box::new(s))
                } else {
                    s
                }
            }
            TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(go(inner, opts, true))),
            TypeRef::List(inner) => TypeRef::List(Box::new(go(inner, opts, false))),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(go(inner, opts, false))),
            TypeRef::Basic(_) | TypeRef::Named(_) => ty.clone(),
        }
    }
    if opts.bytes_to_string {
        go(ty, opts, false)
    } else {
        ty.clone()
    }
}

/// A type as sherpadoc typewords (what the runtime's verifier reads).
pub(crate) fn typewords(ty: &TypeRef, api: &Api) -> Vec<String> {
    let mut words = Vec::new();
    let mut ty = ty;
    loop {
        match ty {
            TypeRef::Nullable(inner) => {
                words.push("nullable".to_string());
                ty = inner;
            }
            TypeRef::List(inner) => {
                words.push("[]".to_string());
                ty = inner;
            }
            TypeRef::Map(inner) => {
                words.push("{}".to_string());
                ty = inner;
            }
            TypeRef::Basic(b) => {
                words.push(b.word().to_string());
                return words;
            }
            TypeRef::Named(i) => {
                words.push(api.types.get(*i).map_or("any", |t| &t.name).to_string());
                return words;
            }
        }
    }
}

/// The TypeScript type of a (transformed) type, as sherpats writes it.
pub(crate) fn expr(ty: &TypeRef, names: &TsNames) -> String {
    let simple = |inner: &TypeRef| matches!(inner, TypeRef::Basic(_) | TypeRef::Named(_));
    match ty {
        TypeRef::Basic(b) => match b {
            Basic::Bool => "boolean",
            Basic::Timestamp => names.date,
            Basic::Int8
            | Basic::Uint8
            | Basic::Int16
            | Basic::Uint16
            | Basic::Int32
            | Basic::Uint32
            | Basic::Int64
            | Basic::Uint64
            | Basic::Float32
            | Basic::Float64 => "number",
            Basic::Int64s | Basic::Uint64s | Basic::String => "string",
            Basic::Any => "any",
        }
        .to_string(),
        TypeRef::Named(i) => names
            .types
            .get(*i)
            .map_or("any", String::as_str)
            .to_string(),
        TypeRef::Nullable(inner) if simple(inner) => format!("{} | null", expr(inner, names)),
        TypeRef::Nullable(inner) => format!("({}) | null", expr(inner, names)),
        TypeRef::List(inner) if simple(inner) => format!("{}[] | null", expr(inner, names)),
        TypeRef::List(inner) => format!("({})[] | null", expr(inner, names)),
        TypeRef::Map(inner) => format!("{{ [key: string]: {} }}", expr(inner, names)),
    }
}

/// Whether a field of this (transformed) type is optional in its interface.
fn optional(ty: &TypeRef, opts: &TsOptions) -> bool {
    opts.nullable_optional
        && match ty {
            TypeRef::Nullable(_) => true,
            TypeRef::List(_) => opts.slices_nullable,
            TypeRef::Map(_) => opts.maps_nullable,
            TypeRef::Basic(_) | TypeRef::Named(_) => false,
        }
}

/// One declaration per named type: an interface per struct, an enum (a TypeScript
/// enum, and in JavaScript an object as tsc compiles it) per enum with values, a type
/// alias per plain named string or integer.
pub(crate) fn declarations(out: &mut Out, api: &Api, names: &TsNames, opts: &TsOptions) {
    for (i, t) in api.types.iter().enumerate() {
        let ts_name = &names.types[i];
        match &t.kind {
            TypeKind::Struct(st) => {
                let mut body = String::new();
                for f in &st.fields {
                    let ty = transform(&f.ty, opts);
                    jsdoc(&mut body, "\t", &f.docs);
                    body.push_str(&format!(
                        "\t{}{}: {}\n",
                        names::property(&f.name),
                        if optional(&ty, opts) { "?" } else { "" },
                        expr(&ty, names)
                    ));
                }
                for text in [&mut out.ts, &mut out.dts] {
                    jsdoc(text, "", &t.docs);
                    text.push_str(&format!("export interface {ts_name} {{\n{body}}}\n\n"));
                }
            }
            TypeKind::Enum(e) => {
                for text in [&mut out.ts, &mut out.dts] {
                    jsdoc(text, "", &t.docs);
                }
                if e.listed().is_empty() {
                    let base = match e.kind {
                        ValueKind::Int => "number",
                        ValueKind::String => "string",
                    };
                    out.ts
                        .push_str(&format!("export type {ts_name} = {base}\n\n"));
                    out.dts
                        .push_str(&format!("export type {ts_name} = {base};\n\n"));
                } else {
                    enum_declaration(out, ts_name, e.kind, e.listed(), &names.members[i]);
                }
            }
        }
    }
}

/// A TypeScript enum with its JavaScript object.
fn enum_declaration(
    out: &mut Out,
    ts_name: &str,
    kind: ValueKind,
    values: &[EnumValue],
    members: &[String],
) {
    let literal = |v: &Value| match v {
        Value::Int(i) => i.to_string(),
        Value::String(s) => names::quote(s),
    };
    out.ts.push_str(&format!("export enum {ts_name} {{\n"));
    out.dts
        .push_str(&format!("{}enum {ts_name} {{\n", out.decl));
    for (v, m) in values.iter().zip(members) {
        for text in [&mut out.ts, &mut out.dts] {
            jsdoc(text, "\t", &v.docs);
            text.push_str(&format!("\t{m} = {},\n", literal(&v.value)));
        }
    }
    out.typed("}\n\n");
    out.js
        .push_str(&format!("{}const {ts_name} = {{\n", out.export));
    for (v, m) in values.iter().zip(members) {
        out.js.push_str(&format!("\t{m}: {},\n", literal(&v.value)));
    }
    if kind == ValueKind::Int {
        // As tsc compiles a numeric enum: values back to names too, the last name of a
        // value winning, in the order of each value's last occurrence.
        let mut reverse: Vec<(String, &String)> = Vec::new();
        for (v, m) in values.iter().zip(members) {
            let v = literal(&v.value);
            reverse.retain(|(val, _)| *val != v);
            reverse.push((v, m));
        }
        for (v, m) in reverse {
            let name = if m.starts_with('"') {
                m.clone()
            } else {
                names::quote(m)
            };
            out.js
                .push_str(&format!("\t{}: {name},\n", names::quote(&v)));
        }
    }
    out.js.push_str("}\n\n");
    out.js_exports.push(ts_name.to_string());
}

/// The runtime tables: which names are structs, strings and ints, and the types
/// themselves as sherpadoc JSON without docs (what the verifier walks); then `parser`,
/// one function per type that verifies and converts a value (e.g. from localStorage)
/// as if it were a call result.
pub(crate) fn tables(
    out: &mut Out,
    api: &Api,
    names: &TsNames,
    opts: &TsOptions,
) -> Result<(), TsError> {
    let (export, decl) = (out.export, out.decl);
    for (table, pick) in [
        ("structTypes", None),
        ("stringsTypes", Some(ValueKind::String)),
        ("intsTypes", Some(ValueKind::Int)),
    ] {
        let keys: BTreeSet<&str> = api
            .types
            .iter()
            .filter(|t| match &t.kind {
                TypeKind::Struct(_) => pick.is_none(),
                TypeKind::Enum(e) => pick == Some(e.kind),
            })
            .map(|t| t.name.as_str())
            .collect();
        let obj = keys
            .iter()
            .map(|k| format!("{}:true", names::quote(k)))
            .collect::<Vec<_>>()
            .join(",");
        out.ts.push_str(&format!(
            "export const {table}: {{ [typename: string]: boolean }} = {{{obj}}}\n"
        ));
        out.js
            .push_str(&format!("{export}const {table} = {{{obj}}};\n"));
        out.dts.push_str(&format!(
            "{decl}const {table}: {{ [typename: string]: boolean }};\n"
        ));
        out.js_exports.push(table.to_string());
    }

    out.ts
        .push_str("export const types: SherpadocTypenameMap = {\n");
    out.js.push_str(&format!("{export}const types = {{\n"));
    out.dts
        .push_str(&format!("{decl}const types: SherpadocTypenameMap;\n"));
    out.js_exports.push("types".to_string());
    for t in &api.types {
        let json = type_json(t, api, opts)
            .map_err(|e| ts_err(&t.path, format!("encoding type as JSON: {e}")))?;
        let line = format!("\t{}: {json},\n", names::quote(&t.name));
        out.ts.push_str(&line);
        out.js.push_str(&line);
    }
    out.ts.push_str("}\n\n");
    out.js.push_str("};\n\n");

    out.ts.push_str("export const parser = {\n");
    out.js.push_str(&format!("{export}const parser = {{\n"));
    out.dts.push_str(&format!("{decl}const parser: {{\n"));
    out.js_exports.push("parser".to_string());
    for (i, t) in api.types.iter().enumerate() {
        let key = names::property(&t.name);
        let q = names::quote(&t.name);
        let ts_name = &names.types[i];
        out.ts.push_str(&format!(
            "\t{key}: (v: any) => parse({q}, v) as {ts_name},\n"
        ));
        out.js
            .push_str(&format!("\t{key}: (v) => parse({q}, v),\n"));
        out.dts
            .push_str(&format!("\t{key}: (v: any) => {ts_name};\n"));
    }
    out.ts.push_str("}\n\n");
    out.js.push_str("};\n\n");
    out.dts.push_str("};\n\n");
    Ok(())
}

/// A named type as sherpadoc JSON without docs, with transformed typewords: what the
/// runtime's verifier reads.
fn type_json(
    t: &crate::ir::NamedType,
    api: &Api,
    opts: &TsOptions,
) -> Result<String, serde_json::Error> {
    match &t.kind {
        TypeKind::Struct(st) => serde_json::to_string(&doc::Struct {
            name: t.name.clone(),
            docs: String::new(),
            fields: st
                .fields
                .iter()
                .map(|f| doc::Field {
                    name: f.name.clone(),
                    docs: String::new(),
                    typewords: typewords(&transform(&f.ty, opts), api),
                })
                .collect(),
        }),
        // `Ints` and `Strings` have the same shape; only the values' JSON type differs.
        TypeKind::Enum(e) => serde_json::to_string(&EnumJson {
            name: &t.name,
            docs: "",
            values: e.values.as_ref().map(|values| {
                values
                    .iter()
                    .map(|v| ValueJson {
                        name: &v.name,
                        value: match &v.value {
                            Value::Int(i) => ValueOnWire::Int(*i),
                            Value::String(s) => ValueOnWire::String(s),
                        },
                        docs: "",
                    })
                    .collect()
            }),
        }),
    }
}

/// sherpadoc `Ints` or `Strings`, keys in Go's order.
#[derive(Serialize)]
struct EnumJson<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "Docs")]
    docs: &'a str,
    #[serde(rename = "Values")]
    values: Option<Vec<ValueJson<'a>>>,
}

/// One constant of [`EnumJson`].
#[derive(Serialize)]
struct ValueJson<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "Value")]
    value: ValueOnWire<'a>,
    #[serde(rename = "Docs")]
    docs: &'a str,
}

/// A constant's value: a JSON number or string.
#[derive(Serialize)]
#[serde(untagged)]
enum ValueOnWire<'a> {
    Int(i64),
    String(&'a str),
}
