//! The sherpadoc document as plain data: Go's `sherpadoc.Section` and friends, field
//! for field and in Go's field order, so that serializing a [`Section`] gives the
//! same key order as the Go tools (which `_docs` relies on).
//!
//! Every array may be `null` (Go writes `null` for nil slices, and hand-written
//! documents do it too), absent keys take their zero value, and unknown keys are
//! ignored, as Go's `encoding/json` does when the sherpadoc tools read a document.
//! These types are shared by the generator (which checks them) and the runtime
//! (which serves them from `_docs`).

use serde::{Deserialize, Deserializer, Serialize};

/// A section: the top-level document, or one of its nested `Sections`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Functions", default, deserialize_with = "null_default")]
    pub functions: Vec<Function>,
    #[serde(rename = "Sections", default, deserialize_with = "null_default")]
    pub sections: Vec<Section>,
    #[serde(rename = "Structs", default, deserialize_with = "null_default")]
    pub structs: Vec<Struct>,
    #[serde(rename = "Ints", default, deserialize_with = "null_default")]
    pub ints: Vec<Ints>,
    #[serde(rename = "Strings", default, deserialize_with = "null_default")]
    pub strings: Vec<Strings>,
    #[serde(
        rename = "Version",
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub version: String,
    #[serde(rename = "SherpaVersion", default, deserialize_with = "null_default")]
    pub sherpa_version: i64,
    #[serde(
        rename = "SherpadocVersion",
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "is_zero"
    )]
    pub sherpadoc_version: i64,
}

/// A function as exposed on the wire (its name is the URL path element).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Function {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Params", default, deserialize_with = "null_default")]
    pub params: Vec<Arg>,
    #[serde(rename = "Returns", default, deserialize_with = "null_default")]
    pub returns: Vec<Arg>,
}

/// A parameter or return value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Arg {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Typewords", default, deserialize_with = "null_default")]
    pub typewords: Vec<String>,
}

/// A named struct type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Struct {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Fields", default, deserialize_with = "null_default")]
    pub fields: Vec<Field>,
}

/// A struct field; `name` is the JSON key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Typewords", default, deserialize_with = "null_default")]
    pub typewords: Vec<String>,
}

/// A named integer type, with its constants. `Values: null` means "any integer".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ints {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Values", default)]
    pub values: Option<Vec<IntValue>>,
}

/// One constant of an [`Ints`] type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntValue {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Value", default, deserialize_with = "null_default")]
    pub value: i64,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
}

/// A named string type, with its constants. `Values: null` or `[]` means "any string".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Strings {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
    #[serde(rename = "Values", default)]
    pub values: Option<Vec<StringValue>>,
}

/// One constant of a [`Strings`] type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StringValue {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Value", default, deserialize_with = "null_default")]
    pub value: String,
    #[serde(rename = "Docs", default, deserialize_with = "null_default")]
    pub docs: String,
}

fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}
