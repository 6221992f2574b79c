//! Stage 2 of the pipeline: the rules of the Go sherpadoc checker (`sherpadoc.Check`,
//! `check.go`), so that a document is accepted or rejected exactly as the Go tools would,
//! with the same path-style message for the first problem found.
//!
//! The rules, numbered as in the protocol spec §3.5, run in three passes over the whole
//! section tree (a section's own items first, then its subsections in order):
//!
//! * Pass A (rules 1–5): every type name and every `Ints`/`Strings` *value* name goes into
//!   one global set; a name seen twice is `duplicate type "NAME"`.
//! * Pass B (rules 6–8): function names are unique across the whole tree; parameter names,
//!   and separately return names, are unique within a function.
//! * Pass C (rules 9–14): every typeword list (struct fields, then function params and
//!   returns) must follow the grammar of spec §3.3 and reference only known names.
//!
//! What Go does not check is not checked here either (rule 15): empty names, identifier
//! syntax, duplicate field names, empty or duplicate enum values, integer ranges. Problems
//! that only matter for Rust or TypeScript output (keywords, names that collide after case
//! conversion) are reported by [`crate::model`], not here, so that this module stays a
//! faithful copy of the reference checker.
//!
//! Nothing here recurses on the input: sections are visited with an explicit stack and
//! typewords with a loop, so arbitrarily deep documents cannot overflow the stack.

use std::collections::HashSet;
use std::fmt::{self, Write as _};

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

/// Checks `doc` against every rule of the Go checker, in Go's order, and returns the first
/// violation.
pub fn check(doc: &Section) -> Result<(), CheckError> {
    let tree = Tree::new(doc);
    let types = check_type_names(&tree)?;
    check_function_names(&tree)?;
    check_all_typewords(&tree, &types)?;
    Ok(())
}

/// One section of the document, remembered with how to reach it, so that paths are only
/// built when there is an error to report.
struct Node<'a> {
    section: &'a Section,
    /// Index in `Tree::nodes` of the containing section and our index in its `Sections`.
    parent: Option<(usize, usize)>,
}

/// All sections of a document in depth-first pre-order, which is the order in which every
/// pass of the Go checker visits them (own items first, then subsections in order).
struct Tree<'a> {
    nodes: Vec<Node<'a>>,
}

impl<'a> Tree<'a> {
    fn new(doc: &'a Section) -> Tree<'a> {
        let mut nodes = Vec::new();
        // Pending sections, pushed in reverse so they pop in document order.
        let mut stack: Vec<Node<'a>> = vec![Node {
            section: doc,
            parent: None,
        }];
        while let Some(node) = stack.pop() {
            let me = nodes.len();
            let section = node.section;
            nodes.push(node);
            for (i, sub) in section.sections.iter().enumerate().rev() {
                stack.push(Node {
                    section: sub,
                    parent: Some((me, i)),
                });
            }
        }
        Tree { nodes }
    }

    /// The Go path prefix of section `index`: `""` for the top level, otherwise a chain of
    /// `.Sections[i ("Name")]` segments.
    fn path(&self, index: usize) -> String {
        let mut chain = Vec::new();
        let mut at = index;
        while let Some((parent, i)) = self.nodes[at].parent {
            chain.push((i, self.nodes[at].section.name.as_str()));
            at = parent;
        }
        let mut path = String::new();
        for (i, name) in chain.into_iter().rev() {
            push_segment(&mut path, "Sections", i, name);
        }
        path
    }
}

/// Appends one path segment the way Go's `makePath` formats it: `.FIELD[INDEX ("NAME")]`,
/// with NAME quoted as Go's `%q` does.
fn push_segment(path: &mut String, field: &str, index: usize, name: &str) {
    path.push('.');
    path.push_str(field);
    // Writing to a String cannot fail.
    let _ = write!(path, "[{index} (");
    push_go_quoted(path, name);
    path.push_str(")]");
}

/// Builds a full path from a section and the segments below it.
fn error_at(
    tree: &Tree<'_>,
    section: usize,
    segments: &[(&str, usize, &str)],
    message: String,
) -> CheckError {
    let mut path = tree.path(section);
    for (field, index, name) in segments {
        push_segment(&mut path, field, *index, name);
    }
    CheckError { path, message }
}

/// Pass A, rules 1–5: collects all type names and enum value names of the whole tree into
/// one set, failing on the first name that is already in it. Returns the set for pass C.
fn check_type_names<'a>(tree: &Tree<'a>) -> Result<HashSet<&'a str>, CheckError> {
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
fn check_function_names(tree: &Tree<'_>) -> Result<(), CheckError> {
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
fn check_all_typewords(tree: &Tree<'_>, types: &HashSet<&str>) -> Result<(), CheckError> {
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

/// The typewords that are complete types by themselves (spec §3.3 `basic`).
pub const BASIC_TYPEWORDS: &[&str] = &[
    "any",
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "int64s",
    "uint64s",
    "float32",
    "float64",
    "string",
    "timestamp",
];

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
            word if BASIC_TYPEWORDS.contains(&word) => {
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

/// Quotes `s` as Go's `%q` (`strconv.Quote`) does, so that messages about names with odd
/// characters match the Go checker byte for byte.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_go_quoted(&mut out, s);
    out
}

fn push_go_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space, i.e. everything except the categories C* and Z* (other than U+0020).
///
/// Rust's `escape_debug` leaves exactly those characters alone, except that it also escapes
/// grapheme extenders (marks, which Go prints) when they start a string. Asking about the
/// character *after* a leading `a` avoids that case, so the standard library's Unicode
/// tables answer the question without an extra dependency. (The tables are newer than Go
/// 1.22's Unicode 15, so a character assigned since then prints here and is escaped by
/// Go; no schema name is likely to contain one.)
fn go_is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    let mut buf = [0u8; 8];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    // `buf[..len]` is "a" followed by one whole character, so it is valid UTF-8.
    let probe = std::str::from_utf8(&buf[..len]).unwrap_or("a");
    let mut escaped = probe.escape_debug();
    escaped.next() == Some('a') && escaped.next() == Some(c) && escaped.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_quote_matches_strconv_quote() {
        // Expected values are what Go's strconv.Quote returns for the same input.
        assert_eq!(go_quote("Msg"), r#""Msg""#);
        assert_eq!(go_quote(""), r#""""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            go_quote("\u{7}\u{8}\u{c}\n\r\t\u{b}"),
            r#""\a\b\f\n\r\t\v""#
        );
        assert_eq!(go_quote("\u{0}\u{1f}\u{7f}"), r#""\x00\x1f\x7f""#);
        assert_eq!(go_quote("héllo wörld ✓ 日本"), "\"héllo wörld ✓ 日本\"");
        // A combining mark (category Mn) is printable in Go, also at the start.
        assert_eq!(go_quote("\u{301}x"), "\"\u{301}x\"");
        // Non-ASCII spaces, format and private-use characters, and unassigned ones are not.
        assert_eq!(
            go_quote("\u{a0}\u{2028}\u{200b}\u{feff}"),
            r#""\u00a0\u2028\u200b\ufeff""#
        );
        assert_eq!(go_quote("\u{e000}\u{10ffff}"), r#""\ue000\U0010ffff""#);
        assert_eq!(go_quote("\u{80}\u{9f}"), r#""\u0080\u009f""#);
        // Emoji (So) outside the BMP are printable.
        assert_eq!(go_quote("😀"), "\"😀\"");
    }

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
