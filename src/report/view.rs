//! What a report shows about one run, as display strings: verdict, recommendation, the table of
//! points, fits, warnings, the machine and the method. Shared by the HTML and markdown writers;
//! pure. Strings are raw here and escaped by the templates.

use crate::model::{MachineInfo, Point, RunRecord};
use crate::report::fits_text::{self, FitLine};
use crate::report::pick::{self, Chosen};
use crate::report::table::{self, rate, secs};
use serde::Serialize;

/// A named figure: one row of the machine or method tables.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    /// What it is.
    pub name: String,
    /// Its value as shown.
    pub value: String,
}

fn fact(name: &str, value: impl Into<String>) -> Fact {
    Fact {
        name: name.into(),
        value: value.into(),
    }
}

/// One worker count in the table of points.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PointRow {
    /// Workers.
    pub workers: usize,
    /// Median wall time of a batch.
    pub median: String,
    /// 95% CI of the median.
    pub ci: String,
    /// Median tasks/s.
    pub tasks_per_sec: String,
    /// Speedup over one worker.
    pub speedup: String,
    /// Efficiency in percent.
    pub efficiency: String,
    /// Coefficient of variation in percent.
    pub cv: String,
    /// Median voluntary context switches per batch.
    pub voluntary_ctx: String,
    /// Median involuntary context switches per batch.
    pub involuntary_ctx: String,
    /// Notes: recommended, peak, physical cores, effective CPUs.
    pub notes: String,
    /// True for the recommended (or peak) row, which the page highlights.
    pub chosen: bool,
}

/// Everything a single-run report shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunView {
    /// The run's label.
    pub label: String,
    /// The workload and its parameters, e.g. "cpu (iterations 2000)".
    pub workload: String,
    /// Tasks per batch.
    pub tasks: u64,
    /// The CPU model.
    pub cpu: String,
    /// The analysis's verdict, or the measured peak in one sentence without analysis.
    pub verdict: String,
    /// The recommendation in one sentence.
    pub recommendation: String,
    /// The recommended (or peak) worker count; None when nothing was measured.
    pub chosen_workers: Option<usize>,
    /// True when the record carries a scaling analysis.
    pub has_analysis: bool,
    /// Cost per million tasks at the chosen count, when a price is known.
    pub cost: Option<String>,
    /// True when the sweep stopped before completing its plan.
    pub interrupted: bool,
    /// The table of points.
    pub rows: Vec<PointRow>,
    /// Peak, plateau and oversubscription in sentences (empty without analysis).
    pub shape: Vec<String>,
    /// The fits and their meaning (empty without analysis).
    pub fits: Vec<FitLine>,
    /// Reasons to qualify the numbers.
    pub warnings: Vec<String>,
    /// Every core figure and the rest of the machine.
    pub machine: Vec<Fact>,
    /// Which limit sets the effective CPUs, in one sentence.
    pub binding: String,
    /// The exact command line, shell-quoted.
    pub command: String,
    /// How the numbers were taken.
    pub method: Vec<Fact>,
}

/// Builds the view of one run.
pub fn run_view(record: &RunRecord) -> RunView {
    let chosen = pick::chosen(record);
    let analysis = record.analysis.as_ref();
    let verdict = table::summary_line(record);
    let recommendation = recommendation(chosen.as_ref(), record);
    let cost = match (record.run.price_per_hour, chosen) {
        (Some(price), Some(c)) => pick::cost_per_million(price, c.tasks_per_sec).map(|cost| {
            format!(
                "{} per million tasks at {} worker{} ({} tasks/s on a machine at {} per hour).",
                pick::usd(cost),
                c.workers,
                if c.workers == 1 { "" } else { "s" },
                rate(c.tasks_per_sec),
                pick::usd(price)
            )
        }),
        _ => None,
    };
    let mut warnings = analysis.map(|a| a.warnings.clone()).unwrap_or_default();
    if record.run.interrupted {
        warnings.insert(
            0,
            "The sweep was interrupted: some worker counts have fewer samples than planned.".into(),
        );
    }
    RunView {
        label: record.run.label.clone(),
        workload: workload_text(&record.config.workload),
        tasks: record.config.tasks,
        cpu: record.machine.cpu_brand.clone(),
        verdict,
        recommendation,
        chosen_workers: chosen.map(|c| c.workers),
        has_analysis: analysis.is_some(),
        cost,
        interrupted: record.run.interrupted,
        rows: record
            .points
            .iter()
            .map(|p| point_row(p, record, chosen.map(|c| c.workers)))
            .collect(),
        shape: analysis.map(fits_text::shape_lines).unwrap_or_default(),
        fits: analysis.map(fits_text::fit_lines).unwrap_or_default(),
        warnings,
        machine: machine_facts(&record.machine),
        binding: binding_sentence(&record.machine),
        command: shell_join(&record.run.command_line),
        method: method_facts(record),
    }
}

fn recommendation(chosen: Option<&Chosen>, record: &RunRecord) -> String {
    let eff = record.machine.effective_cpus;
    match chosen {
        None => "No worker count was measured, so there is nothing to recommend.".into(),
        Some(c) if c.from_analysis => format!(
            "Run {} worker{}: {} tasks/s at {:.0}% efficiency, on a machine with {eff} effective CPUs.",
            c.workers,
            if c.workers == 1 { "" } else { "s" },
            rate(c.tasks_per_sec),
            c.efficiency * 100.0
        ),
        Some(c) => format!(
            "No scaling analysis in this file: the highest measured throughput is {} tasks/s at {} worker{} ({:.0}% efficiency, {eff} effective CPUs). Check the plateau in the table before sizing a pool by it.",
            rate(c.tasks_per_sec),
            c.workers,
            if c.workers == 1 { "" } else { "s" },
            c.efficiency * 100.0
        ),
    }
}

fn point_row(p: &Point, record: &RunRecord, chosen: Option<usize>) -> PointRow {
    let m = &record.machine;
    let mut notes = Vec::new();
    if let Some(a) = &record.analysis {
        if p.workers == a.recommended_workers {
            notes.push("recommended");
        }
        if p.workers == a.peak.workers {
            notes.push("peak");
        }
        if a.oversubscribed_from == Some(p.workers) {
            notes.push("oversubscribed from here");
        }
    } else if Some(p.workers) == chosen {
        notes.push("peak");
    }
    if p.workers == m.physical_cores {
        notes.push("physical cores");
    }
    if p.workers == m.effective_cpus {
        notes.push("effective CPUs");
    } else if p.workers == m.logical_cpus {
        notes.push("logical CPUs");
    }
    let median_of = |f: fn(&crate::model::Sample) -> u64| {
        let mut v: Vec<u64> = p.samples.iter().map(f).collect();
        v.sort_unstable();
        v.get(v.len() / 2).map(u64::to_string).unwrap_or_default()
    };
    let dash = || "-".to_string();
    let s = p.summary.as_ref();
    PointRow {
        workers: p.workers,
        median: s.map(|s| secs(s.median_s)).unwrap_or_else(dash),
        ci: s
            .map(|s| format!("[{}, {}]", secs(s.ci95_s[0]), secs(s.ci95_s[1])))
            .unwrap_or_else(dash),
        tasks_per_sec: s.map(|s| rate(s.tasks_per_sec)).unwrap_or_else(dash),
        speedup: s.map(|s| format!("{:.2}x", s.speedup)).unwrap_or_else(dash),
        efficiency: s
            .map(|s| format!("{:.0}%", s.efficiency * 100.0))
            .unwrap_or_else(dash),
        cv: s
            .map(|s| format!("{:.1}%", s.cv * 100.0))
            .unwrap_or_else(dash),
        voluntary_ctx: median_of(|s| s.voluntary_ctx_switches),
        involuntary_ctx: median_of(|s| s.involuntary_ctx_switches),
        notes: if s.is_none() {
            "not measured".into()
        } else {
            notes.join(", ")
        },
        chosen: Some(p.workers) == chosen,
    }
}

/// The workload's name and parameters, e.g. "cpu (iterations 2000)".
pub fn workload_text(w: &serde_json::Value) -> String {
    let name = w.get("name").and_then(|v| v.as_str()).unwrap_or("workload");
    let params: Vec<String> = w
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.as_str() != "name")
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k} {s}"),
                    other => format!("{k} {other}"),
                })
                .collect()
        })
        .unwrap_or_default();
    if params.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", params.join(", "))
    }
}

/// Every core figure of the machine, then the rest.
pub fn machine_facts(m: &MachineInfo) -> Vec<Fact> {
    let mut out = vec![
        fact("Host", m.hostname.clone()),
        fact(
            "CPU",
            if m.cpu_mhz > 0 {
                format!("{} ({} MHz)", m.cpu_brand, m.cpu_mhz)
            } else {
                m.cpu_brand.clone()
            },
        ),
        fact("Logical CPUs", m.logical_cpus.to_string()),
        fact("Physical cores", m.physical_cores.to_string()),
        fact("Threads per core", m.threads_per_core.to_string()),
        fact("CPUs in the affinity mask", m.affinity_cpus.to_string()),
        fact(
            "cgroup CPU quota",
            m.cgroup_cpu_quota
                .map(|q| format!("{q:.2} CPUs"))
                .unwrap_or_else(|| "none".into()),
        ),
        fact("Effective CPUs", m.effective_cpus.to_string()),
        fact("Binding limit", m.binding_limit.clone()),
    ];
    if !m.allowed_cpu_ids.is_empty() {
        let ids: Vec<String> = m.allowed_cpu_ids.iter().map(usize::to_string).collect();
        out.push(fact("Allowed CPU ids", ids.join(", ")));
    }
    if let Some(llc) = m.last_level_cache_bytes {
        out.push(fact("Last-level cache", format!("{} MiB", llc >> 20)));
    }
    if let Some(g) = &m.cpu_governor {
        out.push(fact("CPU governor", g.clone()));
    }
    out.push(fact(
        "Memory",
        format!(
            "{:.1} GiB",
            m.memory_total_bytes as f64 / (1u64 << 30) as f64
        ),
    ));
    out.push(fact("OS", format!("{} (kernel {})", m.os, m.kernel)));
    out.push(fact("Architecture", m.arch.clone()));
    out.push(fact(
        "Load average (1 min) at start",
        format!("{:.2}", m.load_average_1m),
    ));
    out
}

/// Which limit sets the effective CPUs, in a sentence.
pub fn binding_sentence(m: &MachineInfo) -> String {
    let eff = m.effective_cpus;
    match m.binding_limit.as_str() {
        "affinity" => format!(
            "The affinity mask binds: this process may run on {} of the {} logical CPUs, so pools should be sized by {eff}.",
            m.affinity_cpus, m.logical_cpus
        ),
        "cgroup_quota" => format!(
            "The cgroup CPU quota binds: {} CPUs of time per period, so pools should be sized by {eff} although the OS shows {} logical CPUs.",
            m.cgroup_cpu_quota
                .map(|q| format!("{q:.2}"))
                .unwrap_or_else(|| "?".into()),
            m.logical_cpus
        ),
        _ => format!(
            "Nothing narrower than the logical CPUs binds: all {} are available ({} physical core{}, {} hardware thread{} per core).",
            m.logical_cpus,
            m.physical_cores,
            if m.physical_cores == 1 { "" } else { "s" },
            m.threads_per_core,
            if m.threads_per_core == 1 { "" } else { "s" }
        ),
    }
}

fn method_facts(r: &RunRecord) -> Vec<Fact> {
    let c = &r.config;
    let workers: Vec<String> = c.workers.iter().map(usize::to_string).collect();
    vec![
        fact(
            "plateau version",
            format!("{} {}", r.tool.name, r.tool.version),
        ),
        fact("Label", r.run.label.clone()),
        fact("Started", r.run.started_at.clone()),
        fact(
            "Finished",
            r.run
                .finished_at
                .clone()
                .unwrap_or_else(|| "not finished".into()),
        ),
        fact(
            "Completed the plan",
            if r.run.interrupted {
                "no, interrupted"
            } else {
                "yes"
            },
        ),
        fact("Workload", workload_text(&c.workload)),
        fact("Tasks per batch", c.tasks.to_string()),
        fact("Worker counts", workers.join(", ")),
        fact(
            "Repetitions (kept batches per count)",
            c.repetitions.to_string(),
        ),
        fact("Warmup (discarded batches per count)", c.warmup.to_string()),
        fact("Execution mode", c.mode.clone()),
        fact("Schedule", c.schedule.clone()),
        fact("Pinned to CPUs", if c.pin { "yes" } else { "no" }),
        fact("Seed", c.seed.to_string()),
        fact(
            "Price per hour",
            r.run
                .price_per_hour
                .map(pick::usd)
                .unwrap_or_else(|| "not given".into()),
        ),
    ]
}

/// The command line as a shell would need it typed: arguments with spaces or special
/// characters in single quotes.
pub fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn without_analysis_the_peak_is_shown_and_said_to_be_unanalysed() {
        let v = run_view(&testdata::record());
        assert!(!v.has_analysis);
        assert_eq!(v.chosen_workers, Some(3));
        assert!(v.recommendation.starts_with("No scaling analysis"));
        assert!(v.fits.is_empty() && v.shape.is_empty());
        assert_eq!(v.rows.len(), 4);
        assert_eq!(v.rows[2].notes, "peak");
        assert!(v.rows[2].chosen);
        assert_eq!(v.rows[1].voluntary_ctx, "20");
        assert_eq!(v.cost, None);
    }

    #[test]
    fn with_analysis_the_recommendation_fits_and_warnings_are_shown() {
        let mut r = testdata::record_with_analysis();
        r.run.price_per_hour = Some(0.72);
        let v = run_view(&r);
        assert!(v.has_analysis);
        assert_eq!(v.chosen_workers, Some(2));
        assert!(v.recommendation.starts_with("Run 2 workers"));
        assert_eq!(
            v.verdict,
            "Run 2 workers: throughput plateaus at the 2 cores."
        );
        assert!(v.rows[1].notes.starts_with("recommended"));
        assert!(v.rows[3].notes.contains("oversubscribed"));
        assert_eq!(v.warnings.len(), 1);
        assert!(!v.fits.is_empty());
        // 0.72 USD/h at 190 tasks/s: 0.72 / (190 * 3600) * 1e6 = 1.0526 USD per million.
        assert!(v.cost.as_deref().unwrap().starts_with("$1.05 per million"));
    }

    #[test]
    fn machine_and_method_name_every_core_figure_and_the_command() {
        let v = run_view(&testdata::record());
        let names: Vec<&str> = v.machine.iter().map(|f| f.name.as_str()).collect();
        for n in [
            "Logical CPUs",
            "Physical cores",
            "Threads per core",
            "CPUs in the affinity mask",
            "cgroup CPU quota",
            "Effective CPUs",
            "Binding limit",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(v.binding.contains("all 2 are available"));
        assert_eq!(v.command, "plateau run --label 'box a'");
        assert_eq!(shell_join(&["it's".into()]), r"'it'\''s'");
        assert_eq!(v.workload, "cpu (iterations 2000)");
    }
}
