//! hyperfine's `--export-json` output of a `--parameter-scan` run: each result's parameter is
//! the worker count and its `times` are the samples (seconds per run). With several parameters,
//! the one named workers/threads/jobs/procs/w/n/j/t (or the only one) is the worker count.

use super::{Format, Imported, Measurement, Unit, parse_positive, parse_workers};
use crate::error::usage;
use crate::model::Sample;
use serde_json::Value;
use std::num::NonZeroU64;
use std::path::Path;

/// Parameter names taken as the worker count, in order of preference.
const NAMES: [&str; 9] = [
    "workers",
    "threads",
    "jobs",
    "procs",
    "processes",
    "w",
    "n",
    "j",
    "t",
];

/// Reads a parsed hyperfine export; `tasks` is `--tasks` (tasks per command run).
pub fn from_value(
    value: &Value,
    path: &Path,
    tasks: Option<NonZeroU64>,
) -> anyhow::Result<Imported> {
    let shown = path.display();
    let results = value
        .get("results")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            usage(format!(
                "{shown}: `results` is not a non-empty list; give the file hyperfine --export-json wrote"
            ))
        })?;
    let per_run = tasks.map(|t| t.get());
    let batch = per_run.unwrap_or(1) as f64;
    let mut rows = super::aggregate::Reservoir::new(super::record::IMPORT_SEED);
    for (i, r) in results.iter().enumerate() {
        let (name, raw) = worker_parameter(r).ok_or_else(|| {
            usage(format!(
                "{shown}: results[{i}] has no parameter to use as the worker count; export a \
--parameter-scan run, e.g. hyperfine --parameter-scan workers 1 8 'job -w {{workers}}' --export-json {shown}"
            ))
        })?;
        let workers = parse_workers(&raw).ok_or_else(|| {
            usage(format!(
                "{shown}: results[{i}].parameters.{} is `{}`; the worker count must be a whole number from 1 to {}",
                crate::visible::excerpt(&name, 40),
                crate::visible::excerpt(&raw, 40),
                super::MAX_WORKERS
            ))
        })?;
        let times = samples(r).ok_or_else(|| {
            usage(format!(
                "{shown}: results[{i}] has no positive `times` (or `mean`) in seconds; give the file hyperfine --export-json wrote"
            ))
        })?;
        for secs in times {
            rows.push(Measurement {
                workers,
                tasks_per_sec: batch / secs,
                sample: Sample {
                    wall_s: secs,
                    ..Sample::default()
                },
            });
        }
    }
    let (rows, aggregated) = rows.finish();
    Ok(Imported {
        aggregated,
        source: path.to_path_buf(),
        format: Format::Hyperfine,
        unit: if per_run.is_some() {
            Unit::TasksPerSec
        } else {
            Unit::RunsPerSec
        },
        tasks: per_run,
        rows,
        record: None,
        timed: true,
    })
}

/// The worker-count parameter of one result: its name and value as text.
fn worker_parameter(result: &Value) -> Option<(String, String)> {
    let params = result.get("parameters")?.as_object()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if params.len() == 1 {
        let (k, v) = params.iter().next()?;
        return Some((k.clone(), text(v)));
    }
    NAMES.iter().find_map(|n| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(k, v)| (k.clone(), text(v)))
    })
}

/// The run times in seconds: `times`, or `mean` alone for exports without them.
fn samples(result: &Value) -> Option<Vec<f64>> {
    let positive = |v: &Value| v.as_f64().and_then(|x| parse_positive(&x.to_string()));
    if let Some(times) = result.get("times").and_then(Value::as_array) {
        let xs: Option<Vec<f64>> = times.iter().map(positive).collect();
        return xs.filter(|x| !x.is_empty());
    }
    result.get("mean").and_then(positive).map(|m| vec![m])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value, tasks: Option<u64>) -> anyhow::Result<Imported> {
        from_value(&v, Path::new("scan.json"), tasks.and_then(NonZeroU64::new))
    }

    #[test]
    fn a_parameter_scan_becomes_samples() {
        let v = json!({"results": [
            {"command": "job -w 1", "mean": 2.0, "times": [2.0, 2.1], "parameters": {"workers": "1"}},
            {"command": "job -w 2", "mean": 1.0, "times": [1.0, 1.05, 0.95], "parameters": {"workers": "2"}}
        ]});
        let i = read(v.clone(), None).unwrap();
        assert_eq!(i.unit, Unit::RunsPerSec);
        assert_eq!(i.rows.len(), 5);
        assert_eq!(i.rows[2].workers, 2);
        assert_eq!(i.rows[0].tasks_per_sec, 0.5);
        let t = read(v, Some(8)).unwrap();
        assert_eq!(t.unit, Unit::TasksPerSec);
        assert_eq!(t.rows[0].tasks_per_sec, 4.0);
        assert_eq!(t.rows[0].sample.wall_s, 2.0);
    }

    #[test]
    fn the_worker_parameter_is_chosen_by_name_and_mean_is_a_fallback() {
        let v = json!({"results": [
            {"mean": 3.0, "parameters": {"size": "100", "threads": "4"}}
        ]});
        let i = read(v, None).unwrap();
        assert_eq!(i.rows[0].workers, 4);
        assert_eq!(i.rows[0].sample.wall_s, 3.0);
    }

    #[test]
    fn bad_exports_are_explained() {
        for (v, needle) in [
            (json!({"results": []}), "non-empty"),
            (json!({"results": [{"mean": 1.0}]}), "--parameter-scan"),
            (
                json!({"results": [{"mean": 1.0, "parameters": {"a": "1", "b": "2"}}]}),
                "--parameter-scan",
            ),
            (
                json!({"results": [{"times": [1.0], "parameters": {"workers": "0"}}]}),
                "parameters.workers is `0`",
            ),
            (
                json!({"results": [{"times": [-1.0], "parameters": {"workers": "2"}}]}),
                "no positive `times`",
            ),
        ] {
            let e = read(v, None).unwrap_err().to_string();
            assert!(e.starts_with("scan.json") && e.contains(needle), "{e}");
        }
    }
}
