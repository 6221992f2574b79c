//! The type table a generated module hands to the runtime.
//!
//! Decoding parameters the way Go's `encoding/json` does (case-insensitive keys,
//! `null` as the zero value, unknown fields rejected, exact integer ranges) needs
//! to know each parameter's sherpadoc type. The generator writes that knowledge
//! down once as `static` data of these types, so the runtime can walk a JSON value
//! against it without the generator emitting per-type decoding code.

/// A resolved sherpadoc type: one typeword list, as a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Any,
    Bool,
    Int8,
    Uint8,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Int64,
    Uint64,
    /// `int64s`: a string of decimal digits, or an integer number.
    Int64s,
    /// `uint64s`: a string of decimal digits, or an integer number.
    Uint64s,
    Float32,
    Float64,
    String,
    Timestamp,
    /// `nullable X`
    Nullable(&'static Type),
    /// `[] X`
    List(&'static Type),
    /// `{} X`
    Map(&'static Type),
    /// A named struct, strings or ints type: an index into [`Schema::types`].
    Named(usize),
}

/// A named type of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedType {
    Struct {
        name: &'static str,
        fields: &'static [FieldDef],
    },
    /// A named string type. `values` is empty when any string is allowed
    /// (`Values: null` or `[]` in the document).
    Strings {
        name: &'static str,
        values: &'static [&'static str],
    },
    /// A named integer type. `values` is empty when any integer is allowed.
    Ints {
        name: &'static str,
        values: &'static [i64],
    },
}

/// Constructors for generated `SCHEMA` tables: calls are shorter to write, read, parse
/// and lay out than struct literals.
impl NamedType {
    /// [`NamedType::Struct`].
    pub const fn new_struct(name: &'static str, fields: &'static [FieldDef]) -> NamedType {
        NamedType::Struct { name, fields }
    }

    /// [`NamedType::Strings`].
    pub const fn new_strings(name: &'static str, values: &'static [&'static str]) -> NamedType {
        NamedType::Strings { name, values }
    }

    /// [`NamedType::Ints`].
    pub const fn new_ints(name: &'static str, values: &'static [i64]) -> NamedType {
        NamedType::Ints { name, values }
    }

    pub fn name(&self) -> &'static str {
        match self {
            NamedType::Struct { name, .. }
            | NamedType::Strings { name, .. }
            | NamedType::Ints { name, .. } => name,
        }
    }
}

/// A struct field: its JSON key and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: Type,
}

impl FieldDef {
    pub const fn new(name: &'static str, ty: Type) -> FieldDef {
        FieldDef { name, ty }
    }
}

/// A parameter or return value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgDef {
    pub name: &'static str,
    pub ty: Type,
}

impl ArgDef {
    pub const fn new(name: &'static str, ty: Type) -> ArgDef {
        ArgDef { name, ty }
    }
}

/// A function, by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: &'static str,
    pub params: &'static [ArgDef],
    pub returns: &'static [ArgDef],
}

impl FunctionDef {
    pub const fn new(
        name: &'static str,
        params: &'static [ArgDef],
        returns: &'static [ArgDef],
    ) -> FunctionDef {
        FunctionDef {
            name,
            params,
            returns,
        }
    }
}

/// Everything the runtime needs to serve one generated API.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// The document's `Name` (`title` in `sherpa.json`).
    pub name: &'static str,
    /// Every function of every section, in document order (depth-first).
    pub functions: &'static [FunctionDef],
    /// Indexes into `functions`, ordered by function name, so that a call finds its
    /// function by binary search instead of comparing names one by one. Generated code
    /// fills it in; a hand-written schema may leave it empty, and lookups then scan
    /// `functions`.
    pub functions_by_name: &'static [u32],
    /// Every named type of every section, in document order; [`Type::Named`] indexes it.
    pub types: &'static [NamedType],
    /// The sherpadoc document, compact JSON, as served by `_docs` (before the
    /// runtime fills in `Version` and `SherpaVersion`).
    pub docs_json: &'static str,
}

impl Schema {
    /// Looks up a function by its wire name.
    pub fn function(&self, name: &str) -> Option<&'static FunctionDef> {
        let functions = self.functions;
        if self.functions_by_name.len() != functions.len() {
            return functions.iter().find(|f| f.name == name);
        }
        let name_at = |i: u32| functions.get(i as usize).map_or("", |f| f.name);
        let pos = self
            .functions_by_name
            .binary_search_by(|&i| name_at(i).cmp(name))
            .ok()?;
        functions.get(*self.functions_by_name.get(pos)? as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn f(name: &'static str) -> FunctionDef {
        FunctionDef {
            name,
            params: &[],
            returns: &[],
        }
    }

    static FUNCTIONS: [FunctionDef; 4] = [f("b"), f("aa"), f("c"), f("a")];

    fn schema(functions_by_name: &'static [u32]) -> Schema {
        Schema {
            name: "T",
            functions: &FUNCTIONS,
            functions_by_name,
            types: &[],
            docs_json: "{}",
        }
    }

    #[test]
    fn lookup_with_and_without_index() {
        for s in [schema(&[3, 1, 0, 2]), schema(&[])] {
            for name in ["a", "aa", "b", "c"] {
                assert_eq!(s.function(name).map(|f| f.name), Some(name));
            }
            for name in ["", "ab", "d", "A"] {
                assert!(s.function(name).is_none(), "{name}");
            }
        }
        // An index of the wrong length is ignored rather than trusted.
        assert_eq!(schema(&[0]).function("c").map(|f| f.name), Some("c"));
    }
}
