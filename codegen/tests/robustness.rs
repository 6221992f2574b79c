//! No input may panic the generator. A cheap, deterministic stand-in for the fuzzer
//! (`codegen/fuzz`): structured random mutations of api.json and of a small schema go
//! through parse → check (the model) → TypeScript → Rust names → Rust → stubs; every stage may reject the input, but
//! none may panic, and whatever is generated must be valid Rust. Inputs the fuzzer found
//! are replayed from `tests/fuzz_regressions/`.

use std::path::Path;

use serde_json::{Value, json};
use sherpa_codegen::{
    RustOptions, StubOptions, TsOptions, check, check_rust_names, generate_rust,
    generate_typescript, parse, stubs,
};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Runs one document through the whole pipeline, as the fuzz target does. Returns which
/// stage rejected it.
fn pipeline(text: &str) -> &'static str {
    let doc = match parse(text) {
        Ok(doc) => doc,
        Err(_) => return "parse",
    };
    let Ok(api) = check(&doc) else {
        return "check";
    };
    // Rejections (names TypeScript cannot use) are fine; panics are not.
    let _ = generate_typescript(&api, &TsOptions::default());
    let namespaced = TsOptions {
        namespace: Some("api".to_string()),
        ..TsOptions::default()
    };
    let _ = generate_typescript(&api, &namespaced);

    if check_rust_names(&api).is_err() {
        return "rust_names";
    }
    // The output was parsed by syn while formatting; any error here is a generator bug.
    if let Err(e) = generate_rust(&api, "fuzz.json", &RustOptions::default()) {
        panic!("generation failed: {e}\n{text}");
    }
    let stub_text = stubs(&api, &StubOptions::default()).expect("names were checked");
    if let Err(e) = syn::parse_file(&stub_text) {
        panic!("stubs do not parse: {e}\n{stub_text}\nfrom\n{text}");
    }
    "generated"
}

/// Every value in the tree that is an object, as JSON pointers.
fn object_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            out.push(at.clone());
            for (k, v) in map {
                object_pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                object_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Every name in the document (types, values, functions, fields, params).
fn all_names(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Name") {
                out.push(name.clone());
            }
            map.values().for_each(|v| all_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| all_names(v, out)),
        _ => {}
    }
}

const ODD_NAMES: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "r#x",
    "_",
    "__",
    "9abc",
    "héllo",
    "a b",
    "Api",
    "Dispatcher",
    "SCHEMA",
    "FUNCTIONS",
    "Other",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "ctx",
    "call",
    "result",
    "A",
    "Q\"uote\\",
    "new\nline",
    "cr\rlf",
    "tab\t",
    "\u{0}",
    "\u{2028}",
    "\u{301}mark",
    "ID",
    "Id",
    "id",
    "iD",
    "HTTPServer",
    "HttpServer",
    "http_server",
    "_private",
    "ÄÖÜ",
    "日本",
    "😀",
    "async",
    "await",
    "dyn",
    "gen",
    "union",
    "macro_rules",
    "Default",
    "Serialize",
    "Deserialize",
    "serde",
    "core",
    "std",
    "alloc",
    "sherpa_runtime",
];

const ODD_DOCS: &[&str] = &[
    "",
    "\r",
    "a\rb\r\nc",
    "```",
    "```rust\nfn x() {}",
    "\tindented\n\tcode",
    "    four spaces",
    "*/ /* //",
    "[link] [broken](x) <html> &amp;",
    "#[doc = \"x\"]",
    "\\",
    "\u{0}\u{7}\u{1b}",
    "\u{2028}\u{2029}\u{feff}",
    "http://example.org/x_(y)",
    "\"quoted\" 'single'",
    "}}}{{{",
];

const WORDS: &[&str] = &[
    "any",
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "int64s",
    "uint64s",
    "float32",
    "float64",
    "string",
    "timestamp",
    "nullable",
    "nullable",
    "[]",
    "[]",
    "{}",
    "{}",
    "Missing",
    "",
    "String",
    "Nullable",
];

/// One random structural change to `doc`.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut pointers = Vec::new();
    object_pointers(doc, String::new(), &mut pointers);
    let mut names = Vec::new();
    all_names(doc, &mut names);
    let target = rng.pick(&pointers).clone();
    let Some(obj) = doc.pointer_mut(&target).and_then(Value::as_object_mut) else {
        return;
    };
    match rng.below(12) {
        // New typewords, from grammar words and names in the document.
        0 | 1 => {
            let len = rng.below(5);
            let mut words = Vec::new();
            for _ in 0..len {
                if rng.below(3) == 0 && !names.is_empty() {
                    words.push(Value::String(rng.pick(&names).clone()));
                } else {
                    words.push(Value::String(rng.pick(WORDS).to_string()));
                }
            }
            obj.insert("Typewords".into(), Value::Array(words));
        }
        // A name taken from elsewhere in the document (duplicates, shadowing).
        2 if !names.is_empty() => {
            obj.insert("Name".into(), Value::String(rng.pick(&names).clone()));
        }
        // An odd name, possibly a case variant of an existing one.
        2 | 3 => {
            let name = match rng.below(4) {
                0 if !names.is_empty() => rng.pick(&names).to_lowercase(),
                1 if !names.is_empty() => rng.pick(&names).to_uppercase(),
                _ => rng.pick(ODD_NAMES).to_string(),
            };
            obj.insert("Name".into(), Value::String(name));
        }
        4 => {
            obj.insert("Docs".into(), Value::String(rng.pick(ODD_DOCS).to_string()));
        }
        // Remove or duplicate an element of one of the object's arrays.
        5 | 6 => {
            let keys: Vec<String> = obj
                .iter()
                .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty()))
                .map(|(k, _)| k.clone())
                .collect();
            if keys.is_empty() {
                return;
            }
            let key = rng.pick(&keys).clone();
            let remove = rng.below(2) == 0;
            if let Some(items) = obj.get_mut(&key).and_then(Value::as_array_mut) {
                let i = rng.below(items.len());
                if remove {
                    items.remove(i);
                } else {
                    let copy = items[i].clone();
                    items.insert(rng.below(items.len() + 1), copy);
                }
            }
        }
        // An array becomes null or empty.
        7 => {
            let keys: Vec<String> = obj
                .iter()
                .filter(|(_, v)| v.is_array())
                .map(|(k, _)| k.clone())
                .collect();
            if !keys.is_empty() {
                let key = rng.pick(&keys).clone();
                let replacement = if rng.below(2) == 0 {
                    Value::Null
                } else {
                    json!([])
                };
                obj.insert(key, replacement);
            }
        }
        // Extreme enum values.
        8 => {
            let value = match rng.below(5) {
                0 => json!(i64::MAX),
                1 => json!(i64::MIN),
                2 => json!(""),
                3 => json!("\"\\\n\u{0}"),
                _ => json!(0),
            };
            obj.insert("Value".into(), value);
        }
        // Move this object's functions and types into a new, nested subsection.
        9 => {
            let mut sub = serde_json::Map::new();
            sub.insert(
                "Name".into(),
                Value::String(rng.pick(ODD_NAMES).to_string()),
            );
            for key in ["Functions", "Structs", "Ints", "Strings"] {
                if let Some(v) = obj.remove(key) {
                    sub.insert(key.into(), v);
                }
            }
            let sections = obj.entry("Sections").or_insert_with(|| json!([]));
            if let Some(items) = sections.as_array_mut() {
                items.push(Value::Object(sub));
            }
        }
        // Deeply nested type.
        10 => {
            let mut words = vec![json!("[]"); rng.below(80)];
            words.push(json!("string"));
            obj.insert("Typewords".into(), Value::Array(words));
        }
        // Wrong JSON types.
        _ => {
            let key = *rng.pick(&["Name", "Typewords", "Values", "Fields", "Params", "Value"]);
            let value = rng
                .pick(&[json!(1), json!("x"), json!({}), json!([1]), json!(true)])
                .clone();
            obj.insert(key.into(), value);
        }
    }
}

fn small_schema() -> Value {
    json!({
        "Name": "Small", "Docs": "", "SherpaVersion": 0, "SherpadocVersion": 1,
        "Functions": [
            {"Name": "F", "Docs": "", "Params": [{"Name": "a", "Typewords": ["nullable", "S"]}, {"Name": "b", "Typewords": ["[]", "uint8"]}],
             "Returns": [{"Name": "r0", "Typewords": ["{}", "E"]}, {"Name": "r1", "Typewords": ["I"]}]},
            {"Name": "G", "Docs": "", "Params": [], "Returns": []}
        ],
        "Sections": [{"Name": "Sub", "Docs": "", "Functions": [{"Name": "H", "Docs": "", "Params": [{"Name": "x", "Typewords": ["timestamp"]}], "Returns": []}],
                      "Sections": [], "Structs": [{"Name": "T", "Docs": "", "Fields": [{"Name": "s", "Docs": "", "Typewords": ["nullable", "S"]}]}], "Ints": [], "Strings": []}],
        "Structs": [{"Name": "S", "Docs": "", "Fields": [{"Name": "ID", "Docs": "", "Typewords": ["int64s"]}, {"Name": "t", "Docs": "", "Typewords": ["[]", "T"]}]}],
        "Ints": [{"Name": "I", "Docs": "", "Values": [{"Name": "IOne", "Value": 1, "Docs": ""}]}],
        "Strings": [{"Name": "E", "Docs": "", "Values": [{"Name": "EA", "Value": "a", "Docs": ""}, {"Name": "EEmpty", "Value": "", "Docs": ""}]}]
    })
}

fn run_mutations(
    base: &Value,
    seed: u64,
    cases: usize,
) -> std::collections::BTreeMap<&'static str, usize> {
    let mut rng = Rng(seed);
    let mut outcomes = std::collections::BTreeMap::new();
    for _ in 0..cases {
        let mut doc = base.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        let text = serde_json::to_string(&doc).unwrap();
        *outcomes.entry(pipeline(&text)).or_insert(0) += 1;
    }
    eprintln!("outcomes for seed {seed:#x}: {outcomes:?}");
    outcomes
}

#[test]
fn mutations_of_a_small_schema_never_panic() {
    assert_eq!(pipeline(&small_schema().to_string()), "generated");
    let outcomes = run_mutations(&small_schema(), 0x5eed_0001, 400);
    // The mutations must exercise every stage, or the test proves little.
    // Few mutations make names collide only in Rust (most rejections are the checker's).
    for (stage, at_least) in [("check", 10), ("rust_names", 5), ("generated", 10)] {
        assert!(
            outcomes.get(stage).copied().unwrap_or(0) >= at_least,
            "{outcomes:?}"
        );
    }
}

#[test]
fn mutations_of_api_json_never_panic() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../api.json")).unwrap();
    assert_eq!(pipeline(&text), "generated");
    let base: Value = serde_json::from_str(&text).unwrap();
    let outcomes = run_mutations(&base, 0x5eed_0002, 80);
    for stage in ["check", "generated"] {
        assert!(
            outcomes.get(stage).copied().unwrap_or(0) >= 10,
            "{outcomes:?}"
        );
    }
}

/// Edge cases kept next to the fuzzer (`codegen/fuzz` seeds its corpus from here), and
/// any input the fuzzer finds: `STAGE-description.json`, where STAGE is the stage that
/// must reject the input (`parse`, `check`, `rust_names`) or `generated`.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (expected, _) = name
            .split_once('-')
            .unwrap_or_else(|| panic!("{name}: no STAGE- prefix"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(pipeline(&text), expected, "{name}");
        count += 1;
    }
    assert!(count >= 10, "only {count} regression inputs");
}
