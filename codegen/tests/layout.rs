//! The Rust output is laid out exactly as prettyplease lays it out.
//!
//! The emitter writes formatted text directly (see `sherpa_codegen::pretty`) instead of
//! building tokens and formatting them with prettyplease. These tests hold it to that:
//! parsing the output with syn and printing every item with prettyplease must give the
//! output back byte for byte. That also proves the output is valid Rust.
//!
//! Inputs: every snapshot fixture, `api.json`, and generated schemas whose names, docs,
//! enum values and type nestings span the widths at which lines start to break (the
//! layout decisions are all about widths). With `SHERPA_DUMP_SCHEMAS=DIR` the generated
//! schemas are also written to DIR, to compare the output of other generator versions.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};
use sherpa_codegen::{RustOptions, generate_rust};

/// What prettyplease makes of `code`: the header, then each item after a blank line (the
/// layout the generator promises).
fn prettyplease_layout(code: &str) -> String {
    let (header, _) = code.split_once('\n').expect("a header line");
    let file = syn::parse_file(code).unwrap_or_else(|e| panic!("output does not parse: {e}"));
    let mut out = format!("{header}\n");
    for item in file.items {
        let single = syn::File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items: vec![item],
        };
        out.push('\n');
        out.push_str(&prettyplease::unparse(&single));
    }
    out
}

/// Asserts that `code` is a prettyplease fixpoint, showing the first difference.
fn assert_prettyplease_layout(code: &str, what: &str) {
    let expected = prettyplease_layout(code);
    if expected == code {
        return;
    }
    let line = expected
        .lines()
        .zip(code.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(code.lines().count()));
    let context = |text: &str| {
        text.lines()
            .skip(line.saturating_sub(3))
            .take(7)
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what}: layout differs from prettyplease at line {}\n--- prettyplease:\n{}\n--- generated:\n{}",
        line + 1,
        context(&expected),
        context(code)
    );
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
}

#[test]
fn snapshots_and_api_json_are_laid_out_by_prettyplease() {
    let mut schemas = vec![
        root().join("api.json"),
        root().join("tests/fixtures/testapi.json"),
    ];
    for entry in std::fs::read_dir(root().join("tests/fixtures/rust")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json") && !name.starts_with("err_") {
            schemas.push(path);
        }
    }
    assert!(schemas.len() > 10, "fixtures not found");
    for path in schemas {
        let json = std::fs::read_to_string(&path).unwrap();
        for runtime_path in ["::sherpa_runtime", "crate::a_rather_long_module_name::rt"] {
            let opts = RustOptions {
                runtime_path: runtime_path.to_string(),
            };
            let code = generate_rust(&json, "x.json", &opts).unwrap();
            assert_prettyplease_layout(&code, &format!("{} ({runtime_path})", path.display()));
        }
    }
}

/// xorshift64*: small and deterministic.
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

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Generates valid schemas with widely varying widths.
struct Gen {
    rng: Rng,
    /// Type names defined so far, with whether they are structs.
    types: Vec<(String, bool)>,
    counter: usize,
}

const WORDS: &[&str] = &[
    "a",
    "ID",
    "Name",
    "Msg",
    "DMARC",
    "type",
    "Self",
    "match",
    "x9",
    "Account",
    "Value",
    "Mailbox",
    "TLSRPT",
    "async",
    "Queue",
    "Hold",
    "Rule",
    "Ok",
    "Result",
    "Option",
    "IPs",
    "Reporting",
    "Destination",
    "Configuration",
    "Transport",
];

const BASICS: &[&str] = &[
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
];

impl Gen {
    /// A CamelCase identifier of roughly `words` words, made unique.
    fn name(&mut self, words: usize) -> String {
        let mut s = String::new();
        for _ in 0..words.max(1) {
            let w = WORDS[self.rng.below(WORDS.len())];
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                s.extend(c.to_uppercase());
                s.push_str(chars.as_str());
            }
        }
        self.counter += 1;
        write!(s, "{}", self.counter).unwrap();
        s
    }

    /// A name of 1 to `max` words.
    fn name_upto(&mut self, max: usize) -> String {
        let words = self.rng.below(max) + 1;
        self.name(words)
    }

    /// A lower-case parameter name.
    fn param_name(&mut self) -> String {
        let name = self.name_upto(4);
        let mut chars = name.chars();
        let first: String = chars
            .next()
            .into_iter()
            .flat_map(char::to_lowercase)
            .collect();
        first + chars.as_str()
    }

    fn docs(&mut self) -> String {
        let mut out = String::new();
        for i in 0..self.rng.below(4) {
            if i > 0 {
                out.push('\n');
            }
            let width = [0, 10, 70, 84, 85, 86, 87, 88, 89, 90, 120][self.rng.below(11)];
            if self.rng.chance(15) {
                out.push('\t');
            }
            while out.len() % 200 < width {
                out.push_str(["word ", "x", "[link] ", "<b> ", "`code` ", "é"][self.rng.below(6)]);
            }
        }
        out
    }

    /// Typewords: wrappers and a basic type or a defined type (structs only behind a
    /// wrapper that breaks required cycles, since later structs may refer to earlier
    /// ones).
    fn typewords(&mut self) -> Vec<String> {
        let mut words = Vec::new();
        for _ in 0..[0, 0, 1, 1, 2, 3, 4][self.rng.below(7)] {
            let word = ["nullable", "[]", "{}"][self.rng.below(3)];
            // `nullable nullable` is invalid.
            if !(word == "nullable" && words.last().is_some_and(|w| w == "nullable")) {
                words.push(word.to_string());
            }
        }
        if !self.types.is_empty() && self.rng.chance(50) {
            let (name, _) = &self.types[self.rng.below(self.types.len())];
            words.push(name.clone());
        } else {
            words.push(BASICS[self.rng.below(BASICS.len())].to_string());
        }
        words
    }

    fn args(&mut self, max: usize) -> Vec<Value> {
        (0..self.rng.below(max + 1))
            .map(|_| json!({"Name": self.param_name(), "Typewords": self.typewords()}))
            .collect()
    }

    fn schema(&mut self) -> Value {
        let mut structs = Vec::new();
        let mut ints = Vec::new();
        let mut strings = Vec::new();
        for _ in 0..self.rng.below(4) {
            let name = self.name_upto(5);
            let n = self.rng.below(5) + 1;
            let values: Vec<Value> = (0..n)
                .map(|i| {
                    let value = match self.rng.below(4) {
                        0 => String::new(),
                        1 => "a \"quoted\" \\ value\u{0}1 with ' and é".to_string(),
                        2 => "v".repeat(self.rng.below(90)),
                        _ => format!("value{i}"),
                    };
                    json!({"Name": self.name(3), "Value": value, "Docs": self.docs()})
                })
                .collect();
            strings.push(json!({"Name": name, "Docs": self.docs(), "Values": values}));
            self.types.push((name, false));
        }
        for _ in 0..self.rng.below(3) {
            let name = self.name_upto(5);
            let n = self.rng.below(4);
            let values: Vec<Value> = (0..n)
                .map(|i| {
                    let value: i64 = match self.rng.below(4) {
                        0 => 0,
                        1 => -(i as i64) - 1,
                        2 => i64::MIN + i as i64,
                        _ => i as i64 * 1_000_000_007,
                    };
                    json!({"Name": self.name(2), "Value": value, "Docs": ""})
                })
                .collect();
            let values = if values.is_empty() {
                Value::Null
            } else {
                Value::Array(values)
            };
            ints.push(json!({"Name": name, "Docs": self.docs(), "Values": values}));
            self.types.push((name, false));
        }
        for _ in 0..self.rng.below(5) {
            let name = self.name_upto(6);
            let fields: Vec<Value> = (0..self.rng.below(6))
                .map(|_| {
                    json!({
                        "Name": self.name_upto(6),
                        "Docs": self.docs(),
                        "Typewords": self.typewords(),
                    })
                })
                .collect();
            structs.push(json!({"Name": name, "Docs": self.docs(), "Fields": fields}));
            self.types.push((name, true));
        }
        let functions: Vec<Value> = (0..self.rng.below(6))
            .map(|_| {
                json!({
                    "Name": self.name_upto(6),
                    "Docs": self.docs(),
                    "Params": self.args(6),
                    "Returns": self.args(4),
                })
            })
            .collect();
        json!({
            "Name": self.name(2),
            "Docs": self.docs(),
            "Functions": functions,
            "Sections": [],
            "Structs": structs,
            "Ints": ints,
            "Strings": strings,
            "SherpaVersion": 0,
            "SherpadocVersion": 1,
        })
    }
}

#[test]
fn generated_schemas_are_laid_out_by_prettyplease() {
    let dump = std::env::var_os("SHERPA_DUMP_SCHEMAS");
    let mut generated = 0;
    for seed in 1..=300u64 {
        let mut g = Gen {
            rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
            types: Vec::new(),
            counter: 0,
        };
        let schema = g.schema().to_string();
        if let Some(dir) = &dump {
            std::fs::write(Path::new(dir).join(format!("{seed}.json")), &schema).unwrap();
        }
        let code = match generate_rust(&schema, "gen.json", &RustOptions::default()) {
            Ok(code) => code,
            // A few combinations are invalid sherpadoc (e.g. a struct through a map of
            // itself is fine, but names may collide after snake_case): skip those.
            Err(sherpa_codegen::Error::Model(_) | sherpa_codegen::Error::Check(_)) => continue,
            Err(e) => panic!("seed {seed}: {e}"),
        };
        generated += 1;
        assert_prettyplease_layout(&code, &format!("seed {seed}\n{schema}\n"));
    }
    assert!(generated > 250, "only {generated} schemas were valid");
}
