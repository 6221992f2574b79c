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
mod queue;
mod tlsrpt;
mod xmltext;

use std::fmt;

pub use dmarc::{dmarc_reports, synthetic_dmarc_xml};
pub use json::{evaluations, mtasts_policies, tls_results};
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
