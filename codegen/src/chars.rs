//! Characters that change how text reads without being visible, named once for every
//! stage: the checker refuses them in names (rule 20), and the Rust output writes the
//! direction controls among them as escapes, since rustc refuses them raw in literals
//! and comments.

/// Whether `c` changes the direction of the text around it (embeddings, overrides,
/// isolates and marks).
pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Whether `c` shows as nothing: zero-width spaces and joiners, invisible operators, the
/// byte-order mark, the soft hyphen, the Mongolian vowel separator.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}'
    )
}
