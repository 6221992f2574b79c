//! sherpadoc → Rust/TypeScript generator library.

pub mod check;
pub mod parse;
