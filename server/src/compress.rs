//! gzip for responses: whether a request accepts it, and compressing a body. Used for
//! API answers (by `http`) and for the web UI's assets (by `webui`).

use std::io::Write;

use actix_web::HttpRequest;
use actix_web::http::header;

/// Whether the request's `Accept-Encoding` allows gzip: listed, and not with `q=0`.
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// `body` gzipped at `level`: the default for answers made per request, the best for
/// assets compressed once.
pub fn gzip(body: &[u8], level: flate2::Compression) -> Option<Vec<u8>> {
    gzip_parts([body], level)
}

/// [`gzip`] of the concatenation of `parts`, without concatenating them first.
pub fn gzip_parts<P: AsRef<[u8]>>(
    parts: impl IntoIterator<Item = P> + Clone,
    level: flate2::Compression,
) -> Option<Vec<u8>> {
    let len: usize = parts.clone().into_iter().map(|p| p.as_ref().len()).sum();
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(len / 4 + 32), level);
    for part in parts {
        enc.write_all(part.as_ref()).ok()?;
    }
    enc.finish().ok()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn accept_encoding_like_browsers_send_it() {
        let accepts = |v: &str| {
            accepts_gzip(
                &TestRequest::default()
                    .insert_header(("Accept-Encoding", v))
                    .to_http_request(),
            )
        };
        assert!(accepts("gzip"));
        assert!(accepts("br, GZIP;q=0.5"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn gzip_round_trips() {
        let body = b"{\"result\":[1,2,3]}".repeat(100);
        let z = gzip(&body, flate2::Compression::default()).expect("compresses");
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&z[..])
            .read_to_end(&mut out)
            .expect("decompresses");
        assert_eq!(out, body);
    }
}
