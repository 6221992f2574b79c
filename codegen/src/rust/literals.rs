//! Token-level helpers of the Rust emitter: literals that read back cheaply, and
//! streams moved rather than copied into `quote!` output.

use std::cell::Cell;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

/// A token stream for `quote!` to move into its output. `quote!` interpolates by
/// reference, and copying a stream copies every token (an allocation per identifier);
/// every part here is interpolated exactly once, so it can be moved instead. After
/// that it is empty.
pub(crate) struct Moved(Cell<Option<TokenStream>>);

pub(crate) fn moved(tokens: TokenStream) -> Moved {
    Moved(Cell::new(Some(tokens)))
}

impl ToTokens for Moved {
    fn to_tokens(&self, out: &mut TokenStream) {
        if let Some(tokens) = self.0.take() {
            out.extend(tokens);
        }
    }
}

/// `s` with every direction control written as the text `\u{…}`, for doc comments,
/// where an escape cannot be interpreted.
pub(crate) fn visible_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(crate::chars::is_direction_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if crate::chars::is_direction_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A raw string literal (`r#"..."#`) for `s`: text such as the JSON document reads as
/// it is, and neither writing nor parsing it goes through escapes character by
/// character. Text a raw string cannot hold gets an ordinary, escaped literal: a
/// direction control (which must be an escape) or a lone CR.
pub(crate) fn raw_string(s: &str) -> Literal {
    if s.chars().any(crate::chars::is_direction_control) {
        return escaped_string(s);
    }
    // One more `#` than the longest run of them after a `"` in the text.
    let mut hashes = 0;
    for (i, _) in s.match_indices('"') {
        let run = s[i + 1..].bytes().take_while(|&b| b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{s}\"{fence}")
        .parse()
        .unwrap_or_else(|_| Literal::string(s))
}

/// A normal string literal with every non-ASCII character escaped.
fn escaped_string(s: &str) -> Literal {
    let mut out = String::with_capacity(s.len() + 16);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    out.push('"');
    out.parse().unwrap_or_else(|_| Literal::string(s))
}

/// An `i64` literal that is valid in expressions and patterns, `i64::MIN` included.
pub(crate) fn int_literal(value: i64) -> TokenStream {
    let abs = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#abs)
    } else {
        quote!(#abs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings() {
        assert_eq!(raw_string("a").to_string(), "r\"a\"");
        assert_eq!(raw_string("a\"b").to_string(), "r#\"a\"b\"#");
        assert_eq!(raw_string("").to_string(), "r\"\"");
        assert_eq!(
            raw_string("say \"#hi\"## now").to_string(),
            "r###\"say \"#hi\"## now\"###"
        );
        // A lone CR cannot be in a raw string.
        assert_eq!(raw_string("a\rb").to_string(), "\"a\\rb\"");
        for s in ["x", "\"", "\"#", "#\"#", "\\ \u{0} é\u{301}\n\t"] {
            let raw = raw_string(s);
            let lit: syn::LitStr = syn::parse2(quote!(#raw)).unwrap();
            assert_eq!(lit.value(), s);
        }
    }

    #[test]
    fn negative_literals() {
        assert_eq!(int_literal(-5).to_string(), "- 5");
        assert_eq!(int_literal(i64::MIN).to_string(), "- 9223372036854775808");
        assert_eq!(int_literal(7).to_string(), "7");
    }
}
