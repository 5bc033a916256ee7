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
pub mod gate;
pub mod gate_outcome;
#[cfg(test)]
pub mod gate_sim;
pub mod outcome;
pub mod side;
#[cfg(test)]
mod tests;

use crate::model::RunRecord;
use crate::rng::derive;
use crate::stats::mann_whitney::{Alternative, PMethod, min_p_value, u_test};
use crate::stats::ratio_ci::{RatioCi, SamplePair, geomean_ratio_ci, ratio_of_medians_ci};
use crate::stats::stratified::{Stratum, stratified_u_test};
use crate::summary::BOOTSTRAP_RESAMPLES;
use config_diff::{config_differences, machine_notes};
use curve::curve_checks;
pub use outcome::{
    Comparison, Evidence, Movement, PointComparison, RunRef, Status, Verdict, WholeCurve,
};
pub use side::Side;
use std::collections::BTreeMap;

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

/// Raw test results of one decided worker count, before the correction.
struct Tested {
    ratio: RatioCi,
    p_slower: f64,
    p_faster: f64,
    method: PMethod,
}

/// The bootstrap stream of the whole-curve ratio; a worker count's stream is its count.
const WHOLE_CURVE_STREAM: u64 = u64::MAX;
/// The bootstrap stream of the peak check.
const PEAK_STREAM: u64 = u64::MAX - 1;

/// Compares `current` against `baseline`.
pub fn compare(baseline: &RunRecord, current: &RunRecord, opts: &CompareOptions) -> Comparison {
    let b = Side::new(baseline);
    let c = Side::new(current);
    let seed = derive(baseline.config.seed, current.config.seed);
    let mut notes = machine_notes(&baseline.machine, &current.machine);

    let mut all_workers: Vec<usize> = b.worker_counts().chain(c.worker_counts()).collect();
    all_workers.sort_unstable();
    all_workers.dedup();

    // Test every decidable count, then correct the family (curve first, then the counts).
    let mut tested: BTreeMap<usize, Tested> = BTreeMap::new();
    for &w in &all_workers {
        let (xb, xc) = (b.throughput(w), c.throughput(w));
        if xb.len() < MIN_SAMPLES || xc.len() < MIN_SAMPLES {
            continue;
        }
        let (Some(ratio), Some(slower), Some(faster)) = (
            ratio_of_medians_ci(xb, xc, 0.95, BOOTSTRAP_RESAMPLES, derive(seed, w as u64)),
            u_test(xc, xb, Alternative::Less),
            u_test(xc, xb, Alternative::Greater),
        ) else {
            continue;
        };
        tested.insert(
            w,
            Tested {
                ratio,
                p_slower: slower.p_value,
                p_faster: faster.p_value,
                method: slower.method,
            },
        );
    }
    let whole = whole_curve_raw(&b, &c, &tested, seed);
    let (slower_holm, faster_holm) = holm_family(whole.as_ref(), &tested);

    let evidence_at = |i: usize, t: &Tested| Evidence {
        ratio: t.ratio,
        p_slower: t.p_slower,
        p_slower_holm: slower_holm[i],
        p_faster: t.p_faster,
        p_faster_holm: faster_holm[i],
    };
    let whole_curve = whole.map(|t| {
        let evidence = evidence_at(0, &t);
        WholeCurve {
            workers: tested.keys().copied().collect(),
            status: classify(&evidence, opts),
            evidence,
        }
    });
    let offset = usize::from(whole_curve.is_some());
    let mut points = Vec::new();
    let mut too_few = Vec::new();
    for &w in &all_workers {
        let (nb, nc) = (b.throughput(w).len(), c.throughput(w).len());
        let index = tested.keys().position(|&k| k == w);
        let (evidence, p_method, status) = match (index, tested.get(&w)) {
            (Some(i), Some(t)) => {
                let e = evidence_at(i + offset, t);
                (Some(e), Some(t.method), classify(&e, opts))
            }
            _ if nb == 0 => (None, None, Status::OnlyInCurrent),
            _ if nc == 0 => (None, None, Status::OnlyInBaseline),
            _ => {
                too_few.push(format!("{w} ({nb} baseline, {nc} current)"));
                (None, None, Status::TooFewSamples)
            }
        };
        points.push(PointComparison {
            workers: w,
            baseline_samples: nb,
            current_samples: nc,
            baseline_tasks_per_sec: b.median_tasks_per_sec(w),
            current_tasks_per_sec: c.median_tasks_per_sec(w),
            evidence,
            p_method,
            status,
        });
    }
    if !too_few.is_empty() {
        notes.push(format!(
            "Too few samples to decide at worker count {}: at least {MIN_SAMPLES} per side are needed, so no verdict is given there (rerun with --repetitions {MIN_SAMPLES} or more).",
            too_few.join(", ")
        ));
    }
    if let Some(note) = power_note(&b, &c, &tested, opts.alpha) {
        notes.push(note);
    }
    if let Some(w) = &whole_curve {
        let fewest = tested
            .keys()
            .map(|&k| b.throughput(k).len().min(c.throughput(k).len()))
            .min()
            .unwrap_or(0);
        notes.push(spread_note(w, fewest));
        if let Some(note) = resolution_note(w, opts.threshold) {
            notes.push(note);
        }
    }
    let curve = curve_checks(
        &b,
        &c,
        opts.threshold,
        derive(seed, PEAK_STREAM),
        &mut notes,
    );
    let with = |s: Status| -> Vec<usize> {
        points
            .iter()
            .filter(|p| p.status == s)
            .map(|p| p.workers)
            .collect()
    };
    let regressions = with(Status::Regression);
    let improvements = with(Status::Improvement);
    let curve_regressed = whole_curve
        .as_ref()
        .is_some_and(|w| w.status == Status::Regression);
    let noisy_slowdown = whole_curve
        .iter()
        .map(|w| (w.status, w.evidence.ratio.ratio))
        .chain(
            points
                .iter()
                .filter_map(|p| p.evidence.map(|e| (p.status, e.ratio.ratio))),
        )
        .any(|(s, r)| s == Status::Inconclusive && r < 1.0);
    let verdict = if tested.is_empty() {
        Verdict::Undecided
    } else if curve_regressed || !regressions.is_empty() {
        Verdict::Regression
    } else if noisy_slowdown {
        Verdict::Inconclusive
    } else {
        Verdict::Pass
    };
    Comparison {
        verdict,
        threshold: opts.threshold,
        alpha: opts.alpha,
        min_samples: MIN_SAMPLES,
        baseline: run_ref(baseline),
        current: run_ref(current),
        config_differences: config_differences(&baseline.config, &current.config),
        whole_curve,
        points,
        curve,
        regressions,
        improvements,
        notes,
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

/// The pooled whole-curve test over the decided counts; `None` when there are none.
fn whole_curve_raw(
    b: &Side<'_>,
    c: &Side<'_>,
    tested: &BTreeMap<usize, Tested>,
    seed: u64,
) -> Option<Tested> {
    if tested.is_empty() {
        return None;
    }
    let pairs: Vec<SamplePair<'_>> = tested
        .keys()
        .map(|&w| SamplePair {
            baseline: b.throughput(w),
            current: c.throughput(w),
        })
        .collect();
    let strata: Vec<Stratum<'_>> = pairs
        .iter()
        .map(|p| Stratum {
            x: p.current,
            y: p.baseline,
        })
        .collect();
    Some(Tested {
        ratio: geomean_ratio_ci(
            &pairs,
            0.95,
            BOOTSTRAP_RESAMPLES,
            derive(seed, WHOLE_CURVE_STREAM),
        )?,
        p_slower: stratified_u_test(&strata, Alternative::Less)?.p_value,
        p_faster: stratified_u_test(&strata, Alternative::Greater)?.p_value,
        method: PMethod::Normal,
    })
}

/// Holm-adjusted p-values of the slower and faster families: index 0 is the whole curve
/// (when present), then the decided counts in ascending order.
fn holm_family(whole: Option<&Tested>, tested: &BTreeMap<usize, Tested>) -> (Vec<f64>, Vec<f64>) {
    let family: Vec<&Tested> = whole.into_iter().chain(tested.values()).collect();
    let slower: Vec<f64> = family.iter().map(|t| t.p_slower).collect();
    let faster: Vec<f64> = family.iter().map(|t| t.p_faster).collect();
    (
        crate::stats::holm::holm_adjust(&slower),
        crate::stats::holm::holm_adjust(&faster),
    )
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
fn power_note(
    b: &Side<'_>,
    c: &Side<'_>,
    tested: &BTreeMap<usize, Tested>,
    alpha: f64,
) -> Option<String> {
    let family = tested.len() + 1;
    let fewest = tested
        .keys()
        .map(|&w| b.throughput(w).len().min(c.throughput(w).len()))
        .min()?;
    let best = tested
        .keys()
        .map(|&w| min_p_value(b.throughput(w).len(), c.throughput(w).len()))
        .fold(0.0f64, f64::max);
    if best * family as f64 <= alpha {
        return None;
    }
    let needed = (fewest..=200)
        .find(|&n| min_p_value(n, n) * (family as f64) < alpha)
        .unwrap_or(200);
    Some(format!(
        "With {fewest} samples per side and {family} tests (the whole curve and {} worker counts), a change at a single worker count cannot reach significance at alpha {alpha} after the Holm correction; a change of the whole curve still can. Use --repetitions {needed} or more to judge single worker counts.",
        tested.len()
    ))
}
