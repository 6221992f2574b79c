//! Keeping the data directory private to the user the server runs as.
//!
//! The store holds the admin password hash, DKIM private keys and session CSRF tokens,
//! and exports hold the same. So the data directory is `0700` and everything in it
//! `0600` (`0700` for directories): [`restrict_umask`] makes that the mode of every file
//! the process creates from then on (including the files sled creates while running),
//! and [`secure_dir`] creates the directory that way and narrows a directory an
//! earlier version, another tool or a copy left open to others.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

/// Makes files and directories this process creates readable by its user only.
pub fn restrict_umask() {
    // SAFETY: umask only sets the process's file mode creation mask; it cannot fail and
    // touches no memory of ours.
    unsafe {
        libc::umask(0o077);
    }
}

/// How many entries [`secure_dir`] had to narrow.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Narrowed {
    pub dirs: usize,
    pub files: usize,
}

/// Creates `dir` (mode `0700`) if it does not exist. When it exists and group or
/// others may enter it, narrows it and everything under it: directories to `0700`,
/// files to `0600` (`0700` when executable). A directory that is already private is
/// left as it is, contents included, without walking it: no one else can reach what is
/// inside, and a store with many blob files opens without a walk over all of them.
/// Symbolic links are left alone and not followed.
pub fn secure_dir(dir: &Path) -> io::Result<Narrowed> {
    let mut narrowed = Narrowed::default();
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
        Err(e) => return Err(e),
        Ok(meta) if meta.permissions().mode() & 0o077 == 0 => {}
        Ok(_) => narrow(dir, &mut narrowed)?,
    }
    Ok(narrowed)
}

fn narrow(path: &Path, narrowed: &mut Narrowed) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        let owner = if meta.is_dir() { 0o700 } else { mode & 0o700 };
        fs::set_permissions(path, fs::Permissions::from_mode(owner))?;
        if meta.is_dir() {
            narrowed.dirs += 1;
        } else {
            narrowed.files += 1;
        }
    }
    if meta.is_dir() {
        for entry in fs::read_dir(path)? {
            narrow(&entry?.path(), narrowed)?;
        }
    }
    Ok(())
}

/// Creates (or truncates) a file readable by its owner only, also when it existed with
/// a wider mode.
pub fn create_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.set_permissions(fs::Permissions::from_mode(0o600))?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn narrows_what_is_wider_and_creates_private() {
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("a/b");
        assert_eq!(secure_dir(&fresh).unwrap(), Narrowed::default());
        assert_eq!(mode(&fresh), 0o700);

        let data = tmp.path().join("data");
        fs::create_dir_all(data.join("store/blobs")).unwrap();
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(data.join("store"), fs::Permissions::from_mode(0o750)).unwrap();
        fs::set_permissions(data.join("store/blobs"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(data.join("store/db"), b"x").unwrap();
        fs::set_permissions(data.join("store/db"), fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(data.join("run"), b"x").unwrap();
        fs::set_permissions(data.join("run"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(data.join("ok"), b"x").unwrap();
        fs::set_permissions(data.join("ok"), fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", data.join("link")).unwrap();
        let n = secure_dir(&data).unwrap();
        // data (0755), store (0750) and store/blobs (0755).
        assert_eq!(n, Narrowed { dirs: 3, files: 2 });
        assert_eq!(mode(&data.join("store/blobs")), 0o700);
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("store")), 0o700);
        assert_eq!(mode(&data.join("store/db")), 0o600);
        assert_eq!(mode(&data.join("run")), 0o700);
        assert_eq!(mode(&data.join("ok")), 0o600);
        // Nothing left to narrow the second time.
        assert_eq!(secure_dir(&data).unwrap(), Narrowed::default());
        // A private directory is not walked: what is inside is out of reach anyway.
        fs::write(data.join("late"), b"x").unwrap();
        fs::set_permissions(data.join("late"), fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(secure_dir(&data).unwrap(), Narrowed::default());
        assert_eq!(mode(&data.join("late")), 0o644);

        let out = tmp.path().join("export");
        fs::write(&out, b"old").unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o644)).unwrap();
        drop(create_file(&out).unwrap());
        assert_eq!(mode(&out), 0o600);
        assert_eq!(fs::read(&out).unwrap(), b"");
    }
}
