//! The record lists answered from stored wire form, against the encoder they replace:
//! `QueueList` over a queue of N messages (built by `App::queue_list`, spliced from the
//! stored records) next to serde_json encoding the same `Vec<Msg>` from memory, which is
//! the speed a decode-and-encode answer could at best reach; and `DMARCReports` for one
//! day of a store, next to the same encode of its reports.
//!
//! Run: `cargo bench -p server --bench lists`. Prints MB/s per case (of the answer's
//! size); the ratios between the lines of a group are the ones to read (the machine's
//! speed cancels out). A third line per group decodes the stored records and encodes
//! the list, as the server answered before it kept records in wire form.

use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use server::app::App;
use sherpa_admin::api::{DomainFeedback, Msg};
use sherpa_admin::runtime::Timestamp;

const MESSAGES: usize = 20_000;
const REPORTS: usize = 20_000;

fn message(i: usize) -> Msg {
    Msg {
        sender_account: "mjl".to_string(),
        recipient_domain_str: format!("remote{i}.example"),
        last_error: format!("attempt {i}: 451 <try again> & later"),
        message_id: format!("<{i}@example.org>"),
        size: 1000 + i as i64,
        queued: Timestamp::from_unix(1_704_067_200 + i as i64, 0).unwrap_or_default(),
        ..Msg::default()
    }
}

/// Every queued message, decoded from the store.
fn stored_messages(app: &App) -> Vec<Msg> {
    app.store
        .all::<Msg>("queue")
        .expect("all")
        .into_iter()
        .map(|(_, m)| m)
        .collect()
}

fn lists(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App::open(
        dir.path(),
        server::config::LoadedConfig::load(None).expect("config"),
    )
    .expect("open");
    for i in 0..MESSAGES {
        app.store.queue_add(message(i), b"body").expect("queue add");
    }
    let msgs = stored_messages(&app);
    let spliced = app.queue_list().expect("QueueList");
    let size = spliced.as_str().len();
    // The same bytes as encoding the decoded list (Go's escaping: a little longer than
    // serde_json's output of it).
    assert_eq!(
        spliced.as_str(),
        sherpa_admin::runtime::gojson::to_string(&msgs).expect("encode")
    );

    let mut g = c.benchmark_group(format!("QueueList of {MESSAGES}"));
    g.throughput(Throughput::Bytes(size as u64));
    g.bench_function("spliced from the store", |b| {
        b.iter(|| app.queue_list().expect("QueueList"))
    });
    g.bench_function("serde_json::to_vec of the decoded list", |b| {
        b.iter(|| serde_json::to_vec(&msgs).expect("encode"))
    });
    g.bench_function("decoded from the store and encoded (before)", |b| {
        b.iter(|| sherpa_admin::runtime::gojson::to_vec(&stored_messages(&app)).expect("encode"))
    });
    g.finish();

    let reports: Vec<DomainFeedback> = (0..REPORTS)
        .map(|i| {
            let mut r = DomainFeedback::default();
            r.report_metadata.org_name = "bench.example".into();
            r.report_metadata.report_id = format!("r{i}");
            r.domain = format!("d{}.example", i % 50);
            r.report_metadata.date_range.begin = 1_704_067_200;
            r.report_metadata.date_range.end = 1_704_067_200 + 86399;
            r
        })
        .collect();
    server::reports::dmarc_add(&app.store, reports).expect("add reports");
    let day = |s| Timestamp::from_unix(s, 0).unwrap_or_default();
    let (start, end) = (day(1_704_067_200), day(1_704_067_200 + 86400));
    let list = app
        .dmarc_reports(start, end, String::new())
        .expect("DMARCReports");
    let decoded: Vec<DomainFeedback> = serde_json::from_str(list.as_str()).expect("decode");
    let mut g = c.benchmark_group(format!("DMARCReports of {REPORTS}"));
    g.throughput(Throughput::Bytes(list.as_str().len() as u64));
    g.bench_function("spliced from the store", |b| {
        b.iter(|| {
            app.dmarc_reports(start, end, String::new())
                .expect("DMARCReports")
        })
    });
    g.bench_function("serde_json::to_vec of the decoded list", |b| {
        b.iter(|| serde_json::to_vec(&decoded).expect("encode"))
    });
    let ids: Vec<u64> = decoded.iter().map(|r| r.id as u64).collect();
    g.bench_function("decoded from the store and encoded (before)", |b| {
        b.iter(|| {
            let all: Vec<DomainFeedback> = ids
                .iter()
                .filter_map(|id| {
                    app.store
                        .get::<DomainFeedback>("dmarc_reports", &server::store::id_key(*id))
                        .expect("get")
                })
                .collect();
            sherpa_admin::runtime::gojson::to_vec(&all).expect("encode")
        })
    });
    g.finish();

    // One plain timing of each, for a quick look without criterion's report.
    let t = Instant::now();
    let n = app.queue_list().expect("QueueList").as_str().len();
    let spliced = t.elapsed();
    let t = Instant::now();
    let m = serde_json::to_vec(&msgs).expect("encode").len();
    let encoded = t.elapsed();
    println!(
        "QueueList: spliced {n} bytes in {spliced:?}, serde_json {m} bytes in {encoded:?} ({:.2}x)",
        encoded.as_secs_f64() / spliced.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = lists
}
criterion_main!(benches);
