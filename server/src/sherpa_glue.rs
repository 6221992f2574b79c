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

/// Checks the request content type like Go's sherpa handler (the runtime's check, which
/// follows Go's media-type parsing; a missing header counts as empty).
pub fn check_content_type(ct: Option<&str>) -> Result<(), Error> {
    rt::http::check_content_type(ct.unwrap_or_default().as_bytes())
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
