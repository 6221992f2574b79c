//! Dispatch overhead without HTTP: envelope parse, Go-semantics parameter decoding,
//! the call through `Dispatch`, and result encoding, for a trivial function
//! (`echo(string) string`) and for one taking and returning a small struct.
//!
//! The dispatcher is hand-written (what generated code looks like), so the bench
//! measures the runtime alone. Target: under 3 µs for the trivial call.

use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use serde::{Deserialize, Serialize};
use sherpa_runtime::schema::{ArgDef, FieldDef, FunctionDef, NamedType, Schema, Type};
use sherpa_runtime::{BoxFuture, Call, Dispatch, Encoded, Error, Options, Response, handle};

static FIELDS: [FieldDef; 3] = [
    FieldDef {
        name: "Name",
        ty: Type::String,
    },
    FieldDef {
        name: "Age",
        ty: Type::Int32,
    },
    FieldDef {
        name: "Tags",
        ty: Type::List(&Type::String),
    },
];
static TYPES: [NamedType; 1] = [NamedType::Struct {
    name: "Person",
    fields: &FIELDS,
}];
static FUNCTIONS: [FunctionDef; 2] = [
    FunctionDef {
        name: "echo",
        params: &[ArgDef {
            name: "s",
            ty: Type::String,
        }],
        returns: &[ArgDef {
            name: "r0",
            ty: Type::String,
        }],
    },
    FunctionDef {
        name: "person",
        params: &[ArgDef {
            name: "p",
            ty: Type::Named(0),
        }],
        returns: &[ArgDef {
            name: "r0",
            ty: Type::Named(0),
        }],
    },
];
static SCHEMA: Schema = Schema {
    name: "Bench",
    functions: &FUNCTIONS,
    functions_by_name: &[],
    types: &TYPES,
    docs_json: r#"{"Name":"Bench","Docs":"","Functions":[],"Sections":[],"Structs":[],"Ints":[],"Strings":[],"SherpaVersion":0,"SherpadocVersion":1}"#,
};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Person {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Age")]
    age: i32,
    #[serde(rename = "Tags")]
    tags: Vec<String>,
}

struct Api;

impl Dispatch for Api {
    type Context = ();
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
    fn call<'a>(&'a self, _ctx: &'a (), mut call: Call) -> BoxFuture<'a, Result<Encoded, Error>> {
        Box::pin(async move {
            match call.function() {
                "echo" => {
                    let s: String = call.param(0)?;
                    call.result(&s)
                }
                "person" => {
                    let p: Person = call.param(0)?;
                    call.result(&p)
                }
                other => Err(Error::bad_function(other)),
            }
        })
    }
}

/// An API with 60 functions `f00`..`f59`, all `echo(string) string`, to see what finding
/// a function by name costs in an API of the admin API's size (57 functions), with names
/// of equal length (the worst case for comparing names one by one).
struct Wide(&'static Schema);

impl Wide {
    fn new() -> Wide {
        let functions: Vec<FunctionDef> = (0..60)
            .map(|i| FunctionDef {
                name: String::leak(format!("f{i:02}")),
                ..FUNCTIONS[0]
            })
            .collect();
        // The names are in order already; generated schemas sort them.
        let by_name: Vec<u32> = (0..60).collect();
        Wide(Box::leak(Box::new(Schema {
            functions: functions.leak(),
            functions_by_name: by_name.leak(),
            ..SCHEMA
        })))
    }
}

impl Dispatch for Wide {
    type Context = ();
    fn schema(&self) -> &'static Schema {
        self.0
    }
    fn call<'a>(&'a self, _ctx: &'a (), mut call: Call) -> BoxFuture<'a, Result<Encoded, Error>> {
        Box::pin(async move {
            let s: String = call.param(0)?;
            call.result(&s)
        })
    }
}

/// Runs `handle` to completion; the bench's functions never wait.
fn run(function: &str, body: &[u8], opts: &Options) -> Response {
    run_with(&Api, function, body, opts)
}

fn run_with<D: Dispatch<Context = ()>>(
    d: &D,
    function: &str,
    body: &[u8],
    opts: &Options,
) -> Response {
    let mut fut = std::pin::pin!(handle(d, &(), function, body, opts));
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(r) = fut.as_mut().poll(&mut cx) {
            return r;
        }
    }
}

fn bench(c: &mut Criterion) {
    let opts = Options::default();
    let echo = br#"{"params":["hello world"]}"#;
    assert_eq!(
        run("echo", echo, &opts).body,
        b"{\"result\":\"hello world\"}\n"
    );
    c.bench_function("dispatch echo(string)", |b| {
        b.iter(|| run(black_box("echo"), black_box(echo), &opts))
    });
    let wide = Wide::new();
    assert_eq!(
        run_with(&wide, "f59", echo, &opts).body,
        b"{\"result\":\"hello world\"}\n"
    );
    c.bench_function("dispatch echo(string), last of 60 functions", |b| {
        b.iter(|| run_with(&wide, black_box("f59"), black_box(echo), &opts))
    });
    let person = br#"{"params":[{"name":"Alice","Age":30,"Tags":["a","b"]}]}"#;
    assert_eq!(
        run("person", person, &opts).body,
        b"{\"result\":{\"Name\":\"Alice\",\"Age\":30,\"Tags\":[\"a\",\"b\"]}}\n"
    );
    c.bench_function("dispatch person(struct)", |b| {
        b.iter(|| run(black_box("person"), black_box(person), &opts))
    });
    let bad = br#"{"params":[1]}"#;
    c.bench_function("dispatch echo badParams", |b| {
        b.iter(|| run(black_box("echo"), black_box(bad), &opts))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
