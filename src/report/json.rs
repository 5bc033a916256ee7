//! results.json: the run record as pretty JSON, and reading it back with a clear error.

use crate::error::usage;
use crate::model::{RunRecord, SCHEMA_VERSION};
use std::path::Path;

/// The record as pretty-printed JSON with a final newline.
pub fn render(record: &RunRecord) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(record).expect("a RunRecord always serializes");
    bytes.push(b'\n');
    bytes
}

/// Parses results.json text; `source` names the file in errors.
pub fn parse(text: &str, source: &Path) -> anyhow::Result<RunRecord> {
    let shown = source.display();
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        usage(format!(
            "{shown} is not valid JSON ({e}); give a results.json written by plateau"
        ))
    })?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    match version {
        None => Err(usage(format!(
            "{shown} has no schema_version; it is not a plateau results.json"
        ))),
        Some(v) if v > u64::from(SCHEMA_VERSION) => Err(usage(format!(
            "{shown} has schema_version {v}, newer than this plateau reads ({SCHEMA_VERSION}); upgrade plateau"
        ))),
        Some(_) => serde_json::from_value(value).map_err(|e| {
            usage(format!(
                "{shown} does not match the results.json schema ({e})"
            ))
        }),
    }
}

/// Reads and parses a results.json file.
pub fn read(path: &Path) -> anyhow::Result<RunRecord> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "cannot read {} ({e}); check the path",
            path.display()
        ))
    })?;
    parse(&text, path)
}
