//! Client-side decoding of a `QueueList` result of 10,000 messages: the response text
//! as the server sends it, turned into `Vec<Msg>` by the generated client's decoder
//! (`sherpa_runtime::client::decode_response`), next to plain `serde_json::from_str`
//! of the same text into the same types (no Go rules) as the reference measured in the
//! same run. A third case gives every message its `ID` twice (`"ID":0,"ID":n`), which
//! Go reads as the last: the one-pass serde read refuses a key given twice, so that
//! response takes the Go-rules decoder against the schema, and shows what that costs.
//!
//! One more case has the keys of each object in declaration order, as servers write
//! them (the main text has them sorted, as serde_json's `Value` writes them).
//!
//! The messages are the ones `bench/ts/queuelist.mjs` decodes with the TypeScript
//! client, so the two figures can be put side by side.
//!
//! ```text
//! cargo bench --bench client_decode
//! ```

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use sherpa_admin::api::{Msg, SCHEMA};
use sherpa_admin::runtime::client::decode_response;

/// Message `i`, as in bench/ts/queuelist.mjs.
fn msg(i: u64) -> Value {
    json!({
        "ID": i + 1,
        "Queued": "2024-01-24T10:00:00.000001+01:00",
        "SenderAccount": "mjl",
        "SenderLocalpart": "mjl",
        "SenderDomain": {"IP": "", "Domain": {"ASCII": "example.org", "Unicode": ""}},
        "RecipientLocalpart": format!("user{i}"),
        "RecipientDomain": {"IP": "", "Domain": {"ASCII": "xn--mnchen-3ya.example", "Unicode": "münchen.example"}},
        "RecipientDomainStr": "xn--mnchen-3ya.example",
        "Attempts": i % 7,
        "MaxAttempts": 0,
        "DialedIPs": if !i.is_multiple_of(2) { json!({"mx.example.org": ["192.0.2.1", "2001:db8::1"]}) } else { Value::Null },
        "NextAttempt": "2024-01-24T11:30:00+01:00",
        "LastAttempt": if !i.is_multiple_of(3) { json!("2024-01-24T10:30:00.5+01:00") } else { Value::Null },
        "LastError": if !i.is_multiple_of(3) { "451 4.7.1 try again later" } else { "" },
        "Has8bit": false,
        "SMTPUTF8": i.is_multiple_of(5),
        "IsDMARCReport": false,
        "IsTLSReport": false,
        "Size": 12345 + i,
        "MessageID": format!("<{i}.abc@example.org>"),
        "MsgPrefix": "UmVjZWl2ZWQ6IGZyb20gZXhhbXBsZQ0K",
        "DSNUTF8": Value::Null,
        "Transport": "",
        "RequireTLS": if !i.is_multiple_of(4) { Value::Null } else { json!(true) },
    })
}

fn bench(c: &mut Criterion) {
    let n = 10_000;
    let list: Vec<Value> = (0..n).map(msg).collect();
    let text = json!({ "result": list }).to_string() + "\n";
    let decoded: Vec<Msg> = decode_response(&SCHEMA, "QueueList", 200, &text).expect("decodes");
    assert_eq!(decoded.len(), n as usize);
    assert_eq!(decoded[3].recipient_localpart.0, "user3");

    // The same result with each object's keys in declaration order, as a Go server
    // (and this project's) writes them; `text` has them sorted (serde_json's `Value`).
    let in_order = format!(
        "{{\"result\":{}}}\n",
        sherpa_admin::runtime::gojson::to_string(&decoded).expect("encode")
    );
    let again: Vec<Msg> = decode_response(&SCHEMA, "QueueList", 200, &in_order).expect("decodes");
    assert_eq!(again, decoded);

    let mut g = c.benchmark_group("QueueList 10000");
    g.sample_size(20);
    g.bench_function("client decode_response, keys in declaration order", |b| {
        b.iter(|| {
            let r: Vec<Msg> =
                decode_response(&SCHEMA, "QueueList", 200, black_box(&in_order)).unwrap();
            black_box(r)
        })
    });
    g.bench_function("client decode_response", |b| {
        b.iter(|| {
            let r: Vec<Msg> = decode_response(&SCHEMA, "QueueList", 200, black_box(&text)).unwrap();
            black_box(r)
        })
    });
    g.bench_function("plain serde_json (reference)", |b| {
        #[derive(serde::Deserialize)]
        struct Envelope {
            result: Vec<Msg>,
        }
        b.iter(|| {
            let r: Envelope = serde_json::from_str(black_box(&text)).unwrap();
            black_box(r.result)
        })
    });
    // Last: its large temporary trees leave the allocator in a state that slows
    // whatever runs after it.
    let twice = text.replace("\"ID\":", "\"ID\":0,\"ID\":");
    let slow: Vec<Msg> = decode_response(&SCHEMA, "QueueList", 200, &twice).expect("decodes");
    assert_eq!(slow, decoded);
    g.bench_function("client decode_response, a key twice", |b| {
        b.iter(|| {
            let r: Vec<Msg> =
                decode_response(&SCHEMA, "QueueList", 200, black_box(&twice)).unwrap();
            black_box(r)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
