//! Arbitrary bytes through the whole generator: parse → check → TypeScript (module and
//! namespace forms) → model → Rust → stubs. Every stage may reject the input; none may
//! panic, overflow the stack or hang, and whatever Rust is generated must be valid (the
//! Rust emitter's output is parsed by syn while formatting, so a `Format` error is a
//! generator bug and fails the run, as do stubs that do not parse).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sherpa_codegen::emit_ts::{self, TsOptions};
use sherpa_codegen::model::Model;
use sherpa_codegen::stubs::{StubOptions, stubs};
use sherpa_codegen::{RustOptions, check, generate_rust_from_model, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = parse::parse(text) else {
        return;
    };
    if check::check(&doc).is_err() {
        return;
    }
    // Rejections (names TypeScript cannot use) are fine; panics are not.
    let _ = emit_ts::generate(&doc, &TsOptions::default());
    let namespaced = TsOptions {
        namespace: Some("api".to_string()),
        ..TsOptions::default()
    };
    let _ = emit_ts::generate(&doc, &namespaced);

    let Ok(model) = Model::build(&doc) else {
        return;
    };
    if let Err(e) = generate_rust_from_model(&model, "fuzz.json", &RustOptions::default()) {
        panic!("generating Rust failed for a valid model: {e}");
    }
    let stub_text = stubs(&model, &StubOptions::default());
    if let Err(e) = syn::parse_file(&stub_text) {
        panic!("stubs do not parse: {e}\n{stub_text}");
    }
});
