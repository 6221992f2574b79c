//! Building the model ([`crate::ir::Api`]) from a document that passed the Go rules,
//! which is where rules 16–18 are applied: resolving typewords finds too-deep types and
//! enum values used as types, and the graph of structs held inline finds the structs
//! that contain themselves.

use std::collections::HashMap;

use crate::check::CheckError;
use crate::docpath::{SectionTree, go_quote, segment};
use crate::ir::{
    Api, Basic, Enum, EnumValue, Field, Function, MAX_TYPE_DEPTH, NamedType, Param, Return,
    Section, Struct, TypeKind, TypeRef, Value, ValueKind,
};
use crate::parse;

/// Builds the model of a document that passed the Go checker's rules, applying the
/// rules that Go does not have but every emitter needs (no typeword names an enum
/// value; nesting at most [`MAX_TYPE_DEPTH`] deep) on the way, in document order:
/// struct fields first, then function params and returns.
pub(super) fn build(doc: &parse::Section) -> Result<Api, CheckError> {
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
        // Ints and Strings differ only in their value type: one path for both.
        let ints = section.ints.iter().enumerate().map(|(i, t)| {
            let values = t.values.as_ref().map(|vs| {
                vs.iter()
                    .map(|v| (&v.name, &v.docs, Value::Int(v.value)))
                    .collect()
            });
            (i, ValueKind::Int, "Ints", &t.name, &t.docs, values)
        });
        let strings = section.strings.iter().enumerate().map(|(i, t)| {
            let values = t.values.as_ref().map(|vs| {
                vs.iter()
                    .map(|v| (&v.name, &v.docs, Value::String(v.value.clone())))
                    .collect()
            });
            (i, ValueKind::String, "Strings", &t.name, &t.docs, values)
        });
        for (i, kind, field, name, docs, values) in ints.chain(strings) {
            let values: Option<Vec<(&String, &String, Value)>> = values;
            let values = values.map(|vs| {
                vs.into_iter()
                    .map(|(value_name, value_docs, value)| {
                        value_owner.insert(value_name, name);
                        EnumValue {
                            name: value_name.clone(),
                            docs: value_docs.clone(),
                            value,
                        }
                    })
                    .collect()
            });
            type_index.insert(name, types.len());
            types.push(NamedType {
                name: name.clone(),
                docs: docs.clone(),
                path: segment(&path, field, i, name),
                kind: TypeKind::Enum(Enum { kind, values }),
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
pub(super) fn first_unfillable_struct(api: &Api) -> Option<usize> {
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
