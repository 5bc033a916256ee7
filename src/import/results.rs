//! plateau's own results.json, for re-analysis: the record is kept whole (machine, config,
//! every sample) and each sample also becomes a `Measurement` for pooling with other files.

use super::{Format, Imported, Measurement, Unit};
use crate::error::usage;
use crate::model::json;
use std::path::Path;

/// Parses results.json text; `path` names the file in errors.
pub fn from_text(text: &str, path: &Path) -> anyhow::Result<Imported> {
    let shown = path.display();
    let record = json::parse(text, path)?;
    let tasks = record.config.tasks;
    if tasks == 0 {
        return Err(usage(format!(
            "{shown} has config.tasks 0; it is not a results.json plateau wrote"
        )));
    }
    let mut rows = Vec::new();
    for (i, p) in record.points.iter().enumerate() {
        if p.workers == 0 {
            return Err(usage(format!(
                "{shown}: points[{i}].workers is 0; a worker count must be at least 1"
            )));
        }
        for (j, s) in p.samples.iter().enumerate() {
            if !(s.wall_s.is_finite() && s.wall_s > 0.0) {
                return Err(usage(format!(
                    "{shown}: points[{i}].samples[{j}].wall_s is {}, not a positive number of seconds",
                    s.wall_s
                )));
            }
            rows.push(Measurement {
                workers: p.workers,
                tasks_per_sec: tasks as f64 / s.wall_s,
                sample: s.clone(),
            });
        }
    }
    if rows.is_empty() {
        return Err(usage(format!(
            "{shown} has no measured samples; nothing to analyse"
        )));
    }
    let origin = record.config.origin();
    let unit = Unit::of(&origin.unit());
    Ok(Imported {
        source: path.to_path_buf(),
        format: Format::Results,
        unit,
        tasks: origin.tasks_known().then_some(tasks),
        rows,
        record: Some(record),
        timed: true,
        aggregated: None,
    })
}
