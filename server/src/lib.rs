//! A mox-compatible admin server over sled: the generated admin API implemented for real,
//! with mox's authentication, persistent sessions, durable writes and data import.
//!
//! Modules: [`config`] (static TOML settings), [`store`] (sled: trees, keys, encoding),
//! [`dynconf`] (domains/accounts config and its validation), [`reports`] (report indexes),
//! [`auth`] (passwords, sessions, rate limiter, cookies), [`dkim`] (key generation),
//! [`dns`] (domain/address parsing), [`webserver`] (web handler config), [`logging`],
//! [`app`] (shared state), [`api`] (the `Api` implementation), [`checks`] (the DNS
//! checks), [`http`] (actix routing and auth, then the runtime's actix layer for calls),
//! [`compress`] (gzip for answers and assets), [`webui`] (the admin page), [`cli`]
//! (subcommands), [`import`] (parsers for imported files).

pub mod api;
pub mod app;
pub mod auth;
pub mod background;
pub mod backups;
pub mod checks;
pub mod cli;
pub mod compress;
pub mod config;
pub mod dkim;
pub mod dns;
pub mod dynconf;
pub mod http;
pub mod import;
pub mod import_http;
pub mod inflight;
pub mod intake;
pub mod logging;
pub mod memory;
pub mod private;
pub mod remote;
pub mod reports;
pub mod spool;
pub mod store;
pub mod webserver;
pub mod webui;
