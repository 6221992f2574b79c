//! Arbitrary bytes through the whole generator: parse → check → model → Rust → stubs.
//! Every stage may reject the input; none may panic, overflow the stack or hang, and
//! whatever is generated must be valid Rust (the Rust emitter's output is parsed by syn
//! while formatting, so a `Format` error is a generator bug and fails the run).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sherpa_codegen::stubs::{StubOptions, stubs};
use sherpa_codegen::{Error, RustOptions, generate_rust_from_model, load};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let model = match load(text) {
        Ok(model) => model,
        Err(Error::Parse(_) | Error::Check(_) | Error::Model(_)) => return,
        Err(e) => panic!("load failed unexpectedly: {e}"),
    };
    if let Err(e) = generate_rust_from_model(&model, "fuzz.json", &RustOptions::default()) {
        panic!("generating Rust failed for a valid model: {e}");
    }
    let stub_text = stubs(&model, &StubOptions::default());
    if let Err(e) = syn::parse_file(&stub_text) {
        panic!("stubs do not parse: {e}\n{stub_text}");
    }
});
