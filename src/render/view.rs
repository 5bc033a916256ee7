//! What a report shows about one run, as display strings: verdict, recommendation, the table of
//! points, fits and warnings, with the machine and method from `facts`. Shared by the HTML and
//! markdown writers; pure. Strings are raw here and escaped by the templates.

use crate::model::{Point, RunRecord};
use crate::numbers::{rate, secs};
use crate::render::facts::{
    Fact, binding_sentence, machine_facts, method_facts, shell_join, workload_text,
};
use crate::render::fits_text::{self, FitLine};
use crate::render::headline;
use crate::render::intervals;
use crate::render::pick::{self, Chosen};
use crate::words::workers;
use serde::Serialize;

/// One worker count in the table of points.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PointRow {
    /// Workers.
    pub workers: usize,
    /// Median wall time of a batch.
    pub median: String,
    /// The bootstrap 95% CI of the median batch time, or "—" from a single batch.
    pub ci: String,
    /// The decision's within-round CI (`±1.2%`), or "—" (see `intervals`).
    pub within_rounds: String,
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
    /// Median task latency over the kept batches ("-" when not recorded).
    pub p50: String,
    /// 99th percentile of task latency ("-" when not recorded).
    pub p99: String,
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
    /// The CPU model ("not recorded" for imported measurements).
    pub cpu: String,
    /// The line under the title: workload, batch and machine, or where imported data came
    /// from and what it lacks.
    pub subtitle: String,
    /// The analysis's verdict, or the measured peak in one sentence without analysis.
    pub verdict: String,
    /// The answer in one sentence (`headline::answer`), or the measured peak without analysis.
    pub answer: String,
    /// The verdict's sentences, the reasons under the answer (empty without analysis).
    pub reasons: Vec<String>,
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
    /// True when some point recorded task latencies: the table shows p50 and p99, the report
    /// its latency chart.
    pub has_latency: bool,
    /// Little's law and the response-time fit in sentences (empty without latencies).
    pub latency_notes: Vec<String>,
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
    // The report shows warnings in their own section, so the verdict is the analysis's own text.
    let verdict = match analysis {
        Some(a) => a.verdict.clone(),
        None => headline::peak_line(record),
    };
    let answer = headline::answer(record).unwrap_or_else(|| headline::peak_line(record));
    let reasons = analysis
        .map(|a| headline::sentences(&a.verdict))
        .unwrap_or_default();
    let recommendation = recommendation(chosen.as_ref(), record);
    let here = crate::analysis::Provenance::of(record).machine_recorded;
    let cost = match (record.run.price_per_hour, chosen) {
        (Some(price), Some(c)) => pick::cost_per_million(price, c.tasks_per_sec).map(|cost| {
            format!(
                "{} per million tasks at {} ({} tasks/s on a machine at {} per hour).",
                pick::usd(cost),
                workers(c.workers),
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
        cpu: if here {
            record.machine.cpu_brand.clone()
        } else {
            "a machine not recorded in the input".into()
        },
        subtitle: super::provenance_text::subtitle(record),
        verdict,
        answer,
        reasons,
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
        has_latency: super::latency_text::has_latency(record),
        latency_notes: analysis.map(super::latency_text::notes).unwrap_or_default(),
        shape: analysis.map(fits_text::shape_lines).unwrap_or_default(),
        fits: analysis.map(fits_text::fit_lines).unwrap_or_default(),
        warnings,
        machine: if here {
            machine_facts(&record.machine)
        } else {
            vec![Fact {
                name: "Machine".into(),
                value: "not recorded in the input".into(),
            }]
        },
        binding: if here {
            binding_sentence(&record.machine)
        } else {
            String::new()
        },
        command: shell_join(&record.run.command_line),
        method: method_facts(record),
    }
}

fn recommendation(chosen: Option<&Chosen>, record: &RunRecord) -> String {
    let eff = record.machine.effective_cpus;
    let on = if crate::analysis::Provenance::of(record).machine_recorded {
        format!("on a machine with {eff} effective CPUs")
    } else {
        "on the machine that measured it (not recorded in the input)".to_string()
    };
    match chosen {
        None => "No worker count was measured, so there is nothing to recommend.".into(),
        Some(c) if c.from_analysis => format!(
            "Run {}: {} tasks/s at {:.0}% efficiency, {on}.",
            workers(c.workers),
            rate(c.tasks_per_sec),
            c.efficiency * 100.0
        ),
        Some(c) => format!(
            "No scaling analysis in this file: the highest measured throughput is {} tasks/s at {} ({:.0}% efficiency, {eff} effective CPUs). Check the plateau in the table before sizing a pool by it.",
            rate(c.tasks_per_sec),
            workers(c.workers),
            c.efficiency * 100.0
        ),
    }
}

/// A percentile of a summary's latency as text, or "-".
fn latency_of(
    s: Option<&crate::model::Summary>,
    f: fn(&crate::model::LatencySummary) -> f64,
) -> String {
    s.and_then(|s| s.latency.as_ref())
        .map_or_else(|| "-".to_string(), |l| secs(f(l)))
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
    // An import's machine fields describe the analysing machine: no notes from them.
    let here = crate::analysis::Provenance::of(record).machine_recorded;
    if here && p.workers == m.physical_cores {
        notes.push("physical cores");
    }
    if here && p.workers == m.effective_cpus {
        notes.push("effective CPUs");
    } else if here && p.workers == m.logical_cpus {
        notes.push("logical CPUs");
    }
    let mut notes: Vec<String> = notes.into_iter().map(String::from).collect();
    if let Some(d) = record.analysis.as_ref().and_then(|a| a.decision.as_ref()) {
        if d.method.resampled() && d.unconverged.contains(&p.workers) {
            notes.push("unconverged".into());
        }
    }
    let disturbed = p.samples.iter().filter(|s| s.disturbed).count();
    if disturbed > 0 {
        notes.push(format!("{disturbed} disturbed (left out)"));
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
        ci: s.map(|_| intervals::of_median(p)).unwrap_or_else(dash),
        within_rounds: s
            .map(|_| intervals::within_rounds(record, p))
            .unwrap_or_else(dash),
        tasks_per_sec: s.map(|s| rate(s.tasks_per_sec)).unwrap_or_else(dash),
        speedup: s.map(|s| format!("{:.2}x", s.speedup)).unwrap_or_else(dash),
        efficiency: s
            .map(|s| format!("{:.0}%", s.efficiency * 100.0))
            .unwrap_or_else(dash),
        cv: s
            .map(|s| format!("{:.1}%", s.cv * 100.0))
            .unwrap_or_else(dash),
        p50: latency_of(s, |l| l.p50_s),
        p99: latency_of(s, |l| l.p99_s),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

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
}
