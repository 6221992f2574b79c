//! Turning the bytes of an XML file into text, and small helpers for walking a roxmltree
//! document with positioned error messages.

use roxmltree::Node;

/// Decodes an XML document to a string.
///
/// roxmltree works on `&str` and ignores the declared encoding, so decoding happens here:
/// UTF-8 (with or without byte order mark), UTF-16 with a byte order mark, and ISO-8859-1 /
/// US-ASCII when the XML declaration says so. Anything else that is not valid UTF-8 is an
/// error naming the offset of the first bad byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => match declared_encoding(bytes).as_deref() {
            Some("iso-8859-1" | "latin1" | "iso_8859-1" | "l1") => {
                Ok(bytes.iter().map(|&b| char::from(b)).collect())
            }
            Some(enc) if enc != "utf-8" && enc != "utf8" => Err(format!(
                "unsupported character encoding {enc:?} (invalid UTF-8 at byte offset {})",
                e.valid_up_to()
            )),
            _ => Err(format!("invalid UTF-8 at byte offset {}", e.valid_up_to())),
        },
    }
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| format!("invalid UTF-8 at byte offset {}", e.valid_up_to() + 3))
}

fn utf16(bytes: &[u8], conv: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("UTF-16 text has an odd number of bytes".to_string());
    }
    let units = bytes.chunks_exact(2).map(|c| conv([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| {
            format!(
                "invalid UTF-16: unpaired surrogate {:#06x}",
                e.unpaired_surrogate()
            )
        })
}

/// The lower-cased `encoding` of an ASCII XML declaration, if present.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(200)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = String::from_utf8_lossy(&head[..end]);
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_ascii_lowercase())
}

/// `line L column C: <name>` for messages about an element.
pub(crate) fn at(node: Node<'_, '_>) -> String {
    let pos = node.document().text_pos_at(node.range().start);
    format!(
        "line {} column {}: <{}>",
        pos.row,
        pos.col,
        node.tag_name().name()
    )
}

/// The element children of a node, looked up by local name (namespaces are ignored, as Go's
/// encoding/xml does for mox's untagged-namespace fields, so DMARCbis reports with the
/// `urn:ietf:params:xml:ns:dmarc-2.0` namespace read the same).
pub(crate) struct Kids<'a, 'i> {
    parent: Node<'a, 'i>,
    list: Vec<Node<'a, 'i>>,
}

impl<'a, 'i> Kids<'a, 'i> {
    pub fn of(parent: Node<'a, 'i>) -> Kids<'a, 'i> {
        Kids {
            parent,
            list: parent.children().filter(|n| n.is_element()).collect(),
        }
    }

    /// The element with this name, if there is one. Two of them is an error: the report would
    /// be ambiguous, and silently keeping one would hide data.
    pub fn opt(&self, name: &str) -> Result<Option<Node<'a, 'i>>, String> {
        let mut found = None;
        for n in &self.list {
            if n.tag_name().name() == name {
                if found.is_some() {
                    return Err(format!("{}: duplicate element", at(*n)));
                }
                found = Some(*n);
            }
        }
        Ok(found)
    }

    /// The element with this name; missing is an error.
    pub fn req(&self, name: &str) -> Result<Node<'a, 'i>, String> {
        self.opt(name)?
            .ok_or_else(|| format!("{}: missing required element <{name}>", at(self.parent)))
    }

    /// All elements with this name, in document order.
    pub fn all(&self, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + '_ {
        self.list
            .iter()
            .copied()
            .filter(move |n| n.tag_name().name() == name)
    }

    /// The trimmed text of the optional element with this name, `""` when absent.
    pub fn text(&self, name: &str) -> Result<String, String> {
        match self.opt(name)? {
            Some(n) => text(n),
            None => Ok(String::new()),
        }
    }
}

/// The trimmed character data of an element that must hold text only. Reporters
/// pretty-print their XML, so surrounding white space is not part of the value.
pub(crate) fn text(node: Node<'_, '_>) -> Result<String, String> {
    let mut s = String::new();
    for c in node.children() {
        if c.is_element() {
            return Err(format!(
                "{}: expected text, found element <{}>",
                at(node),
                c.tag_name().name()
            ));
        }
        if let Some(t) = c.text().filter(|_| c.is_text()) {
            s.push_str(t);
        }
    }
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        assert_eq!(decode(b"<a>x</a>").unwrap(), "<a>x</a>");
        assert_eq!(decode(b"\xef\xbb\xbf<a>\xc3\xa9</a>").unwrap(), "<a>é</a>");
        assert_eq!(decode(b"\xff\xfe<\0a\0/\0>\0").unwrap(), "<a/>");
        assert_eq!(decode(b"\xfe\xff\0<\0a\0/\0>").unwrap(), "<a/>");
        assert_eq!(
            decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>").unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>"
        );
    }

    #[test]
    fn decode_errors() {
        assert_eq!(
            decode(b"<a>\xff</a>").unwrap_err(),
            "invalid UTF-8 at byte offset 3"
        );
        assert_eq!(
            decode(b"<?xml version='1.0' encoding='EUC-JP'?><a>\xff</a>").unwrap_err(),
            "unsupported character encoding \"euc-jp\" (invalid UTF-8 at byte offset 42)"
        );
        assert_eq!(
            decode(b"\xff\xfe<\0a").unwrap_err(),
            "UTF-16 text has an odd number of bytes"
        );
        assert_eq!(
            decode(b"\xff\xfe\x00\xd8a\0").unwrap_err(),
            "invalid UTF-16: unpaired surrogate 0xd800"
        );
    }

    #[test]
    fn kids_and_text() {
        let doc = roxmltree::Document::parse(
            "<r>\n <a> x <!-- c --> y </a>\n <b/><b>2</b><c><d/></c>\n</r>",
        )
        .unwrap();
        let k = Kids::of(doc.root_element());
        assert_eq!(k.text("a").unwrap(), "x  y");
        assert_eq!(k.text("zz").unwrap(), "");
        assert_eq!(k.all("b").count(), 2);
        assert_eq!(
            k.opt("b").unwrap_err(),
            "line 3 column 6: <b>: duplicate element"
        );
        assert_eq!(
            k.req("zz").unwrap_err(),
            "line 1 column 1: <r>: missing required element <zz>"
        );
        assert_eq!(
            k.text("c").unwrap_err(),
            "line 3 column 14: <c>: expected text, found element <d>"
        );
    }
}
