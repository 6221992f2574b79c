//! A damaged store never opens as if nothing had happened: known data is written and
//! acknowledged, then copies of the data directory are damaged in many ways, and every
//! open must either have all of the acknowledged data or refuse with an error.

use std::path::{Path, PathBuf};

use crate::common::{TEST_CONFIG, TestServer};
use serde_json::json;

const ADDRESSES: usize = 60;
const SUPPRESSIONS: usize = 60;

/// Copies a directory tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A deterministic byte sequence for "random" damage.
fn noise(seed: u64, n: usize) -> Vec<(usize, u8)> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x >> 8) as usize, (x & 0xff) as u8 | 1)
        })
        .collect()
}

/// One way of damaging the store directory `store` (the sled directory).
type Damage = (&'static str, Box<dyn Fn(&Path)>);

fn damages() -> Vec<Damage> {
    let truncate = |frac: f64| -> Box<dyn Fn(&Path)> {
        Box::new(move |s: &Path| {
            let db = s.join("db");
            let n = (std::fs::metadata(&db).unwrap().len() as f64 * frac) as u64;
            std::fs::OpenOptions::new()
                .write(true)
                .open(&db)
                .unwrap()
                .set_len(n)
                .unwrap();
        })
    };
    let flips = |seed: u64, count: usize, width: usize| -> Box<dyn Fn(&Path)> {
        Box::new(move |s: &Path| {
            let db = s.join("db");
            let mut bytes = std::fs::read(&db).unwrap();
            let n = bytes.len();
            for (at, b) in noise(seed, count) {
                let start = at % n.saturating_sub(width).max(1);
                for byte in &mut bytes[start..(start + width).min(n)] {
                    *byte ^= b;
                }
            }
            std::fs::write(&db, bytes).unwrap();
        })
    };
    let zero = |frac: f64, width: usize| -> Box<dyn Fn(&Path)> {
        Box::new(move |s: &Path| {
            let db = s.join("db");
            let mut bytes = std::fs::read(&db).unwrap();
            let start = (bytes.len() as f64 * frac) as usize;
            let end = (start + width).min(bytes.len());
            bytes[start..end].fill(0);
            std::fs::write(&db, bytes).unwrap();
        })
    };
    let mut v: Vec<Damage> = vec![
        ("db truncated to 0", truncate(0.0)),
        ("db truncated to 10%", truncate(0.1)),
        ("db truncated to half", truncate(0.5)),
        ("db truncated to 90%", truncate(0.9)),
        ("db truncated to 99%", truncate(0.99)),
        ("db zeroed at 5%", zero(0.05, 4096)),
        ("db zeroed at half", zero(0.5, 4096)),
        ("db zeroed at 95%", zero(0.95, 512)),
        ("db zeroed from half on", zero(0.5, usize::MAX / 2)),
        (
            "db deleted",
            Box::new(|s: &Path| std::fs::remove_file(s.join("db")).unwrap()),
        ),
        (
            "conf deleted",
            Box::new(|s: &Path| std::fs::remove_file(s.join("conf")).unwrap()),
        ),
        (
            "conf garbage",
            Box::new(|s: &Path| std::fs::write(s.join("conf"), b"\x00garbage\xff").unwrap()),
        ),
        (
            "store directory deleted",
            Box::new(|s: &Path| std::fs::remove_dir_all(s).unwrap()),
        ),
    ];
    for seed in 1..=8u64 {
        v.push(("one 16-byte flip", flips(seed, 1, 16)));
        v.push(("eight 16-byte flips", flips(seed * 100, 8, 16)));
    }
    v
}

#[tokio::test]
async fn every_damaged_store_is_complete_or_refused() {
    // Known data, every write acknowledged (flushed) before the next.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let s = TestServer::start_in(&data, TEST_CONFIG);
        let c = s.client().await;
        c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
            .await;
        for i in 0..ADDRESSES {
            c.ok("AddressAdd", json!([format!("a{i}@example.org"), "mjl"]))
                .await;
        }
        for i in 0..SUPPRESSIONS {
            c.ok(
                "DMARCSuppressAdd",
                json!([format!("r{i}@example.net"), "2030-01-01T00:00:00Z", ""]),
            )
            .await;
        }
        s.stop();
    }

    let mut outcomes = Vec::new();
    for (i, (what, damage)) in damages().into_iter().enumerate() {
        let copy: PathBuf = dir.path().join(format!("copy{i}"));
        copy_dir(&data, &copy);
        damage(&copy.join("store"));
        let loaded = server::config::LoadedConfig::parse(TEST_CONFIG)
            .map(|config| server::config::LoadedConfig {
                config,
                path: None,
                text: TEST_CONFIG.to_string(),
            })
            .unwrap();
        let opened = std::panic::catch_unwind(|| server::app::App::open(&copy, loaded));
        let outcome = match opened {
            Err(_) => format!("{what}: PANIC"),
            Ok(Err(e)) => {
                assert!(!e.is_empty());
                format!("{what}: refused")
            }
            Ok(Ok(app)) => {
                let addresses = app
                    .config()
                    .dynamic
                    .accounts
                    .get("mjl")
                    .map_or(0, |a| a.destinations.len());
                let suppressions = app.store.dmarc_suppress.len();
                if addresses == ADDRESSES + 1 && suppressions == SUPPRESSIONS {
                    format!("{what}: complete")
                } else {
                    format!(
                        "{what}: OPENED WITH {addresses} addresses, {suppressions} suppressions"
                    )
                }
            }
        };
        outcomes.push(outcome);
        let _ = std::fs::remove_dir_all(&copy);
    }
    // The refusal says what happened and what to do; --accept-loss opens the store as
    // it is, records that, and later opens accept it.
    let copy = dir.path().join("accept");
    copy_dir(&data, &copy);
    let db = copy.join("store").join("db");
    let half = std::fs::metadata(&db).unwrap().len() / 2;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(half)
        .unwrap();
    let refused = server::store::Store::open(&copy).err().unwrap().to_string();
    assert!(refused.contains("lost acknowledged writes"), "{refused}");
    assert!(refused.contains("--accept-loss"), "{refused}");
    let accepting = server::store::OpenOptions { accept_loss: true };
    let store = server::store::Store::open_with(&copy, accepting).unwrap();
    assert!(store.meta.scan_prefix("accepted_loss_").next().is_some());
    drop(store);
    reopen(&copy);
    // A store file that is not a store at all is named as such.
    let garbage = dir.path().join("garbage");
    copy_dir(&data, &garbage);
    std::fs::write(garbage.join("store").join("conf"), b"\x00garbage\xff").unwrap();
    let e = server::store::Store::open(&garbage)
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("cannot be read: it is damaged"), "{e}");

    let bad: Vec<&String> = outcomes
        .iter()
        .filter(|o| o.contains("PANIC") || o.contains("OPENED WITH"))
        .collect();
    assert!(bad.is_empty(), "{}", outcomes.join("\n"));
    eprintln!("{}", outcomes.join("\n"));
}

/// Backups: written at the configured interval and at a clean shutdown, the newest
/// `Keep` kept, each restorable with `import-store` into an empty data directory.
#[tokio::test]
async fn backups_are_written_rotated_and_restorable() {
    use crate::common::{BinServer, Client, PASSWORD, bin, bin_set_password};

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        "Hostname = \"mail.example.org\"\n[Backups]\nInterval = \"500ms\"\nKeep = 2\n",
    )
    .unwrap();
    bin_set_password(&data, PASSWORD);
    let s = BinServer::start(&data, Some(&config));
    let mut c = Client::new(s.addr);
    c.login(PASSWORD).await;
    c.ok("DomainAdd", json!(["example.org", "mjl", "mjl"]))
        .await;
    let backups = data.join(server::backups::DIR);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server::backups::list(&backups).unwrap().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "no periodic backups");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let before = server::backups::list(&backups).unwrap();
    assert!(s.terminate().success());
    let after = server::backups::list(&backups).unwrap();
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(
        !before.contains(after.last().unwrap()),
        "a backup at shutdown"
    );

    // Restored into an empty data directory, it is the same server.
    let restored = dir.path().join("restored");
    let out = std::process::Command::new(bin())
        .args(["--data", restored.to_str().unwrap(), "import-store"])
        .arg(after.last().unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = BinServer::start(&restored, Some(&config));
    let mut c = Client::new(s.addr);
    c.login(PASSWORD).await;
    assert_eq!(
        c.ok("Domains", json!([])).await,
        json!([{"ASCII": "example.org", "Unicode": ""}])
    );
}

/// Opens a store this process closed a moment ago. sled lets go of its directory lock
/// only when its own background work on the store (a snapshot written after opening)
/// is done, which can outlast the drop; a new process never sees that.
fn reopen(dir: &std::path::Path) -> server::store::Store {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match server::store::Store::open(dir) {
            Err(server::store::StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.unwrap(),
        }
    }
}
