//! `sherpa-codegen`: the command-line front end of the generator library.
//!
//! ```text
//! sherpa-codegen generate SCHEMA [--rust FILE] [--rust-client FILE] [--runtime-path PATH] [--ts FILE [--namespace NAME]] [--check]
//! sherpa-codegen stubs SCHEMA [--runtime-path PATH] [--module PATH] [--struct-name NAME]
//! sherpa-codegen check SCHEMA
//! sherpa-codegen diff OLD NEW [--json] [--all] [--check-only clients|servers]
//! sherpa-codegen docs SCHEMA --html FILE [--base-url URL] [--check]
//! ```
//!
//! Exit codes: 0 success; 1 `generate --check` or `docs --check` found stale files, or `diff` found a
//! breaking change; 2 usage errors, invalid schemas (with the checker's message) and I/O
//! errors. All generation goes through the
//! library, so the CLI, build scripts and tests produce identical output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use sherpa_codegen::diff::Scope;
use sherpa_codegen::ir::Api;
use sherpa_codegen::{
    HtmlOptions, RustOptions, StubOptions, TsOptions, check_rust_names, generate_html,
    generate_rust, generate_typescript, read, stubs, write_if_changed,
};

/// Generating allocates many small token trees and syntax nodes; mimalloc serves them
/// faster than the system allocator (numbers in benches/generate.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns off transparent huge pages for this process. mimalloc asks the kernel for huge
/// pages for its arenas, and the kernel then zeroes a whole 2 MiB page at the first
/// touch of each: a run that needs a few MiB became resident at 34 MB for api.json, and
/// zeroing was an eighth of its time. A short-lived process gains nothing from them.
/// Failure (an old kernel) changes nothing but the memory use.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches no memory of
    // this process; it only sets a flag the kernel checks when it maps pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

/// Generates Rust (and TypeScript) bindings from a sherpadoc API description.
#[derive(Parser)]
#[command(name = "sherpa-codegen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the generated bindings (only files whose content changes), or with --check
    /// verifies that they are up to date.
    Generate(GenerateArgs),
    /// Prints a ready-to-fill `impl Api` with one not-implemented method per function.
    Stubs(StubsArgs),
    /// Only checks the schema, as the Go sherpadoc checker would (plus what Rust needs).
    Check(CheckArgs),
    /// Lists what changed between two versions of a schema and whom each change breaks:
    /// old clients calling new servers, or new clients calling old servers. Exits 1 when
    /// a change breaks either (or the one --check-only names).
    Diff(DiffArgs),
    /// Writes the API reference: one self-contained HTML page with every function,
    /// struct and enum, linked and searchable.
    Docs(DocsArgs),
}

#[derive(Args)]
struct DocsArgs {
    /// The sherpadoc JSON file.
    schema: PathBuf,
    /// Where to write the page (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    html: PathBuf,
    /// The URL (or path) the API is served at, e.g. `/admin/api/`: each function then
    /// shows the request that calls it.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Write nothing; print `stale: FILE` and exit 1 if the page differs from what would
    /// be generated.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct DiffArgs {
    /// The schema as deployed now.
    old: PathBuf,
    /// The schema after the edit.
    new: PathBuf,
    /// Print JSON for tools instead of text.
    #[arg(long)]
    json: bool,
    /// Also list documentation-only changes (docs text, sections).
    #[arg(long)]
    all: bool,
    /// Count only what breaks old clients calling new servers (`clients`) or new clients
    /// calling old servers (`servers`).
    #[arg(long, value_name = "WHO")]
    check_only: Option<CheckOnly>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckOnly {
    Clients,
    Servers,
}

#[derive(Args)]
struct GenerateArgs {
    /// The sherpadoc JSON file.
    schema: PathBuf,
    /// Where to write the Rust server bindings: the types, `SCHEMA`, the `Api` trait and
    /// its `Dispatcher`.
    #[arg(long, value_name = "FILE")]
    rust: Option<PathBuf>,
    /// Where to write the Rust client bindings: the types, `SCHEMA` and `mod client`
    /// (needs the runtime's `client` feature). Naming the same file as --rust writes
    /// one file with both sides sharing the types.
    #[arg(long, value_name = "FILE")]
    rust_client: Option<PathBuf>,
    /// The path through which generated Rust reaches the runtime crate.
    #[arg(long, value_name = "PATH", default_value = "::sherpa_runtime")]
    runtime_path: String,
    /// A function whose `Api` method returns its result already encoded, as the
    /// runtime's `Wire<T>` (repeat for more). Only the server side changes.
    #[arg(long = "wire-result", value_name = "FUNCTION")]
    wire_results: Vec<String>,
    /// Where to write the TypeScript client (FILE.ts); its JavaScript and declarations go
    /// next to it (FILE.js, FILE.d.ts). Uses mox's sherpats flags.
    #[arg(long, value_name = "FILE")]
    ts: Option<PathBuf>,
    /// Emit the TypeScript client as a script in `namespace NAME` instead of an ES module.
    #[arg(long, value_name = "NAME", requires = "ts")]
    namespace: Option<String>,
    /// The API's path element, or (containing a `/`) the literal default base URL, for the
    /// TypeScript client's defaultBaseURL.
    #[arg(
        long,
        value_name = "NAME_OR_URL",
        default_value = "api",
        requires = "ts"
    )]
    ts_api: String,
    /// Write nothing; print `stale: FILE` for every output that differs from what would
    /// be generated (a missing file is stale) and exit 1 if there is any.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct StubsArgs {
    /// The sherpadoc JSON file.
    schema: PathBuf,
    /// The runtime path the bindings were generated with.
    #[arg(long, value_name = "PATH", default_value = "::sherpa_runtime")]
    runtime_path: String,
    /// The module holding the generated bindings, as seen from the stubs' file (an
    /// absolute `crate::` path works from any module).
    #[arg(long, value_name = "PATH", default_value = "crate::api")]
    module: String,
    /// The name of the implementing struct.
    #[arg(long, value_name = "NAME", default_value = "MyApi")]
    struct_name: String,
    /// A function generated with `--wire-result`, whose stub returns `Wire<T>` (repeat
    /// for more).
    #[arg(long = "wire-result", value_name = "FUNCTION")]
    wire_results: Vec<String>,
}

#[derive(Args)]
struct CheckArgs {
    /// The sherpadoc JSON file.
    schema: PathBuf,
}

/// A failure reported on stderr with exit code 2.
struct Failure(String);

/// One file that `generate` produces.
struct Output {
    path: PathBuf,
    contents: String,
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate(&args),
        Command::Stubs(args) => print_stubs(&args),
        Command::Check(args) => read_for_rust(&args.schema).map(|_| ExitCode::SUCCESS),
        Command::Diff(args) => print_diff(&args),
        Command::Docs(args) => write_docs(&args),
    };
    result.unwrap_or_else(|Failure(message)| {
        eprintln!("sherpa-codegen: {message}");
        ExitCode::from(2)
    })
}

/// Reads, parses and checks a schema file: the model every output is made from.
fn read_schema(schema: &Path) -> Result<Api, Failure> {
    let text = std::fs::read_to_string(schema)
        .map_err(|e| Failure(format!("reading {}: {e}", schema.display())))?;
    read(&text).map_err(|e| Failure(format!("{}: {e}", schema.display())))
}

/// Reads a schema and checks that its names can be written in Rust.
fn read_for_rust(schema: &Path) -> Result<Api, Failure> {
    let api = read_schema(schema)?;
    check_rust_names(&api).map_err(|e| Failure(format!("{}: {e}", schema.display())))?;
    Ok(api)
}

/// The name the `@generated` header cites: the schema's file name, so the output does
/// not depend on the directory the generator runs in.
fn source_name(schema: &Path) -> String {
    schema
        .file_name()
        .unwrap_or(schema.as_os_str())
        .to_string_lossy()
        .into_owned()
}

fn generate(args: &GenerateArgs) -> Result<ExitCode, Failure> {
    if args.rust.is_none() && args.rust_client.is_none() && args.ts.is_none() {
        return Err(Failure(
            "nothing to generate: give an output such as --rust FILE, --rust-client FILE or --ts FILE"
                .to_string(),
        ));
    }
    let source = source_name(&args.schema);

    // Every requested output, computed before anything is written so that a failure
    // leaves all files as they were.
    let mut outputs = Vec::new();
    let api = read_schema(&args.schema)?;
    for (path, server, client) in rust_outputs(args) {
        let opts = RustOptions {
            runtime_path: args.runtime_path.clone(),
            server,
            client,
            client_feature: None,
            wire_results: if server {
                args.wire_results.clone()
            } else {
                Vec::new()
            },
        };
        let contents = generate_rust(&api, &source, &opts)
            .map_err(|e| Failure(format!("{}: {e}", args.schema.display())))?;
        outputs.push(Output { path, contents });
    }

    if let Some(path) = &args.ts {
        outputs.extend(ts_outputs(&args.schema, &api, path, args)?);
    }

    if args.check {
        let mut stale = false;
        for output in &outputs {
            if !is_up_to_date(output)? {
                println!("stale: {}", output.path.display());
                stale = true;
            }
        }
        return Ok(if stale {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    for output in &outputs {
        write_output(output)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The Rust files to write, each with whether it holds the server and the client side:
/// one file with both when --rust and --rust-client name the same path.
fn rust_outputs(args: &GenerateArgs) -> Vec<(PathBuf, bool, bool)> {
    match (&args.rust, &args.rust_client) {
        (Some(server), Some(client)) if server == client => vec![(server.clone(), true, true)],
        (server, client) => server
            .iter()
            .map(|p| (p.clone(), true, false))
            .chain(client.iter().map(|p| (p.clone(), false, true)))
            .collect(),
    }
}

/// Writes one output, creating its directory when it does not exist yet.
fn write_output(output: &Output) -> Result<(), Failure> {
    let failed = |e: std::io::Error| Failure(format!("writing {}: {e}", output.path.display()));
    if let Some(dir) = output.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    write_if_changed(&output.path, &output.contents).map_err(failed)?;
    Ok(())
}

/// Whether the file at `output.path` holds exactly `output.contents`; a missing file is
/// not up to date, any other read error is a failure.
fn is_up_to_date(output: &Output) -> Result<bool, Failure> {
    match std::fs::read(&output.path) {
        Ok(existing) => Ok(existing == output.contents.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Failure(format!("reading {}: {e}", output.path.display()))),
    }
}

/// The TypeScript client for `--ts FILE`: FILE and its `.js` and `.d.ts` siblings.
fn ts_outputs(
    schema: &Path,
    api: &Api,
    path: &Path,
    args: &GenerateArgs,
) -> Result<Vec<Output>, Failure> {
    let opts = TsOptions {
        api: args.ts_api.clone(),
        namespace: args.namespace.clone(),
        source_name: source_name(schema),
        ..Default::default()
    };
    let out = generate_typescript(api, &opts)
        .map_err(|e| Failure(format!("{}: {e}", schema.display())))?;
    let stem = path.to_string_lossy();
    let stem = stem.strip_suffix(".ts").unwrap_or(&stem);
    Ok(vec![
        Output {
            path: path.to_path_buf(),
            contents: out.ts,
        },
        Output {
            path: PathBuf::from(format!("{stem}.js")),
            contents: out.js,
        },
        Output {
            path: PathBuf::from(format!("{stem}.d.ts")),
            contents: out.dts,
        },
    ])
}

fn print_diff(args: &DiffArgs) -> Result<ExitCode, Failure> {
    let old = read_schema(&args.old)?;
    let new = read_schema(&args.new)?;
    let opts = sherpa_codegen::diff::TextOptions {
        scope: match args.check_only {
            None => Scope::Both,
            Some(CheckOnly::Clients) => Scope::Clients,
            Some(CheckOnly::Servers) => Scope::Servers,
        },
        all: args.all,
    };
    let diff = sherpa_codegen::diff(&old, &new);
    if args.json {
        print!("{}", diff.to_json(&opts));
    } else {
        print!("{}", diff.to_text(&opts));
    }
    Ok(if diff.is_breaking(opts.scope) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn write_docs(args: &DocsArgs) -> Result<ExitCode, Failure> {
    let api = read_schema(&args.schema)?;
    let opts = HtmlOptions {
        base_url: args.base_url.clone(),
    };
    let output = Output {
        path: args.html.clone(),
        contents: generate_html(&api, &opts),
    };
    if args.html.as_os_str() == "-" {
        if args.check {
            return Err(Failure("--check needs a file, not `-`".to_string()));
        }
        print!("{}", output.contents);
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        if is_up_to_date(&output)? {
            return Ok(ExitCode::SUCCESS);
        }
        println!("stale: {}", output.path.display());
        return Ok(ExitCode::FAILURE);
    }
    write_output(&output)?;
    Ok(ExitCode::SUCCESS)
}

fn print_stubs(args: &StubsArgs) -> Result<ExitCode, Failure> {
    let api = read_for_rust(&args.schema)?;
    if !is_rust_path(&args.runtime_path) {
        return Err(Failure(format!(
            "--runtime-path {:?} is not a Rust path",
            args.runtime_path
        )));
    }
    if !is_rust_path(&args.module) {
        return Err(Failure(format!(
            "--module {:?} is not a Rust path",
            args.module
        )));
    }
    if !is_rust_identifier(&args.struct_name) {
        return Err(Failure(format!(
            "--struct-name {:?} is not a Rust identifier",
            args.struct_name
        )));
    }
    let options = StubOptions {
        module: args.module.clone(),
        runtime_path: args.runtime_path.clone(),
        struct_name: args.struct_name.clone(),
        wire_results: args.wire_results.clone(),
    };
    let text =
        stubs(&api, &options).map_err(|e| Failure(format!("{}: {e}", args.schema.display())))?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn is_rust_path(s: &str) -> bool {
    syn::parse_str::<syn::Path>(s).is_ok()
}

fn is_rust_identifier(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}
