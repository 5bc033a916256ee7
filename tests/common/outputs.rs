//! Reading what plateau wrote: a results.json and the samples it holds.

use serde_json::Value;
use std::path::Path;

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The results.json in the folder `out`.
pub fn results(out: &Path) -> Value {
    read_json(&out.join("results.json"))
}

/// The number of samples of each point, in the order of the points.
pub fn sample_counts(v: &Value) -> Vec<usize> {
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["samples"].as_array().unwrap().len())
        .collect()
}

/// A log of whole numbers separated by spaces, a row per line.
pub fn number_rows(text: &str) -> Vec<Vec<u64>> {
    text.lines()
        .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
        .collect()
}
