//! The conformance API from the client side: the generated Rust client
//! (`testapi::client::Client`) against the conformance server, and against a scripted
//! server that answers what a Go server may send (null lists, int64s as strings,
//! timestamps with offsets, unknown enum values and fields) and what no sherpa server
//! should (results of the wrong type, bodies that are not sherpa responses, slow
//! answers). Everything stays on 127.0.0.1.

use std::collections::BTreeMap;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use sherpa_runtime::client::{self as rt_client, HeaderName, HeaderValue, codes};
use sherpa_runtime::{Bytes, Error, Int64s, Timestamp, Uint64s};

use crate::testapi::client::Client;
use crate::testapi::{Address, Level, Mode, Person};

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn client() -> Client {
    Client::new(&format!("{}/test/", crate::server())).unwrap()
}

fn person() -> Person {
    Person {
        name: "Jörg <j>".into(),
        age: 42,
        email: None,
        address: Address {
            street: "Main".into(),
            city: "Amsterdam".into(),
        },
        previous: vec![Address::default()],
        tags: vec!["a".into(), String::new()],
        extra: BTreeMap::new(),
        born: ts("1980-02-03T04:05:06.789+05:30"),
        balance: Int64s(-9_007_199_254_740_993),
        mode: Mode::ModeTesting,
    }
}

#[tokio::test]
async fn every_function_round_trips() {
    let c = client();
    assert_eq!(
        c.echo("héllo <b> & \u{2028}").await.unwrap(),
        "héllo <b> & \u{2028}"
    );
    c.no_return().await.unwrap();
    assert_eq!(c.two_returns().await.unwrap(), (1, "a".to_string()));
    assert_eq!(c.int_err(false).await.unwrap(), (2, "b".to_string()));
    let t = ts("2024-01-05T10:11:12.5+01:00");
    assert_eq!(c.time_in(t).await.unwrap().to_string(), t.to_string());
    let b = Bytes(vec![0, 255, 1, 2]);
    assert_eq!(c.bytes_echo(&b).await.unwrap(), b);
    assert_eq!(c.bytes_nullable(None).await.unwrap(), None);
    assert_eq!(c.bytes_nullable(Some(&b)).await.unwrap(), Some(b));
    assert_eq!(c.int64_echo(i64::MAX).await.unwrap(), i64::MAX);
    let big = Int64s(-9_007_199_254_740_993);
    assert_eq!(c.int64s_echo(big).await.unwrap(), big);
    assert_eq!(
        c.uint64s_echo(Uint64s(u64::MAX)).await.unwrap(),
        Uint64s(u64::MAX)
    );
    assert_eq!(c.small_ints(255, -5, 7).await.unwrap(), 257);
    assert_eq!(c.floats(1.5, 2.25).await.unwrap(), 3.75);
    let p = person();
    let back = c.person_echo(&p).await.unwrap();
    assert_eq!(back, p);
    assert_eq!(back.born.to_string(), "1980-02-03T04:05:06.789+05:30");
    assert_eq!(c.variadic("abc", &[1, 2]).await.unwrap(), 6);
    assert_eq!(c.slices().await.unwrap(), (None, Vec::new(), None));
    assert_eq!(
        c.mode_echo(&Mode::ModeEnforce).await.unwrap(),
        Mode::ModeEnforce
    );
    assert_eq!(
        c.level_echo(Level::LevelHigh).await.unwrap(),
        Level::LevelHigh
    );
    assert_eq!(c.nullable_bool(None).await.unwrap(), None);
    assert_eq!(c.nullable_bool(Some(false)).await.unwrap(), Some(false));
    let any = serde_json::json!({"a": [1, null, "x"], "b": {}});
    assert_eq!(c.any_echo(&any).await.unwrap(), any);
    let map = BTreeMap::from([("k".to_string(), vec![None, Some("v".to_string())])]);
    assert_eq!(c.map_echo(&map).await.unwrap(), map);
    let raw = c.raw(r#"{"x":[1,2]}"#).await.unwrap();
    assert_eq!(raw, serde_json::json!({"x": [1, 2]}));
}

#[tokio::test]
async fn server_errors_keep_their_code_and_message() {
    let c = client();
    let code = |e: Error| (e.code, e.message);
    assert_eq!(
        code(c.int_err(true).await.unwrap_err()),
        (String::new(), "failed".to_string())
    );
    assert_eq!(
        code(c.fail("user:nope", "not today").await.unwrap_err()),
        ("user:nope".to_string(), "not today".to_string())
    );
    // Server errors come with status 500, which the client reports as the TypeScript
    // client does: sherpa:http, with the server's message.
    assert_eq!(
        code(c.internal_error("x").await.unwrap_err()),
        (
            codes::HTTP.to_string(),
            "error calling function, HTTP status: 500: x".to_string()
        )
    );
    assert_eq!(c.panic().await.unwrap_err().code, codes::HTTP);
    // Parameters the server refuses: a NaN cannot even be encoded, so nothing is sent.
    let e = c.floats(f32::NAN, 1.0).await.unwrap_err();
    assert_eq!(e.code, codes::BAD_DATA, "{}", e.message);
}

/// A server that answers each function with a fixed response (`personEcho` a wrong one
/// when the request has an `x-bad` header), and `echo` with the request's `Cookie`,
/// `x-test` and `authorization` headers.
fn scripted() -> String {
    async fn answer(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
        let json = |body: &str| {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(body.to_string())
        };
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string()
        };
        match name.as_str() {
            "echo" => {
                // The jar's order of cookies is its own: sort them.
                let cookie = header("cookie");
                let mut cookies: Vec<&str> = cookie.split("; ").collect();
                cookies.sort_unstable();
                let seen = format!(
                    "cookie={} x-test={} auth={}",
                    cookies.join("; "),
                    header("x-test"),
                    header("authorization")
                );
                json(&serde_json::json!({ "result": seen }).to_string())
            }
            "noReturn" => HttpResponse::Ok()
                .append_header(("set-cookie", "a=1; Path=/"))
                .append_header(("set-cookie", "b=2; Path=/; HttpOnly"))
                // mox's session cookie holds a space, so Go quotes it; the quotes must
                // come back, or Go reads the value without its trailing space.
                .append_header((
                    "set-cookie",
                    "q=\"tok \"; Path=/; HttpOnly; SameSite=Strict",
                ))
                .content_type("application/json")
                .body(r#"{"result":null}"#),
            "intErr" => HttpResponse::Ok()
                .append_header(("set-cookie", "a=; Path=/; Max-Age=0"))
                .content_type("application/json")
                .body(r#"{"result":[3,"c"]}"#),
            "slices" => json(r#"{"result":[null,null,null]}"#),
            "personEcho" if req.headers().contains_key("x-bad") => {
                json(r#"{"result":{"Name":"n","Address":{"City":5}}}"#)
            }
            "personEcho" => json(
                r#"{"result":{"Name":"n","Age":7,"Email":null,"Address":{"Street":"s","City":"c","Zip":"ignored"},
                    "Previous":null,"Tags":null,"Extra":null,"Born":"2024-01-05T10:11:12.123456789-07:00",
                    "Balance":"12","Mode":"strict","Unknown":{"deep":[1]}}}"#,
            ),
            "int64sEcho" => json(r#"{"result":12}"#),
            "uint64sEcho" => json(r#"{"result":"18446744073709551615"}"#),
            "levelEcho" => json(r#"{"result":7}"#),
            "modeEcho" => json(r#"{"result":"strict"}"#),
            "bytesNullable" => json(r#"{"result":null}"#),
            "twoReturns" => json(r#"{"result":[1,"a","extra"]}"#),
            "int64Echo" => json(r#"{"result":"not a number"}"#),
            "floats" => json(r#"{"result":"1.5"}"#),
            "timeIn" => json(r#"{"result":"yesterday"}"#),
            "bytesEcho" => json(r#"{"result":"not base64!"}"#),
            "smallInts" => json(r#"{"result":1}{"result":2}"#),
            "anyEcho" => json("this is not JSON"),
            "mapEcho" => json(r#"["an", "array"]"#),
            "nullableBool" => json(r#"{"error":null}"#),
            "fail" => HttpResponse::InternalServerError()
                .content_type("application/json")
                .body(r#"{"error":{"code":"server:panic","message":"boom"}}"#),
            "internalError" => HttpResponse::BadGateway().body("upstream gone"),
            "panic" => HttpResponse::Ok()
                .content_type("application/json")
                .body(r#"{"result":null,"error":{"code":"user:x","message":"from the body"}}"#),
            "variadic" => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                json(r#"{"result":1}"#)
            }
            _ => HttpResponse::NotFound().finish(),
        }
    }
    static ADDR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ADDR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(|| {
                    actix_web::App::new().route("/script/{name}", web::post().to(answer))
                })
                .workers(1)
                .bind(("127.0.0.1", 0))
                .unwrap();
                tx.send(server.addrs()[0]).unwrap();
                server.run().await.unwrap();
            })
        });
        format!("http://{}/script/", rx.recv().unwrap())
    })
    .clone()
}

#[tokio::test]
async fn results_decode_with_go_rules() {
    let c = Client::new(&scripted()).unwrap();
    // Null lists and maps: a nullable one stays None, a plain list comes out empty.
    assert_eq!(c.slices().await.unwrap(), (None, Vec::new(), None));
    let p = c.person_echo(&person()).await.unwrap();
    assert!(p.previous.is_empty() && p.tags.is_empty() && p.extra.is_empty());
    // Timestamps keep offset and nanoseconds; int64s may be strings.
    assert_eq!(p.born.to_string(), "2024-01-05T10:11:12.123456789-07:00");
    assert_eq!(p.balance, Int64s(12));
    // Unknown enum values are kept; unknown fields are ignored.
    assert_eq!(p.mode, Mode::Other("strict".into()));
    assert_eq!(p.address.city, "c");
    assert_eq!(c.int64s_echo(Int64s(0)).await.unwrap(), Int64s(12));
    assert_eq!(c.uint64s_echo(Uint64s(0)).await.unwrap(), Uint64s(u64::MAX));
    assert_eq!(
        c.level_echo(Level::LevelLow).await.unwrap(),
        Level::Other(7)
    );
    assert_eq!(
        c.mode_echo(&Mode::ModeNone).await.unwrap(),
        Mode::Other("strict".into())
    );
    assert_eq!(c.bytes_nullable(None).await.unwrap(), None);
    // Several returns are an array, the first error in the body wins over the status.
    assert_eq!(c.int_err(false).await.unwrap(), (3, "c".to_string()));
    let e = c.panic().await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("user:x", "from the body")
    );
}

#[tokio::test]
async fn results_that_do_not_match_the_schema() {
    let c = Client::new(&scripted()).unwrap();
    let bad_types = [
        ("twoReturns", c.two_returns().await.map(|_| ()).unwrap_err()),
        ("int64Echo", c.int64_echo(1).await.map(|_| ()).unwrap_err()),
        ("floats", c.floats(1.0, 1.0).await.map(|_| ()).unwrap_err()),
        (
            "timeIn",
            c.time_in(Timestamp::zero()).await.map(|_| ()).unwrap_err(),
        ),
        (
            "bytesEcho",
            c.bytes_echo(&Bytes::default())
                .await
                .map(|_| ())
                .unwrap_err(),
        ),
    ];
    for (function, e) in &bad_types {
        assert_eq!(e.code, codes::BAD_TYPES, "{function}: {}", e.message);
    }
    // The message names the function and the return value, then says what Go would.
    let messages: Vec<&str> = bad_types.iter().map(|(_, e)| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            r#"result of "twoReturns": expected an array of 2 values, got an array of 3"#,
            r#"result 0 ("r0") of "int64Echo": json: cannot unmarshal string into Go value of type int64"#,
            r#"result 0 ("r0") of "floats": json: cannot unmarshal string into Go value of type float64"#,
            r#"result 0 ("r0") of "timeIn": parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#,
            r#"result 0 ("r0") of "bytesEcho": illegal base64 data at input byte 3"#,
        ]
    );
    // Inside a struct, Go's message names the field.
    let runtime = rt_client::Client::builder(&scripted())
        .header(
            HeaderName::from_static("x-bad"),
            HeaderValue::from_static("1"),
        )
        .build()
        .unwrap();
    let e = Client::from_runtime(runtime)
        .person_echo(&person())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            codes::BAD_TYPES,
            r#"result 0 ("r0") of "personEcho": json: cannot unmarshal number into Go struct field Address.Address.City of type string"#
        )
    );

    for (e, code) in [
        (
            c.small_ints(1, 1, 1).await.map(|_| ()).unwrap_err(),
            codes::BAD_RESPONSE,
        ),
        (
            c.any_echo(&serde_json::Value::Null)
                .await
                .map(|_| ())
                .unwrap_err(),
            codes::BAD_RESPONSE,
        ),
        (
            c.map_echo(&BTreeMap::new()).await.map(|_| ()).unwrap_err(),
            codes::BAD_RESPONSE,
        ),
        (
            c.nullable_bool(None).await.map(|_| ()).unwrap_err(),
            codes::BAD_RESPONSE,
        ),
        (
            c.raw("").await.map(|_| ()).unwrap_err(),
            codes::BAD_FUNCTION,
        ),
    ] {
        assert_eq!(e.code, code, "{}", e.message);
    }
    // Other statuses: sherpa:http, with the server's message when it sent one.
    for (e, message) in [
        (
            c.fail("", "").await.unwrap_err(),
            "error calling function, HTTP status: 500: boom",
        ),
        (
            c.internal_error("").await.unwrap_err(),
            "error calling function, HTTP status: 502",
        ),
    ] {
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (codes::HTTP, message)
        );
    }
}

#[tokio::test]
async fn cookies_headers_and_authentication() {
    let runtime = rt_client::Client::builder(&scripted())
        .header(
            HeaderName::from_static("x-test"),
            HeaderValue::from_static("fixed"),
        )
        .auth(|headers| {
            headers.insert(
                HeaderName::from_static("authorization"),
                HeaderValue::from_static("Bearer t0ken"),
            );
        })
        .build()
        .unwrap();
    let c = Client::from_runtime(runtime);
    assert_eq!(
        c.echo("").await.unwrap(),
        "cookie=- x-test=fixed auth=Bearer t0ken"
    );
    // Two cookies set in one response are both sent back.
    c.no_return().await.unwrap();
    let seen = c.echo("").await.unwrap();
    assert!(
        seen.contains("a=1") && seen.contains("b=2") && seen.contains(r#"q="tok ""#),
        "{seen}"
    );
    // Max-Age=0 removes one; a header set later is sent, one removed is not.
    c.int_err(false).await.unwrap();
    c.runtime().set_header(
        HeaderName::from_static("x-test"),
        Some(HeaderValue::from_static("changed")),
    );
    assert_eq!(
        c.echo("").await.unwrap(),
        "cookie=b=2; q=\"tok \" x-test=changed auth=Bearer t0ken"
    );
    c.runtime()
        .set_header(HeaderName::from_static("x-test"), None);
    assert_eq!(
        c.echo("").await.unwrap(),
        "cookie=b=2; q=\"tok \" x-test=- auth=Bearer t0ken"
    );
    // Clones share the jar and the headers.
    assert_eq!(
        c.clone().echo("").await.unwrap(),
        "cookie=b=2; q=\"tok \" x-test=- auth=Bearer t0ken"
    );
}

#[tokio::test]
async fn timeouts_and_connection_failures() {
    let runtime = rt_client::Client::builder(&scripted())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let c = Client::from_runtime(runtime);
    let e = c.variadic("", &[]).await.unwrap_err();
    assert_eq!(e.code, codes::TIMEOUT, "{}", e.message);
    // A fast call on the same client still works.
    assert_eq!(c.slices().await.unwrap(), (None, Vec::new(), None));

    // A port nobody listens on: connection refused, with the cause in the message.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::new(&format!("http://127.0.0.1:{port}/api/")).unwrap();
    let e = c.echo("").await.unwrap_err();
    assert_eq!(e.code, codes::CONNECTION, "{}", e.message);
    assert!(
        e.message.to_lowercase().contains("refused"),
        "{}",
        e.message
    );

    let e = Client::new("/relative/").unwrap_err();
    assert_eq!(e.code, codes::CONNECTION);
}

/// A response is read in one serde pass when that pass reads it as Go does (keys in
/// other case included); one it refuses (two keys for one field) goes through the
/// schema decoder. Both must give Go's value.
#[test]
fn both_decoding_paths_agree() {
    use sherpa_runtime::client::decode_response;

    let exact = r#"{"result":{"Name":"n","Age":7,"Email":null,"Address":{"Street":"s","City":"c"},
        "Previous":null,"Tags":["a"],"Extra":null,"Born":"2024-01-05T10:11:12.123456789-07:00",
        "Balance":"12","Mode":"strict"},"error":null}"#;
    let folded = exact.replace(r#""Name":"n""#, r#""nAME":"n""#);
    let decode = |body: &str| {
        decode_response::<Person>(&crate::testapi::SCHEMA, "personEcho", 200, body).unwrap()
    };
    let (a, b) = (decode(exact), decode(&folded));
    assert_eq!(a, b);
    assert_eq!(a.name, "n");
    assert_eq!(a.balance, Int64s(12));
    assert_eq!(a.mode, Mode::Other("strict".into()));
    assert_eq!(a.born.to_string(), "2024-01-05T10:11:12.123456789-07:00");

    // A field the client does not know (a newer server) is ignored on either path.
    let newer = exact.replace(r#""Age":7"#, r#""Age":7,"Later":{"x":[1]}"#);
    assert_eq!(decode(&newer), a);
    let newer_folded = folded.replace(r#""Age":7"#, r#""Age":7,"Later":{"x":[1]}"#);
    assert_eq!(decode(&newer_folded), a);
    // A duplicate key: Go's last one wins, on the schema path.
    let twice = exact.replace(r#""Age":7"#, r#""Age":7,"Age":8"#);
    assert_eq!(decode(&twice).age, 8);
    let twice_folded = folded.replace(r#""Age":7"#, r#""Age":7,"name":"m""#);
    assert_eq!(decode(&twice_folded).name, "m");
    // A null where Go reads a zero value.
    let null_age = exact.replace(r#""Age":7"#, r#""Age":null"#);
    assert_eq!(decode(&null_age).age, 0);
    // A top-level null list is empty, a null nullable list stays null.
    let slices = decode_response::<(
        Option<Vec<String>>,
        Vec<String>,
        Option<BTreeMap<String, i32>>,
    )>(
        &crate::testapi::SCHEMA,
        "slices",
        200,
        r#"{"result":[null,null,{"a":1}]}"#,
    )
    .unwrap();
    assert_eq!(
        slices,
        (
            None,
            Vec::new(),
            Some(BTreeMap::from([("a".to_string(), 1)]))
        )
    );
}
