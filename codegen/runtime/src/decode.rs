//! Parameter decoding with the semantics of Go's `encoding/json`, driven by the
//! schema's type table.
//!
//! A Go sherpa server decodes the request's `params` array into the Go parameter
//! types in one pass. This module walks the parsed JSON against each parameter's
//! [`Type`] and produces a canonical `serde_json::Value` that the plain serde derives
//! of generated types accept, reproducing what Go does and says:
//! - struct keys match field names exactly, else case-insensitively (Go's folding);
//!   keys that match no field are `json: unknown field "k"` unless parsing is lax;
//! - `null` leaves the value as it was (so a fresh parameter or field keeps its zero
//!   value), except for nullable types, lists, maps and `any`, which it clears;
//! - a key seen twice decodes into the same field again: the last wins, and objects
//!   decoded into an existing struct or map merge into it, as in Go;
//! - integers must be integer literals in range, floats must fit; wrong JSON types
//!   give `json: cannot unmarshal string into Go value of type int64`, or inside a
//!   struct `... into Go struct field Msg.ID of type int64`;
//! - timestamps, `[]uint8` and `int64s`/`uint64s` are checked with Go's messages;
//! - the first type error is kept and decoding goes on (Go's `saveError`), but an
//!   error from a type with its own `UnmarshalJSON` (time, int64s) ends decoding and
//!   wins, as in Go.
//!
//! Named types print as their schema name in messages (Go would add its package,
//! e.g. `admin.Mode`), since the schema does not know Go packages.

use serde_json::{Map, Number, Value as J};

use crate::gojson::quote;
use crate::jsonparse::{Node, Value};
use crate::schema::{NamedType, Schema, Type};
use crate::types::{Timestamp, go_base64_decode, go_parse_int, go_parse_uint, go_parse_uint64s};

/// An error that ends decoding immediately (from a type with an `UnmarshalJSON`).
type Fatal = String;

pub(crate) struct Decoder {
    schema: &'static Schema,
    lax: bool,
    saved: Option<String>,
    /// Go's `errorContext`: the struct whose field is being decoded, and the path of
    /// field names from the outermost struct.
    struct_name: Option<&'static str>,
    fields: Vec<&'static str>,
}

/// Decodes all parameters (whose count the caller has checked) and returns their
/// canonical values, or Go's error message.
pub(crate) fn decode_params(
    schema: &'static Schema,
    types: impl Iterator<Item = &'static Type>,
    params: &[Node<'_>],
    lax: bool,
) -> Result<Vec<J>, String> {
    let mut d = Decoder {
        schema,
        lax,
        saved: None,
        struct_name: None,
        fields: Vec::new(),
    };
    let mut out = Vec::with_capacity(params.len());
    for (node, ty) in params.iter().zip(types) {
        let mut slot = None;
        d.decode(&mut slot, node, ty)?;
        out.push(slot.unwrap_or_else(|| zero_value(schema, ty)));
    }
    match d.saved {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The canonical form of Go's zero value of a type.
pub(crate) fn zero_value(schema: &Schema, ty: &Type) -> J {
    match ty {
        Type::Any | Type::Nullable(_) => J::Null,
        Type::Bool => J::Bool(false),
        Type::Int8
        | Type::Uint8
        | Type::Int16
        | Type::Uint16
        | Type::Int32
        | Type::Uint32
        | Type::Int64
        | Type::Uint64
        | Type::Int64s
        | Type::Uint64s => J::Number(0.into()),
        Type::Float32 | Type::Float64 => Number::from_f64(0.0).map_or(J::Null, J::Number),
        Type::String => J::String(String::new()),
        Type::Timestamp => J::String("0001-01-01T00:00:00Z".to_string()),
        Type::List(_) => J::Array(Vec::new()),
        Type::Map(_) => J::Object(Map::new()),
        Type::Named(i) => match schema.types.get(*i) {
            Some(NamedType::Struct { .. }) | None => J::Object(Map::new()),
            Some(NamedType::Strings { .. }) => J::String(String::new()),
            Some(NamedType::Ints { .. }) => J::Number(0.into()),
        },
    }
}

/// Go's name of a type, as printed in `cannot unmarshal ... of type T`.
fn type_name(schema: &Schema, ty: &Type) -> String {
    match ty {
        Type::Any => "interface {}".to_string(),
        Type::Bool => "bool".to_string(),
        Type::Int8 => "int8".to_string(),
        Type::Uint8 => "uint8".to_string(),
        Type::Int16 => "int16".to_string(),
        Type::Uint16 => "uint16".to_string(),
        Type::Int32 => "int32".to_string(),
        Type::Uint32 => "uint32".to_string(),
        Type::Int64 => "int64".to_string(),
        Type::Uint64 => "uint64".to_string(),
        Type::Int64s => "sherpa.Int64s".to_string(),
        Type::Uint64s => "sherpa.Uint64s".to_string(),
        Type::Float32 => "float32".to_string(),
        Type::Float64 => "float64".to_string(),
        Type::String => "string".to_string(),
        Type::Timestamp => "time.Time".to_string(),
        Type::Nullable(t) => format!("*{}", type_name(schema, t)),
        Type::List(t) => format!("[]{}", type_name(schema, t)),
        Type::Map(t) => format!("map[string]{}", type_name(schema, t)),
        Type::Named(i) => schema
            .types
            .get(*i)
            .map_or_else(|| format!("type{i}"), |t| t.name().to_string()),
    }
}

/// Go's case folding for matching JSON keys to field names: ASCII letters upper-cased,
/// other characters mapped through lower then upper case (simple mappings only).
fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut lower = c.to_lowercase();
    let l = match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    };
    let mut upper = l.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => l,
    }
}

/// Whether the JSON object key `key` selects the field `name` as Go's `encoding/json`
/// decides it: the same text, or the same under Unicode simple case folding (so `id`,
/// `ID` and `Id` all select `ID`, and the long s `ſ` matches `s`). Used for call
/// parameters here and for sherpadoc documents by the generator, which reads them as Go
/// does.
pub fn fold_eq(key: &str, name: &str) -> bool {
    // Without allocating: the generated types' decoding calls this for every key that
    // names no field exactly (a field of a newer server), once per field.
    key == name || key.chars().map(fold_char).eq(name.chars().map(fold_char))
}

fn find_field<'f>(
    fields: &'f [crate::schema::FieldDef],
    key: &str,
) -> Option<&'f crate::schema::FieldDef> {
    if let Some(f) = fields.iter().find(|f| f.name == key) {
        return Some(f);
    }
    let k = fold(key);
    fields.iter().find(|f| fold(f.name) == k)
}

/// Converts a parsed value for an `any` parameter. Integers that fit i64/u64 stay
/// exact (Go would turn every number into a float64).
pub(crate) fn to_json(node: &Node<'_>) -> J {
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(s) => number_any(s),
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Object(members) => {
            let mut m = Map::new();
            for (k, v) in members {
                m.insert(k.to_string(), to_json(v));
            }
            J::Object(m)
        }
    }
}

fn number_any(s: &str) -> J {
    if !s.contains(['.', 'e', 'E']) {
        if let Ok(v) = s.parse::<i64>() {
            return J::Number(v.into());
        }
        if let Ok(v) = s.parse::<u64>() {
            return J::Number(v.into());
        }
    }
    s.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(J::Null, J::Number)
}

/// Go decodes the params into `[]interface{}` first, turning every number into a
/// float64: numbers beyond float64's range fail there (a badRequest in sherpa).
pub(crate) fn check_float_range(node: &Node<'_>) -> Result<(), String> {
    match &node.value {
        Value::Number(s) => match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(()),
            _ => Err(format!(
                "json: cannot unmarshal number {s} into Go value of type float64"
            )),
        },
        Value::Array(items) => items.iter().try_for_each(check_float_range),
        Value::Object(members) => members.iter().try_for_each(|(_, v)| check_float_range(v)),
        _ => Ok(()),
    }
}

impl Decoder {
    fn save(&mut self, msg: String) {
        if self.saved.is_none() {
            self.saved = Some(msg);
        }
    }

    /// Records Go's `UnmarshalTypeError` for `what` (a JSON kind, or `number 1.5`).
    fn type_error(&mut self, what: &str, ty: &Type) {
        let t = type_name(self.schema, ty);
        let msg = match self.struct_name {
            Some(s) => format!(
                "json: cannot unmarshal {what} into Go struct field {s}.{} of type {t}",
                self.fields.join(".")
            ),
            None => format!("json: cannot unmarshal {what} into Go value of type {t}"),
        };
        self.save(msg);
    }

    fn decode(&mut self, target: &mut Option<J>, node: &Node<'_>, ty: &Type) -> Result<(), Fatal> {
        let is_null = matches!(node.value, Value::Null);
        match ty {
            Type::Nullable(inner) => {
                if is_null {
                    *target = Some(J::Null);
                    return Ok(());
                }
                if matches!(target, Some(J::Null)) {
                    *target = None;
                }
                self.decode(target, node, inner)?;
                if target.is_none() {
                    *target = Some(zero_value(self.schema, inner));
                }
            }
            Type::Any => *target = Some(to_json(node)),
            Type::Bool => match node.value {
                Value::Null => {}
                Value::Bool(b) => *target = Some(J::Bool(b)),
                _ => self.type_error(node.kind(), ty),
            },
            Type::Int8 => self.int(target, node, ty, i8::MIN as i64, i8::MAX as i64),
            Type::Int16 => self.int(target, node, ty, i16::MIN as i64, i16::MAX as i64),
            Type::Int32 => self.int(target, node, ty, i32::MIN as i64, i32::MAX as i64),
            Type::Int64 => self.int(target, node, ty, i64::MIN, i64::MAX),
            Type::Uint8 => self.uint(target, node, ty, u8::MAX as u64),
            Type::Uint16 => self.uint(target, node, ty, u16::MAX as u64),
            Type::Uint32 => self.uint(target, node, ty, u32::MAX as u64),
            Type::Uint64 => self.uint(target, node, ty, u64::MAX),
            Type::Float32 | Type::Float64 => match &node.value {
                Value::Null => {}
                Value::Number(s) => {
                    let v = if matches!(ty, Type::Float32) {
                        s.parse::<f32>().map(f64::from)
                    } else {
                        s.parse::<f64>()
                    };
                    match v.ok().and_then(Number::from_f64) {
                        Some(n) => *target = Some(J::Number(n)),
                        None => self.type_error(&format!("number {s}"), ty),
                    }
                }
                _ => self.type_error(node.kind(), ty),
            },
            Type::String => self.string(target, node, ty),
            Type::Timestamp => match &node.value {
                Value::Null => {}
                Value::String(s) => {
                    // Go parses the raw text between the quotes (escapes are not decoded).
                    let raw = &node.raw[1..node.raw.len() - 1];
                    Timestamp::parse_bytes(raw)?;
                    *target = Some(J::String(s.to_string()));
                }
                _ => return Err("Time.UnmarshalJSON: input is not a JSON string".to_string()),
            },
            Type::Int64s | Type::Uint64s => {
                if is_null {
                    return Ok(());
                }
                // A string is read as Go reads it, escapes decoded (`"\u0031"` is 1); a
                // number from its literal text.
                let text: &[u8] = match &node.value {
                    Value::String(s) => s.as_bytes(),
                    _ => node.raw,
                };
                *target = Some(if matches!(ty, Type::Int64s) {
                    J::Number(go_parse_int(text)?.into())
                } else {
                    J::Number(go_parse_uint64s(text)?.into())
                });
            }
            Type::List(elem) => self.list(target, node, ty, elem)?,
            Type::Map(elem) => self.map(target, node, ty, elem)?,
            Type::Named(i) => {
                let Some(named) = self.schema.types.get(*i) else {
                    return Err(format!("invalid schema: no type with index {i}"));
                };
                match named {
                    NamedType::Strings { .. } => self.string(target, node, ty),
                    NamedType::Ints { .. } => self.int(target, node, ty, i64::MIN, i64::MAX),
                    NamedType::Struct { name, fields } => {
                        self.object(target, node, ty, name, fields)?
                    }
                }
            }
        }
        Ok(())
    }

    /// `[] X`: an array decoded into the existing elements, or base64 text for bytes.
    fn list(
        &mut self,
        target: &mut Option<J>,
        node: &Node<'_>,
        ty: &Type,
        elem: &Type,
    ) -> Result<(), Fatal> {
        match &node.value {
            Value::Null => *target = None,
            Value::String(s) if matches!(*elem, Type::Uint8) => {
                match go_base64_decode(s.as_bytes()) {
                    Ok(_) => *target = Some(J::String(s.to_string())),
                    Err(at) => self.save(format!("illegal base64 data at input byte {at}")),
                }
            }
            Value::Array(items) => {
                let existing = match target.take() {
                    Some(J::Array(v)) => v,
                    _ => Vec::new(),
                };
                let mut old = existing.into_iter();
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    // Go decodes into the existing element, if any.
                    let mut slot = old.next();
                    self.decode(&mut slot, item, elem)?;
                    out.push(slot.unwrap_or_else(|| zero_value(self.schema, elem)));
                }
                *target = Some(J::Array(out));
            }
            _ => self.type_error(node.kind(), ty),
        }
        Ok(())
    }

    /// `{} X`: an object whose values are each decoded into a fresh zero value.
    fn map(
        &mut self,
        target: &mut Option<J>,
        node: &Node<'_>,
        ty: &Type,
        elem: &Type,
    ) -> Result<(), Fatal> {
        match &node.value {
            Value::Null => *target = None,
            Value::Object(members) => {
                let mut m = match target.take() {
                    Some(J::Object(m)) => m,
                    _ => Map::new(),
                };
                for (k, v) in members {
                    let mut slot = None;
                    self.decode(&mut slot, v, elem)?;
                    m.insert(
                        k.to_string(),
                        slot.unwrap_or_else(|| zero_value(self.schema, elem)),
                    );
                }
                *target = Some(J::Object(m));
            }
            _ => self.type_error(node.kind(), ty),
        }
        Ok(())
    }

    /// A struct: keys select fields as Go selects them; unknown keys are an error
    /// unless decoding is lax.
    fn object(
        &mut self,
        target: &mut Option<J>,
        node: &Node<'_>,
        ty: &Type,
        name: &'static str,
        fields: &'static [crate::schema::FieldDef],
    ) -> Result<(), Fatal> {
        match &node.value {
            Value::Null => {}
            Value::Object(members) => {
                let mut obj = match target.take() {
                    Some(J::Object(m)) => m,
                    _ => Map::new(),
                };
                for (k, v) in members {
                    let Some(f) = find_field(fields, k) else {
                        if !self.lax {
                            self.save(format!("json: unknown field {}", quote(k)));
                        }
                        continue;
                    };
                    let outer = self.struct_name.replace(name);
                    self.fields.push(f.name);
                    let mut slot = obj.remove(f.name);
                    let r = self.decode(&mut slot, v, &f.ty);
                    self.fields.pop();
                    self.struct_name = outer;
                    r?;
                    if let Some(v) = slot {
                        obj.insert(f.name.to_string(), v);
                    }
                }
                *target = Some(J::Object(obj));
            }
            _ => self.type_error(node.kind(), ty),
        }
        Ok(())
    }

    fn string(&mut self, target: &mut Option<J>, node: &Node<'_>, ty: &Type) {
        match &node.value {
            Value::Null => {}
            Value::String(s) => *target = Some(J::String(s.to_string())),
            _ => self.type_error(node.kind(), ty),
        }
    }

    fn int(&mut self, target: &mut Option<J>, node: &Node<'_>, ty: &Type, min: i64, max: i64) {
        match &node.value {
            Value::Null => {}
            Value::Number(s) => match go_parse_int(s.as_bytes()) {
                Ok(v) if (min..=max).contains(&v) => *target = Some(J::Number(v.into())),
                _ => self.type_error(&format!("number {s}"), ty),
            },
            _ => self.type_error(node.kind(), ty),
        }
    }

    fn uint(&mut self, target: &mut Option<J>, node: &Node<'_>, ty: &Type, max: u64) {
        match &node.value {
            Value::Null => {}
            Value::Number(s) => match go_parse_uint(s.as_bytes()) {
                Ok(v) if v <= max => *target = Some(J::Number(v.into())),
                _ => self.type_error(&format!("number {s}"), ty),
            },
            _ => self.type_error(node.kind(), ty),
        }
    }
}
