//! Calling functions: the [`Dispatch`] trait generated code implements, the [`Call`]
//! it receives, and [`handle`], which turns a function name and request body into a
//! response exactly as a Go sherpa handler does, without any HTTP framework.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::decode;
use crate::error::{Error, codes};
use crate::gojson::{self, quote};
use crate::jsonparse::{self, Node, Value};
use crate::schema::{FunctionDef, Schema};

/// A boxed, sendable future, as returned by [`Dispatch::call`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A generated API: its schema and a way to call its functions.
///
/// Generated code implements this for `Dispatcher<A>`; hand-written implementations
/// work the same way (see the `dispatch` bench).
pub trait Dispatch: Send + Sync + 'static {
    /// Per-request data handed to every function (session, client address, ...).
    type Context: Send + Sync + 'static;

    /// The schema of the API (functions, types, docs).
    fn schema(&self) -> &'static Schema;

    /// Called by the runtime after it has found `call.function()` in the schema and
    /// checked and decoded the parameters.
    fn call<'a>(
        &'a self,
        ctx: &'a Self::Context,
        call: Call,
    ) -> BoxFuture<'a, Result<Encoded, Error>>;
}

/// A function's result, already encoded as JSON text.
#[derive(Clone)]
pub struct Encoded {
    /// The JSON from `start` on; before it, when `start` is not 0, the response
    /// envelope's head ([`ENVELOPE_HEAD`]), so that the answer is written around the
    /// result without moving it (see [`crate::ListWriter`]).
    text: String,
    start: usize,
}

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Encoded").field(&self.as_str()).finish()
    }
}

impl PartialEq for Encoded {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Encoded {}

/// What a result's answer opens with.
pub(crate) const ENVELOPE_HEAD: &str = "{\"result\":";

impl Encoded {
    /// Wraps JSON text produced elsewhere (for example a cached result). The text must
    /// be exactly one JSON value, optionally surrounded by whitespace.
    pub fn from_json(text: String) -> Result<Encoded, Error> {
        let node = jsonparse::parse_first(text.as_bytes())
            .map_err(|e| Error::internal(format!("invalid JSON result: {}", e.0)))?;
        let end = node.raw.as_ptr() as usize - text.as_ptr() as usize + node.raw.len();
        if !text[end..].trim_matches([' ', '\t', '\r', '\n']).is_empty() {
            return Err(Error::internal("invalid JSON result: data after the value"));
        }
        Ok(Encoded { text, start: 0 })
    }

    /// Text this runtime encoded itself (see [`crate::Wire`]): not parsed again.
    pub(crate) fn trusted(text: String) -> Encoded {
        Encoded { text, start: 0 }
    }

    /// [`Encoded::trusted`] for text whose JSON starts at `start`, after
    /// [`ENVELOPE_HEAD`].
    pub(crate) fn trusted_after_head(text: String, start: usize) -> Encoded {
        debug_assert!(start == 0 || text[..start] == *ENVELOPE_HEAD);
        Encoded { text, start }
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

/// One function call: the function, and its parameters decoded with Go's semantics
/// and waiting to be taken by [`Call::param`].
#[derive(Debug)]
pub struct Call {
    function: &'static FunctionDef,
    params: Vec<serde_json::Value>,
}

impl Call {
    /// Builds a call from a request body (`{"params": [...]}`) as a Go sherpa handler
    /// reads it: envelope, parameter count, then every parameter decoded against the
    /// schema. Errors are the `sherpa:badFunction`, `sherpa:badRequest` or
    /// `sherpa:badParams` answers Go gives.
    pub fn from_request(
        schema: &'static Schema,
        function: &str,
        body: &[u8],
        lax: bool,
    ) -> Result<Call, Error> {
        let Some(def) = schema.function(function) else {
            return Err(Error::bad_function(function));
        };
        Call::for_function(schema, def, body, lax)
    }

    /// [`Call::from_request`] for a function already looked up in `schema`.
    fn for_function(
        schema: &'static Schema,
        def: &'static FunctionDef,
        body: &[u8],
        lax: bool,
    ) -> Result<Call, Error> {
        let function = def.name;
        let params = parse_envelope(function, body)?;
        check_count(function, params.len(), def.params.len())?;
        let values = decode::decode_params(schema, def.params.iter().map(|p| &p.ty), &params, lax)
            .map_err(|e| bad_params(function, &e))?;
        Ok(Call {
            function: def,
            params: values,
        })
    }

    /// The function's wire name.
    pub fn function(&self) -> &'static str {
        self.function.name
    }

    /// The function's definition in the schema.
    pub fn function_def(&self) -> &'static FunctionDef {
        self.function
    }

    /// Takes parameter `index`, decoded with Go semantics (already normalised against
    /// the schema type), and deserializes it into `T`.
    /// Errors: sherpa:badParams `function "F": parsing parameters: <Go-style json error>`.
    pub fn param<T: DeserializeOwned>(&mut self, index: usize) -> Result<T, Error> {
        let Some(slot) = self.params.get_mut(index) else {
            return Err(Error::internal(format!(
                "function {}: no parameter {index}",
                quote(self.function.name)
            )));
        };
        let value = std::mem::take(slot);
        serde_json::from_value(value)
            .map_err(|e| bad_params(self.function.name, &format!("json: {e}")))
    }

    /// Encodes the function's result(s) as Go's encoding/json would. Values Go cannot
    /// encode (NaN, years beyond 9999) give an internal server error.
    pub fn result<T: Serialize>(&self, value: &T) -> Result<Encoded, Error> {
        let v = gojson::to_vec(value).map_err(|e| {
            Error::internal(format!(
                "function {}: encoding result: {}",
                quote(self.function.name),
                e.0
            ))
        })?;
        // The serializer writes only UTF-8.
        String::from_utf8(v)
            .map(Encoded::trusted)
            .map_err(|e| Error::internal(e.to_string()))
    }
}

fn bad_request(function: &str, msg: &str) -> Error {
    Error::bad_request(format!(
        "function {}: invalid JSON request body: {msg}",
        quote(function)
    ))
}

fn bad_params(function: &str, msg: &str) -> Error {
    Error::bad_params(format!(
        "function {}: parsing parameters: {msg}",
        quote(function)
    ))
}

fn check_count(function: &str, got: usize, want: usize) -> Result<(), Error> {
    if got != want {
        return Err(Error::bad_params(format!(
            "function {}: bad number of parameters: got {got}, want {want}",
            quote(function)
        )));
    }
    Ok(())
}

/// Reads `{"params": [...]}` like Go's handler: the first JSON value only, the key
/// matched case-insensitively (last one wins), other keys rejected, `params: null`
/// as no parameters, and numbers that do not fit a float64 rejected.
fn parse_envelope<'a>(function: &str, body: &'a [u8]) -> Result<Vec<Node<'a>>, Error> {
    let top = jsonparse::parse_first(body).map_err(|e| bad_request(function, &e.0))?;
    let mut params = None;
    match top.value {
        Value::Object(members) => {
            let mut unknown = None;
            for (k, v) in members {
                if decode::fold_eq(&k, "params") {
                    params = Some(v);
                } else if unknown.is_none() {
                    unknown = Some(format!("json: unknown field {}", quote(&k)));
                }
            }
            if let Some(e) = unknown {
                return Err(bad_request(function, &e));
            }
        }
        Value::Null => {}
        _ => {
            return Err(bad_request(
                function,
                &format!(
                    "json: cannot unmarshal {} into Go value of type struct {{ Params json.RawMessage \"json:\\\"params\\\"\" }}",
                    top.kind()
                ),
            ));
        }
    }
    let Some(params) = params else {
        return Err(bad_request(function, "unexpected end of JSON input"));
    };
    let kind = params.kind();
    match params.value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => {
            for item in &items {
                decode::check_float_range(item).map_err(|e| bad_request(function, &e))?;
            }
            Ok(items)
        }
        _ => Err(bad_request(
            function,
            &format!("json: cannot unmarshal {kind} into Go value of type []interface {{}}"),
        )),
    }
}

/// Hooks for metrics, mirroring Go's `sherpa.Collector`. All methods default to
/// doing nothing.
pub trait Collector: Send + Sync {
    /// A malformed request (content type, envelope, query string, callback).
    fn protocol_error(&self) {}
    /// A call to an unknown function.
    fn bad_function(&self) {}
    /// `sherpa.js` was served.
    fn javascript(&self) {}
    /// `sherpa.json` was served.
    fn json(&self) {}
    /// A call of a known function finished; `error_code` is `""` on success and
    /// `server:panic` for a panic.
    fn function_call(&self, name: &str, duration: Duration, error_code: &str) {
        let _ = (name, duration, error_code);
    }
}

/// Settings of the runtime. The defaults are Go's defaults (CORS on, GET and JSONP
/// on, strict parameters), plus a request body limit that Go does not have.
#[derive(Clone)]
pub struct Options {
    /// The API version, served in `sherpa.json` and as `Version` by `_docs`.
    pub version: String,
    /// Accept unknown fields in struct parameters (Go's `LaxParameterParsing`).
    pub lax_params: bool,
    /// The largest request body accepted, in bytes. Default 1 MiB: sherpa requests
    /// are small parameter lists, and a bound keeps a client from making the server
    /// buffer arbitrary amounts. Larger bodies get `sherpa:badRequest`
    /// `request body too large, limit is N bytes`.
    pub body_limit: usize,
    /// How long the whole request body may take to arrive. Default 10 s: a body that
    /// never ends (or trickles in) would otherwise hold its connection forever. Slower
    /// bodies get `sherpa:badRequest` `reading request body: timeout after …`. `None`:
    /// no limit, as Go's handler (its server's `ReadTimeout` does this there).
    pub body_timeout: Option<std::time::Duration>,
    /// Send CORS headers on every response and answer `OPTIONS` with 204 (Go's
    /// default). Off: no CORS headers and `OPTIONS` gives 405 (Go's `NoCORS`).
    pub cors: bool,
    /// Allow calls with `GET ?body=...` (Go: always). Off: GET on a function is 405.
    pub get: bool,
    /// Honour `?callback=` on GET calls (JSONP). Off: the parameter is ignored.
    pub jsonp: bool,
    /// Serve `sherpa.json`, `sherpa.js` and the HTML page at the base path.
    /// Off: those paths are treated as function names (and give 404).
    pub descriptor: bool,
    /// Metrics hooks.
    pub collector: Option<Arc<dyn Collector>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: String::new(),
            lax_params: false,
            body_limit: 1 << 20,
            body_timeout: Some(std::time::Duration::from_secs(10)),
            cors: true,
            get: true,
            jsonp: true,
            descriptor: true,
            collector: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("version", &self.version)
            .field("lax_params", &self.lax_params)
            .field("body_limit", &self.body_limit)
            .field("body_timeout", &self.body_timeout)
            .field("cors", &self.cors)
            .field("get", &self.get)
            .field("jsonp", &self.jsonp)
            .field("descriptor", &self.descriptor)
            .field("collector", &self.collector.is_some())
            .finish()
    }
}

/// A function call's answer: status and JSON body (with Go's trailing newline). The
/// content type is always `application/json; charset=utf-8`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    /// The answer for an error: its status and the error envelope.
    pub fn error(e: &Error) -> Response {
        Response {
            status: e.status(),
            body: e.to_envelope(),
        }
    }

    /// A result, with the trailing newline of Go's encoder. The envelope is written
    /// around the result in its own buffer, so a long answer is not copied into a
    /// second one.
    pub(crate) fn result_owned(json: Encoded) -> Response {
        let mut body = if json.start == ENVELOPE_HEAD.len() {
            json.text.into_bytes()
        } else {
            let mut body = json.into_string().into_bytes();
            body.reserve_exact(ENVELOPE_HEAD.len() + 2);
            body.splice(0..0, ENVELOPE_HEAD.bytes());
            body
        };
        body.extend_from_slice(b"}\n");
        Response { status: 200, body }
    }

    /// A [`Raw`] result: as Go writes it, without the trailing newline.
    fn raw_result(json: &[u8]) -> Response {
        Response::result_ending(json, b"}")
    }

    fn result_ending(json: &[u8], end: &[u8]) -> Response {
        let mut body = Vec::with_capacity(10 + json.len() + end.len());
        body.extend_from_slice(b"{\"result\":");
        body.extend_from_slice(json);
        body.extend_from_slice(end);
        Response { status: 200, body }
    }
}

/// A function result that is already JSON, returned by unwinding out of the function:
/// the counterpart of panicking with Go's `sherpa.Raw`. See [`respond_raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw(pub Vec<u8>);

/// Ends the current call with `json` as its result, without encoding it again: the
/// response is `{"result":` + `json` + `}`, status 200 and, as in Go, no trailing
/// newline. This is how a Go sherpa function answers with bytes it already has (a
/// cached or stored JSON document) by panicking with `sherpa.Raw`.
///
/// `json` is sent as it is and must be valid JSON; the function's declared return type
/// is not checked against it. Must be called while [`handle`] runs the function (from the
/// function itself or what it awaits, on the same task): it unwinds to there, without
/// running the panic hook, so nothing is printed.
pub fn respond_raw(json: impl Into<Vec<u8>>) -> ! {
    std::panic::resume_unwind(Box::new(Raw(json.into())))
}

/// The name of the built-in documentation function.
pub const DOCS_FUNCTION: &str = "_docs";

/// Handles one call of `function` with request `body`, as Go's sherpa handler does
/// after its HTTP checks: unknown function → 404 `sherpa:badFunction`; `_docs`
/// built in; envelope and parameter errors → `sherpa:badRequest`/`sherpa:badParams`;
/// the function's result or error; internal errors → 500; a result passed to
/// [`respond_raw`] as it is. Any other panic in the function (or anywhere in here)
/// gives 500 with code `server:panic` instead of dropping the connection as Go does.
pub async fn handle<D: Dispatch>(
    d: &D,
    ctx: &D::Context,
    function: &str,
    body: &[u8],
    opts: &Options,
) -> Response {
    handle_def(d, ctx, function, d.schema().function(function), body, opts).await
}

/// [`handle`] for a function the caller has already looked up (`def` is
/// `d.schema().function(function)`), so the HTTP layer, which checks for unknown
/// functions before reading the body, looks each function up once.
pub(crate) async fn handle_def<D: Dispatch>(
    d: &D,
    ctx: &D::Context,
    function: &str,
    def: Option<&'static FunctionDef>,
    body: &[u8],
    opts: &Options,
) -> Response {
    // The clock is read only for the collector.
    let start = opts.collector.as_ref().map(|_| Instant::now());
    let known = function == DOCS_FUNCTION || def.is_some();
    let outcome = AssertUnwindSafe(handle_inner(d, ctx, function, def, body, opts))
        .catch_unwind()
        .await;
    let (response, code) = match outcome {
        Ok(Ok(json)) => (Response::result_owned(json), String::new()),
        Ok(Err(e)) => (Response::error(&e), e.code),
        Err(panic) => match panic.downcast::<Raw>() {
            Ok(raw) => (Response::raw_result(&raw.0), String::new()),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned());
                let message = match what {
                    Some(w) => format!("function {} panicked: {w}", quote(function)),
                    None => format!("function {} panicked", quote(function)),
                };
                let e = Error::new(codes::SERVER_PANIC, message);
                (panic_response(&e), codes::SERVER_PANIC.to_string())
            }
        },
    };
    if let Some(c) = &opts.collector {
        if !known {
            c.bad_function();
        } else {
            if code == codes::BAD_REQUEST {
                c.protocol_error();
            }
            let elapsed = start.map(|s| s.elapsed()).unwrap_or_default();
            c.function_call(function, elapsed, &code);
        }
    }
    response
}

fn panic_response(e: &Error) -> Response {
    Response {
        status: 500,
        body: e.to_envelope(),
    }
}

/// `def` is `function` looked up in the schema.
async fn handle_inner<D: Dispatch>(
    d: &D,
    ctx: &D::Context,
    function: &str,
    def: Option<&'static FunctionDef>,
    body: &[u8],
    opts: &Options,
) -> Result<Encoded, Error> {
    let schema = d.schema();
    let def = match def {
        // A schema function called `_docs` would be unreachable in Go too.
        _ if function == DOCS_FUNCTION => {
            check_limit(body, opts)?;
            let params = parse_envelope(function, body)?;
            check_count(function, params.len(), 0)?;
            let docs = docs_json(schema, &opts.version)?;
            return Ok(Encoded::trusted(docs.to_string()));
        }
        Some(def) => def,
        None => return Err(Error::bad_function(function)),
    };
    check_limit(body, opts)?;
    let call = Call::for_function(schema, def, body, opts.lax_params)?;
    d.call(ctx, call).await
}

fn check_limit(body: &[u8], opts: &Options) -> Result<(), Error> {
    if body.len() > opts.body_limit {
        return Err(body_too_large(opts.body_limit));
    }
    Ok(())
}

/// The answer to a request body over [`Options::body_limit`].
pub fn body_too_large(limit: usize) -> Error {
    Error::bad_request(format!("request body too large, limit is {limit} bytes"))
}

/// The sherpadoc document of `schema` with `Version` set to `version` and
/// `SherpaVersion` to 1, as `_docs` returns it.
pub fn docs_section(schema: &Schema, version: &str) -> Result<crate::doc::Section, Error> {
    let mut doc: crate::doc::Section = serde_json::from_str(schema.docs_json)
        .map_err(|e| Error::internal(format!("invalid docs in schema: {e}")))?;
    doc.version = version.to_string();
    doc.sherpa_version = 1;
    Ok(doc)
}

/// `_docs`'s result as Go JSON, computed once per schema and version.
fn docs_json(schema: &Schema, version: &str) -> Result<Arc<str>, Error> {
    type Cache = Mutex<HashMap<(usize, String), Arc<str>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (schema.docs_json.as_ptr() as usize, version.to_string());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(v);
    }
    let doc = docs_section(schema, version)?;
    let text: Arc<str> = gojson::to_string(&doc)
        .map_err(|e| Error::internal(format!("encoding docs: {}", e.0)))?
        .into();
    if let Ok(mut m) = cache.lock() {
        m.insert(key, text.clone());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ArgDef, FieldDef, NamedType, Type};

    static INNER: [FieldDef; 2] = [
        FieldDef {
            name: "ID",
            ty: Type::Int64,
        },
        FieldDef {
            name: "Tags",
            ty: Type::List(&Type::String),
        },
    ];
    static MSG: [FieldDef; 6] = [
        FieldDef {
            name: "Name",
            ty: Type::String,
        },
        FieldDef {
            name: "In",
            ty: Type::Named(1),
        },
        FieldDef {
            name: "Opt",
            ty: Type::Nullable(&Type::Named(1)),
        },
        FieldDef {
            name: "M",
            ty: Type::Map(&Type::Int32),
        },
        FieldDef {
            name: "Mode",
            ty: Type::Named(2),
        },
        FieldDef {
            name: "T",
            ty: Type::Timestamp,
        },
    ];
    static TYPES: [NamedType; 3] = [
        NamedType::Struct {
            name: "Msg",
            fields: &MSG,
        },
        NamedType::Struct {
            name: "Inner",
            fields: &INNER,
        },
        NamedType::Strings {
            name: "Mode",
            values: &["a", "b"],
        },
    ];
    macro_rules! f {
        ($name:expr, [$($p:expr),*], [$($r:expr),*]) => {
            FunctionDef {
                name: $name,
                params: &[$(ArgDef { name: "p", ty: $p }),*],
                returns: &[$(ArgDef { name: "r", ty: $r }),*],
            }
        };
    }
    static FUNCTIONS: [FunctionDef; 9] = [
        f!("echo", [Type::String], [Type::String]),
        f!("two", [], [Type::Int64, Type::String]),
        f!("fail", [], []),
        f!("internal", [], []),
        f!("panic", [], []),
        f!("raw", [], []),
        f!("msg", [Type::Named(0)], [Type::Named(0)]),
        f!(
            "ints",
            [Type::Uint8, Type::Int32, Type::Int64, Type::Float32],
            []
        ),
        f!(
            "misc",
            [
                Type::Timestamp,
                Type::List(&Type::Uint8),
                Type::Int64s,
                Type::Any,
                Type::Nullable(&Type::String)
            ],
            []
        ),
    ];
    static SCHEMA: Schema = Schema {
        name: "Test",
        functions: &FUNCTIONS,
        functions_by_name: &[],
        types: &TYPES,
        docs_json: r#"{"Name":"Test","Docs":"a <b>","Functions":[],"Sections":[],"Structs":[],"Ints":[],"Strings":[],"SherpaVersion":0,"SherpadocVersion":1}"#,
    };

    struct Api;

    impl Dispatch for Api {
        type Context = ();
        fn schema(&self) -> &'static Schema {
            &SCHEMA
        }
        fn call<'a>(
            &'a self,
            _ctx: &'a (),
            mut call: Call,
        ) -> BoxFuture<'a, Result<Encoded, Error>> {
            Box::pin(async move {
                match call.function() {
                    "echo" => {
                        let s: String = call.param(0)?;
                        call.result(&s)
                    }
                    "two" => call.result(&(1, "a")),
                    "fail" => Err(Error::new("", "failed")),
                    "internal" => Err(Error::internal("ise")),
                    "panic" => panic!("boom"),
                    "raw" => respond_raw(&b"{\"cached\":[1,2]}"[..]),
                    "msg" => {
                        let v: serde_json::Value = call.param(0)?;
                        call.result(&v)
                    }
                    _ => call.result(&()),
                }
            })
        }
    }

    fn run(function: &str, body: &str) -> (u16, String) {
        run_opts(function, body, &Options::default())
    }

    fn run_opts(function: &str, body: &str, opts: &Options) -> (u16, String) {
        let fut = handle(&Api, &(), function, body.as_bytes(), opts);
        let mut fut = std::pin::pin!(fut);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match fut.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(r) => (r.status, String::from_utf8(r.body).unwrap()),
            std::task::Poll::Pending => panic!("pending"),
        }
    }

    fn err(function: &str, body: &str) -> String {
        let (status, body) = run(function, body);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        format!(
            "{}: {}",
            v["error"]["code"].as_str().unwrap(),
            v["error"]["message"].as_str().unwrap()
        )
    }

    /// The canonical values Call::from_request makes, or the error.
    fn decoded(function: &str, body: &str, lax: bool) -> Result<String, String> {
        Call::from_request(&SCHEMA, function, body.as_bytes(), lax)
            .map(|c| serde_json::to_string(&c.params).unwrap())
            .map_err(|e| e.message)
    }

    #[test]
    fn results_and_errors() {
        assert_eq!(
            run("echo", r#"{"params":["hi"]}"#),
            (200, "{\"result\":\"hi\"}\n".into())
        );
        assert_eq!(
            run("two", r#"{"params":[]}"#),
            (200, "{\"result\":[1,\"a\"]}\n".into())
        );
        assert_eq!(
            run("ints", r#"{"params":[1,2,3,4]}"#),
            (200, "{\"result\":null}\n".into())
        );
        assert_eq!(
            run("fail", r#"{"params":[]}"#),
            (
                200,
                "{\"result\":null,\"error\":{\"code\":\"\",\"message\":\"failed\"}}\n".into()
            )
        );
        assert_eq!(
            run("internal", r#"{"params":[]}"#),
            (500, "{\"result\":null,\"error\":{\"code\":\"internalServerError\",\"message\":\"ise\"}}\n".into())
        );
        assert_eq!(
            run("panic", r#"{"params":[]}"#),
            (500, "{\"result\":null,\"error\":{\"code\":\"server:panic\",\"message\":\"function \\\"panic\\\" panicked: boom\"}}\n".into())
        );
        // A raw result goes out as it is, without Go's trailing newline.
        assert_eq!(
            run("raw", r#"{"params":[]}"#),
            (200, "{\"result\":{\"cached\":[1,2]}}".into())
        );
        assert_eq!(
            run("nope", ""),
            (404, "{\"result\":null,\"error\":{\"code\":\"sherpa:badFunction\",\"message\":\"function \\\"nope\\\" does not exist\"}}\n".into())
        );
    }

    #[test]
    fn deep_nesting_stays_within_a_small_stack() {
        // The deepest accepted `any` value, decoded, passed through serde and encoded
        // again on a thread with a 2 MiB stack (actix workers' default).
        let depth = crate::jsonparse::MAX_DEPTH - 3;
        let body = format!(
            "{{\"params\":[{}{}]}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let mut c = Call::from_request(
                    &SCHEMA,
                    "misc",
                    format!(
                        "{{\"params\":[null,null,null,{},null]}}",
                        &body[11..body.len() - 2]
                    )
                    .as_bytes(),
                    false,
                )
                .unwrap();
                let v: serde_json::Value = c.param(3).unwrap();
                c.result(&v).unwrap().into_string().len()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r, 2 * depth);
        let too_deep = format!(
            "{{\"params\":[{}]}}",
            "[".repeat(crate::jsonparse::MAX_DEPTH)
        );
        assert_eq!(
            err("echo", &too_deep),
            "sherpa:badRequest: function \"echo\": invalid JSON request body: invalid character '[' exceeded max depth"
        );
    }

    #[test]
    fn docs() {
        let opts = Options {
            version: "1.2.3".into(),
            ..Default::default()
        };
        assert_eq!(
            run_opts("_docs", r#"{"params":[]}"#, &opts).1,
            "{\"result\":{\"Name\":\"Test\",\"Docs\":\"a \\u003cb\\u003e\",\"Functions\":[],\"Sections\":[],\"Structs\":[],\"Ints\":[],\"Strings\":[],\"Version\":\"1.2.3\",\"SherpaVersion\":1,\"SherpadocVersion\":1}}\n"
        );
        assert_eq!(
            err("_docs", r#"{"params":[1]}"#),
            "sherpa:badParams: function \"_docs\": bad number of parameters: got 1, want 0"
        );
    }

    #[test]
    fn envelope() {
        let pre = "sherpa:badRequest: function \"echo\": invalid JSON request body: ";
        assert_eq!(err("echo", ""), format!("{pre}EOF"));
        assert_eq!(
            err("echo", "{}"),
            format!("{pre}unexpected end of JSON input")
        );
        assert_eq!(
            err("echo", "null"),
            format!("{pre}unexpected end of JSON input")
        );
        assert_eq!(
            err("echo", r#"{"params":["a"],"extra":1}"#),
            format!("{pre}json: unknown field \"extra\"")
        );
        assert_eq!(
            err("echo", r#"{"params":"x"}"#),
            format!("{pre}json: cannot unmarshal string into Go value of type []interface {{}}")
        );
        assert_eq!(
            err("echo", "[1]"),
            format!(
                "{pre}json: cannot unmarshal array into Go value of type struct {{ Params json.RawMessage \"json:\\\"params\\\"\" }}"
            )
        );
        assert_eq!(
            err("echo", r#"{"params":[1e400]}"#),
            format!("{pre}json: cannot unmarshal number 1e400 into Go value of type float64")
        );
        assert_eq!(
            err("echo", r#"{"params":["#),
            format!("{pre}unexpected EOF")
        );
        assert_eq!(
            err("echo", r#"{"params":[x]}"#),
            format!("{pre}invalid character 'x' looking for beginning of value")
        );
        assert_eq!(
            run("echo", r#"{"params":["a"]} trailing"#).1,
            "{\"result\":\"a\"}\n"
        );
        assert_eq!(run("echo", r#"{"PARAMS":["a"]}"#).1, "{\"result\":\"a\"}\n");
        assert_eq!(
            run("echo", r#"{"params":["a"],"Params":["b"]}"#).1,
            "{\"result\":\"b\"}\n"
        );
        assert_eq!(
            run("two", r#"{"params":null}"#).1,
            "{\"result\":[1,\"a\"]}\n"
        );
        assert_eq!(
            err("echo", r#"{"params":[]}"#),
            "sherpa:badParams: function \"echo\": bad number of parameters: got 0, want 1"
        );
        assert_eq!(
            err("echo", r#"{"params":["a","b"]}"#),
            "sherpa:badParams: function \"echo\": bad number of parameters: got 2, want 1"
        );
        let opts = Options {
            body_limit: 10,
            ..Default::default()
        };
        assert_eq!(
            run_opts("echo", r#"{"params":["hello"]}"#, &opts).1,
            "{\"result\":null,\"error\":{\"code\":\"sherpa:badRequest\",\"message\":\"request body too large, limit is 10 bytes\"}}\n"
        );
    }

    #[test]
    fn params_go_semantics() {
        let pre = "function \"ints\": parsing parameters: ";
        assert_eq!(
            decoded("echo", r#"{"params":[null]}"#, false).unwrap(),
            r#"[""]"#
        );
        assert_eq!(
            decoded("ints", r#"{"params":[255,-5,9007199254740993,1.5]}"#, false).unwrap(),
            "[255,-5,9007199254740993,1.5]"
        );
        for (input, want) in [
            (
                "[256,0,0,0]",
                "json: cannot unmarshal number 256 into Go value of type uint8",
            ),
            (
                "[-1,0,0,0]",
                "json: cannot unmarshal number -1 into Go value of type uint8",
            ),
            (
                "[0,2147483648,0,0]",
                "json: cannot unmarshal number 2147483648 into Go value of type int32",
            ),
            (
                "[0,0,1.5,0]",
                "json: cannot unmarshal number 1.5 into Go value of type int64",
            ),
            (
                "[0,0,1.0,0]",
                "json: cannot unmarshal number 1.0 into Go value of type int64",
            ),
            (
                "[0,0,1e3,0]",
                "json: cannot unmarshal number 1e3 into Go value of type int64",
            ),
            (
                "[0,0,\"5\",0]",
                "json: cannot unmarshal string into Go value of type int64",
            ),
            (
                "[0,0,0,1e39]",
                "json: cannot unmarshal number 1e39 into Go value of type float32",
            ),
            (
                "[true,\"x\",0,0]",
                "json: cannot unmarshal bool into Go value of type uint8",
            ),
        ] {
            assert_eq!(
                decoded("ints", &format!("{{\"params\":{input}}}"), false).unwrap_err(),
                format!("{pre}{want}"),
                "{input}"
            );
        }
        assert_eq!(
            decoded("echo", r#"{"params":[5]}"#, false).unwrap_err(),
            "function \"echo\": parsing parameters: json: cannot unmarshal number into Go value of type string"
        );
    }

    #[test]
    fn struct_params() {
        let d = |s: &str| decoded("msg", &format!("{{\"params\":[{s}]}}"), false);
        let pre = "function \"msg\": parsing parameters: ";
        assert_eq!(d("null").unwrap(), "[{}]");
        assert_eq!(
            d(r#"{"name":"x","NAME":"y","in":{"id":1}}"#).unwrap(),
            r#"[{"In":{"ID":1},"Name":"y"}]"#
        );
        // null leaves a value, merges of duplicate struct keys.
        assert_eq!(
            d(r#"{"Name":"x","name":null,"In":{"ID":1},"in":{"Tags":["a"]}}"#).unwrap(),
            r#"[{"In":{"ID":1,"Tags":["a"]},"Name":"x"}]"#
        );
        assert_eq!(
            d(r#"{"Opt":{"ID":1},"Opt":null,"M":{"a":1},"M":null}"#).unwrap(),
            r#"[{"Opt":null}]"#
        );
        assert_eq!(
            d(r#"{"Mode":"other","T":null}"#).unwrap(),
            r#"[{"Mode":"other"}]"#
        );
        assert_eq!(
            d(r#"{"In":{"Tags":[null,"b"]}}"#).unwrap(),
            r#"[{"In":{"Tags":["","b"]}}]"#
        );
        assert_eq!(
            d(r#"{"Unknown":1}"#).unwrap_err(),
            format!("{pre}json: unknown field \"Unknown\"")
        );
        assert_eq!(
            d(r#"{"In":{"x\n":1}}"#).unwrap_err(),
            format!("{pre}json: unknown field \"x\\n\"")
        );
        assert_eq!(
            decoded("msg", r#"{"params":[{"In":{"x":1},"Unknown":2}]}"#, true).unwrap(),
            r#"[{"In":{}}]"#
        );
        assert_eq!(
            d(r#"{"In":{"ID":"1"}}"#).unwrap_err(),
            format!(
                "{pre}json: cannot unmarshal string into Go struct field Inner.In.ID of type int64"
            )
        );
        assert_eq!(
            d(r#"{"In":{"Tags":[1]}}"#).unwrap_err(),
            format!(
                "{pre}json: cannot unmarshal number into Go struct field Inner.In.Tags of type string"
            )
        );
        assert_eq!(
            d(r#"{"M":{"a":"x"}}"#).unwrap_err(),
            format!("{pre}json: cannot unmarshal string into Go struct field Msg.M of type int32")
        );
        assert_eq!(
            d(r#"{"Name":1}"#).unwrap_err(),
            format!(
                "{pre}json: cannot unmarshal number into Go struct field Msg.Name of type string"
            )
        );
        assert_eq!(
            d(r#""x""#).unwrap_err(),
            format!("{pre}json: cannot unmarshal string into Go value of type Msg")
        );
        assert_eq!(
            d(r#"{"M":[]}"#).unwrap_err(),
            format!(
                "{pre}json: cannot unmarshal array into Go struct field Msg.M of type map[string]int32"
            )
        );
        // The first saved error wins...
        assert_eq!(
            d(r#"{"Name":1,"x":2}"#).unwrap_err(),
            format!(
                "{pre}json: cannot unmarshal number into Go struct field Msg.Name of type string"
            )
        );
        // ... but an UnmarshalJSON error ends decoding and wins.
        assert_eq!(
            d(r#"{"Name":1,"T":"x"}"#).unwrap_err(),
            format!(
                "{pre}parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\""
            )
        );
        assert_eq!(
            d(r#"{"T":1}"#).unwrap_err(),
            format!("{pre}Time.UnmarshalJSON: input is not a JSON string")
        );
    }

    #[test]
    fn misc_params() {
        let d = |s: &str| decoded("misc", &format!("{{\"params\":{s}}}"), false);
        let pre = "function \"misc\": parsing parameters: ";
        assert_eq!(
            d("[null,null,null,null,null]").unwrap(),
            r#"["0001-01-01T00:00:00Z",[],0,null,null]"#
        );
        assert_eq!(
            d(r#"["2024-01-02T03:04:05.123Z","aGk=","-12",{"b":1.0,"a":[9007199254740993]},"x"]"#)
                .unwrap(),
            r#"["2024-01-02T03:04:05.123Z","aGk=",-12,{"a":[9007199254740993],"b":1.0},"x"]"#
        );
        assert_eq!(
            d(r#"[null,[104,105],123,1,null]"#).unwrap(),
            r#"["0001-01-01T00:00:00Z",[104,105],123,1,null]"#
        );
        assert_eq!(
            d(r#"[null,"aGk",0,0,null]"#).unwrap_err(),
            format!("{pre}illegal base64 data at input byte 0")
        );
        assert_eq!(
            d(r#"[null,[256],0,0,null]"#).unwrap_err(),
            format!("{pre}json: cannot unmarshal number 256 into Go value of type uint8")
        );
        assert_eq!(
            d(r#"[null,null," 12",0,null]"#).unwrap_err(),
            format!("{pre}strconv.ParseInt: parsing \" 12\": invalid syntax")
        );
        assert_eq!(
            d(r#"[null,null,"1.5",0,null]"#).unwrap_err(),
            format!("{pre}strconv.ParseInt: parsing \"1.5\": invalid syntax")
        );
        assert_eq!(
            d(r#"[null,null,{ },0,null]"#).unwrap_err(),
            format!("{pre}strconv.ParseInt: parsing \"{{ }}\": invalid syntax")
        );
        assert_eq!(
            d(r#"["2024-01-02T03:04:05\u005a",null,0,0,null]"#).unwrap_err(),
            format!(
                "{pre}parsing time \"2024-01-02T03:04:05\\\\u005a\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\\\\u005a\" as \"Z07:00\""
            )
        );
        // Through serde into the real types.
        let mut c = Call::from_request(
            &SCHEMA,
            "misc",
            br#"{"params":["2024-01-02T03:04:05+01:00","aGk=","7",{"a":1},null]}"#,
            false,
        )
        .unwrap();
        assert_eq!(
            c.param::<crate::Timestamp>(0).unwrap().to_string(),
            "2024-01-02T03:04:05+01:00"
        );
        assert_eq!(c.param::<crate::Bytes>(1).unwrap().0, b"hi");
        assert_eq!(c.param::<crate::Int64s>(2).unwrap().0, 7);
        assert_eq!(c.param::<serde_json::Value>(3).unwrap()["a"], 1);
        assert_eq!(c.param::<Option<String>>(4).unwrap(), None);
    }
}
