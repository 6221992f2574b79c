//! The error a sherpa function call ends with, and the codes the protocol uses.

use std::fmt;

/// Error codes with a meaning in the protocol or by convention.
///
/// The protocol only gives the `sherpa:` codes and `internalServerError` a meaning;
/// `user:` and `server:` are conventions (caller's fault versus implementation
/// failure) that sherpa clients show but do not interpret.
pub mod codes {
    /// Unknown function name (HTTP 404).
    pub const BAD_FUNCTION: &str = "sherpa:badFunction";
    /// Malformed request: content type, envelope, query string, JSONP callback.
    pub const BAD_REQUEST: &str = "sherpa:badRequest";
    /// Wrong parameter count, or a parameter that does not decode into its type.
    pub const BAD_PARAMS: &str = "sherpa:badParams";
    /// The wire code of every [`Error::internal`](super::Error::internal) (HTTP 500).
    pub const INTERNAL_SERVER_ERROR: &str = "internalServerError";
    /// A function panicked; the runtime answers HTTP 500 instead of dropping the connection.
    pub const SERVER_PANIC: &str = "server:panic";
    /// Convention: the caller did something wrong.
    pub const USER_ERROR: &str = "user:error";
    /// Convention: the implementation failed.
    pub const SERVER_ERROR: &str = "server:error";
    /// The implementation does not provide this function.
    pub const NOT_IMPLEMENTED: &str = "server:notImplemented";
    /// Client side: the response could not be parsed (never sent by a server).
    pub const BAD_RESPONSE: &str = "sherpa:badResponse";
    /// Client side: unexpected HTTP status (never sent by a server).
    pub const HTTP: &str = "sherpa:http";
    /// Client side: no API at the URL (never sent by a server).
    pub const NO_API: &str = "sherpa:noAPI";
}

/// The result type of sherpa functions.
pub type Result<T, E = Error> = ::core::result::Result<T, E>;

/// An error answer to a sherpa call: `{"result":null,"error":{"code":..,"message":..}}`.
///
/// Errors are sent with HTTP status 200, except [`Error::internal`] (500, with the
/// code `internalServerError` on the wire, like Go's `*sherpa.InternalServerError`)
/// and [`Error::bad_function`] (404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The code on the wire. May be any string, including empty (Go's plain errors).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Set only by [`Error::internal`]: answered with HTTP 500.
    internal: bool,
}

impl Error {
    /// An error with an arbitrary code, answered with HTTP 200.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code: code.into(),
            message: message.into(),
            internal: false,
        }
    }

    /// `user:error`: the caller's input was wrong.
    pub fn user(message: impl Into<String>) -> Error {
        Error::new(codes::USER_ERROR, message)
    }

    /// `server:error`: the implementation failed.
    pub fn server(message: impl Into<String>) -> Error {
        Error::new(codes::SERVER_ERROR, message)
    }

    /// An internal server error: HTTP 500 with code `internalServerError`. Clients
    /// generally do not read the body of a 500, so the message is for logs and curl.
    pub fn internal(message: impl Into<String>) -> Error {
        Error {
            code: codes::INTERNAL_SERVER_ERROR.to_string(),
            message: message.into(),
            internal: true,
        }
    }

    /// `server:notImplemented`, for trait methods an implementation does not provide.
    pub fn not_implemented(function: &str) -> Error {
        Error::new(
            codes::NOT_IMPLEMENTED,
            format!(
                "function {} is not implemented",
                crate::gojson::quote(function)
            ),
        )
    }

    /// `sherpa:badFunction` (HTTP 404): `function "X" does not exist`.
    pub fn bad_function(function: &str) -> Error {
        Error::new(
            codes::BAD_FUNCTION,
            format!("function {} does not exist", crate::gojson::quote(function)),
        )
    }

    /// `sherpa:badRequest` with the given message.
    pub fn bad_request(message: impl Into<String>) -> Error {
        Error::new(codes::BAD_REQUEST, message)
    }

    /// `sherpa:badParams` with the given message.
    pub fn bad_params(message: impl Into<String>) -> Error {
        Error::new(codes::BAD_PARAMS, message)
    }

    /// Whether this error is answered with HTTP 500 ([`Error::internal`]).
    pub fn is_internal(&self) -> bool {
        self.internal
    }

    /// The HTTP status this error is answered with: 500 for internal errors, 404 for
    /// `sherpa:badFunction`, 200 otherwise.
    pub fn status(&self) -> u16 {
        if self.internal {
            500
        } else if self.code == codes::BAD_FUNCTION {
            404
        } else {
            200
        }
    }

    /// The error envelope as Go writes it, including the trailing newline.
    pub fn to_envelope(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(48 + self.code.len() + self.message.len());
        out.extend_from_slice(b"{\"result\":null,\"error\":{\"code\":");
        crate::gojson::write_string(&mut out, &self.code);
        out.extend_from_slice(b",\"message\":");
        crate::gojson::write_string(&mut out, &self.message);
        out.extend_from_slice(b"}}\n");
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_status() {
        assert_eq!(Error::user("x").code, "user:error");
        assert_eq!(Error::server("x").code, "server:error");
        let e = Error::internal("boom");
        assert_eq!(e.code, "internalServerError");
        assert!(e.is_internal());
        assert_eq!(e.status(), 500);
        // A hand-made internalServerError code is not an internal error.
        assert_eq!(Error::new("internalServerError", "x").status(), 200);
        let e = Error::bad_function("nope");
        assert_eq!(e.message, "function \"nope\" does not exist");
        assert_eq!(e.status(), 404);
        assert_eq!(
            Error::not_implemented("Foo").message,
            "function \"Foo\" is not implemented"
        );
        assert_eq!(Error::user("bad").to_string(), "user:error: bad");
        assert_eq!(Error::new("", "plain").to_string(), "plain");
    }

    #[test]
    fn envelope() {
        let e = Error::new("user:x", "a <b> & \"c\"");
        assert_eq!(
            String::from_utf8(e.to_envelope()).unwrap(),
            "{\"result\":null,\"error\":{\"code\":\"user:x\",\"message\":\"a \\u003cb\\u003e \\u0026 \\\"c\\\"\"}}\n"
        );
    }
}
