//! Generates `hello.json`'s server and client bindings into `OUT_DIR/hello.rs`.

fn main() -> Result<(), sherpa_codegen::BuildError> {
    let opts = sherpa_codegen::RustOptions {
        client: true,
        ..Default::default()
    };
    sherpa_codegen::build_rust("hello.json", &opts).map(drop)
}
