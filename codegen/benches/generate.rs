//! How long generating takes, for build scripts that run it on every schema change, and
//! what a call through a generated dispatcher costs on top of the implementation.
//!
//! - `generate_rust_and_ts/api.json`: what `sherpa-codegen generate --rust --ts` does for
//!   the mox admin API (72 structs, 57 functions): one read of the schema, the Rust
//!   bindings and the TypeScript client.
//! - `generate_rust/api.json`: the Rust bindings alone.
//! - `... x10`: ten renamed copies of api.json in one document, to see that the cost
//!   grows linearly.
//! - `stages/*`: reading (parse + check, which builds the model), the Rust bindings
//!   from the model (naming, emitting tokens, formatting with syn + prettyplease), and
//!   the TypeScript client from the model, separately.
//! - `diff/*`: `sherpa-codegen diff` of api.json and an edited version of it (functions
//!   removed, fields and values added, structs renamed): reading both and comparing,
//!   and the comparison of the two models alone.
//! - `dispatch/*`: one call through `handle` and a generated `Dispatcher`, with an
//!   implementation that returns its input: the trivial call (`Unnamed(string) string`
//!   of the `returns` fixture; target under 3 µs), and `Echo` of the `alltypes` fixture
//!   with an empty and a filled struct (32 fields each way).

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sherpa_codegen::sherpadoc::Section;
use sherpa_codegen::{RustOptions, TsOptions, generate_rust, generate_typescript, parse, read};

/// The allocator of the `sherpa-codegen` CLI, so the numbers are those of a CLI run.
/// Measured in one session on one machine: with the system allocator (glibc),
/// `generate_rust_and_ts/api.json` took 24.5 ms, with mimalloc 17.9 ms; a whole CLI run
/// (`generate api.json --rust --ts`) went from 153.2 to 116.0 million instructions
/// (callgrind).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const API_JSON: &str = include_str!("../../api.json");

/// Ten copies of api.json in one document: every type, enum value and function name of
/// copy `k` gets the suffix `Copy{k}`, and type references are renamed to match, so the
/// result is a valid schema ten times the size.
fn ten_copies() -> String {
    let doc = parse(API_JSON).expect("api.json parses");
    let mut big = Section {
        functions: Vec::new(),
        structs: Vec::new(),
        ints: Vec::new(),
        strings: Vec::new(),
        ..doc.clone()
    };
    let type_names: Vec<String> = doc
        .structs
        .iter()
        .map(|s| s.name.clone())
        .chain(doc.ints.iter().map(|t| t.name.clone()))
        .chain(doc.strings.iter().map(|t| t.name.clone()))
        .collect();
    let rename_words = |words: &mut Vec<String>, suffix: &str| {
        for w in words.iter_mut() {
            if type_names.contains(w) {
                w.push_str(suffix);
            }
        }
    };
    for k in 0..10 {
        let suffix = format!("Copy{k}");
        let mut copy = doc.clone();
        for s in &mut copy.structs {
            s.name.push_str(&suffix);
            for f in &mut s.fields {
                rename_words(&mut f.typewords, &suffix);
            }
        }
        for t in &mut copy.ints {
            t.name.push_str(&suffix);
            for v in t.values.iter_mut().flatten() {
                v.name.push_str(&suffix);
            }
        }
        for t in &mut copy.strings {
            t.name.push_str(&suffix);
            for v in t.values.iter_mut().flatten() {
                v.name.push_str(&suffix);
            }
        }
        for f in &mut copy.functions {
            f.name.push_str(&suffix);
            for a in f.params.iter_mut().chain(f.returns.iter_mut()) {
                rename_words(&mut a.typewords, &suffix);
            }
        }
        big.functions.extend(copy.functions);
        big.structs.extend(copy.structs);
        big.ints.extend(copy.ints);
        big.strings.extend(copy.strings);
    }
    serde_json::to_string(&big).expect("a section encodes")
}

/// api.json as a next version might have it: three functions removed, a parameter
/// added to one, a field added to every fifth struct, a value added to every string
/// enum, every tenth struct renamed (same shape) and all docs of the first struct
/// changed.
fn edited() -> String {
    let mut doc = parse(API_JSON).expect("api.json parses");
    doc.functions.drain(0..3);
    doc.functions[0]
        .params
        .push(sherpa_codegen::sherpadoc::Arg {
            name: "extra".into(),
            typewords: vec!["string".into()],
        });
    for s in doc.structs.iter_mut().step_by(5) {
        s.fields.push(sherpa_codegen::sherpadoc::Field {
            name: "Added".into(),
            docs: String::new(),
            typewords: vec!["nullable".into(), "string".into()],
        });
    }
    for t in &mut doc.strings {
        if let Some(values) = &mut t.values {
            values.push(sherpa_codegen::sherpadoc::StringValue {
                name: format!("{}Added", t.name),
                value: format!("added-{}", t.name),
                docs: String::new(),
            });
        }
    }
    doc.structs[0].docs.push_str(" Edited.");
    let renamed: Vec<String> = doc
        .structs
        .iter()
        .skip(1)
        .step_by(10)
        .map(|s| s.name.clone())
        .collect();
    let rename = |w: &mut String| {
        if renamed.contains(w) {
            w.push_str("Renamed");
        }
    };
    for s in &mut doc.structs {
        rename(&mut s.name);
        s.fields
            .iter_mut()
            .flat_map(|f| f.typewords.iter_mut())
            .for_each(rename);
    }
    for f in &mut doc.functions {
        f.params
            .iter_mut()
            .chain(f.returns.iter_mut())
            .flat_map(|a| a.typewords.iter_mut())
            .for_each(rename);
    }
    serde_json::to_string(&doc).expect("a section encodes")
}

fn bench_diff(c: &mut Criterion) {
    let next = edited();
    let old = read(API_JSON).expect("api.json reads");
    let new = read(&next).expect("the edited schema reads");
    assert!(!sherpa_codegen::diff(&old, &new).changes.is_empty());
    let mut g = c.benchmark_group("diff");
    g.sample_size(20);
    // What `sherpa-codegen diff api.json next.json` does: read both, compare.
    g.bench_function("read both and diff api.json", |b| {
        b.iter(|| {
            let old = read(black_box(API_JSON)).expect("reads");
            let new = read(black_box(&next)).expect("reads");
            sherpa_codegen::diff(&old, &new)
        })
    });
    g.bench_function("diff api.json models", |b| {
        b.iter(|| sherpa_codegen::diff(black_box(&old), black_box(&new)))
    });
    g.finish();
}

fn bench_generate(c: &mut Criterion) {
    let opts = RustOptions::default();
    let ts_opts = TsOptions::default();
    let big = ten_copies();
    // What `sherpa-codegen generate --rust --ts` does: one read of the schema, the Rust
    // bindings and the TypeScript client.
    let both = |json: &str| {
        let api = read(black_box(json)).expect("reads");
        let rust = generate_rust(&api, "api.json", &opts).expect("generates Rust");
        let ts = generate_typescript(&api, &ts_opts).expect("generates TS");
        (rust, ts)
    };
    let mut g = c.benchmark_group("generate_rust_and_ts");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(API_JSON.len() as u64));
    g.bench_function("api.json", |b| b.iter(|| both(API_JSON)));
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("api.json x10", |b| b.iter(|| both(&big)));
    g.finish();

    let mut g = c.benchmark_group("generate_rust");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(API_JSON.len() as u64));
    g.bench_function("api.json", |b| {
        b.iter(|| {
            let api = read(black_box(API_JSON)).expect("reads");
            generate_rust(&api, "api.json", &opts).expect("generates")
        })
    });
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("api.json x10", |b| {
        b.iter(|| {
            let api = read(black_box(&big)).expect("reads");
            generate_rust(&api, "big.json", &opts).expect("generates")
        })
    });
    g.finish();

    let mut g = c.benchmark_group("stages");
    g.sample_size(20);
    for (name, json) in [("api.json", API_JSON), ("api.json x10", big.as_str())] {
        let api = read(json).expect("schema reads");
        g.bench_function(format!("read {name}"), |b| {
            b.iter(|| read(black_box(json)).expect("reads"))
        });
        g.bench_function(format!("Rust from model {name}"), |b| {
            b.iter(|| generate_rust(black_box(&api), name, &opts).expect("generates"))
        });
        g.bench_function(format!("TypeScript from model {name}"), |b| {
            b.iter(|| generate_typescript(black_box(&api), &ts_opts).expect("generates"))
        });
        g.bench_function(format!("HTML reference from model {name}"), |b| {
            b.iter(|| sherpa_codegen::generate_html(black_box(&api), &Default::default()))
        });
    }
    g.finish();
}

/// The generated code of the `alltypes` fixture, against the real runtime.
#[allow(dead_code)]
mod alltypes {
    include!("../../tests/fixtures/rust/alltypes.rs");
}

/// Returns its input; the cost measured is the runtime's and the dispatcher's.
struct Echo;

impl alltypes::Api for Echo {
    type Context = ();

    async fn echo(
        &self,
        _ctx: &(),
        v: alltypes::Values,
    ) -> Result<alltypes::Values, sherpa_runtime::Error> {
        Ok(v)
    }

    #[allow(clippy::too_many_arguments)]
    async fn basics(
        &self,
        _ctx: &(),
        a: serde_json::Value,
        b: bool,
        c: i8,
        d: u8,
        e: i16,
        f: u16,
        g: i32,
        h: u32,
        i: i64,
        j: u64,
        k: sherpa_runtime::Int64s,
        l: sherpa_runtime::Uint64s,
        m: f32,
        n: f64,
        o: String,
        p: sherpa_runtime::Timestamp,
    ) -> Result<
        (
            serde_json::Value,
            bool,
            i8,
            u8,
            i16,
            u16,
            i32,
            u32,
            i64,
            u64,
            sherpa_runtime::Int64s,
            sherpa_runtime::Uint64s,
            f32,
            f64,
            String,
            sherpa_runtime::Timestamp,
        ),
        sherpa_runtime::Error,
    > {
        Ok((a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p))
    }
}

/// The generated code of the `returns` fixture: its `Unnamed(string) string` is the
/// trivial call (one string parameter, one string result).
#[allow(dead_code)]
mod returns {
    include!("../../tests/fixtures/rust/returns.rs");
}

/// Echoes `Unnamed`'s parameter; the other functions return fixed values.
struct Trivial;

impl returns::Api for Trivial {
    type Context = ();

    async fn none(&self, _ctx: &()) -> Result<(), sherpa_runtime::Error> {
        Ok(())
    }

    async fn one(&self, _ctx: &()) -> Result<String, sherpa_runtime::Error> {
        Ok(String::new())
    }

    async fn two(&self, _ctx: &(), a: i32) -> Result<(i64, String), sherpa_runtime::Error> {
        Ok((a.into(), String::new()))
    }

    async fn three(&self, _ctx: &()) -> Result<(i32, Vec<String>, bool), sherpa_runtime::Error> {
        Ok((0, Vec::new(), false))
    }

    #[allow(clippy::type_complexity)]
    async fn nested(
        &self,
        _ctx: &(),
    ) -> Result<
        (
            Option<returns::Ret>,
            std::collections::BTreeMap<String, Vec<returns::Ret>>,
        ),
        sherpa_runtime::Error,
    > {
        Ok((None, Default::default()))
    }

    async fn unnamed(&self, _ctx: &(), param0: String) -> Result<String, sherpa_runtime::Error> {
        Ok(param0)
    }
}

/// Polls a future that never waits (the echo implementation does no I/O) to completion,
/// so the measurement contains no executor.
fn run_ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn bench_dispatch(c: &mut Criterion) {
    let d = alltypes::Dispatcher(Echo);
    let opts = sherpa_runtime::Options::default();
    let mut g = c.benchmark_group("dispatch");
    let t = returns::Dispatcher(Trivial);
    let echo = br#"{"params":["hello world"]}"#;
    assert_eq!(
        run_ready(sherpa_runtime::handle(&t, &(), "Unnamed", echo, &opts)).body,
        b"{\"result\":\"hello world\"}\n"
    );
    g.bench_function("trivial Unnamed(string) string", |b| {
        b.iter(|| {
            let r = run_ready(sherpa_runtime::handle(
                &t,
                &(),
                black_box("Unnamed"),
                black_box(echo),
                &opts,
            ));
            assert_eq!(r.status, 200);
            r
        })
    });
    // `Echo` returns a `Values` with all 32 fields, zero or not: the cost is mostly
    // encoding that result.
    let trivial = br#"{"params":[{}]}"#;
    g.bench_function("Echo empty struct", |b| {
        b.iter(|| {
            let r = run_ready(sherpa_runtime::handle(
                &d,
                &(),
                "Echo",
                black_box(trivial),
                &opts,
            ));
            assert_eq!(r.status, 200);
            r
        })
    });
    let full = concat!(
        r#"{"params":[{"Any":{"a":[1,"x"]},"Bool":true,"Int64":-9,"Int64s":"12","#,
        r#""String":"hello","Timestamp":"2024-01-02T03:04:05.6+01:00","List":["a","b"],"#,
        r#""Map":{"a":1},"Bytes":"aGVsbG8=","Struct":{"Name":"n","Tags":["t"]},"#,
        r#""Mode":"on","Modes":["off"],"Level":1,"Times":{"t":"2024-01-02T03:04:05Z"}}]}"#
    );
    g.bench_function("Echo filled struct", |b| {
        b.iter(|| {
            let r = run_ready(sherpa_runtime::handle(
                &d,
                &(),
                "Echo",
                black_box(full.as_bytes()),
                &opts,
            ));
            assert_eq!(r.status, 200);
            r
        })
    });
    g.finish();
}

criterion_group!(benches, bench_generate, bench_diff, bench_dispatch);
criterion_main!(benches);
