//! The model every emitter reads: a checked sherpadoc document with its section tree
//! flattened, every typeword list resolved into a [`TypeRef`] tree, and every item
//! carrying its sherpadoc path.
//!
//! It is language-neutral: it holds schema names only. Each emitter decides its own
//! names in a pass of its own (Rust: `rust::naming`, TypeScript: `ts::naming`), keyed by
//! the indexes of this model, so no emitter walks the raw document, parses typewords or
//! formats paths again.
//!
//! An [`Api`] is only made by [`crate::check()`] (and [`crate::read`]), from a document
//! that passed every rule, so emitters may rely on what the rules guarantee: named
//! types exist, no typeword names an enum value, nesting is bounded by
//! [`MAX_TYPE_DEPTH`], and every cycle of structs held inline has a `nullable` on it.

use std::collections::HashMap;
use std::ops::Range;

use crate::check::CheckError;
use crate::docpath::{SectionTree, go_quote, segment};
use crate::parse;

/// How deeply `nullable`, `[]` and `{}` may nest in one type. Real schemas use two or
/// three levels; the limit keeps emitted type expressions (and the compilers reading
/// them) within stack bounds.
pub const MAX_TYPE_DEPTH: usize = 32;

/// A whole API: the document, flattened and resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The document's `Name`.
    pub name: String,
    /// The document's `Docs`.
    pub docs: String,
    /// Every section, depth-first pre-order; `sections[0]` is the document itself.
    pub sections: Vec<Section>,
    /// Every named type in document order: section by section, each section's structs,
    /// then its ints, then its strings.
    pub types: Vec<NamedType>,
    /// Every function in document order.
    pub functions: Vec<Function>,
    /// The whole document as compact JSON with Go's key order (what `_docs` serves).
    pub docs_json: String,
}

/// One section of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's `Name`.
    pub name: String,
    /// The section's `Docs`.
    pub docs: String,
    /// Its sherpadoc path: `""` for the document, else `.Sections[0 ("Name")]`....
    pub path: String,
    /// Index in [`Api::sections`] of the containing section; `None` for the document.
    pub parent: Option<usize>,
    /// The section's own types, as a range of [`Api::types`].
    pub types: Range<usize>,
    /// The section's own functions, as a range of [`Api::functions`].
    pub functions: Range<usize>,
}

/// A basic type word: the one list of them the generator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basic {
    /// `any`: any JSON value.
    Any,
    /// `bool`.
    Bool,
    /// `int8`.
    Int8,
    /// `uint8`.
    Uint8,
    /// `int16`.
    Int16,
    /// `uint16`.
    Uint16,
    /// `int32`.
    Int32,
    /// `uint32`.
    Uint32,
    /// `int64`: a JSON number.
    Int64,
    /// `uint64`: a JSON number.
    Uint64,
    /// `int64s`: a 64-bit integer written as a JSON string.
    Int64s,
    /// `uint64s`: an unsigned 64-bit integer written as a JSON string.
    Uint64s,
    /// `float32`.
    Float32,
    /// `float64`.
    Float64,
    /// `string`.
    String,
    /// `timestamp`: an RFC 3339 string.
    Timestamp,
}

impl Basic {
    /// Every basic type, in the order of the typeword grammar (`docs/protocol.md`).
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
    /// A basic type.
    Basic(Basic),
    /// `nullable X`
    Nullable(Box<TypeRef>),
    /// `[] X`
    List(Box<TypeRef>),
    /// `{} X` (keys are strings)
    Map(Box<TypeRef>),
    /// A named type: an index into [`Api::types`].
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
    /// The schema name (also the wire name).
    pub name: String,
    /// The type's `Docs`.
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Structs[3 ("Msg")]`.
    pub path: String,
    /// Struct or enum.
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A JSON object with declared fields.
    Struct(Struct),
    /// A named string or integer type (sherpadoc `Strings` and `Ints`).
    Enum(Enum),
}

/// The fields of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The fields in document order.
    pub fields: Vec<Field>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    /// The field's `Docs`.
    pub docs: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
    /// Whether the field holds (behind `nullable` only, not `[]` or `{}`) a struct that
    /// contains this struct again: a language that stores structs inline must add an
    /// indirection here (Rust boxes it).
    pub on_cycle: bool,
}

/// Whether an enum's values are integers or strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// sherpadoc `Ints`.
    Int,
    /// sherpadoc `Strings`.
    String,
}

/// A named integer or string type, with its listed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Integers or strings.
    pub kind: ValueKind,
    /// `None` for `Values: null`. Both `None` and an empty list mean any value of the
    /// kind is allowed: the type is a plain named integer or string.
    pub values: Option<Vec<EnumValue>>,
}

impl Enum {
    /// The listed values; empty when there are none.
    pub fn listed(&self) -> &[EnumValue] {
        self.values.as_deref().unwrap_or(&[])
    }
}

/// A value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A value of an `Ints` type.
    Int(i64),
    /// A value of a `Strings` type.
    String(String),
}

/// A listed value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The schema name of the constant (a Go identifier).
    pub name: String,
    /// The constant's `Docs`.
    pub docs: String,
    /// The value on the wire.
    pub value: Value,
}

/// A function of any section.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The wire name.
    pub name: String,
    /// The function's `Docs`.
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Functions[1 ("Login")]`.
    pub path: String,
    /// The parameters, positional on the wire.
    pub params: Vec<Param>,
    /// The return values (a JSON array on the wire when there are several).
    pub returns: Vec<Return>,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The schema name (may be empty: Go allows unnamed parameters).
    pub name: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
}

/// A function return value.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// The schema name (may be empty).
    pub name: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
}

impl Api {
    /// The index in [`Api::types`] of the type with this schema name.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name)
    }

    /// The type at `index`, if it is a struct.
    pub fn as_struct(&self, index: usize) -> Option<&Struct> {
        match &self.types.get(index)?.kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Enum(_) => None,
        }
    }
}

/// Builds the model of a document that passed the Go checker's rules, applying the
/// rules that Go does not have but every emitter needs (no typeword names an enum
/// value; nesting at most [`MAX_TYPE_DEPTH`] deep) on the way, in document order:
/// struct fields first, then function params and returns.
pub(crate) fn build(doc: &parse::Section) -> Result<Api, CheckError> {
    let tree = SectionTree::new(doc);
    let mut sections = Vec::with_capacity(tree.nodes.len());
    let mut types = Vec::new();
    let mut type_index: HashMap<&str, usize> = HashMap::new();
    let mut value_owner: HashMap<&str, &str> = HashMap::new();

    // Pass 1: sections and the names of all types, so references resolve in any order.
    for (s, node) in tree.nodes.iter().enumerate() {
        let section = node.section;
        let path = tree.path(s);
        let first = types.len();
        for (i, st) in section.structs.iter().enumerate() {
            type_index.insert(&st.name, types.len());
            types.push(NamedType {
                name: st.name.clone(),
                docs: st.docs.clone(),
                path: segment(&path, "Structs", i, &st.name),
                kind: TypeKind::Struct(Struct { fields: Vec::new() }),
            });
        }
        for (i, t) in section.ints.iter().enumerate() {
            let values = t.values.as_ref().map(|values| {
                values
                    .iter()
                    .map(|v| {
                        value_owner.insert(&v.name, &t.name);
                        EnumValue {
                            name: v.name.clone(),
                            docs: v.docs.clone(),
                            value: Value::Int(v.value),
                        }
                    })
                    .collect()
            });
            type_index.insert(&t.name, types.len());
            types.push(NamedType {
                name: t.name.clone(),
                docs: t.docs.clone(),
                path: segment(&path, "Ints", i, &t.name),
                kind: TypeKind::Enum(Enum {
                    kind: ValueKind::Int,
                    values,
                }),
            });
        }
        for (i, t) in section.strings.iter().enumerate() {
            let values = t.values.as_ref().map(|values| {
                values
                    .iter()
                    .map(|v| {
                        value_owner.insert(&v.name, &t.name);
                        EnumValue {
                            name: v.name.clone(),
                            docs: v.docs.clone(),
                            value: Value::String(v.value.clone()),
                        }
                    })
                    .collect()
            });
            type_index.insert(&t.name, types.len());
            types.push(NamedType {
                name: t.name.clone(),
                docs: t.docs.clone(),
                path: segment(&path, "Strings", i, &t.name),
                kind: TypeKind::Enum(Enum {
                    kind: ValueKind::String,
                    values,
                }),
            });
        }
        sections.push(Section {
            name: section.name.clone(),
            docs: section.docs.clone(),
            path,
            parent: node.parent.map(|(p, _)| p),
            types: first..types.len(),
            functions: 0..0,
        });
    }
    let resolver = Resolver {
        types: &type_index,
        values: &value_owner,
    };

    // Pass 2: struct fields, now that every type name is known.
    for (s, node) in tree.nodes.iter().enumerate() {
        let first = sections[s].types.start;
        for (i, st) in node.section.structs.iter().enumerate() {
            let mut fields = Vec::with_capacity(st.fields.len());
            for (j, f) in st.fields.iter().enumerate() {
                let at = || segment(&types[first + i].path, "Fields", j, &f.name);
                fields.push(Field {
                    name: f.name.clone(),
                    docs: f.docs.clone(),
                    ty: resolver.resolve(&f.typewords, at)?,
                    typewords: f.typewords.clone(),
                    on_cycle: false,
                });
            }
            // Pass 1 put each section's structs first in its range.
            types[first + i].kind = TypeKind::Struct(Struct { fields });
        }
    }

    // Pass 3: functions.
    let functions = build_functions(&tree, &mut sections, &resolver)?;

    let docs_json = serde_json::to_string(doc).map_err(|e| CheckError {
        path: String::new(),
        message: format!("encoding the document as JSON: {e}"),
    })?;
    let mut api = Api {
        name: doc.name.clone(),
        docs: doc.docs.clone(),
        sections,
        types,
        functions,
        docs_json,
    };
    mark_cycles(&mut api);
    Ok(api)
}

/// Pass 3 of [`build`]: every function with resolved params and returns, and each
/// section's range of them.
fn build_functions(
    tree: &SectionTree<'_>,
    sections: &mut [Section],
    resolver: &Resolver<'_>,
) -> Result<Vec<Function>, CheckError> {
    let mut functions = Vec::new();
    for (s, node) in tree.nodes.iter().enumerate() {
        let first = functions.len();
        for (i, f) in node.section.functions.iter().enumerate() {
            let path = segment(&sections[s].path, "Functions", i, &f.name);
            let mut params = Vec::with_capacity(f.params.len());
            for (j, p) in f.params.iter().enumerate() {
                let at = || segment(&path, "Params", j, &p.name);
                params.push(Param {
                    name: p.name.clone(),
                    ty: resolver.resolve(&p.typewords, at)?,
                    typewords: p.typewords.clone(),
                });
            }
            let mut returns = Vec::with_capacity(f.returns.len());
            for (j, r) in f.returns.iter().enumerate() {
                let at = || segment(&path, "Returns", j, &r.name);
                returns.push(Return {
                    name: r.name.clone(),
                    ty: resolver.resolve(&r.typewords, at)?,
                    typewords: r.typewords.clone(),
                });
            }
            functions.push(Function {
                name: f.name.clone(),
                docs: f.docs.clone(),
                path,
                params,
                returns,
            });
        }
        sections[s].functions = first..functions.len();
    }

    Ok(functions)
}

/// Turns typeword lists into [`TypeRef`] trees.
struct Resolver<'a> {
    /// Type name → index in the model's type list.
    types: &'a HashMap<&'a str, usize>,
    /// Enum value name → name of the enum it belongs to.
    values: &'a HashMap<&'a str, &'a str>,
}

impl Resolver<'_> {
    /// Resolves one typeword list; `at` renders its path for an error. The Go rules
    /// have validated the grammar already; violations are still reported rather than
    /// trusted, so an unchecked document cannot panic.
    fn resolve(&self, words: &[String], at: impl Fn() -> String) -> Result<TypeRef, CheckError> {
        let err = |message: String| CheckError {
            path: at(),
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

/// The struct that a type holds inline (not behind `[]` or `{}`), and whether a
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
                return matches!(types.get(*index)?.kind, TypeKind::Struct(_))
                    .then_some((*index, nullable));
            }
            TypeRef::Basic(_) | TypeRef::List(_) | TypeRef::Map(_) => return None,
        }
    }
}

/// The graph of structs held inline: `edges[s]` lists `(t, nullable)` for every field
/// of struct `s` that holds struct `t` inline.
struct InlineGraph {
    edges: Vec<Vec<(usize, bool)>>,
}

impl InlineGraph {
    fn new(types: &[NamedType]) -> InlineGraph {
        let edges = types
            .iter()
            .map(|t| match &t.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter_map(|f| inline_struct(&f.ty, types))
                    .collect(),
                TypeKind::Enum(_) => Vec::new(),
            })
            .collect();
        InlineGraph { edges }
    }

    /// The structs reachable from `from`, following every edge or only those without
    /// a `nullable`.
    fn reach(&self, from: usize, only_required: bool) -> Vec<bool> {
        let mut seen = vec![false; self.edges.len()];
        let mut stack = vec![from];
        while let Some(s) = stack.pop() {
            for &(t, nullable) in &self.edges[s] {
                let followed = !(only_required && nullable);
                if followed && !seen[t] {
                    seen[t] = true;
                    stack.push(t);
                }
            }
        }
        seen
    }
}

/// Sets [`Field::on_cycle`] for the fields through which a struct contains itself.
fn mark_cycles(api: &mut Api) {
    let graph = InlineGraph::new(&api.types);
    let mut marked: Vec<(usize, usize)> = Vec::new();
    for (s, t) in api.types.iter().enumerate() {
        let TypeKind::Struct(st) = &t.kind else {
            continue;
        };
        if graph.edges[s].is_empty() || !graph.reach(s, false)[s] {
            continue;
        }
        for (j, f) in st.fields.iter().enumerate() {
            if let Some((target, _)) = inline_struct(&f.ty, &api.types)
                && (target == s || graph.reach(target, false)[s])
            {
                marked.push((s, j));
            }
        }
    }
    for (s, j) in marked {
        if let TypeKind::Struct(st) = &mut api.types[s].kind
            && let Some(f) = st.fields.get_mut(j)
        {
            f.on_cycle = true;
        }
    }
}

/// The first struct (in document order) that contains itself with no `nullable` on
/// the way, which no finite value can satisfy.
pub(crate) fn first_unfillable_struct(api: &Api) -> Option<usize> {
    let graph = InlineGraph::new(&api.types);
    (0..api.types.len()).find(|&s| !graph.edges[s].is_empty() && graph.reach(s, true)[s])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(json: &str) -> Api {
        crate::read(json).expect("valid test document")
    }

    fn doc(body: &str) -> String {
        format!(r#"{{"Name":"T","Docs":"","SherpaVersion":0,"SherpadocVersion":1,{body}}}"#)
    }

    #[test]
    fn basic_words_round_trip() {
        for b in Basic::ALL {
            assert_eq!(Basic::from_word(b.word()), Some(b));
        }
        assert_eq!(Basic::from_word("String"), None);
    }

    #[test]
    fn sections_depth_first_with_ranges() {
        let json = doc(r#""Functions":[{"Name":"Top","Docs":"","Params":[
                  {"Name":"call","Typewords":["[]","nullable","Sub"]}],"Returns":[]}],
               "Sections":[
                 {"Name":"S1","Docs":"one","Functions":[{"Name":"One","Docs":"","Params":[],"Returns":[]}],
                  "Sections":[{"Name":"S11","Docs":"","Functions":[{"Name":"Deep","Docs":"","Params":[],"Returns":[]}],
                     "Sections":[],"Structs":[{"Name":"Sub","Docs":"","Fields":[]}],"Ints":[],
                     "Strings":[{"Name":"K","Docs":"","Values":[{"Name":"KA","Value":"a","Docs":""}]}]}],
                  "Structs":[],"Ints":[],"Strings":[]},
                 {"Name":"S2","Docs":"","Functions":[{"Name":"Two","Docs":"","Params":[],"Returns":[]}],
                  "Sections":[],"Structs":[{"Name":"A","Docs":"","Fields":[]}],"Ints":[],"Strings":[]}]"#);
        let m = api(&json);
        let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Top", "One", "Deep", "Two"]);
        let sections: Vec<(&str, Option<usize>)> = m
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.parent))
            .collect();
        assert_eq!(
            sections,
            [
                ("T", None),
                ("S1", Some(0)),
                ("S11", Some(1)),
                ("S2", Some(0))
            ]
        );
        assert_eq!(m.sections[2].types, 0..2);
        assert_eq!(m.sections[2].functions, 2..3);
        assert_eq!(
            m.functions[2].path,
            r#".Sections[0 ("S1")].Sections[0 ("S11")].Functions[0 ("Deep")]"#
        );
        assert_eq!(
            m.functions[0].params[0].ty,
            TypeRef::List(Box::new(TypeRef::Nullable(Box::new(TypeRef::Named(0)))))
        );
        let TypeKind::Enum(k) = &m.types[1].kind else {
            panic!("K is an enum")
        };
        assert_eq!(k.kind, ValueKind::String);
        assert_eq!(k.listed()[0].value, Value::String("a".into()));
    }

    #[test]
    fn cycles_are_marked() {
        let json = doc(r#""Structs":[
                {"Name":"Node","Docs":"","Fields":[
                    {"Name":"Parent","Docs":"","Typewords":["nullable","Node"]},
                    {"Name":"Children","Docs":"","Typewords":["[]","Node"]},
                    {"Name":"Leaf","Docs":"","Typewords":["Leaf"]}]},
                {"Name":"Leaf","Docs":"","Fields":[{"Name":"X","Docs":"","Typewords":["string"]}]}]"#);
        let m = api(&json);
        let marked: Vec<bool> = m
            .as_struct(0)
            .expect("Node is a struct")
            .fields
            .iter()
            .map(|f| f.on_cycle)
            .collect();
        assert_eq!(marked, [true, false, false]);
    }
}
