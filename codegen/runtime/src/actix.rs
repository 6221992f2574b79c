//! actix-web glue: the HTTP side of a Go sherpa handler.
//!
//! # Design
//!
//! Two levels, so a server can use as much of Go's handler as it wants:
//!
//! - [`Sherpa`] is the whole handler mounted at a path, like Go's
//!   `sherpa.NewHandler(path, ...)`: the HTML page at the base path, `sherpa.json`,
//!   `sherpa.js`, and every other remaining path as a function name (verbatim after
//!   percent-decoding: `a/b` and `echo/` are unknown functions). [`Sherpa::scope`] gives
//!   an actix [`Scope`] to register with an `App`; [`Sherpa::serve`] can be called
//!   from a custom route. The per-request context of the functions is made by a
//!   `Fn(&HttpRequest) -> D::Context` factory given to [`Sherpa::new`].
//! - [`respond`] handles a single function path, for servers that route and
//!   authenticate requests themselves and then hand the call over with their own
//!   context (method checks, content type, body limit, GET/JSONP, CORS, and the call).
//!
//! The behaviour follows Go's handler, including its order of checks (an unknown
//! function is a 404 before the content type is looked at), messages and headers
//! (`Cache-Control: no-store` on calls, `no-cache` on `sherpa.json`/`sherpa.js`,
//! `405 method not allowed` as text with `nosniff`). Where Go has options, so does
//! [`Options`]: CORS on or off (off: no `Access-Control-*` headers and `OPTIONS` is 405),
//! GET calls and JSONP on or off, serving the descriptor paths or not, lax parameter
//! parsing. Unlike Go, request bodies are limited ([`Options::body_limit`]) and a
//! panicking function gets a 500 `server:panic` answer instead of a dropped connection.
//! The base path without its trailing slash is redirected (301), as Go's `ServeMux` does.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, Scope, web};
use futures_util::StreamExt as _;

use crate::dispatch::{DOCS_FUNCTION, Dispatch, Options, Response, body_too_large, handle_def};
use crate::error::Error;
use crate::gojson::{self, quote_bytes};
use crate::http::{check_content_type, parse_query, percent_decode};
use crate::schema::FunctionDef;

const JSON_TYPE: &str = "application/json; charset=utf-8";
const JS_TYPE: &str = "text/javascript; charset=utf-8";

/// A sherpa API served at a mount path, like Go's `sherpa.NewHandler`. Cheap to clone.
pub struct Sherpa<D: Dispatch> {
    inner: Arc<Inner<D>>,
}

type ContextFn<C> = dyn Fn(&HttpRequest) -> C + Send + Sync;

struct Inner<D: Dispatch> {
    /// Mount path with leading and trailing slash, e.g. `/api/`.
    path: String,
    /// The last non-empty element of the path (`api`), the JS global's name.
    id: String,
    dispatcher: D,
    context: Box<ContextFn<D::Context>>,
    opts: Options,
    /// `SherpadocVersion` of the document, for `sherpa.json`.
    sherpadoc_version: i64,
}

impl<D: Dispatch> Clone for Sherpa<D> {
    fn clone(&self) -> Self {
        Sherpa {
            inner: self.inner.clone(),
        }
    }
}

impl<D: Dispatch> Sherpa<D> {
    /// Serves `dispatcher` at `path` (a leading and trailing `/` are added if
    /// missing). `context` makes the per-request context passed to the functions.
    pub fn new(
        path: &str,
        dispatcher: D,
        context: impl Fn(&HttpRequest) -> D::Context + Send + Sync + 'static,
        opts: Options,
    ) -> Sherpa<D> {
        let mut p = String::with_capacity(path.len() + 2);
        if !path.starts_with('/') {
            p.push('/');
        }
        p.push_str(path);
        if !p.ends_with('/') {
            p.push('/');
        }
        let id = path_id(&p).to_string();
        let sherpadoc_version = crate::docs_section(dispatcher.schema(), &opts.version)
            .map(|d| d.sherpadoc_version)
            .unwrap_or(0);
        Sherpa {
            inner: Arc::new(Inner {
                path: p,
                id,
                dispatcher,
                context: Box::new(context),
                opts,
                sherpadoc_version,
            }),
        }
    }

    /// The mount path, with leading and trailing slash.
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// The dispatcher.
    pub fn dispatcher(&self) -> &D {
        &self.inner.dispatcher
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.inner.opts
    }

    /// An actix scope serving everything under the mount path (and redirecting the
    /// path without its trailing slash). Call it in the `HttpServer::new` closure.
    pub fn scope(&self) -> Scope {
        let prefix = self.inner.path.trim_end_matches('/').to_string();
        let this = self.clone();
        web::scope(&prefix).default_service(web::to(
            move |req: HttpRequest, payload: web::Payload| {
                let this = this.clone();
                async move { this.serve(req, payload).await }
            },
        ))
    }

    /// Serves one request whose path lies under the mount path.
    pub async fn serve(&self, req: HttpRequest, payload: web::Payload) -> HttpResponse {
        let inner = &*self.inner;
        let path = req.uri().path();
        if crate::http::has_bad_escape(path) {
            return bad_url();
        }
        let Some(rest) = path.strip_prefix(inner.path.as_str()) else {
            if path == inner.path.trim_end_matches('/') {
                return redirect(&req, &inner.path);
            }
            return HttpResponse::NotFound()
                .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
                .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .body("404 page not found\n");
        };
        let name = percent_decode(rest);
        let opts = &inner.opts;
        if opts.descriptor {
            let mut resp = match name.as_str() {
                "" => Some(self.base_page(&req)),
                "sherpa.json" => Some(match *req.method() {
                    Method::OPTIONS if opts.cors => HttpResponse::NoContent().finish(),
                    Method::GET => {
                        if let Some(c) = &opts.collector {
                            c.json();
                        }
                        let mut body = self.descriptor_json(&req).into_bytes();
                        body.push(b'\n');
                        HttpResponse::Ok()
                            .insert_header((header::CONTENT_TYPE, JSON_TYPE))
                            .insert_header((header::CACHE_CONTROL, "no-cache"))
                            .body(body)
                    }
                    _ => method_not_allowed(),
                }),
                "sherpa.js" => Some(match *req.method() {
                    Method::GET => {
                        if let Some(c) = &opts.collector {
                            c.javascript();
                        }
                        let js = SHERPA_JS.replace("{{SHERPA_JSON}}", &self.descriptor_json(&req));
                        HttpResponse::Ok()
                            .insert_header((header::CONTENT_TYPE, JS_TYPE))
                            .insert_header((header::CACHE_CONTROL, "no-cache"))
                            .body(js)
                    }
                    _ => method_not_allowed(),
                }),
                _ => None,
            };
            if let Some(r) = resp.as_mut()
                && opts.cors
            {
                add_cors(r.headers_mut());
            }
            if let Some(r) = resp {
                return r;
            }
        }
        let ctx = (inner.context)(&req);
        respond(&req, payload, &name, &inner.dispatcher, &ctx, opts).await
    }

    /// `sherpa.json`, compact, without trailing newline.
    fn descriptor_json(&self, req: &HttpRequest) -> String {
        #[derive(serde::Serialize)]
        struct Descriptor<'a> {
            id: &'a str,
            title: &'a str,
            functions: Vec<&'a str>,
            baseurl: String,
            version: &'a str,
            #[serde(rename = "sherpaVersion")]
            sherpa_version: i64,
            #[serde(rename = "sherpadocVersion")]
            sherpadoc_version: i64,
        }
        let inner = &*self.inner;
        let schema = inner.dispatcher.schema();
        let mut functions: Vec<&str> = schema.functions.iter().map(|f| f.name).collect();
        if !functions.contains(&DOCS_FUNCTION) {
            functions.push(DOCS_FUNCTION);
        }
        let d = Descriptor {
            id: &inner.id,
            title: schema.name,
            functions,
            baseurl: base_url(req, &inner.path),
            version: &inner.opts.version,
            sherpa_version: 1,
            sherpadoc_version: inner.sherpadoc_version,
        };
        // Only strings and integers: encoding cannot fail.
        gojson::to_string(&d).unwrap_or_default()
    }

    fn base_page(&self, req: &HttpRequest) -> HttpResponse {
        let inner = &*self.inner;
        page_at(
            req,
            &inner.path,
            &inner.id,
            inner.dispatcher.schema().name,
            &inner.opts,
        )
    }
}

/// The API's id as Go's handler derives it from the mount path: its last element.
fn path_id(path: &str) -> &str {
    path.split('/').rfind(|s| !s.is_empty()).unwrap_or("")
}

/// The HTML page Go's handler answers a `GET` of the API's base path with (the API's
/// name, version and id, and links to its documentation and `sherpa.js`), for servers
/// that route requests themselves and call [`respond`] for functions. `path` is the
/// mount path, e.g. `/admin/api/`.
pub fn base_page<D: Dispatch>(
    req: &HttpRequest,
    path: &str,
    d: &D,
    opts: &Options,
) -> HttpResponse {
    page_at(req, path, path_id(path), d.schema().name, opts)
}

fn page_at(req: &HttpRequest, path: &str, id: &str, name: &str, opts: &Options) -> HttpResponse {
    let base = base_url(req, path);
    let doc_url = format!("https://www.sherpadoc.org/#{base}");
    let js_url = format!("{base}sherpa.js");
    let page = BASE_PAGE
        .replace("{{TITLE}}", &html_escape(name))
        .replace("{{VERSION}}", &html_escape(&opts.version))
        .replace("{{ID}}", &html_escape(id))
        .replace("{{DOCURL}}", &html_escape(&doc_url))
        .replace("{{JSURL}}", &html_escape(&js_url));
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(page)
}

/// Handles a request for one function, like the function branch of Go's handler:
/// `OPTIONS` (204 with CORS, else 405), `POST` (content type checks, then the call),
/// `GET` with `?body=` and `?callback=` (when enabled), 405 for other methods. CORS
/// headers are added when [`Options::cors`] is set. `ctx` is passed to the function.
pub async fn respond<D: Dispatch>(
    req: &HttpRequest,
    payload: web::Payload,
    function: &str,
    d: &D,
    ctx: &D::Context,
    opts: &Options,
) -> HttpResponse {
    let mut resp = match *req.method() {
        Method::OPTIONS if opts.cors => HttpResponse::NoContent().finish(),
        Method::POST => post(req, payload, function, d, ctx, opts).await,
        Method::GET if opts.get => get(req, function, d, ctx, opts).await,
        _ => method_not_allowed(),
    };
    if opts.cors {
        add_cors(resp.headers_mut());
    }
    resp
}

/// Looks `function` up once: `Ok` with its definition (`None` for `_docs`), or `Err`
/// for an unknown function.
fn lookup<D: Dispatch>(d: &D, function: &str) -> Result<Option<&'static FunctionDef>, ()> {
    match d.schema().function(function) {
        Some(def) => Ok(Some(def)),
        None if function == DOCS_FUNCTION => Ok(None),
        None => Err(()),
    }
}

/// A sherpa answer as an HTTP response: its status, the JSON body, and the headers of
/// every call answer (`Content-Type: application/json; charset=utf-8`,
/// `Cache-Control: no-store`).
///
/// A long body goes out in slices of [`STREAM_CHUNK`] bytes (with its length, so still
/// with `Content-Length`): actix copies each piece it is given into its write buffer in
/// one go, so a large answer given whole would hold the worker thread, and every other
/// connection on it, for the time of that copy.
pub fn json_response(r: Response) -> HttpResponse {
    let mut b = HttpResponse::build(
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    b.insert_header((header::CONTENT_TYPE, JSON_TYPE))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if r.body.len() <= STREAM_CHUNK {
        return b.body(r.body);
    }
    let body = if r.body.len() >= FREE_ELSEWHERE {
        actix_web::web::Bytes::from_owner(FreedElsewhere(r.body))
    } else {
        actix_web::web::Bytes::from(r.body)
    };
    let len = body.len();
    let pieces = (0..len).step_by(STREAM_CHUNK).map(move |at| {
        Ok::<_, std::convert::Infallible>(body.slice(at..(at + STREAM_CHUNK).min(len)))
    });
    b.body(actix_web::body::SizedStream::new(
        len as u64,
        futures_util::stream::iter(pieces),
    ))
}

/// The size of the slices a long answer is sent in (see [`json_response`]).
pub const STREAM_CHUNK: usize = 64 << 10;

/// Answers at least this long are freed on a thread of their own once sent: handing
/// tens of megabytes back to the system takes the kernel milliseconds, which would
/// otherwise be spent on the worker thread that sent the last slice.
const FREE_ELSEWHERE: usize = 4 << 20;

/// A sent answer's buffer, freed off the worker thread (see [`FREE_ELSEWHERE`]).
struct FreedElsewhere(Vec<u8>);

impl AsRef<[u8]> for FreedElsewhere {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for FreedElsewhere {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.0);
        // When no thread can be started, the closure and the buffer are dropped here.
        let _ = std::thread::Builder::new()
            .name("sherpa-free".into())
            .spawn(move || drop(buffer));
    }
}

fn protocol_error(opts: &Options, e: Error) -> HttpResponse {
    if let Some(c) = &opts.collector {
        c.protocol_error();
    }
    json_response(Response::error(&e))
}

fn bad_function(opts: &Options, function: &str) -> HttpResponse {
    if let Some(c) = &opts.collector {
        c.bad_function();
    }
    json_response(Response::error(&Error::bad_function(function)))
}

async fn post<D: Dispatch>(
    req: &HttpRequest,
    payload: web::Payload,
    function: &str,
    d: &D,
    ctx: &D::Context,
    opts: &Options,
) -> HttpResponse {
    let Ok(def) = lookup(d, function) else {
        return bad_function(opts, function);
    };
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes())
        .unwrap_or(b"");
    if let Err(e) = check_content_type(ct) {
        return protocol_error(opts, e);
    }
    let read = read_body(req, payload, opts.body_limit);
    let body = match opts.body_timeout {
        None => read.await,
        Some(t) => actix_web::rt::time::timeout(t, read)
            .await
            .unwrap_or_else(|_| {
                Err(Error::bad_request(format!(
                    "reading request body: timeout after {t:?}"
                )))
            }),
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return protocol_error(opts, e),
    };
    json_response(handle_def(d, ctx, function, def, &body, opts).await)
}

async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(body_too_large(limit));
    }
    let mut body = Vec::with_capacity(declared.map_or(256, |n| n as usize));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Error::bad_request(format!("reading request body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(body_too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn get<D: Dispatch>(
    req: &HttpRequest,
    function: &str,
    d: &D,
    ctx: &D::Context,
    opts: &Options,
) -> HttpResponse {
    let Ok(def) = lookup(d, function) else {
        return bad_function(opts, function);
    };
    let query = match parse_query(req.query_string().as_bytes()) {
        Ok(q) => q,
        Err(e) => return protocol_error(opts, e),
    };
    let first = |key: &[u8]| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    };
    let mut callback = None;
    if opts.jsonp
        && let Some(cb) = first(b"callback")
    {
        let valid = !cb.is_empty()
            && cb
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.'));
        if !valid {
            return protocol_error(
                opts,
                Error::bad_request(format!("invalid callback name {}", quote_bytes(cb))),
            );
        }
        callback = Some(cb);
    }
    let body = first(b"body").unwrap_or(br#"{"params": []}"#);
    let r = handle_def(d, ctx, function, def, body, opts).await;
    match callback {
        None => json_response(r),
        Some(cb) => {
            let mut out = Vec::with_capacity(cb.len() + r.body.len() + 6);
            out.extend_from_slice(cb);
            out.extend_from_slice(b"(\n\t");
            out.extend_from_slice(&r.body);
            out.extend_from_slice(b");");
            HttpResponse::build(
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            )
            .insert_header((header::CONTENT_TYPE, JS_TYPE))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(out)
        }
    }
}

fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body("method not allowed\n")
}

fn add_cors(h: &mut HeaderMap) {
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type"),
    );
}

/// Go's `ServeMux` answer for the mount path without its trailing slash.
fn redirect(req: &HttpRequest, path: &str) -> HttpResponse {
    let mut location = path.to_string();
    if !req.query_string().is_empty() {
        location.push('?');
        location.push_str(req.query_string());
    }
    let mut resp = HttpResponse::MovedPermanently();
    resp.insert_header((header::LOCATION, location.clone()));
    if *req.method() == Method::GET || *req.method() == Method::HEAD {
        resp.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(format!(
                "<a href=\"{}\">Moved Permanently</a>.\n\n",
                html_escape(&location)
            ))
    } else {
        resp.finish()
    }
}

/// Scheme, host and mount path, as Go's handler computes it: `X-Forwarded-Proto`
/// (else `http`, even on TLS) and `X-Forwarded-Host` (else the Host header).
fn base_url(req: &HttpRequest, path: &str) -> String {
    let h = req.headers();
    let get = |name: &str| {
        h.get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .filter(|v| !v.is_empty())
    };
    let host = get("x-forwarded-host")
        .or_else(|| get("host"))
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let scheme = get("x-forwarded-proto").unwrap_or_else(|| "http".to_string());
    format!("{scheme}://{host}{path}")
}

/// Go's HTTP server's answer to a URL it cannot parse (a bad percent-escape).
pub fn bad_url() -> HttpResponse {
    HttpResponse::BadRequest()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .insert_header((header::CONNECTION, "close"))
        .body(crate::http::BAD_REQUEST_BODY)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const BASE_PAGE: &str = r#"<!doctype html>
<html>
	<head>
		<meta charset="utf-8" />
		<title>{{TITLE}}</title>
		<style>
body { font-family: sans-serif; line-height: 1.5; max-width: 48em; margin: 2em auto; padding: 0 1em; }
code { background: #f2f2f2; padding: 0 .2em; }
		</style>
	</head>
	<body>
		<h1>{{TITLE}} <small>{{VERSION}}</small></h1>
		<p>This is the base URL of a sherpa API: functions are called by sending a POST request with a JSON body <code>{"params": [...]}</code> to this URL followed by the function name.</p>
		<p>Documentation: <a href="{{DOCURL}}">{{DOCURL}}</a></p>
		<p>This page loads the JavaScript client library <a href="{{JSURL}}">sherpa.js</a>, which makes the API available as the global variable <code>{{ID}}</code>. Try it in your browser's console, for example <code>{{ID}}._docs().then(console.log)</code>.</p>
		<script src="{{JSURL}}"></script>
	</body>
</html>
"#;

/// The stand-alone browser client, with the descriptor substituted for
/// `{{SHERPA_JSON}}`. Written for this runtime; it offers what Go's `sherpa.js` does.
const SHERPA_JS: &str = r#"// Client for a sherpa API. It defines a global object, named after the API's id,
// with one function per API function. Each function takes the parameters of the
// API function, sends them to the server, and returns a then-able:
//   api.Echo('hi').then(function(result) { ... }, function(error) { ... })
// Errors are objects {code, message}: the server's error, or 'sherpaBadFunction',
// 'sherpaHttpError', 'sherpaClientError' or 'sherpaBadResponse'.
(function() {
	'use strict';

	var descriptor = {{SHERPA_JSON}};

	// A minimal promise-like value: callbacks passed to then() run once the
	// operation has settled; then() returns a new then-able for chaining.
	function wrapThenable(start) {
		var state = 'pending';
		var outcome;
		var waiting = [];

		function settle(newState, value) {
			if (state !== 'pending') {
				return;
			}
			state = newState;
			outcome = value;
			var callbacks = waiting;
			waiting = [];
			for (var i = 0; i < callbacks.length; i++) {
				callbacks[i]();
			}
		}

		function then(onSuccess, onFailure) {
			return wrapThenable(function(resolve, reject) {
				function run() {
					var fn = state === 'fulfilled' ? onSuccess : onFailure;
					if (typeof fn !== 'function') {
						(state === 'fulfilled' ? resolve : reject)(outcome);
						return;
					}
					var next;
					try {
						next = fn(outcome);
					} catch (err) {
						reject(err);
						return;
					}
					if (next && typeof next.then === 'function') {
						next.then(resolve, reject);
					} else {
						resolve(next);
					}
				}
				if (state === 'pending') {
					waiting.push(run);
				} else {
					setTimeout(run, 0);
				}
			});
		}

		try {
			start(function(v) { settle('fulfilled', v); }, function(e) { settle('rejected', e); });
		} catch (err) {
			settle('rejected', err);
		}
		return {
			then: then,
			'catch': function(onFailure) { return then(undefined, onFailure); }
		};
	}

	function call(name, params) {
		return wrapThenable(function(resolve, reject) {
			var xhr = new window.XMLHttpRequest();
			xhr.open('POST', descriptor.baseurl + name, true);
			xhr.setRequestHeader('Content-Type', 'application/json');
			xhr.onload = function() {
				if (xhr.status === 404) {
					reject({code: 'sherpaBadFunction', message: 'function ' + name + ' does not exist'});
					return;
				}
				if (xhr.status < 200 || xhr.status >= 400) {
					reject({code: 'sherpaHttpError', message: 'error calling function, HTTP status: ' + xhr.status});
					return;
				}
				var response;
				try {
					response = JSON.parse(xhr.responseText);
				} catch (err) {
					reject({code: 'sherpaBadResponse', message: 'invalid JSON in response'});
					return;
				}
				if (response && typeof response === 'object' && response.error) {
					reject(response.error);
					return;
				}
				if (!response || typeof response !== 'object' || !('result' in response)) {
					reject({code: 'sherpaBadResponse', message: "invalid response, missing 'result'"});
					return;
				}
				resolve(response.result);
			};
			xhr.onerror = function() {
				reject({code: 'sherpaClientError', message: 'connection failed'});
			};
			xhr.send(JSON.stringify({params: params}));
		});
	}

	var api = {
		_sherpa: descriptor,
		_wrapThenable: wrapThenable,
		_call: call
	};
	for (var i = 0; i < descriptor.functions.length; i++) {
		(function(name) {
			api[name] = function() {
				return call(name, Array.prototype.slice.call(arguments));
			};
		})(descriptor.functions[i]);
	}
	window[descriptor.id] = api;
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// Short, sliced and sliced-and-freed-elsewhere answers all carry their exact bytes
    /// and length.
    #[tokio::test]
    async fn long_answers_are_sent_whole() {
        for len in [100, STREAM_CHUNK * 3 + 7, FREE_ELSEWHERE + 1] {
            let body: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let r = json_response(Response {
                status: 200,
                body: body.clone(),
            });
            assert_eq!(r.status(), StatusCode::OK);
            let got = actix_web::body::to_bytes(r.into_body()).await.unwrap();
            assert_eq!(got.len(), len);
            assert!(got == body, "body of {len} bytes differs");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"
        );
    }
}
