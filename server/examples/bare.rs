//! A bare actix-web endpoint for the benchmark baseline (bench/server.sh): `POST /bare`
//! answers a constant sherpa-shaped JSON body, with no auth, store or dispatch.
//!
//! Usage: `bare ADDR:PORT`.

use actix_web::{App, HttpResponse, HttpServer, web};

/// Takes the body like the admin server does (an unread body also costs actix its
/// keep-alive, which would make the baseline slower than it should be).
async fn bare(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .body("{\"result\":0}\n")
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:1081".to_string());
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(|| App::new().route("/bare", web::post().to(bare)))
            .workers(workers)
            .bind(&addr)?
            .run()
            .await
    })
}
