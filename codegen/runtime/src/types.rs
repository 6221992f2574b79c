//! Value types with Go's JSON behaviour, used by generated code for the sherpadoc
//! type words `timestamp`, `[] uint8`, `int64s` and `uint64s`.

use std::fmt;
use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::gotime;

/// A point in time with its own UTC offset, written and read as Go writes and reads
/// `time.Time` in JSON: RFC 3339 with nanoseconds, trailing fraction zeros removed,
/// `Z` for a zero offset (`2024-01-02T03:04:05.6+01:00`, `2024-01-02T03:04:05Z`).
///
/// Reading is strict RFC 3339 (upper-case `T`, a zone, any number of fraction digits,
/// truncated to nanoseconds); errors carry Go's `parsing time ...` messages. The
/// default is Go's zero time `0001-01-01T00:00:00Z`, which is also what `null` reads as.
/// Equality and ordering compare instants (offsets are ignored), like Go's `Equal`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// Go's zero time, `0001-01-01T00:00:00Z`.
    pub fn zero() -> Timestamp {
        // 0001-01-01T00:00:00Z as seconds since the Unix epoch.
        Timestamp::from_unix(-62_135_596_800, 0)
            .unwrap_or_else(|| Timestamp(DateTime::<Utc>::default().fixed_offset()))
    }

    /// Whether this is Go's zero time (the same instant).
    pub fn is_zero(&self) -> bool {
        *self == Timestamp::zero()
    }

    /// The instant `secs` seconds and `nanos` nanoseconds after the Unix epoch, in UTC;
    /// `None` outside chrono's range or for `nanos` of a second or more.
    pub fn from_unix(secs: i64, nanos: u32) -> Option<Timestamp> {
        DateTime::<Utc>::from_timestamp(secs, nanos).map(|t| Timestamp(t.fixed_offset()))
    }

    /// The current time, in UTC.
    pub fn now() -> Timestamp {
        Timestamp(Utc::now().fixed_offset())
    }

    /// Parses strict RFC 3339 like Go's `time.Time.UnmarshalJSON` (without the JSON
    /// quotes). The error is Go's message, e.g. `parsing time "x" as
    /// "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"`.
    pub fn parse(s: &str) -> Result<Timestamp, String> {
        Timestamp::parse_bytes(s.as_bytes())
    }

    pub(crate) fn parse_bytes(s: &[u8]) -> Result<Timestamp, String> {
        let p = gotime::parse(s)?;
        let naive = NaiveDate::from_ymd_opt(p.year, p.month, p.day)
            .and_then(|d| d.and_hms_nano_opt(p.hour, p.min, p.sec, p.nsec));
        let offset = FixedOffset::east_opt(p.offset);
        match (naive, offset) {
            (Some(naive), Some(offset)) => match offset.from_local_datetime(&naive).single() {
                Some(dt) => Ok(Timestamp(dt)),
                None => Err(format!(
                    "parsing time {}: out of range",
                    crate::gojson::quote_bytes(s)
                )),
            },
            _ => Err(format!(
                "parsing time {}: out of range",
                crate::gojson::quote_bytes(s)
            )),
        }
    }

    fn parts(&self) -> gotime::Parts {
        let dt = &self.0;
        let nsec = dt.nanosecond();
        // chrono represents a leap second as nanoseconds >= 1e9; Go has no leap seconds.
        let (sec, nsec) = if nsec >= 1_000_000_000 {
            (dt.second() + 1, nsec - 1_000_000_000)
        } else {
            (dt.second(), nsec)
        };
        gotime::Parts {
            year: dt.year(),
            month: dt.month(),
            day: dt.day(),
            hour: dt.hour(),
            min: dt.minute(),
            sec,
            nsec,
            offset: dt.offset().local_minus_utc(),
        }
    }

    /// The inner chrono value.
    pub fn into_inner(self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl Default for Timestamp {
    fn default() -> Self {
        Timestamp::zero()
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(dt: DateTime<Tz>) -> Self {
        Timestamp(dt.fixed_offset())
    }
}

impl From<Timestamp> for DateTime<FixedOffset> {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

/// Go's JSON form (without quotes); years outside 0..=9999, which Go refuses to
/// encode, are written in full.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(35);
        gotime::format_lenient(&self.parts(), &mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = String::with_capacity(35);
        match gotime::format(&self.parts(), &mut s) {
            Ok(()) => serializer.serialize_str(&s),
            Err(e) => Err(serde::ser::Error::custom(format!(
                "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: {e}"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Timestamp, E> {
                Ok(Timestamp::zero())
            }
            fn visit_none<E: de::Error>(self) -> Result<Timestamp, E> {
                Ok(Timestamp::zero())
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Bytes, written as standard base64 with padding (Go's `[]byte`). Reading accepts
/// base64 as Go's decoder does (padding required; CR and LF ignored) or an array of
/// integers 0..=255; `null` reads as empty. Empty bytes are written as `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Deref for Bytes {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Bytes {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes(v.to_vec())
    }
}

impl From<Bytes> for Vec<u8> {
    fn from(b: Bytes) -> Self {
        b.0
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::gojson::base64_encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string or an array of bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Bytes, E> {
                go_base64_decode(v.as_bytes())
                    .map(Bytes)
                    .map_err(|at| E::custom(format!("illegal base64 data at input byte {at}")))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Bytes, E> {
                Ok(Bytes::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Bytes, E> {
                Ok(Bytes::default())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Decodes standard base64 exactly as Go's `base64.StdEncoding.Decode`: padding is
/// required, CR and LF are skipped anywhere, non-zero trailing bits are accepted.
/// The error is the input offset Go reports (`illegal base64 data at input byte N`).
pub(crate) fn go_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    fn val(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let is_nl = |c: u8| c == b'\n' || c == b'\r';
    let mut dst = Vec::with_capacity(src.len() / 4 * 3 + 3);
    let mut si = 0;
    loop {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(dst);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if is_nl(c) {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && is_nl(src[si]) {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && is_nl(src[si]) {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let v = (dbuf[0] as u32) << 18
            | (dbuf[1] as u32) << 12
            | (dbuf[2] as u32) << 6
            | dbuf[3] as u32;
        let b = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        dst.extend_from_slice(&b[..dlen - 1]);
        if let Some(at) = trailing {
            return Err(at);
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)`, with its error message
/// (`strconv.ParseInt: parsing "x": invalid syntax` / `value out of range`).
pub(crate) fn go_parse_int(s: &[u8]) -> Result<i64, String> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let syntax = || {
        format!(
            "strconv.ParseInt: parsing {}: invalid syntax",
            crate::gojson::quote_bytes(s)
        )
    };
    let range = || {
        format!(
            "strconv.ParseInt: parsing {}: value out of range",
            crate::gojson::quote_bytes(s)
        )
    };
    let un = match parse_digits(digits) {
        Ok(v) => v,
        Err(DigitsError::Syntax) => return Err(syntax()),
        Err(DigitsError::Range) => return Err(range()),
    };
    if neg {
        if un > 1u64 << 63 {
            return Err(range());
        }
        Ok((un as i64).wrapping_neg())
    } else {
        i64::try_from(un).map_err(|_| range())
    }
}

/// Like Go's `strconv.ParseUint(s, 10, 64)` (no sign allowed).
pub(crate) fn go_parse_uint(s: &[u8]) -> Result<u64, String> {
    parse_digits(s).map_err(|e| {
        format!(
            "strconv.ParseUint: parsing {}: {}",
            crate::gojson::quote_bytes(s),
            e.text()
        )
    })
}

/// A `uint64s` value: decimal digits as [`go_parse_uint`] reads them, and also after a
/// `+` and as `-0`, as Go's `sherpa.Uint64s` (which parses with a signed parser) reads
/// them. Other negative values are refused (Go would wrap them around). Errors quote
/// the whole text, as Go's do.
pub(crate) fn go_parse_uint64s(s: &[u8]) -> Result<u64, String> {
    match s {
        [b'-', zeros @ ..] if !zeros.is_empty() && zeros.iter().all(|&b| b == b'0') => Ok(0),
        [b'+', digits @ ..] if !digits.is_empty() => parse_digits(digits).map_err(|e| {
            format!(
                "strconv.ParseUint: parsing {}: {}",
                crate::gojson::quote_bytes(s),
                e.text()
            )
        }),
        _ => go_parse_uint(s),
    }
}

enum DigitsError {
    Syntax,
    Range,
}

impl DigitsError {
    /// Go's words for it.
    fn text(&self) -> &'static str {
        match self {
            DigitsError::Syntax => "invalid syntax",
            DigitsError::Range => "value out of range",
        }
    }
}

/// Go's digit loop: the first bad character is a syntax error, but an overflow seen
/// before it is reported as a range error.
fn parse_digits(s: &[u8]) -> Result<u64, DigitsError> {
    if s.is_empty() {
        return Err(DigitsError::Syntax);
    }
    let mut n: u64 = 0;
    for &c in s {
        if !c.is_ascii_digit() {
            return Err(DigitsError::Syntax);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add((c - b'0') as u64))
            .ok_or(DigitsError::Range)?;
    }
    Ok(n)
}

/// An int64 written as a JSON string (`"123"`), read from a decimal string or an
/// integer number; `null` reads as 0. Strings must be plain decimal (an optional sign
/// and digits): `" 12"` and `"1.5"` are rejected, as by Go's `sherpa.Int64s`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Int64s(pub i64);

/// A uint64 written as a JSON string, read from a decimal string or a non-negative
/// integer number; `null` reads as 0. Unlike Go's `sherpa.Uint64s` (which parses with
/// a signed parser), the whole uint64 range is accepted and negative values rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uint64s(pub u64);

impl From<i64> for Int64s {
    fn from(v: i64) -> Self {
        Int64s(v)
    }
}

impl From<Int64s> for i64 {
    fn from(v: Int64s) -> Self {
        v.0
    }
}

impl From<u64> for Uint64s {
    fn from(v: u64) -> Self {
        Uint64s(v)
    }
}

impl From<Uint64s> for u64 {
    fn from(v: Uint64s) -> Self {
        v.0
    }
}

impl fmt::Display for Int64s {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for Uint64s {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Int64s {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl Serialize for Uint64s {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Int64s {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int64s;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string of decimal digits")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int64s, E> {
                go_parse_int(v.as_bytes()).map(Int64s).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int64s, E> {
                Ok(Int64s(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int64s, E> {
                i64::try_from(v).map(Int64s).map_err(|_| {
                    E::custom(format!(
                        "strconv.ParseInt: parsing \"{v}\": value out of range"
                    ))
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int64s, E> {
                Err(E::custom(format!(
                    "strconv.ParseInt: parsing \"{v}\": invalid syntax"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Int64s, E> {
                Ok(Int64s(0))
            }
            fn visit_none<E: de::Error>(self) -> Result<Int64s, E> {
                Ok(Int64s(0))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Uint64s {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Uint64s;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer or a string of decimal digits")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Uint64s, E> {
                go_parse_uint(v.as_bytes()).map(Uint64s).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Uint64s, E> {
                u64::try_from(v).map(Uint64s).map_err(|_| {
                    E::custom(format!(
                        "strconv.ParseUint: parsing \"{v}\": invalid syntax"
                    ))
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Uint64s, E> {
                Ok(Uint64s(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Uint64s, E> {
                Err(E::custom(format!(
                    "strconv.ParseUint: parsing \"{v}\": invalid syntax"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Uint64s, E> {
                Ok(Uint64s(0))
            }
            fn visit_none<E: de::Error>(self) -> Result<Uint64s, E> {
                Ok(Uint64s(0))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js<T: Serialize>(v: &T) -> String {
        crate::gojson::to_string(v).unwrap()
    }

    #[test]
    fn timestamps_from_unix_time() {
        let t = Timestamp::from_unix(1_704_067_200, 5).unwrap();
        assert_eq!(js(&t), r#""2024-01-01T00:00:00.000000005Z""#);
        assert!(Timestamp::from_unix(-62_135_596_800, 0).unwrap().is_zero());
        assert_eq!(Timestamp::from_unix(0, 1_000_000_000), None);
        assert_eq!(Timestamp::from_unix(i64::MAX, 0), None);
    }

    #[test]
    fn timestamp_round_trip() {
        assert_eq!(js(&Timestamp::default()), r#""0001-01-01T00:00:00Z""#);
        assert!(Timestamp::default().is_zero());
        for s in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.6+01:00",
            "2024-01-02T03:04:05.123456789Z",
            "2024-01-24T10:00:00.000001+01:00",
            "0000-01-01T00:00:00+01:00",
        ] {
            let t: Timestamp = serde_json::from_str(&format!("\"{s}\"")).unwrap();
            assert_eq!(js(&t), format!("\"{s}\""));
            assert_eq!(t.to_string(), s);
        }
        // An explicit zero offset is written as Z, like Go.
        let t = Timestamp::parse("2024-01-02T03:04:05.100+00:00").unwrap();
        assert_eq!(js(&t), r#""2024-01-02T03:04:05.1Z""#);
        let t = Timestamp::parse("2024-01-02T03:04:05-00:00").unwrap();
        assert_eq!(t.to_string(), "2024-01-02T03:04:05Z");
        let t: Timestamp = serde_json::from_str("null").unwrap();
        assert!(t.is_zero());
    }

    #[test]
    fn timestamp_rejects() {
        for s in [
            "",
            "2024-01-02",
            "2024-01-02t03:04:05Z",
            "2024-01-02T03:04:05z",
            "12345-01-02T03:04:05Z",
        ] {
            assert!(Timestamp::parse(s).is_err(), "{s}");
        }
        assert!(serde_json::from_str::<Timestamp>("5").is_err());
        let t = Timestamp(DateTime::parse_from_rfc3339("9999-12-31T23:00:00-05:00").unwrap());
        assert_eq!(js(&t), r#""9999-12-31T23:00:00-05:00""#);
        let utc = t.0.with_timezone(&Utc);
        assert_eq!(
            crate::gojson::to_vec(&Timestamp::from(utc)).unwrap_err().0,
            "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]"
        );
    }

    #[test]
    fn bytes() {
        assert_eq!(js(&Bytes(b"hello".to_vec())), r#""aGVsbG8=""#);
        assert_eq!(js(&Bytes::default()), r#""""#);
        let b: Bytes = serde_json::from_str(r#""aGVsbG8=""#).unwrap();
        assert_eq!(b.0, b"hello");
        let b: Bytes = serde_json::from_str("[104,105]").unwrap();
        assert_eq!(b.0, b"hi");
        let b: Bytes = serde_json::from_str("null").unwrap();
        assert!(b.is_empty());
        assert!(serde_json::from_str::<Bytes>("[256]").is_err());
        let e = serde_json::from_str::<Bytes>(r#""aGVsbG8""#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("illegal base64 data at input byte 4"),
            "{e}"
        );
    }

    #[test]
    fn base64_like_go() {
        assert_eq!(go_base64_decode(b"").unwrap(), b"");
        assert_eq!(go_base64_decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(go_base64_decode(b"aGVs\r\nbG8=").unwrap(), b"hello");
        assert_eq!(go_base64_decode(b"aQ==").unwrap(), b"i");
        assert_eq!(go_base64_decode(b"aR==").unwrap(), b"i"); // non-zero trailing bits
        assert_eq!(go_base64_decode(b"aGVsbG8"), Err(4));
        assert_eq!(go_base64_decode(b"a"), Err(0));
        assert_eq!(go_base64_decode(b"aGk=x"), Err(4));
        assert_eq!(go_base64_decode(b"a==="), Err(1));
        assert_eq!(go_base64_decode(b"aQ="), Err(3));
        assert_eq!(go_base64_decode(b"aQ=x"), Err(2));
        assert_eq!(go_base64_decode(b"ab!d"), Err(2));
        assert_eq!(go_base64_decode(b"aGVsbG8-"), Err(7));
    }

    #[test]
    fn int64s() {
        assert_eq!(js(&Int64s(-5)), r#""-5""#);
        assert_eq!(js(&Uint64s(u64::MAX)), r#""18446744073709551615""#);
        for (input, want) in [
            (r#""123""#, 123),
            ("123", 123),
            ("null", 0),
            (r#""-9223372036854775808""#, i64::MIN),
            (r#""+7""#, 7),
        ] {
            assert_eq!(
                serde_json::from_str::<Int64s>(input).unwrap().0,
                want,
                "{input}"
            );
        }
        for input in [
            r#""abc""#,
            r#""1.5""#,
            r#"" 12""#,
            "1.5",
            r#""""#,
            r#""9223372036854775808""#,
        ] {
            assert!(serde_json::from_str::<Int64s>(input).is_err(), "{input}");
        }
        assert_eq!(
            go_parse_int(b"abc").unwrap_err(),
            r#"strconv.ParseInt: parsing "abc": invalid syntax"#
        );
        assert_eq!(
            go_parse_int(b"99999999999999999999x").unwrap_err(),
            r#"strconv.ParseInt: parsing "99999999999999999999x": value out of range"#
        );
        assert_eq!(
            go_parse_int(b"-9223372036854775809").unwrap_err(),
            r#"strconv.ParseInt: parsing "-9223372036854775809": value out of range"#
        );
        assert_eq!(
            serde_json::from_str::<Uint64s>(r#""18446744073709551615""#)
                .unwrap()
                .0,
            u64::MAX
        );
        assert!(serde_json::from_str::<Uint64s>(r#""-1""#).is_err());
        assert!(serde_json::from_str::<Uint64s>("-1").is_err());
    }
}
