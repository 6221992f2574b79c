//! Stage 5 (Rust): laying out code the way prettyplease does, without going through
//! tokens and syn.
//!
//! Formatting with prettyplease means building a token stream, parsing it with syn and
//! printing the syntax tree: for `api.json` that was four fifths of the generator's time.
//! The emitter instead describes each item directly in the terms prettyplease's printer
//! works in, and this module lays it out:
//!
//! - words (text that is never split),
//! - breaks (a space of some width, or a line break with an indentation offset),
//! - boxes that group breaks: a *consistent* box breaks all its breaks or none, an
//!   *inconsistent* one only the breaks whose next chunk does not fit.
//!
//! This is the classic line-breaking algorithm of Oppen ("Prettyprinting", 1980), which
//! prettyplease also uses, with its parameters: a margin of 89 columns, at least 60
//! columns per line however deep the indentation, and the same rules for what counts as
//! fitting. A box fits when everything from its start to the next break outside it fits
//! on the line; a break's chunk runs to the next break at its own or an outer level.
//!
//! The emitter issues the same words, breaks and boxes, in the same order, as
//! prettyplease does for the syntax it prints, so the output is byte for byte what
//! prettyplease would print. Tests check that property on every snapshot, on `api.json`
//! and on generated schemas with names and docs of every length: parsing the output and
//! printing it with prettyplease must give it back unchanged.

/// Width of a line.
const MARGIN: isize = 89;
/// Every line gets at least this much room, however deep its indentation.
const MIN_SPACE: isize = 60;
/// The width that stands for "does not fit" (a hard line break has it).
const INFINITY: isize = 0xffff;
/// One level of indentation.
pub const INDENT: isize = 4;

#[derive(Debug, Clone, Copy)]
struct Break {
    blank: isize,
    offset: isize,
    /// Printed before the line break when the break is taken (a trailing comma).
    pre: Option<char>,
    /// Printed after the line break and indentation when the break is taken.
    post: &'static str,
    /// Printed instead of the blank when the break is not taken. It does not count
    /// towards any width (as in prettyplease).
    no_break: Option<char>,
    /// Dropped when it is the last thing in its box.
    if_nonempty: bool,
    /// Never taken.
    never: bool,
}

impl Break {
    const fn blank(blank: isize) -> Break {
        Break {
            blank,
            offset: 0,
            pre: None,
            post: "",
            no_break: None,
            if_nonempty: false,
            never: false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Tok {
    /// `text[start..end]`.
    Text {
        start: u32,
        end: u32,
    },
    /// A word of width [`INFINITY`] and no text, forcing the boxes around it to break.
    Infinity,
    Begin {
        offset: isize,
        consistent: bool,
    },
    End,
    Break(Break),
}

/// One item (or any fragment that starts at column 0) being laid out.
///
/// Sizes are worked out while the fragment is built, as prettyplease does it: when a
/// break arrives, the previous break at its level (and everything closed since) learns
/// where its chunk ends. That order matters: a break later dropped by [`Doc::end`] has
/// already ended the chunk before it.
pub struct Doc {
    text: String,
    toks: Vec<Tok>,
    /// For each token: its width (words), or the width of its chunk once known (boxes
    /// and breaks; minus the running width at its start until then).
    sizes: Vec<isize>,
    /// Boxes, breaks and box ends whose chunk has not ended yet.
    pending: Vec<usize>,
    /// Open boxes: token index and the running width at their start.
    open: Vec<(usize, isize)>,
    /// The total width of everything so far, breaks counted at their blank width.
    width: isize,
}

impl Default for Doc {
    fn default() -> Self {
        Doc::new()
    }
}

impl Doc {
    /// An empty fragment, inside a consistent box at indentation 0 (as prettyplease
    /// prints a file).
    pub fn new() -> Doc {
        let mut d = Doc {
            text: String::with_capacity(1024),
            toks: Vec::with_capacity(256),
            sizes: Vec::with_capacity(256),
            pending: Vec::with_capacity(64),
            open: Vec::with_capacity(16),
            width: 0,
        };
        d.cbox(0);
        d
    }

    /// Text that is never split. Consecutive words are merged: nothing can happen
    /// between them.
    pub fn word(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        self.width += s.len() as isize;
        if let (Some(Tok::Text { end: last_end, .. }), Some(size)) =
            (self.toks.last_mut(), self.sizes.last_mut())
            && *last_end as usize == start
        {
            *last_end = end as u32;
            *size += s.len() as isize;
            return;
        }
        self.push(
            Tok::Text {
                start: start as u32,
                end: end as u32,
            },
            s.len() as isize,
        );
    }

    fn push(&mut self, tok: Tok, size: isize) {
        self.toks.push(tok);
        self.sizes.push(size);
    }

    /// A box whose breaks are all taken or none (prettyplease's `cbox`).
    pub fn cbox(&mut self, offset: isize) {
        self.begin(offset, true);
    }

    /// A box whose breaks are taken one by one, as needed (prettyplease's `ibox`).
    pub fn ibox(&mut self, offset: isize) {
        self.begin(offset, false);
    }

    fn begin(&mut self, offset: isize, consistent: bool) {
        let i = self.toks.len();
        self.open.push((i, self.width));
        self.push(Tok::Begin { offset, consistent }, -self.width);
        self.pending.push(i);
    }

    /// Closes the innermost box. A box that holds only a break disappears, and a break
    /// marked `if_nonempty` at the end of a box is dropped.
    pub fn end(&mut self) {
        if let Some(Tok::Break(b)) = self.toks.last().copied() {
            let n = self.toks.len();
            if n >= 2 && matches!(self.toks[n - 2], Tok::Begin { .. }) {
                // Both are the newest pending entries: the break resolved nothing
                // past its own box.
                self.toks.truncate(n - 2);
                self.sizes.truncate(n - 2);
                self.pending.truncate(self.pending.len().saturating_sub(2));
                self.width -= b.blank;
                self.open.pop();
                return;
            }
            if b.if_nonempty {
                self.toks.pop();
                self.sizes.pop();
                self.pending.pop();
                self.width -= b.blank;
            }
        }
        self.open.pop();
        let i = self.toks.len();
        self.push(Tok::End, -1);
        self.pending.push(i);
    }

    /// Closes the innermost box, forcing it to break if its contents are wider than
    /// `max` (prettyplease lays out struct literals this way).
    pub fn end_with_max_width(&mut self, max: isize) {
        if let Some(&(_, start)) = self.open.last()
            && self.width - start > max
        {
            self.push(Tok::Infinity, INFINITY);
            self.width += INFINITY;
        }
        self.end();
    }

    fn brk(&mut self, b: Break) {
        self.resolve();
        let i = self.toks.len();
        self.push(Tok::Break(b), -self.width);
        self.pending.push(i);
        self.width += b.blank;
    }

    /// A break arrived (or the end): the previous break at the same level, and every
    /// box and break inside boxes closed since, now know where their chunk ends.
    fn resolve(&mut self) {
        let mut depth = 0usize;
        while let Some(&i) = self.pending.last() {
            match self.toks[i] {
                Tok::Begin { .. } => {
                    if depth == 0 {
                        break;
                    }
                    self.pending.pop();
                    self.sizes[i] += self.width;
                    depth -= 1;
                }
                Tok::End => {
                    self.pending.pop();
                    self.sizes[i] = 1;
                    depth += 1;
                }
                Tok::Break(_) => {
                    self.pending.pop();
                    self.sizes[i] += self.width;
                    if depth == 0 {
                        break;
                    }
                }
                // Words are never pending.
                Tok::Text { .. } | Tok::Infinity => {
                    self.pending.pop();
                }
            }
        }
    }

    /// A break that is nothing when not taken.
    pub fn zerobreak(&mut self) {
        self.brk(Break::blank(0));
    }

    /// A break that is a space when not taken.
    pub fn space(&mut self) {
        self.brk(Break::blank(1));
    }

    /// A space that is never a line break.
    pub fn nbsp(&mut self) {
        self.word(" ");
    }

    /// A line break.
    pub fn hardbreak(&mut self) {
        self.brk(Break::blank(INFINITY));
    }

    /// A space, dropped at the end of a box.
    pub fn space_if_nonempty(&mut self) {
        self.brk(Break {
            if_nonempty: true,
            ..Break::blank(1)
        });
    }

    /// A line break, dropped at the end of a box.
    pub fn hardbreak_if_nonempty(&mut self) {
        self.brk(Break {
            if_nonempty: true,
            ..Break::blank(INFINITY)
        });
    }

    /// After a list element: `,` and a space, or for the last element a break that
    /// writes a comma only when taken.
    pub fn trailing_comma(&mut self, is_last: bool) {
        if is_last {
            self.brk(Break {
                pre: Some(','),
                ..Break::blank(0)
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// Like [`Doc::trailing_comma`], but the last break is a space when not taken.
    pub fn trailing_comma_or_space(&mut self, is_last: bool) {
        if is_last {
            self.brk(Break {
                pre: Some(','),
                ..Break::blank(1)
            });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// A break that is never taken (it only ends the previous break's chunk).
    pub fn neverbreak(&mut self) {
        self.brk(Break {
            never: true,
            ..Break::blank(0)
        });
    }

    /// The break before a match arm's body: `{` and a line break when taken.
    pub fn arm_open(&mut self, pre: char) {
        self.brk(Break {
            pre: Some(pre),
            ..Break::blank(0)
        });
    }

    /// The break after a match arm's body: a line break and `post` when taken, else
    /// `no_break` (the arm's comma).
    pub fn arm_close(&mut self, post: &'static str, no_break: Option<char>) {
        self.brk(Break {
            offset: -INDENT,
            post,
            no_break,
            ..Break::blank(0)
        });
    }

    /// The break before `.` in a method chain. If the text before it ends in `.` (a
    /// float literal), a space keeps the two dots apart when the break is not taken.
    pub fn dot_break(&mut self) {
        let ends_with_dot = self.toks.iter().rev().find_map(|t| match *t {
            Tok::Text { start, end } => {
                Some(self.text[start as usize..end as usize].ends_with('.'))
            }
            _ => None,
        });
        self.brk(Break {
            no_break: ends_with_dot.unwrap_or(false).then_some(' '),
            ..Break::blank(0)
        });
    }

    /// Adds to the indentation of the preceding break (or nothing if a box was just
    /// opened).
    pub fn offset(&mut self, offset: isize) {
        if let Some(Tok::Break(b)) = self.toks.last_mut() {
            b.offset += offset;
        }
    }

    /// Lays out the fragment and appends it to `out`.
    pub fn print_to(mut self, out: &mut String) {
        self.end();
        self.resolve();
        let sizes = &self.sizes;
        let mut p = Printer {
            out,
            space: MARGIN,
            indent: 0,
            pending: 0,
            frames: Vec::with_capacity(16),
        };
        for (tok, &size) in self.toks.iter().zip(sizes) {
            match *tok {
                Tok::Text { start, end } => p.string(&self.text[start as usize..end as usize]),
                // Counts as infinitely wide for fitting, but prints (and takes) nothing.
                Tok::Infinity => p.flush_indent(),
                Tok::Begin { offset, consistent } => p.begin(offset, consistent, size),
                Tok::End => p.end(),
                Tok::Break(b) => p.brk(b, size),
            }
        }
    }

    /// Lays out the fragment.
    pub fn print(self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.text.len() / 2);
        self.print_to(&mut out);
        out
    }
}

#[derive(Clone, Copy)]
enum Frame {
    Fits,
    Broken { indent: isize, consistent: bool },
}

struct Printer<'a> {
    out: &'a mut String,
    /// Room left on the current line.
    space: isize,
    indent: isize,
    /// Indentation not written yet (so that lines never end in spaces).
    pending: isize,
    frames: Vec<Frame>,
}

impl Printer<'_> {
    fn flush_indent(&mut self) {
        for _ in 0..self.pending {
            self.out.push(' ');
        }
        self.pending = 0;
    }

    fn string(&mut self, s: &str) {
        self.flush_indent();
        self.out.push_str(s);
        self.space -= s.len() as isize;
    }

    fn begin(&mut self, offset: isize, consistent: bool, size: isize) {
        if size > self.space {
            self.frames.push(Frame::Broken {
                indent: self.indent,
                consistent,
            });
            self.indent += offset;
        } else {
            self.frames.push(Frame::Fits);
        }
    }

    fn end(&mut self) {
        if let Some(Frame::Broken { indent, .. }) = self.frames.pop() {
            self.indent = indent;
        }
    }

    fn brk(&mut self, b: Break, size: isize) {
        let top = self.frames.last().copied().unwrap_or(Frame::Broken {
            indent: 0,
            consistent: false,
        });
        let fits = b.never
            || match top {
                Frame::Fits => true,
                Frame::Broken { consistent, .. } => !consistent && size <= self.space,
            };
        if fits {
            self.pending += b.blank;
            self.space -= b.blank;
            if let Some(c) = b.no_break {
                self.out.push(c);
                self.space -= c.len_utf8() as isize;
            }
            return;
        }
        if let Some(c) = b.pre {
            self.flush_indent();
            self.out.push(c);
        }
        self.out.push('\n');
        let indent = self.indent + b.offset;
        self.pending = indent.max(0);
        self.space = (MARGIN - indent).max(MIN_SPACE);
        if !b.post.is_empty() {
            self.flush_indent();
            self.out.push_str(b.post);
            self.space -= b.post.len() as isize;
        }
    }
}

/// A Rust string literal for `s`, written as proc-macro2 writes one (`escape_debug`,
/// except that `'` stays as it is and NUL is `\0`, or `\x00` before a digit).
pub fn string_literal(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => {
                if chars.peek().is_some_and(|n| ('0'..='7').contains(n)) {
                    out.push_str("\\x00");
                } else {
                    out.push_str("\\0");
                }
            }
            '\'' => out.push('\''),
            // The common case, without going through `escape_debug`.
            ' '..='~' if c != '"' && c != '\\' => out.push(c),
            _ => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> String {
        let mut out = String::new();
        string_literal(s, &mut out);
        out
    }

    #[test]
    fn literals_like_proc_macro2() {
        assert_eq!(lit("a\"b\\c'"), r#""a\"b\\c'""#);
        assert_eq!(
            lit("\0x\u{0}1\n\t\u{7f}é\u{301}"),
            r#""\0x\x001\n\t\u{7f}é\u{301}""#
        );
    }

    #[test]
    fn boxes_break_as_needed() {
        // A consistent box breaks all its breaks or none.
        let mut d = Doc::new();
        d.word("f(");
        d.cbox(INDENT);
        d.zerobreak();
        for (i, w) in ["a", "b"].iter().enumerate() {
            d.word(w);
            d.trailing_comma(i == 1);
        }
        d.offset(-INDENT);
        d.end();
        d.word(")");
        assert_eq!(d.print(), "f(a, b)");

        let long = "x".repeat(50);
        let mut d = Doc::new();
        d.word("f(");
        d.cbox(INDENT);
        d.zerobreak();
        for (i, w) in [&long, &long].iter().enumerate() {
            d.word(w);
            d.trailing_comma(i == 1);
        }
        d.offset(-INDENT);
        d.end();
        d.word(")");
        assert_eq!(d.print(), format!("f(\n    {long},\n    {long},\n)"));

        // An empty box with only a break disappears.
        let mut d = Doc::new();
        d.word("()");
        d.cbox(INDENT);
        d.zerobreak();
        d.end();
        assert_eq!(d.print(), "()");
    }
}
