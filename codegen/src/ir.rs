//! The model every emitter reads: a checked sherpadoc document with its section tree
//! flattened, every typeword list resolved into a [`TypeRef`] tree, and every item
//! carrying its sherpadoc path.
//!
//! It is language-neutral: it holds schema names only. Each emitter decides its own
//! names in a pass of its own (Rust: `rust::naming`, TypeScript: `ts::naming`), keyed by
//! the indexes of this model, so no emitter walks the raw document, parses typewords or
//! formats paths again.
//!
//! An [`Api`] is only made by checking (`sherpa_codegen::check` and `read`), from a document
//! that passed every rule, so emitters may rely on what the rules guarantee: named
//! types exist, no typeword names an enum value, nesting is bounded by
//! [`MAX_TYPE_DEPTH`], and every cycle of structs held inline has a `nullable` on it.

use std::ops::Range;

/// How deeply `nullable`, `[]` and `{}` may nest in one type. Real schemas use two or
/// three levels; the limit keeps emitted type expressions (and the compilers reading
/// them) within stack bounds.
pub const MAX_TYPE_DEPTH: usize = 32;

/// A whole API: the document, flattened and resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The document's `Name`.
    pub name: String,
    /// The document's `Docs`.
    pub docs: String,
    /// Every section, depth-first pre-order; `sections[0]` is the document itself.
    pub sections: Vec<Section>,
    /// Every named type in document order: section by section, each section's structs,
    /// then its ints, then its strings.
    pub types: Vec<NamedType>,
    /// Every function in document order.
    pub functions: Vec<Function>,
    /// The whole document as compact JSON with Go's key order (what `_docs` serves).
    pub docs_json: String,
}

/// One section of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's `Name`.
    pub name: String,
    /// The section's `Docs`.
    pub docs: String,
    /// Its sherpadoc path: `""` for the document, else `.Sections[0 ("Name")]`....
    pub path: String,
    /// Index in [`Api::sections`] of the containing section; `None` for the document.
    pub parent: Option<usize>,
    /// The section's own types, as a range of [`Api::types`].
    pub types: Range<usize>,
    /// The section's own functions, as a range of [`Api::functions`].
    pub functions: Range<usize>,
}

/// A basic type word: the one list of them the generator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basic {
    /// `any`: any JSON value.
    Any,
    /// `bool`.
    Bool,
    /// `int8`.
    Int8,
    /// `uint8`.
    Uint8,
    /// `int16`.
    Int16,
    /// `uint16`.
    Uint16,
    /// `int32`.
    Int32,
    /// `uint32`.
    Uint32,
    /// `int64`: a JSON number.
    Int64,
    /// `uint64`: a JSON number.
    Uint64,
    /// `int64s`: a 64-bit integer written as a JSON string.
    Int64s,
    /// `uint64s`: an unsigned 64-bit integer written as a JSON string.
    Uint64s,
    /// `float32`.
    Float32,
    /// `float64`.
    Float64,
    /// `string`.
    String,
    /// `timestamp`: an RFC 3339 string.
    Timestamp,
}

impl Basic {
    /// Every basic type, in the order of the typeword grammar (`docs/protocol.md`).
    pub const ALL: [Basic; 16] = [
        Basic::Any,
        Basic::Bool,
        Basic::Int8,
        Basic::Uint8,
        Basic::Int16,
        Basic::Uint16,
        Basic::Int32,
        Basic::Uint32,
        Basic::Int64,
        Basic::Uint64,
        Basic::Int64s,
        Basic::Uint64s,
        Basic::Float32,
        Basic::Float64,
        Basic::String,
        Basic::Timestamp,
    ];

    /// The type word as written in sherpadoc.
    pub fn word(self) -> &'static str {
        match self {
            Basic::Any => "any",
            Basic::Bool => "bool",
            Basic::Int8 => "int8",
            Basic::Uint8 => "uint8",
            Basic::Int16 => "int16",
            Basic::Uint16 => "uint16",
            Basic::Int32 => "int32",
            Basic::Uint32 => "uint32",
            Basic::Int64 => "int64",
            Basic::Uint64 => "uint64",
            Basic::Int64s => "int64s",
            Basic::Uint64s => "uint64s",
            Basic::Float32 => "float32",
            Basic::Float64 => "float64",
            Basic::String => "string",
            Basic::Timestamp => "timestamp",
        }
    }

    /// The basic type for a type word, if it is one.
    pub fn from_word(word: &str) -> Option<Basic> {
        Basic::ALL.into_iter().find(|b| b.word() == word)
    }
}

/// A resolved type: one typeword list as a tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A basic type.
    Basic(Basic),
    /// `nullable X`
    Nullable(Box<TypeRef>),
    /// `[] X`
    List(Box<TypeRef>),
    /// `{} X` (keys are strings)
    Map(Box<TypeRef>),
    /// A named type: an index into [`Api::types`].
    Named(usize),
}

impl TypeRef {
    /// Whether this is `[] uint8`, which Go writes as base64 text rather than an array.
    pub fn is_bytes(&self) -> bool {
        matches!(self, TypeRef::List(inner) if **inner == TypeRef::Basic(Basic::Uint8))
    }
}

/// A named type of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// The schema name (also the wire name).
    pub name: String,
    /// The type's `Docs`.
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Structs[3 ("Msg")]`.
    pub path: String,
    /// Struct or enum.
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A JSON object with declared fields.
    Struct(Struct),
    /// A named string or integer type (sherpadoc `Strings` and `Ints`).
    Enum(Enum),
}

/// The fields of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The fields in document order.
    pub fields: Vec<Field>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    /// The field's `Docs`.
    pub docs: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
    /// Whether the field holds (behind `nullable` only, not `[]` or `{}`) a struct that
    /// contains this struct again: a language that stores structs inline must add an
    /// indirection here (Rust boxes it).
    pub on_cycle: bool,
}

/// Whether an enum's values are integers or strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// sherpadoc `Ints`.
    Int,
    /// sherpadoc `Strings`.
    String,
}

/// A named integer or string type, with its listed values.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Integers or strings.
    pub kind: ValueKind,
    /// `None` for `Values: null`. Both `None` and an empty list mean any value of the
    /// kind is allowed: the type is a plain named integer or string.
    pub values: Option<Vec<EnumValue>>,
}

impl Enum {
    /// The listed values; empty when there are none.
    pub fn listed(&self) -> &[EnumValue] {
        self.values.as_deref().unwrap_or(&[])
    }
}

/// A value of an enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A value of an `Ints` type.
    Int(i64),
    /// A value of a `Strings` type.
    String(String),
}

/// A listed value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The schema name of the constant (a Go identifier).
    pub name: String,
    /// The constant's `Docs`.
    pub docs: String,
    /// The value on the wire.
    pub value: Value,
}

/// A function of any section.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The wire name.
    pub name: String,
    /// The function's `Docs`.
    pub docs: String,
    /// The sherpadoc path of the definition, e.g. `.Functions[1 ("Login")]`.
    pub path: String,
    /// The parameters, positional on the wire.
    pub params: Vec<Param>,
    /// The return values (a JSON array on the wire when there are several).
    pub returns: Vec<Return>,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The schema name (may be empty: Go allows unnamed parameters).
    pub name: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
}

/// A function return value.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// The schema name (may be empty).
    pub name: String,
    /// The resolved type.
    pub ty: TypeRef,
    /// The typewords as written in the document.
    pub typewords: Vec<String>,
}

impl Api {
    /// The index in [`Api::types`] of the type with this schema name.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.types.iter().position(|t| t.name == name)
    }

    /// The type at `index`, if it is a struct.
    pub fn as_struct(&self, index: usize) -> Option<&Struct> {
        match &self.types.get(index)?.kind {
            TypeKind::Struct(s) => Some(s),
            TypeKind::Enum(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_words_round_trip() {
        for b in Basic::ALL {
            assert_eq!(Basic::from_word(b.word()), Some(b));
        }
        assert_eq!(Basic::from_word("String"), None);
    }
}
