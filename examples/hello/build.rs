//! Generates `hello.json`'s server and client bindings into `OUT_DIR/hello.rs`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=hello.json");
    let api = sherpa_codegen::read(&std::fs::read_to_string("hello.json")?)?;
    let opts = sherpa_codegen::RustOptions {
        client: true,
        ..Default::default()
    };
    let code = sherpa_codegen::generate_rust(&api, "hello.json", &opts)?;
    sherpa_codegen::write_if_changed(format!("{}/hello.rs", std::env::var("OUT_DIR")?), &code)?;
    Ok(())
}
