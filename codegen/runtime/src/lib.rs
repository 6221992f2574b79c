//! The runtime of generated sherpa APIs. It knows nothing about any particular API:
//! generated code (see `sherpa-codegen`) describes its functions and types in a
//! [`schema::Schema`] and implements [`Dispatch`]; this crate does the rest.
//!
//! - [`Error`] and [`codes`]: the error envelope and the protocol's codes.
//! - [`Timestamp`], [`Bytes`], [`Int64s`], [`Uint64s`]: values with Go's JSON forms.
//! - [`gojson`]: writing JSON byte for byte as Go's `encoding/json`.
//! - [`de`]: reading Go's JSON with plain serde (`null` as the zero value at any depth).
//! - [`Dispatch`], [`Call`], [`Encoded`], [`handle`]: calling functions, with Go's
//!   request parsing, parameter decoding (`null` as zero, case-insensitive keys,
//!   unknown fields rejected, Go's error messages) and response envelope.
//! - [`Wire`], [`ListWriter`]: results handed over already encoded (records a server
//!   keeps as JSON), for functions the generator was told to give a `Wire` result.
//! - [`http`]: Go's content type check and query parsing, for any HTTP stack.
//! - `actix` (feature `actix`, on by default): the HTTP side on actix-web, as Go's
//!   handler: a ready-made scope, or `respond` for servers that route themselves.
//! - `client` (feature `client`): calling a sherpa API over HTTP(S), what generated
//!   Rust clients run on: one connection pool and cookie jar per client, a timeout,
//!   extra headers, an authentication hook, results read with Go's rules.
//!
//! # Guide
//!
//! Bindings generated for the `Hello` API (`Greet(name string, mood Mood) Greeting`,
//! see the `sherpa-codegen` guide) with its client, served at `/hello/` and called:
//!
//! ```
//! # #[cfg(all(feature = "actix", feature = "client"))] {
//! # mod api { include!("../../src/guide/hello.rs"); }
//! use sherpa_runtime::{Error, Options, Timestamp, actix::Sherpa};
//!
//! struct Hello;
//!
//! impl api::Api for Hello {
//!     // What every call gets from the HTTP request, e.g. a session.
//!     type Context = Option<String>;
//!
//!     async fn greet(&self, user: &Option<String>, name: String, _: api::Mood)
//!         -> Result<api::Greeting, Error>
//!     {
//!         let Some(user) = user else {
//!             return Err(Error::new("user:noAuth", "no x-user header"));
//!         };
//!         Ok(api::Greeting { text: format!("{user} greets {name}"), at: Timestamp::now() })
//!     }
//!
//!     async fn count(&self, _: &Option<String>) -> Result<(i64, Vec<String>), Error> {
//!         Ok((0, Vec::new()))
//!     }
//! }
//!
//! fn serve(listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
//!     // The context function runs for every request: here it reads a header.
//!     let sherpa = Sherpa::new("/hello/", api::Dispatcher(Hello), |req| {
//!         req.headers().get("x-user").and_then(|v| v.to_str().ok()).map(String::from)
//!     }, Options::default());
//!     let app = move || actix_web::App::new().service(sherpa.scope());
//!     Ok(actix_web::HttpServer::new(app).listen(listener)?.run())
//! }
//! # let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
//! # let url = format!("http://{}/hello/", listener.local_addr().unwrap());
//! # let (tx, rx) = std::sync::mpsc::channel();
//! # std::thread::spawn(move || actix_web::rt::System::new().block_on(async move {
//! #     let running = serve(listener).unwrap();
//! #     tx.send(running.handle()).unwrap();
//! #     running.await
//! # }));
//! # let handle = rx.recv().unwrap();
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//!
//! // A client with a timeout and a header on every call, through the runtime's
//! // builder; the generated client wraps it.
//! use sherpa_runtime::client::{self, HeaderName, HeaderValue, codes};
//! let runtime = client::Client::builder(&url)
//!     .timeout(std::time::Duration::from_secs(10))
//!     .build()?;
//! let hello = api::client::Client::from_runtime(runtime);
//! let e = hello.greet("Bob", &api::Mood::Plain).await.unwrap_err();
//! assert_eq!(e.code, "user:noAuth");
//!
//! hello.runtime().set_header(HeaderName::from_static("x-user"), Some(HeaderValue::from_static("ada")));
//! assert_eq!(hello.greet("Bob", &api::Mood::Plain).await?.text, "ada greets Bob");
//!
//! // Failures the client detects itself have codes of their own.
//! let nowhere = api::client::Client::new("http://127.0.0.1:1/hello/")?;
//! assert_eq!(nowhere.count().await.unwrap_err().code, codes::CONNECTION);
//! # handle.stop(true).await;
//! # Ok::<(), Error>(())
//! # }).unwrap();
//! # }
//! ```

pub mod de;
pub mod doc;
pub mod schema;

mod decode;
mod dispatch;
mod error;
pub mod gojson;
mod gotime;
pub mod http;
mod jsonparse;
mod types;
mod wire;

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "client")]
pub mod client;

pub use decode::fold_eq;
pub use dispatch::{
    BoxFuture, Call, Collector, DOCS_FUNCTION, Dispatch, Encoded, Options, Raw, Response,
    body_too_large, docs_section, handle, respond_raw,
};
pub use error::{Error, Result, codes};
pub use types::{Bytes, Int64s, Timestamp, Uint64s};
pub use wire::{ListWriter, Wire};
