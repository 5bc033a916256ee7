//! Curve-level checks: the peak throughput, whether the recommended worker count moved, and
//! the parallel efficiency at the effective CPU count. They explain how the curve changed;
//! the regression verdict itself comes from the tests in `compare` (see its docs). Pure.

use super::{Movement, Side};
use crate::stats::ratio_ci::{RatioCi, ratio_of_medians_ci};
use crate::summary::{BOOTSTRAP_RESAMPLES, measured_peak};
use serde::Serialize;

/// The best worker count and its median throughput, on one side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PeakAt {
    /// Workers at the peak.
    pub workers: usize,
    /// Median tasks/s there.
    pub tasks_per_sec: f64,
}

/// How the peak throughput moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeakCheck {
    /// The baseline's peak.
    pub baseline: PeakAt,
    /// The current run's peak.
    pub current: PeakAt,
    /// Where the peaks come from: "analysis" (both files analysed) or "summaries" (the
    /// medians recomputed from the raw samples).
    pub source: String,
    /// Current peak / baseline peak with a 95% bootstrap CI over the two peak points' samples;
    /// null when either peak point has no usable samples.
    pub ratio: Option<RatioCi>,
    /// Beyond the threshold lower, higher, or within it (by the ratio's estimate).
    pub movement: Movement,
}

/// Whether the recommended worker count moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecommendationCheck {
    /// `analysis.recommended_workers` of the baseline, when analysed.
    pub baseline: Option<usize>,
    /// `analysis.recommended_workers` of the current run, when analysed.
    pub current: Option<usize>,
    /// True when both are known and differ; null when the check was skipped.
    pub moved: Option<bool>,
    /// A sentence saying what was found or why the check was skipped.
    pub note: String,
}

/// Parallel efficiency (speedup / workers) at the effective CPU count on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfficiencyCheck {
    /// The worker count checked: the baseline machine's effective CPUs.
    pub workers: usize,
    /// The baseline's efficiency there (1.0 = perfect scaling).
    pub baseline: f64,
    /// The current run's efficiency there.
    pub current: f64,
    /// Beyond the threshold lower, higher, or within it (relative change).
    pub movement: Movement,
}

/// All curve-level checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveChecks {
    /// Peak throughput; null when a side has no measured point.
    pub peak: Option<PeakCheck>,
    /// The recommended worker count.
    pub recommendation: RecommendationCheck,
    /// Efficiency at the effective CPU count; null when either side did not measure it.
    pub efficiency: Option<EfficiencyCheck>,
}

/// Runs the curve checks. Notes on skipped checks are pushed onto `notes`.
pub fn curve_checks(
    baseline: &Side<'_>,
    current: &Side<'_>,
    threshold: f64,
    seed: u64,
    notes: &mut Vec<String>,
) -> CurveChecks {
    CurveChecks {
        peak: peak_check(baseline, current, threshold, seed, notes),
        recommendation: recommendation_check(baseline, current),
        efficiency: efficiency_check(baseline, current, threshold, notes),
    }
}

fn peak_of(side: &Side<'_>) -> Option<PeakAt> {
    if let Some(a) = &side.record.analysis {
        return Some(PeakAt {
            workers: a.peak.workers,
            tasks_per_sec: a.peak.tasks_per_sec,
        });
    }
    measured_peak(&side.points).map(|m| PeakAt {
        workers: m.workers,
        tasks_per_sec: m.summary.tasks_per_sec,
    })
}

fn peak_check(
    baseline: &Side<'_>,
    current: &Side<'_>,
    threshold: f64,
    seed: u64,
    notes: &mut Vec<String>,
) -> Option<PeakCheck> {
    let (Some(b), Some(c)) = (peak_of(baseline), peak_of(current)) else {
        notes.push("Peak throughput not compared: a run has no measured point.".into());
        return None;
    };
    let both_analysed = baseline.record.analysis.is_some() && current.record.analysis.is_some();
    let ratio = ratio_of_medians_ci(
        baseline.throughput(b.workers),
        current.throughput(c.workers),
        0.95,
        BOOTSTRAP_RESAMPLES,
        seed,
    );
    let estimate = if b.tasks_per_sec > 0.0 {
        c.tasks_per_sec / b.tasks_per_sec
    } else {
        1.0
    };
    Some(PeakCheck {
        baseline: b,
        current: c,
        source: if both_analysed {
            "analysis".into()
        } else {
            "summaries".into()
        },
        ratio,
        movement: Movement::of(estimate, threshold),
    })
}

fn recommendation_check(baseline: &Side<'_>, current: &Side<'_>) -> RecommendationCheck {
    let b = baseline
        .record
        .analysis
        .as_ref()
        .map(|a| a.recommended_workers);
    let c = current
        .record
        .analysis
        .as_ref()
        .map(|a| a.recommended_workers);
    let (moved, note) = match (b, c) {
        (Some(b), Some(c)) if b == c => (Some(false), format!("The recommended worker count is {b} in both runs.")),
        (Some(b), Some(c)) => (
            Some(true),
            format!("The recommended worker count moved from {b} to {c}: size pools by the new figure."),
        ),
        _ => (
            None,
            "Recommendation not compared: a file has no analysis (analysis is null), so there is no recommended worker count to compare.".into(),
        ),
    };
    RecommendationCheck {
        baseline: b,
        current: c,
        moved,
        note,
    }
}

fn efficiency_check(
    baseline: &Side<'_>,
    current: &Side<'_>,
    threshold: f64,
    notes: &mut Vec<String>,
) -> Option<EfficiencyCheck> {
    let w = baseline.record.machine.effective_cpus;
    let at = |side: &Side<'_>| {
        side.points
            .iter()
            .find(|p| p.workers == w)
            .and_then(|p| p.summary.as_ref())
            .map(|s| s.efficiency)
    };
    match (at(baseline), at(current)) {
        (Some(b), Some(c)) => Some(EfficiencyCheck {
            workers: w,
            baseline: b,
            current: c,
            movement: Movement::of(if b > 0.0 { c / b } else { 1.0 }, threshold),
        }),
        _ => {
            notes.push(format!(
                "Efficiency at the effective CPU count ({w}) not compared: a run did not measure {w} workers."
            ));
            None
        }
    }
}
