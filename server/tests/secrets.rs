//! Secrets are not readable by other local users: the data directory is 0700 and
//! everything in it 0600 (also after starting on a directory an older version left
//! wider), exports are 0600, and the store holds no session token, only its hash.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{BinServer, Client, PASSWORD, bin, bin_set_password};

/// Every path under `dir` (itself included) with its permission bits.
fn modes(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        out.push((p.clone(), meta.permissions().mode() & 0o7777));
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                todo.push(e.unwrap().path());
            }
        }
    }
    out
}

fn assert_private(dir: &Path) {
    for (p, mode) in modes(dir) {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", p.display());
    }
}

#[tokio::test]
async fn data_directory_exports_and_sessions_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    bin_set_password(&data, PASSWORD);
    assert_private(&data);

    // A directory left wider (an older version, a restored backup): narrowed at start.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = data.join("store").join("db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = BinServer::start(&data, None);
    let mut c = Client::new(server.addr);
    c.login(PASSWORD).await;
    c.ok(
        "DomainAdd",
        serde_json::json!(["example.org", "mjl", "mjl"]),
    )
    .await;
    let token = c.session.clone().unwrap();
    let csrf = c.csrf.clone().unwrap();
    assert!(server.terminate().success());
    // Also the files sled created while running.
    assert_private(&data);

    // No live session can be read from the store: the token is in no file.
    for (p, _) in modes(&data) {
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                "session token found in {}",
                p.display()
            );
        }
    }
    // And the session still works after a restart (it is found by its hash).
    let server = BinServer::start(&data, None);
    let mut again = Client::new(server.addr);
    again.session = Some(token);
    again.csrf = Some(csrf);
    assert_eq!(
        again.ok("Domains", serde_json::json!([])).await,
        serde_json::json!([{"ASCII": "example.org", "Unicode": ""}])
    );
    drop(server);

    // Exports: 0600, also over an existing wider file.
    let export = tmp.path().join("export.json");
    std::fs::write(&export, b"old").unwrap();
    std::fs::set_permissions(&export, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = Command::new(bin())
        .args(["--data", data.to_str().unwrap(), "export"])
        .arg(&export)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&export).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
