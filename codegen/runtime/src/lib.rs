//! The runtime of generated sherpa APIs.

pub mod doc;
pub mod schema;
