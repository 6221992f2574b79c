//! The client side of a sherpa API (feature `client`): what generated Rust clients run
//! on.
//!
//! A call is what the runtime's server side answers: a `POST` of `{"params":[…]}` with
//! `Content-Type: application/json` to the base URL plus the function name. Parameters
//! are written with the same Go-compatible encoder the server uses for results; results
//! are read with Go's rules, so `null` lists and maps come out empty, `int64s` may be
//! strings or numbers, timestamps keep their offsets, unknown enum values are kept and
//! unknown fields ignored. A result whose keys are exactly the fields' names is read in
//! one serde pass; any other goes through the decoder the server uses for parameters
//! (see [`decode_response`]).
//!
//! Every failure is one [`Error`] with a code, the same codes as the TypeScript client:
//! the server's own code and message for a sherpa error, `sherpa:badFunction` for HTTP
//! 404, `sherpa:http` for any other status than 200, `sherpa:badResponse` for a body
//! that is not a sherpa response, `sherpa:badTypes` (naming the path) for a result that
//! does not match the schema, `sherpa:badData` for parameters that cannot be encoded,
//! `sherpa:connection` and `sherpa:timeout`.
//!
//! One [`Client`] holds one connection pool and one cookie jar (cookies set by the
//! server, several of them, are sent back; `Max-Age=0` removes one), and is cheap to
//! clone: clones share both, and the headers set with [`Client::set_header`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::decode::decode_params;
use crate::error::Error;
use crate::gojson;
use crate::jsonparse::{self, Node, Value};
use crate::schema::{ArgDef, FunctionDef, Schema};

/// The HTTP client underneath, for [`ClientBuilder::http_client`].
pub use reqwest;
/// Header types for [`ClientBuilder::header`], [`Client::set_header`] and authentication
/// hooks, so that callers need no dependency of their own for them.
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Codes of the failures the client itself detects.
pub mod codes {
    /// The parameters cannot be encoded as JSON (nothing was sent).
    pub const BAD_DATA: &str = "sherpa:badData";
    /// The server does not have the function (HTTP 404).
    pub const BAD_FUNCTION: &str = "sherpa:badFunction";
    /// Any other HTTP status than 200.
    pub const HTTP: &str = "sherpa:http";
    /// The response is not a sherpa response.
    pub const BAD_RESPONSE: &str = "sherpa:badResponse";
    /// The result does not match the schema.
    pub const BAD_TYPES: &str = "sherpa:badTypes";
    /// The request failed: refused, dropped, an invalid URL.
    pub const CONNECTION: &str = "sherpa:connection";
    /// The timeout passed before the answer arrived.
    pub const TIMEOUT: &str = "sherpa:timeout";
}

/// A hook that adds authentication to every request (e.g. a bearer token from a store
/// that refreshes it), called just before the request is sent.
pub type AuthHook = dyn Fn(&mut HeaderMap) + Send + Sync;

/// How to make a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    timeout: Option<Duration>,
    headers: HeaderMap,
    auth: Option<Arc<AuthHook>>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Each call fails with `sherpa:timeout` when its answer has not arrived after
    /// `timeout`. The default is no timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with every call.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// A hook that may add headers to every request, after the fixed ones.
    pub fn auth(mut self, hook: impl Fn(&mut HeaderMap) + Send + Sync + 'static) -> Self {
        self.auth = Some(Arc::new(hook));
        self
    }

    /// Uses this HTTP client (its pool, TLS and proxy settings) instead of a new one.
    /// Cookies are then kept only if it was built with a cookie store.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client. Fails with `sherpa:connection` when the base URL is not an absolute
    /// URL or the HTTP client cannot be made.
    pub fn build(self) -> Result<Client, Error> {
        let mut base = reqwest::Url::parse(&self.base_url).map_err(|e| {
            Error::new(
                codes::CONNECTION,
                format!("invalid base URL {:?}: {e}", self.base_url),
            )
        })?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .map_err(|e| Error::new(codes::CONNECTION, format!("making HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                timeout: self.timeout,
                headers: Mutex::new(self.headers),
                auth: self.auth,
            }),
        })
    }
}

/// A client for one sherpa API at one base URL.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: reqwest::Url,
    timeout: Option<Duration>,
    /// Sent with every call; changed by [`Client::set_header`] (e.g. a CSRF token after
    /// a login).
    headers: Mutex<HeaderMap>,
    auth: Option<Arc<AuthHook>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the API at `base_url` (e.g. `https://mail.example.org/admin/api/`;
    /// a missing trailing slash is added), with a cookie jar and no timeout.
    pub fn new(base_url: &str) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    /// A builder for a client with a timeout, headers or an authentication hook.
    pub fn builder(base_url: &str) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.to_string(),
            timeout: None,
            headers: HeaderMap::new(),
            auth: None,
            http: None,
        }
    }

    /// The base URL, with its trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// Sets (or with `None` removes) a header sent with every later call of this client
    /// and its clones.
    pub fn set_header(&self, name: HeaderName, value: Option<HeaderValue>) {
        let mut headers = self.inner.headers.lock().unwrap_or_else(|e| e.into_inner());
        match value {
            Some(v) => {
                headers.insert(name, v);
            }
            None => {
                headers.remove(name);
            }
        }
    }

    /// Calls `function` of `schema` with `params` and decodes its result into `R` (`()`
    /// for no returns, a tuple for several).
    pub async fn call<R: DeserializeOwned>(
        &self,
        schema: &'static Schema,
        function: &str,
        params: Params,
    ) -> Result<R, Error> {
        let def = schema
            .function(function)
            .ok_or_else(|| not_in_schema(function))?;
        let body = params.into_body()?;
        let (status, text) = self.post(function, body).await?;
        decode_answer(schema, def, status, &text)
    }

    /// Sends one call and returns the status and body text.
    async fn post(&self, function: &str, body: Vec<u8>) -> Result<(u16, String), Error> {
        let inner = &*self.inner;
        let url = inner
            .base
            .join(&function_path(function))
            .map_err(|e| Error::new(codes::CONNECTION, format!("URL for {function:?}: {e}")))?;
        let mut headers = inner
            .headers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(auth) = &inner.auth {
            auth(&mut headers);
        }
        let mut req = inner.http.post(url).headers(headers).body(body);
        if let Some(t) = inner.timeout {
            req = req.timeout(t);
        }
        let resp = req.send().await.map_err(transport_error)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(transport_error)?;
        Ok((status, text))
    }
}

/// The error for a function the schema does not have.
fn not_in_schema(function: &str) -> Error {
    Error::new(
        codes::BAD_FUNCTION,
        format!("function {} is not in the schema", gojson::quote(function)),
    )
}

/// Turns the answer to a call of `function` (its HTTP status and body) into the
/// function's result or its error, exactly as [`Client::call`] does: for a caller that
/// sends requests its own way (another HTTP stack, a queue, a recorded session).
pub fn decode_response<R: DeserializeOwned>(
    schema: &'static Schema,
    function: &str,
    status: u16,
    body: &str,
) -> Result<R, Error> {
    let def = schema
        .function(function)
        .ok_or_else(|| not_in_schema(function))?;
    decode_answer(schema, def, status, body)
}

/// [`decode_response`] for a function already looked up.
fn decode_answer<R: DeserializeOwned>(
    schema: &'static Schema,
    def: &'static FunctionDef,
    status: u16,
    body: &str,
) -> Result<R, Error> {
    let function = def.name;
    if status == 200
        && let Some(result) = exact_result(body)
    {
        return Ok(result);
    }
    let node = result_node(status, body, function)?;
    let value = decode_result(schema, function, def.returns, &node)?;
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            codes::BAD_TYPES,
            format!("result of {}: {e}", gojson::quote(function)),
        )
    })
}

/// The parameters of one call, in order, each encoded as Go encodes it (the encoder
/// the server side uses for results). Any number of them: generated clients push one
/// per schema parameter.
#[derive(Debug, Default)]
pub struct Params {
    body: Vec<u8>,
    count: usize,
    /// The first parameter that could not be encoded (e.g. a NaN float), reported by
    /// [`Client::call`] before anything is sent.
    error: Option<String>,
}

impl Params {
    /// No parameters yet.
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds the next parameter.
    pub fn push<T: Serialize + ?Sized>(&mut self, value: &T) {
        if self.error.is_some() {
            return;
        }
        match gojson::to_vec(value) {
            Ok(encoded) => {
                self.body.push(if self.count == 0 { b'[' } else { b',' });
                self.body.extend_from_slice(&encoded);
                self.count += 1;
            }
            Err(e) => self.error = Some(format!("encoding parameter {}: {e}", self.count)),
        }
    }

    /// [`Params::push`] as a chain: `Params::new().arg(&a).arg(&b)`.
    pub fn arg<T: Serialize + ?Sized>(mut self, value: &T) -> Params {
        self.push(value);
        self
    }

    /// `{"params":[…]}`, or why a parameter could not be encoded.
    fn into_body(self) -> Result<Vec<u8>, Error> {
        if let Some(e) = self.error {
            return Err(Error::new(codes::BAD_DATA, e));
        }
        let mut body = Vec::with_capacity(self.body.len() + 12);
        body.extend_from_slice(b"{\"params\":");
        if self.count == 0 {
            body.push(b'[');
        }
        body.extend_from_slice(&self.body);
        body.extend_from_slice(b"]}");
        Ok(body)
    }
}

/// A function name as a URL path segment: percent-encoded where a URL needs it, since
/// the server takes the whole remaining path, decoded, as the name.
fn function_path(function: &str) -> String {
    let mut out = String::with_capacity(function.len());
    for b in function.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why a request failed before a response arrived, as the TypeScript client says it:
/// `sherpa:timeout`, or `sherpa:connection` with the underlying cause.
fn transport_error(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::new(codes::TIMEOUT, "request timeout");
    }
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    Error::new(codes::CONNECTION, format!("connection failed: {detail}"))
}

/// The result of a successful response read in one pass with serde, when that pass
/// reads it as Go would: keys select fields as in Go (exact name, else case folding;
/// see [`crate::de::Fields`]), unknown keys are ignored, `null` lists and maps are
/// empty, `int64s`, timestamps and enums read as Go reads them. Anything the pass
/// refuses (two keys for one field, where Go would keep the last; a type error; an
/// `error` in the response) returns `None`, and the response is decoded by Go's rules
/// against the schema instead, which also gives Go's error messages.
fn exact_result<R: DeserializeOwned>(body: &str) -> Option<R> {
    serde_json::from_str::<Envelope<R>>(body)
        .ok()
        .map(|Envelope(result)| result)
}

/// A response object with a `result` and at most a `null` `error`; other keys are
/// ignored.
struct Envelope<R>(R);

impl<'de, R: serde::Deserialize<'de>> serde::Deserialize<'de> for Envelope<R> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor<R>(std::marker::PhantomData<R>);
        impl<'de, R: serde::Deserialize<'de>> serde::de::Visitor<'de> for EnvelopeVisitor<R> {
            type Value = Envelope<R>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sherpa response object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                use serde::de::{Error as _, IgnoredAny};
                let mut result = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "result" if result.is_none() => result = Some(map.next_value::<R>()?),
                        "error" => {
                            if map.next_value::<Option<IgnoredAny>>()?.is_some() {
                                return Err(A::Error::custom("an error"));
                            }
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                result
                    .map(Envelope)
                    .ok_or_else(|| A::Error::custom("no result"))
            }
        }
        d.deserialize_map(EnvelopeVisitor(std::marker::PhantomData))
    }
}

/// The `result` of a response, parsed once (the tree borrows `text`), or the error the
/// response stands for. The body must be exactly one JSON value, as for the TypeScript
/// client's `JSON.parse`; duplicate keys count as their last occurrence.
fn result_node<'t>(status: u16, text: &'t str, function: &str) -> Result<Node<'t>, Error> {
    if status != 200 {
        return Err(status_error(status, text, function));
    }
    let bad_json = || Error::new(codes::BAD_RESPONSE, "bad JSON from server");
    let node = jsonparse::parse_first(text.as_bytes()).map_err(|_| bad_json())?;
    let end = node.raw.as_ptr() as usize - text.as_ptr() as usize + node.raw.len();
    if !text.as_bytes()[end..].iter().all(u8::is_ascii_whitespace) {
        return Err(bad_json());
    }
    let Value::Object(members) = node.value else {
        return Err(Error::new(
            codes::BAD_RESPONSE,
            "invalid sherpa response object, not an object",
        ));
    };
    let mut result = None;
    let mut error = None;
    for (key, value) in members {
        match &*key {
            "result" => result = Some(value),
            "error" => error = Some(value),
            _ => {}
        }
    }
    if let Some(e) = error.filter(|e| !matches!(e.value, Value::Null)) {
        return Err(server_error(&e));
    }
    result.ok_or_else(|| {
        Error::new(
            codes::BAD_RESPONSE,
            "invalid sherpa response object, missing 'result'",
        )
    })
}

/// The error a server sent in a response's `error`: its `code` (empty when missing)
/// and its `message` (the error's JSON text when that is not a string).
fn server_error(e: &Node<'_>) -> Error {
    let member = |name: &str| match &e.value {
        Value::Object(members) => {
            members
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| match &v.value {
                    Value::String(s) => Some(s.to_string()),
                    _ => None,
                })
        }
        _ => None,
    };
    let message = member("message").unwrap_or_else(|| String::from_utf8_lossy(e.raw).into_owned());
    Error::new(member("code").unwrap_or_default(), message)
}

/// The error for a response with another status than 200: `sherpa:badFunction` for 404,
/// `sherpa:http` otherwise, with the message from a sherpa error in the body if any.
fn status_error(status: u16, text: &str, function: &str) -> Error {
    let server = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .ok()
        .and_then(|m| m.get("error").filter(|e| e.is_object()).cloned());
    let field = |name: &str| {
        server
            .as_ref()
            .and_then(|e| e.get(name))
            .and_then(|m| m.as_str())
    };
    if status == 404 {
        let message = match (field("code"), field("message")) {
            (Some(codes::BAD_FUNCTION), Some(m)) => m.to_string(),
            _ => format!("function {function} does not exist"),
        };
        return Error::new(codes::BAD_FUNCTION, message);
    }
    let suffix = field("message")
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    Error::new(
        codes::HTTP,
        format!("error calling function, HTTP status: {status}{suffix}"),
    )
}

/// Decodes a result with Go's rules against the function's return values: one value
/// for one return, an array for several, `null` for none. An error names the function
/// and the return value, then says what Go's decoder would (which names struct fields).
fn decode_result(
    schema: &'static Schema,
    function: &str,
    returns: &'static [ArgDef],
    node: &Node<'_>,
) -> Result<serde_json::Value, Error> {
    let bad = |m: String| Error::new(codes::BAD_TYPES, m);
    let decode_one = |i: usize, r: &'static ArgDef, node: &Node<'_>| {
        decode_params(
            schema,
            std::iter::once(&r.ty),
            std::slice::from_ref(node),
            true,
        )
        .map(|mut values| values.pop().unwrap_or(serde_json::Value::Null))
        .map_err(|e| {
            bad(format!(
                "result {i} ({}) of {}: {e}",
                gojson::quote(r.name),
                gojson::quote(function)
            ))
        })
    };
    match returns {
        [] => Ok(serde_json::Value::Null),
        [single] => decode_one(0, single, node),
        several => match &node.value {
            Value::Array(items) if items.len() == several.len() => several
                .iter()
                .zip(items)
                .enumerate()
                .map(|(i, (r, item))| decode_one(i, r, item))
                .collect::<Result<Vec<_>, _>>()
                .map(serde_json::Value::Array),
            _ => Err(bad(format!(
                "result of {}: expected an array of {} values, got {}",
                gojson::quote(function),
                several.len(),
                describe(node)
            ))),
        },
    }
}

/// A JSON value's kind, with the length of an array.
fn describe(node: &Node<'_>) -> String {
    match &node.value {
        Value::Array(items) => format!("an array of {}", items.len()),
        _ => node.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_paths() {
        assert_eq!(
            Params::new()
                .arg("a<b")
                .arg(&1i64)
                .into_body()
                .expect("encodes"),
            br#"{"params":["a\u003cb",1]}"#
        );
        assert_eq!(
            Params::new().into_body().expect("encodes"),
            br#"{"params":[]}"#
        );
        let mut nan = Params::new();
        nan.push(&1);
        nan.push(&f64::NAN);
        nan.push(&2);
        let e = nan.into_body().unwrap_err();
        assert_eq!(e.code, codes::BAD_DATA);
        assert!(
            e.message.starts_with("encoding parameter 1: "),
            "{}",
            e.message
        );
        assert_eq!(function_path("Domains"), "Domains");
        assert_eq!(function_path("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn responses_like_the_typescript_client() {
        let r = |status, text: &str| {
            result_node(status, text, "F")
                .map(|n| String::from_utf8_lossy(n.raw).into_owned())
                .map_err(|e| (e.code, e.message))
        };
        assert_eq!(r(200, r#"{"result":[1,2]}"#), Ok("[1,2]".to_string()));
        assert_eq!(r(200, "{\"result\":1,\"result\":2}\n"), Ok("2".to_string()));
        assert_eq!(
            r(200, r#"{"result":1}{"result":2}"#),
            Err((codes::BAD_RESPONSE.into(), "bad JSON from server".into()))
        );
        assert_eq!(
            r(200, r#"{"result":null,"error":{"code":7}}"#),
            Err(("".into(), r#"{"code":7}"#.into()))
        );
        assert_eq!(
            r(200, r#"{"error":{"code":"user:error","message":"no"}}"#),
            Err(("user:error".into(), "no".into()))
        );
        assert_eq!(
            r(404, ""),
            Err((
                codes::BAD_FUNCTION.into(),
                "function F does not exist".into()
            ))
        );
        assert_eq!(
            r(500, r#"{"error":{"code":"server:panic","message":"boom"}}"#),
            Err((
                codes::HTTP.into(),
                "error calling function, HTTP status: 500: boom".into()
            ))
        );
        assert_eq!(
            r(200, "[1]"),
            Err((
                codes::BAD_RESPONSE.into(),
                "invalid sherpa response object, not an object".into()
            ))
        );
        assert_eq!(
            r(200, "nope"),
            Err((codes::BAD_RESPONSE.into(), "bad JSON from server".into()))
        );
        assert_eq!(
            r(200, "{}"),
            Err((
                codes::BAD_RESPONSE.into(),
                "invalid sherpa response object, missing 'result'".into()
            ))
        );
    }

    #[test]
    fn bad_base_url() {
        let e = Client::new("not a url").unwrap_err();
        assert_eq!(e.code, codes::CONNECTION);
    }
}
