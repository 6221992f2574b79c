//! Schema docs (Go comment text) as rustdoc.

use proc_macro2::TokenStream;
use quote::quote;

use crate::rust::literals::{raw_string, visible_controls};

/// `#[doc = " line"]` attributes for schema docs; see [`doc_lines`].
///
/// The lines are raw string literals: prettyplease prints them as `///` comments either
/// way, and raw strings are cheaper for syn to read back.
pub(crate) fn doc_attrs(docs: &str) -> TokenStream {
    let lines = doc_lines(&visible_controls(docs))
        .into_iter()
        .map(|line| raw_string(&line));
    quote!(#(#[doc = #lines])*)
}

/// Turns schema docs (Go comment text) into rustdoc lines, each with a leading space as
/// `///` comments have.
///
/// Go docs mark code and preformatted text by indenting it, which rustdoc would take as a
/// Rust doctest and try to compile, so indented runs (tab or four spaces) become fenced
/// ```` ```text ```` blocks, and fences without a language get `text`. Outside code,
/// `[`, `]`, `<` and `>` are escaped (they are not links or HTML in Go docs), and bare
/// URLs are wrapped in `<...>` so rustdoc links them instead of warning.
pub(crate) fn doc_lines(docs: &str) -> Vec<String> {
    let normalized = docs.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.lines().map(str::trim_end).collect();
    let Some(last) = lines.iter().rposition(|l| !l.is_empty()) else {
        return Vec::new();
    };
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let lines = &lines[first..=last];

    let mut out = Vec::with_capacity(lines.len() + 2);
    // The closing marker of an open fence written in the docs themselves.
    let mut user_fence: Option<String> = None;
    let mut in_indented = false;
    // Inside a list item: the indentation its continuation lines need, which Go docs
    // leave out and markdown (and clippy's `doc_lazy_continuation`) wants.
    let mut list_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(marker) = &user_fence {
            if line.trim_start().starts_with(marker.as_str()) {
                user_fence = None;
            }
            out.push(with_space(&detab(line)));
            continue;
        }
        if let Some(stripped) = strip_indent(line) {
            if !in_indented {
                out.push(" ```text".to_string());
                in_indented = true;
                list_indent = None;
            }
            out.push(with_space(&detab(stripped)));
            continue;
        }
        if line.is_empty() && in_indented {
            // A blank line inside an indented run stays in the block if the run goes on.
            let continues = lines[i + 1..]
                .iter()
                .find(|l| !l.is_empty())
                .is_some_and(|l| strip_indent(l).is_some());
            if continues {
                out.push(String::new());
                continue;
            }
        }
        if in_indented {
            out.push(" ```".to_string());
            in_indented = false;
        }
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            list_indent = None;
            let run = trimmed
                .chars()
                .take_while(|&c| marker.starts_with(c))
                .count();
            let fence: String = trimmed.chars().take(run).collect();
            let info = trimmed[fence.len()..].trim();
            user_fence = Some(fence.clone());
            if info.is_empty() {
                out.push(format!(" {fence}text"));
            } else {
                out.push(with_space(line));
            }
            continue;
        }
        let line = detab(line);
        let text = escape_markdown(&line);
        if let Some(width) = list_marker_width(&line) {
            list_indent = Some(width);
            out.push(with_space(&text));
        } else if let (Some(width), false) = (list_indent, line.starts_with(' ')) {
            out.push(with_space(&format!("{:width$}{text}", "")));
        } else {
            out.push(with_space(&text));
        }
    }
    if in_indented {
        out.push(" ```".to_string());
    }
    if let Some(marker) = user_fence {
        out.push(format!(" {marker}"));
    }
    out
}

/// The width of the list marker starting `line` (`- `, `* `, `+ `, `1. `, `1) `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// Tabs as four spaces: clippy's `tabs_in_doc_comments` rejects tabs.
fn detab(line: &str) -> String {
    line.replace('\t', "    ")
}

/// The line without one level of indentation, if it is indented.
fn strip_indent(line: &str) -> Option<&str> {
    line.strip_prefix('\t')
        .or_else(|| line.strip_prefix("    "))
}

fn with_space(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Escapes markdown link and HTML syntax outside inline code, and wraps bare URLs.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        // Inline code spans are copied as they are.
        if rest.starts_with('`') {
            let ticks = rest.chars().take_while(|&c| c == '`').count();
            let delimiter = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(delimiter) {
                let span = ticks + end + ticks;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            out.push_str(delimiter);
            rest = &rest[ticks..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            if matches!(c, '[' | ']' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_fence_indented_runs() {
        let docs = "Intro line.\n\n\tcode one\n\n\tcode two\nAfter [x] <y> http://example.org/a.\n    four spaces";
        assert_eq!(
            doc_lines(docs),
            [
                " Intro line.",
                "",
                " ```text",
                " code one",
                "",
                " code two",
                " ```",
                r" After \[x\] \<y\> <http://example.org/a>.",
                " ```text",
                " four spaces",
                " ```",
            ]
        );
    }

    #[test]
    fn docs_user_fences_and_code_spans() {
        let docs = "```\nfn main() {}\n```\nuse `a[0] <b>` here\n~~~go\nx := 1\n~~~";
        assert_eq!(
            doc_lines(docs),
            [
                " ```text",
                " fn main() {}",
                " ```",
                " use `a[0] <b>` here",
                " ~~~go",
                " x := 1",
                " ~~~",
            ]
        );
        assert!(doc_lines("  \n\n").is_empty());
        assert_eq!(doc_lines("unclosed ``` tick"), [" unclosed ``` tick"]);
    }
}
