//! results.json: the run record as pretty JSON, and reading it back with a clear error. The
//! reader never panics: missing, empty, huge, truncated, malformed, newer or ill-typed files
//! each get one sentence naming the file (and the line and column where serde knows them).

use crate::error::usage;
use crate::input;
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
    if text.trim().is_empty() {
        return Err(usage(format!(
            "{shown} is empty; give a results.json written by plateau run"
        )));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_eof() {
            "ends early (truncated?)"
        } else {
            "is not valid JSON"
        };
        usage(format!(
            "{shown} {what} at line {} column {} ({}); give a results.json written by plateau",
            e.line(),
            e.column(),
            without_position(&e)
        ))
    })?;
    if !value.is_object() {
        return Err(usage(format!(
            "{shown} holds JSON but not an object; a plateau results.json is an object with schema_version, machine, config and points"
        )));
    }
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    match version {
        None => {
            return Err(usage(format!(
                "{shown} has no whole-number schema_version; it is not a plateau results.json"
            )));
        }
        Some(v) if v > u64::from(SCHEMA_VERSION) => {
            return Err(usage(format!(
                "{shown} has schema_version {v}, newer than this plateau reads ({SCHEMA_VERSION}); upgrade plateau"
            )));
        }
        Some(0) => {
            return Err(usage(format!(
                "{shown} has schema_version 0, which no plateau writes; give a results.json written by plateau"
            )));
        }
        Some(_) => {}
    }
    drop(value);
    // Deserialized from the text (not the Value) so type errors carry a line and column.
    let record: RunRecord = serde_json::from_str(text).map_err(|e| {
        usage(format!(
            "{shown} does not match the results.json schema at line {} column {} ({}); was it edited by hand?",
            e.line(),
            e.column(),
            without_position(&e)
        ))
    })?;
    check(&record).map_err(|what| usage(format!("{shown} {what}; was it edited by hand?")))?;
    Ok(record)
}

/// serde_json's message without its trailing " at line L column C" (we say it ourselves),
/// cut short: it may quote a value from the file, which can be megabytes long.
fn without_position(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    crate::visible::shorten(message, 160)
}

/// Checks what the types cannot: worker counts, samples and the plan agree with each other.
fn check(r: &RunRecord) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for p in &r.points {
        if p.workers == 0 {
            return Err("has a point with 0 workers".into());
        }
        if !seen.insert(p.workers) {
            return Err(format!(
                "has two points at {}",
                crate::words::workers(p.workers)
            ));
        }
        if let Some(s) = p
            .samples
            .iter()
            .find(|s| !(s.wall_s.is_finite() && s.wall_s >= 0.0))
        {
            return Err(format!(
                "has a sample at {} workers with wall_s {}, not a time",
                p.workers, s.wall_s
            ));
        }
    }
    if r.config.workers.contains(&0) {
        return Err("lists 0 in config.workers".into());
    }
    sanity::check(r)
}

/// Reads and parses a results.json file, refusing files over `input::MAX_BYTES` before
/// reading them.
pub fn read(path: &Path) -> anyhow::Result<RunRecord> {
    let text = input::read_text(path, "a results.json written by plateau")?;
    parse(&text, path)
}

#[cfg(test)]
mod fuzz;
mod sanity;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BindingLimit, RunMode};

    #[test]
    fn names_a_newer_plateau_wrote_read_and_save_unchanged() {
        let r = crate::testdata::record_from_medians(&[1, 2], &[2.0, 1.0], 8, 2);
        let mut v = serde_json::to_value(&r).unwrap();
        v["config"]["mode"] = "quantum".into();
        v["config"]["schedule"] = "work_stealing".into();
        v["machine"]["binding_limit"] = "numa_node".into();
        v["machine"]["memory_limit_binding"] = "rlimit".into();
        let read = parse(&v.to_string(), Path::new("results.json")).unwrap();
        assert_eq!(read.config.mode, RunMode::Other("quantum".into()));
        assert_eq!(
            read.machine.binding_limit,
            BindingLimit::Other("numa_node".into())
        );
        let saved: serde_json::Value = serde_json::from_slice(&render(&read)).unwrap();
        assert_eq!(saved, v);
    }

    #[test]
    fn a_name_that_is_not_a_string_is_refused_as_before() {
        let r = crate::testdata::record_from_medians(&[1], &[1.0], 8, 2);
        let mut v = serde_json::to_value(&r).unwrap();
        v["config"]["mode"] = 3.into();
        let e = parse(&v.to_string(), Path::new("results.json")).unwrap_err();
        let e = format!("{e:#}");
        assert!(
            e.contains("invalid type: integer `3`, expected a string"),
            "{e}"
        );
    }
}
