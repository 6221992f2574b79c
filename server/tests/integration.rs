//! The server's integration tests: HTTP API, CLI, durability, DNS checks against a
//! loopback DNS server, and the admin page in Chromium.
//!
//! One test binary rather than one per file: each binary links the whole server and its
//! dependencies, and a dozen of them cost minutes of linking and gigabytes of disk.
//! `logging.rs` stays its own binary because it installs the process-wide subscriber.

mod common;
mod dns_support;

mod auth;
mod damage;
mod dns_checkdomain;
mod dns_lookups;
mod dns_parsers;
mod domains;
mod durability;
mod limits;
mod queue_misc;
mod reports;
mod rust_client;
mod secrets;
mod ui;
