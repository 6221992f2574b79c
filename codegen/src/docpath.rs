//! Paths into a sherpadoc document, in the format of the Go checker's messages
//! (`.Sections[0 ("Sub")].Structs[3 ("Msg")].Fields[2 ("ID")]`), and the one walk over
//! a document's section tree that every stage uses.
//!
//! Paths are built only when something needs them (an error message, or the model's
//! item paths); names in them are quoted as Go's `%q` quotes them, so messages match
//! the Go tools byte for byte.

use std::fmt::Write as _;

use crate::parse::Section;

/// One section of a document, remembered with how to reach it.
pub(crate) struct Node<'a> {
    pub(crate) section: &'a Section,
    /// Index in [`SectionTree::nodes`] of the containing section, and this section's
    /// index in its `Sections`.
    pub(crate) parent: Option<(usize, usize)>,
}

/// All sections of a document in depth-first pre-order (a section, then its
/// subsections in order), which is the order in which the Go checker visits them and
/// in which the model lists types and functions. Built with an explicit stack, so a
/// deeply nested document cannot overflow the call stack.
pub(crate) struct SectionTree<'a> {
    pub(crate) nodes: Vec<Node<'a>>,
}

impl<'a> SectionTree<'a> {
    pub(crate) fn new(doc: &'a Section) -> SectionTree<'a> {
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
        SectionTree { nodes }
    }

    /// The path of section `index`: `""` for the document itself, otherwise a chain
    /// of `.Sections[i ("Name")]` segments.
    pub(crate) fn path(&self, index: usize) -> String {
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

    /// The path of section `section` followed by `segments` (field, index, name).
    pub(crate) fn path_to(&self, section: usize, segments: &[(&str, usize, &str)]) -> String {
        let mut path = self.path(section);
        for (field, index, name) in segments {
            push_segment(&mut path, field, *index, name);
        }
        path
    }
}

/// `prefix` followed by one segment, `.FIELD[INDEX ("NAME")]`.
pub(crate) fn segment(prefix: &str, field: &str, index: usize, name: &str) -> String {
    let mut path = prefix.to_string();
    push_segment(&mut path, field, index, name);
    path
}

/// Appends one path segment the way Go's `makePath` formats it.
pub(crate) fn push_segment(path: &mut String, field: &str, index: usize, name: &str) {
    path.push('.');
    path.push_str(field);
    // Writing to a String cannot fail.
    let _ = write!(path, "[{index} (");
    push_go_quoted(path, name);
    path.push_str(")]");
}

/// Quotes `s` as Go's `%q` (`strconv.Quote`) does, so that messages about names with
/// odd characters match the Go checker byte for byte.
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
/// Rust's `escape_debug` leaves exactly those characters alone, except that it also
/// escapes grapheme extenders (marks, which Go prints) when they start a string. Asking
/// about the character *after* a leading `a` avoids that case, so the standard
/// library's Unicode tables answer the question without an extra dependency. (The
/// tables are newer than Go 1.22's Unicode 15, so a character assigned since then
/// prints here and is escaped by Go; no schema name is likely to contain one.)
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
    fn tree_paths_depth_first() {
        let doc: Section = serde_json::from_str(
            r#"{"Name":"T","Docs":"","Functions":[],"Structs":[],"Ints":[],"Strings":[],
                "SherpaVersion":0,"SherpadocVersion":1,"Sections":[
                {"Name":"A","Docs":"","Functions":[],"Structs":[],"Ints":[],"Strings":[],
                 "Sections":[{"Name":"A\"1","Docs":"","Functions":[],"Structs":[],"Ints":[],"Strings":[],"Sections":[]}]},
                {"Name":"B","Docs":"","Functions":[],"Structs":[],"Ints":[],"Strings":[],"Sections":[]}]}"#,
        )
        .expect("test document");
        let tree = SectionTree::new(&doc);
        let paths: Vec<String> = (0..tree.nodes.len()).map(|i| tree.path(i)).collect();
        assert_eq!(
            paths,
            [
                "",
                r#".Sections[0 ("A")]"#,
                r#".Sections[0 ("A")].Sections[0 ("A\"1")]"#,
                r#".Sections[1 ("B")]"#
            ]
        );
        assert_eq!(
            tree.path_to(3, &[("Structs", 2, "S")]),
            r#".Sections[1 ("B")].Structs[2 ("S")]"#
        );
    }
}
