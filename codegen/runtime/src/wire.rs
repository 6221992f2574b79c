//! Results handed over in their wire form.
//!
//! A function whose answer is large and made of records the server already holds as
//! JSON (a list read from a store) would otherwise pay twice: decoding each record into
//! its Rust type, then encoding the whole answer again. The code generator can give
//! such a function's trait method the return type [`Wire<T>`] instead of `T`: JSON text
//! that stands for a `T`, which the dispatcher sends as it is. [`ListWriter`] builds a
//! list answer from item texts in one buffer of known size.
//!
//! The type parameter says what the text encodes; the constructors that take text
//! ([`Wire::trusted`], [`ListWriter::push_trusted`]) cannot check it, so they are for
//! text this runtime wrote itself from a value of that type (with [`Wire::encode`] or
//! [`crate::gojson::to_vec`]), such as records a server stored in this form.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;

use crate::dispatch::{ENVELOPE_HEAD, Encoded};
use crate::error::Error;
use crate::gojson;

/// The JSON text of a value of type `T`, as Go's `encoding/json` writes it.
pub struct Wire<T: ?Sized> {
    /// The JSON from `start` on; before it, when `start` is not 0, room for the
    /// response envelope's head (see [`ListWriter::new`]).
    text: String,
    start: usize,
    of: PhantomData<fn() -> T>,
}

impl<T: ?Sized> Clone for Wire<T> {
    fn clone(&self) -> Self {
        Wire::trusted(self.as_str().to_string())
    }
}

impl<T: ?Sized> fmt::Debug for Wire<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Wire").field(&self.as_str()).finish()
    }
}

impl<T: ?Sized> PartialEq for Wire<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<T: Serialize + ?Sized> Wire<T> {
    /// Encodes `value` (the same encoding the dispatcher uses for a plain result).
    /// Values Go cannot encode (NaN, years beyond 9999) are an internal error.
    pub fn encode(value: &T) -> Result<Wire<T>, Error> {
        let bytes = gojson::to_vec(value)
            .map_err(|e| Error::internal(format!("encoding result: {}", e.0)))?;
        // The encoder writes only UTF-8.
        String::from_utf8(bytes)
            .map(Wire::trusted)
            .map_err(|e| Error::internal(e.to_string()))
    }
}

impl<T: ?Sized> Wire<T> {
    /// Text known to be a `T` in wire form: written by [`Wire::encode`] or
    /// [`gojson::to_vec`] from a `T` (for example stored that way and read back). Not
    /// checked: text of another type reaches clients as it is.
    pub fn trusted(text: String) -> Wire<T> {
        Wire {
            text,
            start: 0,
            of: PhantomData,
        }
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.text[self.start..]
    }

    /// The JSON text.
    pub fn into_string(mut self) -> String {
        self.text.drain(..self.start);
        self.text
    }
}

impl<T: ?Sized> From<Wire<T>> for Encoded {
    fn from(w: Wire<T>) -> Encoded {
        Encoded::trusted_after_head(w.text, w.start)
    }
}

impl<T> Wire<Vec<T>> {
    /// The list of `items`, in order.
    pub fn list(items: impl IntoIterator<Item = Wire<T>>) -> Wire<Vec<T>> {
        let mut w = ListWriter::new(0);
        for item in items {
            w.push(&item);
        }
        w.finish()
    }
}

/// Builds the wire form of a `Vec<T>` from the wire forms of its items.
pub struct ListWriter<T> {
    out: String,
    first: bool,
    of: PhantomData<fn() -> T>,
}

impl<T> ListWriter<T> {
    /// A writer whose buffer holds `bytes` of items (plus their commas) without
    /// growing: pass the sum of the item lengths when it is known.
    ///
    /// The buffer starts with the response envelope's head, before the list, and has
    /// room for its end: the dispatcher then sends the buffer as the answer as it is,
    /// instead of moving a long list to put the head in front (which, for an answer of
    /// tens of megabytes, held a request thread for milliseconds).
    pub fn new(bytes: usize) -> ListWriter<T> {
        let room = ENVELOPE_HEAD.len() + 2 + 2;
        let mut out = String::with_capacity(bytes.saturating_add(room));
        out.push_str(ENVELOPE_HEAD);
        out.push('[');
        ListWriter {
            out,
            first: true,
            of: PhantomData,
        }
    }

    /// Appends an item.
    pub fn push(&mut self, item: &Wire<T>) {
        self.push_trusted(item.as_str());
    }

    /// Appends an item given as text known to be a `T` in wire form (see
    /// [`Wire::trusted`]).
    pub fn push_trusted(&mut self, item: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push_str(item);
    }

    /// The list.
    pub fn finish(mut self) -> Wire<Vec<T>> {
        self.out.push(']');
        Wire {
            text: self.out,
            start: ENVELOPE_HEAD.len(),
            of: PhantomData,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        #[serde(rename = "Name")]
        name: String,
        #[serde(rename = "N")]
        n: f64,
    }

    #[test]
    fn a_list_of_encoded_items_is_the_encoded_list() {
        let items = vec![
            Item {
                name: "<a&b>".into(),
                n: 1e21,
            },
            Item {
                name: "\u{2028}".into(),
                n: 0.1,
            },
        ];
        let parts: Vec<Wire<Item>> = items.iter().map(|i| Wire::encode(i).unwrap()).collect();
        let total = parts.iter().map(|p| p.as_str().len() + 1).sum();
        let mut w = ListWriter::new(total);
        for p in &parts {
            w.push(p);
        }
        let list = w.finish();
        assert_eq!(list.as_str(), gojson::to_string(&items).unwrap());
        assert_eq!(list, Wire::list(parts));
        assert_eq!(
            Wire::<Vec<Item>>::list([]).as_str(),
            gojson::to_string(&Vec::<Item>::new()).unwrap()
        );
    }

    /// A list's buffer has room for the envelope: the answer is that buffer, nothing
    /// moved; text without room (a clone, `Wire::trusted`) gives the same answer.
    #[test]
    fn a_list_is_answered_in_its_own_buffer() {
        let items = ["a".to_string(), "<b>".to_string()];
        let mut w = ListWriter::new(16);
        for i in &items {
            w.push(&Wire::encode(i).unwrap());
        }
        let list = w.finish();
        let json = gojson::to_string(&items).unwrap();
        assert_eq!(list.as_str(), json);
        assert_eq!(list.clone().into_string(), json);
        assert_eq!(format!("{list:?}"), format!("Wire({json:?})"));
        let at = list.as_str().as_ptr();
        let plain = list.clone();
        assert_eq!(Encoded::from(list.clone()), Encoded::from(plain.clone()));
        assert_eq!(Encoded::from(list.clone()).as_str(), json);
        assert_eq!(
            format!("{:?}", Encoded::from(list.clone())),
            format!("Encoded({json:?})")
        );

        let answer = crate::dispatch::Response::result_owned(Encoded::from(list));
        assert_eq!(answer.body, format!("{{\"result\":{json}}}\n").into_bytes());
        assert_eq!(answer.body[ENVELOPE_HEAD.len()..].as_ptr(), at);
        let again = crate::dispatch::Response::result_owned(Encoded::from(plain));
        assert_eq!(again, answer);
    }

    #[test]
    fn what_go_cannot_encode_is_an_error() {
        let e = Wire::encode(&f64::NAN).unwrap_err();
        assert!(e.message.contains("unsupported value: NaN"), "{e:?}");
    }
}
