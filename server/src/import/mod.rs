//! Parsers for the data a mail server would produce, used by the CLI import commands.
//!
//! The admin API only reads reports, queued messages, evaluations, TLS results and MTA-STS
//! policies; in mox they are written by the SMTP server. This server has no SMTP side, so that
//! data enters through `import …` / `queue add` commands that read the real wire formats. Every
//! function here is pure (bytes in, API values out), never panics on any input, and either
//! returns everything in the file or an [`ImportError`] naming the file and the problem, so a
//! caller can make an import all-or-nothing.
//!
//! | Function | Input | Output |
//! |---|---|---|
//! | [`dmarc_reports`] | RFC 7489 aggregate report XML: plain, gzip, or zip of `.xml`/`.xml.gz` members | one [`api::DomainFeedback`] per report (ID 0, to be assigned by the store) |
//! | [`tls_reports`] | RFC 8460 JSON report (or a JSON array of them): plain or gzip | [`TlsReportImport`]: the [`api::Report`] plus policy domain, sender and host-report flag for [`api::TLSReportRecord`] |
//! | [`queue_message`] | SMTP `MAIL FROM`/`RCPT TO` addresses, a file name for errors, and an RFC 5322 message | [`QueuedMessage`]: what an [`api::Msg`] needs plus the message bytes (CRLF line endings) |
//! | [`evaluations`], [`tls_results`], [`mtasts_policies`] | a JSON array of the API's own type (plain or gzip) | `Vec<`[`api::Evaluation`] / [`api::TLSResult`] / [`api::PolicyRecord`]`>` |
//! | [`units`] | any of the report files above, an RFC 5322 message carrying reports (attached, in `multipart/*`, forwarded), or an mbox file of such messages | one [`Unit`] per file or message: its reports, why it was skipped, or why it failed |
//! | [`synthetic_dmarc_xml`], [`synthetic_tls_report_json`] | a number | a valid, deterministic report, for benchmarks |
//!
//! Domains are parsed with [`crate::dns::parse_domain`] (mox's `dns.ParseDomain`), so report
//! domains compare equal to configured ones.
//!
//! Compressed input is recognised by its magic bytes, not only by the file name, since
//! reporters and mail clients are inconsistent with extensions. Decompressed data is capped at
//! [`MAX_DECOMPRESSED`] bytes so that a small hostile file cannot exhaust memory.

mod addr;
mod compress;
mod dmarc;
mod enums;
mod json;
mod mail;
mod queue;
mod tlsrpt;
mod xmltext;

use std::fmt;

pub use dmarc::{SYNTHETIC_DOMAINS, dmarc_reports, synthetic_dmarc_xml};
pub use json::{evaluations, mtasts_policies, tls_results};
pub use mail::{Outcome, Unit, Wanted, units};
pub use queue::{QueuedMessage, queue_message};
pub use tlsrpt::{TlsReportImport, synthetic_tls_report_json, tls_reports};

pub use compress::MAX_DECOMPRESSED;

use sherpa_admin::api;

/// Why a file could not be imported.
///
/// The message always starts with the file name (and the member name for a zip archive),
/// followed by the problem, e.g. `reports.zip: member "a.xml": line 3 column 7: <count>:
/// invalid integer "x"`. Nothing from the file should be stored when this is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    file: String,
    message: String,
}

impl ImportError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: file.to_string(),
            message: message.into(),
        }
    }

    /// The file (as given by the caller) the error is about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The problem, without the file name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ImportError {}

/// mox's `Domain.Name()` for the API's domain pair: Unicode when set, else ASCII.
pub(crate) fn name_of(d: &api::Domain) -> &str {
    if d.unicode.is_empty() {
        &d.ascii
    } else {
        &d.unicode
    }
}

#[cfg(test)]
mod robustness {
    //! Every parser on damaged versions of every fixture: each call must return, Ok or Err,
    //! without panicking, and errors must name the file.

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    /// A small deterministic generator (xorshift64*), so failures are reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn mutate(rng: &mut Rng, data: &[u8]) -> Vec<u8> {
        let mut d = data.to_vec();
        for _ in 0..1 + rng.below(4) {
            match rng.below(5) {
                0 if !d.is_empty() => {
                    let i = rng.below(d.len());
                    d[i] ^= 1 << rng.below(8);
                }
                1 => d.truncate(rng.below(d.len() + 1)),
                2 => {
                    let i = rng.below(d.len() + 1);
                    let bytes = [b'<', b'>', b'"', b'\n', 0, 0xff, b'{', b'}', b'-', b'&'];
                    d.insert(i, bytes[rng.below(bytes.len())]);
                }
                3 if !d.is_empty() => {
                    let i = rng.below(d.len());
                    let n = rng.below(d.len() - i + 1);
                    d.drain(i..i + n);
                }
                _ => {
                    let (a, b) = (rng.below(d.len() + 1), rng.below(d.len() + 1));
                    let (a, b) = (a.min(b), a.max(b));
                    let chunk = d[a..b].to_vec();
                    let at = rng.below(d.len() + 1);
                    d.splice(at..at, chunk);
                }
            }
        }
        d
    }

    #[test]
    fn mutated_fixtures_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut files: Vec<_> = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 15, "fixtures missing: {files:?}");
        let (mut ok, mut err) = (0, 0);
        for path in &files {
            let data = std::fs::read(path).unwrap();
            for round in 0..300 {
                let input = if round == 0 {
                    data.clone()
                } else {
                    mutate(&mut rng, &data)
                };
                // Whatever it is, it becomes units without panicking.
                let _ = super::units("f", &input, super::Wanted::Any);
                let results = [
                    super::dmarc_reports("f", &input).map(|_| ()),
                    super::tls_reports("f", &input).map(|_| ()),
                    super::queue_message("a@example.org", "b@example.org", "f", &input).map(|_| ()),
                    super::evaluations("f", &input).map(|_| ()),
                    super::tls_results("f", &input).map(|_| ()),
                    super::mtasts_policies("f", &input).map(|_| ()),
                ];
                for r in results {
                    match r {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            assert_eq!(e.file(), "f");
                            assert!(e.to_string().starts_with("f: "));
                            err += 1;
                        }
                    }
                }
            }
        }
        // Both outcomes happen: the mutations are neither all harmless nor all fatal.
        assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
    }
}
