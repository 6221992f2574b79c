//! Taking reports in: files, Maildirs and mbox files become units (`import::units`),
//! their reports are stored once each (`reports::dmarc_add`/`tls_add` skip a report
//! already present), and every unit gets a line saying what happened to it. The CLI's
//! `import dmarc|tlsrpt|reports` and the HTTP import of a running server both go
//! through [`store_units`], so they store and say the same.
//!
//! An import is all or nothing by default: when any unit fails (a report that does not
//! parse), nothing is stored and the failures are listed, so that fixing the input and
//! running the import again gives the whole result. With `keep_going` the units that
//! parsed are stored and the failures are still listed. Since a report is stored once,
//! running an import again is always safe.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sherpa_admin::api;

use crate::import::{Outcome, Unit, Wanted, units};
use crate::reports::{self, Stored};
use crate::store::{Store, StoreError};

/// One file to import: its name as shown in the result lines, and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads the inputs named on a command line, once: files (reports, messages, mbox files)
/// and Maildir directories (every message in `new/` and `cur/`, by name).
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            maildir_messages(path)?
        } else {
            vec![path.clone()]
        };
        for file in files {
            out.push(Input {
                bytes: read(&file)?,
                name: file.display().to_string(),
            });
        }
    }
    Ok(out)
}

/// The units of every input.
pub fn units_of(inputs: &[Input], wanted: Wanted) -> Vec<Unit> {
    inputs
        .iter()
        .flat_map(|i| units(&i.name, &i.bytes, wanted))
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// The message files of a Maildir: `new/` then `cur/`, each sorted by name (`tmp/` holds
/// messages still being delivered).
pub fn maildir_messages(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let subdirs = [dir.join("new"), dir.join("cur")];
    if !subdirs.iter().any(|d| d.is_dir()) {
        return Err(format!(
            "{}: a directory, but not a Maildir (it has no new/ or cur/)",
            dir.display()
        ));
    }
    let mut out = Vec::new();
    for sub in subdirs.iter().filter(|d| d.is_dir()) {
        let mut files = Vec::new();
        for entry in
            std::fs::read_dir(sub).map_err(|e| format!("reading {}: {e}", sub.display()))?
        {
            let entry = entry.map_err(|e| format!("reading {}: {e}", sub.display()))?;
            let name = entry.file_name();
            if entry.path().is_file() && !name.to_string_lossy().starts_with('.') {
                files.push(entry.path());
            }
        }
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

/// What happened to one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitResult {
    /// The file, or `FILE: message N`.
    pub name: String,
    /// The message's subject, when it is a message with one.
    pub subject: Option<String>,
    /// `imported` (at least one report new), `present` (every report already stored),
    /// `skipped` (no report in it), `failed`, or `not-stored` (it parsed, but another
    /// unit failed and the import stores all or nothing).
    pub status: String,
    /// One line for people.
    pub text: String,
    /// IDs of the reports stored by this import.
    pub new_ids: Vec<i64>,
    /// IDs of the stored copies of reports that were already present.
    pub present_ids: Vec<i64>,
}

/// The result of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub units: Vec<UnitResult>,
    pub dmarc_new: usize,
    pub dmarc_present: usize,
    pub tls_new: usize,
    pub tls_present: usize,
    /// Units without reports.
    pub skipped: usize,
    pub failed: usize,
    /// Whether anything was stored (false when a failure stopped an all-or-nothing import).
    pub stored: bool,
    /// One line summing it up.
    pub summary: String,
}

/// A report as people name it in a line: `DMARC report google.com/12345 for example.org`.
fn dmarc_label(r: &api::DomainFeedback) -> String {
    let (org, id) = reports::dmarc_identity(r);
    format!("DMARC report {org}/{id} for {}", r.domain)
}

fn tls_label(r: &api::TLSReportRecord) -> String {
    let (org, id) = reports::tls_identity(r);
    format!("TLS report {org}/{id} for {}", r.domain)
}

/// Stores the reports of `units` and says what happened to each. `hostname` is the
/// server's host name (TLS records note whether a report is about the host). The caller
/// flushes when [`ImportResult::stored`] is set.
pub fn store_units(
    store: &Store,
    hostname: &api::Domain,
    units: Vec<Unit>,
    keep_going: bool,
) -> Result<ImportResult, StoreError> {
    let failed = units
        .iter()
        .filter(|u| matches!(u.outcome, Outcome::Failed(_)))
        .count();
    let store_any = failed == 0 || keep_going;
    let mut result = ImportResult {
        units: Vec::with_capacity(units.len()),
        failed,
        ..ImportResult::default()
    };
    for u in units {
        let shown = match &u.subject {
            Some(s) => format!("{} ({s:?})", u.name),
            None => u.name.clone(),
        };
        let mut r = UnitResult {
            name: u.name,
            subject: u.subject,
            status: "failed".into(),
            text: String::new(),
            new_ids: Vec::new(),
            present_ids: Vec::new(),
        };
        match u.outcome {
            Outcome::Failed(e) => {
                r.text = format!("{shown}: error: {}", e.message());
            }
            Outcome::Skipped(why) => {
                result.skipped += 1;
                r.status = "skipped".into();
                r.text = format!("{shown}: skipped: {why}");
            }
            Outcome::Reports {
                dmarc,
                tls,
                ignored,
            } => {
                let tls: Vec<api::TLSReportRecord> =
                    tls.iter().map(|t| t.record(hostname)).collect();
                let mut labels: Vec<String> = dmarc.iter().map(dmarc_label).collect();
                labels.extend(tls.iter().map(tls_label));
                if !store_any {
                    r.status = "not-stored".into();
                    r.text = format!("{shown}: {}: not stored", describe(&labels));
                } else {
                    let (nd, nt) = (dmarc.len(), tls.len());
                    let stored: Vec<Stored> = reports::dmarc_add(store, dmarc)?
                        .into_iter()
                        .chain(reports::tls_add(store, tls)?)
                        .collect();
                    for (i, s) in stored.iter().enumerate() {
                        let dmarc_report = i < nd;
                        match (s, dmarc_report) {
                            (Stored::New(id), true) => {
                                result.dmarc_new += 1;
                                r.new_ids.push(*id)
                            }
                            (Stored::New(id), false) => {
                                result.tls_new += 1;
                                r.new_ids.push(*id)
                            }
                            (Stored::Present(id), true) => {
                                result.dmarc_present += 1;
                                r.present_ids.push(*id)
                            }
                            (Stored::Present(id), false) => {
                                result.tls_present += 1;
                                r.present_ids.push(*id)
                            }
                        }
                    }
                    debug_assert_eq!(stored.len(), nd + nt);
                    r.status = if r.new_ids.is_empty() && !r.present_ids.is_empty() {
                        "present"
                    } else {
                        "imported"
                    }
                    .into();
                    r.text = format!("{shown}: {}", outcome_text(&labels, &stored));
                }
                if labels.is_empty() {
                    result.skipped += 1;
                    r.status = "skipped".into();
                    r.text = format!("{shown}: skipped:");
                }
                if !ignored.is_empty() {
                    let sep = if labels.is_empty() { " " } else { "; " };
                    r.text.push_str(&format!(
                        "{sep}not taken by this import: {}",
                        ignored.join(", ")
                    ));
                }
            }
        }
        result.units.push(r);
    }
    result.stored = store_any && (result.dmarc_new + result.tls_new) > 0;
    result.summary = summary(&result, store_any);
    Ok(result)
}

/// The results of several imports (one per file sent to a running server) as one.
pub fn combine(parts: Vec<ImportResult>) -> ImportResult {
    let mut all = ImportResult::default();
    for p in parts {
        all.units.extend(p.units);
        all.dmarc_new += p.dmarc_new;
        all.dmarc_present += p.dmarc_present;
        all.tls_new += p.tls_new;
        all.tls_present += p.tls_present;
        all.skipped += p.skipped;
        all.failed += p.failed;
        all.stored |= p.stored;
    }
    let stored_any = all.failed == 0 || all.units.iter().any(|u| u.status != "not-stored");
    all.summary = summary(&all, stored_any);
    all
}

/// `DMARC report a/1 for x` for one report, `3 reports` for more.
fn describe(labels: &[String]) -> String {
    match labels {
        [one] => one.clone(),
        many => format!("{} reports", many.len()),
    }
}

fn outcome_text(labels: &[String], stored: &[Stored]) -> String {
    match (labels, stored) {
        ([label], [Stored::New(id)]) => format!("{label}: imported (ID {id})"),
        ([label], [Stored::Present(id)]) => format!("{label}: already present (ID {id})"),
        _ => {
            let new = stored
                .iter()
                .filter(|s| matches!(s, Stored::New(_)))
                .count();
            format!(
                "{} reports: {new} imported, {} already present",
                labels.len(),
                labels.len() - new
            )
        }
    }
}

fn summary(r: &ImportResult, stored_any: bool) -> String {
    let mut parts = Vec::new();
    let ids = |r: &ImportResult| {
        let all: Vec<i64> = r.units.iter().flat_map(|u| u.new_ids.clone()).collect();
        match (all.iter().min(), all.iter().max()) {
            (Some(a), Some(b)) if a == b => format!(" (ID {a})"),
            (Some(a), Some(b)) => format!(" (IDs {a}..={b})"),
            _ => String::new(),
        }
    };
    if !stored_any {
        return format!(
            "nothing imported: {} of {} inputs failed (fix or remove them, or use --keep-going to import the others)",
            r.failed,
            r.units.len()
        );
    }
    let kinds = [
        ("DMARC", r.dmarc_new, r.dmarc_present),
        ("TLS", r.tls_new, r.tls_present),
    ];
    let new_total = r.dmarc_new + r.tls_new;
    let mut first = true;
    for (kind, new, present) in kinds {
        if new == 0 && present == 0 {
            continue;
        }
        let mut s = format!("imported {new} {kind} reports");
        if std::mem::take(&mut first) && new == new_total && new > 0 {
            s.push_str(&ids(r));
        }
        if present > 0 {
            s.push_str(&format!(", {present} already present"));
        }
        parts.push(s);
    }
    if parts.is_empty() {
        parts.push("imported no reports".to_string());
    }
    if r.skipped > 0 {
        parts.push(format!("{} without reports skipped", r.skipped));
    }
    if r.failed > 0 {
        parts.push(format!("{} failed", r.failed));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Wanted;

    fn host() -> api::Domain {
        api::Domain {
            ascii: "mail.example.org".into(),
            unicode: String::new(),
        }
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn a_report_is_stored_once_however_often_it_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let xml = fixture("dmarc-google.xml");
        let gz = crate::compress::gzip(&xml, flate2::Compression::default()).unwrap();
        let mut u = units("a.xml", &xml, Wanted::Dmarc);
        u.extend(units("a.xml.gz", &gz, Wanted::Dmarc));
        let r = store_units(&store, &host(), u, false).unwrap();
        assert_eq!((r.dmarc_new, r.dmarc_present), (1, 1));
        assert_eq!(r.units[0].status, "imported");
        assert_eq!(r.units[1].status, "present");
        assert!(
            r.units[1].text.ends_with(": already present (ID 1)"),
            "{}",
            r.units[1].text
        );
        assert_eq!(
            r.summary,
            "imported 1 DMARC reports (ID 1), 1 already present"
        );

        // Again, later: nothing new.
        let r = store_units(&store, &host(), units("b.xml", &xml, Wanted::Dmarc), false).unwrap();
        assert_eq!((r.dmarc_new, r.dmarc_present, r.stored), (0, 1, false));
        assert_eq!(store.dmarc_reports.len(), 1);

        // The TLS report likewise.
        let json = fixture("tlsrpt-google.json");
        for _ in 0..2 {
            store_units(&store, &host(), units("t.json", &json, Wanted::Tls), false).unwrap();
        }
        assert_eq!(store.tls_reports.len(), 1);
    }

    #[test]
    fn a_failed_unit_stops_the_import_unless_keep_going() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut u = units("good.xml", &fixture("dmarc-google.xml"), Wanted::Dmarc);
        u.extend(units("bad.xml", b"<feedback/>", Wanted::Dmarc));
        let r = store_units(&store, &host(), u, false).unwrap();
        assert!(!r.stored);
        assert_eq!(r.units[0].status, "not-stored");
        assert_eq!(r.units[1].status, "failed");
        assert!(
            r.units[1].text.starts_with("bad.xml: error: "),
            "{}",
            r.units[1].text
        );
        assert!(
            r.summary
                .starts_with("nothing imported: 1 of 2 inputs failed"),
            "{}",
            r.summary
        );
        assert_eq!(store.dmarc_reports.len(), 0);

        let mut u = units("good.xml", &fixture("dmarc-google.xml"), Wanted::Dmarc);
        u.extend(units("bad.xml", b"<feedback/>", Wanted::Dmarc));
        let r = store_units(&store, &host(), u, true).unwrap();
        assert!(r.stored);
        assert_eq!(r.summary, "imported 1 DMARC reports (ID 1); 1 failed");
        assert_eq!(store.dmarc_reports.len(), 1);
    }

    #[test]
    fn identities_survive_a_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let xml = fixture("dmarc-google.xml");
        store_units(&store, &host(), units("a", &xml, Wanted::Dmarc), false).unwrap();
        // As after a crash between the record and its identity (or a store from before
        // identities were kept): repair rebuilds them, and the report is still known.
        store.dmarc_report_keys.clear().unwrap();
        let done =
            crate::reports::repair_indexes(&store, crate::reports::TotalsCheck::Compare).unwrap();
        assert_eq!(done, ["rebuilt dmarc_report_keys"]);
        let r = store_units(&store, &host(), units("a", &xml, Wanted::Dmarc), false).unwrap();
        assert_eq!((r.dmarc_new, r.dmarc_present), (0, 1));
    }

    #[test]
    fn maildirs_are_read_from_new_and_cur() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            maildir_messages(dir.path())
                .unwrap_err()
                .contains("not a Maildir")
        );
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("cur/2:2,S"), "Subject: b\r\n\r\nx").unwrap();
        std::fs::write(dir.path().join("new/1"), "Subject: a\r\n\r\nx").unwrap();
        std::fs::write(dir.path().join("tmp/3"), "Subject: c\r\n\r\nx").unwrap();
        std::fs::write(dir.path().join("new/.hidden"), "x").unwrap();
        let files = maildir_messages(dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["new/1", "cur/2:2,S"]);
    }
}
