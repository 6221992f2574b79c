//! Arbitrary bytes through the whole generator: parse → check → TypeScript (module and
//! namespace forms) → model → Rust → stubs. Every stage may reject the input; none may
//! panic, overflow the stack or hang, and whatever Rust is generated must be valid (the
//! Rust emitter's output is parsed by syn while formatting, so a `Format` error is a
//! generator bug and fails the run, as do stubs that do not parse).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sherpa_codegen::{
    RustOptions, StubOptions, TsOptions, check, check_rust_names, generate_rust,
    generate_typescript, parse, stubs,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = parse(text) else {
        return;
    };
    let Ok(api) = check(&doc) else {
        return;
    };
    // Rejections (names TypeScript cannot use) are fine; panics are not.
    let _ = generate_typescript(&api, &TsOptions::default());
    let namespaced = TsOptions {
        namespace: Some("api".to_string()),
        ..TsOptions::default()
    };
    let _ = generate_typescript(&api, &namespaced);

    if check_rust_names(&api).is_err() {
        return;
    }
    if let Err(e) = generate_rust(&api, "fuzz.json", &RustOptions::default()) {
        panic!("generating Rust failed for a valid model: {e}");
    }
    let stub_text = stubs(&api, &StubOptions::default()).expect("names were checked");
    if let Err(e) = syn::parse_file(&stub_text) {
        panic!("stubs do not parse: {e}\n{stub_text}");
    }
});
