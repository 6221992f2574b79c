//! Reading Go's JSON with plain serde: `null` as the zero value.
//!
//! Go's `encoding/json` writes `null` for nil slices and maps at any depth (a field
//! `{} [] IP` may hold `{"a": null}`), and reads `null` into any non-pointer type as
//! "leave the zero value". serde's own impls reject `null` for `Vec`, maps, `String`,
//! numbers and structs, so JSON written by a Go sherpa server (or by mox's export
//! tools) would not load into the generated types.
//!
//! [`NullAsZero`] is serde's `Deserialize` with Go's rule: `null` gives the type's
//! `Default` (its Go zero value), `Option` reads `null` as `None`, and lists and maps
//! read their elements through the trait again, so nested `null`s become zero values
//! too. Generated code implements it for every named type and routes every struct
//! field through [`null_as_zero`] (`#[serde(deserialize_with = ...)]`), so
//! `serde_json::from_str::<api::Msg>(go_output)` works at any depth. For a top-level
//! `null` (a document that is just `null`, e.g. a nil slice), use [`from_str`],
//! [`from_slice`] or [`from_value`].
//!
//! Serialization is untouched: Rust values are written as they are (an empty `Vec` as
//! `[]`), which Go reads back as the same zero value.
//!
//! Parameters of calls do not need this: [`crate::Call::param`] normalises them
//! against the schema first, with Go's error messages.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// `Deserialize` with Go's `null`-is-zero rule. Implementations for named types need
/// no body: the provided method reads `null` as `Default::default()` and anything else
/// with the type's own `Deserialize` (whose fields, in generated structs, come back
/// here). Containers override it to apply the rule to their elements.
pub trait NullAsZero: Default + DeserializeOwned {
    /// Reads one value; `null` gives the zero value.
    fn deserialize_null_as_zero<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        Ok(Option::<Self>::deserialize(deserializer)?.unwrap_or_default())
    }
}

/// For `#[serde(deserialize_with = "...::de::null_as_zero")]` on struct fields.
pub fn null_as_zero<'de, D: Deserializer<'de>, T: NullAsZero>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize_null_as_zero(deserializer)
}

/// Parses JSON text into `T` with Go's rules, a top-level `null` included.
pub fn from_str<T: NullAsZero>(s: &str) -> serde_json::Result<T> {
    from_slice(s.as_bytes())
}

/// Parses JSON bytes into `T` with Go's rules, a top-level `null` included. Like
/// `serde_json::from_slice`, only whitespace may follow the value.
pub fn from_slice<T: NullAsZero>(v: &[u8]) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_slice(v);
    let value = T::deserialize_null_as_zero(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Converts a `serde_json::Value` into `T` with Go's rules.
pub fn from_value<T: NullAsZero>(v: serde_json::Value) -> serde_json::Result<T> {
    T::deserialize_null_as_zero(v)
}

macro_rules! plain {
    ($($t:ty),* $(,)?) => {
        $(impl NullAsZero for $t {})*
    };
}

plain!(
    bool,
    i8,
    u8,
    i16,
    u16,
    i32,
    u32,
    i64,
    u64,
    f32,
    f64,
    String,
    serde_json::Value,
    crate::Timestamp,
    crate::Bytes,
    crate::Int64s,
    crate::Uint64s,
);

/// Reads one element or map value through [`NullAsZero`].
struct Elem<T>(PhantomData<T>);

impl<'de, T: NullAsZero> DeserializeSeed<'de> for Elem<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_null_as_zero(deserializer)
    }
}

/// `null` is `None` (Go's nil pointer); a value is read with Go's rules.
impl<T: NullAsZero> NullAsZero for Option<T> {
    fn deserialize_null_as_zero<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: NullAsZero> Visitor<'de> for V<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                T::deserialize_null_as_zero(d).map(Some)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

/// Generated structs box fields on reference cycles.
impl<T: NullAsZero> NullAsZero for Box<T> {
    fn deserialize_null_as_zero<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        T::deserialize_null_as_zero(deserializer).map(Box::new)
    }
}

/// `null` is empty (Go's nil slice); `null` elements are zero values.
impl<T: NullAsZero> NullAsZero for Vec<T> {
    fn deserialize_null_as_zero<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: NullAsZero> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array or null")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
                d.deserialize_seq(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                // The hint comes from the input; cap what it may preallocate.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(v) = seq.next_element_seed(Elem::<T>(PhantomData))? {
                    out.push(v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

/// `null` is empty (Go's nil map); `null` values are zero values. A key given twice
/// keeps the last value, as in Go.
impl<T: NullAsZero> NullAsZero for BTreeMap<String, T> {
    fn deserialize_null_as_zero<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: NullAsZero> Visitor<'de> for V<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or null")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BTreeMap::new())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(BTreeMap::new())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value_seed(Elem::<T>(PhantomData))?;
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct S {
        #[serde(rename = "L", deserialize_with = "null_as_zero")]
        l: Vec<Vec<String>>,
        #[serde(rename = "M", deserialize_with = "null_as_zero")]
        m: BTreeMap<String, Vec<i32>>,
        #[serde(rename = "O", deserialize_with = "null_as_zero")]
        o: Option<Vec<Option<u8>>>,
        #[serde(rename = "N", deserialize_with = "null_as_zero")]
        n: f64,
        #[serde(rename = "B", deserialize_with = "null_as_zero")]
        b: Option<Box<S>>,
    }
    impl NullAsZero for S {}

    #[test]
    fn nulls_at_every_depth() {
        let s: S = serde_json::from_str(
            r#"{"L":[null,["a",null]],"M":{"x":null,"y":[1,null]},"O":[null,7],"N":null,"B":{"L":null,"B":null}}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            S {
                l: vec![vec![], vec!["a".into(), String::new()]],
                m: BTreeMap::from([("x".into(), vec![]), ("y".into(), vec![1, 0])]),
                o: Some(vec![None, Some(7)]),
                n: 0.0,
                b: Some(Box::new(S::default())),
            }
        );
        let s: S = serde_json::from_str(r#"{"L":null,"M":null,"O":null,"B":null}"#).unwrap();
        assert_eq!(s, S::default());
        // Through a serde_json::Value as well, and at the top level.
        let v = serde_json::json!([null, {"M": {"k": null}}]);
        let list: Vec<S> = from_value(v).unwrap();
        assert_eq!(list[0], S::default());
        assert_eq!(list[1].m["k"], Vec::<i32>::new());
        assert_eq!(from_str::<Vec<S>>("null").unwrap(), vec![]);
        assert_eq!(from_str::<S>(" null ").unwrap(), S::default());
        assert_eq!(from_slice::<String>(b"null").unwrap(), "");
    }

    #[test]
    fn wrong_types_still_fail() {
        assert!(serde_json::from_str::<S>(r#"{"L":"x"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"M":[1]}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"N":"1"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"O":[256]}"#).is_err());
        assert!(from_str::<Vec<S>>("null x").is_err());
    }
}
