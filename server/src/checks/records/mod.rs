//! Parsers for the DNS records and policies the checks read, producing the API's types.
//! Each parser takes untrusted text and returns an error string instead of panicking; the
//! robustness tests in `server/tests/dns_parsers.rs` feed them arbitrary input.

pub mod dkim;
pub mod dmarc;
pub mod mtasts;
pub mod spf;
pub mod tlsrpt;

/// mox's `TXTStrings`: a value of up to 100 bytes as one quoted string, longer values as a
/// parenthesised list of 100-byte quoted chunks on their own lines, so they can be pasted
/// into zone files and DNS admin interfaces that limit string length.
pub fn txt_strings(s: &str) -> String {
    if s.len() <= 100 {
        return format!("\"{s}\"");
    }
    let mut out = String::from("(\n");
    for chunk in s.as_bytes().chunks(100) {
        out.push_str(" \t\t\"");
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\"\n");
    }
    out.push_str("\t)");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn txt_strings_chunks() {
        assert_eq!(super::txt_strings("abc"), "\"abc\"");
        let long = "x".repeat(150);
        assert_eq!(
            super::txt_strings(&long),
            format!(
                "(\n \t\t\"{}\"\n \t\t\"{}\"\n\t)",
                "x".repeat(100),
                "x".repeat(50)
            )
        );
    }
}
