//! The running server's shared state, and the one path by which the configuration changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use sherpa_admin::runtime::Error;

use crate::auth::{Limiter, Sessions};
use crate::config::LoadedConfig;
use crate::dynconf::{Change, ChangeError, Config, Dynamic};
use crate::logging::LogLevels;
use crate::store::{ConfigWrite, Store, StoreError};

/// Everything a request handler needs.
pub struct App {
    pub store: Store,
    pub static_config: LoadedConfig,
    pub data_dir: PathBuf,
    /// The admin path, with leading and trailing slash; cookies are scoped to it.
    pub admin_path: String,
    config: RwLock<Arc<Config>>,
    /// Serialises configuration writers (read-modify-validate-write), like mox's
    /// dynamic-config mutex, so concurrent changes lose no update.
    config_write: tokio::sync::Mutex<()>,
    pub sessions: Sessions,
    pub limiter: Limiter,
    /// Bounds the password hashes running at once (logins).
    pub hashes: crate::auth::HashGate,
    pub log_levels: LogLevels,
    /// Report imports over HTTP run one at a time, so that a report uploaded twice at
    /// once is still stored once.
    pub imports: tokio::sync::Mutex<()>,
}

/// Maps a store failure to the API's `server:error` with mox's `<context>: <err>` form.
pub fn server_err(context: &str, e: impl std::fmt::Display) -> Error {
    Error::server(format!("{context}: {e}"))
}

/// Maps bad input to `user:error` with mox's `<context>: <err>` form.
pub fn user_err(context: &str, e: impl std::fmt::Display) -> Error {
    Error::user(format!("{context}: {e}"))
}

/// Reads the stored dynamic configuration.
pub fn load_dynamic(store: &Store) -> Result<Dynamic, StoreError> {
    match store.config_raw()? {
        None => Ok(Dynamic::default()),
        Some(v) => crate::store::decode("config", b"dynamic", &v),
    }
}

/// After a crash between the writes of one configuration change: DKIM keys the
/// configuration does not name are archived, and passwords of accounts that no longer exist
/// are removed.
fn clean_orphans(store: &Store, d: &Dynamic) -> Result<(), StoreError> {
    let used: std::collections::BTreeSet<String> = d
        .domains
        .values()
        .flat_map(|dc| dc.dkim.selectors.values())
        .filter_map(|s| s.private_key_file.strip_prefix("dkim/").map(str::to_string))
        .collect();
    for k in store.dkim_keys.iter().keys() {
        let name = String::from_utf8_lossy(&k?).into_owned();
        if !used.contains(&name) {
            store.archive_dkim_key(&name)?;
        }
    }
    for k in store.account_passwords.iter().keys() {
        let k = k?;
        if !d
            .accounts
            .contains_key(String::from_utf8_lossy(&k).as_ref())
        {
            store.account_passwords.remove(k)?;
        }
    }
    Ok(())
}

impl App {
    /// Opens the store in `data_dir` and loads the configuration and sessions.
    pub fn open(data_dir: &Path, static_config: LoadedConfig) -> Result<App, String> {
        App::open_with(data_dir, static_config, Default::default())
    }

    /// [`App::open`] with options for opening the store (e.g. accepting a loss).
    pub fn open_with(
        data_dir: &Path,
        static_config: LoadedConfig,
        store_options: crate::store::OpenOptions,
    ) -> Result<App, String> {
        let store = Store::open_with(data_dir, store_options).map_err(|e| e.to_string())?;
        crate::reports::repair_indexes_logged(&store).map_err(|e| e.to_string())?;
        let dynamic = load_dynamic(&store).map_err(|e| e.to_string())?;
        clean_orphans(&store, &dynamic).map_err(|e| e.to_string())?;
        // A stored config that no longer validates (e.g. after a static config change) is
        // still served, as mox keeps serving; writes will report the problem.
        let index = match crate::dynconf::validate(&dynamic, &static_config.config) {
            Ok(i) => i,
            Err(e) => {
                tracing::warn!(target: "server::config", error = %e, "stored configuration does not validate");
                BTreeMap::new()
            }
        };
        let sessions = Sessions::load(&store).map_err(|e| e.to_string())?;
        let log_levels = LogLevels::new(
            &static_config.config.log_level,
            &static_config.config.package_log_levels,
        );
        Ok(App {
            store,
            data_dir: data_dir.to_path_buf(),
            admin_path: "/admin/".to_string(),
            config: RwLock::new(Arc::new(Config { dynamic, index })),
            config_write: tokio::sync::Mutex::new(()),
            sessions,
            limiter: Limiter::default(),
            hashes: Default::default(),
            log_levels,
            static_config,
            imports: tokio::sync::Mutex::new(()),
        })
    }

    /// The current configuration snapshot.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Applies a configuration change: under the writer lock, computes the change from the
    /// current state, stores it (one compare-and-swap of the config value), swaps it in, then (after releasing the
    /// lock, so writers share flushes) waits until it is durable. A refused change is
    /// `user:error`: it is always caused by the request's input.
    pub async fn change_config(
        &self,
        f: impl FnOnce(&Config) -> Result<Change, ChangeError>,
    ) -> Result<(), Error> {
        {
            let _guard = self.config_write.lock().await;
            let cur = self.config();
            let change = f(&cur).map_err(|e| Error::user(e.0))?;
            let write = ConfigWrite {
                dkim_add: change.dkim_add.clone(),
                dkim_archive: change.dkim_archive.clone(),
                passwords_remove: change.passwords_remove.clone(),
            };
            let new = crate::store::encode(&change.dynamic)
                .map_err(|e| server_err("storing config", e))?;
            let old = self
                .store
                .config_raw()
                .map_err(|e| server_err("storing config", e))?;
            self.store
                .write_config(old.as_deref(), new, &write)
                .map_err(|e| server_err("storing config", e))?;
            *self.config.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Config {
                dynamic: change.dynamic,
                index: change.index,
            });
        }
        self.flush().await
    }

    /// Waits until all writes so far are durable.
    pub async fn flush(&self) -> Result<(), Error> {
        self.store
            .flush()
            .await
            .map_err(|e| server_err("flushing store", e))
    }
}
