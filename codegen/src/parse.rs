//! Stage 1 of the pipeline: read a sherpadoc JSON document into [`Section`].
//!
//! Only the JSON shape and `SherpadocVersion` are checked here; run
//! [`crate::check::check`] on the result before using it.

pub use sherpa_runtime::doc::{
    Arg, Field, Function, IntValue, Ints, Section, StringValue, Strings, Struct,
};

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
/// checked here; run [`crate::check::check`] on the result before using it.
///
/// Keys are read as Go reads them: case-insensitively (`"name"` fills `Name`), and when
/// an object has a key twice, the last one wins. The tools always write `Name`,
/// `Typewords`, ... once, so such documents take a second, slower path.
pub fn parse(json: &str) -> Result<Section, ParseError> {
    // serde would also read a JSON array as a struct (fields by position); Go does not.
    if json.trim_start().starts_with('[') {
        return Err(ParseError(
            "parsing sherpadoc JSON: expected an object, got an array".into(),
        ));
    }
    let section: Section = match serde_json::from_str::<Tree>(json) {
        Ok(tree) if tree.needs_canonical_keys() => serde_json::from_value(tree.into_value())
            .map_err(|e| ParseError(format!("parsing sherpadoc JSON: {e}")))?,
        // Documents written by the tools, and invalid JSON: read directly, so errors
        // carry a line and column.
        _ => serde_json::from_str(json)
            .map_err(|e| ParseError(format!("parsing sherpadoc JSON: {e}")))?,
    };
    if section.sherpadoc_version != 1 {
        return Err(ParseError(format!(
            "unexpected sherpadoc version {}, expected 1",
            section.sherpadoc_version
        )));
    }
    Ok(section)
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

/// The key a JSON key fills, under Go's case folding (Unicode simple folding, so the
/// long s `ſ` matches `s`); `None` for keys Go ignores.
fn canonical_key(key: &str) -> Option<&'static str> {
    fn fold(c: char) -> char {
        if c.is_ascii() {
            return c.to_ascii_lowercase();
        }
        let mut upper = c.to_uppercase();
        let (Some(u), None) = (upper.next(), upper.next()) else {
            return c;
        };
        let mut lower = u.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
    if let Some(exact) = KEYS.iter().find(|k| **k == key) {
        return Some(exact);
    }
    KEYS.iter()
        .find(|k| {
            let mut a = key.chars().map(fold);
            let mut b = k.chars().map(fold);
            loop {
                match (a.next(), b.next()) {
                    (None, None) => return true,
                    (Some(x), Some(y)) if x == y => {}
                    _ => return false,
                }
            }
        })
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
    /// Whether some object has a key spelled differently from the Go field it fills, or
    /// fills one field twice.
    fn needs_canonical_keys(&self) -> bool {
        match self {
            Tree::Scalar(_) => false,
            Tree::Array(items) => items.iter().any(Tree::needs_canonical_keys),
            Tree::Object(entries) => {
                let mut seen: Vec<&str> = Vec::new();
                entries.iter().any(|(k, v)| match canonical_key(k) {
                    Some(c) if c != k || seen.contains(&c) => true,
                    Some(c) => {
                        seen.push(c);
                        v.needs_canonical_keys()
                    }
                    None => v.needs_canonical_keys(),
                })
            }
        }
    }

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
