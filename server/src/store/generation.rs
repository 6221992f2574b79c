//! How far the store got, recorded outside sled, so that a store that lost acknowledged
//! writes never opens as if nothing had happened.
//!
//! sled recovers a damaged log by cutting it at the first record it cannot read: a
//! truncated or corrupted file opens "normally" with everything after that point gone.
//! So every flush first writes a generation number into the store (`meta`,
//! `generation`), and after the flush the same number into `DATA/store.generation`,
//! replaced atomically (a temporary file, fsync, rename). The
//! latest generation record is always at the end of sled's log, so any cut through the
//! log removes it: at open, a store whose generation is below the file's has lost
//! acknowledged writes and is refused.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The file next to the store.
pub const FILE: &str = "store.generation";

/// The generation recorded in `dir`, `None` when there is no record (a new data
/// directory, or one from before generations were recorded).
pub fn read(dir: &Path) -> Result<Option<u64>, String> {
    let path = dir.join(FILE);
    match fs::read_to_string(&path) {
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("{} does not hold a generation number", path.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("reading {}: {e}", path.display())),
    }
}

/// Records `generation` in `dir`: a crash at any point leaves either the old record or
/// this one, never a partial file (the new one is synced before it replaces the old).
/// The directory is not synced: losing the rename in a crash leaves the older record,
/// which the store is ahead of, and that is safe; the record can only lag the store,
/// never lead it.
pub fn write(dir: &Path, generation: u64) -> io::Result<()> {
    let tmp = dir.join(format!("{FILE}.tmp"));
    {
        let mut f = crate::private::create_file(&tmp)?;
        writeln!(f, "{generation}")?;
        f.sync_all()?;
    }
    fs::rename(&tmp, dir.join(FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bad_records() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), Ok(None));
        write(dir.path(), 7).unwrap();
        write(dir.path(), 8).unwrap();
        assert_eq!(read(dir.path()), Ok(Some(8)));
        assert!(!dir.path().join(format!("{FILE}.tmp")).exists());
        fs::write(dir.path().join(FILE), "garbage").unwrap();
        assert!(
            read(dir.path())
                .unwrap_err()
                .contains("does not hold a generation")
        );
    }
}
