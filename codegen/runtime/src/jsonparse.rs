//! A JSON parser that behaves like Go's `encoding/json` decoder where sherpa requests
//! can tell the difference:
//! - syntax errors carry Go's scanner messages (`invalid character 'x' looking for
//!   beginning of value`), a value cut short is `unexpected EOF`, no value is `EOF`;
//! - only the first value is read, anything after it is ignored (Go's `Decoder`);
//! - invalid UTF-8 and lone surrogate escapes become U+FFFD instead of failing;
//! - object members keep their order and duplicates (Go's last-wins and
//!   case-insensitive field matching need both);
//! - every value keeps its raw text (number literals for Go's `number 1.5` messages,
//!   raw strings for `time.Time`, raw values for `Int64s` errors).

use std::borrow::Cow;

/// Go's maximum nesting depth is 10000; ours is lower so that the recursive walks
/// over a parsed value stay well within a thread's stack.
pub(crate) const MAX_DEPTH: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// The literal text, e.g. `-1.5e3`.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// A parsed value with its raw text (strings include their quotes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub value: Value<'a>,
    pub raw: &'a [u8],
}

impl Node<'_> {
    /// Go's name for the kind of JSON value, as used in `cannot unmarshal KIND into`.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// A syntax error message, exactly as Go's `json.Decoder` would report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError(pub String);

/// Parses the first JSON value of `input`; what follows it is not looked at.
pub(crate) fn parse_first(input: &[u8]) -> Result<Node<'_>, SyntaxError> {
    let mut p = Parser { s: input, i: 0 };
    p.skip_ws();
    if p.i == p.s.len() {
        return Err(SyntaxError("EOF".to_string()));
    }
    p.value(0)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

/// Go's `quoteChar`: the offending byte in single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            // Go converts the byte to a rune (so 0xC3 is 'Ã') and uses strconv.Quote.
            let q = crate::gojson::quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn invalid(c: u8, context: &str) -> SyntaxError {
    SyntaxError(format!("invalid character {} {}", quote_char(c), context))
}

fn unexpected_eof() -> SyntaxError {
    SyntaxError("unexpected EOF".to_string())
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Parses a value starting at the current position (whitespace already skipped).
    fn value(&mut self, depth: usize) -> Result<Node<'a>, SyntaxError> {
        let start = self.i;
        let Some(c) = self.peek() else {
            return Err(unexpected_eof());
        };
        let value = match c {
            b'{' => {
                if depth >= MAX_DEPTH {
                    return Err(invalid(c, "exceeded max depth"));
                }
                self.i += 1;
                self.object(depth + 1)?
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return Err(invalid(c, "exceeded max depth"));
                }
                self.i += 1;
                self.array(depth + 1)?
            }
            b'"' => Value::String(self.string()?),
            b'-' | b'0'..=b'9' => Value::Number(self.number()?),
            b't' => {
                self.literal(b"true")?;
                Value::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Value::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Value::Null
            }
            _ => return Err(invalid(c, "looking for beginning of value")),
        };
        Ok(Node {
            value,
            raw: &self.s[start..self.i],
        })
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), SyntaxError> {
        let name = std::str::from_utf8(word).unwrap_or("");
        for (k, &want) in word.iter().enumerate() {
            match self.s.get(self.i + k) {
                None => return Err(unexpected_eof()),
                Some(&c) if c != want => {
                    return Err(invalid(
                        c,
                        &format!("in literal {name} (expecting {})", quote_char(want)),
                    ));
                }
                _ => {}
            }
        }
        self.i += word.len();
        Ok(())
    }

    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.i;
        let s = self.s;
        let mut i = self.i;
        if s[i] == b'-' {
            i += 1;
            match s.get(i) {
                None => return Err(unexpected_eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(&c) => return Err(invalid(c, "in numeric literal")),
            }
        }
        if s[i] == b'0' {
            i += 1;
        } else {
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
        }
        if s.get(i) == Some(&b'.') {
            i += 1;
            match s.get(i) {
                None => return Err(unexpected_eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(&c) => return Err(invalid(c, "after decimal point in numeric literal")),
            }
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
        }
        if matches!(s.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(s.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            match s.get(i) {
                None => return Err(unexpected_eof()),
                Some(c) if c.is_ascii_digit() => {}
                Some(&c) => return Err(invalid(c, "in exponent of numeric literal")),
            }
            while i < s.len() && s[i].is_ascii_digit() {
                i += 1;
            }
        }
        self.i = i;
        // Only ASCII digits, signs, '.', 'e' were consumed.
        Ok(std::str::from_utf8(&s[start..i]).unwrap_or("0"))
    }

    /// Parses a string (at its opening quote) and unescapes it like Go: invalid UTF-8
    /// bytes and unpaired surrogate escapes become U+FFFD.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let s = self.s;
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes, valid UTF-8.
        let mut i = start;
        let mut simple = true;
        loop {
            let Some(&c) = s.get(i) else {
                return Err(unexpected_eof());
            };
            match c {
                b'"' => break,
                b'\\' => {
                    simple = false;
                    i += 1;
                    let Some(&e) = s.get(i) else {
                        return Err(unexpected_eof());
                    };
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 1,
                        b'u' => {
                            i += 1;
                            for _ in 0..4 {
                                match s.get(i) {
                                    None => return Err(unexpected_eof()),
                                    Some(h) if h.is_ascii_hexdigit() => i += 1,
                                    Some(&h) => {
                                        return Err(invalid(
                                            h,
                                            "in \\u hexadecimal character escape",
                                        ));
                                    }
                                }
                            }
                        }
                        _ => return Err(invalid(e, "in string escape code")),
                    }
                }
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                _ => i += 1,
            }
        }
        let body = &s[start..i];
        self.i = i + 1;
        if simple {
            return Ok(match std::str::from_utf8(body) {
                Ok(v) => Cow::Borrowed(v),
                Err(_) => Cow::Owned(go_lossy(body)),
            });
        }
        Ok(Cow::Owned(unescape(body)))
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let mut items = Vec::new();
        self.skip_ws();
        match self.peek() {
            None => return Err(unexpected_eof()),
            Some(b']') => {
                self.i += 1;
                return Ok(Value::Array(items));
            }
            _ => {}
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                None => return Err(unexpected_eof()),
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                Some(c) => return Err(invalid(c, "after array element")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let mut members = Vec::new();
        self.skip_ws();
        match self.peek() {
            None => return Err(unexpected_eof()),
            Some(b'}') => {
                self.i += 1;
                return Ok(Value::Object(members));
            }
            _ => {}
        }
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(unexpected_eof()),
                Some(b'"') => {}
                Some(c) => return Err(invalid(c, "looking for beginning of object key string")),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                None => return Err(unexpected_eof()),
                Some(b':') => self.i += 1,
                Some(c) => return Err(invalid(c, "after object key")),
            }
            self.skip_ws();
            let v = self.value(depth)?;
            members.push((key, v));
            self.skip_ws();
            match self.peek() {
                None => return Err(unexpected_eof()),
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                Some(c) => return Err(invalid(c, "after object key:value pair")),
            }
        }
    }
}

fn hex4(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, &c| {
        acc * 16
            + match c {
                b'0'..=b'9' => (c - b'0') as u32,
                b'a'..=b'f' => (c - b'a' + 10) as u32,
                _ => (c - b'A' + 10) as u32,
            }
    })
}

/// Unescapes a syntactically valid string body (without quotes).
fn unescape(body: &[u8]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c != b'\\' {
            // Copy a run of non-escape bytes, replacing invalid UTF-8.
            let end = body[i..]
                .iter()
                .position(|&b| b == b'\\')
                .map_or(body.len(), |p| i + p);
            out.push_str(&go_lossy(&body[i..end]));
            i = end;
            continue;
        }
        let e = body[i + 1];
        i += 2;
        match e {
            b'b' => out.push('\x08'),
            b'f' => out.push('\x0c'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let r = hex4(&body[i..i + 4]);
                i += 4;
                if (0xd800..0xe000).contains(&r) {
                    // A surrogate: valid only as a high one followed by a low one.
                    if (0xd800..0xdc00).contains(&r)
                        && body.len() >= i + 6
                        && body[i] == b'\\'
                        && body[i + 1] == b'u'
                        && body[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
                    {
                        let r2 = hex4(&body[i + 2..i + 6]);
                        if (0xdc00..0xe000).contains(&r2) {
                            let cp = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            i += 6;
                            continue;
                        }
                    }
                    out.push('\u{fffd}');
                } else {
                    out.push(char::from_u32(r).unwrap_or('\u{fffd}'));
                }
            }
            other => out.push(other as char),
        }
    }
    out
}

/// `bytes` as text the way Go decodes invalid UTF-8: one U+FFFD for every byte that
/// does not start a valid sequence (`\xf0\x9f\x98`, a cut-off emoji, is three), where
/// Rust's `from_utf8_lossy` writes one per maximal bad sequence.
pub(crate) fn go_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                // The prefix up to valid_up_to is valid UTF-8 by definition.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(after.len());
                for _ in 0..bad {
                    out.push('\u{fffd}');
                }
                rest = &after[bad..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        parse_first(s.as_bytes()).unwrap_err().0
    }

    #[test]
    fn values() {
        let n =
            parse_first(br#" {"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00"],"a":{}} trailing"#)
                .unwrap();
        let Value::Object(m) = &n.value else { panic!() };
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0, "a");
        let Value::Array(items) = &m[0].1.value else {
            panic!()
        };
        assert_eq!(items[1].value, Value::Number("-2.5e3"));
        assert_eq!(items[4].value, Value::String("xé😀".into()));
        assert_eq!(items[4].raw, br#""x\u00e9\ud83d\ude00""#);
        assert_eq!(
            n.raw,
            br#"{"a":[1,-2.5e3,true,null,"x\u00e9\ud83d\ude00"],"a":{}}"#
        );
    }

    #[test]
    fn replacement_characters() {
        let n = parse_first(b"\"a\xffb\"").unwrap();
        assert_eq!(n.value, Value::String("a\u{fffd}b".into()));
        // One per bad byte, as Go: a cut-off four-byte sequence is three.
        let n = parse_first(b"\"\xf0\x9f\x98\"").unwrap();
        assert_eq!(n.value, Value::String("\u{fffd}\u{fffd}\u{fffd}".into()));
        let n = parse_first(b"\"x\\n\xe0\x80y\"").unwrap();
        assert_eq!(n.value, Value::String("x\n\u{fffd}\u{fffd}y".into()));
        let n = parse_first(br#""\ud800x\udc00\ud800\u0041""#).unwrap();
        assert_eq!(n.value, Value::String("\u{fffd}x\u{fffd}\u{fffd}A".into()));
    }

    #[test]
    fn go_syntax_errors() {
        assert_eq!(err(""), "EOF");
        assert_eq!(err("  \n"), "EOF");
        assert_eq!(err("{"), "unexpected EOF");
        assert_eq!(err(r#"{"params":[1"#), "unexpected EOF");
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            err("{x"),
            "invalid character 'x' looking for beginning of object key string"
        );
        assert_eq!(err(r#"{"a" 1"#), "invalid character '1' after object key");
        assert_eq!(
            err(r#"{"a":1 2"#),
            "invalid character '2' after object key:value pair"
        );
        assert_eq!(err("[1 2"), "invalid character '2' after array element");
        assert_eq!(err("[01]"), "invalid character '1' after array element");
        assert_eq!(err("-x"), "invalid character 'x' in numeric literal");
        assert_eq!(
            err("1.x"),
            "invalid character 'x' after decimal point in numeric literal"
        );
        assert_eq!(
            err("1ex"),
            "invalid character 'x' in exponent of numeric literal"
        );
        assert_eq!(
            err("tx"),
            "invalid character 'x' in literal true (expecting 'r')"
        );
        assert_eq!(err("nul"), "unexpected EOF");
        assert_eq!(err("\"a\nb\""), "invalid character '\\n' in string literal");
        assert_eq!(
            err(r#""\x""#),
            "invalid character 'x' in string escape code"
        );
        assert_eq!(
            err(r#""\u12x4""#),
            "invalid character 'x' in \\u hexadecimal character escape"
        );
        assert_eq!(
            err("'"),
            "invalid character '\\'' looking for beginning of value"
        );
        assert_eq!(
            err("\u{e9}"),
            "invalid character 'Ã' looking for beginning of value"
        );
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep), "invalid character '[' exceeded max depth");
    }

    #[test]
    fn first_value_only() {
        assert!(parse_first(b"1 x").is_ok());
        assert!(parse_first(b"{}{").is_ok());
        assert_eq!(parse_first(b"12x").unwrap().raw, b"12");
    }
}
