//! The `server` binary: see `server --help` and the `cli` module.

fn main() {
    std::process::exit(server::cli::main());
}
