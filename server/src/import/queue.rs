//! RFC 5322 messages for the outgoing queue (`queue add`).

use sherpa_admin::api;
use sherpa_admin::runtime::{Bytes, Timestamp};

use super::ImportError;
use super::addr::{Path, parse_path};

/// A message ready to be queued: what mox's `queue.MakeMsg` derives from the SMTP
/// transaction and the message, plus the message bytes to store as the queue file.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedMessage {
    /// Empty for the null reverse path `<>` (bounces).
    pub sender_localpart: api::Localpart,
    pub sender_domain: api::IPDomain,
    pub recipient_localpart: api::Localpart,
    pub recipient_domain: api::IPDomain,
    /// mox's `formatIPDomain`: the domain's Unicode-preferring name, or `[ip]`.
    pub recipient_domain_str: String,
    /// The message has bytes with the high bit set, so delivery needs 8BITMIME.
    pub has8bit: bool,
    /// Delivery needs SMTPUTF8: a localpart or a header (of any MIME part) is non-ASCII,
    /// the test mox's SMTP server applies to submitted messages.
    pub smtputf8: bool,
    /// The `Message-ID` header value as written (with angle brackets), `""` when absent.
    pub message_id: String,
    /// The message with CRLF line endings, as SMTP requires and mox stores it.
    pub data: Vec<u8>,
}

impl QueuedMessage {
    /// Full size, as mox's `Msg.Size` (there is no prefix for imported messages).
    pub fn size(&self) -> i64 {
        i64::try_from(self.data.len()).unwrap_or(i64::MAX)
    }

    /// The queue record for this message, as mox's `queue.Add` would write it: queued and
    /// first attempt at `now`, no attempts yet, default max attempts, no forced transport,
    /// `RequireTLS` following the recipient domain's policy.
    pub fn to_msg(&self, id: i64, now: Timestamp, sender_account: &str) -> api::Msg {
        api::Msg {
            id,
            queued: now,
            sender_account: sender_account.to_string(),
            sender_localpart: self.sender_localpart.clone(),
            sender_domain: self.sender_domain.clone(),
            recipient_localpart: self.recipient_localpart.clone(),
            recipient_domain: self.recipient_domain.clone(),
            recipient_domain_str: self.recipient_domain_str.clone(),
            next_attempt: now,
            last_attempt: None,
            has8bit: self.has8bit,
            smtputf8: self.smtputf8,
            size: self.size(),
            message_id: self.message_id.clone(),
            msg_prefix: Bytes(Vec::new()),
            ..api::Msg::default()
        }
    }
}

/// Prepares a message for the queue from the SMTP envelope and an RFC 5322 message (an
/// `.eml` file).
///
/// `from` is the `MAIL FROM` address, `""` or `<>` for the null sender; `to` the `RCPT TO`
/// address. Both may be in angle brackets; localparts may be quoted or UTF-8, domains are
/// IDNA names or address literals (`[192.0.2.1]`, `[IPv6:…]`). Line endings are normalised
/// to CRLF. The message must be non-empty and start with a header section of well-formed
/// fields (folded lines allowed), ending at the first empty line or at the end of the data.
/// `from_name` is only used in error messages.
pub fn queue_message(
    from: &str,
    to: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<QueuedMessage, ImportError> {
    let err = |m: String| ImportError::new(file_name, m);
    let sender = match from.trim() {
        "" | "<>" => Path::default(),
        s => parse_path(s).map_err(|e| err(format!("sender: {e}")))?,
    };
    let rcpt = parse_path(to.trim()).map_err(|e| err(format!("recipient: {e}")))?;
    if bytes.is_empty() {
        return Err(err("empty message".into()));
    }
    let data = crlf(bytes);
    let (header, body) = split_header(&data);
    check_header(header).map_err(err)?;
    let message_id = header_value(header, "message-id")
        .map(|v| String::from_utf8_lossy(&v).trim().to_string())
        .unwrap_or_default();
    let smtputf8 = !sender.localpart.is_ascii()
        || !rcpt.localpart.is_ascii()
        || part_needs_utf8(header, body, 0);
    let recipient_domain_str = rcpt.domain_str();
    Ok(QueuedMessage {
        sender_localpart: api::Localpart(sender.localpart),
        sender_domain: sender.domain,
        recipient_localpart: api::Localpart(rcpt.localpart),
        recipient_domain: rcpt.domain,
        recipient_domain_str,
        has8bit: data.iter().any(|b| *b >= 0x80),
        smtputf8,
        message_id,
        data,
    })
}

/// Replaces bare LF with CRLF (files on disk usually have Unix line endings).
fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// Splits CRLF data at the first empty line: (header including its last CRLF, body).
fn split_header(data: &[u8]) -> (&[u8], &[u8]) {
    if data.starts_with(b"\r\n") {
        return (&[], &data[2..]);
    }
    match data.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => (&data[..i + 2], &data[i + 4..]),
        None => (data, &[]),
    }
}

/// Checks that every header line is a field (`name: value`, name of printable ASCII without
/// `:`) or a continuation of one.
fn check_header(header: &[u8]) -> Result<(), String> {
    if header.is_empty() {
        return Err("message has no header".into());
    }
    for (i, line) in header.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue; // After the final CRLF.
        }
        let n = i + 1;
        if line[0] == b' ' || line[0] == b'\t' {
            if i == 0 {
                return Err("line 1: header starts with a continuation line".into());
            }
            continue;
        }
        let colon = line.iter().position(|b| *b == b':');
        let name = &line[..colon.unwrap_or(line.len())];
        if colon.is_none() || name.is_empty() || !name.iter().all(|b| (33..=126).contains(b)) {
            let hint = if i == 0 && line.starts_with(b"From ") {
                " (an mbox \"From \" line? remove it)"
            } else {
                ""
            };
            let shown = String::from_utf8_lossy(&line[..line.len().min(40)]);
            return Err(format!("line {n}: not a header field: {shown:?}{hint}"));
        }
    }
    Ok(())
}

/// The unfolded value of the first header field with this (lower-case) name.
fn header_value(header: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut lines = header
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    while let Some(line) = lines.next() {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        if line[0] == b' '
            || line[0] == b'\t'
            || !line[..colon]
                .trim_ascii_end()
                .eq_ignore_ascii_case(name.as_bytes())
        {
            continue;
        }
        let mut value = line[colon + 1..].to_vec();
        for cont in lines.by_ref() {
            if cont.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                value.extend_from_slice(cont);
            } else {
                break;
            }
        }
        return Some(value);
    }
    None
}

/// How deep multiparts are followed; deeper parts are not inspected (mail clients do not
/// nest this deep, and recursion must stay bounded on hostile input).
const MAX_MIME_DEPTH: usize = 20;

/// Whether this part's header, or that of any part nested in it through multiparts, has
/// non-ASCII bytes.
fn part_needs_utf8(header: &[u8], body: &[u8], depth: usize) -> bool {
    if !header.is_ascii() {
        return true;
    }
    if depth >= MAX_MIME_DEPTH {
        return false;
    }
    let Some(boundary) = multipart_boundary(header) else {
        return false;
    };
    subparts(body, &boundary).into_iter().any(|part| {
        let (h, b) = split_header(part);
        part_needs_utf8(h, b, depth + 1)
    })
}

/// The boundary of a `multipart/*` Content-Type, if this part is one.
fn multipart_boundary(header: &[u8]) -> Option<Vec<u8>> {
    let ct = header_value(header, "content-type")?;
    let ct = String::from_utf8_lossy(&ct).into_owned();
    let mut params = split_params(&ct).into_iter();
    let media = params.next()?.trim().to_ascii_lowercase();
    if !media.starts_with("multipart/") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim();
        let v = match v.strip_prefix('"') {
            Some(q) => {
                let mut s = String::new();
                let mut chars = q.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => s.extend(chars.next()),
                        c => s.push(c),
                    }
                }
                s
            }
            None => v.to_string(),
        };
        (!v.is_empty()).then(|| v.into_bytes())
    })
}

/// Splits a header value at `;` outside quoted strings.
fn split_params(v: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let (mut quoted, mut escaped) = (false, false);
    for c in v.chars() {
        let cur = out.last_mut();
        match (c, quoted, escaped) {
            (_, true, true) => escaped = false,
            ('\\', true, false) => escaped = true,
            ('"', _, false) => quoted = !quoted,
            (';', false, _) => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(cur) = cur {
            cur.push(c);
        }
    }
    out
}

/// The parts of a multipart body (RFC 2046 §5.1.1): the text between delimiter lines
/// `--boundary`, ending at `--boundary--` or the end of the data. The preamble is skipped.
fn subparts<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(boundary);
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let end = body[pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(body.len(), |i| pos + i);
        let line = &body[pos..end];
        if let Some(rest) = line.strip_prefix(delim.as_slice()) {
            let closing = rest.starts_with(b"--");
            if closing || rest.iter().all(|b| *b == b' ' || *b == b'\t') {
                if let Some(s) = start {
                    // The CRLF before the delimiter belongs to the delimiter.
                    parts.push(&body[s..pos.saturating_sub(2).max(s)]);
                }
                if closing {
                    return parts;
                }
                start = Some((end + 2).min(body.len()));
            }
        }
        pos = end + 2;
    }
    if let Some(s) = start {
        parts.push(&body[s.min(body.len())..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn q(from: &str, to: &str, msg: &[u8]) -> Result<QueuedMessage, String> {
        queue_message(from, to, "m.eml", msg).map_err(|e| e.to_string())
    }

    #[test]
    fn plain_fixture() {
        let raw = fixture("queue-plain.eml");
        let m = queue_message(
            "mjl@example.org",
            "<Remote@Example.NET>",
            "queue-plain.eml",
            &raw,
        )
        .unwrap();
        assert_eq!(m.sender_localpart.0, "mjl");
        assert_eq!(m.sender_domain.domain.ascii, "example.org");
        assert_eq!(m.sender_domain.ip.0, "");
        assert_eq!(m.recipient_localpart.0, "Remote");
        assert_eq!(m.recipient_domain.domain.ascii, "example.net");
        assert_eq!(m.recipient_domain_str, "example.net");
        assert!(!m.has8bit);
        assert!(!m.smtputf8);
        assert_eq!(m.message_id, "<20240105101112.abc123@example.org>");
        // LF-only file: every LF became CRLF.
        let lf = raw.iter().filter(|b| **b == b'\n').count();
        assert!(!raw.contains(&b'\r'));
        assert_eq!(m.data.len(), raw.len() + lf);
        assert_eq!(m.size(), (raw.len() + lf) as i64);
        assert!(
            m.data
                .starts_with(b"From: Mechiel <mjl@example.org>\r\nTo: ")
        );
        assert!(!m.data.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
    }

    #[test]
    fn utf8_multipart_fixture() {
        let raw = fixture("queue-utf8-multipart.eml");
        let m = queue_message("<>", "møller@[IPv6:2001:db8::1]", "x.eml", &raw).unwrap();
        assert_eq!(m.sender_localpart.0, "");
        assert_eq!(m.sender_domain, api::IPDomain::default());
        assert_eq!(m.recipient_localpart.0, "møller");
        assert_eq!(m.recipient_domain.ip.0, "2001:db8::1");
        assert_eq!(m.recipient_domain_str, "[2001:db8::1]");
        assert!(m.has8bit);
        assert!(m.smtputf8);
        // CRLF file: unchanged.
        assert_eq!(m.data, raw);
        assert_eq!(m.message_id, "<multi.1@example.org>");
    }

    #[test]
    fn smtputf8_only_from_nested_part_header() {
        // Top-level header ASCII; the UTF-8 is in the header of a nested part (a filename).
        let raw = fixture("queue-utf8-multipart.eml");
        let m = queue_message("mjl@example.org", "remote@example.net", "x.eml", &raw).unwrap();
        assert!(m.smtputf8);
        // Same message with the UTF-8 only in a body: 8bit but no SMTPUTF8.
        let msg = b"Subject: hi\r\nContent-Type: multipart/mixed; boundary=\"b 1\"\r\n\r\npre\r\n--b 1\r\nContent-Type: text/plain\r\n\r\nh\xc3\xa9llo\r\n--b 1--\r\n";
        let m = q("mjl@example.org", "remote@example.net", msg).unwrap();
        assert!(m.has8bit);
        assert!(!m.smtputf8);
        let msg = b"Subject: hi\r\nContent-Type: multipart/mixed; boundary=\"b 1\"\r\n\r\n--b 1\r\nContent-Type: text/plain; name=\"h\xc3\xa9\"\r\n\r\nx\r\n--b 1--\r\n";
        assert!(
            q("mjl@example.org", "remote@example.net", msg)
                .unwrap()
                .smtputf8
        );
        // Localpart alone.
        assert!(
            q(
                "møller@example.org",
                "r@example.net",
                b"Subject: x\r\n\r\nbody"
            )
            .unwrap()
            .smtputf8
        );
    }

    #[test]
    fn header_only_and_folded_message_id() {
        let m = q(
            "a@example.org",
            "b@example.org",
            b"Message-ID:\n <folded@x>\nSubject: none",
        )
        .unwrap();
        assert_eq!(m.message_id, "<folded@x>");
        assert_eq!(m.data, b"Message-ID:\r\n <folded@x>\r\nSubject: none");
        let m = q(
            "a@example.org",
            "b@example.org",
            b"Subject: no id\n\nbody\n",
        )
        .unwrap();
        assert_eq!(m.message_id, "");
    }

    #[test]
    fn to_msg_fields() {
        let m = q(
            "mjl@example.org",
            "b@[192.0.2.1]",
            b"Subject: x\r\n\r\nbody\r\n",
        )
        .unwrap();
        let now: Timestamp = serde_json::from_str("\"2024-01-05T10:11:12Z\"").unwrap();
        let msg = m.to_msg(7, now, "mjl");
        assert_eq!(msg.id, 7);
        assert_eq!(msg.queued, now);
        assert_eq!(msg.next_attempt, now);
        assert_eq!(msg.last_attempt, None);
        assert_eq!(msg.sender_account, "mjl");
        assert_eq!(msg.sender_localpart.0, "mjl");
        assert_eq!(msg.recipient_domain.ip.0, "192.0.2.1");
        assert_eq!(msg.recipient_domain_str, "[192.0.2.1]");
        assert_eq!(msg.size, 20);
        assert_eq!(msg.attempts, 0);
        assert_eq!(msg.max_attempts, 0);
        assert_eq!(msg.transport, "");
        assert_eq!(msg.require_tls, None);
    }

    #[test]
    fn errors() {
        let ok = b"Subject: x\r\n\r\nbody";
        let cases: Vec<(&str, &str, &[u8], &str)> = vec![
            (
                "",
                "",
                ok,
                "m.eml: recipient: address \"\": invalid email address: empty localpart",
            ),
            (
                "<>",
                "nobody",
                ok,
                "m.eml: recipient: address \"nobody\": invalid email address: missing @ after localpart",
            ),
            (
                "bad@",
                "b@example.org",
                ok,
                "m.eml: sender: address \"bad@\": invalid email address: empty domain",
            ),
            (
                "a@example.org",
                "b@example.org",
                b"",
                "m.eml: empty message",
            ),
            (
                "a@example.org",
                "b@example.org",
                b"\nbody only",
                "m.eml: message has no header",
            ),
            (
                "a@example.org",
                "b@example.org",
                b" folded\nSubject: x\n\n",
                "m.eml: line 1: header starts with a continuation line",
            ),
            (
                "a@example.org",
                "b@example.org",
                b"Subject: x\nno colon here\n\nbody",
                "m.eml: line 2: not a header field: \"no colon here\"",
            ),
            (
                "a@example.org",
                "b@example.org",
                b"From mjl@example.org Fri Jan  5 10:11:12 2024\nSubject: x\n\n",
                "m.eml: line 1: not a header field: \"From mjl@example.org Fri Jan  5 10:11:12\" (an mbox \"From \" line? remove it)",
            ),
            (
                "a@example.org",
                "b@example.org",
                b": empty name\n\n",
                "m.eml: line 1: not a header field: \": empty name\"",
            ),
        ];
        for (from, to, msg, want) in cases {
            assert_eq!(q(from, to, msg).unwrap_err(), want);
        }
    }

    #[test]
    fn mime_helpers() {
        assert_eq!(
            multipart_boundary(
                b"Content-Type: Multipart/Mixed;\r\n boundary=\"a;b\\\"c\"; x=y\r\n"
            ),
            Some(b"a;b\"c".to_vec())
        );
        assert_eq!(
            multipart_boundary(b"Content-Type: multipart/alternative; boundary=xyz\r\n"),
            Some(b"xyz".to_vec())
        );
        assert_eq!(
            multipart_boundary(b"Content-Type: text/plain; boundary=xyz\r\n"),
            None
        );
        assert_eq!(
            multipart_boundary(b"Content-Type: multipart/mixed\r\n"),
            None
        );
        let body = b"preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b \r\n\r\ntwo\r\n--b--\r\nepilogue\r\n--b\r\nignored";
        assert_eq!(
            subparts(body, b"b"),
            vec![&b"A: 1\r\n\r\none"[..], &b"\r\ntwo"[..]]
        );
        // Unterminated: the last part runs to the end.
        assert_eq!(
            subparts(b"--b\r\nx\r\n--bb\r\ny", b"b"),
            vec![&b"x\r\n--bb\r\ny"[..]]
        );
        assert!(subparts(b"no delimiters", b"b").is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut msg = Vec::new();
        for i in 0..200 {
            msg.extend(
                format!("Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n").bytes(),
            );
        }
        msg.extend(b"Subject: caf\xc3\xa9\r\n\r\nx\r\n");
        let m = q("a@example.org", "b@example.org", &msg).unwrap();
        // The UTF-8 header is below the inspected depth.
        assert!(!m.smtputf8);
        assert!(m.has8bit);
    }

    #[test]
    fn crlf_conversion() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
        assert_eq!(crlf(b"\n\n"), b"\r\n\r\n");
        assert_eq!(crlf(b"a\rb"), b"a\rb");
    }
}
