//! The step between the HTTP routing and the runtime's `handle`: Go sherpa's content-type
//! check (after the unknown-function check, as in Go) and the runtime options mox uses.

use sherpa_admin::api::Dispatcher;
use sherpa_admin::runtime::{self as rt, Dispatch, Error, Options};

use crate::api::{AdminApi, Ctx};

/// The answer of an API call.
pub struct Out {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Runtime options: mox's `NoCORS`, strict parameters, no GET; the version reported by `_docs`.
pub fn options() -> Options {
    Options {
        version: env!("CARGO_PKG_VERSION").to_string(),
        cors: false,
        get: false,
        jsonp: false,
        descriptor: false,
        ..Options::default()
    }
}

/// Go's `mime.ParseMediaType` as far as sherpa needs it: the lower-cased media type and the
/// `charset` parameter, or None when the value is malformed.
fn parse_media_type(v: &str) -> Option<(String, Option<String>)> {
    let mut parts = v.split(';');
    let mt = parts.next()?.trim().to_ascii_lowercase();
    let (t, s) = mt.split_once('/')?;
    let token = |x: &str| {
        !x.is_empty()
            && x.chars()
                .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=".contains(c))
    };
    if !token(t) || !token(s) {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    let mut charset = None;
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in rest.iter().enumerate() {
        let p = p.trim();
        if p.is_empty() {
            // One trailing semicolon is ignored, as in Go; other empty parameters are errors.
            if i == rest.len() - 1 {
                continue;
            }
            return None;
        }
        let (k, val) = p.split_once('=')?;
        let k = k.trim().to_ascii_lowercase();
        let val = val.trim();
        if !token(&k) {
            return None;
        }
        let val = if let Some(q) = val.strip_prefix('"') {
            q.strip_suffix('"')?.to_string()
        } else if token(val) {
            val.to_string()
        } else {
            return None;
        };
        if !seen.insert(k.clone()) {
            return None;
        }
        if k == "charset" {
            charset = Some(val);
        }
    }
    Some((mt, charset))
}

/// Checks the request content type like Go's sherpa handler.
pub fn check_content_type(ct: Option<&str>) -> Result<(), Error> {
    let Some(ct) = ct.filter(|c| !c.is_empty()) else {
        return Err(Error::bad_request("missing content-type"));
    };
    let Some((mt, charset)) = parse_media_type(ct) else {
        return Err(Error::bad_request(format!(
            "invalid content-type {}",
            rt::gojson::quote(ct)
        )));
    };
    if mt != "application/json" {
        return Err(Error::bad_request(format!(
            "unrecognized content-type {}, expecting \"application/json\"",
            rt::gojson::quote(&mt)
        )));
    }
    if let Some(cs) = charset
        && !cs.eq_ignore_ascii_case("utf-8")
    {
        return Err(Error::bad_request(format!(
            "unexpected charset {}, expecting \"utf-8\"",
            rt::gojson::quote(&cs)
        )));
    }
    Ok(())
}

/// Calls `function` with the request body.
pub async fn call(
    d: &Dispatcher<AdminApi>,
    ctx: &Ctx,
    function: &str,
    content_type: Option<&str>,
    body: &[u8],
    opts: &Options,
) -> Out {
    let json = |status: u16, body: Vec<u8>| Out {
        status,
        headers: vec![
            (
                "Content-Type".to_string(),
                "application/json; charset=utf-8".to_string(),
            ),
            ("Cache-Control".to_string(), "no-store".to_string()),
        ],
        body,
    };
    let known = function == rt::DOCS_FUNCTION || d.schema().function(function).is_some();
    if known && let Err(e) = check_content_type(content_type) {
        let r = rt::Response::error(&e);
        return json(r.status, r.body);
    }
    let r = rt::handle(d, ctx, function, body, opts).await;
    json(r.status, r.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_like_go() {
        for ok in [
            "application/json",
            "application/json; charset=UTF-8",
            "APPLICATION/JSON",
            "application/json; foo=bar",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert!(check_content_type(Some(ok)).is_ok(), "{ok}");
        }
        assert_eq!(
            check_content_type(None).unwrap_err().message,
            "missing content-type"
        );
        assert_eq!(
            check_content_type(Some("text/plain")).unwrap_err().message,
            "unrecognized content-type \"text/plain\", expecting \"application/json\""
        );
        assert_eq!(
            check_content_type(Some("application/json; charset=latin1"))
                .unwrap_err()
                .message,
            "unexpected charset \"latin1\", expecting \"utf-8\""
        );
        assert_eq!(
            check_content_type(Some("application/json;;"))
                .unwrap_err()
                .message,
            "invalid content-type \"application/json;;\""
        );
    }
}
