//! Logs in to a mox admin API and prints its domains, the size of the delivery queue
//! and a summary of the DMARC reports of the last 30 days.
//!
//! ```text
//! ADMIN_PASSWORD=... cargo run --example admin_client [BASE_URL]
//! ```
//!
//! `BASE_URL` defaults to `http://127.0.0.1:1080/admin/api/`, this repository's admin
//! server on its default address; mox's own admin API is at `/admin/api/` on its admin
//! listener and works the same. Without `ADMIN_PASSWORD` the password is read from the
//! first line of standard input. Exits with status 1 and the sherpa error code and
//! message when a call fails.

use std::io::BufRead as _;
use std::process::ExitCode;

use sherpa_admin::runtime::{Error, Timestamp};

const DEFAULT_URL: &str = "http://127.0.0.1:1080/admin/api/";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let password = match std::env::var("ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
                eprintln!("reading the password from standard input: {e}");
                return ExitCode::FAILURE;
            }
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    match report(&url, &password).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{url}: {}: {}", e.code, e.message);
            ExitCode::FAILURE
        }
    }
}

async fn report(url: &str, password: &str) -> Result<(), Error> {
    let admin = sherpa_admin::login(url, password).await?;

    let domains = admin.domains().await?;
    println!("domains: {}", domains.len());
    for d in &domains {
        if d.unicode.is_empty() {
            println!("  {}", d.ascii);
        } else {
            println!("  {} ({})", d.unicode, d.ascii);
        }
    }

    println!("queue size: {}", admin.queue_size().await?);

    let end = Timestamp::now();
    let start = Timestamp::from(end.into_inner() - chrono::Duration::days(30));
    let summaries = admin.dmarc_summaries(start, end, "").await?;
    println!("DMARC reports, last 30 days: {} domains", summaries.len());
    for s in &summaries {
        println!(
            "  {}: {} messages; none {}, quarantine {}, reject {}; DKIM failed {}, SPF failed {}",
            s.domain,
            s.total,
            s.disposition_none,
            s.disposition_quarantine,
            s.disposition_reject,
            s.dkim_fail,
            s.spf_fail
        );
    }

    admin.logout().await
}
