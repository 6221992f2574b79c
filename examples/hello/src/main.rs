//! `hello-sherpa`: serves the Hello API of `hello.json`, or calls it.
//!
//! ```text
//! hello-sherpa serve [ADDR]           # default 127.0.0.1:8000, API at /hello/
//! hello-sherpa greet URL NAME [excited]
//! hello-sherpa count URL
//! ```

use std::process::ExitCode;
use std::sync::Mutex;

use actix_web::{App, HttpServer};
use sherpa_runtime::actix::Sherpa;
use sherpa_runtime::{Error, Options, Timestamp};

/// The generated bindings: types, the `Api` trait, `Dispatcher`, `SCHEMA` and `client`.
mod api {
    include!(concat!(env!("OUT_DIR"), "/hello.rs"));
}

use api::{Greeting, Mood};

/// The server side: the greetings made so far, most recent last.
#[derive(Default)]
struct Hello {
    names: Mutex<Vec<String>>,
}

impl api::Api for Hello {
    /// Nothing per request: the API has no authentication.
    type Context = ();

    async fn greet(&self, _: &(), name: String, mood: Mood) -> Result<Greeting, Error> {
        if name.trim().is_empty() {
            return Err(Error::new("user:error", "name is empty"));
        }
        let text = match mood {
            Mood::Excited => format!("Hello, {name}!"),
            _ => format!("Hello, {name}."),
        };
        self.names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(name);
        Ok(Greeting {
            text,
            at: Timestamp::now(),
        })
    }

    async fn count(&self, _: &()) -> Result<(i64, Vec<String>), Error> {
        let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        Ok((names.len() as i64, names.iter().rev().cloned().collect()))
    }
}

/// Serves the API at `/hello/` on `addr` until the process is stopped; `ready` gets
/// the address actually bound (for port 0).
async fn serve(addr: &str, ready: impl FnOnce(std::net::SocketAddr)) -> std::io::Result<()> {
    let sherpa = Sherpa::new(
        "/hello/",
        api::Dispatcher(Hello::default()),
        |_req| (),
        Options::default(),
    );
    let server = HttpServer::new(move || App::new().service(sherpa.scope()))
        .workers(1)
        .bind(addr)?;
    ready(server.addrs()[0]);
    server.run().await
}

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["serve"] | ["serve", _] => {
            let addr = args.get(1).copied().unwrap_or("127.0.0.1:8000");
            serve(addr, |a| {
                println!("serving the Hello API at http://{a}/hello/")
            })
            .await
            .map_err(|e| e.to_string())
        }
        ["greet", url, name, rest @ ..] => {
            let mood = match rest {
                ["excited"] => Mood::Excited,
                _ => Mood::Plain,
            };
            call(url, |c| async move {
                let g = c.greet(name, &mood).await?;
                println!("{} ({})", g.text, g.at);
                Ok(())
            })
            .await
        }
        ["count", url] => {
            call(url, |c| async move {
                let (total, names) = c.count().await?;
                println!("{total}: {}", names.join(", "));
                Ok(())
            })
            .await
        }
        _ => Err("usage: hello-sherpa serve [ADDR] | greet URL NAME [excited] | count URL".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hello-sherpa: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `f` with a client for the API at `url`; a sherpa error becomes its code and
/// message.
async fn call<F, Fut>(url: &str, f: F) -> Result<(), String>
where
    F: FnOnce(api::client::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let client = api::client::Client::new(url).map_err(|e| e.to_string())?;
    f(client)
        .await
        .map_err(|e| format!("{}: {}", e.code, e.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server on a free loopback port, and a client for it.
    async fn started() -> api::client::Client {
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(serve("127.0.0.1:0", |a| {
                let _ = tx.send(a);
            }))
        });
        let addr = rx.await.expect("server started");
        api::client::Client::new(&format!("http://{addr}/hello/")).expect("client")
    }

    #[tokio::test]
    async fn greet_and_count_through_the_client() {
        let c = started().await;
        let g = c.greet("Ada", &Mood::Excited).await.unwrap();
        assert_eq!(g.text, "Hello, Ada!");
        assert!(!g.at.is_zero());
        assert_eq!(
            c.greet("Bob", &Mood::Plain).await.unwrap().text,
            "Hello, Bob."
        );
        assert_eq!(
            c.count().await.unwrap(),
            (2, vec!["Bob".to_string(), "Ada".to_string()])
        );
        let e = c.greet(" ", &Mood::Plain).await.unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("user:error", "name is empty")
        );
    }
}
