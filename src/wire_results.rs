/// The functions whose answers are lists of stored records: their `Api` methods return
/// them in wire form (`sherpa_runtime::Wire`), spliced from the records as the server
/// stores them, so it neither decodes nor encodes them again. `build.rs` generates the
/// trait with these (`RustOptions::wire_results`).
pub const WIRE_RESULTS: &[&str] = &["QueueList", "DMARCReports", "TLSReports"];
