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

// serde_json's private markers for arbitrary-precision numbers and raw values, which
// may be enabled by another crate in the build through feature unification.
const SERDE_JSON_NUMBER: &str = "$serde_json::private::Number";
const SERDE_JSON_RAW: &str = "$serde_json::private::RawValue";

/// The serializer behind [`to_vec`].
struct Serializer<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> ser::Serializer for Serializer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Struct<'a>;
    type SerializeStructVariant = Struct<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        if v < 0 {
            self.out.push(b'-');
        }
        write_u64(self.out, v.unsigned_abs());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        let mut buf = itoa_buf();
        self.out.extend_from_slice(fmt_int(&mut buf, v));
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_i64(v as i64)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write_u64(self.out, v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        let _ = write!(VecWriter(self.out), "{v}");
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        write_f32(self.out, v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        write_f64(self.out, v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        let mut b = [0u8; 4];
        write_string(self.out, v.encode_utf8(&mut b));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        // Go writes []byte as a base64 string.
        write_string(self.out, &base64_encode(v));
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        write_string(self.out, variant);
        self.out.push(b':');
        value.serialize(Serializer { out: self.out })?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'a>, Error> {
        self.out.push(b'[');
        Ok(Seq {
            out: self.out,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'a>, Error> {
        self.out.push(b'{');
        write_string(self.out, variant);
        self.out.extend_from_slice(b":[");
        Ok(Seq {
            out: self.out,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Map<'a>, Error> {
        Ok(Map {
            out: self.out,
            entries: Vec::new(),
            key: None,
        })
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Struct<'a>, Error> {
        let raw = name == SERDE_JSON_NUMBER || name == SERDE_JSON_RAW;
        if !raw {
            self.out.push(b'{');
        }
        Ok(Struct {
            out: self.out,
            first: true,
            variant: false,
            raw,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Struct<'a>, Error> {
        self.out.push(b'{');
        write_string(self.out, variant);
        self.out.extend_from_slice(b":{");
        Ok(Struct {
            out: self.out,
            first: true,
            variant: true,
            raw: false,
        })
    }
}

/// Appends `v` in decimal (64-bit arithmetic: the i128 path's divisions are slow).
fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

fn itoa_buf() -> [u8; 40] {
    [0u8; 40]
}

fn fmt_int(buf: &mut [u8; 40], v: i128) -> &[u8] {
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

struct VecWriter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[doc(hidden)]
pub struct Seq<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    variant: bool,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        value.serialize(Serializer { out: self.out })
    }
    fn finish(self) -> Result<(), Error> {
        self.out.push(b']');
        if self.variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Seq<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// Map entries are buffered and written sorted by key, as Go does for every map.
#[doc(hidden)]
pub struct Map<'a> {
    out: &'a mut Vec<u8>,
    entries: Vec<(String, Vec<u8>)>,
    key: Option<String>,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("json: map value without key".to_string()))?;
        let mut v = Vec::new();
        value.serialize(Serializer { out: &mut v })?;
        self.entries.push((key, v));
        Ok(())
    }
    fn end(mut self) -> Result<(), Error> {
        self.entries
            .sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        self.out.push(b'{');
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_string(self.out, k);
            self.out.push(b':');
            self.out.extend_from_slice(v);
        }
        self.out.push(b'}');
        Ok(())
    }
}

#[doc(hidden)]
pub struct Struct<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    variant: bool,
    /// serde_json's arbitrary-precision number or raw value: the single field is a
    /// string holding JSON text, written as is.
    raw: bool,
}

impl Struct<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        if self.raw {
            let text = value.serialize(KeySerializer)?;
            self.out.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_string(self.out, key);
        self.out.push(b':');
        value.serialize(Serializer { out: self.out })
    }
    fn finish(self) -> Result<(), Error> {
        if !self.raw {
            self.out.push(b'}');
        }
        if self.variant {
            self.out.push(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Struct<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// Turns a map key into its string form: strings as is, integers in decimal (Go
/// writes integer map keys as strings). Other key types are refused, as in Go.
struct KeySerializer;

fn key_error() -> Error {
    Error("json: unsupported type: map key must be a string or an integer".to_string())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_bool(self, _v: bool) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
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
