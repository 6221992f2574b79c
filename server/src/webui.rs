//! The admin web interface: the page at `/admin/` and its two assets, `admin.js` and
//! `admin.css`, embedded in the binary from `server/web/` (the checked-in build output in
//! `server/web/dist/`; see `server/web/build.mjs`).
//!
//! Like mox, the page itself needs no authentication: it only holds code, and every API call
//! it makes is authenticated. Unlike mox, the script and styles are separate files, so that
//! the page can be served with a strict Content-Security-Policy (no inline script) and the
//! assets can be cached for good: the page refers to them as `admin.js?v=<content hash>`,
//! and a request with the current version is answered with an immutable cache lifetime. The
//! page itself is always revalidated (`no-cache` with an ETag), so a new binary takes effect
//! at the next load.
//!
//! The API reference (`/admin/api-docs`, generated from `api.json` at build time) is
//! served here too, but only to a logged-in administrator (the caller checks the
//! session): a self-contained page whose inline style and script are allowed by their
//! hashes in its Content-Security-Policy, and nothing else.
//!
//! For development, the environment variable `SERVER_WEB_DIR` (e.g. `server/web`) makes the
//! server read the files from that directory on every request instead, so a rebuilt bundle
//! shows up on reload without rebuilding the binary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine as _;

use crate::compress::{accepts_gzip, gzip};

/// Environment variable naming a directory to serve the page from (development).
pub const WEB_DIR_ENV: &str = "SERVER_WEB_DIR";

const INDEX_HTML: &[u8] = include_bytes!("../web/index.html");
const ADMIN_JS: &[u8] = include_bytes!("../web/dist/admin.js");
const ADMIN_CSS: &[u8] = include_bytes!("../web/dist/admin.css");

/// The policy for the page: its own script and styles only, API calls to its own origin,
/// never framed. (The `data:` image source is for the empty favicon.)
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// One servable file, with its gzip variant and validators computed once.
#[derive(Debug)]
struct Asset {
    body: Vec<u8>,
    /// Only when it is smaller than the body.
    gz: Option<Vec<u8>>,
    content_type: &'static str,
    /// Content hash, in the ETag and in the `?v=` of the page's references.
    version: String,
}

impl Asset {
    fn new(body: Vec<u8>, content_type: &'static str) -> Asset {
        let gz = gzip(&body, flate2::Compression::best()).filter(|z| z.len() < body.len());
        Asset {
            version: version(&body),
            body,
            gz,
            content_type,
        }
    }
}

#[derive(Debug)]
struct Assets {
    index: Asset,
    js: Asset,
    css: Asset,
}

/// A short content hash (FNV-1a, 64 bits) as hex: it only distinguishes versions of our own
/// files for caching, it need not resist forgery.
fn version(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Builds the set from the three files: the page's references to the assets get their
/// versions appended.
fn assemble(index: &[u8], js: Vec<u8>, css: Vec<u8>) -> Assets {
    let js = Asset::new(js, JS);
    let css = Asset::new(css, CSS);
    let html = String::from_utf8_lossy(index)
        .replacen("\"admin.js\"", &format!("\"admin.js?v={}\"", js.version), 1)
        .replacen(
            "\"admin.css\"",
            &format!("\"admin.css?v={}\"", css.version),
            1,
        );
    Assets {
        index: Asset::new(html.into_bytes(), HTML),
        js,
        css,
    }
}

fn embedded() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| assemble(INDEX_HTML, ADMIN_JS.to_vec(), ADMIN_CSS.to_vec()))
}

fn web_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        std::env::var_os(WEB_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .as_deref()
}

/// Reads the files from a development directory laid out like `server/web/`.
fn from_dir(dir: &Path) -> Result<Assets, String> {
    let read = |p: PathBuf| std::fs::read(&p).map_err(|e| format!("reading {}: {e}", p.display()));
    let index = read(dir.join("index.html"))?;
    let js = read(dir.join("dist").join("admin.js"))?;
    let css = read(dir.join("dist").join("admin.css"))?;
    Ok(assemble(&index, js, css))
}

fn text(status: StatusCode, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(format!("{body}\n"))
}

/// Whether an `If-None-Match` header lists `etag` (or is `*`).
fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// The query's `v` parameter.
fn requested_version(req: &HttpRequest) -> Option<&str> {
    req.query_string()
        .split('&')
        .find_map(|kv| kv.strip_prefix("v="))
}

fn respond(
    req: &HttpRequest,
    asset: &Asset,
    cache_control: &str,
    csp: Option<&str>,
) -> HttpResponse {
    let gz = asset.gz.as_ref().filter(|_| accepts_gzip(req));
    // Each representation has its own validator.
    let etag = format!(
        "\"{}{}\"",
        asset.version,
        if gz.is_some() { "-gz" } else { "" }
    );
    let mut resp = if not_modified(req, &etag) {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("X-Frame-Options", "deny"))
        .insert_header(("Referrer-Policy", "same-origin"));
    if let Some(csp) = csp {
        resp.insert_header((header::CONTENT_SECURITY_POLICY, csp));
    }
    if not_modified(req, &etag) {
        return resp.finish();
    }
    resp.insert_header((header::CONTENT_TYPE, asset.content_type));
    match gz {
        Some(z) => {
            resp.insert_header((header::CONTENT_ENCODING, "gzip"));
            resp.body(z.clone())
        }
        None => resp.body(asset.body.clone()),
    }
}

/// Answers requests for the page and its assets; `rest` is the cleaned path below
/// `/admin`. Returns None for every other path, which the caller handles (API calls, and
/// 403/404 for anything else).
pub fn serve(req: &HttpRequest, rest: &str) -> Option<HttpResponse> {
    let which = match rest {
        "/" => 0,
        "/admin.js" => 1,
        "/admin.css" => 2,
        _ => return None,
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return Some(text(
            StatusCode::METHOD_NOT_ALLOWED,
            "405 - method not allowed - use get",
        ));
    }
    let loaded;
    let (assets, dev) = match web_dir() {
        Some(dir) => match from_dir(dir) {
            Ok(a) => {
                loaded = a;
                (&loaded, true)
            }
            Err(e) => {
                tracing::error!(target: "server::webui", error = %e, "serving the admin page from {WEB_DIR_ENV}");
                return Some(text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("500 - internal server error - {e}"),
                ));
            }
        },
        None => (embedded(), false),
    };
    let asset = match which {
        0 => &assets.index,
        1 => &assets.js,
        _ => &assets.css,
    };
    let cache_control = if dev {
        "no-cache"
    } else if which != 0 && requested_version(req) == Some(asset.version.as_str()) {
        // The URL names this exact content: it can be kept for good.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(respond(
        req,
        asset,
        cache_control,
        (which == 0).then_some(PAGE_CSP),
    ))
}

/// The path of the API reference below `/admin`.
pub const REFERENCE_PATH: &str = "/api-docs";

/// The reference page and the policy that allows exactly its own inline style and
/// script.
fn reference_page() -> &'static (Asset, String) {
    static PAGE: OnceLock<(Asset, String)> = OnceLock::new();
    PAGE.get_or_init(|| {
        let html = sherpa_admin::API_REFERENCE_HTML;
        let csp = format!(
            "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            inline_hash(html, "script"),
            inline_hash(html, "style"),
        );
        (Asset::new(html.as_bytes().to_vec(), HTML), csp)
    })
}

/// The CSP source for the contents of the page's first `<tag>` element: its SHA-256
/// hash, or `'none'` when the page has no such element.
fn inline_hash(html: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let Some(start) = html.find(&open).map(|i| i + open.len()) else {
        return "'none'".to_string();
    };
    let Some(len) = html[start..].find(&close) else {
        return "'none'".to_string();
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, &html.as_bytes()[start..start + len]);
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// The API reference for a GET or HEAD request whose session the caller has checked. It is not
/// secret (the same schema is at `/admin/api/_docs`), but it is part of the admin
/// interface, so it is kept in private caches only and revalidated.
pub fn reference(req: &HttpRequest) -> HttpResponse {
    let (asset, csp) = reference_page();
    respond(req, asset, "private, no-cache", Some(csp))
}

/// What a browser without a session gets for the reference: a short page pointing to
/// the login, instead of the bare 403 text other admin paths answer with.
pub fn reference_needs_login() -> HttpResponse {
    HttpResponse::build(StatusCode::FORBIDDEN)
        .insert_header((header::CONTENT_TYPE, HTML))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ))
        .body(concat!(
            "<!doctype html>\n<html lang=\"en\">\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>Log in first</title>\n",
            "<p>The API reference is for administrators: <a href=\"./\">log in on the admin page</a>, ",
            "then follow its \u{201c}API reference\u{201d} link.</p>\n",
        ))
}

/// The bytes of the page, script and styles as embedded (uncompressed), for reporting the
/// page weight.
pub fn embedded_sizes() -> (usize, usize, usize) {
    let a = embedded();
    (a.index.body.len(), a.js.body.len(), a.css.body.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use actix_web::test::TestRequest;

    fn header<'a>(resp: &'a HttpResponse, name: &str) -> &'a str {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn body(resp: HttpResponse) -> Vec<u8> {
        resp.into_body()
            .try_into_bytes()
            .map(|b| b.to_vec())
            .unwrap_or_default()
    }

    #[test]
    fn page_refers_to_versioned_assets_and_has_strict_csp() {
        let req = TestRequest::get().uri("/admin/").to_http_request();
        let resp = serve(&req, "/").unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header(&resp, "content-type"), HTML);
        assert_eq!(header(&resp, "cache-control"), "no-cache");
        assert_eq!(header(&resp, "content-security-policy"), PAGE_CSP);
        assert_eq!(header(&resp, "x-frame-options"), "deny");
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff");
        let html = String::from_utf8(body(resp)).unwrap();
        let a = embedded();
        assert!(
            html.contains(&format!("src=\"admin.js?v={}\"", a.js.version)),
            "{html}"
        );
        assert!(
            html.contains(&format!("href=\"admin.css?v={}\"", a.css.version)),
            "{html}"
        );
    }

    #[test]
    fn assets_have_content_types_and_cache_by_version() {
        let a = embedded();
        let req = TestRequest::get()
            .uri(&format!("/admin/admin.js?v={}", a.js.version))
            .to_http_request();
        let resp = serve(&req, "/admin.js").unwrap();
        assert_eq!(header(&resp, "content-type"), JS);
        assert_eq!(
            header(&resp, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(body(resp), ADMIN_JS);

        // An old or missing version must be revalidated.
        let req = TestRequest::get()
            .uri("/admin/admin.css?v=0")
            .to_http_request();
        let resp = serve(&req, "/admin.css").unwrap();
        assert_eq!(header(&resp, "content-type"), CSS);
        assert_eq!(header(&resp, "cache-control"), "no-cache");
        assert_eq!(body(resp), ADMIN_CSS);
    }

    #[test]
    fn conditional_requests_get_304() {
        let req = TestRequest::get().uri("/admin/").to_http_request();
        let resp = serve(&req, "/").unwrap();
        let etag = header(&resp, "etag").to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'));
        let req = TestRequest::get()
            .uri("/admin/")
            .insert_header(("If-None-Match", format!("\"other\", {etag}")))
            .to_http_request();
        let resp = serve(&req, "/").unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&resp, "etag"), etag);
        assert!(body(resp).is_empty());
    }

    #[test]
    fn gzip_when_accepted() {
        let req = TestRequest::get()
            .uri("/admin/admin.js")
            .insert_header(("Accept-Encoding", "br, gzip"))
            .to_http_request();
        let resp = serve(&req, "/admin.js").unwrap();
        assert_eq!(header(&resp, "content-encoding"), "gzip");
        assert!(header(&resp, "etag").ends_with("-gz\""));
        let z = body(resp);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&z[..]), &mut out).unwrap();
        assert_eq!(out, ADMIN_JS);

        let req = TestRequest::get()
            .uri("/admin/admin.js")
            .insert_header(("Accept-Encoding", "gzip;q=0"))
            .to_http_request();
        let resp = serve(&req, "/admin.js").unwrap();
        assert_eq!(header(&resp, "content-encoding"), "");
    }

    #[test]
    fn other_methods_and_paths() {
        let req = TestRequest::post().uri("/admin/").to_http_request();
        let resp = serve(&req, "/").unwrap();
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
        let req = TestRequest::get().uri("/admin/other.js").to_http_request();
        assert!(serve(&req, "/other.js").is_none());
        assert!(serve(&req, "/api/Login").is_none());
    }

    #[test]
    fn dev_directory_is_read_and_versioned() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("dist")).unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<script src=\"admin.js\"></script><link href=\"admin.css\">",
        )
        .unwrap();
        std::fs::write(dir.path().join("dist/admin.js"), "console.log(1)").unwrap();
        std::fs::write(dir.path().join("dist/admin.css"), "body{}").unwrap();
        let a = from_dir(dir.path()).unwrap();
        assert_eq!(a.js.body, b"console.log(1)");
        let html = String::from_utf8(a.index.body.clone()).unwrap();
        assert_eq!(
            html,
            format!(
                "<script src=\"admin.js?v={}\"></script><link href=\"admin.css?v={}\">",
                a.js.version, a.css.version
            )
        );
        std::fs::remove_file(dir.path().join("dist/admin.css")).unwrap();
        let err = from_dir(dir.path()).unwrap_err();
        assert!(err.contains("admin.css"), "{err}");
    }

    #[test]
    fn reference_policy_allows_exactly_its_inline_style_and_script() {
        let req = TestRequest::get()
            .uri("/admin/api-docs")
            .insert_header(("Accept-Encoding", "gzip"))
            .to_http_request();
        let resp = reference(&req);
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(header(&resp, "content-encoding"), "gzip");
        let csp = header(&resp, "content-security-policy").to_string();
        let html = sherpa_admin::API_REFERENCE_HTML;
        for tag in ["script", "style"] {
            let hash = inline_hash(html, tag);
            assert!(hash.starts_with("'sha256-") && hash.len() > 50, "{hash}");
            assert!(csp.contains(&format!("{tag}-src {hash}")), "{csp}");
        }
        // Exactly one of each, so the hashes cover everything inline.
        assert_eq!(html.matches("<script").count(), 1);
        assert_eq!(html.matches("<style").count(), 1);
        // A changed script no longer matches the hash.
        let edited = html.replacen("<script>\n", "<script>\n//\n", 1);
        assert_ne!(inline_hash(&edited, "script"), inline_hash(html, "script"));
        assert_eq!(inline_hash("<p>no script</p>", "script"), "'none'");
        assert_eq!(inline_hash("<script>unclosed", "script"), "'none'");
    }

    #[test]
    fn reference_login_page_is_inert() {
        let resp = reference_needs_login();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(header(&resp, "content-security-policy").starts_with("default-src 'none'"));
        let html = String::from_utf8(body(resp)).unwrap();
        assert!(html.contains("href=\"./\""), "{html}");
    }

    #[test]
    fn embedded_bundle_is_the_built_one() {
        // The page must load the bundle, not a leftover placeholder.
        let (html, js, css) = embedded_sizes();
        assert!(
            html > 200 && js > 10_000 && css > 1_000,
            "{html} {js} {css}"
        );
        assert!(String::from_utf8_lossy(INDEX_HTML).contains("id=\"page\""));
    }
}
