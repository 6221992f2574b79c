//! Conformance of the sherpa runtime with Go's sherpa handler: one test per item of the
//! checklist in `docs/protocol.md` (items 1–54), against the test API generated from
//! `tests/fixtures/testapi.json`, served over real HTTP on 127.0.0.1.
//!
//! Each test asserts the exact status, the headers that matter and the exact body. Where
//! we differ from Go on purpose, the test says so and asserts our behaviour.
//!

use std::collections::BTreeMap;
use std::sync::OnceLock;

use actix_web::{App, HttpServer};
use reqwest::Method;
use sherpa_runtime::actix::Sherpa;
use sherpa_runtime::{Bytes, Error, Int64s, Options, Timestamp, Uint64s};

/// The generated test API; not every generated item is used by these tests.
#[allow(dead_code)]
mod testapi {
    include!("fixtures/testapi.rs");
}

use testapi::{Level, Mode, Person};

/// The same API through the generated Rust client.
#[path = "conformance/client.rs"]
mod client;

/// The client of an older version of the test API (client side only).
#[allow(dead_code)]
mod testapi_old {
    include!("fixtures/testapi_old.rs");
}

/// That older client against the current server.
#[path = "conformance/old_client.rs"]
mod old_client;

/// The test API's implementation: echoes and fixed answers.
struct Impl;

impl testapi::Api for Impl {
    type Context = ();

    async fn echo(&self, _: &(), s: String) -> Result<String, Error> {
        Ok(s)
    }
    async fn no_return(&self, _: &()) -> Result<(), Error> {
        Ok(())
    }
    async fn two_returns(&self, _: &()) -> Result<(i64, String), Error> {
        Ok((1, "a".into()))
    }
    async fn int_err(&self, _: &(), fail: bool) -> Result<(i32, String), Error> {
        if fail {
            // What a Go function returning errors.New("failed") answers.
            return Err(Error::new("", "failed"));
        }
        Ok((2, "b".into()))
    }
    async fn time_in(&self, _: &(), t: Timestamp) -> Result<Timestamp, Error> {
        Ok(t)
    }
    async fn bytes_echo(&self, _: &(), b: Bytes) -> Result<Bytes, Error> {
        Ok(b)
    }
    async fn bytes_nullable(&self, _: &(), b: Option<Bytes>) -> Result<Option<Bytes>, Error> {
        Ok(b)
    }
    async fn int64_echo(&self, _: &(), v: i64) -> Result<i64, Error> {
        Ok(v)
    }
    async fn int64s_echo(&self, _: &(), v: Int64s) -> Result<Int64s, Error> {
        Ok(v)
    }
    async fn uint64s_echo(&self, _: &(), v: Uint64s) -> Result<Uint64s, Error> {
        Ok(v)
    }
    async fn small_ints(&self, _: &(), a: u8, b: i32, c: i16) -> Result<i64, Error> {
        Ok(a as i64 + b as i64 + c as i64)
    }
    async fn floats(&self, _: &(), a: f32, b: f64) -> Result<f64, Error> {
        Ok(a as f64 + b)
    }
    async fn person_echo(&self, _: &(), p: Person) -> Result<Person, Error> {
        Ok(p)
    }
    async fn variadic(&self, _: &(), a: String, rest: Vec<i64>) -> Result<i64, Error> {
        Ok(a.len() as i64 + rest.iter().sum::<i64>())
    }
    #[allow(clippy::type_complexity)]
    async fn slices(
        &self,
        _: &(),
    ) -> Result<
        (
            Option<Vec<String>>,
            Vec<String>,
            Option<BTreeMap<String, i32>>,
        ),
        Error,
    > {
        Ok((None, Vec::new(), None))
    }
    async fn mode_echo(&self, _: &(), m: Mode) -> Result<Mode, Error> {
        Ok(m)
    }
    async fn level_echo(&self, _: &(), l: Level) -> Result<Level, Error> {
        Ok(l)
    }
    async fn nullable_bool(&self, _: &(), b: Option<bool>) -> Result<Option<bool>, Error> {
        Ok(b)
    }
    async fn any_echo(&self, _: &(), v: serde_json::Value) -> Result<serde_json::Value, Error> {
        Ok(v)
    }
    async fn map_echo(
        &self,
        _: &(),
        m: BTreeMap<String, Vec<Option<String>>>,
    ) -> Result<BTreeMap<String, Vec<Option<String>>>, Error> {
        Ok(m)
    }
    async fn fail(&self, _: &(), code: String, message: String) -> Result<(), Error> {
        Err(Error::new(code, message))
    }
    async fn internal_error(&self, _: &(), message: String) -> Result<(), Error> {
        Err(Error::internal(message))
    }
    async fn panic(&self, _: &()) -> Result<(), Error> {
        panic!("deliberate panic")
    }
    async fn raw(&self, _: &(), json: String) -> Result<serde_json::Value, Error> {
        sherpa_runtime::respond_raw(json)
    }
}

/// Starts a server with `opts` at `/test/` on an ephemeral port, in its own thread with
/// its own actix system, and returns its address (`http://127.0.0.1:PORT`).
fn start(opts: Options) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let sherpa = Sherpa::new("/test/", testapi::Dispatcher(Impl), |_req| (), opts);
            let server = HttpServer::new(move || App::new().service(sherpa.scope()))
                .workers(1)
                .bind(("127.0.0.1", 0))
                .unwrap();
            tx.send(server.addrs()[0]).unwrap();
            server.run().await.unwrap();
        })
    });
    format!("http://{}", rx.recv().unwrap())
}

/// Go's defaults (CORS, GET, JSONP), version 1.2.3.
fn server() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        start(Options {
            version: "1.2.3".into(),
            ..Default::default()
        })
    })
}

/// Like Go with `NoCORS` and `LaxParameterParsing`, and a small body limit.
fn nocors_lax_server() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        start(Options {
            version: "1.2.3".into(),
            cors: false,
            lax_params: true,
            body_limit: 100,
            ..Default::default()
        })
    })
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// A JSON call answer: status, content type, no-store, exact body.
    fn assert_json(&self, status: u16, body: &str) {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(self.header("cache-control"), Some("no-store"));
        assert_eq!(self.body, body);
    }

    /// An error answer with status 200.
    fn assert_error(&self, code: &str, message: &str) {
        let body = format!(
            "{{\"result\":null,\"error\":{{\"code\":{},\"message\":{}}}}}\n",
            serde_json::to_string(code).unwrap(),
            serde_json::to_string(message).unwrap()
        );
        self.assert_json(200, &body);
    }

    fn assert_cors(&self, present: bool) {
        let want = |v: &'static str| if present { Some(v) } else { None };
        assert_eq!(self.header("access-control-allow-origin"), want("*"));
        assert_eq!(
            self.header("access-control-allow-methods"),
            want("GET, POST")
        );
        assert_eq!(
            self.header("access-control-allow-headers"),
            want("Content-Type")
        );
    }

    fn assert_405(&self) {
        assert_eq!(self.status, 405);
        assert_eq!(
            self.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(self.header("x-content-type-options"), Some("nosniff"));
    }
}

async fn request(method: Method, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Resp {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut rb = client.request(method, url);
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    if let Some(b) = body {
        rb = rb.body(b.to_string());
    }
    let r = rb.send().await.unwrap();
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}

/// POST with `Content-Type: application/json` to the default server.
async fn post(function: &str, body: &str) -> Resp {
    post_to(server(), function, body).await
}

async fn post_to(base: &str, function: &str, body: &str) -> Resp {
    request(
        Method::POST,
        &format!("{base}/test/{function}"),
        &[("content-type", "application/json")],
        Some(body),
    )
    .await
}

async fn post_ct(function: &str, ct: Option<&str>, body: &str) -> Resp {
    let headers: Vec<(&str, &str)> = ct.iter().map(|c| ("content-type", *c)).collect();
    request(
        Method::POST,
        &format!("{}/test/{function}", server()),
        &headers,
        Some(body),
    )
    .await
}

async fn get(path_and_query: &str) -> Resp {
    request(
        Method::GET,
        &format!("{}/test/{path_and_query}", server()),
        &[],
        None,
    )
    .await
}

fn bad_function(name: &str) -> String {
    format!(
        "{{\"result\":null,\"error\":{{\"code\":\"sherpa:badFunction\",\"message\":\"function \\\"{name}\\\" does not exist\"}}}}\n"
    )
}

/// URL-encodes a query parameter value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[tokio::test]
async fn item01_post_echo() {
    let r = post("echo", r#"{"params":["hi"]}"#).await;
    r.assert_json(200, "{\"result\":\"hi\"}\n");
    r.assert_cors(true);
}

#[tokio::test]
async fn item02_no_return_values_is_null() {
    post("noReturn", r#"{"params":[]}"#)
        .await
        .assert_json(200, "{\"result\":null}\n");
}

#[tokio::test]
async fn item03_two_returns_are_an_array() {
    post("twoReturns", r#"{"params":[]}"#)
        .await
        .assert_json(200, "{\"result\":[1,\"a\"]}\n");
}

#[tokio::test]
async fn item04_results_with_error_return() {
    post("intErr", r#"{"params":[false]}"#)
        .await
        .assert_json(200, "{\"result\":[2,\"b\"]}\n");
    // A plain Go error has an empty code.
    post("intErr", r#"{"params":[true]}"#).await.assert_json(
        200,
        "{\"result\":null,\"error\":{\"code\":\"\",\"message\":\"failed\"}}\n",
    );
}

#[tokio::test]
async fn item05_only_error_return_nil_is_null() {
    // In Rust every function returns a Result; `Ok(())` is Go's nil error with no values.
    post("noReturn", r#"{"params":null}"#)
        .await
        .assert_json(200, "{\"result\":null}\n");
    post("fail", r#"{"params":["user:x","no"]}"#)
        .await
        .assert_error("user:x", "no");
}

#[tokio::test]
async fn item06_error_key_only_on_errors() {
    let ok = post("echo", r#"{"params":["x"]}"#).await;
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["result"]
    );
    let bad = post("intErr", r#"{"params":[true]}"#).await;
    assert!(
        bad.body.starts_with("{\"result\":null,\"error\":{"),
        "{}",
        bad.body
    );
    let v: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn item07_unknown_function_post_is_404() {
    let r = post("nope", r#"{"params":[]}"#).await;
    r.assert_json(404, &bad_function("nope"));
    r.assert_cors(true);
}

#[tokio::test]
async fn item08_unknown_function_get_is_404_plain_json() {
    get("nope?callback=cb")
        .await
        .assert_json(404, &bad_function("nope"));
    get("nope").await.assert_json(404, &bad_function("nope"));
}

#[tokio::test]
async fn item09_unknown_function_before_content_type() {
    post_ct("nope", Some("text/plain"), "x")
        .await
        .assert_json(404, &bad_function("nope"));
    post_ct("nope", None, "x")
        .await
        .assert_json(404, &bad_function("nope"));
}

#[tokio::test]
async fn item10_function_names_are_case_sensitive() {
    // Names are the schema's, verbatim (Go's AdjustFunctionNames "none" behaviour).
    post("Echo", r#"{"params":["x"]}"#)
        .await
        .assert_json(404, &bad_function("Echo"));
    post("echo", r#"{"params":["x"]}"#)
        .await
        .assert_json(200, "{\"result\":\"x\"}\n");
}

#[tokio::test]
async fn item11_missing_content_type() {
    post_ct("echo", None, r#"{"params":["x"]}"#)
        .await
        .assert_error("sherpa:badRequest", "missing content-type");
    post_ct("echo", Some(""), r#"{"params":["x"]}"#)
        .await
        .assert_error("sherpa:badRequest", "missing content-type");
}

#[tokio::test]
async fn item12_unrecognized_content_type() {
    post_ct("echo", Some("text/plain"), r#"{"params":["x"]}"#)
        .await
        .assert_error(
            "sherpa:badRequest",
            "unrecognized content-type \"text/plain\", expecting \"application/json\"",
        );
    post_ct("echo", Some("application/x-www-form-urlencoded"), "a=b")
        .await
        .assert_error(
            "sherpa:badRequest",
            "unrecognized content-type \"application/x-www-form-urlencoded\", expecting \"application/json\"",
        );
}

#[tokio::test]
async fn item13_accepted_content_types() {
    for ct in [
        "application/json; charset=UTF-8",
        "APPLICATION/JSON",
        "application/json; foo=bar",
        "application/json;charset=\"UTF-8\"",
    ] {
        post_ct("echo", Some(ct), r#"{"params":["x"]}"#)
            .await
            .assert_json(200, "{\"result\":\"x\"}\n");
    }
}

#[tokio::test]
async fn item14_other_charset() {
    post_ct(
        "echo",
        Some("application/json; charset=latin1"),
        r#"{"params":["x"]}"#,
    )
    .await
    .assert_error(
        "sherpa:badRequest",
        "unexpected charset \"latin1\", expecting \"utf-8\"",
    );
}

#[tokio::test]
async fn item15_invalid_content_type() {
    post_ct("echo", Some("application/json;;"), r#"{"params":["x"]}"#)
        .await
        .assert_error(
            "sherpa:badRequest",
            "invalid content-type \"application/json;;\"",
        );
}

#[tokio::test]
async fn item16_wrong_parameter_count() {
    post("echo", r#"{"params":[]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"echo\": bad number of parameters: got 0, want 1",
    );
    post("echo", r#"{"params":["a","b"]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"echo\": bad number of parameters: got 2, want 1",
    );
}

#[tokio::test]
async fn item17_null_params_is_zero_params() {
    post("noReturn", r#"{"params":null}"#)
        .await
        .assert_json(200, "{\"result\":null}\n");
    post("echo", r#"{"params":null}"#).await.assert_error(
        "sherpa:badParams",
        "function \"echo\": bad number of parameters: got 0, want 1",
    );
}

#[tokio::test]
async fn item18_missing_params_and_empty_body() {
    post("echo", "{}").await.assert_error(
        "sherpa:badRequest",
        "function \"echo\": invalid JSON request body: unexpected end of JSON input",
    );
    post("echo", "").await.assert_error(
        "sherpa:badRequest",
        "function \"echo\": invalid JSON request body: EOF",
    );
}

#[tokio::test]
async fn item19_extra_top_level_key() {
    post("echo", r#"{"params":["x"],"extra":1}"#)
        .await
        .assert_error(
            "sherpa:badRequest",
            "function \"echo\": invalid JSON request body: json: unknown field \"extra\"",
        );
}

#[tokio::test]
async fn item20_params_not_an_array_or_body_not_an_object() {
    post("echo", r#"{"params":"x"}"#).await.assert_error(
        "sherpa:badRequest",
        "function \"echo\": invalid JSON request body: json: cannot unmarshal string into Go value of type []interface {}",
    );
    post("echo", "[1]").await.assert_error(
        "sherpa:badRequest",
        "function \"echo\": invalid JSON request body: json: cannot unmarshal array into Go value of type struct { Params json.RawMessage \"json:\\\"params\\\"\" }",
    );
}

#[tokio::test]
async fn item21_data_after_first_value_is_ignored() {
    for body in [r#"{"params":["a"]} trailing"#, r#"{"params":["a"]}{"x":1}"#] {
        post("echo", body)
            .await
            .assert_json(200, "{\"result\":\"a\"}\n");
    }
}

#[tokio::test]
async fn item22_envelope_key_is_case_insensitive() {
    post("echo", r#"{"PARAMS":["a"]}"#)
        .await
        .assert_json(200, "{\"result\":\"a\"}\n");
    // The last of several matching keys wins, as in Go.
    post("echo", r#"{"params":["a"],"Params":["b"]}"#)
        .await
        .assert_json(200, "{\"result\":\"b\"}\n");
}

#[tokio::test]
async fn item23_wrong_param_type() {
    post("echo", r#"{"params":[1]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"echo\": parsing parameters: json: cannot unmarshal number into Go value of type string",
    );
    post("personEcho", r#"{"params":[{"Age":"x"}]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"personEcho\": parsing parameters: json: cannot unmarshal string into Go struct field Person.Age of type int32",
    );
    post("personEcho", r#"{"params":[{"Address":{"City":1}}]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"personEcho\": parsing parameters: json: cannot unmarshal number into Go struct field Address.Address.City of type string",
    );
}

#[tokio::test]
async fn item24_unknown_struct_keys() {
    post("personEcho", r#"{"params":[{"unknown":1}]}"#)
        .await
        .assert_error(
            "sherpa:badParams",
            "function \"personEcho\": parsing parameters: json: unknown field \"unknown\"",
        );
    post("personEcho", r#"{"params":[{"Address":{"Zip":"1"}}]}"#)
        .await
        .assert_error(
            "sherpa:badParams",
            "function \"personEcho\": parsing parameters: json: unknown field \"Zip\"",
        );
    post(
        "personEcho",
        r#"{"params":[{"Previous":[{"Street":"s","x":1}]}]}"#,
    )
    .await
    .assert_error(
        "sherpa:badParams",
        "function \"personEcho\": parsing parameters: json: unknown field \"x\"",
    );
    // Lax parsing: ignored. (Go's `json:"-"` fields do not exist in sherpadoc schemas.)
    let r = post_to(
        nocors_lax_server(),
        "personEcho",
        r#"{"params":[{"Name":"n","unknown":1,"Address":{"Zip":"1","City":"c"}}]}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["result"]["Name"], "n");
    assert_eq!(
        v["result"]["Address"],
        serde_json::json!({"Street": "", "City": "c"})
    );
}

#[tokio::test]
async fn item25_struct_keys_are_case_insensitive() {
    let r = post(
        "personEcho",
        r#"{"params":[{"name":"x","AGE":3,"address":{"city":"c"}}]}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["result"]["Name"], "x");
    assert_eq!(v["result"]["Age"], 3);
    assert_eq!(v["result"]["Address"]["City"], "c");
}

#[tokio::test]
async fn item26_null_is_the_zero_value() {
    post("echo", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":\"\"}\n");
    post("timeIn", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":\"0001-01-01T00:00:00Z\"}\n");
    post("int64Echo", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":0}\n");
    post("modeEcho", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":\"\"}\n");
    let r = post(
        "personEcho",
        r#"{"params":[{"Name":null,"Age":null,"Address":null}]}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn item27_integer_checks() {
    let pre = "parsing parameters: json: cannot unmarshal";
    for (arg, msg) in [
        ("1.5", "number 1.5 into Go value of type int64"),
        ("1.0", "number 1.0 into Go value of type int64"),
        ("1e3", "number 1e3 into Go value of type int64"),
        ("\"5\"", "string into Go value of type int64"),
    ] {
        post("int64Echo", &format!("{{\"params\":[{arg}]}}"))
            .await
            .assert_error(
                "sherpa:badParams",
                &format!("function \"int64Echo\": {pre} {msg}"),
            );
    }
    for (args, msg) in [
        ("256,0,0", "number 256 into Go value of type uint8"),
        ("-1,0,0", "number -1 into Go value of type uint8"),
        (
            "0,2147483648,0",
            "number 2147483648 into Go value of type int32",
        ),
        ("0,0,32768", "number 32768 into Go value of type int16"),
    ] {
        post("smallInts", &format!("{{\"params\":[{args}]}}"))
            .await
            .assert_error(
                "sherpa:badParams",
                &format!("function \"smallInts\": {pre} {msg}"),
            );
    }
    post("smallInts", r#"{"params":[255,-2147483648,-32768]}"#)
        .await
        .assert_json(200, "{\"result\":-2147516161}\n");
}

#[tokio::test]
async fn item28_int64_precision() {
    post("int64Echo", r#"{"params":[9007199254740993]}"#)
        .await
        .assert_json(200, "{\"result\":9007199254740993}\n");
}

#[tokio::test]
async fn item29_bytes() {
    post("bytesEcho", r#"{"params":["aGVsbG8="]}"#)
        .await
        .assert_json(200, "{\"result\":\"aGVsbG8=\"}\n");
    post("bytesEcho", r#"{"params":["aGVsbG8"]}"#)
        .await
        .assert_error(
            "sherpa:badParams",
            "function \"bytesEcho\": parsing parameters: illegal base64 data at input byte 4",
        );
    post("bytesEcho", r#"{"params":[[104,105]]}"#)
        .await
        .assert_json(200, "{\"result\":\"aGk=\"}\n");
    post("bytesNullable", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":null}\n");
    // Deliberate difference: non-nullable bytes are a Vec, so null reads as empty and is
    // written as "" (Go: nil, written as null).
    post("bytesEcho", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":\"\"}\n");
}

#[tokio::test]
async fn item30_nil_and_empty_lists_and_maps() {
    // Nil lists and maps exist in Rust as `None` of nullable types.
    post("slices", r#"{"params":[]}"#)
        .await
        .assert_json(200, "{\"result\":[null,[],null]}\n");
}

#[tokio::test]
async fn item31_timestamp_results() {
    for (input, output) in [
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        (
            "2024-01-02T03:04:05.600+01:00",
            "2024-01-02T03:04:05.6+01:00",
        ),
        (
            "2024-01-02T03:04:05.123456789Z",
            "2024-01-02T03:04:05.123456789Z",
        ),
        ("2024-01-02T03:04:05.000+00:00", "2024-01-02T03:04:05Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
    ] {
        post("timeIn", &format!("{{\"params\":[\"{input}\"]}}"))
            .await
            .assert_json(200, &format!("{{\"result\":\"{output}\"}}\n"));
    }
}

#[tokio::test]
async fn item32_timestamp_params() {
    for input in ["2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05+02:00"] {
        post("timeIn", &format!("{{\"params\":[\"{input}\"]}}"))
            .await
            .assert_json(200, &format!("{{\"result\":\"{input}\"}}\n"));
    }
    // Go also accepts a comma before the fraction and a zone offset of 60 minutes.
    for (input, output) in [
        ("2024-01-02T03:04:05,123Z", "2024-01-02T03:04:05.123Z"),
        ("2024-01-02T03:04:05+01:60", "2024-01-02T03:04:05+02:00"),
    ] {
        post("timeIn", &format!("{{\"params\":[\"{input}\"]}}"))
            .await
            .assert_json(200, &format!("{{\"result\":\"{output}\"}}\n"));
    }
    let pre = "function \"timeIn\": parsing parameters: ";
    for (input, msg) in [
        (
            "\"2024-01-02T03:04:05\"",
            "parsing time \"2024-01-02T03:04:05\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"Z07:00\"",
        ),
        (
            "\"2024-01-02 03:04:05Z\"",
            "parsing time \"2024-01-02 03:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 03:04:05Z\" as \"T\"",
        ),
        (
            "\"2024-01-02t03:04:05Z\"",
            "parsing time \"2024-01-02t03:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"t03:04:05Z\" as \"T\"",
        ),
        (
            "\"2024-01-02T03:04:05z\"",
            "parsing time \"2024-01-02T03:04:05z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"z\" as \"Z07:00\"",
        ),
        (
            "\"\"",
            "parsing time \"\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"2006\"",
        ),
        (
            "1704164645",
            "Time.UnmarshalJSON: input is not a JSON string",
        ),
        (
            "\"12024-01-02T03:04:05Z\"",
            "parsing time \"12024-01-02T03:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"4-01-02T03:04:05Z\" as \"-\"",
        ),
    ] {
        post("timeIn", &format!("{{\"params\":[{input}]}}"))
            .await
            .assert_error("sherpa:badParams", &format!("{pre}{msg}"));
    }
}

#[tokio::test]
async fn item33_struct_results_have_every_field() {
    // Deliberate difference: non-nullable lists and maps are Vec/BTreeMap in Rust, so they
    // are written as [] and {} (Go writes nil ones as null). Nullable fields are null, and
    // int64s is "0".
    post("personEcho", r#"{"params":[{}]}"#).await.assert_json(
        200,
        "{\"result\":{\"Name\":\"\",\"Age\":0,\"Email\":null,\"Address\":{\"Street\":\"\",\"City\":\"\"},\"Previous\":[],\"Tags\":[],\"Extra\":{},\"Born\":\"0001-01-01T00:00:00Z\",\"Balance\":\"0\",\"Mode\":\"\"}}\n",
    );
    let r = post(
        "personEcho",
        r#"{"params":[{"Name":"<a&b>","Email":"e","Extra":{"z":"1","a":"2"},"Balance":"-12","Mode":"new","Previous":[{"City":"x"}]}]}"#,
    )
    .await;
    r.assert_json(
        200,
        "{\"result\":{\"Name\":\"\\u003ca\\u0026b\\u003e\",\"Age\":0,\"Email\":\"e\",\"Address\":{\"Street\":\"\",\"City\":\"\"},\"Previous\":[{\"Street\":\"\",\"City\":\"x\"}],\"Tags\":[],\"Extra\":{\"a\":\"2\",\"z\":\"1\"},\"Born\":\"0001-01-01T00:00:00Z\",\"Balance\":\"-12\",\"Mode\":\"new\"}}\n",
    );
}

#[tokio::test]
async fn item34_function_error_codes() {
    post("fail", r#"{"params":["user:x","bad input"]}"#)
        .await
        .assert_error("user:x", "bad input");
}

#[tokio::test]
async fn item35_internal_server_error_is_500() {
    post("internalError", r#"{"params":["broken"]}"#).await.assert_json(
        500,
        "{\"result\":null,\"error\":{\"code\":\"internalServerError\",\"message\":\"broken\"}}\n",
    );
}

#[tokio::test]
async fn item36_panic_gives_500_server_panic() {
    // Deliberate difference: Go drops the connection; we answer.
    post("panic", r#"{"params":[]}"#).await.assert_json(
        500,
        "{\"result\":null,\"error\":{\"code\":\"server:panic\",\"message\":\"function \\\"panic\\\" panicked: deliberate panic\"}}\n",
    );
    // The server keeps working.
    post("echo", r#"{"params":["x"]}"#)
        .await
        .assert_json(200, "{\"result\":\"x\"}\n");
}

#[tokio::test]
async fn item37_raw_result_has_no_trailing_newline() {
    // Go: panic(sherpa.Raw(b)); here: sherpa_runtime::respond_raw(b).
    let r = post("raw", r#"{"params":["{\"cached\":[1,\"x\"]}"]}"#).await;
    r.assert_json(200, "{\"result\":{\"cached\":[1,\"x\"]}}");
    // The bytes are not re-encoded: Go's escaping of < > & is not applied to them.
    post("raw", r#"{"params":["\"<b>\""]}"#)
        .await
        .assert_json(200, "{\"result\":\"<b>\"}");
}

#[tokio::test]
async fn item38_variadic() {
    post("variadic", r#"{"params":["a",[1,2,3]]}"#)
        .await
        .assert_json(200, "{\"result\":7}\n");
    post("variadic", r#"{"params":["a",1]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"variadic\": parsing parameters: json: cannot unmarshal number into Go value of type []int64",
    );
    // Deliberate difference: sherpadoc has no variadic parameters, so the list
    // parameter cannot be left out.
    post("variadic", r#"{"params":["a"]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"variadic\": bad number of parameters: got 1, want 2",
    );
}

#[tokio::test]
async fn item39_get_without_body() {
    get("noReturn")
        .await
        .assert_json(200, "{\"result\":null}\n");
    get("echo").await.assert_error(
        "sherpa:badParams",
        "function \"echo\": bad number of parameters: got 0, want 1",
    );
}

#[tokio::test]
async fn item40_get_with_body() {
    let r = get(&format!("echo?body={}", enc(r#"{"params":["x"]}"#))).await;
    r.assert_json(200, "{\"result\":\"x\"}\n");
    r.assert_cors(true);
    // The first body wins.
    get(&format!(
        "echo?body={}&body={}",
        enc(r#"{"params":["1"]}"#),
        enc(r#"{"params":["2"]}"#)
    ))
    .await
    .assert_json(200, "{\"result\":\"1\"}\n");
}

#[tokio::test]
async fn item41_jsonp() {
    let r = get(&format!(
        "echo?body={}&callback=cb",
        enc(r#"{"params":["x"]}"#)
    ))
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.body, "cb(\n\t{\"result\":\"x\"}\n);");
    let r = get(&format!(
        "intErr?body={}&callback=my.cb_%24",
        enc(r#"{"params":[true]}"#)
    ))
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        "my.cb_$(\n\t{\"result\":null,\"error\":{\"code\":\"\",\"message\":\"failed\"}}\n);"
    );
    let r = get("internalError?body=%7B%22params%22%3A%5B%22x%22%5D%7D&callback=cb").await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
}

#[tokio::test]
async fn item42_invalid_callback() {
    get("echo?callback=a-b")
        .await
        .assert_error("sherpa:badRequest", "invalid callback name \"a-b\"");
    get("echo?callback=")
        .await
        .assert_error("sherpa:badRequest", "invalid callback name \"\"");
}

#[tokio::test]
async fn item43_bad_query_string() {
    get("echo?body=%zz")
        .await
        .assert_error("sherpa:badRequest", "could not parse query string");
}

#[tokio::test]
async fn item44_get_body_is_ignored() {
    request(
        Method::GET,
        &format!("{}/test/echo", server()),
        &[("content-type", "application/json")],
        Some(r#"{"params":["x"]}"#),
    )
    .await
    .assert_error(
        "sherpa:badParams",
        "function \"echo\": bad number of parameters: got 0, want 1",
    );
}

#[tokio::test]
async fn item45_other_methods_are_405() {
    for m in [Method::PUT, Method::DELETE, Method::PATCH] {
        let r = request(m, &format!("{}/test/echo", server()), &[], Some("{}")).await;
        r.assert_405();
        assert_eq!(r.body, "method not allowed\n");
        r.assert_cors(true);
    }
    let r = request(Method::HEAD, &format!("{}/test/echo", server()), &[], None).await;
    r.assert_405();
    assert_eq!(r.body, "");
}

#[tokio::test]
async fn item46_cors() {
    for path in ["echo", "nope", "sherpa.json"] {
        let r = request(
            Method::OPTIONS,
            &format!("{}/test/{path}", server()),
            &[],
            None,
        )
        .await;
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.body, "");
        r.assert_cors(true);
    }
    get("sherpa.json").await.assert_cors(true);
    get("sherpa.js").await.assert_cors(true);
    get("").await.assert_cors(true);
    post("echo", "").await.assert_cors(true);
}

#[tokio::test]
async fn item47_no_cors() {
    let base = nocors_lax_server();
    for path in ["echo", "nope", "sherpa.json"] {
        let r = request(Method::OPTIONS, &format!("{base}/test/{path}"), &[], None).await;
        r.assert_405();
        r.assert_cors(false);
    }
    let r = post_to(base, "echo", r#"{"params":["x"]}"#).await;
    r.assert_json(200, "{\"result\":\"x\"}\n");
    r.assert_cors(false);
    let r = request(Method::GET, &format!("{base}/test/sherpa.json"), &[], None).await;
    assert_eq!(r.status, 200);
    r.assert_cors(false);
}

fn descriptor(baseurl: &str) -> String {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/testapi.json")).unwrap();
    let mut functions: Vec<String> = schema["Functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Name"].as_str().unwrap().to_string())
        .collect();
    // The generated list is the same, in document order.
    assert_eq!(testapi::FUNCTIONS, functions.as_slice());
    functions.push("_docs".into());
    format!(
        "{{\"id\":\"test\",\"title\":\"TestAPI\",\"functions\":{},\"baseurl\":\"{baseurl}\",\"version\":\"1.2.3\",\"sherpaVersion\":1,\"sherpadocVersion\":1}}",
        serde_json::to_string(&functions).unwrap()
    )
}

#[tokio::test]
async fn item48_sherpa_json() {
    let r = get("sherpa.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let host = server().trim_start_matches("http://");
    assert_eq!(
        r.body,
        format!("{}\n", descriptor(&format!("http://{host}/test/")))
    );
}

#[tokio::test]
async fn item49_baseurl_from_forwarded_headers() {
    let r = request(
        Method::GET,
        &format!("{}/test/sherpa.json", server()),
        &[
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "example.org"),
        ],
        None,
    )
    .await;
    assert_eq!(
        r.body,
        format!("{}\n", descriptor("https://example.org/test/"))
    );
}

#[tokio::test]
async fn item50_sherpa_js_and_methods() {
    for (m, path) in [
        (Method::POST, "sherpa.json"),
        (Method::HEAD, "sherpa.json"),
        (Method::POST, "sherpa.js"),
        (Method::OPTIONS, "sherpa.js"),
    ] {
        let r = request(m.clone(), &format!("{}/test/{path}", server()), &[], None).await;
        r.assert_405();
        if m != Method::HEAD {
            assert_eq!(r.body, "method not allowed\n");
        }
    }
    let r = get("sherpa.js").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let host = server().trim_start_matches("http://");
    let desc = descriptor(&format!("http://{host}/test/"));
    assert!(
        r.body.contains(&format!("var descriptor = {desc};")),
        "{}",
        r.body
    );
    assert!(r.body.contains("window[descriptor.id] = api;"));
}

#[tokio::test]
async fn item51_base_page_for_any_method() {
    for m in [Method::GET, Method::POST, Method::DELETE, Method::OPTIONS] {
        let r = request(m, &format!("{}/test/", server()), &[], None).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.body.starts_with("<!doctype html>"));
        assert!(r.body.contains("<title>TestAPI</title>"));
        assert!(r.body.contains("1.2.3"));
        let host = server().trim_start_matches("http://");
        assert!(
            r.body
                .contains(&format!("https://www.sherpadoc.org/#http://{host}/test/"))
        );
        assert!(r.body.contains(&format!(
            "<script src=\"http://{host}/test/sherpa.js\"></script>"
        )));
    }
    // The base path without slash is redirected, as Go's ServeMux does.
    let r = request(Method::GET, &format!("{}/test", server()), &[], None).await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/test/"));
}

#[tokio::test]
async fn item52_docs() {
    let r = post("_docs", r#"{"params":[]}"#).await;
    assert_eq!(r.status, 200);
    let mut want: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/testapi.json")).unwrap();
    want["Version"] = "1.2.3".into();
    want["SherpaVersion"] = 1.into();
    let got: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(got["result"], want);
    // Go's key order, with Version before SherpaVersion.
    assert!(
        r.body
            .starts_with("{\"result\":{\"Name\":\"TestAPI\",\"Docs\":\"TestAPI exercises")
    );
    assert!(
        r.body
            .ends_with("]}],\"Version\":\"1.2.3\",\"SherpaVersion\":1,\"SherpadocVersion\":1}}\n"),
        "{}",
        r.body
    );
    let pos = |key: &str| r.body.find(key).unwrap();
    assert!(pos("\"Functions\":[") < pos("\"Sections\":["));
    assert!(pos("\"Sections\":[") < pos("\"Structs\":[{\"Name\":\"Person\""));
    assert!(pos("\"Structs\":[") < pos("\"Ints\":[{\"Name\":\"Level\""));
    assert!(pos("\"Ints\":[") < pos("\"Strings\":[{\"Name\":\"Mode\""));
    post("_docs", r#"{"params":[1]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"_docs\": bad number of parameters: got 1, want 0",
    );
}

#[tokio::test]
async fn item53_extra_path_segments_are_unknown_functions() {
    post("a/b", r#"{"params":[]}"#)
        .await
        .assert_json(404, &bad_function("a/b"));
    post("echo/", r#"{"params":["x"]}"#)
        .await
        .assert_json(404, &bad_function("echo/"));
}

#[tokio::test]
async fn item54_int64s_params() {
    for (arg, out) in [
        ("\"123\"", "\"123\""),
        ("123", "\"123\""),
        ("null", "\"0\""),
    ] {
        post("int64sEcho", &format!("{{\"params\":[{arg}]}}"))
            .await
            .assert_json(200, &format!("{{\"result\":{out}}}\n"));
    }
    for arg in ["abc", "1.5", " 12"] {
        post("int64sEcho", &format!("{{\"params\":[\"{arg}\"]}}"))
            .await
            .assert_error(
                "sherpa:badParams",
                &format!("function \"int64sEcho\": parsing parameters: strconv.ParseInt: parsing \"{arg}\": invalid syntax"),
            );
    }
    post("uint64sEcho", r#"{"params":["18446744073709551615"]}"#)
        .await
        .assert_json(200, "{\"result\":\"18446744073709551615\"}\n");
    // As Go: escapes inside the string are decoded first; uint64s take a `+` and `-0`.
    for (function, arg, out) in [
        ("int64sEcho", r#""\u0031\u0032""#, r#""12""#),
        ("int64sEcho", r#""-\u0031""#, r#""-1""#),
        ("uint64sEcho", r#""\u0031""#, r#""1""#),
        ("uint64sEcho", r#""+1""#, r#""1""#),
        ("uint64sEcho", r#""-0""#, r#""0""#),
        ("uint64sEcho", "-0", r#""0""#),
    ] {
        post(function, &format!("{{\"params\":[{arg}]}}"))
            .await
            .assert_json(200, &format!("{{\"result\":{out}}}\n"));
    }
    // Other negative uint64s are refused (Go wraps them around: docs/protocol.md).
    post("uint64sEcho", r#"{"params":["-1"]}"#).await.assert_error(
        "sherpa:badParams",
        r#"function "uint64sEcho": parsing parameters: strconv.ParseUint: parsing "-1": invalid syntax"#,
    );
    post("uint64sEcho", r#"{"params":["+18446744073709551616"]}"#)
        .await
        .assert_error(
            "sherpa:badParams",
            r#"function "uint64sEcho": parsing parameters: strconv.ParseUint: parsing "+18446744073709551616": value out of range"#,
        );
}

// Beyond the checklist: what we add to Go's behaviour.

#[tokio::test]
async fn body_limit() {
    let body = format!("{{\"params\":[\"{}\"]}}", "x".repeat(100));
    post_to(nocors_lax_server(), "echo", &body)
        .await
        .assert_error(
            "sherpa:badRequest",
            "request body too large, limit is 100 bytes",
        );
}

#[tokio::test]
async fn enums_accept_any_value() {
    post("modeEcho", r#"{"params":["enforce"]}"#)
        .await
        .assert_json(200, "{\"result\":\"enforce\"}\n");
    post("modeEcho", r#"{"params":["future"]}"#)
        .await
        .assert_json(200, "{\"result\":\"future\"}\n");
    post("levelEcho", r#"{"params":[7]}"#)
        .await
        .assert_json(200, "{\"result\":7}\n");
}

#[tokio::test]
async fn floats_any_maps_and_nullables() {
    post("floats", r#"{"params":[0.5,1e21]}"#)
        .await
        .assert_json(200, "{\"result\":1e+21}\n");
    post("floats", r#"{"params":[1e39,0]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"floats\": parsing parameters: json: cannot unmarshal number 1e39 into Go value of type float32",
    );
    post("anyEcho", r#"{"params":[{"b":[1,1.5,"<"],"a":null}]}"#)
        .await
        .assert_json(200, "{\"result\":{\"a\":null,\"b\":[1,1.5,\"\\u003c\"]}}\n");
    post("mapEcho", r#"{"params":[{"k":[null,"v"],"e":null}]}"#)
        .await
        .assert_json(200, "{\"result\":{\"e\":[],\"k\":[null,\"v\"]}}\n");
    post("nullableBool", r#"{"params":[null]}"#)
        .await
        .assert_json(200, "{\"result\":null}\n");
    post("nullableBool", r#"{"params":["x"]}"#).await.assert_error(
        "sherpa:badParams",
        "function \"nullableBool\": parsing parameters: json: cannot unmarshal string into Go value of type bool",
    );
}

#[tokio::test]
async fn invalid_utf8_and_lone_surrogates_become_replacement_characters() {
    // Spec §1.6 item 9: Go accepts them and substitutes U+FFFD.
    post("echo", r#"{"params":["a\ud800b"]}"#)
        .await
        .assert_json(200, "{\"result\":\"a\u{fffd}b\"}\n");
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/test/echo", server()))
        .header("content-type", "application/json")
        .body(b"{\"params\":[\"a\xffb\"]}".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "{\"result\":\"a\u{fffd}b\"}\n");
}

#[tokio::test]
async fn request_bodies_are_not_decompressed() {
    // Spec §1.6 item 8: a gzip body is not decoded, so it fails JSON parsing.
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/test/echo", server()))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(vec![0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.text().await.unwrap(),
        "{\"result\":null,\"error\":{\"code\":\"sherpa:badRequest\",\"message\":\"function \\\"echo\\\": invalid JSON request body: invalid character '\\\\x1f' looking for beginning of value\"}}\n"
    );
}

/// Invalid UTF-8 inside a JSON string: one U+FFFD per bad byte, as Go's decoder, in
/// values and in the unknown-field message.
#[tokio::test]
async fn invalid_utf8_is_one_replacement_per_byte() {
    let send = |body: Vec<u8>| async move {
        reqwest::Client::new()
            .post(format!("{}/test/echo", server()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let mut body = br#"{"params":[""#.to_vec();
    body.extend_from_slice(b"a\xf0\x9f\x98b\xffc");
    body.extend_from_slice(br#""]}"#);
    assert_eq!(
        send(body).await,
        "{\"result\":\"a\u{fffd}\u{fffd}\u{fffd}b\u{fffd}c\"}\n"
    );
    let mut person = br#"{"params":[{"N"#.to_vec();
    person.extend_from_slice(b"\xe0\x80");
    person.extend_from_slice(br#"":1}]}"#);
    let answer = reqwest::Client::new()
        .post(format!("{}/test/personEcho", server()))
        .header("content-type", "application/json")
        .body(person)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        answer.contains("json: unknown field \\\"N\u{fffd}\u{fffd}\\\""),
        "{answer}"
    );
}

/// A bad percent-escape in the path is refused as Go's HTTP server refuses it, before
/// the handler: 400 `400 Bad Request`.
#[tokio::test]
async fn bad_percent_escapes_are_400() {
    let r = post("echo%zz", r#"{"params":["x"]}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body, "400 Bad Request");
    // A good escape names the function as usual.
    post("ech%6F", r#"{"params":["x"]}"#)
        .await
        .assert_json(200, "{\"result\":\"x\"}\n");
}
