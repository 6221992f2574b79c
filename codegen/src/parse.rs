//! Stage 1 of the pipeline: read a sherpadoc JSON document into [`Section`].
//!
//! Only the JSON shape and `SherpadocVersion` are checked here; run
//! [`crate::check::check`] on the result before using it.

pub use sherpa_runtime::doc::{
    Arg, Field, Function, IntValue, Ints, Section, StringValue, Strings, Struct,
};

/// Why a document could not be read. The message is one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// Reads a sherpadoc document. Only the JSON shape and `SherpadocVersion` are
/// checked here; run [`crate::check::check`] on the result before using it.
///
/// Keys must be spelled as the sherpadoc tools write them (`Name`, `Typewords`, ...);
/// Go would also accept other capitalisations, which no tool produces.
pub fn parse(json: &str) -> Result<Section, ParseError> {
    // serde would also read a JSON array as a struct (fields by position); Go does not.
    if json.trim_start().starts_with('[') {
        return Err(ParseError(
            "parsing sherpadoc JSON: expected an object, got an array".into(),
        ));
    }
    let section: Section = serde_json::from_str(json)
        .map_err(|e| ParseError(format!("parsing sherpadoc JSON: {e}")))?;
    if section.sherpadoc_version != 1 {
        return Err(ParseError(format!(
            "unexpected sherpadoc version {}, expected 1",
            section.sherpadoc_version
        )));
    }
    Ok(section)
}
