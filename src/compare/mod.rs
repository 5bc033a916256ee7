//! `compare`: a baseline run against a current run, as a CI gate. Pure: two `RunRecord`s in,
//! a `Comparison` out (the app reads files and writes the outputs).
//!
//! # How the gate decides
//!
//! Points are matched by worker count. At every count with at least `MIN_SAMPLES` samples on
//! both sides, throughput samples (tasks / wall_s of each batch; with equal task counts these
//! rank exactly like the wall times) are compared by:
//! - the throughput ratio current / baseline (ratio of medians) with a 95% percentile
//!   bootstrap CI over the raw samples, seeded from both runs' seeds (`ratio_ci`);
//! - one-sided Mann-Whitney U tests, "current slower" and "current faster" (`mann_whitney`):
//!   rank-based, so the skewed noise of wall times (a preempted batch is slow, never fast) and
//!   single outliers do not drive them.
//!
//! The whole curve is tested too: a stratified Mann-Whitney test (`stratified`) pools the U
//! statistics of every worker count, and its ratio is the geometric mean of the per-count
//! ratios. A code change usually slows every count a little; per-count tests alone would need
//! many samples each to see that through a multiple-comparison correction.
//!
//! Multiple comparisons: the curve test and the per-count tests form one family, corrected by
//! Holm's step-down method, so the chance of any false alarm from sampling noise is at most
//! alpha however many worker counts there are (Holm is uniformly more powerful than Bonferroni
//! and needs no independence). "Slower" and "faster" are separate one-sided families: the
//! gate asks a directional question, and one-sided exact p-values halve the smallest
//! reachable p (1/252 for 5 against 5, instead of 2/252).
//!
//! A regression (at a count, or of the whole curve) needs both: a slowdown larger than the
//! threshold (ratio < 1 - threshold, by the point estimate) AND significance at alpha after
//! Holm. Significance alone would fail CI on real but tiny changes; the threshold alone would
//! fail it on one noisy batch. Using the point estimate rather than the CI's far end keeps a
//! real 10% slowdown visible at the default 5% threshold with only 5 samples per point.
//! Improvements are judged the same way. A change beyond the threshold that is not
//! significant is reported as inconclusive, never as a regression.
//!
//! What statistics cannot fix: these tests assume the two runs' samples are exchangeable when
//! nothing changed. A runner that is uniformly slower during one whole run (a noisy
//! neighbour, thermal state) breaks that, and no test can tell it from a regression; the
//! threshold absorbs drifts below it. The cure is in how the runs are measured: baseline and
//! candidate in the same job with their rounds interleaved (docs/ci.md), so drift hits both.
//!
//! A point with fewer than `MIN_SAMPLES` samples on either side is reported as too few to
//! decide and takes no part in any test.

pub mod config_diff;
pub mod curve;
mod family;
pub mod gate;
pub mod gate_outcome;
#[cfg(test)]
pub mod gate_sim;
pub mod outcome;
pub mod overlap;
pub mod side;
#[cfg(test)]
mod tests;

use crate::model::RunRecord;
use crate::rng::{Stream, derive};
use crate::stats::mann_whitney::min_p_value;
use config_diff::{config_differences, machine_notes, sweep_notes};
use curve::curve_checks;
use family::Family;
pub use outcome::{
    Comparison, Evidence, Movement, PointComparison, RunRef, Status, Verdict, WholeCurve,
};
pub use side::Side;

/// Fewer samples than this on either side at a worker count: too few to decide.
pub const MIN_SAMPLES: usize = 5;

/// The gate's settings, already validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareOptions {
    /// Smallest relative change that counts, as a fraction (0.05 = 5%).
    pub threshold: f64,
    /// Significance level of the Holm-corrected family of tests.
    pub alpha: f64,
}

/// Classifies a tested change: beyond the threshold and significant, or not.
pub fn classify(e: &Evidence, opts: &CompareOptions) -> Status {
    match Movement::of(e.ratio.ratio, opts.threshold) {
        Movement::Lower if e.p_slower_holm < opts.alpha => Status::Regression,
        Movement::Higher if e.p_faster_holm < opts.alpha => Status::Improvement,
        Movement::Lower | Movement::Higher => Status::Inconclusive,
        Movement::Steady => Status::WithinThreshold,
    }
}

/// Compares `current` against `baseline`.
pub fn compare(baseline: &RunRecord, current: &RunRecord, opts: &CompareOptions) -> Comparison {
    let b = Side::new(baseline);
    let c = Side::new(current);
    let seed = derive(baseline.config.seed, Stream::Against(current.config.seed));
    let workers = worker_counts(&b, &c);
    let family = Family::test(&b, &c, &workers, seed);
    let whole_curve = family.whole_curve(opts);
    let points: Vec<PointComparison> = workers
        .iter()
        .map(|&w| point(&b, &c, &family, w, opts))
        .collect();
    let mut notes = machine_notes(&baseline.machine, &current.machine);
    notes.extend(sweep_notes(&baseline.config, &current.config));
    notes.extend(too_few_note(&points));
    notes.extend(power_note(&b, &c, &family, opts.alpha));
    if let Some(w) = &whole_curve {
        notes.push(spread_note(w, family.fewest_samples(&b, &c).unwrap_or(0)));
        notes.extend(resolution_note(w, opts.threshold));
    }
    let curve = curve_checks(
        &b,
        &c,
        opts.threshold,
        derive(seed, Stream::Peak),
        &mut notes,
    );
    Comparison {
        verdict: verdict(family.tested.is_empty(), whole_curve.as_ref(), &points),
        threshold: opts.threshold,
        alpha: opts.alpha,
        min_samples: MIN_SAMPLES,
        baseline: run_ref(baseline),
        current: run_ref(current),
        config_differences: config_differences(&baseline.config, &current.config),
        whole_curve,
        regressions: with_status(&points, Status::Regression),
        improvements: with_status(&points, Status::Improvement),
        points,
        curve,
        notes,
    }
}

/// Every worker count either run measured, ascending, once.
fn worker_counts(b: &Side<'_>, c: &Side<'_>) -> Vec<usize> {
    let mut all: Vec<usize> = b.worker_counts().chain(c.worker_counts()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Worker count `w` side by side: its evidence and status when decided, else why not.
fn point(
    b: &Side<'_>,
    c: &Side<'_>,
    family: &Family,
    w: usize,
    opts: &CompareOptions,
) -> PointComparison {
    let (nb, nc) = (b.throughput(w).len(), c.throughput(w).len());
    let (evidence, p_method, status) = match family.at(w) {
        Some((t, e)) => (Some(e), Some(t.method), classify(&e, opts)),
        None if nb == 0 => (None, None, Status::OnlyInCurrent),
        None if nc == 0 => (None, None, Status::OnlyInBaseline),
        None => (None, None, Status::TooFewSamples),
    };
    PointComparison {
        workers: w,
        baseline_samples: nb,
        current_samples: nc,
        baseline_tasks_per_sec: b.median_tasks_per_sec(w),
        current_tasks_per_sec: c.median_tasks_per_sec(w),
        evidence,
        p_method,
        status,
    }
}

/// The worker counts whose points have status `s`, ascending.
fn with_status(points: &[PointComparison], s: Status) -> Vec<usize> {
    points
        .iter()
        .filter(|p| p.status == s)
        .map(|p| p.workers)
        .collect()
}

/// Regression when the curve or any count regressed; inconclusive when a slowdown beyond the
/// threshold was not significant; undecided when nothing could be tested.
fn verdict(none_tested: bool, whole: Option<&WholeCurve>, points: &[PointComparison]) -> Verdict {
    let curve_regressed = whole.is_some_and(|w| w.status == Status::Regression);
    let noisy_slowdown = whole
        .iter()
        .map(|w| (w.status, w.evidence.ratio.ratio))
        .chain(
            points
                .iter()
                .filter_map(|p| p.evidence.map(|e| (p.status, e.ratio.ratio))),
        )
        .any(|(s, r)| s == Status::Inconclusive && r < 1.0);
    if none_tested {
        Verdict::Undecided
    } else if curve_regressed || points.iter().any(|p| p.status == Status::Regression) {
        Verdict::Regression
    } else if noisy_slowdown {
        Verdict::Inconclusive
    } else {
        Verdict::Pass
    }
}

fn run_ref(r: &RunRecord) -> RunRef {
    RunRef {
        label: r.run.label.clone(),
        started_at: r.run.started_at.clone(),
        tool_version: r.tool.version.clone(),
        file: None,
    }
}

/// The counts with too few samples to decide, named in one note; `None` when there are none.
fn too_few_note(points: &[PointComparison]) -> Option<String> {
    let too_few: Vec<String> = points
        .iter()
        .filter(|p| p.status == Status::TooFewSamples)
        .map(|p| {
            format!(
                "{} ({} baseline, {} current)",
                p.workers, p.baseline_samples, p.current_samples
            )
        })
        .collect();
    (!too_few.is_empty()).then(|| format!(
        "Too few samples to decide at worker count {}: at least {MIN_SAMPLES} per side are needed, so no verdict is given there (rerun with --repetitions {MIN_SAMPLES} or more).",
        too_few.join(", ")
    ))
}

/// What these files can resolve: half the width of the whole curve's 95% CI, as a change.
fn spread_note(w: &WholeCurve, samples: usize) -> String {
    let r = &w.evidence.ratio;
    format!(
        "With this spread, {samples} samples per side resolve changes of about {} (half the width of the whole curve's 95% CI).",
        crate::compare::gate_outcome::pct((r.ci.hi - r.ci.lo) / 2.0 / r.ratio)
    )
}

/// A plain warning when the whole curve's ratio is known less precisely than the threshold:
/// then a change of about the threshold (or twice it) cannot be told reliably from noise,
/// whatever the verdict says this time. The CI narrows roughly as 1 / sqrt(samples).
fn resolution_note(w: &WholeCurve, threshold: f64) -> Option<String> {
    let r = &w.evidence.ratio;
    let half_width = (r.ci.hi - r.ci.lo) / 2.0 / r.ratio;
    (half_width > threshold).then(|| {
        let factor = (half_width / (threshold / 2.0)).powi(2).ceil();
        format!(
            "The whole-curve ratio is only known to about +-{:.1}% (95% CI), wider than the {:.1}% threshold: changes near the threshold cannot be told reliably from noise. Interleave the runs and use about {factor:.0}x the samples (or longer batches) to resolve +-{:.1}%.",
            half_width * 100.0,
            threshold * 100.0,
            threshold * 50.0
        )
    })
}

/// A plain warning when a change confined to one worker count cannot reach significance with
/// these sample sizes after the correction, and how many repetitions would allow it.
fn power_note(b: &Side<'_>, c: &Side<'_>, family: &Family, alpha: f64) -> Option<String> {
    let tested = &family.tested;
    let family_size = tested.len() + 1;
    let fewest = family.fewest_samples(b, c)?;
    let best = tested
        .keys()
        .map(|&w| min_p_value(b.throughput(w).len(), c.throughput(w).len()))
        .fold(0.0f64, f64::max);
    if best * family_size as f64 <= alpha {
        return None;
    }
    let needed = (fewest..=200)
        .find(|&n| min_p_value(n, n) * (family_size as f64) < alpha)
        .unwrap_or(200);
    Some(format!(
        "With {fewest} samples per side and {family_size} tests (the whole curve and {} worker counts), a change at a single worker count cannot reach significance at alpha {alpha} after the Holm correction; a change of the whole curve still can. Use --repetitions {needed} or more to judge single worker counts.",
        tested.len()
    ))
}
