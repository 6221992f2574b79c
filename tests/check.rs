//! The sherpadoc checker against the Go reference rules (numbered as in `docs/protocol.md`, the checker's rules).
//!
//! Every `tests/fixtures/invalid/NAME.json` must be rejected, by `parse` or by `check`, with
//! exactly the one-line message in `NAME.err`. The fixture names start with the rule they
//! exercise (`a1`…`a5` pass A, `b6`…`b8` pass B, `c9`…`c13` pass C, `order_*` the order of
//! passes and items, `parse_*` document-level failures). Valid documents, including the
//! Go quirks that must keep passing, are checked below.

use std::path::{Path, PathBuf};

use sherpa_codegen::sherpadoc::{Arg, Function, Section, Struct};
use sherpa_codegen::{CheckError, check, check_go, parse};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

/// The one-line error for a document, from whichever stage rejects it first.
fn rejection(text: &str) -> Option<String> {
    match parse(text) {
        Err(e) => Some(e.to_string()),
        Ok(doc) => check(&doc).err().map(|e| e.to_string()),
    }
}

#[test]
fn every_invalid_fixture_fails_with_its_message() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    // One or more fixtures per rule: guard against the directory silently going missing.
    assert!(names.len() >= 40, "only {} fixtures found", names.len());

    let mut failures = Vec::new();
    for json_path in &names {
        let text = std::fs::read_to_string(json_path).unwrap();
        let err_path = json_path.with_extension("err");
        let expected = std::fs::read_to_string(&err_path)
            .unwrap_or_else(|_| panic!("{} has no .err file", json_path.display()));
        let expected = expected.strip_suffix('\n').unwrap_or(&expected);
        let got = rejection(&text);
        if got.as_deref() != Some(expected) {
            failures.push(format!(
                "{}:\n  expected: {expected}\n  got:      {got:?}",
                json_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_err_file_has_a_fixture() {
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "err") {
            assert!(
                path.with_extension("json").exists(),
                "{} has no .json",
                path.display()
            );
        }
    }
}

#[test]
fn check_error_has_path_and_message() {
    let text = std::fs::read_to_string(fixtures_dir().join("c13_unknown_type.json")).unwrap();
    let err = check(&parse(&text).unwrap()).unwrap_err();
    assert_eq!(
        err,
        CheckError {
            path: r#".Structs[3 ("Msg")].Fields[2 ("ID")]"#.to_string(),
            message: r#"referenced type "X" does not exist"#.to_string(),
        }
    );
}

#[test]
fn api_json_passes() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("api.json")).unwrap();
    let doc = parse(&text).unwrap();
    assert_eq!(check_go(&doc), Ok(()));
}

/// Valid documents, including the Go behaviours that look like mistakes but must pass.
#[test]
fn valid_documents_pass() {
    let cases = [
        // Types are global: a subsection uses a type of its parent, the parent one of a
        // subsection, and siblings use each other's types.
        r#"{"Name":"Top","SherpadocVersion":1,
            "Functions":[{"Name":"F","Params":[{"Name":"a","Typewords":["Deep"]}],"Returns":[{"Name":"r0","Typewords":["[]","Two"]}]}],
            "Structs":[{"Name":"Root","Fields":[{"Name":"x","Typewords":["nullable","One"]}]}],
            "Sections":[
              {"Name":"One","Structs":[{"Name":"One","Fields":[{"Name":"r","Typewords":["Root"]},{"Name":"t","Typewords":["{}","Two"]}]}],
               "Functions":[{"Name":"G","Params":[],"Returns":[{"Name":"r0","Typewords":["Deep"]}]}]},
              {"Name":"Two","Strings":[{"Name":"Two","Values":[{"Name":"TwoA","Value":"a"}]}],
               "Sections":[{"Name":"Inner","Ints":[{"Name":"Deep","Values":null}],
                 "Functions":[{"Name":"H","Params":[{"Name":"o","Typewords":["One"]}],"Returns":[{"Name":"r0","Typewords":["Root"]}]}]}]}
            ]}"#,
        // Quirk (rule 14): an enum value name is accepted as a typeword.
        r#"{"SherpadocVersion":1,"Strings":[{"Name":"Mode","Values":[{"Name":"ModeNone","Value":"none"}]}],
            "Ints":[{"Name":"Level","Values":[{"Name":"LevelLow","Value":1}]}],
            "Functions":[{"Name":"F","Params":[{"Name":"a","Typewords":["ModeNone"]},{"Name":"b","Typewords":["[]","LevelLow"]}]}]}"#,
        // A param and a return may share a name; functions without params/returns are fine.
        r#"{"SherpadocVersion":1,"Functions":[{"Name":"F","Params":[{"Name":"x","Typewords":["int64s"]}],"Returns":[{"Name":"x","Typewords":["uint64s"]}]},{"Name":"G"}]}"#,
        // Rule 15, not checked: empty names, odd identifiers, duplicate field names, empty
        // and duplicate enum values, Values null and [].
        r#"{"SherpadocVersion":1,
            "Structs":[{"Name":"","Fields":[{"Name":"a","Typewords":["any"]},{"Name":"a","Typewords":["timestamp"]}]},
                       {"Name":"9 bad-name!","Fields":[{"Name":"","Typewords":[""]}]}],
            "Strings":[{"Name":"S","Values":[{"Name":"S1","Value":""},{"Name":"S2","Value":""}]},{"Name":"N","Values":null},{"Name":"E","Values":[]}],
            "Ints":[{"Name":"I","Values":[{"Name":"I1","Value":9223372036854775807},{"Name":"I2","Value":9223372036854775807}]}],
            "Functions":[{"Name":"","Params":[{"Name":"","Typewords":["9 bad-name!"]}]}]}"#,
        // Every basic type, and nullable again after [] / {}.
        r#"{"SherpadocVersion":1,"Structs":[{"Name":"All","Fields":[
            {"Name":"a","Typewords":["any"]},{"Name":"b","Typewords":["bool"]},{"Name":"c","Typewords":["int8"]},
            {"Name":"d","Typewords":["uint8"]},{"Name":"e","Typewords":["int16"]},{"Name":"f","Typewords":["uint16"]},
            {"Name":"g","Typewords":["int32"]},{"Name":"h","Typewords":["uint32"]},{"Name":"i","Typewords":["int64"]},
            {"Name":"j","Typewords":["uint64"]},{"Name":"k","Typewords":["int64s"]},{"Name":"l","Typewords":["uint64s"]},
            {"Name":"m","Typewords":["float32"]},{"Name":"n","Typewords":["float64"]},{"Name":"o","Typewords":["string"]},
            {"Name":"p","Typewords":["timestamp"]},
            {"Name":"q","Typewords":["nullable","[]","nullable","{}","nullable","[]","uint8"]}]}]}"#,
        // null arrays everywhere, unknown keys ignored.
        r#"{"SherpadocVersion":1,"Functions":null,"Sections":null,"Structs":null,"Ints":null,"Strings":null,"Extra":{"x":[1]}}"#,
    ];
    for (i, text) in cases.iter().enumerate() {
        let doc = parse(text).unwrap_or_else(|e| panic!("case {i}: {e}"));
        assert_eq!(check_go(&doc), Ok(()), "case {i}");
    }
}

/// Keys match case-insensitively and a repeated key replaces the earlier one, as in Go's
/// encoding/json; the result is the same document as with the tools' spellings.
#[test]
fn keys_are_read_like_go() {
    let canonical = r#"{"Name":"API","Docs":"d","SherpadocVersion":1,
        "Functions":[{"Name":"F","Docs":"","Params":[{"Name":"a","Typewords":["S"]}],"Returns":[{"Name":"r0","Typewords":["[]","Mode"]}]}],
        "Structs":[{"Name":"S","Docs":"","Fields":[{"Name":"x","Docs":"","Typewords":["int32"]}]}],
        "Strings":[{"Name":"Mode","Docs":"","Values":[{"Name":"ModeA","Value":"a","Docs":""}]}],
        "Ints":[{"Name":"Level","Docs":"","Values":[{"Name":"LevelLow","Value":1,"Docs":""}]}]}"#;
    let folded = r#"{"name":"API","DOCS":"d","sherpadocversion":1,
        "functions":[{"nAmE":"G","name":"F","docs":"","params":[{"name":"a","typewords":["S"]}],"RETURNS":[{"Name":"r0","TypeWords":["[]","Mode"]}]}],
        "ſtructs":[{"name":"S","fields":[{"name":"x","typewords":["int32"]}]}],
        "strings":[{"name":"Mode","values":[{"name":"ModeA","value":"a"}]}],
        "Ints":[{"Name":"Level","Values":[{"Name":"LevelLow","Value":7},{"Name":"LevelLow","Value":1}]}],
        "Ints":[{"Name":"Level","Values":[{"Name":"LevelLow","Value":1}]}]}"#;
    let want = parse(canonical).unwrap();
    let got = parse(folded).unwrap();
    assert_eq!(got, want);
    assert_eq!(check_go(&got), Ok(()));

    // Keys that fold to no field are ignored, as before; errors on the slow path still
    // name what is wrong.
    let e = parse(r#"{"sherpadocVersion":1,"name":5}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "parsing sherpadoc JSON: invalid type: integer `5`, expected a string"
    );
    let e = parse(r#"{"SherpadocVersion":1,"SherpadocVersion":2}"#).unwrap_err();
    assert_eq!(e.to_string(), "unexpected sherpadoc version 2, expected 1");
}

/// Builds a chain of `depth` nested sections below a top-level one; the innermost has a
/// function whose param has the given typewords.
fn deep_document(depth: usize, typewords: &[&str]) -> Section {
    let mut inner = Section {
        name: "Innermost".into(),
        functions: vec![Function {
            name: "F".into(),
            params: vec![Arg {
                name: "p".into(),
                typewords: typewords.iter().map(|t| t.to_string()).collect(),
            }],
            ..Function::default()
        }],
        ..Section::default()
    };
    for i in (0..depth).rev() {
        inner = Section {
            name: format!("S{i}"),
            sections: vec![inner],
            ..Section::default()
        };
    }
    inner.structs.push(Struct {
        name: "Top".into(),
        ..Struct::default()
    });
    inner.sherpadoc_version = 1;
    inner
}

/// Takes a deep document apart one level at a time: the derived `Drop` recurses once per
/// level and would overflow the test thread's stack at this depth.
fn dismantle(mut doc: Section) {
    while let Some(next) = doc.sections.pop() {
        doc = next;
    }
}

#[test]
fn ten_thousand_nested_sections_do_not_overflow_the_stack() {
    const DEPTH: usize = 10_000;

    let doc = deep_document(DEPTH, &["nullable", "Top"]);
    assert_eq!(check_go(&doc), Ok(()));
    dismantle(doc);

    let doc = deep_document(DEPTH, &["[]", "Missing"]);
    let err = check_go(&doc).unwrap_err();
    dismantle(doc);
    assert_eq!(err.message, r#"referenced type "Missing" does not exist"#);
    let mut expected = String::new();
    for i in 1..DEPTH {
        expected.push_str(&format!(".Sections[0 (\"S{i}\")]"));
    }
    expected.push_str(r#".Sections[0 ("Innermost")].Functions[0 ("F")].Params[0 ("p")]"#);
    assert_eq!(err.path, expected);
}

#[test]
fn very_long_typewords_do_not_overflow_the_stack() {
    let mut words = vec!["[]"; 200_000];
    words.push("string");
    let doc = deep_document(0, &words);
    assert_eq!(check_go(&doc), Ok(()));

    words.push("extra");
    let err = check_go(&deep_document(0, &words)).unwrap_err();
    assert_eq!(err.message, "leftover typewords [extra]");
}

#[test]
fn deeply_nested_json_is_a_parse_error() {
    let depth = 10_000;
    let text = format!(
        "{}{{}}{}",
        r#"{"SherpadocVersion":1,"Sections":["#.repeat(depth),
        "]}".repeat(depth)
    );
    let err = parse(&text).unwrap_err().to_string();
    assert!(
        err.starts_with("parsing sherpadoc JSON: recursion limit exceeded"),
        "{err}"
    );
}

/// Rules 16–19: what Go accepts but no generator can emit. `check_go` lets these
/// documents through, as Go's checker does; `check` rejects them with a path.
#[test]
fn rules_beyond_go() {
    let doc = |body: &str| {
        parse(&format!(
            r#"{{"Name":"T","Docs":"","SherpaVersion":0,"SherpadocVersion":1,{body}}}"#
        ))
        .unwrap()
    };
    let deep = format!(
        r#""Functions":[{{"Name":"F","Docs":"","Params":[{{"Name":"p","Typewords":[{}"string"]}}],"Returns":[]}}]"#,
        r#""[]","#.repeat(33)
    );
    let value_as_type = r#""Strings":[{"Name":"Kind","Docs":"","Values":[{"Name":"KindA","Value":"a","Docs":""}]}],
        "Structs":[{"Name":"S","Docs":"","Fields":[{"Name":"k","Docs":"","Typewords":["KindA"]}]}]"#;
    let cycle = r#""Structs":[
        {"Name":"A","Docs":"","Fields":[{"Name":"B","Docs":"","Typewords":["B"]}]},
        {"Name":"B","Docs":"","Fields":[{"Name":"A","Docs":"","Typewords":["A"]}]}]"#;
    let cases = [
        (
            deep.as_str(),
            r#"invalid sherpadoc at .Functions[0 ("F")].Params[0 ("p")]: type nested more than 32 levels deep"#,
        ),
        (
            value_as_type,
            r#"invalid sherpadoc at .Structs[0 ("S")].Fields[0 ("k")]: referenced type "KindA" is a value of "Kind", not a type"#,
        ),
        (
            cycle,
            r#"invalid sherpadoc at .Structs[0 ("A")]: struct "A" contains itself without a nullable in between"#,
        ),
    ];
    for (body, want) in cases {
        let d = doc(body);
        assert_eq!(check_go(&d), Ok(()), "{body}");
        assert_eq!(check(&d).unwrap_err().to_string(), want);
    }

    // Rule 19: only a document built in code can nest sections this deep.
    let d = deep_document(65, &["string"]);
    assert_eq!(check_go(&d), Ok(()));
    let err = check(&d).unwrap_err();
    assert_eq!(err.message, "sections nested more than 64 levels deep");
    assert_eq!(err.path.matches(".Sections[").count(), 65);
    dismantle(d);
    assert!(check(&deep_document(64, &["string"])).is_ok());
}
