//! Benchmark (ignored by default): CheckDomain wall time against the loopback fixture, with
//! the sum of the sub-checks' own times next to it, which shows how much they overlap.
//! Run: `cargo test --release -p server --test integration dns_bench -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use crate::dns_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn bench_check_domain() {
    let f = Fixture::new("bench.test").await;
    // Warm-up (certificate roots, connections).
    let _ = f.app.check_domain_timed("bench.test".into()).await.unwrap();
    let runs = 20;
    let mut wall = Vec::new();
    let mut sums = Vec::new();
    let mut per: std::collections::BTreeMap<&'static str, Duration> = Default::default();
    for _ in 0..runs {
        let start = Instant::now();
        let (r, times) = f.app.check_domain_timed("bench.test".into()).await.unwrap();
        wall.push(start.elapsed());
        assert!(problems(&r).is_empty(), "{:?}", problems(&r));
        sums.push(times.iter().map(|t| t.elapsed).sum::<Duration>());
        for t in times {
            *per.entry(t.name).or_default() += t.elapsed;
        }
    }
    wall.sort();
    sums.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "CheckDomain over {runs} runs: wall median {:.2} ms (min {:.2}, max {:.2}); sum of sub-check times median {:.2} ms; overlap factor {:.1}x",
        ms(wall[runs / 2]),
        ms(wall[0]),
        ms(wall[runs - 1]),
        ms(sums[runs / 2]),
        ms(sums[runs / 2]) / ms(wall[runs / 2])
    );
    for (name, total) in per {
        println!("  {name:<13} mean {:.2} ms", ms(total) / runs as f64);
    }
}
