//! Several runs side by side: refuses runs of different workloads (the task count is each
//! sweep's own and is shown, not refused), makes labels distinct, applies `--price` overrides,
//! and works out each run's recommended count, its stability, efficiency, binding limit and
//! cost per million tasks, marking the best value. Pure: records in, rows out.

use crate::error::usage;
use crate::limits::PriceOverride;
use crate::model::RunRecord;
use crate::numbers::rate;
use crate::render::facts::workload_text;
use crate::render::fleet_facts::{self, Binding};
use crate::render::pick::{self, Chosen};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A run read from a file (`app::report` reads them, `fleet::collect` gathers them).
#[derive(Debug, Clone)]
pub struct LoadedRun {
    /// The file it came from, for error messages.
    pub source: PathBuf,
    /// The record.
    pub record: RunRecord,
}

impl LoadedRun {
    /// A run from results.json text; `source` names it in errors and in duplicate labels.
    pub fn from_text(text: &str, source: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            record: crate::model::json::parse(text, source)?,
            source: source.to_path_buf(),
        })
    }
}

/// One run of the comparison, with its figures worked out.
#[derive(Debug, Clone)]
pub struct ComparedRun {
    /// The label shown, distinct among the runs.
    pub label: String,
    /// The file it came from.
    pub source: PathBuf,
    /// The record, with `run.label` set to `label` and any `--price` applied.
    pub record: RunRecord,
    /// The recommended (or peak) count.
    pub chosen: Option<Chosen>,
    /// USD per million tasks at the chosen count, when a price is known.
    pub cost_per_million: Option<f64>,
    /// Share of resamples giving the same recommendation, when the file records it.
    pub stability: Option<f64>,
    /// The limit that sets how many workers can run at once.
    pub binding: Binding,
}

/// The runs, compatible with each other.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The runs in the order given.
    pub runs: Vec<ComparedRun>,
    /// Index of the run with the lowest cost per million tasks, when any run has a price.
    pub best_value: Option<usize>,
    /// Index of the run with the highest throughput at its chosen count.
    pub fastest: Option<usize>,
}

/// Builds the comparison: checks the runs measured the same thing, makes labels distinct,
/// applies prices (each `--price` label must name a run) and finds the best value.
pub fn compare(runs: Vec<LoadedRun>, prices: &[PriceOverride]) -> anyhow::Result<Comparison> {
    check_same_work(&runs)?;
    let labels = distinct_labels(&runs);
    for p in prices {
        if !labels.contains(&p.label) {
            return Err(usage(format!(
                "--price {}: no run has this label; the labels are {}",
                p.label,
                labels
                    .iter()
                    .map(|l| format!("{l:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let runs: Vec<ComparedRun> = runs
        .into_iter()
        .zip(labels)
        .map(|(run, label)| {
            let mut record = run.record;
            record.run.label = label.clone();
            if let Some(p) = prices.iter().find(|p| p.label == label) {
                record.run.price_per_hour = Some(p.usd_per_hour);
            }
            let chosen = pick::chosen(&record);
            let cost_per_million = match (record.run.price_per_hour, chosen) {
                (Some(price), Some(c)) => pick::cost_per_million(price, c.tasks_per_sec),
                _ => None,
            };
            ComparedRun {
                binding: fleet_facts::binding(&record),
                stability: fleet_facts::stability(&record),
                label,
                source: run.source,
                record,
                chosen,
                cost_per_million,
            }
        })
        .collect();
    let best_value = index_of_best(&runs, |r| r.cost_per_million.map(|c| -c));
    let fastest = index_of_best(&runs, |r| r.chosen.map(|c| c.tasks_per_sec));
    Ok(Comparison {
        runs,
        best_value,
        fastest,
    })
}

/// The index whose key is largest (the first one on a tie).
fn index_of_best(runs: &[ComparedRun], key: impl Fn(&ComparedRun) -> Option<f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, r) in runs.iter().enumerate() {
        if let Some(k) = key(r) {
            if best.is_none_or(|(_, b)| k > b) {
                best = Some((i, k));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// Refuses runs whose workload (name and parameters, or command) differs from the first run's:
/// their throughputs are not comparable. Task counts may differ: tasks per second of the same
/// task do not depend on the batch size, and each sweep sizes its own batches.
fn check_same_work(runs: &[LoadedRun]) -> anyhow::Result<()> {
    let Some(first) = runs.first() else {
        return Err(usage("plateau report needs at least one results.json"));
    };
    let base = &first.record.config;
    for other in &runs[1..] {
        let c = &other.record.config;
        // Parameters a workload calibrates on its machine (tiny's iterations) may differ.
        let same = crate::workload::identity::identity;
        if same(&c.workload) != same(&base.workload) {
            return Err(usage(format!(
                "cannot compare {} with {}: they ran different workloads ({} in {}, {} in {}); compare runs of the same workload, parameters and command, or report them one at a time",
                first.source.display(),
                other.source.display(),
                workload_text(&base.workload),
                first.source.display(),
                workload_text(&c.workload),
                other.source.display()
            )));
        }
    }
    Ok(())
}

/// Labels made distinct: a label several runs share gets the name of each run's file (or its
/// folder, for files called results.json) in brackets, then a number if that still clashes.
fn distinct_labels(runs: &[LoadedRun]) -> Vec<String> {
    let raw: Vec<&str> = runs.iter().map(|r| r.record.run.label.as_str()).collect();
    let mut labels: Vec<String> = runs
        .iter()
        .map(|r| {
            let l = &r.record.run.label;
            if raw.iter().filter(|x| **x == l.as_str()).count() > 1 {
                format!("{l} ({})", file_tag(&r.source))
            } else {
                l.clone()
            }
        })
        .collect();
    for i in 0..labels.len() {
        let clashes = labels[..i].iter().filter(|l| **l == labels[i]).count();
        if clashes > 0 {
            labels[i] = format!("{} #{}", labels[i], clashes + 1);
        }
    }
    labels
}

fn file_tag(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem == "results" {
        if let Some(dir) = path.parent().and_then(|p| p.file_name()) {
            return dir.to_string_lossy().into_owned();
        }
    }
    stem
}

/// One row of the comparison table, as display strings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompareRow {
    /// The run's label.
    pub label: String,
    /// The CPU model.
    pub cpu: String,
    /// Logical CPUs.
    pub logical: usize,
    /// Physical cores.
    pub physical: usize,
    /// Effective CPUs.
    pub effective: usize,
    /// Tasks per batch of this run's sweep.
    pub tasks: String,
    /// Peak median tasks/s.
    pub peak: String,
    /// Recommended (or peak) workers, "-" when nothing was measured.
    pub workers: String,
    /// "analysis" or "peak": where the worker count comes from.
    pub basis: String,
    /// Share of resamples giving the same recommendation ("97%"), or "-".
    pub stability: String,
    /// The limit that binds: cores, affinity mask, CPU quota or memory.
    pub binding: String,
    /// Tasks/s at that count.
    pub tasks_per_sec: String,
    /// Tasks/s there per vCPU (an emulated size's vCPUs, else the CPUs the machine gives).
    pub per_vcpu: String,
    /// Efficiency there, in percent.
    pub efficiency: String,
    /// USD per hour, or "-".
    pub price: String,
    /// USD per million tasks at that count, or "-".
    pub cost: String,
    /// True for the lowest cost per million tasks.
    pub best_value: bool,
    /// True for the highest throughput.
    pub fastest: bool,
}

/// The table rows of a comparison.
pub fn rows(c: &Comparison) -> Vec<CompareRow> {
    c.runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let m = &r.record.machine;
            let peak = r
                .record
                .points
                .iter()
                .filter_map(|p| p.summary.as_ref().map(|s| s.tasks_per_sec))
                .fold(f64::NAN, f64::max);
            let dash = || "-".to_string();
            CompareRow {
                label: r.label.clone(),
                cpu: m.cpu_brand.clone(),
                logical: m.logical_cpus,
                physical: m.physical_cores,
                effective: m.effective_cpus,
                tasks: r.record.config.tasks_column(),
                peak: rate(peak),
                workers: r.chosen.map(|c| c.workers.to_string()).unwrap_or_else(dash),
                basis: match r.chosen {
                    Some(c) if c.from_analysis => "recommended".into(),
                    Some(_) => "peak".into(),
                    None => dash(),
                },
                stability: r
                    .stability
                    .map(|s| format!("{:.0}%", s * 100.0))
                    .unwrap_or_else(dash),
                binding: r.binding.to_string(),
                tasks_per_sec: r.chosen.map(|c| rate(c.tasks_per_sec)).unwrap_or_else(dash),
                per_vcpu: super::sizes_verdict::per_vcpu(r)
                    .map(rate)
                    .unwrap_or_else(dash),
                efficiency: r
                    .chosen
                    .map(|c| format!("{:.0}%", c.efficiency * 100.0))
                    .unwrap_or_else(dash),
                price: r
                    .record
                    .run
                    .price_per_hour
                    .map(pick::usd)
                    .unwrap_or_else(dash),
                cost: r.cost_per_million.map(pick::usd).unwrap_or_else(dash),
                best_value: c.best_value == Some(i),
                fastest: c.fastest == Some(i),
            }
        })
        .collect()
}

/// The comparison's conclusion in one or two sentences.
pub fn headline(c: &Comparison) -> String {
    // Emulated sizes answer "which size?": their own verdict, and what emulation is not.
    if let Some(v) = super::sizes_verdict::verdict(c) {
        let note = super::sizes_verdict::emulation_note(c).unwrap_or_default();
        return format!("{v} {note}").trim_end().to_string();
    }
    let mut out = Vec::new();
    if let Some(r) = c.fastest.map(|i| &c.runs[i]) {
        if let Some(ch) = r.chosen {
            out.push(format!(
                "Most throughput: {} with {} ({} tasks/s).",
                r.label,
                crate::words::workers(ch.workers),
                rate(ch.tasks_per_sec)
            ));
        }
    }
    if let Some(r) = c.best_value.map(|i| &c.runs[i]) {
        if let (Some(ch), Some(cost)) = (r.chosen, r.cost_per_million) {
            out.push(format!(
                "Best value: {} with {}, {} per million tasks.",
                r.label,
                crate::words::workers(ch.workers),
                pick::usd(cost)
            ));
        }
    } else {
        out.push("No prices were given, so cost per million tasks is not shown (record --price-per-hour at run time or pass --price LABEL=USD).".into());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    fn loaded(label: &str, file: &str, price: Option<f64>, scale_by: f64) -> LoadedRun {
        let mut record = testdata::record();
        record.run.label = label.into();
        record.run.price_per_hour = price;
        for p in &mut record.points {
            if let Some(s) = p.summary.as_mut() {
                s.tasks_per_sec *= scale_by;
            }
        }
        LoadedRun {
            source: file.into(),
            record,
        }
    }

    #[test]
    fn the_lowest_cost_per_million_tasks_is_best_value() {
        // Peaks: a 200, b 100, c 600 tasks/s; prices 1.0, 0.5, 2.0 USD/h. Cost per million:
        // a 1.389, b 1.389, c 0.926 -> c is the best value, and the fastest.
        let c = compare(
            vec![
                loaded("a", "a.json", Some(1.0), 1.0),
                loaded("b", "b.json", Some(0.5), 0.5),
                loaded("c", "c.json", Some(2.0), 3.0),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(c.best_value, Some(2));
        assert_eq!(c.fastest, Some(2));
        let cost = c.runs[2].cost_per_million.unwrap();
        assert!((cost - 2.0 / (600.0 * 3600.0) * 1e6).abs() < 1e-9);
        let rows = rows(&c);
        assert!(rows[2].best_value && !rows[0].best_value && !rows[1].best_value);
        assert_eq!(rows[2].workers, "3");
        assert_eq!(rows[2].basis, "peak");
        // A report-time price changes the winner: b at 0.2 USD/h costs 0.556 per million.
        let c = compare(
            vec![
                loaded("a", "a.json", Some(1.0), 1.0),
                loaded("b", "b.json", Some(0.5), 0.5),
                loaded("c", "c.json", Some(2.0), 3.0),
            ],
            &[PriceOverride {
                label: "b".into(),
                usd_per_hour: 0.2,
            }],
        )
        .unwrap();
        assert_eq!(c.best_value, Some(1));
        assert!(headline(&c).contains("Best value: b with 3 workers"));
    }

    #[test]
    fn duplicate_labels_are_told_apart_by_file() {
        let c = compare(
            vec![
                loaded("box", "runs/one/results.json", None, 1.0),
                loaded("box", "two.json", None, 1.0),
                loaded("other", "x.json", None, 1.0),
            ],
            &[],
        )
        .unwrap();
        let labels: Vec<&str> = c.runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["box (one)", "box (two)", "other"]);
        assert_eq!(c.best_value, None);
        let same = distinct_labels(&[
            loaded("box", "a/x.json", None, 1.0),
            loaded("box", "b/x.json", None, 1.0),
        ]);
        assert_eq!(same, ["box (x)", "box (x) #2"]);
    }

    #[test]
    fn different_work_and_unknown_price_labels_are_refused_but_task_counts_may_differ() {
        let mut other = loaded("b", "b.json", None, 1.0);
        other.record.config.workload = serde_json::json!({"name": "cpu", "iterations": 5});
        let err = compare(vec![loaded("a", "a.json", None, 1.0), other], &[]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("a.json") && msg.contains("b.json"), "{msg}");
        assert!(msg.contains("different workloads"), "{msg}");
        let mut other = loaded("b", "b.json", None, 1.0);
        other.record.config.tasks = 41;
        let c = compare(vec![loaded("a", "a.json", None, 1.0), other], &[]).unwrap();
        let tasks: Vec<u64> = rows(&c).iter().map(|r| r.tasks.parse().unwrap()).collect();
        assert_eq!(tasks, [testdata::record().config.tasks, 41]);
        let mut cmd = loaded("b", "b.json", None, 1.0);
        cmd.record.config.workload = serde_json::json!({"name": "command", "argv": ["job"]});
        let mut other_cmd = cmd.clone();
        other_cmd.source = "c.json".into();
        other_cmd.record.config.workload = serde_json::json!({"name": "command", "argv": ["job2"]});
        let err = compare(vec![cmd, other_cmd], &[]).unwrap_err();
        assert!(err.to_string().contains("different workloads"), "{err}");
        // tiny's iterations are calibrated on each machine: the same --work-ns compares.
        let tiny = |n: u64| {
            let mut r = loaded("t", "t.json", None, 1.0);
            r.record.config.workload =
                serde_json::json!({"name": "tiny", "work_ns": 1000, "iterations": n});
            r
        };
        let mut second = tiny(3100);
        second.record.run.label = "u".into();
        assert!(compare(vec![tiny(2900), second], &[]).is_ok());
        let err = compare(
            vec![loaded("a", "a.json", None, 1.0)],
            &[PriceOverride {
                label: "zz".into(),
                usd_per_hour: 1.0,
            }],
        )
        .unwrap_err();
        assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
        assert!(err.to_string().starts_with("--price zz"), "{err}");
    }
}
