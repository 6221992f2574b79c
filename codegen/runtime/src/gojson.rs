//! Writing JSON exactly as Go's `encoding/json` does.
//!
//! Sherpa servers are Go programs, and clients (and tests comparing bodies) see Go's
//! output: `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`..., floats in Go's
//! shortest form (`1`, `0.1`, `1e+21`, `1e-7`), `[]byte` as base64, and map keys sorted.
//!
//! Two ways to use it:
//! - [`to_vec`] / [`to_string`]: a serde `Serializer` of our own. It also reports what Go
//!   refuses to encode (NaN and infinities: `json: unsupported value: NaN`) instead of
//!   writing `null` like serde_json, and sorts the keys of every map, whatever its type,
//!   as Go does.
//! - [`GoFormatter`]: a serde_json `Formatter` for code that wants serde_json's own
//!   serializer with Go's escaping and number format (serde_json still writes NaN as
//!   `null` and keeps map order).

use std::fmt::Write as _;
use std::io;

use serde::ser::{self, Serialize};

mod encoder;

use encoder::Serializer;
pub use encoder::{Map, Seq, Struct};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` as a JSON string literal with Go's escaping.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    write_string_contents(out, s);
    out.push(b'"');
}

/// Bytes that [`write_string_contents`] must look at: controls, `"`, `\`, `<`, `>`,
/// `&`, and 0xE2, the first byte of U+2028 and U+2029. Everything else is copied as is.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xe2] = true;
    t
};

/// Appends the escaped contents of a JSON string (without quotes).
fn write_string_contents(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !NEEDS_ESCAPE[b as usize] {
            i += 1;
            continue;
        }
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            b'&' => b"\\u0026",
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
            0xe2 if i + 2 < bytes.len()
                && bytes[i + 1] == 0x80
                && (bytes[i + 2] == 0xa8 || bytes[i + 2] == 0xa9) =>
            {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(if bytes[i + 2] == 0xa8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                i += 3;
                start = i;
                continue;
            }
            0xe2 => {
                i += 1;
                continue;
            }
            _ => {
                // The remaining control characters.
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 0xf) as usize],
                ]);
                i += 1;
                start = i;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(esc);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Formats a finite float the way Go's encoding/json does: `%f`-style shortest digits
/// for 1e-6 <= |x| < 1e21 (and 0), exponent form otherwise with a signed exponent
/// without leading zeros (`1e+21`, `1e-7`). `bits32` selects float32 precision.
fn format_float(out: &mut Vec<u8>, v: f64, bits32: bool) {
    let abs = v.abs();
    let exp_form = abs != 0.0
        && if bits32 {
            let a = abs as f32;
            !(1e-6f32..1e21f32).contains(&a)
        } else {
            !(1e-6..1e21).contains(&abs)
        };
    let mut s = String::with_capacity(24);
    if exp_form {
        if bits32 {
            let _ = write!(s, "{:e}", v as f32);
        } else {
            let _ = write!(s, "{:e}", v);
        }
        // Rust writes "1.5e-7" / "1e21"; Go writes "1.5e-7" / "1e+21".
        if let Some(pos) = s.find('e') {
            let (mant, exp) = s.split_at(pos);
            let exp = &exp[1..];
            out.extend_from_slice(mant.as_bytes());
            out.push(b'e');
            if !exp.starts_with('-') {
                out.push(b'+');
            }
            out.extend_from_slice(exp.as_bytes());
            return;
        }
    } else if bits32 {
        let _ = write!(s, "{}", v as f32);
    } else {
        let _ = write!(s, "{}", v);
    }
    out.extend_from_slice(s.as_bytes());
}

/// Appends a float64 in Go's format. Errors for NaN and infinities, which Go refuses.
pub fn write_f64(out: &mut Vec<u8>, v: f64) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(unsupported_float(v));
    }
    format_float(out, v, false);
    Ok(())
}

/// Appends a float32 in Go's format (float32 shortest digits).
pub fn write_f32(out: &mut Vec<u8>, v: f32) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(unsupported_float(v as f64));
    }
    format_float(out, v as f64, true);
    Ok(())
}

fn unsupported_float(v: f64) -> Error {
    let s = if v.is_nan() {
        "NaN"
    } else if v > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    };
    Error(format!("json: unsupported value: {s}"))
}

/// Standard base64 with padding, as Go writes `[]byte`.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Go's `strconv.Quote` of a string (used in Go's error messages: `%q`).
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes())
}

/// Go's `strconv.Quote` of bytes that may be invalid UTF-8 (bad bytes become `\xNN`).
pub fn quote_bytes(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 2);
    out.push('"');
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0c' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\x0b' => out.push_str("\\v"),
                c if is_print(c) => out.push(c),
                c if (c as u32) < 0x20 || c == '\x7f' => {
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
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without Unicode tables: control and
/// format characters, separators other than the ASCII space, private use and
/// noncharacters are not printable.
fn is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff | 0xfdd0..=0xfdef | 0xf0000..=0x10ffff)
        && (u & 0xfffe) != 0xfffe
}

/// An error from [`to_vec`]: a value Go's encoding/json cannot encode, or a custom
/// error from a `Serialize` implementation. The message follows Go's wording where
/// Go has one (`json: unsupported value: NaN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Serializes `value` as Go's encoding/json would (compact, no trailing newline).
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(64);
    value.serialize(Serializer { out: &mut out })?;
    Ok(out)
}

/// Like [`to_vec`], as a `String`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let v = to_vec(value)?;
    // The serializer only writes valid UTF-8 (escapes and str contents).
    String::from_utf8(v).map_err(|e| Error(e.to_string()))
}

/// Appends `value` in Go's encoding to `out`.
pub fn write_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(Serializer { out })
}
/// A serde_json `Formatter` producing Go's escaping, float format and `[]byte` as
/// base64. Use with `serde_json::Serializer::with_formatter(writer, GoFormatter)`.
/// Unlike [`to_vec`], serde_json writes NaN/infinities as `null` and keeps map order.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoFormatter;

impl serde_json::ser::Formatter for GoFormatter {
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        let mut buf = Vec::with_capacity(24);
        write_f32(&mut buf, value).map_err(io::Error::other)?;
        writer.write_all(&buf)
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let mut buf = Vec::with_capacity(24);
        write_f64(&mut buf, value).map_err(io::Error::other)?;
        writer.write_all(&buf)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already split off `"`, `\` and control characters; escape the
        // characters Go additionally escapes.
        let mut buf = Vec::with_capacity(fragment.len());
        write_string_contents(&mut buf, fragment);
        writer.write_all(&buf)
    }

    fn write_byte_array<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &[u8],
    ) -> io::Result<()> {
        let mut buf = Vec::with_capacity(value.len() * 4 / 3 + 4);
        write_string(&mut buf, &base64_encode(value));
        writer.write_all(&buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    fn s<T: Serialize + ?Sized>(v: &T) -> String {
        to_string(v).unwrap()
    }

    fn f(v: f64) -> String {
        s(&v)
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(f(1.0), "1");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e-7), "1e-7");
        assert_eq!(f(1e-6), "0.000001");
        assert_eq!(f(1.5e-7), "1.5e-7");
        assert_eq!(f(-1e21), "-1e+21");
        assert_eq!(f(1e100), "1e+100");
        assert_eq!(f(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(f(5e-324), "5e-324");
        assert_eq!(f(123456789.125), "123456789.125");
        assert_eq!(s(&0.1f32), "0.1");
        assert_eq!(s(&1e21f32), "1e+21");
        assert_eq!(s(&1e-7f32), "1e-7");
        assert_eq!(s(&3.4028235e38f32), "3.4028235e+38");
        assert_eq!(s(&16777216.0f32), "16777216");
    }

    #[test]
    fn non_finite_floats_are_errors() {
        assert_eq!(
            to_vec(&f64::NAN).unwrap_err().0,
            "json: unsupported value: NaN"
        );
        assert_eq!(
            to_vec(&vec![f64::INFINITY]).unwrap_err().0,
            "json: unsupported value: +Inf"
        );
        assert_eq!(
            to_vec(&f32::NEG_INFINITY).unwrap_err().0,
            "json: unsupported value: -Inf"
        );
    }

    #[test]
    fn strings_like_go() {
        assert_eq!(s("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(s("\u{2028}x\u{2029}"), r#""\u2028x\u2029""#);
        assert_eq!(s("q\"b\\"), r#""q\"b\\""#);
        assert_eq!(
            s("\n\r\t\x08\x0c\x01\x1f\x7f"),
            concat!("\"", r"\n\r\t\b\f\u0001\u001f", "\x7f\"")
        );
        assert_eq!(s("é€😀"), "\"é€😀\"");
        // Other characters starting with 0xE2, and U+2029 as the last character.
        assert_eq!(
            s("\u{2027}\u{2030}a\u{2029}"),
            "\"\u{2027}\u{2030}a\\u2029\""
        );
        assert_eq!(s("\u{2028}"), r#""\u2028""#);
    }

    #[test]
    fn ints_and_containers() {
        assert_eq!(s(&9007199254740993i64), "9007199254740993");
        assert_eq!(s(&u64::MAX), "18446744073709551615");
        assert_eq!(s(&i64::MIN), "-9223372036854775808");
        assert_eq!(s(&(1, "a")), r#"[1,"a"]"#);
        assert_eq!(s(&Vec::<i32>::new()), "[]");
        assert_eq!(s(&Option::<i32>::None), "null");
        assert_eq!(s(&()), "null");
        let mut m = HashMap::new();
        m.insert("b", 1);
        m.insert("a", 2);
        m.insert("10", 3);
        assert_eq!(s(&m), r#"{"10":3,"a":2,"b":1}"#);
        let mut m = BTreeMap::new();
        m.insert(10, "x");
        m.insert(2, "y");
        assert_eq!(s(&m), r#"{"10":"x","2":"y"}"#);
        let v: serde_json::Value =
            serde_json::from_str(r#"{"z":1,"a":[1.5,null,true],"m":{"<":"&"}}"#).unwrap();
        assert_eq!(
            s(&v),
            r#"{"a":[1.5,null,true],"m":{"\u003c":"\u0026"},"z":1}"#
        );
    }

    #[test]
    fn structs_and_enums() {
        #[derive(serde::Serialize)]
        struct T {
            #[serde(rename = "B")]
            b: i32,
            #[serde(rename = "A")]
            a: Option<String>,
        }
        #[derive(serde::Serialize)]
        enum E {
            U,
            N(i32),
            T(i32, i32),
            S { x: i32 },
        }
        assert_eq!(s(&T { b: 1, a: None }), r#"{"B":1,"A":null}"#);
        assert_eq!(s(&E::U), r#""U""#);
        assert_eq!(s(&E::N(1)), r#"{"N":1}"#);
        assert_eq!(s(&E::T(1, 2)), r#"{"T":[1,2]}"#);
        assert_eq!(s(&E::S { x: 1 }), r#"{"S":{"x":1}}"#);
    }

    #[test]
    fn formatter_matches() {
        use serde::Serialize as _;
        let v: serde_json::Value =
            serde_json::from_str(r#"{"a":"<&>","b":1e21,"c":0.0000001,"d":[1.0]}"#).unwrap();
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
        v.serialize(&mut ser).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":"\u003c\u0026\u003e","b":1e+21,"c":1e-7,"d":[1]}"#
        );
    }

    #[test]
    fn quoting_like_go() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\n\x01\x7f"), r#""\n\x01\x7f""#);
        assert_eq!(quote("é\u{200b}"), "\"é\\u200b\"");
        assert_eq!(quote_bytes(b"a\xffb"), r#""a\xffb""#);
        assert_eq!(quote("\u{1F600}"), "\"\u{1F600}\"");
    }
}
