//! What differs between two runs' settings (which makes a comparison meaningless unless the
//! user says the change is deliberate), and between their machines (worth a note). Pure.

use crate::model::{ConfigRecord, MachineInfo};
use serde::Serialize;
use std::fmt;

/// One setting that differs between the baseline and the current run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigDifference {
    /// The field in results.json's `config`, e.g. `tasks` or `workload.iterations`.
    pub field: String,
    /// Its value in the baseline, as JSON text.
    pub baseline: String,
    /// Its value in the current run, as JSON text.
    pub current: String,
}

impl fmt::Display for ConfigDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is {} in the baseline but {} in the current run",
            self.field, self.baseline, self.current
        )
    }
}

/// The settings that change what a task is or how it runs: the workload and its parameters, the
/// execution mode, the schedule and pinning. Worker counts, repetitions, warmup and seed may
/// differ freely (points are matched by worker count), and so may the task count: each sweep
/// sizes its own batches (by the machine's CPUs), and tasks per second of the same task
/// compare whatever the batch size (`sweep_notes` says when it differs).
pub fn config_differences(
    baseline: &ConfigRecord,
    current: &ConfigRecord,
) -> Vec<ConfigDifference> {
    let mut out = Vec::new();
    workload_differences(&baseline.workload, &current.workload, &mut out);
    let mut check = |field: &str, b: String, c: String| {
        if b != c {
            out.push(ConfigDifference {
                field: field.into(),
                baseline: b,
                current: c,
            });
        }
    };
    check(
        "mode",
        quoted(baseline.mode.as_str()),
        quoted(current.mode.as_str()),
    );
    check(
        "schedule",
        quoted(baseline.schedule.as_str()),
        quoted(current.schedule.as_str()),
    );
    check("pin", baseline.pin.to_string(), current.pin.to_string());
    out
}

/// Differences of the workload objects, key by key (so the message names `workload.iterations`
/// rather than printing two whole objects); anything that is not an object is compared whole.
fn workload_differences(
    b: &serde_json::Value,
    c: &serde_json::Value,
    out: &mut Vec<ConfigDifference>,
) {
    let (Some(bo), Some(co)) = (b.as_object(), c.as_object()) else {
        if b != c {
            out.push(ConfigDifference {
                field: "workload".into(),
                baseline: b.to_string(),
                current: c.to_string(),
            });
        }
        return;
    };
    let mut keys: Vec<&String> = bo.keys().chain(co.keys()).collect();
    keys.sort();
    keys.dedup();
    let absent = serde_json::Value::String("(absent)".into());
    // A parameter the workload calibrates on its machine (tiny's iterations) is not a setting.
    let name = bo.get("name").and_then(|n| n.as_str()).unwrap_or("");
    let calibrated = crate::workload::identity::calibrated_parameters(name);
    for key in keys
        .into_iter()
        .filter(|k| !calibrated.contains(&k.as_str()))
    {
        let bv = bo.get(key).unwrap_or(&absent);
        let cv = co.get(key).unwrap_or(&absent);
        if bv != cv {
            out.push(ConfigDifference {
                field: format!("workload.{key}"),
                baseline: bv.to_string(),
                current: cv.to_string(),
            });
        }
    }
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.into()).to_string()
}

/// Notes on sweep settings that differ without making the runs incomparable: the task count.
pub fn sweep_notes(baseline: &ConfigRecord, current: &ConfigRecord) -> Vec<String> {
    if baseline.tasks == current.tasks {
        return vec![];
    }
    vec![format!(
        "The runs used different task counts per batch (baseline {}, current {}): each sweep sized its own batches, and tasks/s of the same task are compared.",
        baseline.tasks, current.tasks
    )]
}

/// Notes on machine differences that make a comparison less trustworthy, though not invalid
/// (CI runners of one label can land on different CPUs).
pub fn machine_notes(baseline: &MachineInfo, current: &MachineInfo) -> Vec<String> {
    let mut notes = Vec::new();
    if baseline.cpu_brand != current.cpu_brand {
        notes.push(format!(
            "The runs used different CPUs (baseline {:?}, current {:?}): part of any change may be the machine, not the code.",
            baseline.cpu_brand, current.cpu_brand
        ));
    }
    if baseline.effective_cpus != current.effective_cpus {
        notes.push(format!(
            "The runs had different effective CPU counts (baseline {}, current {}).",
            baseline.effective_cpus, current.effective_cpus
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::RecordSpec;
    use serde_json::json;

    fn config(workload: serde_json::Value, tasks: u64) -> ConfigRecord {
        RecordSpec {
            workload,
            tasks,
            repetitions: 5,
            warmup: 1,
            ..RecordSpec::default()
        }
        .unmeasured(&[1, 2])
        .config
    }

    #[test]
    fn names_exactly_what_differs() {
        let b = config(json!({"name": "cpu", "iterations": 3000000}), 16);
        let mut c = config(json!({"name": "cpu", "iterations": 3300000}), 32);
        c.repetitions = 10;
        c.seed = 99;
        c.workers = vec![1, 2, 4];
        let d = config_differences(&b, &c);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].to_string(),
            "workload.iterations is 3000000 in the baseline but 3300000 in the current run"
        );
        let notes = sweep_notes(&b, &c);
        assert!(notes[0].contains("(baseline 16, current 32)"), "{notes:?}");
        assert!(sweep_notes(&b, &b).is_empty());
        c = b.clone();
        c.mode = crate::model::RunMode::Processes;
        c.workload = json!({"name": "sleep", "iterations": 3000000});
        let d = config_differences(&b, &c);
        let fields: Vec<&str> = d.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["workload.name", "mode"]);
        assert!(config_differences(&b, &b).is_empty());
    }

    #[test]
    fn two_tiny_runs_that_calibrated_differently_are_the_same_work() {
        let a = config(
            json!({"name": "tiny", "work_ns": 1000, "iterations": 2900}),
            16,
        );
        let b = config(
            json!({"name": "tiny", "work_ns": 1000, "iterations": 3100}),
            16,
        );
        assert!(config_differences(&a, &b).is_empty());
        let c = config(
            json!({"name": "tiny", "work_ns": 5000, "iterations": 2900}),
            16,
        );
        assert_eq!(config_differences(&a, &c)[0].field, "workload.work_ns");
    }
}
