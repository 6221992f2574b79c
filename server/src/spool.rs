//! `DATA/incoming/`: a directory the running server takes reports from, for mail
//! setups that can deliver report messages to files (a Maildir rule, `procmail`, an
//! `.forward` to a script) without the CLI.
//!
//! Every few seconds the server looks at the regular files directly in `incoming/`
//! (not hidden ones, and none changed in the last two seconds, which may still be being
//! written: writers should write elsewhere and rename into the directory). Each file is
//! imported as `import reports` would (a report, a report email or an mbox file, all or
//! nothing), the store is flushed, and then the file moves to `incoming/done/`, or to
//! `incoming/failed/` next to a `NAME.reason` file with the import's lines. The server
//! only watches the directory when it exists: create it to use it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::app::App;
use crate::import::{Wanted, units};

/// The spool directory's name in the data directory.
pub const DIR: &str = "incoming";

/// How often the directory is looked at.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// Files changed more recently than this are left for the next look.
const SETTLE: Duration = Duration::from_secs(2);

/// What happened to one spooled file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// Where the file is now (in `done/` or `failed/`).
    pub moved_to: PathBuf,
    /// The import's summary line.
    pub summary: String,
    pub failed: bool,
}

/// The files to import now, by name.
fn ready_files(dir: &Path, now: SystemTime) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let meta = entry.metadata()?;
        let settled = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= SETTLE);
        if meta.is_file() && !hidden && settled {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// A name in `dir` for `file` that is not taken yet (`NAME`, then `NAME.1`, …).
fn free_name(dir: &Path, file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut candidate = dir.join(&name);
    let mut n = 1;
    while candidate.exists() {
        candidate = dir.join(format!("{name}.{n}"));
        n += 1;
    }
    candidate
}

/// Imports every ready file of `DATA/incoming/` once: parsing and storing on the
/// blocking pool, a flush, then the move. Returns what happened to each file; nothing
/// when the directory does not exist.
pub async fn take_once(app: &Arc<App>) -> Result<Vec<Taken>, String> {
    let dir = app.data_dir.join(DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let files = ready_files(&dir, SystemTime::now())
        .map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut taken = Vec::new();
    for file in files {
        // A file that cannot be read or moved is reported and left where it is; the
        // others are still taken.
        match take_file(app, &dir, &file).await {
            Ok(t) => taken.push(t),
            Err(e) => tracing::error!(target: "server::import", "spool: {e}"),
        }
    }
    Ok(taken)
}

async fn take_file(app: &Arc<App>, dir: &Path, file: &Path) -> Result<Taken, String> {
    let worker = app.clone();
    let path = file.to_path_buf();
    let imported = tokio::task::spawn_blocking(move || {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let host = worker.static_config.config.hostname_domain().to_api();
        let found = units(&name, &bytes, Wanted::Any);
        crate::intake::store_units(&worker.store, &host, found, false)
            .map_err(|e| format!("storing the reports of {}: {e}", path.display()))
    })
    .await
    .map_err(|e| format!("importing {}: {e}", file.display()))??;
    if imported.stored {
        // Durable before the file leaves the spool: after a crash here the file is
        // imported again, which stores nothing twice.
        app.store
            .flush()
            .await
            .map_err(|e| format!("storing the reports of {}: {e}", file.display()))?;
    }
    settle(dir, file, imported)
}

/// Moves an imported file to `done/`, or to `failed/` with its reason.
fn settle(dir: &Path, file: &Path, result: crate::intake::ImportResult) -> Result<Taken, String> {
    let failed = result.failed > 0;
    let target_dir = dir.join(if failed { "failed" } else { "done" });
    std::fs::create_dir_all(&target_dir)
        .map_err(|e| format!("creating {}: {e}", target_dir.display()))?;
    let target = free_name(&target_dir, file);
    if failed {
        let mut reason: String = result.units.iter().map(|u| u.text.clone() + "\n").collect();
        reason.push_str(&result.summary);
        reason.push('\n');
        let reason_file = PathBuf::from(format!("{}.reason", target.display()));
        std::fs::write(&reason_file, reason)
            .map_err(|e| format!("writing {}: {e}", reason_file.display()))?;
    }
    std::fs::rename(file, &target)
        .map_err(|e| format!("moving {} to {}: {e}", file.display(), target.display()))?;
    Ok(Taken {
        moved_to: target,
        summary: result.summary,
        failed,
    })
}

/// Looks at the spool directory every [`INTERVAL`] for as long as the server runs.
pub async fn run(app: Arc<App>) {
    let mut every = tokio::time::interval(INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        // One import at a time, with the HTTP imports too.
        let _one_at_a_time = app.imports.lock().await;
        match take_once(&app).await {
            Ok(taken) => {
                for t in taken {
                    if t.failed {
                        tracing::warn!(target: "server::import", file = %t.moved_to.display(), summary = %t.summary, "spooled file not imported");
                    } else {
                        tracing::info!(target: "server::import", file = %t.moved_to.display(), summary = %t.summary, "spooled file imported");
                    }
                }
            }
            Err(e) => tracing::error!(target: "server::import", "spool: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// Sets a file's modification time into the past, as if written a while ago.
    fn age(path: &Path) {
        let old = SystemTime::now() - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    #[tokio::test]
    async fn files_are_imported_and_moved_with_a_reason_when_they_fail() {
        let data = tempfile::tempdir().unwrap();
        let app = Arc::new(
            App::open(
                data.path(),
                crate::config::LoadedConfig::load(None).unwrap(),
            )
            .unwrap(),
        );
        // No directory: nothing to do.
        assert_eq!(take_once(&app).await.unwrap(), []);

        let dir = data.path().join(DIR);
        std::fs::create_dir(&dir).unwrap();
        for (name, bytes) in [
            ("a-report.xml", fixture("dmarc-google.xml")),
            ("b-again.xml", fixture("dmarc-google.xml")),
            ("c-broken.xml", b"<feedback/>".to_vec()),
            (".d-hidden", fixture("dmarc-yahoo.xml")),
            ("e-fresh.xml", fixture("dmarc-yahoo.xml")),
        ] {
            std::fs::write(dir.join(name), bytes).unwrap();
            if name != "e-fresh.xml" {
                age(&dir.join(name));
            }
        }
        let taken = take_once(&app).await.unwrap();
        let summaries: Vec<_> = taken
            .iter()
            .map(|t| {
                (
                    t.moved_to.strip_prefix(&dir).unwrap().display().to_string(),
                    t.failed,
                )
            })
            .collect();
        assert_eq!(
            summaries,
            [
                ("done/a-report.xml".to_string(), false),
                ("done/b-again.xml".to_string(), false),
                ("failed/c-broken.xml".to_string(), true),
            ]
        );
        assert_eq!(
            taken[1].summary,
            "imported 0 DMARC reports, 1 already present"
        );
        let reason = std::fs::read_to_string(dir.join("failed/c-broken.xml.reason")).unwrap();
        assert!(reason.starts_with("c-broken.xml: error: "), "{reason}");
        assert!(reason.contains("nothing imported"), "{reason}");
        assert_eq!(app.store.dmarc_reports.len(), 1);
        // The hidden and the fresh file stay for later.
        assert!(dir.join(".d-hidden").exists() && dir.join("e-fresh.xml").exists());

        // A file with a name already in done/ gets another.
        std::fs::write(dir.join("a-report.xml"), fixture("dmarc-google.xml")).unwrap();
        age(&dir.join("a-report.xml"));
        let taken = take_once(&app).await.unwrap();
        assert_eq!(taken[0].moved_to, dir.join("done/a-report.xml.1"));
    }
}
