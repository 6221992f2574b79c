//! The store: one sled database that owns every piece of state the API changes.
//!
//! Layout (tree name → key → value). Integers in keys are big-endian so that key order is
//! numeric order and range queries are key scans; signed times have their sign bit flipped
//! for the same reason. Values are JSON of the API's own types, written exactly as the
//! API writes them to clients (Go's encoding, see `sherpa_runtime::gojson`): readable in
//! an export, and the three record lists (queue, DMARC and TLS reports) are answered by
//! splicing stored records together (`sherpa_runtime::Wire`). The exceptions are the
//! small fixed-layout report index entries and totals.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `meta` | `schema_version` | u32 BE |
//! | `meta` | `seq/<tree>` | u64 BE, last ID handed out for that tree |
//! | `meta` | `admin_password` | Argon2id PHC string |
//! | `meta` | `span/<tree>` | i64 BE, longest report period seen (seconds) |
//! | `meta` | `clean_close` | u64 BE queue count, present only between a clean close and the next open |
//! | `config` | `dynamic` | the dynamic configuration JSON (domains, accounts, web) |
//! | `dkim_keys` / `dkim_keys_old` | key file name | PKCS#8 PEM |
//! | `account_passwords` | account name | Argon2id PHC string |
//! | `sessions` | session token | session JSON |
//! | `queue` | id u64 | `Msg` JSON |
//! | `queue_data` | id u64 | message bytes (RFC 5322) |
//! | `dmarc_reports` | id u64 | `DomainFeedback` JSON |
//! | `dmarc_by_end` | time(end) ++ id | `ReportIndex` (binary) |
//! | `dmarc_report_keys` | report identity (org name or email, report ID) ++ id | empty |
//! | `dmarc_evals` | id u64 | `Evaluation` JSON |
//! | `dmarc_evals_by_domain` | policy domain ++ 0 ++ id | empty |
//! | `dmarc_suppress` / `tlsrpt_suppress` | id u64 | suppress entry JSON |
//! | `dmarc_suppress_addr` / `tlsrpt_suppress_addr` | reporting address | id u64 (uniqueness) |
//! | `tls_reports` | id u64 | `TLSReportRecord` JSON |
//! | `tls_by_end` | time(end) ++ id | `ReportIndex` (binary) |
//! | `tls_report_keys` | report identity (organization, report ID) ++ id | empty |
//! | `dmarc_totals` / `tls_totals` | level u8 ++ time(bucket) ++ domain | `ReportIndex` (binary) with the bucket's sums; derived, not exported (`reports::totals`) |
//! | `tls_results` | id u64 | `TLSResult` JSON |
//! | `tls_results_key` | policy ++ 0 ++ day ++ 0 ++ recipient | id u64 (uniqueness) |
//! | `mtasts` | domain | `PolicyRecord` JSON |
//!
//! Durability: writes are applied to sled and then `flush().await`ed by the caller before it
//! answers; sled's `flush_async` makes everything written before it durable, so concurrent
//! writers share flushes. A record that does not decode is an error naming tree and key.
//!
//! No sled transactions or batches are used: in sled 0.34.7 they take a global write lock
//! that deadlocks with concurrent `flush_async` calls (observed under concurrent load).
//! Every write is a single-key operation (insert, remove, compare-and-swap), ordered so
//! that a crash between two of them leaves at most an unreferenced record (a queue body, an
//! index entry, a DKIM key), which the repairs at open (`Store::repair`,
//! `reports::repair_indexes`) remove or rebuild. The dynamic configuration is one value,
//! so a configuration change is one atomic compare-and-swap.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Tree;

/// The layout version this build reads and writes. Version 1 stored records as
/// serde_json wrote them; version 2 stores them in wire form. Opening (or importing)
/// version 1 rewrites the record trees whose records are sent as stored ([`WIRE_TREES`]).
pub const SCHEMA_VERSION: u32 = 2;

/// Trees whose records reach clients as stored, so they must be in wire form.
pub const WIRE_TREES: &[&str] = &["queue", "dmarc_reports", "tls_reports"];

/// Every tree, in export order.
pub const TREES: &[&str] = &[
    "meta",
    "config",
    "dkim_keys",
    "dkim_keys_old",
    "account_passwords",
    "sessions",
    "queue",
    "queue_data",
    "dmarc_reports",
    "dmarc_by_end",
    "dmarc_report_keys",
    "dmarc_evals",
    "dmarc_evals_by_domain",
    "dmarc_suppress",
    "dmarc_suppress_addr",
    "tls_reports",
    "tls_by_end",
    "tls_report_keys",
    "tls_results",
    "tls_results_key",
    "tlsrpt_suppress",
    "tlsrpt_suppress_addr",
    "mtasts",
];

/// Trees of data derived from the others that are not exported: an open rebuilds them
/// when they are missing (see `reports::totals`). Not in [`TREES`].
pub const DERIVED_TREES: &[&str] = &["dmarc_totals", "tls_totals"];

/// Store failures. `Corrupt` names the tree and key of a record that failed to decode.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    Sled(String),
    Corrupt {
        tree: &'static str,
        key: String,
        error: String,
    },
    Schema(String),
    /// A uniqueness or existence rule of the data (e.g. "absent", "not unique").
    Constraint(String),
    /// Another process has the store open (sled locks its directory): a running server,
    /// usually. The message names the directory.
    Locked(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sled(e) => write!(f, "store: {e}"),
            StoreError::Corrupt { tree, key, error } => {
                write!(f, "corrupt record in tree {tree} at key {key}: {error}")
            }
            StoreError::Schema(e) => f.write_str(e),
            StoreError::Constraint(e) => f.write_str(e),
            StoreError::Locked(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for StoreError {}

pub mod generation;

/// How to open a store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Open a store that lost acknowledged writes anyway (recording that it did),
    /// instead of refusing it.
    pub accept_loss: bool,
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Sled(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Renders a key for error messages: an ID when it is 8 bytes, else text or hex.
pub fn show_key(key: &[u8]) -> String {
    if key.len() == 8 {
        return format!(
            "id {}",
            u64::from_be_bytes(key.try_into().unwrap_or([0; 8]))
        );
    }
    match std::str::from_utf8(key) {
        Ok(s) if !s.chars().any(|c| c.is_control()) => format!("{s:?}"),
        _ => key.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Decodes a JSON record, naming the tree and key on failure.
pub fn decode<T: DeserializeOwned>(tree: &'static str, key: &[u8], value: &[u8]) -> Result<T> {
    serde_json::from_slice(value).map_err(|e| StoreError::Corrupt {
        tree,
        key: show_key(key),
        error: e.to_string(),
    })
}

/// A stored record of a [`WIRE_TREES`] tree as the text sent to clients, with `T` read
/// from it (`serde::de::IgnoredAny` to read nothing). Parsing checks that the record is
/// one JSON value (not its type: the store wrote it from one), so that a damaged record
/// is an error naming its key, as when decoding, rather than a broken answer.
pub fn wire_record<'v, T: serde::Deserialize<'v>>(
    tree: &'static str,
    key: &[u8],
    value: &'v [u8],
) -> Result<(&'v str, T)> {
    let text = wire_str(tree, key, value)?;
    let t = serde_json::from_str::<T>(text).map_err(|e| StoreError::Corrupt {
        tree,
        key: show_key(key),
        error: e.to_string(),
    })?;
    Ok((text, t))
}

/// A stored record as text, for one already checked with [`wire_record`] (only the
/// UTF-8 is checked again, which costs far less than parsing).
pub fn wire_str<'v>(tree: &'static str, key: &[u8], value: &'v [u8]) -> Result<&'v str> {
    std::str::from_utf8(value).map_err(|e| StoreError::Corrupt {
        tree,
        key: show_key(key),
        error: e.to_string(),
    })
}

/// A stored record that is a JSON object, as text, checked without parsing it: UTF-8,
/// opening with `{` and closing with `}`. Parsing would cost more than the whole answer
/// otherwise does; the bytes themselves are checked by the store library, which keeps
/// a checksum of everything it writes, so this catches what it cannot: a record cut
/// short or not written by this layout.
pub fn wire_object<'v>(tree: &'static str, key: &[u8], value: &'v [u8]) -> Result<&'v str> {
    let text = wire_str(tree, key, value)?;
    let inner = text.trim_matches([' ', '\t', '\r', '\n']);
    if !(inner.len() >= 2 && inner.starts_with('{') && inner.ends_with('}')) {
        return Err(StoreError::Corrupt {
            tree,
            key: show_key(key),
            error: "not a JSON object".to_string(),
        });
    }
    Ok(text)
}

/// Encodes a record in wire form: the bytes a client gets for this value. Encoding the
/// API types cannot fail in practice (string map keys only); an error is still reported
/// rather than unwrapped.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    sherpa_admin::runtime::gojson::to_vec(value)
        .map_err(|e| StoreError::Sled(format!("encoding record: {}", e.0)))
}

/// A big-endian ID key.
pub fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

/// Order-preserving encoding of a signed time (seconds).
pub fn time_key(t: i64) -> [u8; 8] {
    ((t as u64) ^ (1u64 << 63)).to_be_bytes()
}

/// `time_key(t) ++ id_key(id)`.
pub fn time_id_key(t: i64, id: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&time_key(t));
    k[8..].copy_from_slice(&id_key(id));
    k
}

/// Parses the ID from the last 8 bytes of an index key.
pub fn id_from_suffix(tree: &'static str, key: &[u8]) -> Result<u64> {
    if key.len() < 8 {
        return Err(StoreError::Corrupt {
            tree,
            key: show_key(key),
            error: "key shorter than 8 bytes".to_string(),
        });
    }
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[key.len() - 8..]);
    Ok(u64::from_be_bytes(b))
}

/// The compact per-report index entry kept next to DMARC and TLS reports, so that period
/// queries and summaries read only small entries, and full records only for results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportIndex {
    /// Period start and end as (seconds, nanoseconds).
    pub begin: (i64, u32),
    pub end: (i64, u32),
    /// Report domain (the `Domain` field of the record).
    pub domain: String,
    /// DMARC: total, none, quarantine, reject, dkim fail, spf fail.
    /// TLS: success, failure, then unused zeros.
    pub counts: [i64; 6],
    /// DMARC: policy override reason → count. TLS: result type → failed sessions.
    pub kinds: Vec<(String, i64)>,
}

impl ReportIndex {
    /// Layout: begin s i64, begin ns u32, end s i64, end ns u32, 6 × i64, domain (u32 len +
    /// bytes), kinds (u32 count, then u32 len + bytes + i64 each). All big-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(80 + self.domain.len());
        b.extend_from_slice(&self.begin.0.to_be_bytes());
        b.extend_from_slice(&self.begin.1.to_be_bytes());
        b.extend_from_slice(&self.end.0.to_be_bytes());
        b.extend_from_slice(&self.end.1.to_be_bytes());
        for c in self.counts {
            b.extend_from_slice(&c.to_be_bytes());
        }
        put_str(&mut b, &self.domain);
        b.extend_from_slice(&(self.kinds.len() as u32).to_be_bytes());
        for (k, n) in &self.kinds {
            put_str(&mut b, k);
            b.extend_from_slice(&n.to_be_bytes());
        }
        b
    }

    pub fn decode(tree: &'static str, key: &[u8], v: &[u8]) -> Result<ReportIndex> {
        let mut r = Reader { b: v, pos: 0 };
        let parse = |r: &mut Reader| -> Option<ReportIndex> {
            let begin = (r.i64()?, r.u32()?);
            let end = (r.i64()?, r.u32()?);
            let mut counts = [0i64; 6];
            for c in counts.iter_mut() {
                *c = r.i64()?;
            }
            let domain = r.str()?;
            let n = r.u32()? as usize;
            let mut kinds = Vec::with_capacity(n.min(64));
            for _ in 0..n {
                let k = r.str()?;
                kinds.push((k, r.i64()?));
            }
            if r.pos != r.b.len() {
                return None;
            }
            Some(ReportIndex {
                begin,
                end,
                domain,
                counts,
                kinds,
            })
        };
        parse(&mut r).ok_or_else(|| StoreError::Corrupt {
            tree,
            key: show_key(key),
            error: "malformed report index entry".to_string(),
        })
    }
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(&(s.len() as u32).to_be_bytes());
    b.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

/// One configuration write, prepared by the caller (see `write_config`).
#[derive(Debug, Default)]
pub struct ConfigWrite {
    pub dkim_add: Vec<(String, String)>,
    pub dkim_archive: Vec<String>,
    pub passwords_remove: Vec<String>,
}

/// The open store.
pub struct Store {
    pub db: sled::Db,
    pub meta: Tree,
    pub config: Tree,
    pub dkim_keys: Tree,
    pub dkim_keys_old: Tree,
    pub account_passwords: Tree,
    pub sessions: Tree,
    pub queue: Tree,
    pub queue_data: Tree,
    pub dmarc_reports: Tree,
    pub dmarc_by_end: Tree,
    pub dmarc_report_keys: Tree,
    pub dmarc_evals: Tree,
    pub dmarc_evals_by_domain: Tree,
    pub dmarc_suppress: Tree,
    pub dmarc_suppress_addr: Tree,
    pub tls_reports: Tree,
    pub tls_by_end: Tree,
    pub tls_report_keys: Tree,
    pub dmarc_totals: Tree,
    pub tls_totals: Tree,
    pub tls_results: Tree,
    pub tls_results_key: Tree,
    pub tlsrpt_suppress: Tree,
    pub tlsrpt_suppress_addr: Tree,
    pub mtasts: Tree,
    /// Number of queued messages, kept in memory because sled's `len` is a full scan.
    queue_count: AtomicI64,
    /// Group commit: a ticket is taken after a write; a flush covers every ticket taken
    /// before it started. Only one flush runs at a time: concurrent `flush_async` calls can
    /// hang forever in sled 0.34.7 (seen under concurrent load).
    tickets: std::sync::atomic::AtomicU64,
    flushed: std::sync::atomic::AtomicU64,
    flush_lock: tokio::sync::Mutex<()>,
    /// The data directory, where [`generation::FILE`] lives.
    dir: std::path::PathBuf,
    /// The generation of the last flush (see [`generation`]).
    generation: std::sync::atomic::AtomicU64,
    /// Whether the previous run closed the store cleanly (see [`Store::close_clean`]).
    opened_clean: bool,
}

/// The `meta` key a clean close leaves (with the queue's message count): its presence at
/// open means every index and counter is as the writes left them, so the repairs, which
/// scan whole trees, are not needed. Open removes it (durably) before anything else is
/// written, so a run that crashes leaves none and the next open repairs.
const CLEAN_CLOSE: &[u8] = b"clean_close";

impl Store {
    /// Opens (creating if needed) the store in `dir`; see [`Store::open_with`].
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with(dir, OpenOptions::default())
    }

    /// Opens (creating if needed) the store in `dir`, checks the schema version, and
    /// refuses a store that lost acknowledged writes (see [`generation`]) unless
    /// `opts.accept_loss`. The directory and everything in it are made private to the
    /// server's user first (see [`crate::private`]), with a warning when something was
    /// wider.
    pub fn open_with(dir: &Path, opts: OpenOptions) -> Result<Store> {
        let narrowed = crate::private::secure_dir(dir)
            .map_err(|e| StoreError::Sled(format!("securing {}: {e}", dir.display())))?;
        if narrowed != crate::private::Narrowed::default() {
            tracing::warn!(
                target: "server::store",
                dir = %dir.display(),
                dirs = narrowed.dirs,
                files = narrowed.files,
                "the data directory was readable by others; narrowed it to 0700 and its files to 0600"
            );
        }
        // No background flusher: every write that must be durable is flushed explicitly,
        // one flush at a time (see `flush`).
        let db = sled::Config::new()
            .path(dir.join("store"))
            .flush_every_ms(None)
            // sled's default page cache is 1 GiB; the admin server's working set is small.
            .cache_capacity(64 << 20)
            .open()
            .map_err(|e| match &e {
                // sled wraps the failed `flock` in an error of its own kind, with this text.
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.to_string().contains("could not acquire lock") =>
                {
                    StoreError::Locked(format!(
                        "the store in {} is in use by another process (a server running on this \
                         data directory?)",
                        dir.display()
                    ))
                }
                _ => StoreError::Sled(format!(
                    "the store in {} cannot be read: it is damaged, or not a store of this server \
                     (restore it from a backup with `import-store` into an empty data directory); \
                     the store library said: {e}",
                    dir.display()
                )),
            })?;
        let t = |name: &str| db.open_tree(name);
        let store = Store {
            meta: t("meta")?,
            config: t("config")?,
            dkim_keys: t("dkim_keys")?,
            dkim_keys_old: t("dkim_keys_old")?,
            account_passwords: t("account_passwords")?,
            sessions: t("sessions")?,
            queue: t("queue")?,
            queue_data: t("queue_data")?,
            dmarc_reports: t("dmarc_reports")?,
            dmarc_by_end: t("dmarc_by_end")?,
            dmarc_report_keys: t("dmarc_report_keys")?,
            dmarc_evals: t("dmarc_evals")?,
            dmarc_evals_by_domain: t("dmarc_evals_by_domain")?,
            dmarc_suppress: t("dmarc_suppress")?,
            dmarc_suppress_addr: t("dmarc_suppress_addr")?,
            tls_reports: t("tls_reports")?,
            tls_by_end: t("tls_by_end")?,
            tls_report_keys: t("tls_report_keys")?,
            dmarc_totals: t("dmarc_totals")?,
            tls_totals: t("tls_totals")?,
            tls_results: t("tls_results")?,
            tls_results_key: t("tls_results_key")?,
            tlsrpt_suppress: t("tlsrpt_suppress")?,
            tlsrpt_suppress_addr: t("tlsrpt_suppress_addr")?,
            mtasts: t("mtasts")?,
            queue_count: AtomicI64::new(0),
            tickets: std::sync::atomic::AtomicU64::new(0),
            flushed: std::sync::atomic::AtomicU64::new(0),
            flush_lock: tokio::sync::Mutex::new(()),
            dir: dir.to_path_buf(),
            generation: std::sync::atomic::AtomicU64::new(0),
            opened_clean: false,
            db,
        };
        // A store that lost writes is refused before anything (an upgrade) writes to it.
        store.check_generation(opts)?;
        store.check_schema()?;
        let mut store = store;
        match store.take_clean_close()? {
            Some(queued) => {
                store.opened_clean = true;
                store.queue_count.store(queued, Ordering::SeqCst);
            }
            None => {
                for r in store.repair()? {
                    tracing::warn!(target: "server::store", "repair at open: {r}");
                }
                // The report indexes are rebuilt by `reports::repair_indexes`, which the
                // callers of `open` (the server and the CLI) run next: they are derived from
                // report records, which this module stores without knowing their meaning.
                store
                    .queue_count
                    .store(store.queue.len() as i64, Ordering::SeqCst);
            }
        }
        Ok(store)
    }

    /// Reads and removes the clean-close marker; the removal is flushed before anything
    /// else can be written. Returns the queue count it recorded.
    fn take_clean_close(&self) -> Result<Option<i64>> {
        let Some(v) = self.meta.remove(CLEAN_CLOSE)? else {
            return Ok(None);
        };
        self.db.flush()?;
        Ok(v.as_ref()
            .try_into()
            .ok()
            .map(|b: [u8; 8]| u64::from_be_bytes(b) as i64))
    }

    /// Whether this open found the previous run's clean-close marker and so skipped the
    /// repairs (callers skip theirs too: `reports::repair_indexes_logged`).
    pub fn opened_clean(&self) -> bool {
        self.opened_clean
    }

    /// Flushes and marks the store as closed cleanly, so that the next open skips the
    /// repairs. Call it last, when nothing writes any more (a clean shutdown, the end of
    /// a CLI command).
    pub async fn close_clean(&self) -> Result<()> {
        self.flush().await?;
        self.meta.insert(
            CLEAN_CLOSE,
            &(self.queue_size().max(0) as u64).to_be_bytes(),
        )?;
        self.flush().await
    }

    /// Compares the store's generation with the one recorded next to it (see
    /// [`generation`]): a store behind its record lost acknowledged writes.
    fn check_generation(&self, opts: OpenOptions) -> Result<()> {
        let stored = match self.meta.get("generation")? {
            None => 0,
            Some(v) => {
                u64::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    key: "\"generation\"".to_string(),
                    error: "not an 8-byte generation".to_string(),
                })?)
            }
        };
        let recorded = generation::read(&self.dir).map_err(StoreError::Sled)?;
        self.generation.store(stored, Ordering::SeqCst);
        let Some(recorded) = recorded.filter(|&r| r > stored) else {
            return Ok(());
        };
        if !opts.accept_loss {
            return Err(StoreError::Sled(format!(
                "the store in {dir} lost acknowledged writes: it holds them up to flush {stored}, \
                 but flush {recorded} was acknowledged ({dir}/{file}). Restore it from a backup \
                 (`import-store` into an empty data directory), or start with --accept-loss to \
                 open it as it is (this is recorded in the store)",
                dir = self.dir.display(),
                file = generation::FILE,
            )));
        }
        tracing::warn!(
            target: "server::store",
            stored,
            recorded,
            "opening a store that lost acknowledged writes (--accept-loss)"
        );
        // When, and which flush the store was at of which.
        self.meta.insert(
            format!("accepted_loss_{}", crate::auth::now_ms()),
            format!("flush {stored} of {recorded}").as_bytes(),
        )?;
        // The store goes on from the recorded generation, durably at once, so that the
        // next open does not refuse it again.
        self.meta.insert("generation", &recorded.to_be_bytes())?;
        self.db.flush()?;
        self.generation.store(recorded, Ordering::SeqCst);
        Ok(())
    }

    fn check_schema(&self) -> Result<()> {
        match self.meta.get("schema_version")? {
            None => {
                self.meta
                    .insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
                Ok(())
            }
            Some(v) => {
                let v: [u8; 4] = v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    key: "\"schema_version\"".to_string(),
                    error: "not a 4-byte version".to_string(),
                })?;
                let v = u32::from_be_bytes(v);
                match v {
                    SCHEMA_VERSION => Ok(()),
                    1 => self.upgrade_from_1(),
                    _ => Err(StoreError::Schema(format!(
                        "store has schema version {v}, this build supports {SCHEMA_VERSION} \
                         (and opens version 1)"
                    ))),
                }
            }
        }
    }

    /// Makes every write so far durable. Concurrent callers share flushes: a caller whose
    /// writes were covered by a flush that started after them returns without another.
    pub async fn flush(&self) -> Result<()> {
        use std::sync::atomic::Ordering::SeqCst;
        let ticket = self.tickets.fetch_add(1, SeqCst) + 1;
        let _guard = self.flush_lock.lock().await;
        if self.flushed.load(SeqCst) >= ticket {
            return Ok(());
        }
        let covered = self.tickets.load(SeqCst);
        // The next generation goes into the store with this flush, and next to it once
        // the flush is done (see `generation`); the flush lock orders them.
        let next = self.generation.load(SeqCst) + 1;
        self.meta.insert("generation", &next.to_be_bytes())?;
        let db = self.db.clone();
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || {
            db.flush()?;
            generation::write(&dir, next).map_err(|e| {
                StoreError::Sled(format!(
                    "recording the store's generation in {}: {e}",
                    dir.display()
                ))
            })
        })
        .await
        .map_err(|e| StoreError::Sled(format!("flush task: {e}")))??;
        self.generation.store(next, SeqCst);
        self.flushed.fetch_max(covered, SeqCst);
        Ok(())
    }

    /// Looks up a tree by its export name.
    pub fn tree(&self, name: &str) -> Option<&Tree> {
        Some(match name {
            "meta" => &self.meta,
            "config" => &self.config,
            "dkim_keys" => &self.dkim_keys,
            "dkim_keys_old" => &self.dkim_keys_old,
            "account_passwords" => &self.account_passwords,
            "sessions" => &self.sessions,
            "queue" => &self.queue,
            "queue_data" => &self.queue_data,
            "dmarc_reports" => &self.dmarc_reports,
            "dmarc_by_end" => &self.dmarc_by_end,
            "dmarc_report_keys" => &self.dmarc_report_keys,
            "dmarc_evals" => &self.dmarc_evals,
            "dmarc_evals_by_domain" => &self.dmarc_evals_by_domain,
            "dmarc_suppress" => &self.dmarc_suppress,
            "dmarc_suppress_addr" => &self.dmarc_suppress_addr,
            "tls_reports" => &self.tls_reports,
            "tls_by_end" => &self.tls_by_end,
            "tls_report_keys" => &self.tls_report_keys,
            "dmarc_totals" => &self.dmarc_totals,
            "tls_totals" => &self.tls_totals,
            "tls_results" => &self.tls_results,
            "tls_results_key" => &self.tls_results_key,
            "tlsrpt_suppress" => &self.tlsrpt_suppress,
            "tlsrpt_suppress_addr" => &self.tlsrpt_suppress_addr,
            "mtasts" => &self.mtasts,
            _ => return None,
        })
    }

    /// Hands out the next ID for `tree` (1, 2, …; never reused), atomically.
    pub fn next_id(&self, tree: &str) -> Result<u64> {
        self.next_ids(tree, 1)
    }

    /// Reserves `n` consecutive IDs and returns the first.
    pub fn next_ids(&self, tree: &str, n: u64) -> Result<u64> {
        let key = format!("seq/{tree}");
        let mut bad = false;
        let v = self.meta.update_and_fetch(key.as_bytes(), |old| {
            let cur = match old {
                None => 0,
                Some(b) => match <[u8; 8]>::try_from(b) {
                    Ok(a) => u64::from_be_bytes(a),
                    Err(_) => {
                        bad = true;
                        0
                    }
                },
            };
            Some(cur.saturating_add(n).to_be_bytes().to_vec())
        })?;
        if bad {
            return Err(StoreError::Corrupt {
                tree: "meta",
                key: format!("{key:?}"),
                error: "sequence is not 8 bytes".to_string(),
            });
        }
        let last = v
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0);
        Ok(last + 1 - n)
    }

    /// Raises the recorded longest report span for an index tree.
    pub fn raise_span(&self, tree: &str, span: i64) -> Result<()> {
        let key = format!("span/{tree}");
        self.meta.fetch_and_update(key.as_bytes(), |old| {
            let cur = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(i64::from_be_bytes)
                .unwrap_or(0);
            Some(cur.max(span).to_be_bytes().to_vec())
        })?;
        Ok(())
    }

    /// The longest report span recorded for an index tree (seconds).
    pub fn span(&self, tree: &str) -> Result<i64> {
        Ok(self
            .meta
            .get(format!("span/{tree}"))?
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(i64::from_be_bytes)
            .unwrap_or(0))
    }

    /// Reads a JSON record by key.
    pub fn get<T: DeserializeOwned>(
        &self,
        tree_name: &'static str,
        key: &[u8],
    ) -> Result<Option<T>> {
        let tree = self.tree_static(tree_name)?;
        match tree.get(key)? {
            None => Ok(None),
            Some(v) => decode(tree_name, key, &v).map(Some),
        }
    }

    /// All records of a tree in key order.
    pub fn all<T: DeserializeOwned>(&self, tree_name: &'static str) -> Result<Vec<(Vec<u8>, T)>> {
        let tree = self.tree_static(tree_name)?;
        let mut out = Vec::new();
        for kv in tree.iter() {
            let (k, v) = kv?;
            out.push((k.to_vec(), decode(tree_name, &k, &v)?));
        }
        Ok(out)
    }

    /// [`Store::tree`] for a name known to the code, as a store error when it is not
    /// one (a bug).
    pub fn tree_static(&self, name: &'static str) -> Result<&Tree> {
        self.tree(name)
            .ok_or_else(|| StoreError::Sled(format!("unknown tree {name}")))
    }

    // ---- queue ----

    /// Number of queued messages.
    pub fn queue_size(&self) -> i64 {
        self.queue_count.load(Ordering::SeqCst)
    }

    /// Adds a message; returns its ID. The body is written first: the record is what makes
    /// the message exist.
    pub fn queue_add(&self, mut msg: sherpa_admin::api::Msg, data: &[u8]) -> Result<i64> {
        let id = self.next_id("queue")?;
        msg.id = id as i64;
        let rec = encode(&msg)?;
        self.queue_data.insert(id_key(id), data)?;
        self.queue.insert(id_key(id), rec)?;
        self.queue_count.fetch_add(1, Ordering::SeqCst);
        Ok(id as i64)
    }

    /// Removes the given messages (record first, then body); returns how many existed.
    pub fn queue_remove(&self, ids: &[u64]) -> Result<usize> {
        let mut n = 0;
        for id in ids {
            if self.queue.remove(id_key(*id))?.is_some() {
                n += 1;
                self.queue_count.fetch_sub(1, Ordering::SeqCst);
            }
            self.queue_data.remove(id_key(*id))?;
        }
        Ok(n)
    }

    /// Read-modify-write of one queue record, atomically (compare-and-swap loop).
    /// Returns false when the record does not exist.
    pub fn queue_update(
        &self,
        id: u64,
        mut f: impl FnMut(&mut sherpa_admin::api::Msg),
    ) -> Result<bool> {
        let key = id_key(id);
        loop {
            let Some(old) = self.queue.get(key)? else {
                return Ok(false);
            };
            let mut msg: sherpa_admin::api::Msg = decode("queue", &key, &old)?;
            f(&mut msg);
            let new = encode(&msg)?;
            match self.queue.compare_and_swap(key, Some(old), Some(new))? {
                Ok(()) => return Ok(true),
                Err(_) => continue,
            }
        }
    }

    // ---- configuration ----

    /// The stored dynamic configuration (raw JSON), if any.
    pub fn config_raw(&self) -> Result<Option<sled::IVec>> {
        Ok(self.config.get("dynamic")?)
    }

    /// Writes a configuration change: new DKIM keys first (unreferenced until the config
    /// names them), then the configuration as one compare-and-swap against `old`, then the
    /// archiving of DKIM keys and removal of passwords the new configuration no longer uses.
    pub fn write_config(&self, old: Option<&[u8]>, new: Vec<u8>, w: &ConfigWrite) -> Result<()> {
        for (name, pem) in &w.dkim_add {
            self.dkim_keys.insert(name.as_bytes(), pem.as_bytes())?;
        }
        if self
            .config
            .compare_and_swap("dynamic", old, Some(new))?
            .is_err()
        {
            for (name, _) in &w.dkim_add {
                self.dkim_keys.remove(name.as_bytes())?;
            }
            return Err(StoreError::Constraint(
                "configuration changed concurrently".to_string(),
            ));
        }
        for name in &w.dkim_archive {
            self.archive_dkim_key(name)?;
        }
        for acc in &w.passwords_remove {
            self.account_passwords.remove(acc.as_bytes())?;
        }
        Ok(())
    }

    /// Moves a DKIM key to the archive tree (copy first, then remove).
    pub fn archive_dkim_key(&self, name: &str) -> Result<()> {
        if let Some(pem) = self.dkim_keys.get(name.as_bytes())? {
            self.dkim_keys_old.insert(name.as_bytes(), pem)?;
            self.dkim_keys.remove(name.as_bytes())?;
        }
        Ok(())
    }

    /// Brings derived data in line after a crash between two writes of one operation:
    /// removes queue bodies without a record, and rebuilds an index whose size differs from
    /// its records' (entries are written after their record, so a crash leaves an index
    /// short or, for removals, long). Returns what was repaired, for the log.
    pub fn repair(&self) -> Result<Vec<String>> {
        let mut done = Vec::new();
        let mut orphans = Vec::new();
        for k in self.queue_data.iter().keys() {
            let k = k?;
            if !self.queue.contains_key(&k)? {
                orphans.push(k);
            }
        }
        if !orphans.is_empty() {
            for k in &orphans {
                self.queue_data.remove(k)?;
            }
            done.push(format!(
                "removed {} queue bodies without record",
                orphans.len()
            ));
        }
        for (tree, addr_tree) in [
            ("dmarc_suppress", "dmarc_suppress_addr"),
            ("tlsrpt_suppress", "tlsrpt_suppress_addr"),
        ] {
            let (t, a) = (self.tree_static(tree)?, self.tree_static(addr_tree)?);
            if t.len() != a.len() {
                let recs = self.all::<sherpa_admin::api::SuppressAddress>(tree)?;
                a.clear()?;
                for (_, r) in &recs {
                    a.insert(r.reporting_address.as_bytes(), &id_key(r.id as u64))?;
                }
                done.push(format!("rebuilt {addr_tree}"));
            }
        }
        Ok(done)
    }

    /// Version 1 → 2: rewrites the records of [`WIRE_TREES`] in wire form, then records
    /// the new version (so a crash part way repeats the rewrite, which is idempotent).
    fn upgrade_from_1(&self) -> Result<()> {
        use sherpa_admin::api::{DomainFeedback, Msg, TLSReportRecord};
        let n = self.rewrite::<Msg>("queue")?
            + self.rewrite::<DomainFeedback>("dmarc_reports")?
            + self.rewrite::<TLSReportRecord>("tls_reports")?;
        self.meta
            .insert("schema_version", &SCHEMA_VERSION.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(
            target: "server::store",
            rewritten = n,
            "store upgraded from schema version 1 to {SCHEMA_VERSION}: records in wire form"
        );
        Ok(())
    }

    /// Re-encodes every record of `tree` as [`encode`] writes it; returns how many
    /// changed.
    fn rewrite<T: DeserializeOwned + Serialize>(&self, tree: &'static str) -> Result<u64> {
        let t = self.tree_static(tree)?;
        let mut n = 0;
        for kv in t.iter() {
            let (k, v) = kv?;
            let wire = encode(&decode::<T>(tree, &k, &v)?)?;
            if wire != v.as_ref() {
                t.insert(k, wire)?;
                n += 1;
            }
        }
        Ok(n)
    }

    // ---- export / import ----

    /// Writes every tree as JSON lines: a header, then `{"tree","key","value"}` with base64
    /// key and value. Returns the number of records.
    pub fn export(&self, out: &mut dyn std::io::Write) -> std::result::Result<u64, String> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let header =
            serde_json::json!({"format": "sherpa-admin-store", "schema_version": SCHEMA_VERSION});
        writeln!(out, "{header}").map_err(|e| e.to_string())?;
        let mut n = 0;
        for name in TREES {
            let tree = self.tree(name).ok_or("unknown tree")?;
            for kv in tree.iter() {
                let (k, v) = kv.map_err(|e| e.to_string())?;
                // A run's clean close says nothing about the store the export goes into.
                if *name == "meta" && k.as_ref() == CLEAN_CLOSE {
                    continue;
                }
                let line = serde_json::json!({"tree": name, "key": b64.encode(&k), "value": b64.encode(&v)});
                writeln!(out, "{line}").map_err(|e| e.to_string())?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Loads an export into this store, which must be empty (apart from its schema version).
    pub fn import(&self, input: impl std::io::BufRead) -> std::result::Result<u64, String> {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        for name in TREES {
            let tree = self.tree(name).ok_or("unknown tree")?;
            let count = tree
                .iter()
                .keys()
                .filter(|k| {
                    !(*name == "meta" && k.as_ref().is_ok_and(|k| k.as_ref() == b"schema_version"))
                })
                .count();
            if count > 0 {
                return Err(format!(
                    "target store is not empty (tree {name} has records)"
                ));
            }
        }
        let mut lines = input.lines();
        let header = lines
            .next()
            .ok_or("empty export file")?
            .map_err(|e| e.to_string())?;
        let header: serde_json::Value =
            serde_json::from_str(&header).map_err(|e| format!("export header: {e}"))?;
        if header["format"] != "sherpa-admin-store" {
            return Err("not a store export (bad header)".to_string());
        }
        let version = header["schema_version"].as_u64();
        if !matches!(version, Some(1)) && version != Some(SCHEMA_VERSION.into()) {
            return Err(format!(
                "export has schema version {}, this build supports {SCHEMA_VERSION} (and \
                 imports version 1)",
                header["schema_version"]
            ));
        }
        #[derive(serde::Deserialize)]
        struct Line {
            tree: String,
            key: String,
            value: String,
        }
        let mut n = 0;
        for (i, line) in lines.enumerate() {
            let line = line.map_err(|e| e.to_string())?;
            if line.is_empty() {
                continue;
            }
            let l: Line =
                serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", i + 2))?;
            let tree = self
                .tree(&l.tree)
                .ok_or_else(|| format!("line {}: unknown tree {:?}", i + 2, l.tree))?;
            let k = b64
                .decode(&l.key)
                .map_err(|e| format!("line {}: key: {e}", i + 2))?;
            let v = b64
                .decode(&l.value)
                .map_err(|e| format!("line {}: value: {e}", i + 2))?;
            if l.tree == "meta" && k == CLEAN_CLOSE {
                continue;
            }
            tree.insert(k, v).map_err(|e| e.to_string())?;
            n += 1;
        }
        // The export's own version came in with its `meta` tree.
        self.check_schema().map_err(|e| e.to_string())?;
        // Derived data describes what was here before: the next open rebuilds it.
        for name in DERIVED_TREES {
            self.tree(name)
                .ok_or("unknown tree")?
                .clear()
                .map_err(|e| e.to_string())?;
        }
        self.queue_count
            .store(self.queue.len() as i64, Ordering::SeqCst);
        Ok(n)
    }
}

/// Builds a map of `kind → count` into the `{} int` shape, or None when empty (mox's nil map).
pub fn kinds_map<T: From<i64>>(kinds: BTreeMap<String, i64>) -> Option<BTreeMap<String, T>> {
    if kinds.is_empty() {
        None
    } else {
        Some(kinds.into_iter().map(|(k, v)| (k, T::from(v))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_numerically() {
        let mut v = [5i64, -3, 0, i64::MIN, i64::MAX, -1, 1];
        let mut keys: Vec<_> = v.iter().map(|t| time_key(*t)).collect();
        keys.sort();
        v.sort();
        assert_eq!(keys, v.iter().map(|t| time_key(*t)).collect::<Vec<_>>());
    }

    #[test]
    fn report_index_round_trip_and_corruption() {
        let r = ReportIndex {
            begin: (-5, 1),
            end: (100, 999),
            domain: "münchen.de".into(),
            counts: [1, 2, 3, 4, 5, 6],
            kinds: vec![("forwarded".into(), 7)],
        };
        let b = r.encode();
        assert_eq!(ReportIndex::decode("t", b"k", &b).unwrap(), r);
        let err = ReportIndex::decode("dmarc_by_end", &[0; 16], &b[..b.len() - 1]).unwrap_err();
        assert!(err.to_string().contains("dmarc_by_end"), "{err}");
    }

    #[test]
    fn ids_are_sequential_and_corrupt_records_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.next_id("x").unwrap(), 1);
        assert_eq!(s.next_ids("x", 10).unwrap(), 2);
        assert_eq!(s.next_id("x").unwrap(), 12);
        s.dmarc_reports
            .insert(id_key(7), b"{not json".to_vec())
            .unwrap();
        let err = s
            .get::<serde_json::Value>("dmarc_reports", &id_key(7))
            .unwrap_err();
        assert_eq!(
            err.to_string().split(": ").next().unwrap(),
            "corrupt record in tree dmarc_reports at key id 7"
        );
        let err = wire_record::<serde::de::IgnoredAny>("dmarc_reports", &id_key(7), b"{not json")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("corrupt record in tree dmarc_reports at key id 7"),
            "{err}"
        );
        assert!(wire_str("queue", &id_key(1), b"\xff").is_err());
        for bad in [&b"{\"ID\":1"[..], b"", b"{", b"[]", b"\xff{}"] {
            assert!(
                wire_object("dmarc_reports", &id_key(7), bad).is_err(),
                "{bad:?}"
            );
        }
        assert_eq!(
            wire_object("dmarc_reports", &id_key(7), b"{}\n").unwrap(),
            "{}\n"
        );
        let (text, v) =
            wire_record::<serde_json::Value>("queue", &id_key(1), b" {\"ID\":1} ").unwrap();
        assert_eq!((text, v), (" {\"ID\":1} ", serde_json::json!({"ID": 1})));
    }

    /// An export of version 1 is imported and upgraded; a version from the future is
    /// refused, naming both.
    #[test]
    fn version_1_exports_are_imported_and_upgraded() {
        use sherpa_admin::api::Msg;
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let msg = Msg {
            id: 1,
            sender_account: "a&b".to_string(),
            ..Msg::default()
        };
        s.queue
            .insert(id_key(1), serde_json::to_vec(&msg).unwrap())
            .unwrap();
        s.meta
            .insert("schema_version", &1u32.to_be_bytes())
            .unwrap();
        let mut export = Vec::new();
        s.export(&mut export).unwrap();
        let text = String::from_utf8(export).unwrap();
        let (_, rest) = text.split_once('\n').unwrap();
        let v1 = format!(
            "{}\n{rest}",
            serde_json::json!({"format": "sherpa-admin-store", "schema_version": 1})
        );
        let into = tempfile::tempdir().unwrap();
        let t = Store::open(into.path()).unwrap();
        t.import(v1.as_bytes()).unwrap();
        let v = t.meta.get("schema_version").unwrap().unwrap();
        assert_eq!(v.as_ref(), SCHEMA_VERSION.to_be_bytes());
        let stored = t.queue.get(id_key(1)).unwrap().unwrap();
        assert_eq!(stored.as_ref(), encode(&msg).unwrap());

        let v3 = format!(
            "{}\n{rest}",
            serde_json::json!({"format": "sherpa-admin-store", "schema_version": 3})
        );
        let other = tempfile::tempdir().unwrap();
        let e = Store::open(other.path())
            .unwrap()
            .import(v3.as_bytes())
            .unwrap_err();
        assert!(
            e.contains("export has schema version 3, this build supports 2"),
            "{e}"
        );
    }

    /// A store of version 1 (records as serde_json wrote them) opens as version 2 with
    /// its record lists in wire form, the same values; other trees are left alone.
    #[test]
    fn version_1_stores_are_upgraded_to_wire_form() {
        use sherpa_admin::api::{DomainFeedback, Msg};
        let dir = tempfile::tempdir().unwrap();
        let msg = Msg {
            id: 1,
            sender_account: "<b>R&D</b> \u{2028}".to_string(),
            ..Msg::default()
        };
        let report = DomainFeedback {
            id: 1,
            domain: "a&b.example".to_string(),
            ..DomainFeedback::default()
        };
        {
            let s = Store::open(dir.path()).unwrap();
            s.queue
                .insert(id_key(1), serde_json::to_vec(&msg).unwrap())
                .unwrap();
            s.dmarc_reports
                .insert(id_key(1), serde_json::to_vec(&report).unwrap())
                .unwrap();
            s.meta
                .insert("schema_version", &1u32.to_be_bytes())
                .unwrap();
            s.db.flush().unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        let v = s.meta.get("schema_version").unwrap().unwrap();
        assert_eq!(v.as_ref(), SCHEMA_VERSION.to_be_bytes());
        let stored = s.queue.get(id_key(1)).unwrap().unwrap();
        assert_eq!(stored.as_ref(), encode(&msg).unwrap());
        assert!(String::from_utf8_lossy(&stored).contains("\\u003cb\\u003eR\\u0026D"));
        assert_eq!(s.get::<Msg>("queue", &id_key(1)).unwrap(), Some(msg));
        let stored = s.dmarc_reports.get(id_key(1)).unwrap().unwrap();
        assert_eq!(stored.as_ref(), encode(&report).unwrap());
    }
}
