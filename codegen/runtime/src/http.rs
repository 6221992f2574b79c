//! Framework-independent pieces of Go's sherpa HTTP handler: the content type check
//! of POST calls (Go's `mime.ParseMediaType` rules and messages) and query string
//! parsing for GET calls (Go's `url.ParseQuery`). The actix glue uses them; servers on
//! other stacks can too.

use crate::error::Error;
use crate::gojson::{self, quote_bytes};

/// Go's content type checks for a POST call, in Go's order and with its messages:
/// missing, unparsable, not `application/json`, a `charset` other than `utf-8`. `ct` is
/// the raw `Content-Type` header value (empty when absent).
pub fn check_content_type(ct: &[u8]) -> Result<(), Error> {
    if ct.is_empty() {
        return Err(Error::bad_request("missing content-type"));
    }
    let text = String::from_utf8_lossy(ct);
    let Ok((mt, params)) = parse_media_type(&text) else {
        return Err(Error::bad_request(format!(
            "invalid content-type {}",
            quote_bytes(ct)
        )));
    };
    if mt != "application/json" {
        return Err(Error::bad_request(format!(
            "unrecognized content-type {}, expecting \"application/json\"",
            gojson::quote(&mt)
        )));
    }
    if let Some((_, charset)) = params.iter().find(|(k, _)| k == "charset")
        && charset.to_lowercase() != "utf-8"
    {
        return Err(Error::bad_request(format!(
            "unexpected charset {}, expecting \"utf-8\"",
            gojson::quote(charset)
        )));
    }
    Ok(())
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes in a path (Go serves the decoded path); malformed escapes are
/// kept as they are.
/// Whether a request path has a `%` that does not start a two-hex-digit escape. Go's
/// HTTP server refuses such a URL before any handler sees it; [`BAD_REQUEST_BODY`] is its
/// answer.
pub fn has_bad_escape(path: &str) -> bool {
    let b = path.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && !(b.get(i + 1).is_some_and(|h| hexval(*h).is_some())
                && b.get(i + 2).is_some_and(|l| hexval(*l).is_some()))
    })
}

/// The body of Go's HTTP server's answer to a request it cannot parse (status 400,
/// `text/plain; charset=utf-8`, connection closed).
pub const BAD_REQUEST_BODY: &str = "400 Bad Request";

pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Query parameters as (name, value) byte strings, in order.
pub type Query = Vec<(Vec<u8>, Vec<u8>)>;

/// Go's `url.ParseQuery`: `&`-separated pairs, `+` as space, `%XX` escapes; a `;` in a
/// pair or a bad escape is an error: Go sherpa's `sherpa:badRequest`
/// `could not parse query string`.
pub fn parse_query(q: &[u8]) -> Result<Query, Error> {
    fn unescape(s: &[u8]) -> Result<Vec<u8>, ()> {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'%' => {
                    let h = s.get(i + 1).and_then(|&c| hexval(c)).ok_or(())?;
                    let l = s.get(i + 2).and_then(|&c| hexval(c)).ok_or(())?;
                    out.push(h << 4 | l);
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        Ok(out)
    }
    let mut out = Vec::new();
    let mut failed = false;
    for pair in q.split(|&c| c == b'&') {
        if pair.contains(&b';') {
            failed = true;
            continue;
        }
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.iter().position(|&c| c == b'=') {
            Some(p) => (&pair[..p], &pair[p + 1..]),
            None => (pair, &pair[..0]),
        };
        match (unescape(k), unescape(v)) {
            (Ok(k), Ok(v)) => out.push((k, v)),
            _ => failed = true,
        }
    }
    if failed {
        Err(Error::bad_request("could not parse query string"))
    } else {
        Ok(out)
    }
}

fn is_token_char(c: char) -> bool {
    (c as u32) > 0x20 && (c as u32) < 0x7f && !"()<>@,;:\\\"/[]?=".contains(c)
}

fn consume_token(v: &str) -> (&str, &str) {
    match v.find(|c| !is_token_char(c)) {
        None => (v, ""),
        Some(p) => (&v[..p], &v[p..]),
    }
}

fn consume_value(v: &str) -> (String, &str) {
    if !v.starts_with('"') {
        let (t, rest) = consume_token(v);
        return (t.to_string(), rest);
    }
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 1;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            return (String::from_utf8_lossy(&out).into_owned(), &v[i + 1..]);
        }
        if c == b'\\' && i + 1 < b.len() && "()<>@,;:\\\"/[]?=".as_bytes().contains(&b[i + 1]) {
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        if c == b'\r' || c == b'\n' {
            return (String::new(), v);
        }
        out.push(c);
        i += 1;
    }
    (String::new(), v)
}

/// Go's `mime.ParseMediaType`: the lower-cased media type and its parameters
/// (lower-cased names; RFC 2231 continuations stitched together).
fn parse_media_type(v: &str) -> Result<(String, Vec<(String, String)>), ()> {
    let base = v.split(';').next().unwrap_or("");
    let mt = base.to_lowercase().trim().to_string();
    // checkMediaTypeDisposition
    let (typ, rest) = consume_token(&mt);
    if typ.is_empty() {
        return Err(());
    }
    if !rest.is_empty() {
        let Some(rest) = rest.strip_prefix('/') else {
            return Err(());
        };
        let (sub, rest) = consume_token(rest);
        if sub.is_empty() || !rest.is_empty() {
            return Err(());
        }
    }
    let mut params: Vec<(String, String)> = Vec::new();
    let mut continuation: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut v = &v[base.len()..];
    loop {
        v = v.trim_start();
        if v.is_empty() {
            break;
        }
        let Some((key, value, rest)) = consume_media_param(v) else {
            if v.trim() == ";" {
                break;
            }
            return Err(());
        };
        let map = match key.split_once('*') {
            Some((base_name, _)) => {
                let idx = match continuation.iter().position(|(b, _)| b == base_name) {
                    Some(i) => i,
                    None => {
                        continuation.push((base_name.to_string(), Vec::new()));
                        continuation.len() - 1
                    }
                };
                &mut continuation[idx].1
            }
            None => &mut params,
        };
        if let Some((_, existing)) = map.iter().find(|(k, _)| *k == key)
            && *existing != value
        {
            return Err(());
        }
        map.push((key, value));
        v = rest;
    }
    for (key, pieces) in continuation {
        let get = |k: &str| {
            pieces
                .iter()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.as_str())
        };
        if let Some(v) = get(&format!("{key}*")) {
            if let Some(d) = decode_2231(v) {
                params.push((key, d));
            }
            continue;
        }
        let mut buf = String::new();
        let mut valid = false;
        for n in 0.. {
            let simple = format!("{key}*{n}");
            if let Some(v) = get(&simple) {
                valid = true;
                buf.push_str(v);
                continue;
            }
            let Some(v) = get(&format!("{simple}*")) else {
                break;
            };
            valid = true;
            if n == 0 {
                if let Some(d) = decode_2231(v) {
                    buf.push_str(&d);
                }
            } else {
                buf.push_str(&percent_decode(v));
            }
        }
        if valid {
            params.push((key, buf));
        }
    }
    Ok((mt, params))
}

/// RFC 2231 `charset'lang'percent-encoded` values, for us-ascii and utf-8 only.
fn decode_2231(v: &str) -> Option<String> {
    let mut parts = v.splitn(3, '\'');
    let charset = parts.next()?.to_lowercase();
    let _lang = parts.next()?;
    let encoded = parts.next()?;
    if charset != "us-ascii" && charset != "utf-8" {
        return None;
    }
    Some(percent_decode(encoded))
}

fn consume_media_param(v: &str) -> Option<(String, String, &str)> {
    let rest = v.trim_start().strip_prefix(';')?.trim_start();
    let (param, rest) = consume_token(rest);
    if param.is_empty() {
        return None;
    }
    let param = param.to_lowercase();
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let (value, rest2) = consume_value(rest);
    if value.is_empty() && rest2.len() == rest.len() {
        return None;
    }
    Some((param, value, rest2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_escapes() {
        for bad in ["/api/Echo%zz", "/api/%", "/api/x%4", "/%g0"] {
            assert!(has_bad_escape(bad), "{bad}");
        }
        for ok in ["/api/Echo", "/api/a%20b", "/api/%4A%4a"] {
            assert!(!has_bad_escape(ok), "{ok}");
        }
    }

    #[test]
    fn content_types_like_go() {
        let msg = |ct: &str| check_content_type(ct.as_bytes()).err().map(|e| e.message);
        assert_eq!(msg(""), Some("missing content-type".into()));
        for ok in [
            "application/json",
            "application/json; charset=UTF-8",
            "APPLICATION/JSON",
            "application/json; foo=bar",
            "application/json;charset=\"UTF-8\"",
            "application/json;",
            "application/json; charset*=utf-8''UTF-8",
        ] {
            assert_eq!(msg(ok), None, "{ok}");
        }
        assert_eq!(
            msg("application/json;;"),
            Some("invalid content-type \"application/json;;\"".into())
        );
        assert_eq!(
            msg("application/json; a=1; a=2"),
            Some("invalid content-type \"application/json; a=1; a=2\"".into())
        );
        assert_eq!(
            msg("application/"),
            Some("invalid content-type \"application/\"".into())
        );
        assert_eq!(
            msg("text/plain"),
            Some("unrecognized content-type \"text/plain\", expecting \"application/json\"".into())
        );
        assert_eq!(
            msg(" Text "),
            Some("unrecognized content-type \"text\", expecting \"application/json\"".into())
        );
        assert_eq!(
            msg("application/json; charset=latin1"),
            Some("unexpected charset \"latin1\", expecting \"utf-8\"".into())
        );
    }

    #[test]
    fn queries_like_go() {
        let q = parse_query(b"body=%7B%22a%22%7D&x&callback=cb&body=2&a+b=c+d").unwrap();
        assert_eq!(q[0], (b"body".to_vec(), b"{\"a\"}".to_vec()));
        assert_eq!(q[1], (b"x".to_vec(), b"".to_vec()));
        assert_eq!(q[4], (b"a b".to_vec(), b"c d".to_vec()));
        assert!(parse_query(b"body=%zz").is_err());
        assert!(parse_query(b"a=1;b=2").is_err());
        assert!(parse_query(b"a=%4").is_err());
        assert_eq!(parse_query(b"").unwrap(), vec![]);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("echo"), "echo");
        assert_eq!(percent_decode("%65cho%2Fx%zz%"), "echo/x%zz%");
    }
}
