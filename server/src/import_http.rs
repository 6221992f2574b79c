//! `POST /admin/import`: report import into the running server, for the web UI's upload
//! and for the CLI when the server holds the store.
//!
//! One file per request, the file's bytes as the body (any content type), with the query
//! `name=FILE` (shown in the result lines), `kind=dmarc|tlsrpt|reports` (default
//! `reports`: both kinds) and `keepGoing=1` (store what parsed when a message of an mbox
//! fails). Authenticated as the API is: session cookie and `x-mox-csrf` header. The answer
//! is the JSON of [`crate::intake::ImportResult`]: a line per file or message, counts and
//! a summary; `200` whether or not the reports parsed, `4xx` for a request that is not an
//! import (too large, too slow, bad query) with an error in the API's shape
//! (`{"error": {"code": "user:error", "message": …}}`; a failed authentication is the
//! API's own answer).
//!
//! Parsing runs on the blocking pool, so a large mbox does not hold an HTTP worker, and
//! imports run one at a time, so two uploads of the same report store it once.

use std::sync::Arc;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;

use crate::app::App;
use crate::import::{Wanted, units};

/// The path below `/admin`.
pub const PATH: &str = "/import";

/// The largest upload: a month of reports for a busy domain, zipped, fits many times.
pub const MAX_BODY: usize = 32 << 20;

/// An error in the API's shape (`{"error": {"code", "message"}}`), so that clients
/// handle it as they handle the API's own, authentication failures included.
fn error(status: StatusCode, message: &str) -> HttpResponse {
    let code = if status.is_server_error() {
        "server:error"
    } else {
        "user:error"
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(serde_json::json!({ "error": { "code": code, "message": message } }).to_string())
}

/// The query: the file name, which reports to take, and whether to keep going.
#[derive(Debug, PartialEq, Eq)]
struct Query {
    name: String,
    wanted: Wanted,
    keep_going: bool,
}

fn parse_query(q: &str) -> Result<Query, String> {
    let mut out = Query {
        name: "upload".to_string(),
        wanted: Wanted::Any,
        keep_going: false,
    };
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        match &*k {
            "name" if !v.is_empty() => out.name = v.chars().take(200).collect(),
            "name" => {}
            "kind" => {
                out.wanted = match &*v {
                    "dmarc" => Wanted::Dmarc,
                    "tlsrpt" => Wanted::Tls,
                    "reports" => Wanted::Any,
                    other => {
                        return Err(format!(
                            "unknown kind {other:?}: use dmarc, tlsrpt or reports"
                        ));
                    }
                }
            }
            "keepGoing" => out.keep_going = matches!(&*v, "1" | "true"),
            other => return Err(format!("unknown query parameter {other:?}")),
        }
    }
    Ok(out)
}

async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Vec<u8>, (StatusCode, String)> {
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the file is larger than the import limit of {MAX_BODY} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared.map_or(64 << 10, |n| n as usize));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            (
                StatusCode::BAD_REQUEST,
                format!("reading request body: {e}"),
            )
        })?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Handles an authenticated `POST /admin/import`. `body_timeout` bounds the upload (the
/// configured `Limits.BodyTimeout` scaled for the larger limit).
pub async fn handle(
    req: &HttpRequest,
    payload: web::Payload,
    app: Arc<App>,
    body_timeout: std::time::Duration,
) -> HttpResponse {
    let query = match parse_query(req.query_string()) {
        Ok(q) => q,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let body = match actix_web::rt::time::timeout(body_timeout, read_body(req, payload)).await {
        Ok(Ok(b)) => b,
        Ok(Err((status, e))) => return error(status, &e),
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                &format!("the file did not arrive within {body_timeout:?}"),
            );
        }
    };
    let _one_at_a_time = app.imports.lock().await;
    let worker = app.clone();
    let result = web::block(move || {
        let host = worker.static_config.config.hostname_domain().to_api();
        let found = units(&query.name, &body, query.wanted);
        crate::intake::store_units(&worker.store, &host, found, query.keep_going)
    })
    .await;
    let result = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::error!(target: "server::import", error = %e, "storing imported reports");
            return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("storing: {e}"));
        }
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("import: {e}")),
    };
    if result.stored
        && let Err(e) = app.store.flush().await
    {
        return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("storing: {e}"));
    }
    tracing::info!(target: "server::import", summary = %result.summary, "import");
    match serde_json::to_string(&result) {
        Ok(json) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(json),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        assert_eq!(
            parse_query("").unwrap(),
            Query {
                name: "upload".into(),
                wanted: Wanted::Any,
                keep_going: false
            }
        );
        assert_eq!(
            parse_query("name=a%20b.eml&kind=tlsrpt&keepGoing=1").unwrap(),
            Query {
                name: "a b.eml".into(),
                wanted: Wanted::Tls,
                keep_going: true
            }
        );
        assert_eq!(
            parse_query("kind=xml").unwrap_err(),
            "unknown kind \"xml\": use dmarc, tlsrpt or reports"
        );
        assert_eq!(
            parse_query("file=x").unwrap_err(),
            "unknown query parameter \"file\""
        );
        assert_eq!(
            parse_query(&format!("name={}", "x".repeat(500)))
                .unwrap()
                .name
                .len(),
            200
        );
    }
}
