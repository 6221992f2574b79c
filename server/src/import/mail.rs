//! Reports the way they arrive: bare report files, RFC 5322 messages carrying them, and
//! mbox files of such messages. (A Maildir is a directory of messages; the caller reads
//! its files and hands each one here.)
//!
//! DMARC aggregate reports (RFC 7489 §7.2) come attached as XML, gzip or zip, often
//! inside `multipart/*`; TLS reports (RFC 8460 §5) as `application/tlsrpt+gzip` or
//! `application/tlsrpt+json`. Every MIME part is looked at with `mail-parser`, forwarded
//! messages included, and a part counts as a report by its content type or its file name.
//! The outcome is per *unit* (a bare file, or one message): the reports found in it, why
//! it was skipped (no report), or why it failed, so the caller can say what happened to
//! every message.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use sherpa_admin::api;

use super::compress::{Container, detect, gunzip};
use super::{ImportError, TlsReportImport, dmarc_reports, tls_reports};

/// Which reports an import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// DMARC aggregate reports only (`import dmarc`).
    Dmarc,
    /// TLS reports only (`import tlsrpt`).
    Tls,
    /// Both (`import reports`, the HTTP import).
    Any,
}

impl Wanted {
    fn takes(self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Wanted::Any, _) | (Wanted::Dmarc, Kind::Dmarc) | (Wanted::Tls, Kind::Tls)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dmarc,
    Tls,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Dmarc => "a DMARC report",
            Kind::Tls => "a TLS report",
        }
    }
}

/// One bare report file or one message, and what it held.
#[derive(Debug)]
pub struct Unit {
    /// The file, or for a message of an mbox file `FILE: message N`.
    pub name: String,
    /// The message's subject, when it is a message with one.
    pub subject: Option<String>,
    pub outcome: Outcome,
}

/// What a unit held.
#[derive(Debug)]
pub enum Outcome {
    /// Reports of the wanted kinds (possibly none of one kind), and notes on parts that
    /// were reports of a kind this import does not take.
    Reports {
        dmarc: Vec<api::DomainFeedback>,
        tls: Vec<TlsReportImport>,
        ignored: Vec<String>,
    },
    /// A message without any report in it: why, naming the parts it has.
    Skipped(String),
    /// A unit that should have held a report but could not be read.
    Failed(ImportError),
}

/// The units of one input file: a bare report file (one unit), an RFC 5322 message (one
/// unit), or an mbox file (one unit per message). Pure: never panics, whatever the bytes.
pub fn units(name: &str, bytes: &[u8], wanted: Wanted) -> Vec<Unit> {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let first = start.map(|i| text[i]);
    if detect(bytes) != Container::Plain || matches!(first, Some(b'<' | b'{' | b'[')) {
        return vec![bare_file(name, bytes, wanted)];
    }
    if bytes.starts_with(b"From ") {
        return mbox(name, bytes, wanted);
    }
    vec![message(name.to_string(), bytes, wanted)]
}

/// A report file as reporters write them (XML, JSON, gzip or zip of those).
fn bare_file(name: &str, bytes: &[u8], wanted: Wanted) -> Unit {
    let kind = match wanted {
        Wanted::Dmarc => Kind::Dmarc,
        Wanted::Tls => Kind::Tls,
        Wanted::Any => sniff_kind(bytes),
    };
    let outcome = match parse(name, kind, bytes) {
        Ok(found) => found.into_outcome(),
        Err(e) => Outcome::Failed(e),
    };
    Unit {
        name: name.to_string(),
        subject: None,
        outcome,
    }
}

/// DMARC (XML, or zip) or TLS (JSON), judged by the content after unpacking gzip.
fn sniff_kind(bytes: &[u8]) -> Kind {
    let unpacked;
    let data = match detect(bytes) {
        Container::Zip => return Kind::Dmarc,
        Container::Gzip => match gunzip(bytes) {
            Ok(d) => {
                unpacked = d;
                &unpacked[..]
            }
            // The DMARC parser reports the broken gzip as well as the TLS one would.
            Err(_) => return Kind::Dmarc,
        },
        Container::Plain => bytes,
    };
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    match data.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => Kind::Tls,
        _ => Kind::Dmarc,
    }
}

#[derive(Default)]
struct Found {
    dmarc: Vec<api::DomainFeedback>,
    tls: Vec<TlsReportImport>,
    ignored: Vec<String>,
}

impl Found {
    fn into_outcome(self) -> Outcome {
        Outcome::Reports {
            dmarc: self.dmarc,
            tls: self.tls,
            ignored: self.ignored,
        }
    }
}

fn parse(name: &str, kind: Kind, bytes: &[u8]) -> Result<Found, ImportError> {
    let mut found = Found::default();
    match kind {
        Kind::Dmarc => found.dmarc = dmarc_reports(name, bytes)?,
        Kind::Tls => found.tls = tls_reports(name, bytes)?,
    }
    Ok(found)
}

/// The messages of an mbox file (`From ` lines between them, `>From ` unescaped).
fn mbox(name: &str, bytes: &[u8], wanted: Wanted) -> Vec<Unit> {
    let mut out = Vec::new();
    for (i, m) in mail_parser::mailbox::mbox::MessageIterator::new(bytes).enumerate() {
        let unit_name = format!("{name}: message {}", i + 1);
        match m {
            Ok(m) => out.push(message(unit_name, m.contents(), wanted)),
            Err(e) => {
                out.push(Unit {
                    name: unit_name,
                    subject: None,
                    outcome: Outcome::Failed(ImportError::new(name, format!("reading: {e}"))),
                });
                break;
            }
        }
    }
    out
}

/// One RFC 5322 message: every report part in it.
fn message(name: String, raw: &[u8], wanted: Wanted) -> Unit {
    let parsed = looks_like_message(raw)
        .then(|| MessageParser::default().parse(raw))
        .flatten();
    let Some(msg) = parsed.filter(|m| !m.headers().is_empty()) else {
        return Unit {
            outcome: Outcome::Failed(ImportError::new(
                &name,
                "not a report (XML or JSON, possibly gzip or zip), an email message or an mbox file",
            )),
            name,
            subject: None,
        };
    };
    let subject = msg.subject().map(str::to_string);
    let mut found = Found::default();
    let mut seen = Vec::new();
    let outcome = match collect(&name, &msg, wanted, &mut found, &mut seen, 0) {
        Err(e) => Outcome::Failed(e),
        Ok(()) if found.dmarc.is_empty() && found.tls.is_empty() && found.ignored.is_empty() => {
            seen.dedup();
            Outcome::Skipped(format!("no report in it (parts: {})", seen.join(", ")))
        }
        Ok(()) => found.into_outcome(),
    };
    Unit {
        name,
        subject,
        outcome,
    }
}

/// Whether the bytes start with a header field (`Name:` with a name of printable ASCII),
/// as every message does: mail-parser reads anything as a message.
fn looks_like_message(raw: &[u8]) -> bool {
    let name_len = raw
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    name_len > 0 && raw.get(name_len) == Some(&b':')
}

/// Forwarded messages nest; a report is never deeper than this.
const MAX_NESTING: usize = 4;

fn collect(
    name: &str,
    msg: &mail_parser::Message<'_>,
    wanted: Wanted,
    found: &mut Found,
    seen: &mut Vec<String>,
    depth: usize,
) -> Result<(), ImportError> {
    for (i, part) in msg.parts.iter().enumerate() {
        let ctype = part
            .content_type()
            .map(|c| {
                format!(
                    "{}/{}",
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or("").to_ascii_lowercase()
                )
            })
            .unwrap_or_else(|| "text/plain".to_string());
        let file = part.attachment_name().unwrap_or("").to_string();
        let data = match &part.body {
            PartType::Multipart(_) => continue,
            PartType::Message(inner) => {
                if depth < MAX_NESTING {
                    collect(name, inner, wanted, found, seen, depth + 1)?;
                }
                continue;
            }
            PartType::Text(t) | PartType::Html(t) => t.as_bytes(),
            PartType::Binary(b) | PartType::InlineBinary(b) => b.as_ref(),
        };
        seen.push(ctype.clone());
        let Some(kind) = report_kind(&ctype, &file, data) else {
            continue;
        };
        let label = if file.is_empty() {
            format!("part {} ({ctype})", i + 1)
        } else {
            format!("attachment {file:?}")
        };
        if !wanted.takes(kind) {
            found.ignored.push(format!("{} in {label}", kind.label()));
            continue;
        }
        let part_name = format!("{name}: {label}");
        let mut got = parse(&part_name, kind, data)?;
        found.dmarc.append(&mut got.dmarc);
        found.tls.append(&mut got.tls);
    }
    Ok(())
}

/// Whether a part is a report, and which kind: by content type (RFC 7489 and RFC 8460
/// name them), else by file name, else (for generic binary types) by content.
fn report_kind(ctype: &str, file: &str, data: &[u8]) -> Option<Kind> {
    let file = file.to_ascii_lowercase();
    match ctype {
        "application/tlsrpt+gzip" | "application/tlsrpt+json" => return Some(Kind::Tls),
        "application/zip" | "application/x-zip-compressed" | "application/x-zip" => {
            return Some(Kind::Dmarc);
        }
        _ => {}
    }
    if file.ends_with(".json") || file.ends_with(".json.gz") {
        return Some(Kind::Tls);
    }
    if file.ends_with(".xml") || file.ends_with(".xml.gz") || file.ends_with(".zip") {
        return Some(Kind::Dmarc);
    }
    match ctype {
        "application/xml" | "text/xml" => Some(Kind::Dmarc),
        "application/gzip" | "application/x-gzip" | "application/octet-stream"
            if detect(data) != Container::Plain =>
        {
            Some(sniff_kind(data))
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Report emails as reporters send them, built here: a zip attachment (as Google
    //! sends), a gzip attachment (as Microsoft sends), a TLS-RPT gzip, a multipart with
    //! several reports, a forwarded report, and messages without reports.

    use super::*;
    use base64::Engine as _;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
    }

    fn b64(data: &[u8]) -> String {
        let text = base64::engine::general_purpose::STANDARD.encode(data);
        let lines: Vec<&str> = text
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        lines.join("\r\n")
    }

    /// A message with the given attachments: (content type, file name, bytes).
    pub(crate) fn report_mail(subject: &str, parts: &[(&str, &str, &[u8])]) -> Vec<u8> {
        let mut m = format!(
            "From: noreply-dmarc-support@google.com\r\nTo: dmarc-reports@example.org\r\n\
             Subject: {subject}\r\nMessage-ID: <{}@google.com>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThis is an aggregate report.\r\n",
            subject.len()
        );
        for (ctype, file, data) in parts {
            m.push_str(&format!(
                "--b1\r\nContent-Type: {ctype}; name=\"{file}\"\r\n\
                 Content-Disposition: attachment; filename=\"{file}\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
                b64(data)
            ));
        }
        m.push_str("--b1--\r\n");
        m.into_bytes()
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        crate::compress::gzip(data, flate2::Compression::default()).unwrap()
    }

    fn reports(u: &Unit) -> (usize, usize, &[String]) {
        match &u.outcome {
            Outcome::Reports {
                dmarc,
                tls,
                ignored,
            } => (dmarc.len(), tls.len(), ignored),
            other => panic!("{}: {other:?}", u.name),
        }
    }

    #[test]
    fn google_zip_attachment() {
        let zip = fixture("dmarc-reports.zip");
        let n = dmarc_reports("z", &zip).unwrap().len();
        let mail = report_mail(
            "Report domain: example.org Submitter: google.com",
            &[("application/zip", "google.com!example.org!1.zip", &zip)],
        );
        let u = units("m.eml", &mail, Wanted::Dmarc);
        assert_eq!(u.len(), 1);
        assert_eq!(reports(&u[0]).0, n);
        assert_eq!(
            u[0].subject.as_deref(),
            Some("Report domain: example.org Submitter: google.com")
        );
    }

    #[test]
    fn microsoft_gzip_attachment_and_tls_gzip() {
        let xml = fixture("dmarc-google.xml");
        let json = fixture("tlsrpt-google.json");
        let mail = report_mail(
            "Report Domain: example.org",
            &[(
                "application/gzip",
                "enterprise.protection.outlook.com!example.org.xml.gz",
                &gz(&xml),
            )],
        );
        assert_eq!(reports(&units("m", &mail, Wanted::Dmarc)[0]).0, 1);
        let tls = report_mail(
            "Report Domain: example.org Submitter: google.com",
            &[(
                "application/tlsrpt+gzip",
                "google.com!example.org!1!2!001.json.gz",
                &gz(&json),
            )],
        );
        assert_eq!(reports(&units("t", &tls, Wanted::Tls)[0]).1, 1);
        // The other kind's import notes it and takes nothing.
        let u = units("t", &tls, Wanted::Dmarc);
        let (d, t, ignored) = reports(&u[0]);
        assert_eq!((d, t), (0, 0));
        assert_eq!(
            ignored,
            ["a TLS report in attachment \"google.com!example.org!1!2!001.json.gz\""]
        );
    }

    #[test]
    fn several_reports_in_one_multipart_and_a_forwarded_one() {
        let xml = fixture("dmarc-google.xml");
        let yahoo = fixture("dmarc-yahoo.xml");
        let json = fixture("tlsrpt-google.json");
        let mail = report_mail(
            "Reports",
            &[
                ("text/xml", "a.xml", &xml),
                ("application/octet-stream", "b.xml.gz", &gz(&yahoo)),
                ("application/tlsrpt+json", "c.json", &json),
            ],
        );
        let u = units("m", &mail, Wanted::Any);
        assert_eq!(reports(&u[0]).0, 2);
        assert_eq!(reports(&u[0]).1, 1);

        let mut fwd = b"From: admin@example.org\r\nSubject: Fwd: Reports\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n\
            Content-Type: text/plain\r\n\r\nSee attached.\r\n--outer\r\n\
            Content-Type: message/rfc822\r\n\r\n"
            .to_vec();
        fwd.extend_from_slice(&mail);
        fwd.extend_from_slice(b"\r\n--outer--\r\n");
        let u = units("fwd", &fwd, Wanted::Any);
        assert_eq!(reports(&u[0]).0, 2, "{u:?}");
    }

    #[test]
    fn messages_without_reports_are_skipped_with_their_parts() {
        let mail = b"From: a@example.org\r\nSubject: hello\r\n\r\nJust text.\r\n";
        let u = units("plain.eml", mail, Wanted::Any);
        match &u[0].outcome {
            Outcome::Skipped(why) => assert_eq!(why, "no report in it (parts: text/plain)"),
            other => panic!("{other:?}"),
        }
        let pic = report_mail("Photo", &[("image/png", "cat.png", b"\x89PNG....")]);
        match &units("pic.eml", &pic, Wanted::Any)[0].outcome {
            Outcome::Skipped(why) => {
                assert_eq!(why, "no report in it (parts: text/plain, image/png)")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_broken_report_in_a_message_fails_naming_the_attachment() {
        let mail = report_mail(
            "Report",
            &[(
                "application/gzip",
                "r.xml.gz",
                &gz(b"<feedback></feedback>"),
            )],
        );
        match &units("m.eml", &mail, Wanted::Dmarc)[0].outcome {
            Outcome::Failed(e) => {
                assert!(
                    e.to_string()
                        .starts_with("m.eml: attachment \"r.xml.gz\": "),
                    "{e}"
                );
                assert!(e.to_string().contains("report_metadata"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mbox_messages_are_units_of_their_own() {
        let xml = fixture("dmarc-google.xml");
        let mut mbox = Vec::new();
        for (i, m) in [
            report_mail("one", &[("text/xml", "a.xml", &xml)]),
            b"From: x@example.org\r\nSubject: two\r\n\r\nFrom here on, text.\r\n".to_vec(),
            report_mail("three", &[("application/gzip", "a.xml.gz", &gz(&xml))]),
        ]
        .iter()
        .enumerate()
        {
            mbox.extend_from_slice(
                format!("From sender@example.org Mon Dec  {} 10:00:00 2026\n", i + 1).as_bytes(),
            );
            // mbox escapes body lines starting with "From ".
            let escaped = String::from_utf8_lossy(m).replace("\r\nFrom ", "\r\n>From ");
            mbox.extend_from_slice(escaped.as_bytes());
            mbox.push(b'\n');
        }
        let u = units("inbox.mbox", &mbox, Wanted::Dmarc);
        assert_eq!(u.len(), 3, "{u:?}");
        assert_eq!(u[0].name, "inbox.mbox: message 1");
        assert_eq!(reports(&u[0]).0, 1);
        assert!(matches!(u[1].outcome, Outcome::Skipped(_)), "{:?}", u[1]);
        assert_eq!(u[1].subject.as_deref(), Some("two"));
        assert_eq!(reports(&u[2]).0, 1);
    }

    #[test]
    fn bare_files_keep_working_and_any_tells_the_kinds_apart() {
        let xml = fixture("dmarc-google.xml");
        let json = fixture("tlsrpt-google.json");
        assert_eq!(reports(&units("a.xml", &xml, Wanted::Dmarc)[0]).0, 1);
        assert_eq!(reports(&units("a.xml", &xml, Wanted::Any)[0]).0, 1);
        assert_eq!(reports(&units("a.json", &json, Wanted::Any)[0]).1, 1);
        assert_eq!(
            reports(&units("a.json.gz", &gz(&json), Wanted::Any)[0]).1,
            1
        );
        match &units("a.xml", &xml, Wanted::Tls)[0].outcome {
            Outcome::Failed(e) => assert!(e.to_string().starts_with("a.xml: "), "{e}"),
            other => panic!("{other:?}"),
        }
        match &units("junk", b"\x00\x01binary", Wanted::Any)[0].outcome {
            Outcome::Failed(e) => assert_eq!(
                e.to_string(),
                "junk: not a report (XML or JSON, possibly gzip or zip), an email message or an mbox file"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn damaged_mail_never_panics() {
        let xml = fixture("dmarc-google.xml");
        let mail = report_mail("r", &[("application/gzip", "a.xml.gz", &gz(&xml))]);
        for cut in (0..mail.len()).step_by(7) {
            let _ = units("m", &mail[..cut], Wanted::Any);
            let mut flipped = mail.clone();
            flipped[cut] ^= 0x20;
            let _ = units("m", &flipped, Wanted::Any);
        }
    }
}
