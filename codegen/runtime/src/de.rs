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
//! too. Generated code implements it for every named type and reads every struct
//! field through it (with [`Fields`] and [`deserialize_struct`]), so
//! `serde_json::from_str::<api::Msg>(go_output)` works at any depth. Hand-written
//! types with serde's derive get the same with [`null_as_zero`]
//! (`#[serde(deserialize_with = ...)]` on each field). For a top-level
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

/// A generated struct as [`deserialize_struct`] reads it: its JSON field names, and how
/// to read the value of one of them into the struct.
///
/// Generated structs implement `Deserialize` with [`deserialize_struct`] instead of
/// serde's derive: the derive writes a key type, a sequence visitor, a map visitor and
/// two wrapper types per field (for `deserialize_with`) into every struct, which rustc
/// compiles again for each deserializer. Here the loop over the keys is written once;
/// a struct contributes only the `match` that reads field `index`.
///
/// Keys select fields as in Go's `encoding/json`: the field of that exact name, or else
/// the first whose name is the same under case folding ([`crate::fold_eq`]), so `id`
/// reads into `ID`. A missing field keeps its `Default` value and a key that selects no
/// field is skipped. Two keys selecting one field are an error (Go keeps the last
/// value, merging objects; callers that must match Go there normalise first, as
/// [`crate::Call::param`] does, or decode such input by the schema, as the client
/// does). A JSON array is not read as a struct.
pub trait Fields: Default {
    /// The struct's name, for error messages.
    const NAME: &'static str;
    /// The fields' JSON names, in declaration order; an index into this is what
    /// [`Fields::read_field`] is given.
    const FIELDS: &'static [&'static str];

    /// Reads the value of field `index` from `map` (with [`field`]) into `self`.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a map value into `slot` with Go's `null`-is-zero rule; what
/// [`Fields::read_field`] does for each field.
pub fn field<'de, A: MapAccess<'de>, T: NullAsZero>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(Elem::<T>(PhantomData))?;
    Ok(())
}

/// `Deserialize::deserialize` of a generated struct (see [`Fields`]).
pub fn deserialize_struct<'de, D: Deserializer<'de>, T: Fields>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor::<T>(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let names = T::FIELDS;
        let mut out = T::default();
        // Which fields were read: bits for the first 64, a list past them.
        let mut seen_low = 0u64;
        let mut seen_high = vec![false; names.len().saturating_sub(64)];
        let mut next = 0;
        while let Some(key) = map.next_key_seed(FieldKey { names, next })? {
            let Some(index) = key else {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            };
            let again = if index < 64 {
                let bit = 1u64 << index;
                let was = seen_low & bit != 0;
                seen_low |= bit;
                was
            } else {
                std::mem::replace(&mut seen_high[index - 64], true)
            };
            if again {
                return Err(serde::de::Error::duplicate_field(names[index]));
            }
            out.read_field(index, &mut map)?;
            next = index + 1;
        }
        Ok(out)
    }
}

/// A map key as the index of the field it selects, or `None` for a key that selects
/// none. Keys usually come in declaration order, so the field after the previous key is
/// tried first; case folding only for a key no name equals.
struct FieldKey {
    names: &'static [&'static str],
    next: usize,
}

impl FieldKey {
    fn find(&self, key: &str) -> Option<usize> {
        if self.names.get(self.next).is_some_and(|n| *n == key) {
            return Some(self.next);
        }
        // Length and last byte first: most names differ there, which spares a call to
        // compare the bytes (and field names often share their first letters).
        let last = key.as_bytes().last();
        (self.names.iter())
            .position(|n| n.len() == key.len() && n.as_bytes().last() == last && *n == key)
            .or_else(|| self.names.iter().position(|n| crate::fold_eq(key, n)))
    }
}

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.find(key))
    }
    fn visit_bytes<E: serde::de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key).ok().and_then(|key| self.find(key)))
    }
    /// Formats that name fields by position.
    fn visit_u64<E: serde::de::Error>(self, index: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(index)
            .ok()
            .filter(|&i| i < self.names.len()))
    }
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

    /// As generated code writes a struct: `Fields` and a `Deserialize` calling
    /// `deserialize_struct`.
    #[derive(Debug, Default, PartialEq)]
    struct S {
        l: Vec<Vec<String>>,
        m: BTreeMap<String, Vec<i32>>,
        o: Option<Vec<Option<u8>>>,
        n: f64,
        b: Option<Box<S>>,
    }
    impl NullAsZero for S {}
    impl<'de> Deserialize<'de> for S {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_struct(d)
        }
    }
    impl Fields for S {
        const NAME: &'static str = "S";
        const FIELDS: &'static [&'static str] = &["L", "M", "O", "N", "B"];
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => field(map, &mut self.l),
                1 => field(map, &mut self.m),
                2 => field(map, &mut self.o),
                3 => field(map, &mut self.n),
                4 => field(map, &mut self.b),
                _ => Ok(()),
            }
        }
    }

    /// 70 fields, so that some are past the first 64 the duplicate check keeps as bits.
    #[derive(Debug, PartialEq)]
    struct Wide(Vec<u32>);
    impl Default for Wide {
        fn default() -> Self {
            Wide(vec![0; 70])
        }
    }
    const WIDE: [&str; 70] = [
        "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
        "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26",
        "f27", "f28", "f29", "f30", "f31", "f32", "f33", "f34", "f35", "f36", "f37", "f38", "f39",
        "f40", "f41", "f42", "f43", "f44", "f45", "f46", "f47", "f48", "f49", "f50", "f51", "f52",
        "f53", "f54", "f55", "f56", "f57", "f58", "f59", "f60", "f61", "f62", "f63", "f64", "f65",
        "f66", "f67", "f68", "f69",
    ];
    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_struct(d)
        }
    }
    impl Fields for Wide {
        const NAME: &'static str = "Wide";
        const FIELDS: &'static [&'static str] = &WIDE;
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            field(map, &mut self.0[index])
        }
    }

    #[test]
    fn struct_fields_in_any_order_unknown_skipped_duplicates_refused() {
        let s: S =
            serde_json::from_str(r#"{"N":2,"x":{"deep":[1]},"L":[["a"]],"B":null}"#).unwrap();
        assert_eq!(
            s,
            S {
                l: vec![vec!["a".into()]],
                n: 2.0,
                ..S::default()
            }
        );
        // Keys select fields as in Go: in other case too, the exact name first.
        let s: S = serde_json::from_str(r#"{"n":2,"l":[["b"]],"ſ":1}"#).unwrap();
        assert_eq!((s.n, s.l), (2.0, vec![vec!["b".to_string()]]));
        let e = serde_json::from_str::<S>(r#"{"N":1,"L":[],"N":2}"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate field `N` at line 1 column 17");
        let e = serde_json::from_str::<S>(r#"{"N":1,"n":2}"#).unwrap_err();
        assert_eq!(e.to_string(), "duplicate field `N` at line 1 column 10");
        let e = serde_json::from_str::<S>("[[], {}, null, 1, null]").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid type: sequence, expected struct S"),
            "{e}"
        );
        let e = serde_json::from_str::<S>(r#"{"N":"1"}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid type: string \"1\", expected f64"),
            "{e}"
        );
        // The same through a `serde_json::Value`.
        let v = serde_json::json!({"M": {"k": [null, 3]}, "O": null, "?": 1});
        let s: S = serde_json::from_value(v).unwrap();
        assert_eq!(s.m["k"], vec![0, 3]);

        let mut json = String::from("{");
        for (i, name) in WIDE.iter().enumerate() {
            json.push_str(&format!("\"{name}\":{i},"));
        }
        json.pop();
        json.push('}');
        let w: Wide = serde_json::from_str(&json).unwrap();
        assert_eq!(w.0[0], 0);
        assert_eq!(w.0[69], 69);
        for twice in ["f0", "f63", "f64", "f69"] {
            let e = serde_json::from_str::<Wide>(&format!(r#"{{"{twice}":1,"f2":2,"{twice}":3}}"#))
                .unwrap_err();
            assert!(
                e.to_string()
                    .starts_with(&format!("duplicate field `{twice}`")),
                "{e}"
            );
        }
    }

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
