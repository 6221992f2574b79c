//! CheckDomain against the loopback fixture of the DNS tests (a DNS server, SMTP with
//! STARTTLS and HTTPS for MTA-STS and autoconfig, all on 127.0.0.1): how long one full
//! check takes, and how much its sub-checks overlap.
//!
//! Run: `cargo bench -p server --bench check_domain`. After criterion's measurement it
//! prints, over 20 more runs, the median wall time next to the median sum of the
//! sub-checks' own times; their ratio is how many sub-checks run at once on average.

#[path = "../tests/dns_support/mod.rs"]
mod dns_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use dns_support::{Fixture, problems};

const DOMAIN: &str = "bench.test";

fn check_domain(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let f = rt.block_on(Fixture::new(DOMAIN));
    // The fixture must pass every sub-check, or the numbers would time error paths.
    let r = rt
        .block_on(f.app.check_domain(DOMAIN.into()))
        .expect("CheckDomain");
    assert!(problems(&r).is_empty(), "{:?}", problems(&r));

    c.bench_function("CheckDomain (all sub-checks, loopback)", |b| {
        b.iter(|| {
            rt.block_on(f.app.check_domain(DOMAIN.into()))
                .expect("CheckDomain")
        })
    });

    let runs = 20;
    let mut wall = Vec::new();
    let mut sums = Vec::new();
    let mut per: BTreeMap<&'static str, Duration> = BTreeMap::new();
    for _ in 0..runs {
        let start = Instant::now();
        let (_, times) = rt
            .block_on(f.app.check_domain_timed(DOMAIN.into()))
            .expect("CheckDomain");
        wall.push(start.elapsed());
        sums.push(times.iter().map(|t| t.elapsed).sum::<Duration>());
        for t in times {
            *per.entry(t.name).or_default() += t.elapsed;
        }
    }
    wall.sort();
    sums.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (w, s) = (ms(wall[runs / 2]), ms(sums[runs / 2]));
    println!(
        "CheckDomain over {runs} runs: wall median {w:.2} ms; sum of sub-check times median {s:.2} ms; overlap {:.1}x",
        s / w
    );
    for (name, total) in per {
        println!("  {name:<13} mean {:.2} ms", ms(total) / runs as f64);
    }
}

criterion_group!(benches, check_domain);
criterion_main!(benches);
