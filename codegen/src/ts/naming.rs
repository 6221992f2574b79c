//! The TypeScript names of an API, decided once, before anything is written.
//!
//! Names that cannot be written in TypeScript, or that would collide with the client's
//! own names, are errors with a sherpadoc path rather than silent renames, except where
//! sherpats renames too (reserved words as type or parameter names get a numeric
//! suffix).

use std::collections::HashSet;

use crate::docpath::{go_quote, segment};
use crate::ir::{Api, TypeKind};
use crate::ts::{TsError, TsOptions, names, runtime, ts_err};

/// Every TypeScript name of one API, by the model's indexes.
pub(crate) struct TsNames {
    /// By type: its TypeScript name.
    pub(crate) types: Vec<String>,
    /// By type: the member names of an enum with listed values (verbatim or quoted);
    /// empty for structs and plain named types.
    pub(crate) members: Vec<Vec<String>>,
    /// By function: the parameter names of its method.
    pub(crate) params: Vec<Vec<String>>,
    /// The runtime's sherpadoc type aliases that a schema type of the same name
    /// replaces (the runtime text drops them).
    pub(crate) shadowed: HashSet<String>,
    /// How declarations name the standard `Promise` and `Date`: `globalThis.X` when a
    /// schema type has the name.
    pub(crate) promise: &'static str,
    pub(crate) date: &'static str,
}

impl TsNames {
    /// Decides every name: the namespace, type names (document order), then for each
    /// type its field keys or enum members, then functions and their parameters.
    pub(crate) fn new(api: &Api, opts: &TsOptions) -> Result<TsNames, TsError> {
        if let Some(ns) = &opts.namespace
            && (!names::is_identifier(ns) || names::RESERVED_WORDS.contains(&ns.as_str()))
        {
            return Err(ts_err(
                "",
                format!("namespace {} is not a TypeScript identifier", go_quote(ns)),
            ));
        }
        let (types, shadowed) = type_names(api, opts)?;
        let mut members = Vec::with_capacity(api.types.len());
        for t in &api.types {
            members.push(match &t.kind {
                TypeKind::Struct(st) => {
                    let mut seen = HashSet::new();
                    for (j, f) in st.fields.iter().enumerate() {
                        if !seen.insert(f.name.as_str()) {
                            return Err(ts_err(
                                &segment(&t.path, "Fields", j, &f.name),
                                format!("duplicate field name {}", go_quote(&f.name)),
                            ));
                        }
                    }
                    Vec::new()
                }
                TypeKind::Enum(e) => {
                    let mut out = Vec::with_capacity(e.listed().len());
                    for (j, v) in e.listed().iter().enumerate() {
                        let Some(m) = names::enum_member(&v.name) else {
                            return Err(ts_err(
                                &segment(&t.path, "Values", j, &v.name),
                                "a numeric name cannot be a TypeScript enum member".to_string(),
                            ));
                        };
                        out.push(m);
                    }
                    out
                }
            });
        }
        let mut params = Vec::with_capacity(api.functions.len());
        for f in &api.functions {
            if names::CLIENT_MEMBERS.contains(&f.name.as_str()) {
                return Err(ts_err(
                    &f.path,
                    format!(
                        "function name {} collides with a member of the generated Client class",
                        go_quote(&f.name)
                    ),
                ));
            }
            let mut here: Vec<String> = Vec::with_capacity(f.params.len());
            for (j, p) in f.params.iter().enumerate() {
                let taken =
                    |c: &str| here.iter().any(|n| n == c) || names::METHOD_BODY_NAMES.contains(&c);
                let name = names::param(&p.name, j, &taken);
                here.push(name);
            }
            params.push(here);
        }
        let global = |name: &'static str, qualified: &'static str| {
            if types.iter().any(|t| t == name) {
                qualified
            } else {
                name
            }
        };
        let promise = global("Promise", "globalThis.Promise");
        let date = global("Date", "globalThis.Date");
        Ok(TsNames {
            types,
            members,
            params,
            shadowed,
            promise,
            date,
        })
    }
}

/// The TypeScript name of every type, and the runtime aliases they shadow. The
/// runtime's and the generated part's names are fixed; schema types must not take them
/// (except the sherpadoc aliases, which a schema may shadow).
fn type_names(api: &Api, opts: &TsOptions) -> Result<(Vec<String>, HashSet<String>), TsError> {
    let runtime = runtime::declared_names();
    let mut fixed: HashSet<String> = runtime
        .iter()
        .filter(|(_, alias)| !alias)
        .map(|(n, _)| n.clone())
        .collect();
    fixed.extend(names::GENERATED_NAMES.iter().map(|s| s.to_string()));
    let aliases: HashSet<&str> = runtime
        .iter()
        .filter(|(_, alias)| *alias)
        .map(|(n, _)| n.as_str())
        .collect();
    let schema_names: HashSet<&str> = api.types.iter().map(|t| t.name.as_str()).collect();

    let mut out = Vec::with_capacity(api.types.len());
    let mut taken_ts: HashSet<String> = HashSet::new();
    for t in &api.types {
        let name = t.name.as_str();
        let taken = |c: &str| taken_ts.contains(c) || schema_names.contains(c) || fixed.contains(c);
        let Some(ts) = names::type_name(name, &taken) else {
            return Err(ts_err(
                &t.path,
                format!(
                    "type name {} is not a TypeScript identifier",
                    go_quote(name)
                ),
            ));
        };
        if fixed.contains(&ts) {
            return Err(ts_err(
                &t.path,
                format!(
                    "type name {} collides with a name the TypeScript client declares",
                    go_quote(name)
                ),
            ));
        }
        if opts.namespace.as_deref() == Some(ts.as_str()) {
            return Err(ts_err(
                &t.path,
                format!("type name {} is the namespace name", go_quote(name)),
            ));
        }
        if !taken_ts.insert(ts.clone()) {
            return Err(ts_err(
                &t.path,
                format!("duplicate type {}", go_quote(name)),
            ));
        }
        out.push(ts);
    }
    let shadowed = taken_ts
        .into_iter()
        .filter(|n| aliases.contains(n.as_str()))
        .collect();
    Ok((out, shadowed))
}
