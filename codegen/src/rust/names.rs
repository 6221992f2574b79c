//! Naming rules for generated Rust, in one place.
//!
//! sherpadoc names are Go names: type and enum value names are exported Go identifiers
//! (`MailboxID`, `DMARCPolicy`), fields are JSON keys, functions are wire names. The
//! generator keeps type and variant names verbatim (they are valid Rust and already
//! unique), and converts fields, parameters and functions to `snake_case`. Everything
//! that turns a schema name into a Rust identifier goes through this module, so that the
//! naming pass (`naming.rs`) can detect collisions on exactly the names that will be emitted.

/// The generated server trait.
pub const API_TRAIT: &str = "Api";
/// The generated `Dispatch` implementation wrapping an [`API_TRAIT`] implementor.
pub const DISPATCHER: &str = "Dispatcher";
/// The generated static type table.
pub const SCHEMA: &str = "SCHEMA";
/// The generated list of wire function names.
pub const FUNCTIONS: &str = "FUNCTIONS";
/// The generated client module.
pub const CLIENT_MODULE: &str = "client";
/// The client struct in [`CLIENT_MODULE`].
pub const CLIENT: &str = "Client";
/// Methods the client struct has of its own (constructors, the runtime client, and
/// the `Clone` and `Debug` methods an inherent method would shadow); API functions
/// with these names get a `_` suffix on the client.
pub const CLIENT_OWN_METHODS: &[&str] = &["new", "from_runtime", "runtime", "clone", "fmt"];
/// The variant of a generated enum that keeps values not listed in the schema.
pub const OTHER_VARIANT: &str = "Other";

/// Generated module-level items with fixed names, and what each is, for error messages.
/// Schema type names must not use these.
pub const SUPPORT_ITEMS: &[(&str, &str)] = &[
    (API_TRAIT, "the generated server trait"),
    (DISPATCHER, "the generated dispatcher"),
    (SCHEMA, "the generated schema table"),
    (FUNCTIONS, "the generated function list"),
    (CLIENT_MODULE, "the generated client module"),
];

/// Rust's primitive types, which generated code names unqualified; a schema type with
/// one of these names would hide them.
pub const PRIMITIVE_TYPES: &[&str] = &[
    "bool", "char", "str", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
    "u128", "usize", "f16", "f32", "f64", "f128",
];

/// Keywords (strict and reserved, edition 2024) that can be used as raw identifiers.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// Words that are not allowed even as raw identifiers (`r#self` is an error), plus
/// `extern` (kept out of raw form so `extern crate` style confusion cannot arise) and the
/// lone underscore, which is not an identifier at all. These get a `_` suffix.
const SUFFIX_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// Whether `c` may start an identifier (Unicode XID_Start or `_`).
fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

/// Whether `c` may continue an identifier (Unicode XID_Continue).
fn is_ident_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Whether `s` is lexically an identifier (keywords included).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_ident_start(c) => chars.all(is_ident_continue),
        _ => false,
    }
}

/// Turns an identifier-shaped word into one that can be written in Rust source: keywords
/// that allow it become raw identifiers (`type` → `r#type`), the others get a `_` suffix
/// (`self` → `self_`), and a leading digit gets a `_` prefix (`2fa` → `_2fa`).
///
/// The result is a string as it appears in source, so `r#type` keeps its prefix; use
/// [`ident`] to turn it into a token.
pub fn escape_keyword(word: &str) -> String {
    if SUFFIX_KEYWORDS.contains(&word) {
        format!("{word}_")
    } else if RAW_KEYWORDS.contains(&word) {
        format!("r#{word}")
    } else if word.starts_with(|c: char| c.is_ascii_digit() || c.is_numeric()) {
        format!("_{word}")
    } else {
        word.to_string()
    }
}

/// The Rust name of a type or enum variant: the schema name verbatim, keyword-escaped.
/// `None` when the name is not an identifier (sherpadoc does not check identifier syntax,
/// but Go only produces identifiers here).
pub fn type_name(name: &str) -> Option<String> {
    if is_identifier(name) {
        Some(escape_keyword(name))
    } else {
        None
    }
}

/// The Rust name of a field, parameter or function: `snake_case`, acronym aware, then
/// keyword-escaped. `None` when nothing usable remains (an empty name, or one made only
/// of punctuation).
///
/// Word boundaries: any character that cannot continue an identifier and `_` separate
/// words; a lowercase letter or digit followed by an uppercase letter starts a word
/// (`mailboxID`, `IP4CIDR`); in a run of capitals the last one starts a word when a
/// lowercase letter follows (`DMARCEvaluations` → `dmarc_evaluations`), except for a
/// plural `s` (`IPs` → `ips`) and a version `v` before a digit (`IPv6Addr` →
/// `ipv6_addr`).
pub fn snake_case(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len() + 4);
    // One segment's characters (identifier characters, no `_`), for looking ahead.
    let mut chars: Vec<char> = Vec::with_capacity(name.len());
    for segment in name.split(|c: char| c == '_' || !is_ident_continue(c)) {
        chars.clear();
        chars.extend(segment.chars());
        for (i, &c) in chars.iter().enumerate() {
            if (i == 0 && !out.is_empty()) || (i > 0 && starts_word(&chars, i)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
    }
    if out.is_empty() {
        return None;
    }
    Some(escape_keyword(&out))
}

/// Whether `chars[i]` (with `i > 0`) begins a new word.
fn starts_word(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let prev = chars[i - 1];
    if !c.is_uppercase() {
        return false;
    }
    if prev.is_lowercase() || prev.is_numeric() {
        return true;
    }
    if !prev.is_uppercase() {
        return false;
    }
    // A capital inside a run of capitals: it starts a word only when lowercase follows,
    // as in `DMARCEvaluations`, and the lowercase part is not a suffix of the acronym.
    let lower_len = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_lowercase())
        .count();
    if lower_len == 0 {
        return false;
    }
    let after = chars.get(i + 1 + lower_len).copied();
    let plural = lower_len == 1 && chars[i + 1] == 's';
    let version = lower_len == 1 && chars[i + 1] == 'v' && after.is_some_and(char::is_numeric);
    !(plural || version)
}

/// A token for a name produced by this module (possibly `r#`-prefixed).
///
/// Names come from [`type_name`], [`snake_case`] or the constants above, so they are
/// always valid identifiers; anything else is a bug in the caller.
pub fn ident(name: &str) -> proc_macro2::Ident {
    let span = proc_macro2::Span::call_site();
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, span),
        None => proc_macro2::Ident::new(name, span),
    }
}

/// Returns `base`, or `base` with `_` appended as often as needed, so that the result is
/// not in `taken`. Used for generated locals and parameters that users never name (the
/// request context, the dispatcher's generic parameter), so that a schema name can never
/// shadow them.
pub fn unused_name(base: &str, taken: &[&str]) -> String {
    let mut name = base.to_string();
    while taken.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Whether rustc's `non_camel_case_types` lint could fire for this type or variant name.
/// Conservative: any `_` or a lowercase first letter counts.
pub fn needs_non_camel_case_allow(name: &str) -> bool {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let trimmed = name.trim_matches('_');
    trimmed.contains('_') || trimmed.starts_with(char::is_lowercase)
}

/// Whether clippy's `upper_case_acronyms` lint could fire for this name, in its default or
/// its aggressive configuration: two capitals in a row anywhere.
pub fn needs_upper_case_acronyms_allow(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars
        .windows(2)
        .any(|w| w[0].is_uppercase() && w[1].is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snake(s: &str) -> String {
        snake_case(s).unwrap_or_default()
    }

    #[test]
    fn acronyms() {
        let cases = [
            ("MailboxID", "mailbox_id"),
            ("DMARCEvaluationsDomain", "dmarc_evaluations_domain"),
            ("TLSRPTSummaries", "tlsrpt_summaries"),
            ("LookupIP", "lookup_ip"),
            ("IPv6Addr", "ipv6_addr"),
            ("IPs", "ips"),
            ("RUAs", "ruas"),
            ("SRVs", "srvs"),
            ("IP4CIDRLen", "ip4_cidr_len"),
            ("DSNUTF8", "dsnutf8"),
            ("Has8bit", "has8bit"),
            (
                "STARTTLSInsecureSkipVerify",
                "starttls_insecure_skip_verify",
            ),
            ("ID", "id"),
            ("Id", "id"),
            ("r0", "r0"),
            ("loginToken", "login_token"),
            (
                "maxFirstTimeRecipientsPerDay",
                "max_first_time_recipients_per_day",
            ),
            ("IPRev", "ip_rev"),
            ("SSEID", "sseid"),
            ("already_snake", "already_snake"),
            ("Content-Type", "content_type"),
            ("__Leading", "leading"),
            ("a.b c", "a_b_c"),
            ("Ümlaut", "ümlaut"),
            ("ÄBCDe", "äbc_de"),
            ("X", "x"),
        ];
        for (input, want) in cases {
            assert_eq!(snake(input), want, "snake_case({input:?})");
        }
    }

    #[test]
    fn keywords() {
        let cases = [
            ("Type", "r#type"),
            ("type", "r#type"),
            ("fn", "r#fn"),
            ("Async", "r#async"),
            ("gen", "r#gen"),
            ("Self", "self_"),
            ("self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("extern", "extern_"),
            ("3D", "_3_d"),
            ("2fa", "_2fa"),
            ("union", "union"),
        ];
        for (input, want) in cases {
            assert_eq!(snake(input), want, "snake_case({input:?})");
        }
        assert_eq!(escape_keyword("_"), "__");
        assert_eq!(type_name("Self").as_deref(), Some("Self_"));
        assert_eq!(type_name("type").as_deref(), Some("r#type"));
        assert_eq!(type_name("Msg").as_deref(), Some("Msg"));
        assert_eq!(type_name("my-type"), None);
        assert_eq!(type_name(""), None);
        assert_eq!(type_name("9Lives"), None);
    }

    #[test]
    fn unusable() {
        assert_eq!(snake_case(""), None);
        assert_eq!(snake_case("--"), None);
        assert_eq!(snake_case("___"), None);
    }

    #[test]
    fn idents() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("self_").to_string(), "self_");
        assert_eq!(unused_name("ctx", &["ctx", "ctx_"]), "ctx__");
        assert_eq!(unused_name("ctx", &["call"]), "ctx");
    }

    #[test]
    fn lint_predicates() {
        assert!(needs_upper_case_acronyms_allow("IP"));
        assert!(needs_upper_case_acronyms_allow("DMARCPolicy"));
        assert!(!needs_upper_case_acronyms_allow("Msg"));
        assert!(needs_non_camel_case_allow("foo"));
        assert!(needs_non_camel_case_allow("Foo_Bar"));
        assert!(!needs_non_camel_case_allow("FooBar"));
    }
}
