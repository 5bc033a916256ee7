//! Measurements made elsewhere, read into plateau's model: CSV, hyperfine's `--export-json`
//! of a `--parameter-scan` run, and plateau's own results.json. The format is detected from the
//! content; every problem is one sentence naming the file (and the line of a CSV) and what to
//! do. `record` pools the files into one `RunRecord` for the analysis.

pub mod aggregate;
pub mod csv;
pub mod hyperfine;
pub mod record;
pub mod results;

use crate::error::usage;
use crate::model::{ImportFormat, RunRecord, Sample, ThroughputUnit};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

/// The formats `plateau analyze` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CSV with a `workers` column.
    Csv,
    /// hyperfine `--export-json` output.
    Hyperfine,
    /// A plateau results.json.
    Results,
}

impl Format {
    /// The name recorded in the imported record's workload.
    pub fn recorded(self) -> ImportFormat {
        match self {
            Format::Csv => ImportFormat::Csv,
            Format::Hyperfine => ImportFormat::Hyperfine,
            Format::Results => ImportFormat::Results,
        }
    }
}

/// The unit of an imported throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Tasks per second: the file gave throughput, or seconds with a task count.
    TasksPerSec,
    /// Runs per second: seconds per run with no task count to scale them by.
    RunsPerSec,
}

impl Unit {
    /// The unit recorded in the imported record's workload.
    pub fn recorded(self) -> ThroughputUnit {
        match self {
            Unit::TasksPerSec => ThroughputUnit::TasksPerSec,
            Unit::RunsPerSec => ThroughputUnit::RunsPerSec,
        }
    }

    /// The unit of a recorded throughput: runs/s when it says so, tasks/s otherwise (also for
    /// a unit this build does not know).
    pub fn of(recorded: &ThroughputUnit) -> Self {
        match recorded {
            ThroughputUnit::RunsPerSec => Unit::RunsPerSec,
            _ => Unit::TasksPerSec,
        }
    }
}

/// One measured run: its worker count, throughput, and the sample as plateau records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Workers.
    pub workers: usize,
    /// Throughput in the file's unit; positive and finite.
    pub tasks_per_sec: f64,
    /// The sample; `wall_s` is the time of `Imported::tasks` tasks when that is known.
    pub sample: Sample,
}

/// One file's measurements.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The file.
    pub source: PathBuf,
    /// Its format.
    pub format: Format,
    /// The unit of its throughputs.
    pub unit: Unit,
    /// Tasks per run, when the file or --tasks says.
    pub tasks: Option<u64>,
    /// Every run, in file order; never empty.
    pub rows: Vec<Measurement>,
    /// The whole record, for a results.json.
    pub record: Option<RunRecord>,
    /// True when the file gave times (seconds), false when it gave throughput only, so no
    /// wall time is shown for it.
    pub timed: bool,
    /// Set when the rows of some worker count were too many to keep and were sampled.
    pub aggregated: Option<aggregate::Aggregation>,
}

/// Reads one file, detecting its format from the content. `tasks` is `--tasks`.
pub fn read(path: &Path, tasks: Option<NonZeroU64>) -> anyhow::Result<Imported> {
    let shown = path.display();
    const EXPECTED: &str = "a CSV, a hyperfine --export-json file or a plateau results.json";
    let file = crate::input::open_regular(path, EXPECTED)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let first = sniff::first_byte(&mut reader, path)?;
    if first.is_some_and(|b| b != b'{' && b != b'[') {
        // A CSV streams: memory stays bounded however many rows it has.
        return csv::from_reader(reader, path, tasks);
    }
    let text = crate::input::read_text(path, EXPECTED)?;
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.is_empty() {
        return Err(usage(format!(
            "{shown} is empty; give a CSV with a header such as `workers,seconds`, a hyperfine --export-json file or a plateau results.json"
        )));
    }
    if body.starts_with('[') {
        return Err(usage(format!(
            "{shown} is a JSON array; give a CSV, a hyperfine --export-json file or a plateau results.json (both are JSON objects)"
        )));
    }
    if body.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(body).map_err(|e| {
            usage(format!(
                "{shown} is not valid JSON ({}); give a hyperfine --export-json file or a plateau results.json",
                crate::visible::shorten(&e.to_string(), 160)
            ))
        })?;
        if value.get("schema_version").is_some() {
            if tasks.is_some() {
                return Err(usage(format!(
                    "--tasks does not apply to {shown}: a results.json records its own task count; drop --tasks"
                )));
            }
            return results::from_text(body, path);
        }
        if value.get("results").is_some() {
            return hyperfine::from_value(&value, path, tasks);
        }
        return Err(usage(format!(
            "{shown} is JSON but neither a plateau results.json (no `schema_version`) nor a hyperfine --export-json file (no `results`)"
        )));
    }
    csv::from_text(body, path, tasks)
}

mod sniff;

/// The most workers an imported row may name.
pub const MAX_WORKERS: usize = 1 << 20;

/// The most tasks an imported row (a `tasks` column) may name.
pub const MAX_TASKS: u64 = 1_000_000_000_000;

/// The range of imported seconds and throughputs: far beyond any real measurement on both
/// sides, and narrow enough that every ratio plateau derives (tasks/s, speedups, efficiencies)
/// stays a finite, normal number that results.json can hold and read back.
pub const VALUE_RANGE: (f64, f64) = (1e-9, 1e12);

/// The accepted values in words, for messages.
pub const VALUE_RANGE_TEXT: &str = "number from 1e-9 to 1e12";

/// A worker count from a number written as text: a whole number from 1 to `MAX_WORKERS`.
pub fn parse_workers(text: &str) -> Option<usize> {
    parse_whole(text, MAX_WORKERS as u64).map(|v| v as usize)
}

/// A whole number from 1 to `max` written as text (`8` or `8.0`).
pub fn parse_whole(text: &str, max: u64) -> Option<u64> {
    let v: f64 = text.trim().parse().ok()?;
    (v.is_finite() && v >= 1.0 && v.fract() == 0.0 && v <= max as f64).then_some(v as u64)
}

/// A positive number within `VALUE_RANGE` from text.
pub fn parse_positive(text: &str) -> Option<f64> {
    let v: f64 = text.trim().parse().ok()?;
    (v >= VALUE_RANGE.0 && v <= VALUE_RANGE.1).then_some(v)
}

/// Refuses a file given twice (by any path: the same file through a link counts), whose
/// samples would be pooled with themselves and narrow every interval.
pub fn refuse_duplicates(files: &[PathBuf]) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut seen: Vec<((u64, u64), &PathBuf)> = Vec::new();
    for f in files {
        let Ok(m) = std::fs::metadata(f) else {
            continue; // the reader names a missing file
        };
        let id = (m.dev(), m.ino());
        if let Some((_, first)) = seen.iter().find(|(i, _)| *i == id) {
            return Err(usage(format!(
                "{} is given twice (also as {}); pooling a file with itself would count its samples twice",
                f.display(),
                first.display()
            )));
        }
        seen.push((id, f));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_parsers() {
        assert_eq!(parse_workers("4"), Some(4));
        assert_eq!(parse_workers(" 8.0 "), Some(8));
        for bad in ["0", "-2", "1.5", "x", "", "inf", "1e300", "1048577"] {
            assert_eq!(parse_workers(bad), None, "{bad}");
        }
        assert_eq!(parse_positive("0.25"), Some(0.25));
        for bad in ["0", "-1", "NaN", "inf", "abc", "1e-320", "1e-10", "1e13"] {
            assert_eq!(parse_positive(bad), None, "{bad}");
        }
    }

    #[test]
    fn missing_empty_and_unknown_json_files_are_usage_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope.csv");
        let e = read(&missing, None).unwrap_err();
        assert!(e.to_string().contains("nope.csv"), "{e}");
        let bom = tmp.path().join("bom.csv");
        std::fs::write(&bom, "\u{feff}\n  workers,seconds\n1,2\n").unwrap();
        assert_eq!(read(&bom, None).unwrap().rows.len(), 1);
        let long = tmp.path().join("long.csv");
        std::fs::write(&long, "x".repeat(200_000)).unwrap();
        let e = read(&long, None).unwrap_err().to_string();
        assert!(e.contains("longer than 64 KiB") && e.len() < 300, "{e}");
        let dup = tmp.path().join("dup.csv");
        std::fs::write(&dup, "workers,seconds\n1,2\n").unwrap();
        let e = refuse_duplicates(&[dup.clone(), tmp.path().join(".").join("dup.csv")]);
        assert!(e.unwrap_err().to_string().contains("is given twice"));
        for (name, body, needle) in [
            ("array.json", "[1, 2]", "is a JSON array"),
            ("empty.csv", "  \n", "is empty"),
            ("bad.json", "{ nope", "not valid JSON"),
            ("other.json", "{\"a\": 1}", "neither"),
        ] {
            let p = tmp.path().join(name);
            std::fs::write(&p, body).unwrap();
            let e = read(&p, None).unwrap_err();
            assert!(e.downcast_ref::<crate::error::UsageError>().is_some());
            assert!(
                e.to_string().contains(name) && e.to_string().contains(needle),
                "{e}"
            );
        }
    }
}
