//! Schema docs (Go comment text) as HTML, and HTML escaping.
//!
//! Go doc comments are plain text with a few conventions, and the page renders exactly
//! those: paragraphs separated by blank lines; indented runs as preformatted code;
//! lists whose items start with `-`, `*`, `+` or a number and `.` or `)` (indented, as
//! gofmt writes them, or not, as people type them); a line `# Title` on its own as a
//! heading; `[Name]` as a link when `Name` is an item of the page; and bare `http(s)://`
//! URLs as links. Fenced blocks (```` ``` ````) and `` `code` `` spans are rendered too:
//! they are not Go's, but schema authors write them. Everything else is text, escaped.

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_into(&mut out, s);
    out
}

pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than newline and tab have no business on the page
            // and some are not allowed in HTML at all: show them as visible escapes.
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
}

/// A fragment identifier for `href="#…"`: characters outside a safe set are
/// percent-encoded, so any name (JSON keys may hold spaces, `%` or `"`) links to the
/// element whose `id` is the name itself.
pub(crate) fn fragment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Renders schema docs as HTML blocks. `link` maps a `[Name]` reference to the id of the
/// element it names, or `None` when the name is not on the page (the brackets then stay
/// as text).
pub(crate) fn render(docs: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let normalized = docs.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.lines().map(str::trim_end).collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.is_empty() {
            i += 1;
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(fence) = fence_marker(trimmed) {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_start().starts_with(&fence))
                .unwrap_or(lines.len());
            let body: Vec<&str> = lines[i + 1..end].to_vec();
            push_pre(&mut out, &dedent(&body));
            i = end + 1;
            continue;
        }
        if is_indented(line) {
            let mut end = i;
            while end < lines.len() && (lines[end].is_empty() || is_indented(lines[end])) {
                end += 1;
            }
            while end > i && lines[end - 1].is_empty() {
                end -= 1;
            }
            let run = dedent(&lines[i..end]);
            if list_marker(&run[0]).is_some() {
                let run: Vec<&str> = run.iter().map(String::as_str).collect();
                push_list(&mut out, &run, link);
            } else {
                push_pre(&mut out, &run);
            }
            i = end;
            continue;
        }
        if list_marker(line).is_some() {
            let mut end = i;
            while end < lines.len() {
                let l = lines[end];
                if l.is_empty() {
                    // A blank line between items keeps the list going.
                    let next = lines[end + 1..].iter().find(|l| !l.is_empty());
                    if next.is_some_and(|n| list_marker(n).is_some()) {
                        end += 1;
                        continue;
                    }
                    break;
                }
                if end > i && fence_marker(l.trim_start()).is_some() {
                    break;
                }
                end += 1;
            }
            let items: Vec<&str> = lines[i..end]
                .iter()
                .copied()
                .filter(|l| !l.is_empty())
                .collect();
            push_list(&mut out, &items, link);
            i = end;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() {
            let l = lines[end];
            if l.is_empty()
                || is_indented(l)
                || list_marker(l).is_some()
                || fence_marker(l.trim_start()).is_some()
            {
                break;
            }
            end += 1;
        }
        let para = &lines[i..end];
        let heading = para.len() == 1
            && line.starts_with("# ")
            && line.len() > 2
            && (i == 0 || lines[i - 1].is_empty());
        if heading {
            out.push_str("<h4>");
            inline(&mut out, line[2..].trim(), link);
            out.push_str("</h4>\n");
        } else {
            out.push_str("<p>");
            inline(&mut out, &para.join("\n"), link);
            out.push_str("</p>\n");
        }
        i = end;
    }
    out
}

fn is_indented(line: &str) -> bool {
    line.starts_with(' ') || line.starts_with('\t')
}

/// The fence that opens a fenced block at the start of `trimmed` (three or more
/// backticks or tildes).
fn fence_marker(trimmed: &str) -> Option<String> {
    let first = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = trimmed.chars().take_while(|&c| c == first).count();
    (run >= 3).then(|| first.to_string().repeat(run))
}

/// The length of the list marker (with its space) starting `line`, and whether it is
/// numbered.
fn list_marker(line: &str) -> Option<(usize, bool)> {
    let b = line.as_bytes();
    if b.len() > 2 && matches!(b[0], b'-' | b'*' | b'+') && b[1] == b' ' {
        return Some((2, false));
    }
    if line.starts_with("• ") {
        return Some(("• ".len(), false));
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && b.len() > digits + 2
        && matches!(b[digits], b'.' | b')')
        && b[digits + 1] == b' '
    {
        return Some((digits + 2, true));
    }
    None
}

/// Removes the whitespace prefix all non-blank lines share.
fn dedent(lines: &[&str]) -> Vec<String> {
    let mut prefix: Option<&str> = None;
    for l in lines.iter().filter(|l| !l.trim().is_empty()) {
        let ws = &l[..l.len() - l.trim_start().len()];
        prefix = Some(match prefix {
            None => ws,
            Some(p) => {
                let common = p
                    .bytes()
                    .zip(ws.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &p[..common]
            }
        });
    }
    let cut = prefix.map_or(0, str::len);
    lines
        .iter()
        .map(|l| l.get(cut..).unwrap_or("").to_string())
        .collect()
}

fn push_pre(out: &mut String, lines: &[String]) {
    out.push_str("<pre><code>");
    escape_into(out, &lines.join("\n").replace('\t', "    "));
    out.push_str("</code></pre>\n");
}

/// A list from lines where each item starts with a marker and continuation lines follow
/// it (indented or not).
fn push_list(out: &mut String, lines: &[&str], link: &dyn Fn(&str) -> Option<String>) {
    let numbered = lines
        .first()
        .and_then(|l| list_marker(l))
        .is_some_and(|(_, n)| n);
    let mut items: Vec<String> = Vec::new();
    for l in lines {
        match list_marker(l) {
            Some((width, _)) => items.push(l[width..].trim().to_string()),
            None => match items.last_mut() {
                Some(item) => {
                    item.push('\n');
                    item.push_str(l.trim());
                }
                None => items.push(l.trim().to_string()),
            },
        }
    }
    let tag = if numbered { "ol" } else { "ul" };
    out.push_str(&format!("<{tag}>\n"));
    for item in items {
        out.push_str("<li>");
        inline(out, &item, link);
        out.push_str("</li>\n");
    }
    out.push_str(&format!("</{tag}>\n"));
}

/// Inline text: escaped, with URLs, `[Name]` references and `` `code` `` spans.
fn inline(out: &mut String, text: &str, link: &dyn Fn(&str) -> Option<String>) {
    let mut rest = text;
    while !rest.is_empty() {
        let next = ["http://", "https://", "[", "`"]
            .iter()
            .filter_map(|m| rest.find(m).map(|at| (at, *m)))
            .min_by_key(|(at, m)| (*at, std::cmp::Reverse(m.len())));
        let Some((at, marker)) = next else {
            escape_into(out, rest);
            return;
        };
        escape_into(out, &rest[..at]);
        let here = &rest[at..];
        let consumed = match marker {
            "[" => reference(out, here, link),
            "`" => code_span(out, here),
            _ => url(out, here),
        };
        match consumed {
            Some(n) => rest = &here[n..],
            None => {
                escape_into(out, &here[..marker.len()]);
                rest = &here[marker.len()..];
            }
        }
    }
}

/// `[Name]` naming an item of the page, as a link; returns the bytes consumed.
fn reference(out: &mut String, s: &str, link: &dyn Fn(&str) -> Option<String>) -> Option<usize> {
    let close = s.find(']')?;
    let name = &s[1..close];
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let id = link(name)?;
    out.push_str(&format!("<a href=\"#{}\"><code>", fragment(&id)));
    escape_into(out, name);
    out.push_str("</code></a>");
    Some(close + 1)
}

/// A `` `code` `` span on one line, delimited by equal runs of backticks as in
/// Markdown; a run without its match stays text as a whole. Returns the bytes consumed.
fn code_span(out: &mut String, s: &str) -> Option<usize> {
    let n = s.bytes().take_while(|&b| b == b'`').count();
    let line = &s[..s.find('\n').unwrap_or(s.len())];
    let mut at = n;
    let close = loop {
        let Some(found) = line[at..].find('`') else {
            escape_into(out, &s[..n]);
            return Some(n);
        };
        let start = at + found;
        let run = line[start..].bytes().take_while(|&b| b == b'`').count();
        if run == n {
            break start;
        }
        at = start + run;
    };
    if close == n {
        escape_into(out, &s[..2 * n]);
        return Some(2 * n);
    }
    out.push_str("<code>");
    escape_into(out, &s[n..close]);
    out.push_str("</code>");
    Some(close + n)
}

/// A bare URL as a link; trailing punctuation (and an unbalanced closing parenthesis)
/// stays text. Returns the bytes consumed.
fn url(out: &mut String, s: &str) -> Option<usize> {
    let mut end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(s.len());
    loop {
        let last = s[..end].chars().next_back()?;
        let unbalanced_paren =
            last == ')' && s[..end].matches('(').count() < s[..end].matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'') || unbalanced_paren {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    let url = &s[..end];
    if url
        .split_once("://")
        .is_none_or(|(_, host)| host.is_empty())
    {
        return None;
    }
    out.push_str("<a href=\"");
    escape_into(out, url);
    out.push_str("\">");
    escape_into(out, url);
    out.push_str("</a>");
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(docs: &str) -> String {
        render(docs, &|name| {
            (name == "Domain" || name == "a\"b").then(|| format!("type-{name}"))
        })
    }

    #[test]
    fn paragraphs_and_escaping() {
        assert_eq!(html(""), "");
        assert_eq!(
            html("One <b>\nline & two.\n\n\nNext."),
            "<p>One &lt;b&gt;\nline &amp; two.</p>\n<p>Next.</p>\n"
        );
        assert_eq!(html("nul \u{0} bell"), "<p>nul \\u{0000} bell</p>\n");
    }

    #[test]
    fn indented_runs_are_code_and_keep_relative_indentation() {
        assert_eq!(
            html("Example:\n\n\tv=DKIM1;p=<key>\n\t  more\n\n\tagain\n\nAfter."),
            "<p>Example:</p>\n<pre><code>v=DKIM1;p=&lt;key&gt;\n  more\n\nagain</code></pre>\n<p>After.</p>\n"
        );
        // An indented line ends a paragraph without a blank line, as in Go.
        assert_eq!(
            html("Text\n    code"),
            "<p>Text</p>\n<pre><code>code</code></pre>\n"
        );
    }

    #[test]
    fn lists_indented_or_not() {
        assert_eq!(
            html("Kinds:\n- one\n  continued\n- two\n\n- three\nAfter."),
            "<p>Kinds:</p>\n<ul>\n<li>one\ncontinued</li>\n<li>two</li>\n<li>three\nAfter.</li>\n</ul>\n"
        );
        assert_eq!(
            html("Steps:\n\n\t1. first\n\t2) second\n"),
            "<p>Steps:</p>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n"
        );
        // A number that is not followed by a marker and a space is text.
        assert_eq!(html("2.5 is a number"), "<p>2.5 is a number</p>\n");
    }

    #[test]
    fn headings_and_fences() {
        assert_eq!(
            html("# Limits\n\nText.\n# not a heading"),
            "<h4>Limits</h4>\n<p>Text.\n# not a heading</p>\n"
        );
        assert_eq!(
            html("Run:\n```sh\n  a <b>\n```\nDone."),
            "<p>Run:</p>\n<pre><code>a &lt;b&gt;</code></pre>\n<p>Done.</p>\n"
        );
        // An unclosed fence runs to the end.
        assert_eq!(html("~~~\nx"), "<pre><code>x</code></pre>\n");
    }

    #[test]
    fn links_references_and_code_spans() {
        assert_eq!(
            html("See https://example.org/a_(b). Or (http://x.example/y)."),
            "<p>See <a href=\"https://example.org/a_(b)\">https://example.org/a_(b)</a>. Or (<a href=\"http://x.example/y\">http://x.example/y</a>).</p>\n"
        );
        assert_eq!(
            html("A [Domain], not [Other] or [a b], and [a\"b]."),
            "<p>A <a href=\"#type-Domain\"><code>Domain</code></a>, not [Other] or [a b], and <a href=\"#type-a%22b\"><code>a&quot;b</code></a>.</p>\n"
        );
        assert_eq!(
            html("Use `x<y` here; a lone ` stays."),
            "<p>Use <code>x&lt;y</code> here; a lone ` stays.</p>\n"
        );
        assert_eq!(
            html("`` is empty and `a\nb` is no span."),
            "<p>`` is empty and `a\nb` is no span.</p>\n"
        );
        assert_eq!(html("http:// alone"), "<p>http:// alone</p>\n");
        // A URL's quote cannot end the attribute.
        assert_eq!(
            html("https://e.example/?q=\"x"),
            "<p><a href=\"https://e.example/?q=\">https://e.example/?q=</a>&quot;x</p>\n"
        );
    }

    #[test]
    fn fragments_encode_everything_but_the_safe_set() {
        assert_eq!(fragment("type-Msg.From"), "type-Msg.From");
        assert_eq!(fragment("a b%\"é"), "a%20b%25%22%C3%A9");
    }
}
