//! The generated Rust for a schema with every type word (`tests/fixtures/rust/alltypes.json`,
//! its checked-in snapshot included below) served through the runtime: JSON in, generated
//! types, JSON out, compared with what Go's sherpa server writes (`docs/protocol.md`, JSON encoding of the types).
//!
//! The implementation echoes its parameters, so every response must reproduce the request
//! value in Go's canonical form: timestamps keep their offset and fraction (trailing zeros
//! dropped), the zero time is `0001-01-01T00:00:00Z`, bytes are padded standard base64,
//! `int64s`/`uint64s` are strings, unknown enum values survive, and `null` lists and maps
//! read as empty.
//!
//! The generated types also read Go's output with plain serde (`serde_json::from_str`),
//! `null` at any depth giving the zero value, as Go reads it.

#![deny(warnings)]

use serde_json::{Value, json};
use sherpa_runtime::{Bytes, Error, Int64s, Options, Timestamp, Uint64s, handle};

#[allow(dead_code)]
mod alltypes {
    include!("fixtures/rust/alltypes.rs");
}

/// Nested lists, maps and nullables, and boxed reference cycles.
#[allow(dead_code)]
mod nested {
    include!("fixtures/rust/nested.rs");
}

use alltypes::{Api, Count, Dispatcher, Inner, Level, Mode, Token, Values};

/// Echoes everything back; `Echo` fails with a user error for one magic string so the
/// error path through the generated dispatcher is covered too.
struct EchoApi;

impl Api for EchoApi {
    type Context = ();

    async fn echo(&self, _ctx: &(), v: Values) -> Result<Values, Error> {
        if v.string == "fail" {
            return Err(Error::user("asked to fail"));
        }
        Ok(v)
    }

    async fn basics(
        &self,
        _ctx: &(),
        p_any: Value,
        p_bool: bool,
        p_int8: i8,
        p_uint8: u8,
        p_int16: i16,
        p_uint16: u16,
        p_int32: i32,
        p_uint32: u32,
        p_int64: i64,
        p_uint64: u64,
        p_int64s: Int64s,
        p_uint64s: Uint64s,
        p_float32: f32,
        p_float64: f64,
        p_string: String,
        p_timestamp: Timestamp,
    ) -> Result<
        (
            Value,
            bool,
            i8,
            u8,
            i16,
            u16,
            i32,
            u32,
            i64,
            u64,
            Int64s,
            Uint64s,
            f32,
            f64,
            String,
            Timestamp,
        ),
        Error,
    > {
        Ok((
            p_any,
            p_bool,
            p_int8,
            p_uint8,
            p_int16,
            p_uint16,
            p_int32,
            p_uint32,
            p_int64,
            p_uint64,
            p_int64s,
            p_uint64s,
            p_float32,
            p_float64,
            p_string,
            p_timestamp,
        ))
    }
}

/// Calls `function` with the given params (a JSON array) and returns status and body.
async fn call(function: &str, params: &str) -> (u16, String) {
    let body = format!(r#"{{"params":{params}}}"#);
    let r = handle(
        &Dispatcher(EchoApi),
        &(),
        function,
        body.as_bytes(),
        &Options::default(),
    )
    .await;
    (r.status, String::from_utf8(r.body).unwrap())
}

/// A `Values` object with every field set, compact, in field order: the form Go writes.
const FULL: &str = concat!(
    r#"{"Any":{"a":[1,"x",null,true]},"Bool":true,"Int8":-128,"Uint8":255,"Int16":-32768,"#,
    r#""Uint16":65535,"Int32":-2147483648,"Uint32":4294967295,"Int64":-9223372036854775808,"#,
    r#""Uint64":18446744073709551615,"Int64s":"-9223372036854775808","#,
    r#""Uint64s":"9223372036854775807","Float32":1.5,"Float64":0.1,"String":"héllo \"x\"","#,
    r#""Timestamp":"2024-01-02T03:04:05.6+01:00","NullableString":"s","#,
    r#""NullableTimestamp":"2024-01-02T03:04:05.123456789Z","List":["a","b"],"#,
    r#""Map":{"a":1,"b":-2},"Bytes":"aGVsbG8=","NullableBytes":"","#,
    r#""Struct":{"Name":"n","Tags":["t"]},"NullableStruct":{"Name":"m","Tags":[]},"#,
    r#""Structs":[{"Name":"x","Tags":["y","z"]}],"Mode":"on","Modes":["","off","newer"],"#,
    r#""Level":1,"Token":"anything","Count":42,"#,
    r#""Times":{"t":"2024-01-24T10:00:00.000001+01:00"},"Anys":[1.5,"s",{"k":[]}]}"#
);

#[tokio::test]
async fn every_field_round_trips_exactly() {
    let (status, body) = call("Echo", &format!("[{FULL}]")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, format!("{{\"result\":{FULL}}}\n"));
}

#[tokio::test]
async fn values_decode_into_the_generated_types() {
    let v: Values = serde_json::from_str(FULL).unwrap();
    assert_eq!(v.int64s, Int64s(i64::MIN));
    assert_eq!(v.uint64s, Uint64s(i64::MAX as u64));
    assert_eq!(v.bytes, Bytes(b"hello".to_vec()));
    assert_eq!(v.nullable_bytes, Some(Bytes(Vec::new())));
    assert_eq!(v.timestamp.to_string(), "2024-01-02T03:04:05.6+01:00");
    assert_eq!(v.mode, Mode::ModeOn);
    assert_eq!(
        v.modes,
        [
            Mode::ModeEmpty,
            Mode::ModeOff,
            Mode::Other("newer".to_string())
        ]
    );
    assert_eq!(v.level, Level::LevelOne);
    assert_eq!(v.token, Token("anything".to_string()));
    assert_eq!(v.count, Count(42));
    assert_eq!(
        v.nullable_struct.as_ref().map(|s| s.name.as_str()),
        Some("m")
    );
    assert_eq!(v.map.get("b"), Some(&-2));
}

/// Go's zero values: what a `Values` with nothing set looks like on the wire (the Rust
/// side writes empty lists and maps as `[]`/`{}` where Go writes `null` for nil ones).
const ZERO: &str = concat!(
    r#"{"Any":null,"Bool":false,"Int8":0,"Uint8":0,"Int16":0,"Uint16":0,"Int32":0,"#,
    r#""Uint32":0,"Int64":0,"Uint64":0,"Int64s":"0","Uint64s":"0","Float32":0,"Float64":0,"#,
    r#""String":"","Timestamp":"0001-01-01T00:00:00Z","NullableString":null,"#,
    r#""NullableTimestamp":null,"List":[],"Map":{},"Bytes":"","NullableBytes":null,"#,
    r#""Struct":{"Name":"","Tags":[]},"NullableStruct":null,"Structs":[],"Mode":"","#,
    r#""Modes":[],"Level":0,"Token":"","Count":0,"Times":{},"Anys":[]}"#
);

#[tokio::test]
async fn nulls_and_missing_fields_are_zero_values() {
    // Every field null: Go leaves the zero value, lists and maps read as empty.
    let all_null = ZERO_KEYS
        .iter()
        .map(|k| format!("\"{k}\":null"))
        .collect::<Vec<_>>()
        .join(",");
    for params in [
        format!("[{{{all_null}}}]"),
        "[{}]".to_string(),
        "[null]".to_string(),
    ] {
        let (status, body) = call("Echo", &params).await;
        assert_eq!(status, 200, "{params}: {body}");
        assert_eq!(body, format!("{{\"result\":{ZERO}}}\n"), "{params}");
    }
    // Default is Go's zero value.
    assert_eq!(
        sherpa_runtime::gojson::to_string(&Values::default()).unwrap(),
        ZERO
    );
}

const ZERO_KEYS: &[&str] = &[
    "Any",
    "Bool",
    "Int8",
    "Uint8",
    "Int16",
    "Uint16",
    "Int32",
    "Uint32",
    "Int64",
    "Uint64",
    "Int64s",
    "Uint64s",
    "Float32",
    "Float64",
    "String",
    "Timestamp",
    "NullableString",
    "NullableTimestamp",
    "List",
    "Map",
    "Bytes",
    "NullableBytes",
    "Struct",
    "NullableStruct",
    "Structs",
    "Mode",
    "Modes",
    "Level",
    "Token",
    "Count",
    "Times",
    "Anys",
];

/// Fields whose input form differs from Go's canonical output form.
#[tokio::test]
async fn inputs_are_normalised_as_go_writes_them() {
    let cases = [
        // int64s and uint64s read numbers too, and always write strings.
        (r#""Int64s":123"#, r#""Int64s":"123""#),
        (r#""Uint64s":7"#, r#""Uint64s":"7""#),
        // Bytes read an array of small integers and write base64.
        (r#""Bytes":[104,105]"#, r#""Bytes":"aGk=""#),
        // Timestamps: trailing zeros of the fraction go, the offset stays.
        (
            r#""Timestamp":"2024-01-02T03:04:05.100-07:00""#,
            r#""Timestamp":"2024-01-02T03:04:05.1-07:00""#,
        ),
        (
            r#""Timestamp":"2024-01-02T03:04:05.000Z""#,
            r#""Timestamp":"2024-01-02T03:04:05Z""#,
        ),
        // Unknown enum values are kept; int enums too.
        (r#""Mode":"future""#, r#""Mode":"future""#),
        (r#""Level":7"#, r#""Level":7"#),
        // Keys match case-insensitively, as in Go.
        (r#""string":"lower""#, r#""String":"lower""#),
        // Go escapes <, > and & in strings.
        (r#""String":"<a&b>""#, r#""String":"\u003ca\u0026b\u003e""#),
        // Floats are written in Go's shortest form.
        (r#""Float64":1e21"#, r#""Float64":1e+21"#),
        (r#""Float64":2.0"#, r#""Float64":2"#),
    ];
    let zero: serde_json::Map<String, Value> = serde_json::from_str(ZERO).unwrap();
    for (input, output) in cases {
        let (status, body) = call("Echo", &format!("[{{{input}}}]")).await;
        assert_eq!(status, 200, "{input}: {body}");
        let (key, _) = output.split_once(':').unwrap();
        let key: String = serde_json::from_str(key).unwrap();
        let mut want = zero.clone();
        let value: Value = serde_json::from_str(&format!("{{{output}}}")).unwrap();
        want.insert(key.clone(), value[&key].clone());
        // Compare text for the field itself (escapes, number forms), values for the rest.
        assert!(body.contains(output), "{input}: {output} not in {body}");
        let got: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(got["result"], Value::Object(want), "{input}");
    }
}

#[tokio::test]
async fn several_returns_are_a_json_array() {
    let params = concat!(
        r#"[{"x":1},true,-1,2,-3,4,-5,6,-7,8,"-9","10",1.25,-0.5,"s","#,
        r#""2024-01-02T03:04:05+02:00"]"#
    );
    let (status, body) = call("Basics", params).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, format!("{{\"result\":{params}}}\n"));
}

#[tokio::test]
async fn zero_time_and_null_params() {
    // `null` for every non-pointer parameter gives its zero value.
    let params = format!("[{}]", vec!["null"; 16].join(","));
    let (status, body) = call("Basics", &params).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        concat!(
            r#"{"result":[null,false,0,0,0,0,0,0,0,0,"0","0",0,0,"","#,
            r#""0001-01-01T00:00:00Z"]}"#,
            "\n"
        )
    );
}

#[tokio::test]
async fn decoding_errors_name_the_function() {
    let cases = [
        (r#"[{"Int8":128}]"#, "cannot unmarshal number 128"),
        (r#"[{"Bytes":"aGVsbG8"}]"#, "illegal base64 data"),
        (r#"[{"Timestamp":"2024-01-02 03:04:05Z"}]"#, "parsing time"),
        (r#"[{"Int64s":"1.5"}]"#, "invalid syntax"),
        (r#"[{"Unknown":1}]"#, r#"json: unknown field "Unknown""#),
        (
            r#"[{"Struct":{"Name":"x","Extra":1}}]"#,
            r#"unknown field "Extra""#,
        ),
    ];
    for (params, needle) in cases {
        let (status, body) = call("Echo", params).await;
        assert_eq!(status, 200, "{params}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "sherpa:badParams", "{params}: {body}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(r#"function "Echo": parsing parameters: "#),
            "{params}: {message}"
        );
        assert!(message.contains(needle), "{params}: {message}");
    }
}

#[tokio::test]
async fn errors_from_the_implementation_pass_through() {
    let (status, body) = call("Echo", r#"[{"String":"fail"}]"#).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        "{\"result\":null,\"error\":{\"code\":\"user:error\",\"message\":\"asked to fail\"}}\n"
    );
    let (status, body) = call("Nope", "[]").await;
    assert_eq!(status, 404);
    assert!(body.contains("sherpa:badFunction"), "{body}");
}

#[test]
fn schema_table_matches_the_document() {
    use sherpa_runtime::schema::{NamedType, Type};
    let s = &alltypes::SCHEMA;
    assert_eq!(s.name, "AllTypes");
    assert_eq!(alltypes::FUNCTIONS, ["Echo", "Basics"]);
    let names: Vec<&str> = s.types.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        ["Values", "Inner", "Level", "Count", "Mode", "Token"]
    );
    let NamedType::Struct { fields, .. } = s.types[0] else {
        panic!("Values is not a struct");
    };
    let ty = |name: &str| fields.iter().find(|f| f.name == name).unwrap().ty;
    assert_eq!(ty("Bytes"), Type::List(&Type::Uint8));
    assert_eq!(
        ty("NullableBytes"),
        Type::Nullable(&Type::List(&Type::Uint8))
    );
    assert_eq!(ty("Struct"), Type::Named(1));
    assert_eq!(ty("Times"), Type::Map(&Type::Timestamp));
    assert_eq!(
        s.types[4],
        NamedType::Strings {
            name: "Mode",
            values: &["", "on", "off"]
        }
    );
    assert_eq!(
        s.types[3],
        NamedType::Ints {
            name: "Count",
            values: &[]
        }
    );
    // docs_json is the document itself.
    let doc: Value = serde_json::from_str(s.docs_json).unwrap();
    let file: Value = serde_json::from_str(include_str!("fixtures/rust/alltypes.json")).unwrap();
    assert_eq!(doc, file);
    assert_eq!(json!(doc["Name"]), json!("AllTypes"));
}

/// What Go writes for a zero `Values`: `null` for every nil slice and map (`[]byte`
/// included), at the top level and inside the nested struct.
const GO_ZERO: &str = concat!(
    r#"{"Any":null,"Bool":false,"Int8":0,"Uint8":0,"Int16":0,"Uint16":0,"Int32":0,"#,
    r#""Uint32":0,"Int64":0,"Uint64":0,"Int64s":"0","Uint64s":"0","Float32":0,"Float64":0,"#,
    r#""String":"","Timestamp":"0001-01-01T00:00:00Z","NullableString":null,"#,
    r#""NullableTimestamp":null,"List":null,"Map":null,"Bytes":null,"NullableBytes":null,"#,
    r#""Struct":{"Name":"","Tags":null},"NullableStruct":null,"Structs":null,"Mode":"","#,
    r#""Modes":null,"Level":0,"Token":"","Count":0,"Times":null,"Anys":null}"#
);

/// Go's output reads into the generated types with plain serde: `null` lists and maps
/// are empty, and `null` where Go would never write it (but reads it as "leave the zero
/// value") gives the zero value too, for every kind of field.
#[test]
fn plain_serde_reads_go_nulls_as_zero_values() {
    let v: Values = serde_json::from_str(GO_ZERO).unwrap();
    assert_eq!(v, Values::default());

    let all_null = ZERO_KEYS
        .iter()
        .map(|k| format!("\"{k}\":null"))
        .collect::<Vec<_>>()
        .join(",");
    let v: Values = serde_json::from_str(&format!("{{{all_null}}}")).unwrap();
    assert_eq!(v, Values::default());
    assert_eq!(v.mode, Mode::ModeEmpty);
    assert_eq!(v.level, Level::LevelZero);
    assert!(v.timestamp.is_zero());

    // Nulls inside lists and maps, and inside structs inside lists.
    let v: Values = serde_json::from_str(concat!(
        r#"{"List":[null,"a"],"Map":{"a":null,"b":2},"Structs":[null,{"Name":null,"Tags":[null,"t"]}],"#,
        r#""Modes":[null,"on"],"Times":{"t":null},"Anys":[null,1],"Struct":{"Tags":null},"#,
        r#""NullableStruct":{"Name":null,"Tags":null},"Mode":null,"Token":null,"Count":null}"#
    ))
    .unwrap();
    assert_eq!(v.list, ["", "a"]);
    assert_eq!(v.map, [("a".to_string(), 0), ("b".to_string(), 2)].into());
    assert_eq!(
        v.structs,
        [
            Inner::default(),
            Inner {
                name: String::new(),
                tags: vec![String::new(), "t".to_string()]
            }
        ]
    );
    assert_eq!(v.modes, [Mode::ModeEmpty, Mode::ModeOn]);
    assert!(v.times["t"].is_zero());
    assert_eq!(v.anys, [Value::Null, json!(1)]);
    assert_eq!(v.r#struct, Inner::default());
    assert_eq!(v.nullable_struct, Some(Inner::default()));
    assert_eq!((v.token, v.count), (Token(String::new()), Count(0)));

    // A top-level `null` needs the runtime's entry points (derives reject it).
    assert_eq!(
        sherpa_runtime::de::from_str::<Values>("null").unwrap(),
        Values::default()
    );
    assert_eq!(
        sherpa_runtime::de::from_str::<Vec<Values>>("null").unwrap(),
        []
    );
    // Wrong types are still errors.
    assert!(serde_json::from_str::<Values>(r#"{"List":"x"}"#).is_err());
    assert!(serde_json::from_str::<Values>(r#"{"Map":{"a":"1"}}"#).is_err());
}

/// Nulls at every depth of nested lists, maps and nullables, and in boxed cycles.
#[test]
fn plain_serde_reads_nested_nulls() {
    use nested::{Node, Pair, Shapes};
    use std::collections::BTreeMap;

    let s: Shapes = serde_json::from_str(concat!(
        r#"{"NullableList":null,"ListOfNullable":[null,"s"],"NullableListOfNullable":[null],"#,
        r#""Matrix":[null,[1,null]],"MapOfLists":{"a":null,"b":[null]},"#,
        r#""NullableMap":{"k":null,"l":3},"ListOfMaps":[null,{"x":null}],"#,
        r#""Deep":{"d":[null,{"e":null,"f":[1.5,null]}],"z":null}}"#
    ))
    .unwrap();
    let expect = Shapes {
        nullable_list: None,
        list_of_nullable: vec![None, Some("s".to_string())],
        nullable_list_of_nullable: Some(vec![None]),
        matrix: vec![vec![], vec![1, 0]],
        map_of_lists: BTreeMap::from([
            ("a".to_string(), vec![]),
            ("b".to_string(), vec![String::new()]),
        ]),
        nullable_map: Some(BTreeMap::from([
            ("k".to_string(), None),
            ("l".to_string(), Some(3)),
        ])),
        list_of_maps: vec![BTreeMap::new(), BTreeMap::from([("x".to_string(), false)])],
        deep: BTreeMap::from([
            (
                "d".to_string(),
                vec![
                    BTreeMap::new(),
                    BTreeMap::from([
                        ("e".to_string(), None),
                        ("f".to_string(), Some(vec![1.5, 0.0])),
                    ]),
                ],
            ),
            ("z".to_string(), vec![]),
        ]),
    };
    assert_eq!(s, expect);

    let n: Node = serde_json::from_str(concat!(
        r#"{"Parent":{"Parent":null,"Children":null},"Children":[null,{"ByName":{"x":null}}],"#,
        r#""ByName":null,"Pair":{"Left":null,"Right":{"Children":[null]}}}"#
    ))
    .unwrap();
    let expect = Node {
        parent: Some(Box::new(Node::default())),
        children: vec![
            Node::default(),
            Node {
                by_name: BTreeMap::from([("x".to_string(), Node::default())]),
                ..Node::default()
            },
        ],
        by_name: BTreeMap::new(),
        pair: Some(Box::new(Pair {
            left: Box::default(),
            right: Some(Box::new(Node {
                children: vec![Node::default()],
                ..Node::default()
            })),
        })),
    };
    assert_eq!(n, expect);
}

/// Plain serde and the dispatcher (which normalises against the schema first) agree
/// on what Go's null-laden output means.
#[tokio::test]
async fn plain_serde_agrees_with_the_dispatcher() {
    for input in [
        GO_ZERO,
        r#"{"Structs":[null,{"Tags":[null]}],"Map":{"a":null},"Times":{"t":null},"Modes":[null]}"#,
        r#"{"Struct":null,"NullableStruct":{"Tags":null},"List":[null],"Anys":[null]}"#,
    ] {
        let plain: Values = serde_json::from_str(input).unwrap();
        let (status, body) = call("Echo", &format!("[{input}]")).await;
        assert_eq!(status, 200, "{input}: {body}");
        assert_eq!(
            body,
            format!(
                "{{\"result\":{}}}\n",
                sherpa_runtime::gojson::to_string(&plain).unwrap()
            ),
            "{input}"
        );
    }
}
