//! Automatic backups of the store: the `export` format, written into `DATA/backups/` at a
//! configured interval and at a clean shutdown, keeping the newest `Keep` of them.
//!
//! A backup is written to a temporary name and renamed when complete (so a listed
//! backup is always whole), readable by the server's user only. `import-store` restores
//! one into an empty data directory.

use std::path::{Path, PathBuf};

use crate::store::Store;

/// The directory under the data directory.
pub const DIR: &str = "backups";

/// Writes a backup of `store` into `data_dir/backups/` and removes the oldest beyond
/// `keep`. Returns the new backup's path.
pub fn write(store: &Store, data_dir: &Path, keep: usize) -> Result<PathBuf, String> {
    let dir = data_dir.join(DIR);
    crate::private::secure_dir(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let now = chrono::Utc::now();
    let name = format!("store-{}.jsonl", now.format("%Y%m%dT%H%M%S%.3fZ"));
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let written = (|| {
        let f = crate::private::create_file(&tmp).map_err(|e| e.to_string())?;
        let mut w = std::io::BufWriter::new(f);
        store.export(&mut w)?;
        let f = w.into_inner().map_err(|e| e.to_string())?;
        f.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
        std::fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| e.to_string())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("writing backup {}: {e}", path.display()));
    }
    prune(&dir, keep)?;
    Ok(path)
}

/// The backups in `dir`, oldest first (their names sort by time).
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("store-") && n.ends_with(".jsonl"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("listing {}: {e}", dir.display())),
    };
    out.sort();
    Ok(out)
}

fn prune(dir: &Path, keep: usize) -> Result<(), String> {
    let all = list(dir)?;
    for old in &all[..all.len().saturating_sub(keep)] {
        std::fs::remove_file(old).map_err(|e| format!("removing {}: {e}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_keeps_the_newest() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        store.meta.insert("k", b"v").unwrap();
        let mut written = Vec::new();
        for _ in 0..4 {
            written.push(write(&store, tmp.path(), 2).unwrap());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let kept = list(&tmp.path().join(DIR)).unwrap();
        assert_eq!(kept, written[2..]);
        let text = std::fs::read_to_string(&kept[1]).unwrap();
        assert!(
            text.starts_with(r#"{"format":"sherpa-admin-store""#),
            "{text}"
        );
        // Restorable into an empty store.
        let other = tempfile::tempdir().unwrap();
        let restored = Store::open(other.path()).unwrap();
        restored.import(text.as_bytes()).unwrap();
        assert_eq!(restored.meta.get("k").unwrap().as_deref(), Some(&b"v"[..]));
    }
}
