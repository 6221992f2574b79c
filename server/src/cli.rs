//! The command line: `serve` (the default), `set-admin-password`, the import commands,
//! `queue add`, and `export` / `import-store`.
//!
//! sled locks its directory, so the commands that open the store cannot run while a server
//! uses the same data directory; they say so instead of racing it. The report imports are
//! the exception: they send the files to the running server (see [`crate::remote`]).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::api::auth::ADMIN_PASSWORD_KEY;
use crate::app::App;
use crate::config::LoadedConfig;
use crate::import::Wanted;
use crate::store::{Store, StoreError};

/// A mox-compatible admin server over sled.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    /// Data directory (the sled store and the generated admin password file).
    #[arg(long, global = true, default_value = "./data", value_name = "DIR")]
    pub data: PathBuf,
    /// Static configuration file (TOML); built-in defaults when absent.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The server's host name, overriding the settings file's `Hostname` (the default,
    /// `localhost`, makes the DNS advice unusable): e.g. `--hostname mail.example.org`.
    #[arg(long, global = true, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Open a store that lost acknowledged writes (a damaged file) as it is, instead of
    /// refusing it; the store records that this happened.
    #[arg(long, global = true)]
    pub accept_loss: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the admin HTTP server (the default command).
    Serve {
        /// Listen address, overriding the config file's `Listen`.
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Set the admin password: read from standard input when it is not a terminal (one
    /// line), otherwise prompted for twice.
    SetAdminPassword,
    /// Import data that a mail server would produce.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Operate on the outgoing queue.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Write the whole store to FILE (JSON lines), for backup or migration.
    Export {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Load a file written by `export` into an empty data directory.
    ImportStore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write or check a settings file (the `--config` file).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check the store's indexes and counters against its records and rebuild what
    /// disagrees. The server does this by itself after an unclean shutdown; a clean one
    /// lets the next start skip it.
    Repair,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a complete settings file, every key with its default and a comment, to FILE
    /// (refusing to replace an existing one) or to standard output.
    Init {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Check a settings file: exit status 0 and `FILE: ok`, or 1 and what is wrong.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// DMARC aggregate reports (RFC 7489): XML files (plain, .gz or .zip), report emails
    /// (.eml), mbox files and Maildir directories. A report already stored is not stored
    /// again. All or nothing unless --keep-going.
    Dmarc(ReportArgs),
    /// TLS reports (RFC 8460): JSON files (plain or .gz), report emails, mbox files and
    /// Maildir directories. As `import dmarc`.
    Tlsrpt(ReportArgs),
    /// DMARC and TLS reports, whichever each file or message holds. As `import dmarc`.
    Reports(ReportArgs),
    /// DMARC evaluations: a JSON array of the API's `Evaluation` (IDs are reassigned).
    Evaluations {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// TLS results: a JSON array of the API's `TLSResult` (IDs are reassigned).
    Tlsresults {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// MTA-STS policies: a JSON array of the API's `PolicyRecord` (replaces by domain).
    Mtasts {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Report files, messages, mbox files or Maildir directories.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Store what parsed even when some inputs failed (they are still listed, and the
    /// exit status is 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Print the summary only, not one line per file or message.
    #[arg(long, short)]
    pub quiet: bool,
    /// Send the files to the server at this admin URL (`http://HOST:PORT/admin/`)
    /// instead of opening the store. Without it, the files go to the server running on
    /// the data directory when there is one (its URL is in `DATA/server-url`).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The admin password for --server, in the first line of FILE (default: the
    /// generated `DATA/admin-password`, else asked for on a terminal).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Queue an RFC 5322 message for delivery.
    Add {
        /// SMTP MAIL FROM address (empty or `<>` for the null sender).
        #[arg(long, value_name = "ADDR")]
        from: String,
        /// SMTP RCPT TO address.
        #[arg(long, value_name = "ADDR")]
        to: String,
        /// Local account that sends the message (for DSNs and routes).
        #[arg(long, default_value = "", value_name = "NAME")]
        account: String,
        /// Queue this many copies (for load tests).
        #[arg(long, default_value_t = 1, value_name = "N")]
        copies: u32,
        #[arg(value_name = "FILE.eml")]
        file: PathBuf,
    },
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    // Everything the server writes (the store, exports, the password file) is for its
    // user only.
    crate::private::restrict_umask();
    crate::memory::return_large_blocks();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("server: {e}");
            1
        }
    }
}

fn load_config(cli: &Cli) -> Result<LoadedConfig, String> {
    let mut loaded = LoadedConfig::load(cli.config.as_deref())?;
    if let Some(name) = &cli.hostname {
        loaded.set_hostname(name)?;
    }
    Ok(loaded)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting runtime: {e}"))?;
    Ok(rt.block_on(f))
}

fn open_store(cli: &Cli) -> Result<Store, String> {
    let store = Store::open_with(&cli.data, store_options(cli)).map_err(|e| e.to_string())?;
    crate::reports::repair_indexes_logged(&store).map_err(|e| e.to_string())?;
    Ok(store)
}

fn store_options(cli: &Cli) -> crate::store::OpenOptions {
    crate::store::OpenOptions {
        accept_loss: cli.accept_loss,
    }
}

/// The end of a command that wrote to the store: everything flushed, and the store
/// marked as closed cleanly, so that the next open skips the repairs.
fn flush(store: &Store) -> Result<(), String> {
    block_on(store.close_clean())?.map_err(|e| e.to_string())
}

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> Result<(), String> {
    match &cli.command {
        None => serve(&cli, None),
        Some(Command::Serve { listen }) => serve(&cli, listen.clone()),
        Some(Command::SetAdminPassword) => set_admin_password(&cli),
        Some(Command::Import(ic)) => import(&cli, ic),
        Some(Command::Queue(QueueCommand::Add {
            from,
            to,
            account,
            copies,
            file,
        })) => {
            let bytes = read(file)?;
            let name = file.display().to_string();
            let qm =
                crate::import::queue_message(from, to, &name, &bytes).map_err(|e| e.to_string())?;
            let store = open_store(&cli)?;
            // The sender account gets the DSNs and its routes apply: it must exist.
            if !account.is_empty() {
                let dynamic = crate::app::load_dynamic(&store).map_err(|e| e.to_string())?;
                if !dynamic.accounts.contains_key(account.as_str()) {
                    return Err(format!(
                        "queue add: no account {account:?} (add it with DomainAdd or AccountAdd first)"
                    ));
                }
            }
            let mut ids = Vec::new();
            for _ in 0..*copies {
                let msg = qm.to_msg(0, sherpa_admin::runtime::Timestamp::now(), account);
                ids.push(store.queue_add(msg, &qm.data).map_err(|e| e.to_string())?);
            }
            flush(&store)?;
            match ids.as_slice() {
                [id] => println!("queued message {id}"),
                _ => println!("queued {} messages{}", ids.len(), id_range(&ids)),
            }
            Ok(())
        }
        Some(Command::Export { file }) => {
            let store = open_store(&cli)?;
            // The export holds what the store holds: the admin password hash, DKIM keys.
            let f = crate::private::create_file(file)
                .map_err(|e| format!("creating {}: {e}", file.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let n = store.export(&mut w)?;
            w.flush().map_err(|e| e.to_string())?;
            w.get_ref().sync_all().map_err(|e| e.to_string())?;
            println!("exported {n} records to {}", file.display());
            Ok(())
        }
        Some(Command::ImportStore { file }) => {
            let f = std::fs::File::open(file)
                .map_err(|e| format!("opening {}: {e}", file.display()))?;
            let store = open_store(&cli)?;
            let n = store.import(std::io::BufReader::new(f))?;
            flush(&store)?;
            println!("imported {n} records into {}", cli.data.display());
            Ok(())
        }
        Some(Command::Config(ConfigCommand::Init { file })) => {
            let text = crate::config::commented_defaults()?;
            match file {
                None => print!("{text}"),
                Some(path) => {
                    use std::io::Write as _;
                    let mut f = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(path)
                        .map_err(|e| format!("creating {}: {e}", path.display()))?;
                    f.write_all(text.as_bytes())
                        .map_err(|e| format!("writing {}: {e}", path.display()))?;
                    println!("wrote {}", path.display());
                }
            }
            Ok(())
        }
        Some(Command::Repair) => {
            let store =
                Store::open_with(&cli.data, store_options(&cli)).map_err(|e| e.to_string())?;
            let mut done = store.repair().map_err(|e| e.to_string())?;
            let check = crate::reports::TotalsCheck::Compare;
            done.extend(crate::reports::repair_indexes(&store, check).map_err(|e| e.to_string())?);
            flush(&store)?;
            if done.is_empty() {
                println!("nothing to repair");
            }
            for d in done {
                println!("{d}");
            }
            Ok(())
        }
        Some(Command::Config(ConfigCommand::Check { file })) => {
            LoadedConfig::load(Some(file))?;
            println!("{}: ok", file.display());
            Ok(())
        }
    }
}

fn import(cli: &Cli, ic: &ImportCommand) -> Result<(), String> {
    let started = std::time::Instant::now();
    match ic {
        ImportCommand::Dmarc(args) => import_reports(cli, args, Wanted::Dmarc, started)?,
        ImportCommand::Tlsrpt(args) => import_reports(cli, args, Wanted::Tls, started)?,
        ImportCommand::Reports(args) => import_reports(cli, args, Wanted::Any, started)?,
        ImportCommand::Evaluations { file } => {
            let evals = crate::import::evaluations(&file.display().to_string(), &read(file)?)
                .map_err(|e| e.to_string())?;
            let store = open_store(cli)?;
            let ids = crate::reports::evaluations_add(&store, evals).map_err(|e| e.to_string())?;
            flush(&store)?;
            println!("imported {} evaluations{}", ids.len(), id_range(&ids));
        }
        ImportCommand::Tlsresults { file } => {
            let results = crate::import::tls_results(&file.display().to_string(), &read(file)?)
                .map_err(|e| e.to_string())?;
            let store = open_store(cli)?;
            let ids = crate::reports::tls_results_add(&store, results)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            flush(&store)?;
            println!("imported {} TLS results{}", ids.len(), id_range(&ids));
        }
        ImportCommand::Mtasts { file } => {
            let policies =
                crate::import::mtasts_policies(&file.display().to_string(), &read(file)?)
                    .map_err(|e| e.to_string())?;
            let store = open_store(cli)?;
            let n = crate::reports::mtasts_put(&store, policies)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            flush(&store)?;
            println!("imported {n} MTA-STS policies");
        }
    }
    Ok(())
}

/// `import dmarc|tlsrpt|reports`: one line per file or message, then the summary; exit
/// status 1 when an input failed.
fn import_reports(
    cli: &Cli,
    args: &ReportArgs,
    wanted: Wanted,
    started: std::time::Instant,
) -> Result<(), String> {
    let config = load_config(cli)?;
    let host = config.config.hostname_domain().to_api();
    let inputs = crate::intake::read_inputs(&args.paths)?;
    let units = crate::intake::units_of(&inputs, wanted);
    let opened = match &args.server {
        Some(url) => Err(StoreError::Locked(format!("sending to {url}"))),
        None => Store::open_with(&cli.data, store_options(cli)),
    };
    let result = match opened {
        Ok(store) => {
            crate::reports::repair_indexes_logged(&store).map_err(|e| e.to_string())?;
            let result = crate::intake::store_units(&store, &host, units, args.keep_going)
                .map_err(|e| e.to_string())?;
            if result.stored {
                flush(&store)?;
            }
            result
        }
        Err(StoreError::Locked(why)) => {
            // All or nothing still: check every input here before sending any.
            let failed: Vec<_> = units
                .iter()
                .filter_map(|u| match &u.outcome {
                    crate::import::Outcome::Failed(e) => Some(e.to_string()),
                    _ => None,
                })
                .collect();
            if !failed.is_empty() && !args.keep_going {
                for f in &failed {
                    println!("{f}");
                }
                return Err(format!(
                    "nothing imported: {} of {} inputs failed (fix or remove them, or use --keep-going to import the others)",
                    failed.len(),
                    units.len()
                ));
            }
            drop(units);
            block_on(send_to_server(cli, args, inputs, wanted, &why))??
        }
        Err(e) => return Err(e.to_string()),
    };
    for u in &result.units {
        if !args.quiet || u.status == "failed" {
            println!("{}", u.text);
        }
    }
    if result.failed > 0 {
        return Err(result.summary);
    }
    println!("{} in {:.2?}", result.summary, started.elapsed());
    Ok(())
}

/// Sends the inputs to the running server, file by file (a Maildir's messages each on
/// their own), and combines the answers.
async fn send_to_server(
    cli: &Cli,
    args: &ReportArgs,
    inputs: Vec<crate::intake::Input>,
    wanted: Wanted,
    why: &str,
) -> Result<crate::intake::ImportResult, String> {
    let url = match &args.server {
        Some(u) => u.clone(),
        None => {
            let file = crate::remote::url_file(&cli.data);
            match std::fs::read_to_string(&file) {
                Ok(u) if !u.trim().is_empty() => u.trim().to_string(),
                _ => {
                    return Err(format!(
                        "{why}, and no running server's URL is known ({} is missing): give --server URL",
                        file.display()
                    ));
                }
            }
        }
    };
    let password = admin_password_for(cli, args, &url)?;
    let remote = crate::remote::Remote::login(&url, &password)
        .await
        .map_err(|e| format!("logging in to {url}: {e}"))?;
    println!("the store is in use by the server at {url}: sending the files to it");
    let kind = match wanted {
        Wanted::Dmarc => "dmarc",
        Wanted::Tls => "tlsrpt",
        Wanted::Any => "reports",
    };
    let mut parts = Vec::with_capacity(inputs.len());
    for input in inputs {
        let sent = remote
            .import(&input.name, input.bytes, kind, args.keep_going)
            .await;
        match sent {
            Ok(r) => parts.push(r),
            Err(e) => {
                remote.logout().await;
                return Err(e);
            }
        }
    }
    remote.logout().await;
    Ok(crate::intake::combine(parts))
}

/// The admin password for logging in to a running server: --password-file, the
/// generated password file, or a prompt.
fn admin_password_for(cli: &Cli, args: &ReportArgs, url: &str) -> Result<String, String> {
    let first_line = |p: &Path| -> Result<String, String> {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()))?;
        Ok(text.lines().next().unwrap_or("").to_string())
    };
    if let Some(p) = &args.password_file {
        return first_line(p);
    }
    let generated = password_file(&cli.data);
    if generated.exists() {
        return first_line(&generated);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("admin password for {url}: "))
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "the admin password for {url} is needed: give --password-file FILE"
    ))
}

fn id_range(ids: &[i64]) -> String {
    match (ids.first(), ids.last()) {
        (Some(a), Some(b)) => format!(" (IDs {a}..={b})"),
        _ => String::new(),
    }
}

fn set_admin_password(cli: &Cli) -> Result<(), String> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        let a = rpassword::prompt_password("new admin password: ").map_err(|e| e.to_string())?;
        let b = rpassword::prompt_password("repeat: ").map_err(|e| e.to_string())?;
        if a != b {
            return Err("passwords do not match".to_string());
        }
        a
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading password from standard input: {e}"))?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if password.len() < 8 {
        return Err("password must be at least 8 characters".to_string());
    }
    let store = open_store(cli)?;
    let hash = crate::auth::hash_password(&password)?;
    store
        .meta
        .insert(ADMIN_PASSWORD_KEY, hash.as_bytes())
        .map_err(|e| e.to_string())?;
    flush(&store)?;
    // The generated password (if any) is no longer valid; do not leave it lying around.
    let _ = std::fs::remove_file(password_file(&cli.data));
    println!("admin password set");
    Ok(())
}

/// Where a generated admin password is written (mode 0600).
pub fn password_file(data: &Path) -> PathBuf {
    data.join("admin-password")
}

/// On first start: generates an admin password, stores its Argon2id hash, writes it to a
/// 0600 file and returns it (for printing once). Returns None when one is already set.
pub fn ensure_admin_password(store: &Store, data: &Path) -> Result<Option<String>, String> {
    if store
        .meta
        .get(ADMIN_PASSWORD_KEY)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(None);
    }
    let password = crate::auth::random_token(18);
    let hash = crate::auth::hash_password(&password)?;
    let path = password_file(data);
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        writeln!(f, "{password}").map_err(|e| format!("writing {}: {e}", path.display()))?;
        f.sync_all().map_err(|e| e.to_string())?;
    }
    store
        .meta
        .insert(ADMIN_PASSWORD_KEY, hash.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(Some(password))
}

fn serve(cli: &Cli, listen: Option<String>) -> Result<(), String> {
    let config = load_config(cli)?;
    crate::logging::init(&{
        let mut m = config.config.package_log_levels.clone();
        m.insert(String::new(), config.config.log_level.clone());
        m
    });
    let listen = listen.unwrap_or_else(|| config.config.listen.clone());
    let app = App::open_with(&cli.data, config, store_options(cli))?;
    if let Some(pw) = ensure_admin_password(&app.store, &cli.data)? {
        println!(
            "generated admin password: {pw}\n(stored Argon2id-hashed; the password is also in {}, mode 0600)",
            password_file(&cli.data).display()
        );
    }
    let app = Arc::new(app);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let backups = app.static_config.config.backups.clone();
    let backup_interval = backups.interval()?;
    actix_web::rt::System::new().block_on(async move {
        app.flush().await.map_err(|e| e.message.clone())?;
        if backups.keep > 0 {
            let app = app.clone();
            actix_web::rt::spawn(async move {
                let mut every = tokio::time::interval(backup_interval);
                // The first tick is immediate: the first backup is one interval after start.
                every.tick().await;
                loop {
                    every.tick().await;
                    backup(&app, backups.keep).await;
                }
            });
        }
        let (running, server) = crate::http::start(app.clone(), &listen, workers)
            .map_err(|e| format!("listening on {listen}: {e}"))?;
        tracing::info!(target: "server::http", addr = %running.addr, "admin server listening, API at /admin/api/");
        // For the CLI: `import` sends files here while this server holds the store.
        // Written before the address is announced, so whoever waits for that finds it.
        let url_file = crate::remote::url_file(&app.data_dir);
        if let Err(e) = std::fs::write(&url_file, crate::remote::admin_url(running.addr) + "\n") {
            tracing::warn!(target: "server::http", "writing {}: {e}", url_file.display());
        }
        println!("listening on http://{}/admin/", running.addr);
        // Reports dropped into DATA/incoming/ (when that directory exists).
        actix_web::rt::spawn(crate::spool::run(app.clone()));
        let handle = running.handle.clone();
        actix_web::rt::spawn(async move {
            wait_for_signal().await;
            tracing::info!(target: "server::http", "shutting down");
            handle.stop(true).await;
        });
        let served = server.await.map_err(|e| e.to_string());
        let _ = std::fs::remove_file(&url_file);
        served?;
        app.flush().await.map_err(|e| e.message.clone())?;
        if backups.keep > 0 {
            backup(&app, backups.keep).await;
        }
        // Last: the next start trusts the indexes and skips the repairs.
        app.store
            .close_clean()
            .await
            .map_err(|e| format!("closing the store: {e}"))?;
        tracing::info!(target: "server::http", "store flushed, exiting");
        Ok::<(), String>(())
    })
}

/// Writes a backup of the running server's store (off the request threads), logging
/// the outcome: a failed backup is reported, and the server goes on.
async fn backup(app: &Arc<App>, keep: usize) {
    let app = app.clone();
    let done =
        tokio::task::spawn_blocking(move || crate::backups::write(&app.store, &app.data_dir, keep))
            .await;
    match done {
        Ok(Ok(path)) => {
            tracing::info!(target: "server::store", path = %path.display(), "backup written")
        }
        Ok(Err(e)) => tracing::error!(target: "server::store", "backup failed: {e}"),
        Err(e) => tracing::error!(target: "server::store", "backup failed: {e}"),
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut i), Ok(mut t)) => {
            tokio::select! {
                _ = i.recv() => {}
                _ = t.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
