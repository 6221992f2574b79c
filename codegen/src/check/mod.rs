//! Stage 2 of the pipeline: the rules of the Go sherpadoc checker (`sherpadoc.Check`,
//! `check.go`), so that a document is accepted or rejected exactly as the Go tools would,
//! with the same path-style message for the first problem found.
//!
//! The rules, numbered as in `docs/protocol.md`, run in three passes over the whole
//! section tree (a section's own items first, then its subsections in order):
//!
//! * Pass A (rules 1–5): every type name and every `Ints`/`Strings` *value* name goes into
//!   one global set; a name seen twice is `duplicate type "NAME"`.
//! * Pass B (rules 6–8): function names are unique across the whole tree; parameter names,
//!   and separately return names, are unique within a function.
//! * Pass C (rules 9–14): every typeword list (struct fields, then function params and
//!   returns) must follow the typeword grammar and reference only known names.
//!
//! What Go does not check is not checked by these passes either (rule 15): empty names,
//! identifier syntax, duplicate field names, empty or duplicate enum values, integer
//! ranges.
//!
//! More rules follow, which Go does not have but which no generator can do without,
//! whatever the language: a type nests `nullable`/`[]`/`{}` at most
//! [`MAX_TYPE_DEPTH`](crate::ir::MAX_TYPE_DEPTH) levels deep (rule 16), a typeword names a type and not an enum
//! value (rule 17; Go accepts value names there), a struct does not contain itself
//! without a `nullable` in between (rule 18: no finite value has that type), sections
//! nest at most [`MAX_SECTION_DEPTH`] deep (rule 19, checked first of these), and no
//! name hides characters that change how text reads (rule 20, checked last).
//! They are applied while the model ([`crate::ir`]) is built, so a document that passes
//! has a model. Problems that only matter for one output language (keywords, names that
//! collide after case conversion) are each emitter's naming pass's business.
//!
//! Nothing here recurses on the input: sections are visited with an explicit stack and
//! typewords with a loop, so arbitrarily deep documents cannot overflow the stack.

use std::collections::HashSet;
use std::fmt;

use crate::docpath::{SectionTree, go_quote, segment};
use crate::ir::{Api, Basic, TypeKind};

mod model;
use crate::parse::Section;

/// The first rule a document breaks. Displays as Go's error does:
/// `invalid sherpadoc at PATH: MSG`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    /// Where the problem is, e.g. `.Sections[0 ("Sub")].Structs[3 ("Msg")].Fields[2 ("ID")]`;
    /// empty for the top-level section itself.
    pub path: String,
    /// What is wrong, e.g. `referenced type "X" does not exist`.
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sherpadoc at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for CheckError {}

/// Checks `doc` against every rule, in order, and returns its model, or the first
/// violation: the Go checker's rules 1–15 in Go's order ([`check_go`]), then rule 19
/// (section depth), then rules 16–18 while the model is built, then rule 20 (no hidden
/// characters in names).
pub fn check(doc: &Section) -> Result<Api, CheckError> {
    check_go(doc)?;
    check_section_depth(doc)?;
    // Rules 16 (nesting depth) and 17 (a typeword naming an enum value) are applied
    // by the resolver as it turns typewords into types.
    let api = model::build(doc)?;
    // Rule 18.
    if let Some(s) = model::first_unfillable_struct(&api) {
        let t = &api.types[s];
        return Err(CheckError {
            path: t.path.clone(),
            message: format!(
                "struct {} contains itself without a nullable in between",
                go_quote(&t.name)
            ),
        });
    }
    check_hidden_characters(&api)?;
    Ok(api)
}

/// What is wrong with `c` in a name (rule 20), if anything: direction controls make
/// source text read differently from what compilers see, and invisible characters make
/// two different names look the same.
fn hidden_character(c: char) -> Option<&'static str> {
    if crate::chars::is_direction_control(c) {
        Some("a bidirectional control character")
    } else if crate::chars::is_invisible(c) {
        Some("an invisible character")
    } else {
        None
    }
}

/// Rule 20: no type, field, enum value, function, parameter or return name contains a
/// [`hidden_character`].
fn check_hidden_characters(api: &Api) -> Result<(), CheckError> {
    let check = |path: &dyn Fn() -> String, name: &str| match name
        .chars()
        .find_map(|c| hidden_character(c).map(|what| (c, what)))
    {
        None => Ok(()),
        Some((c, what)) => Err(CheckError {
            path: path(),
            message: format!(
                "name {} contains U+{:04X}, {what}",
                go_quote(name),
                u32::from(c)
            ),
        }),
    };
    for t in &api.types {
        check(&|| t.path.clone(), &t.name)?;
        match &t.kind {
            TypeKind::Struct(st) => {
                for (j, f) in st.fields.iter().enumerate() {
                    check(&|| segment(&t.path, "Fields", j, &f.name), &f.name)?;
                }
            }
            TypeKind::Enum(e) => {
                for (j, v) in e.listed().iter().enumerate() {
                    check(&|| segment(&t.path, "Values", j, &v.name), &v.name)?;
                }
            }
        }
    }
    for f in &api.functions {
        check(&|| f.path.clone(), &f.name)?;
        for (j, p) in f.params.iter().enumerate() {
            check(&|| segment(&f.path, "Params", j, &p.name), &p.name)?;
        }
        for (j, r) in f.returns.iter().enumerate() {
            check(&|| segment(&f.path, "Returns", j, &r.name), &r.name)?;
        }
    }
    Ok(())
}

/// How deeply sections may nest: more than any JSON document [`crate::parse`] reads
/// can hold, since its nesting limit stops at about 63 levels of sections. The model
/// keeps every item's path, which grows with the depth.
pub const MAX_SECTION_DEPTH: usize = 64;

/// Rule 19: sections nest at most [`MAX_SECTION_DEPTH`] levels deep.
fn check_section_depth(doc: &Section) -> Result<(), CheckError> {
    let tree = SectionTree::new(doc);
    // Pre-order: every parent comes before its subsections.
    let mut depth = vec![0usize; tree.nodes.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        if let Some((parent, _)) = node.parent {
            depth[i] = depth[parent] + 1;
            if depth[i] > MAX_SECTION_DEPTH {
                return Err(CheckError {
                    path: tree.path(i),
                    message: format!("sections nested more than {MAX_SECTION_DEPTH} levels deep"),
                });
            }
        }
    }
    Ok(())
}

/// Checks `doc` against the rules of the Go checker only (1–15), in Go's order, and
/// returns the first violation.
pub fn check_go(doc: &Section) -> Result<(), CheckError> {
    let tree = SectionTree::new(doc);
    let types = check_type_names(&tree)?;
    check_function_names(&tree)?;
    check_all_typewords(&tree, &types)?;
    Ok(())
}

/// Builds a full path from a section and the segments below it.
fn error_at(
    tree: &SectionTree<'_>,
    section: usize,
    segments: &[(&str, usize, &str)],
    message: String,
) -> CheckError {
    CheckError {
        path: tree.path_to(section, segments),
        message,
    }
}

/// Pass A, rules 1–5: collects all type names and enum value names of the whole tree into
/// one set, failing on the first name that is already in it. Returns the set for pass C.
fn check_type_names<'a>(tree: &SectionTree<'a>) -> Result<HashSet<&'a str>, CheckError> {
    let mut types: HashSet<&'a str> = HashSet::new();
    let duplicate = |name: &str| format!("duplicate type {}", go_quote(name));
    for (s, node) in tree.nodes.iter().enumerate() {
        let section = node.section;
        // Rule 1: struct names.
        for (i, st) in section.structs.iter().enumerate() {
            if !types.insert(&st.name) {
                return Err(error_at(
                    tree,
                    s,
                    &[("Structs", i, &st.name)],
                    duplicate(&st.name),
                ));
            }
        }
        // Rules 2 and 3: Ints names, then each of their value names, in the same set.
        for (i, ints) in section.ints.iter().enumerate() {
            if !types.insert(&ints.name) {
                return Err(error_at(
                    tree,
                    s,
                    &[("Ints", i, &ints.name)],
                    duplicate(&ints.name),
                ));
            }
            for (j, v) in ints.values.iter().flatten().enumerate() {
                if !types.insert(&v.name) {
                    let segments = [
                        ("Ints", i, ints.name.as_str()),
                        ("Values", j, v.name.as_str()),
                    ];
                    return Err(error_at(tree, s, &segments, duplicate(&v.name)));
                }
            }
        }
        // Rule 4: the same for Strings and their value names.
        for (i, strings) in section.strings.iter().enumerate() {
            if !types.insert(&strings.name) {
                return Err(error_at(
                    tree,
                    s,
                    &[("Strings", i, &strings.name)],
                    duplicate(&strings.name),
                ));
            }
            for (j, v) in strings.values.iter().flatten().enumerate() {
                if !types.insert(&v.name) {
                    let segments = [
                        ("Strings", i, strings.name.as_str()),
                        ("Values", j, v.name.as_str()),
                    ];
                    return Err(error_at(tree, s, &segments, duplicate(&v.name)));
                }
            }
        }
        // Rule 5: subsections follow in the tree order, sharing `types`.
    }
    Ok(types)
}

/// Pass B, rules 6–8: function names are unique across all sections; parameter names and
/// return names are each unique within one function (a parameter and a return may share a
/// name).
fn check_function_names(tree: &SectionTree<'_>) -> Result<(), CheckError> {
    let mut functions: HashSet<&str> = HashSet::new();
    for (s, node) in tree.nodes.iter().enumerate() {
        for (i, f) in node.section.functions.iter().enumerate() {
            let fseg = ("Functions", i, f.name.as_str());
            // Rule 6.
            if !functions.insert(&f.name) {
                return Err(error_at(
                    tree,
                    s,
                    &[fseg],
                    format!("duplicate function {}", go_quote(&f.name)),
                ));
            }
            // Rule 7.
            let mut params: HashSet<&str> = HashSet::new();
            for (j, p) in f.params.iter().enumerate() {
                if !params.insert(&p.name) {
                    let segments = [fseg, ("Params", j, p.name.as_str())];
                    return Err(error_at(
                        tree,
                        s,
                        &segments,
                        "duplicate parameter name".to_string(),
                    ));
                }
            }
            // Rule 8.
            let mut returns: HashSet<&str> = HashSet::new();
            for (j, r) in f.returns.iter().enumerate() {
                if !returns.insert(&r.name) {
                    let segments = [fseg, ("Returns", j, r.name.as_str())];
                    return Err(error_at(
                        tree,
                        s,
                        &segments,
                        "duplicate return name".to_string(),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Pass C: checks the typewords of every struct field, then of every function's params and
/// returns, section by section.
fn check_all_typewords(tree: &SectionTree<'_>, types: &HashSet<&str>) -> Result<(), CheckError> {
    for (s, node) in tree.nodes.iter().enumerate() {
        let section = node.section;
        for (i, st) in section.structs.iter().enumerate() {
            for (j, field) in st.fields.iter().enumerate() {
                if let Err(message) = check_typewords(&field.typewords, types) {
                    let segments = [
                        ("Structs", i, st.name.as_str()),
                        ("Fields", j, field.name.as_str()),
                    ];
                    return Err(error_at(tree, s, &segments, message));
                }
            }
        }
        for (i, f) in section.functions.iter().enumerate() {
            let fseg = ("Functions", i, f.name.as_str());
            for (kind, args) in [("Params", &f.params), ("Returns", &f.returns)] {
                for (j, arg) in args.iter().enumerate() {
                    if let Err(message) = check_typewords(&arg.typewords, types) {
                        return Err(error_at(
                            tree,
                            s,
                            &[fseg, (kind, j, arg.name.as_str())],
                            message,
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Rules 9–14 for one typeword list; returns the message of the first violation. Go checks
/// this recursively, one token per call; this loop visits the tokens in the same order and
/// makes the same decisions, so the messages match.
fn check_typewords(tokens: &[String], types: &HashSet<&str>) -> Result<(), String> {
    // Whether `nullable` may come next: not directly after another `nullable`.
    let mut nullable_ok = true;
    let mut rest = tokens;
    loop {
        // Rule 9 (only reachable for an empty list: the other rules look ahead).
        let Some((token, tail)) = rest.split_first() else {
            return Err("unexpected end of typewords".to_string());
        };
        match token.as_str() {
            "nullable" => {
                // Rule 12, checked before rule 11 as in Go.
                if !nullable_ok {
                    return Err("repeated nullable in typewords".to_string());
                }
                // Rule 11.
                if tail.is_empty() {
                    return Err("missing typeword after \"nullable\"".to_string());
                }
                nullable_ok = false;
            }
            "[]" | "{}" => {
                // Rule 11.
                if tail.is_empty() {
                    return Err(format!("missing typeword after \"{token}\""));
                }
                nullable_ok = true;
            }
            word if Basic::from_word(word).is_some() => {
                // Rule 10.
                return leftover(tail);
            }
            ident => {
                // Rule 13, checked before rule 10 as in Go. Rule 14 (quirk): enum value
                // names are in `types` too, so they pass.
                if !types.contains(ident) {
                    return Err(format!(
                        "referenced type {} does not exist",
                        go_quote(ident)
                    ));
                }
                return leftover(tail);
            }
        }
        rest = tail;
    }
}

/// Rule 10: `leftover typewords [a b]`, formatted as Go's `%v` formats a `[]string`.
fn leftover(tail: &[String]) -> Result<(), String> {
    if tail.is_empty() {
        Ok(())
    } else {
        Err(format!("leftover typewords [{}]", tail.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typewords_grammar() {
        let types: HashSet<&str> = ["Msg", "ModeA"].into_iter().collect();
        let t = |words: &[&str]| {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            check_typewords(&words, &types)
        };
        assert_eq!(t(&["string"]), Ok(()));
        assert_eq!(t(&["nullable", "[]", "nullable", "{}", "Msg"]), Ok(()));
        assert_eq!(t(&["ModeA"]), Ok(()));
        assert_eq!(t(&[]), Err("unexpected end of typewords".into()));
        assert_eq!(t(&["[]"]), Err("missing typeword after \"[]\"".into()));
        assert_eq!(t(&["{}"]), Err("missing typeword after \"{}\"".into()));
        assert_eq!(
            t(&["nullable"]),
            Err("missing typeword after \"nullable\"".into())
        );
        assert_eq!(
            t(&["nullable", "nullable"]),
            Err("repeated nullable in typewords".into())
        );
        assert_eq!(
            t(&["string", "a", "b"]),
            Err("leftover typewords [a b]".into())
        );
        assert_eq!(t(&["Msg", "x"]), Err("leftover typewords [x]".into()));
        assert_eq!(
            t(&["X", "x"]),
            Err("referenced type \"X\" does not exist".into())
        );
        assert_eq!(
            t(&["String"]),
            Err("referenced type \"String\" does not exist".into())
        );
        assert_eq!(
            t(&["[]", "nullable", "nullable", "x"]),
            Err("repeated nullable in typewords".into())
        );
    }
}
