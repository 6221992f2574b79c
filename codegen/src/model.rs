//! Stage 3 of the pipeline: the checked document as something emitters can walk.
//!
//! [`Model::build`] flattens the section tree (depth-first: a section's own items, then
//! its subsections in order), resolves every typeword list into a [`TypeRef`] tree, and
//! decides every Rust name once, failing when two names of one scope would come out the
//! same. Emitters then never look at raw typewords or invent names themselves, and a
//! schema that cannot be expressed in Rust is rejected with a sherpadoc path instead of
//! producing code that does not compile.
//!
//! The model keeps the schema names next to the Rust names, so other emitters (such as
//! the TypeScript one) can use it and ignore the Rust-specific parts.

use std::collections::HashMap;
use std::fmt;

use crate::check::go_quote;
use crate::names;
use crate::parse::Section;

/// How deeply `nullable`, `[]` and `{}` may nest in one type. Real schemas use two or
/// three levels; the limit keeps emitting and compiling the output within stack bounds.
pub const MAX_TYPE_DEPTH: usize = 32;

/// A document that the checker accepted but that cannot be turned into Rust. Displays
/// like the checker's errors: `invalid sherpadoc at PATH: MSG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// Where the problem is, e.g. `.Structs[4 ("Msg")].Fields[2 ("Id")]`.
    pub path: String,
    /// What is wrong, e.g. `Rust name "id" already used by field "ID"`.
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sherpadoc at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for ModelError {}

/// A basic type word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basic {
    Any,
    Bool,
    Int8,
    Uint8,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Int64,
    Uint64,
    Int64s,
    Uint64s,
    Float32,
    Float64,
    String,
    Timestamp,
}

impl Basic {
    /// Every basic type, in the order of the grammar in the protocol spec §3.3.
    pub const ALL: [Basic; 16] = [
        Basic::Any,
        Basic::Bool,
        Basic::Int8,
        Basic::Uint8,
        Basic::Int16,
        Basic::Uint16,
        Basic::Int32,
        Basic::Uint32,
        Basic::Int64,
        Basic::Uint64,
        Basic::Int64s,
        Basic::Uint64s,
        Basic::Float32,
        Basic::Float64,
        Basic::String,
        Basic::Timestamp,
    ];

    /// The type word as written in sherpadoc.
    pub fn word(self) -> &'static str {
        match self {
            Basic::Any => "any",
            Basic::Bool => "bool",
            Basic::Int8 => "int8",
            Basic::Uint8 => "uint8",
            Basic::Int16 => "int16",
            Basic::Uint16 => "uint16",
            Basic::Int32 => "int32",
            Basic::Uint32 => "uint32",
            Basic::Int64 => "int64",
            Basic::Uint64 => "uint64",
            Basic::Int64s => "int64s",
            Basic::Uint64s => "uint64s",
            Basic::Float32 => "float32",
            Basic::Float64 => "float64",
            Basic::String => "string",
            Basic::Timestamp => "timestamp",
        }
    }

    /// The basic type for a type word, if it is one.
    pub fn from_word(word: &str) -> Option<Basic> {
        Basic::ALL.into_iter().find(|b| b.word() == word)
    }
}

/// A resolved type: one typeword list as a tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Basic(Basic),
    /// `nullable X`
    Nullable(Box<TypeRef>),
    /// `[] X`
    List(Box<TypeRef>),
    /// `{} X` (keys are strings)
    Map(Box<TypeRef>),
    /// A named type: an index into [`Model::types`].
    Named(usize),
}

impl TypeRef {
    /// Whether this is `[] uint8`, which Go writes as base64 text rather than an array.
    pub fn is_bytes(&self) -> bool {
        matches!(self, TypeRef::List(inner) if **inner == TypeRef::Basic(Basic::Uint8))
    }
}

/// A named type of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// The schema name (also the wire and TypeScript name).
    pub name: String,
    /// The Rust name: the schema name, keyword-escaped.
    pub rust_name: String,
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Structs[3 ("Msg")]`.
    pub path: String,
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
    },
    /// A named string type. `values` is `None` for `Values: null`; both `None` and an
    /// empty list mean any string is allowed.
    Strings {
        values: Option<Vec<StringValue>>,
    },
    /// A named integer type. `values` is `None` for `Values: null`; both `None` and an
    /// empty list mean any integer is allowed.
    Ints {
        values: Option<Vec<IntValue>>,
    },
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    /// The Rust field name (`snake_case`, keyword-escaped, unique in the struct).
    pub rust_name: String,
    pub docs: String,
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
    /// Whether the Rust field needs a `Box` around the named type at the end of its
    /// `nullable` chain, because that type contains this struct again (directly or
    /// through other structs) and would otherwise have infinite size.
    pub rust_boxed: bool,
}

/// A value of a named string type.
#[derive(Debug, Clone, PartialEq)]
pub struct StringValue {
    /// The schema name of the constant (a Go identifier).
    pub name: String,
    /// The Rust enum variant name: the schema name, keyword-escaped.
    pub rust_name: String,
    pub value: String,
    pub docs: String,
}

/// A value of a named integer type.
#[derive(Debug, Clone, PartialEq)]
pub struct IntValue {
    /// The schema name of the constant (a Go identifier).
    pub name: String,
    /// The Rust enum variant name: the schema name, keyword-escaped.
    pub rust_name: String,
    pub value: i64,
    pub docs: String,
}

/// A function of any section.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The wire name.
    pub name: String,
    /// The Rust trait method name.
    pub rust_name: String,
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Functions[1 ("Login")]`.
    pub path: String,
    pub params: Vec<Param>,
    pub returns: Vec<Return>,
    /// Name of the request-context parameter in the trait method: `ctx`, unless a
    /// schema parameter already has that name.
    pub rust_ctx_name: String,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The schema name.
    pub name: String,
    /// The Rust parameter name (`snake_case`, keyword-escaped, unique in the function).
    pub rust_name: String,
    /// The name of the local variable holding this parameter in the generated
    /// dispatcher: the Rust name, unless that would shadow one of the dispatcher's own
    /// bindings ([`DISPATCH_BINDINGS`]).
    pub rust_local_name: String,
    pub ty: TypeRef,
    pub typewords: Vec<String>,
}

/// A function return value. Returns are not named in Rust (several returns become a
/// tuple), so only the schema name is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub name: String,
    pub ty: TypeRef,
    pub typewords: Vec<String>,
}

/// Names the generated dispatcher binds in every match arm; parameter locals avoid them.
pub const DISPATCH_BINDINGS: &[&str] = &["ctx", "call", "result"];

/// The whole document, flattened and resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The document's `Name`.
    pub name: String,
    /// The document's `Docs`.
    pub docs: String,
    /// Every named type of every section, in document order.
    pub types: Vec<NamedType>,
    /// Every function of every section, in document order.
    pub functions: Vec<Function>,
    /// The whole document as compact JSON with Go's key order (what `_docs` serves).
    pub docs_json: String,
    /// The name of the type parameter of the generated `Dispatcher` impl: `A`, unless a
    /// schema type already has that name.
    pub rust_dispatcher_generic: String,
}

impl Model {
    /// Builds the model of a document that [`crate::check::check`] has accepted.
    ///
    /// Fails on what the checker allows but Rust cannot express: names that are not
    /// identifiers, names that collide after conversion or with generated items, a
    /// typeword that names an enum value, types nested deeper than [`MAX_TYPE_DEPTH`].
    pub fn build(doc: &Section) -> Result<Model, ModelError> {
        let sections = flatten(doc);

        // Pass 1: names of all types, so that references can be resolved in any order.
        let mut types = Vec::new();
        let mut type_index: HashMap<&str, usize> = HashMap::new();
        let mut value_owner: HashMap<&str, &str> = HashMap::new();
        let mut rust_type_names: HashMap<String, String> = HashMap::new();
        // Index in `types` of each struct, in document order, for pass 2.
        let mut struct_slots = Vec::new();
        for (prefix, section) in &sections {
            for (i, s) in section.structs.iter().enumerate() {
                let path = segment(prefix, "Structs", i, &s.name);
                let rust_name = rust_type_name(&path, &s.name, &mut rust_type_names)?;
                type_index.insert(&s.name, types.len());
                struct_slots.push(types.len());
                types.push(NamedType {
                    name: s.name.clone(),
                    rust_name,
                    docs: s.docs.clone(),
                    path,
                    kind: TypeKind::Struct { fields: Vec::new() },
                });
            }
            for (i, t) in section.ints.iter().enumerate() {
                let path = segment(prefix, "Ints", i, &t.name);
                let rust_name = rust_type_name(&path, &t.name, &mut rust_type_names)?;
                let mut variants = Variants::default();
                let values = match &t.values {
                    None => None,
                    Some(values) => {
                        let mut out = Vec::with_capacity(values.len());
                        for (j, v) in values.iter().enumerate() {
                            let at = At::Item(&At::Path(&path), "Values", j, &v.name);
                            value_owner.insert(&v.name, &t.name);
                            out.push(IntValue {
                                name: v.name.clone(),
                                rust_name: variants.add(&at, &v.name)?,
                                value: v.value,
                                docs: v.docs.clone(),
                            });
                        }
                        Some(out)
                    }
                };
                type_index.insert(&t.name, types.len());
                types.push(NamedType {
                    name: t.name.clone(),
                    rust_name,
                    docs: t.docs.clone(),
                    path,
                    kind: TypeKind::Ints { values },
                });
            }
            for (i, t) in section.strings.iter().enumerate() {
                let path = segment(prefix, "Strings", i, &t.name);
                let rust_name = rust_type_name(&path, &t.name, &mut rust_type_names)?;
                let mut variants = Variants::default();
                let values = match &t.values {
                    None => None,
                    Some(values) => {
                        let mut out = Vec::with_capacity(values.len());
                        for (j, v) in values.iter().enumerate() {
                            let at = At::Item(&At::Path(&path), "Values", j, &v.name);
                            value_owner.insert(&v.name, &t.name);
                            out.push(StringValue {
                                name: v.name.clone(),
                                rust_name: variants.add(&at, &v.name)?,
                                value: v.value.clone(),
                                docs: v.docs.clone(),
                            });
                        }
                        Some(out)
                    }
                };
                type_index.insert(&t.name, types.len());
                types.push(NamedType {
                    name: t.name.clone(),
                    rust_name,
                    docs: t.docs.clone(),
                    path,
                    kind: TypeKind::Strings { values },
                });
            }
        }
        let resolver = Resolver {
            types: &type_index,
            values: &value_owner,
        };

        // Pass 2: struct fields, now that every type name is known.
        let mut slots = struct_slots.into_iter();
        for (prefix, section) in &sections {
            for (i, s) in section.structs.iter().enumerate() {
                let struct_at = At::Item(&At::Path(prefix), "Structs", i, &s.name);
                let mut scope = Scope::new("field");
                let mut fields = Vec::with_capacity(s.fields.len());
                for (j, f) in s.fields.iter().enumerate() {
                    let at = At::Item(&struct_at, "Fields", j, &f.name);
                    let rust_name = names::snake_case(&f.name).ok_or_else(|| ModelError {
                        path: at.path(),
                        message: format!("no Rust name can be made from {}", go_quote(&f.name)),
                    })?;
                    scope.add(&at, &rust_name, &f.name)?;
                    fields.push(Field {
                        name: f.name.clone(),
                        rust_name,
                        docs: f.docs.clone(),
                        ty: resolver.resolve(&at, &f.typewords)?,
                        typewords: f.typewords.clone(),
                        rust_boxed: false,
                    });
                }
                // Pass 1 visited the structs in this same order.
                if let Some(slot) = slots.next() {
                    types[slot].kind = TypeKind::Struct { fields };
                }
            }
        }

        mark_cycles(&mut types)?;

        // Pass 3: functions.
        let mut functions = Vec::new();
        let mut methods = Scope::new("function");
        for (prefix, section) in &sections {
            for (i, f) in section.functions.iter().enumerate() {
                let path = segment(prefix, "Functions", i, &f.name);
                let rust_name = names::snake_case(&f.name).ok_or_else(|| ModelError {
                    path: path.clone(),
                    message: format!("no Rust name can be made from {}", go_quote(&f.name)),
                })?;
                methods.add(&At::Path(&path), &rust_name, &f.name)?;

                let mut scope = Scope::new("parameter");
                let mut params = Vec::with_capacity(f.params.len());
                for (j, p) in f.params.iter().enumerate() {
                    let at = At::Item(&At::Path(&path), "Params", j, &p.name);
                    // Go allows unnamed parameters; they are named by position.
                    let rust_name =
                        names::snake_case(&p.name).unwrap_or_else(|| format!("param{j}"));
                    scope.add(&at, &rust_name, &p.name)?;
                    params.push(Param {
                        name: p.name.clone(),
                        rust_name,
                        rust_local_name: String::new(),
                        ty: resolver.resolve(&at, &p.typewords)?,
                        typewords: p.typewords.clone(),
                    });
                }
                let mut taken: Vec<String> = params.iter().map(|p| p.rust_name.clone()).collect();
                taken.extend(DISPATCH_BINDINGS.iter().map(|s| s.to_string()));
                for p in &mut params {
                    p.rust_local_name = if DISPATCH_BINDINGS.contains(&p.rust_name.as_str()) {
                        let refs: Vec<&str> = taken.iter().map(String::as_str).collect();
                        let local = names::unused_name(&p.rust_name, &refs);
                        taken.push(local.clone());
                        local
                    } else {
                        p.rust_name.clone()
                    };
                }
                let param_names: Vec<&str> = params.iter().map(|p| p.rust_name.as_str()).collect();
                let rust_ctx_name = names::unused_name("ctx", &param_names);

                let mut returns = Vec::with_capacity(f.returns.len());
                for (j, r) in f.returns.iter().enumerate() {
                    let at = At::Item(&At::Path(&path), "Returns", j, &r.name);
                    returns.push(Return {
                        name: r.name.clone(),
                        ty: resolver.resolve(&at, &r.typewords)?,
                        typewords: r.typewords.clone(),
                    });
                }
                functions.push(Function {
                    name: f.name.clone(),
                    rust_name,
                    docs: f.docs.clone(),
                    path,
                    params,
                    returns,
                    rust_ctx_name,
                });
            }
        }

        let type_names: Vec<&str> = types.iter().map(|t| t.rust_name.as_str()).collect();
        let rust_dispatcher_generic = names::unused_name("A", &type_names);

        let docs_json = serde_json::to_string(doc).map_err(|e| ModelError {
            path: String::new(),
            message: format!("encoding the document as JSON: {e}"),
        })?;

        Ok(Model {
            name: doc.name.clone(),
            docs: doc.docs.clone(),
            types,
            functions,
            docs_json,
            rust_dispatcher_generic,
        })
    }

    /// The index in [`Model::types`] of the type with this schema name.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name)
    }
}

/// The struct that a field holds inline (not behind `[]` or `{}`), and whether a
/// `nullable` is on the way to it.
fn inline_struct(ty: &TypeRef, types: &[NamedType]) -> Option<(usize, bool)> {
    let mut ty = ty;
    let mut nullable = false;
    loop {
        match ty {
            TypeRef::Nullable(inner) => {
                nullable = true;
                ty = inner;
            }
            TypeRef::Named(index) => {
                return matches!(types.get(*index)?.kind, TypeKind::Struct { .. })
                    .then_some((*index, nullable));
            }
            TypeRef::Basic(_) | TypeRef::List(_) | TypeRef::Map(_) => return None,
        }
    }
}

/// Sets [`Field::rust_boxed`] for fields on a cycle of structs held inline, and rejects
/// cycles without any `nullable`, which no finite value satisfies.
fn mark_cycles(types: &mut [NamedType]) -> Result<(), ModelError> {
    // edges[s] = (t, nullable) for every field of struct s holding struct t inline.
    let edges: Vec<Vec<(usize, bool)>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct { fields } => fields
                .iter()
                .filter_map(|f| inline_struct(&f.ty, types))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    // Structs reachable from each struct, following all edges or only non-nullable ones.
    let reach = |from: usize, only_required: bool| -> Vec<bool> {
        let mut seen = vec![false; types.len()];
        let mut stack = vec![from];
        while let Some(s) = stack.pop() {
            for &(t, nullable) in &edges[s] {
                let followed = !(only_required && nullable);
                if followed && !seen[t] {
                    seen[t] = true;
                    stack.push(t);
                }
            }
        }
        seen
    };
    let mut boxed: Vec<(usize, usize)> = Vec::new();
    for (s, t) in types.iter().enumerate() {
        let TypeKind::Struct { fields } = &t.kind else {
            continue;
        };
        if edges[s].is_empty() {
            continue;
        }
        if reach(s, true)[s] {
            return Err(ModelError {
                path: t.path.clone(),
                message: format!(
                    "struct {} contains itself without a nullable in between",
                    go_quote(&t.name)
                ),
            });
        }
        let all = reach(s, false);
        if !all[s] {
            continue;
        }
        for (j, f) in fields.iter().enumerate() {
            if let Some((target, _)) = inline_struct(&f.ty, types)
                && (target == s || reach(target, false)[s])
            {
                boxed.push((s, j));
            }
        }
    }
    for (s, j) in boxed {
        if let TypeKind::Struct { fields } = &mut types[s].kind
            && let Some(f) = fields.get_mut(j)
        {
            f.rust_boxed = true;
        }
    }
    Ok(())
}

/// The sections of a document in depth-first pre-order, each with its path prefix.
/// Iterative, so document depth is bounded only by the JSON parser.
fn flatten(doc: &Section) -> Vec<(String, &Section)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), doc)];
    while let Some((prefix, section)) = stack.pop() {
        for (i, sub) in section.sections.iter().enumerate().rev() {
            stack.push((segment(&prefix, "Sections", i, &sub.name), sub));
        }
        out.push((prefix, section));
    }
    out
}

/// Where an item is in the document, in the checker's path format, rendered only when
/// an error needs it: most items never do, and rendering quotes names Go-style.
enum At<'a> {
    Path(&'a str),
    /// `parent.FIELD[INDEX ("NAME")]`.
    Item(&'a At<'a>, &'static str, usize, &'a str),
}

impl At<'_> {
    fn path(&self) -> String {
        match self {
            At::Path(p) => p.to_string(),
            At::Item(parent, field, index, name) => segment(&parent.path(), field, *index, name),
        }
    }
}

/// `prefix` + `.FIELD[INDEX ("NAME")]`, the checker's path format.
fn segment(prefix: &str, field: &str, index: usize, name: &str) -> String {
    format!("{prefix}.{field}[{index} ({})]", go_quote(name))
}

/// Validates a type name and checks it against generated items and other types.
fn rust_type_name(
    path: &str,
    name: &str,
    seen: &mut HashMap<String, String>,
) -> Result<String, ModelError> {
    let err = |message: String| ModelError {
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

/// The variant names of one enum: verbatim schema names, unique, and not the
/// unknown-value variant.
#[derive(Default)]
struct Variants {
    seen: HashMap<String, String>,
}

impl Variants {
    fn add(&mut self, at: &At, name: &str) -> Result<String, ModelError> {
        let err = |message: String| ModelError {
            path: at.path(),
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
        if let Some(other) = self.seen.get(&rust_name) {
            return Err(err(format!(
                "Rust name {} already used by value {}",
                go_quote(&rust_name),
                go_quote(other)
            )));
        }
        self.seen.insert(rust_name.clone(), name.to_string());
        Ok(rust_name)
    }
}

/// One naming scope (the fields of a struct, the parameters of a function, the methods
/// of the trait): remembers which schema name claimed each Rust name.
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

    fn add(&mut self, at: &At, rust_name: &str, name: &str) -> Result<(), ModelError> {
        if let Some(other) = self.seen.get(rust_name) {
            return Err(ModelError {
                path: at.path(),
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
}

/// Turns typeword lists into [`TypeRef`] trees.
struct Resolver<'a> {
    /// Type name → index in the model's type list.
    types: &'a HashMap<&'a str, usize>,
    /// Enum value name → name of the enum it belongs to.
    values: &'a HashMap<&'a str, &'a str>,
}

impl Resolver<'_> {
    /// Resolves one typeword list. The checker has validated the grammar; violations
    /// are still reported rather than trusted, so an unchecked document cannot panic.
    fn resolve(&self, at: &At, words: &[String]) -> Result<TypeRef, ModelError> {
        let err = |message: String| ModelError {
            path: at.path(),
            message,
        };
        if words.len() > MAX_TYPE_DEPTH + 1 {
            return Err(err(format!(
                "type nested more than {MAX_TYPE_DEPTH} levels deep"
            )));
        }
        let Some((last, wrappers)) = words.split_last() else {
            return Err(err("unexpected end of typewords".to_string()));
        };
        let mut ty = if let Some(basic) = Basic::from_word(last) {
            TypeRef::Basic(basic)
        } else if let Some(&index) = self.types.get(last.as_str()) {
            TypeRef::Named(index)
        } else if let Some(owner) = self.values.get(last.as_str()) {
            return Err(err(format!(
                "referenced type {} is a value of {}, not a type",
                go_quote(last),
                go_quote(owner)
            )));
        } else if matches!(last.as_str(), "nullable" | "[]" | "{}") {
            return Err(err(format!("missing typeword after {}", go_quote(last))));
        } else {
            return Err(err(format!(
                "referenced type {} does not exist",
                go_quote(last)
            )));
        };
        let mut outer_nullable = false;
        for word in wrappers.iter().rev() {
            ty = match word.as_str() {
                "nullable" => {
                    if outer_nullable {
                        return Err(err("repeated nullable in typewords".to_string()));
                    }
                    TypeRef::Nullable(Box::new(ty))
                }
                "[]" => TypeRef::List(Box::new(ty)),
                "{}" => TypeRef::Map(Box::new(ty)),
                other => {
                    return Err(err(format!("leftover typewords after {}", go_quote(other))));
                }
            };
            outer_nullable = matches!(ty, TypeRef::Nullable(_));
        }
        Ok(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> Result<Model, ModelError> {
        let doc = crate::parse::parse(json).unwrap();
        crate::check::check(&doc).unwrap();
        Model::build(&doc)
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
        let e = model(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Structs[0 ("Msg")].Fields[2 ("Id")]: Rust name "id" already used by field "ID""#
        );
    }

    #[test]
    fn reserved_names() {
        let json = doc(r#""Strings":[{"Name":"Api","Docs":"","Values":null}]"#);
        let e = model(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Strings[0 ("Api")]: Rust name "Api" is reserved for the generated server trait"#
        );
        let json = doc(
            r#""Strings":[{"Name":"Kind","Docs":"","Values":[{"Name":"Other","Value":"o","Docs":""}]}]"#,
        );
        let e = model(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Strings[0 ("Kind")].Values[0 ("Other")]: Rust name "Other" is reserved for the variant holding unknown values"#
        );
    }

    #[test]
    fn enum_value_as_type() {
        let json = doc(
            r#""Strings":[{"Name":"Kind","Docs":"","Values":[{"Name":"KindA","Value":"a","Docs":""}]}],
               "Functions":[{"Name":"F","Docs":"","Params":[{"Name":"k","Typewords":["KindA"]}],"Returns":[]}]"#,
        );
        let e = model(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Functions[0 ("F")].Params[0 ("k")]: referenced type "KindA" is a value of "Kind", not a type"#
        );
    }

    #[test]
    fn sections_depth_first_and_locals() {
        let json = doc(r#""Functions":[{"Name":"Top","Docs":"","Params":[
                  {"Name":"ctx","Typewords":["string"]},
                  {"Name":"call","Typewords":["[]","nullable","Sub"]},
                  {"Name":"result","Typewords":["{}","int64s"]}],"Returns":[]}],
               "Sections":[
                 {"Name":"S1","Docs":"","Functions":[{"Name":"One","Docs":"","Params":[],"Returns":[]}],
                  "Sections":[{"Name":"S11","Docs":"","Functions":[{"Name":"Deep","Docs":"","Params":[],"Returns":[]}],
                     "Sections":[],"Structs":[{"Name":"Sub","Docs":"","Fields":[]}],"Ints":[],"Strings":[]}],
                  "Structs":[],"Ints":[],"Strings":[]},
                 {"Name":"S2","Docs":"","Functions":[{"Name":"Two","Docs":"","Params":[],"Returns":[]}],
                  "Sections":[],"Structs":[{"Name":"A","Docs":"","Fields":[]}],"Ints":[],"Strings":[]}]"#);
        let m = model(&json).unwrap();
        let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Top", "One", "Deep", "Two"]);
        let top = &m.functions[0];
        assert_eq!(top.rust_ctx_name, "ctx_");
        let locals: Vec<&str> = top
            .params
            .iter()
            .map(|p| p.rust_local_name.as_str())
            .collect();
        assert_eq!(locals, ["ctx_", "call_", "result_"]);
        assert_eq!(
            top.params[1].ty,
            TypeRef::List(Box::new(TypeRef::Nullable(Box::new(TypeRef::Named(0)))))
        );
        assert_eq!(
            m.functions[2].path,
            r#".Sections[0 ("S1")].Sections[0 ("S11")].Functions[0 ("Deep")]"#
        );
        assert_eq!(m.rust_dispatcher_generic, "A_");
    }

    #[test]
    fn cycles() {
        let json = doc(r#""Structs":[
                {"Name":"Node","Docs":"","Fields":[
                    {"Name":"Parent","Docs":"","Typewords":["nullable","Node"]},
                    {"Name":"Children","Docs":"","Typewords":["[]","Node"]},
                    {"Name":"Leaf","Docs":"","Typewords":["Leaf"]}]},
                {"Name":"Leaf","Docs":"","Fields":[{"Name":"X","Docs":"","Typewords":["string"]}]}]"#);
        let m = model(&json).unwrap();
        let TypeKind::Struct { fields } = &m.types[0].kind else {
            panic!()
        };
        let boxed: Vec<bool> = fields.iter().map(|f| f.rust_boxed).collect();
        assert_eq!(boxed, [true, false, false]);

        let json = doc(r#""Structs":[
                {"Name":"A","Docs":"","Fields":[{"Name":"B","Docs":"","Typewords":["B"]}]},
                {"Name":"B","Docs":"","Fields":[{"Name":"A","Docs":"","Typewords":["A"]}]}]"#);
        let e = model(&json).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid sherpadoc at .Structs[0 ("A")]: struct "A" contains itself without a nullable in between"#
        );
    }

    #[test]
    fn too_deep() {
        let mut words = vec!["\"[]\""; MAX_TYPE_DEPTH + 1];
        words.push("\"string\"");
        let json = doc(&format!(
            r#""Functions":[{{"Name":"F","Docs":"","Params":[{{"Name":"p","Typewords":[{}]}}],"Returns":[]}}]"#,
            words.join(",")
        ));
        let e = model(&json).unwrap_err();
        assert!(e.message.contains("nested more than"), "{e}");
    }
}
