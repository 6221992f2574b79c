//! Stage 1 of the pipeline: read a sherpadoc JSON document into [`Section`].
//!
//! Only the JSON shape and `SherpadocVersion` are checked here; run
//! `check` on the result before using it.

pub(crate) use sherpa_runtime::doc::Section;

/// Why a document could not be read. The message is one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// Reads a sherpadoc document. Only the JSON shape and `SherpadocVersion` are
/// checked here; run `check` on the result before using it.
///
/// Keys are read as Go reads them: case-insensitively (`"name"` fills `Name`), and when
/// an object has a key twice, the last one wins. The tools always write `Name`,
/// `Typewords`, ... once, so such documents take a second, slower path.
pub fn parse(json: &str) -> Result<Section, ParseError> {
    // Go's decoder refuses a byte-order mark (`invalid character 'ï' looking for
    // beginning of value`); so do we, saying what it is.
    if json.starts_with('\u{FEFF}') {
        return Err(ParseError(
            "parsing sherpadoc JSON: the file starts with a UTF-8 byte-order mark (U+FEFF), which JSON does not allow; save it without one".into(),
        ));
    }
    // serde would also read a JSON array as a struct (fields by position); Go does not.
    if json.trim_start().starts_with('[') {
        return Err(ParseError(
            "parsing sherpadoc JSON: expected an object, got an array".into(),
        ));
    }
    let section: Section = match serde_json::from_str::<NeedsCanonicalKeys>(json) {
        Ok(NeedsCanonicalKeys(true)) => {
            let tree: Tree = serde_json::from_str(json)
                .map_err(|e| ParseError(format!("parsing sherpadoc JSON: {e}")))?;
            serde_json::from_value(tree.into_value()).map_err(json_error)?
        }
        // Documents written by the tools, and invalid JSON: read directly, so errors
        // carry a line and column.
        _ => serde_json::from_str(json).map_err(json_error)?,
    };
    if section.sherpadoc_version != 1 {
        return Err(ParseError(format!(
            "unexpected sherpadoc version {}, expected 1",
            section.sherpadoc_version
        )));
    }
    Ok(section)
}

/// serde's error in our words where they are obscure: an integer too large for an int
/// enum value is read by serde_json as a float (`invalid type: floating point
/// 1.18e+21, expected i64`).
fn json_error(e: serde_json::Error) -> ParseError {
    let text = e.to_string();
    if text.starts_with("invalid type: floating point") && text.contains("expected i64") {
        let at = match (e.line(), e.column()) {
            (0, _) => String::new(),
            (line, column) => format!(" at line {line} column {column}"),
        };
        return ParseError(format!(
            "parsing sherpadoc JSON: number out of range for int64 (or not an integer){at}"
        ));
    }
    ParseError(format!("parsing sherpadoc JSON: {text}"))
}

/// Every key of every sherpadoc object, as the Go field names spell them.
const KEYS: &[&str] = &[
    "Name",
    "Docs",
    "Functions",
    "Sections",
    "Structs",
    "Ints",
    "Strings",
    "Version",
    "SherpaVersion",
    "SherpadocVersion",
    "Params",
    "Returns",
    "Typewords",
    "Fields",
    "Values",
    "Value",
];

/// The key a JSON key fills, under Go's case folding ([`sherpa_runtime::fold_eq`],
/// the rule the runtime uses for call parameters); `None` for keys Go ignores.
fn canonical_key(key: &str) -> Option<&'static str> {
    if let Some(exact) = KEYS.iter().find(|k| **k == key) {
        return Some(exact);
    }
    KEYS.iter()
        .find(|k| sherpa_runtime::fold_eq(key, k))
        .copied()
}

/// A JSON document with object keys in document order, so that "last one wins" can be
/// decided (serde_json's `Value` sorts keys).
enum Tree {
    Scalar(serde_json::Value),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

impl Tree {
    /// The document with every key that fills a field spelled as that field, later
    /// keys replacing earlier ones.
    fn into_value(self) -> serde_json::Value {
        match self {
            Tree::Scalar(v) => v,
            Tree::Array(items) => items.into_iter().map(Tree::into_value).collect(),
            Tree::Object(entries) => {
                let mut map = serde_json::Map::new();
                for (k, v) in entries {
                    let key = canonical_key(&k).map_or(k, str::to_string);
                    map.insert(key, v.into_value());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}

/// Whether some object of a document has a key spelled differently from the Go field it
/// fills, or fills one field twice: read without building the document, so that the
/// usual document costs one cheap pass more than reading it directly.
struct NeedsCanonicalKeys(bool);

impl<'de> serde::Deserialize<'de> for NeedsCanonicalKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};

        /// An object key: the field it fills, and whether it is spelled exactly so.
        struct Key;
        impl<'de> DeserializeSeed<'de> for Key {
            type Value = Option<(&'static str, bool)>;
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_str(self)
            }
        }
        impl serde::de::Visitor<'_> for Key {
            type Value = Option<(&'static str, bool)>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(canonical_key(v).map(|c| (c, c == v)))
            }
        }

        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = NeedsCanonicalKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(NeedsCanonicalKeys(false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut needs = false;
                while let Some(NeedsCanonicalKeys(n)) = a.next_element()? {
                    needs |= n;
                }
                Ok(NeedsCanonicalKeys(needs))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut needs = false;
                let mut seen: Vec<&'static str> = Vec::new();
                while let Some(key) = a.next_key_seed(Key)? {
                    if let Some((field, exact)) = key {
                        needs |= !exact || seen.contains(&field);
                        seen.push(field);
                    }
                    if needs {
                        a.next_value::<IgnoredAny>()?;
                    } else {
                        needs = a.next_value::<NeedsCanonicalKeys>()?.0;
                    }
                }
                Ok(NeedsCanonicalKeys(needs))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Tree, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Tree;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<Tree, E> {
                Ok(Tree::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Scalar(serde_json::Value::Null))
            }
            fn visit_none<E>(self) -> Result<Tree, E> {
                Ok(Tree::Scalar(serde_json::Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut items = Vec::new();
                while let Some(t) = a.next_element()? {
                    items.push(t);
                }
                Ok(Tree::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Tree, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = a.next_entry::<String, Tree>()? {
                    entries.push(entry);
                }
                Ok(Tree::Object(entries))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_like_go() {
        assert_eq!(canonical_key("Name"), Some("Name"));
        assert_eq!(canonical_key("nAME"), Some("Name"));
        assert_eq!(canonical_key("typewords"), Some("Typewords"));
        // U+017F LATIN SMALL LETTER LONG S folds to s.
        assert_eq!(canonical_key("\u{17f}tructs"), Some("Structs"));
        assert_eq!(
            canonical_key("SherpadocVer\u{17f}ion"),
            Some("SherpadocVersion")
        );
        assert_eq!(canonical_key("Nam"), None);
        assert_eq!(canonical_key("Names"), None);
        assert_eq!(canonical_key(""), None);
    }
}
