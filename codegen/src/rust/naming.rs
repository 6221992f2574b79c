//! The Rust names of an API, decided once, before anything is emitted.
//!
//! [`RustNames`] is a side table keyed by the model's indexes: the Rust emitter and the
//! stubs read every name from it and invent none themselves. Making it fails when two
//! names of one scope would come out the same, or a schema name would take a name the
//! generated code needs, so a schema that cannot be expressed in Rust is rejected with
//! a sherpadoc path instead of producing code that does not compile.

use std::collections::HashMap;
use std::fmt;

use crate::docpath::{go_quote, segment};
use crate::ir::{Api, TypeKind};
use crate::rust::names;

/// A checked document that cannot be turned into Rust. Displays like the checker's
/// errors: `invalid sherpadoc at PATH: MSG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    /// Where the problem is, e.g. `.Structs[4 ("Msg")].Fields[2 ("Id")]`.
    pub path: String,
    /// What is wrong, e.g. `Rust name "id" already used by field "ID"`.
    pub message: String,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sherpadoc at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for NameError {}

/// Names the generated dispatcher binds in every match arm; parameter locals avoid them.
pub(crate) const DISPATCH_BINDINGS: &[&str] = &["ctx", "call", "result"];

/// Every Rust name of one API, by the model's indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RustNames {
    /// By type: the type name (the schema name, keyword-escaped).
    pub(crate) types: Vec<String>,
    /// By type: the field names of a struct (`snake_case`, unique in the struct), or
    /// the variant names of an enum (verbatim, unique in the enum).
    pub(crate) members: Vec<Vec<String>>,
    /// By function: the trait method name.
    pub(crate) methods: Vec<String>,
    /// By function: the client method name: the trait method name, with a `_` suffix
    /// when the client struct has a method of that name itself.
    pub(crate) client_methods: Vec<String>,
    /// By function: the parameter names of the method.
    pub(crate) params: Vec<Vec<String>>,
    /// By function: the dispatcher's local variable for each parameter: the parameter
    /// name, unless that would shadow one of [`DISPATCH_BINDINGS`].
    pub(crate) locals: Vec<Vec<String>>,
    /// By function: the request-context parameter, `ctx` unless a parameter has it.
    pub(crate) ctx: Vec<String>,
    /// The type parameter of the `Dispatcher` impl: `A` unless a schema type has it.
    pub(crate) dispatcher_generic: String,
}

impl RustNames {
    /// Decides every Rust name of `api`: type and value names first (document order),
    /// then struct fields, then functions with their parameters.
    pub(crate) fn new(api: &Api) -> Result<RustNames, NameError> {
        let mut types = Vec::with_capacity(api.types.len());
        let mut members = Vec::with_capacity(api.types.len());
        let mut type_names: HashMap<String, String> = HashMap::new();
        for t in &api.types {
            types.push(type_name(&t.path, &t.name, &mut type_names)?);
            members.push(match &t.kind {
                TypeKind::Struct(_) => Vec::new(),
                TypeKind::Enum(e) => {
                    let mut variants = Scope::new("value");
                    let mut out = Vec::with_capacity(e.listed().len());
                    for (j, v) in e.listed().iter().enumerate() {
                        let at = || segment(&t.path, "Values", j, &v.name);
                        out.push(variants.variant(at, &v.name)?);
                    }
                    out
                }
            });
        }
        for (t, names) in api.types.iter().zip(&mut members) {
            let TypeKind::Struct(st) = &t.kind else {
                continue;
            };
            let mut scope = Scope::new("field");
            for (j, f) in st.fields.iter().enumerate() {
                let at = || segment(&t.path, "Fields", j, &f.name);
                let rust_name = names::snake_case(&f.name).ok_or_else(|| NameError {
                    path: at(),
                    message: format!("no Rust name can be made from {}", go_quote(&f.name)),
                })?;
                scope.add(at, &rust_name, &f.name)?;
                names.push(rust_name);
            }
        }

        let mut methods = Vec::with_capacity(api.functions.len());
        let mut params = Vec::with_capacity(api.functions.len());
        let mut locals = Vec::with_capacity(api.functions.len());
        let mut ctx = Vec::with_capacity(api.functions.len());
        let mut method_scope = Scope::new("function");
        for f in &api.functions {
            let rust_name = names::snake_case(&f.name).ok_or_else(|| NameError {
                path: f.path.clone(),
                message: format!("no Rust name can be made from {}", go_quote(&f.name)),
            })?;
            method_scope.add(|| f.path.clone(), &rust_name, &f.name)?;
            methods.push(rust_name);

            let mut scope = Scope::new("parameter");
            let mut names_here = Vec::with_capacity(f.params.len());
            for (j, p) in f.params.iter().enumerate() {
                // Go allows unnamed parameters; they are named by position.
                let rust_name = names::snake_case(&p.name).unwrap_or_else(|| format!("param{j}"));
                scope.add(
                    || segment(&f.path, "Params", j, &p.name),
                    &rust_name,
                    &p.name,
                )?;
                names_here.push(rust_name);
            }
            locals.push(dispatch_locals(&names_here));
            let refs: Vec<&str> = names_here.iter().map(String::as_str).collect();
            ctx.push(names::unused_name("ctx", &refs));
            params.push(names_here);
        }

        let client_methods = methods
            .iter()
            .map(|m| names::unused_name(m, names::CLIENT_OWN_METHODS))
            .collect();
        let refs: Vec<&str> = types.iter().map(String::as_str).collect();
        let dispatcher_generic = names::unused_name("A", &refs);
        Ok(RustNames {
            types,
            members,
            methods,
            client_methods,
            params,
            locals,
            ctx,
            dispatcher_generic,
        })
    }
}

/// The dispatcher's locals for parameters named `params`: each name, renamed when it
/// is one of the dispatcher's own bindings.
fn dispatch_locals(params: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = params.to_vec();
    taken.extend(DISPATCH_BINDINGS.iter().map(|s| s.to_string()));
    params
        .iter()
        .map(|p| {
            if DISPATCH_BINDINGS.contains(&p.as_str()) {
                let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
                let local = names::unused_name(p, &refs);
                taken.push(local.clone());
                local
            } else {
                p.clone()
            }
        })
        .collect()
}

/// Validates a type name and checks it against generated items and other types.
fn type_name(
    path: &str,
    name: &str,
    seen: &mut HashMap<String, String>,
) -> Result<String, NameError> {
    let err = |message: String| NameError {
        path: path.to_string(),
        message,
    };
    let rust_name = names::type_name(name).ok_or_else(|| {
        err(format!(
            "type name {} is not a Rust identifier",
            go_quote(name)
        ))
    })?;
    if names::PRIMITIVE_TYPES.contains(&rust_name.as_str()) {
        return Err(err(format!(
            "Rust name {} would hide the primitive type",
            go_quote(&rust_name)
        )));
    }
    if let Some((_, what)) = names::SUPPORT_ITEMS.iter().find(|(n, _)| *n == rust_name) {
        return Err(err(format!(
            "Rust name {} is reserved for {what}",
            go_quote(&rust_name)
        )));
    }
    if let Some(other) = seen.get(&rust_name) {
        return Err(err(format!(
            "Rust name {} already used by type {}",
            go_quote(&rust_name),
            go_quote(other)
        )));
    }
    seen.insert(rust_name.clone(), name.to_string());
    Ok(rust_name)
}

/// One naming scope (the fields of a struct, the values of an enum, the parameters of
/// a function, the methods of the trait): remembers which schema name claimed each
/// Rust name. Paths are rendered only for an error.
struct Scope {
    what: &'static str,
    seen: HashMap<String, String>,
}

impl Scope {
    fn new(what: &'static str) -> Scope {
        Scope {
            what,
            seen: HashMap::new(),
        }
    }

    fn add(
        &mut self,
        at: impl Fn() -> String,
        rust_name: &str,
        name: &str,
    ) -> Result<(), NameError> {
        if let Some(other) = self.seen.get(rust_name) {
            return Err(NameError {
                path: at(),
                message: format!(
                    "Rust name {} already used by {} {}",
                    go_quote(rust_name),
                    self.what,
                    go_quote(other)
                ),
            });
        }
        self.seen.insert(rust_name.to_string(), name.to_string());
        Ok(())
    }

    /// An enum variant: the schema name verbatim (keyword-escaped), not the variant
    /// that holds unknown values, unique in the enum.
    fn variant(&mut self, at: impl Fn() -> String, name: &str) -> Result<String, NameError> {
        let err = |message: String| NameError {
            path: at(),
            message,
        };
        let rust_name = names::type_name(name).ok_or_else(|| {
            err(format!(
                "value name {} is not a Rust identifier",
                go_quote(name)
            ))
        })?;
        if rust_name == names::OTHER_VARIANT {
            return Err(err(format!(
                "Rust name {} is reserved for the variant holding unknown values",
                go_quote(&rust_name)
            )));
        }
        self.add(&at, &rust_name, name)?;
        Ok(rust_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(json: &str) -> Result<RustNames, NameError> {
        RustNames::new(&crate::read(json).expect("valid test document"))
    }

    fn doc(body: &str) -> String {
        format!(r#"{{"Name":"T","Docs":"","SherpaVersion":0,"SherpadocVersion":1,{body}}}"#)
    }

    #[test]
    fn field_collision() {
        let json = doc(r#""Structs":[{"Name":"Msg","Docs":"","Fields":[
                {"Name":"A","Docs":"","Typewords":["string"]},
                {"Name":"ID","Docs":"","Typewords":["string"]},
                {"Name":"Id","Docs":"","Typewords":["string"]}]}]"#);
        let e = names(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Structs[0 ("Msg")].Fields[2 ("Id")]: Rust name "id" already used by field "ID""#
        );
    }

    #[test]
    fn reserved_names() {
        let json = doc(r#""Strings":[{"Name":"Api","Docs":"","Values":null}]"#);
        let e = names(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Strings[0 ("Api")]: Rust name "Api" is reserved for the generated server trait"#
        );
        let json = doc(
            r#""Strings":[{"Name":"Kind","Docs":"","Values":[{"Name":"Other","Value":"o","Docs":""}]}]"#,
        );
        let e = names(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Strings[0 ("Kind")].Values[0 ("Other")]: Rust name "Other" is reserved for the variant holding unknown values"#
        );
    }

    #[test]
    fn locals_ctx_and_generic_avoid_generated_names() {
        let json = doc(r#""Functions":[{"Name":"Top","Docs":"","Params":[
                  {"Name":"ctx","Typewords":["string"]},
                  {"Name":"call","Typewords":["string"]},
                  {"Name":"","Typewords":["string"]},
                  {"Name":"result","Typewords":["{}","int64s"]}],"Returns":[]}],
               "Structs":[{"Name":"A","Docs":"","Fields":[]}]"#);
        let n = names(&json).expect("names");
        assert_eq!(n.methods, ["top"]);
        assert_eq!(n.params[0], ["ctx", "call", "param2", "result"]);
        assert_eq!(n.locals[0], ["ctx_", "call_", "param2", "result_"]);
        assert_eq!(n.ctx[0], "ctx_");
        assert_eq!(n.dispatcher_generic, "A_");
    }

    #[test]
    fn client_methods_avoid_the_clients_own() {
        let json = doc(r#""Functions":[
                  {"Name":"New","Docs":"","Params":[],"Returns":[]},
                  {"Name":"Clone","Docs":"","Params":[],"Returns":[]},
                  {"Name":"Domains","Docs":"","Params":[],"Returns":[]}]"#);
        let n = names(&json).expect("names");
        assert_eq!(n.methods, ["new", "clone", "domains"]);
        assert_eq!(n.client_methods, ["new_", "clone_", "domains"]);
    }
}
