//! TypeScript's naming rules, in one place: what may name what, and the names the
//! generated client itself declares.

/// Words that cannot name a variable, parameter, class, enum or interface in strict
/// (module) code: ECMAScript reserved words, strict-mode reserved words, `await`
/// (reserved in modules) and the two strict-mode restricted names.
pub(crate) const RESERVED_WORDS: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Names TypeScript does not allow for a declared type (its predefined types), and
/// global values that a declaration must not shadow.
pub(crate) const RESERVED_TYPE_NAMES: &[&str] = &[
    "any",
    "bigint",
    "boolean",
    "intrinsic",
    "never",
    "number",
    "object",
    "string",
    "symbol",
    "undefined",
    "unknown",
    "NaN",
    "Infinity",
    "globalThis",
    "__proto__",
];

/// Members of the generated `Client` class, which no function may be named after.
pub(crate) const CLIENT_MEMBERS: &[&str] = &[
    "constructor",
    "authState",
    "options",
    "withAuthToken",
    "withOptions",
];

/// Module-level names the generated part declares, in addition to the runtime's.
pub(crate) const GENERATED_NAMES: &[&str] = &[
    "Client",
    "defaultOptions",
    "defaultBaseURL",
    "types",
    "structTypes",
    "stringsTypes",
    "intsTypes",
    "parser",
    "parse",
    "verifyArg",
];

/// Module-level names a generated method body refers to; parameters are renamed
/// when they would shadow one.
pub(crate) const METHOD_BODY_NAMES: &[&str] =
    &["sherpaCall", "defaultBaseURL", "types", "intsTypes"];

/// Whether `s` is an IdentifierName (reserved words included).
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c == '$' || unicode_ident::is_xid_start(c) => chars.all(|c| {
            c == '$' || c == '\u{200c}' || c == '\u{200d}' || unicode_ident::is_xid_continue(c)
        }),
        _ => false,
    }
}

/// A property name (struct field key) as written in an interface: verbatim when it
/// is an identifier (reserved words are fine there), JSON-quoted otherwise.
pub(crate) fn property(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A method name in the Client class; as [`property`].
pub(crate) fn method(name: &str) -> String {
    property(name)
}

/// An enum member name: verbatim or quoted, or `None` when TypeScript forbids it
/// (numeric names such as `"1"`, `"Infinity"`, `"NaN"`).
pub(crate) fn enum_member(name: &str) -> Option<String> {
    if name == "Infinity"
        || name == "NaN"
        || name.parse::<f64>().is_ok()
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    Some(property(name))
}

/// The TypeScript name of a schema type: the schema name, with a numeric suffix (as
/// sherpats does) when it is a reserved word or predefined type name. `None` when
/// it is not an identifier at all.
pub(crate) fn type_name(name: &str, taken: &dyn Fn(&str) -> bool) -> Option<String> {
    if !is_identifier(name) {
        return None;
    }
    if !RESERVED_WORDS.contains(&name) && !RESERVED_TYPE_NAMES.contains(&name) {
        return Some(name.to_string());
    }
    Some(with_suffix(name, taken))
}

/// The TypeScript name of a parameter: verbatim when possible, else with a numeric
/// suffix, or `p<index>` when the schema name is not an identifier. Parameters are
/// positional on the wire, so their names only matter for readability.
pub(crate) fn param(name: &str, index: usize, taken: &dyn Fn(&str) -> bool) -> String {
    if !is_identifier(name) {
        let p = format!("p{index}");
        return if taken(&p) { with_suffix(&p, taken) } else { p };
    }
    if RESERVED_WORDS.contains(&name) || METHOD_BODY_NAMES.contains(&name) || taken(name) {
        return with_suffix(name, taken);
    }
    name.to_string()
}

fn with_suffix(base: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut n = 0usize;
    loop {
        let candidate = format!("{base}{n}");
        if !taken(&candidate) && !RESERVED_WORDS.contains(&candidate.as_str()) {
            return candidate;
        }
        n += 1;
    }
}

/// A JSON (and so JavaScript) string literal.
pub(crate) fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}
