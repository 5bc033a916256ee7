//! The analysis's side of `decision`: the decision on a record's points, turned into the
//! curve's shape (peak, plateau, recommendation, oversubscription) and into the `decision`
//! object of results.json (levels, intervals, stability, unconverged points, disturbed
//! batches, physics faults). Pure.

use super::shape::{Shape, drop};
use super::{AnalysisOptions, Obs, Provenance};
use crate::decision::{self, Decision, RuleOptions};
use crate::model::{CountDecision, DecisionMethod, DecisionRecord, DisturbedBatch, RunRecord};

/// The decision on `record`, with the full number of resamples.
pub fn decide(record: &RunRecord, opts: &AnalysisOptions) -> Option<Decision> {
    decision::on_points(
        &record.points,
        &RuleOptions {
            tolerance: opts.tolerance,
            threshold: opts.retrograde_threshold,
            seed: record.config.seed,
            resamples: decision::rule::RESAMPLES,
        },
    )
}

/// The shape the decision gives, over the observations (medians for the numbers shown);
/// `None` when a decided count has no observation.
pub fn shape(d: &Decision, obs: &[Obs]) -> Option<Shape> {
    let find = |w: usize| obs.iter().find(|o| o.workers == w);
    let peak = find(d.peak())?.clone();
    let on: Vec<usize> = (0..d.workers.len())
        .filter(|&i| d.standing.plateau[i])
        .map(|i| d.workers[i])
        .collect();
    let last = obs.last()?;
    let px = peak.tasks_per_sec;
    Some(Shape {
        plateau_from: d.recommended(),
        plateau_to: on.last().copied().unwrap_or(peak.workers),
        oversubscribed_from: d.standing.oversubscribed.map(|c| d.workers[c]),
        retrograde_drop: (last.workers > peak.workers && last.tasks_per_sec < px)
            .then(|| drop(px, last.tasks_per_sec)),
        peak,
    })
}

/// True when the record's workload is a CPU-bound built-in measured on this record's machine.
pub fn cpu_bound(record: &RunRecord, provenance: &Provenance) -> bool {
    let origin = record.config.origin();
    provenance.machine_recorded && matches!(origin.workload_name(), Some("cpu" | "memory"))
}

/// The name results.json records for how the decision was reached.
fn recorded(method: decision::Method) -> DecisionMethod {
    match method {
        decision::Method::RoundBlocks => DecisionMethod::RoundBlocks,
        decision::Method::Independent => DecisionMethod::Independent,
        decision::Method::Medians => DecisionMethod::Medians,
    }
}

/// The `decision` object of results.json.
pub fn record_of(d: &Decision, record: &RunRecord, cpu_bound: bool) -> DecisionRecord {
    let target = record
        .config
        .adaptive
        .as_ref()
        .map_or(crate::plan::defaults::TARGET_CI, |a| a.target_ci);
    let p = d.standing.peak;
    // results.json holds numbers only: a value that cannot be had is written as -1.
    let finite = |x: f64| if x.is_finite() { x } else { -1.0 };
    let counts = (0..d.workers.len())
        .map(|i| CountDecision {
            workers: d.workers[i],
            relative_to_peak: finite(d.ratio(i, p)),
            relative_ci95: [finite(d.ci[i][p].lo.exp()), finite(d.ci[i][p].hi.exp())],
            ci_half_width: finite(d.half_width[i]),
            converged: d.half_width[i] <= target,
            on_plateau: d.standing.plateau[i],
        })
        .collect();
    DecisionRecord {
        method: recorded(d.method),
        rounds: d.rounds,
        resamples: d.resamples,
        stability: d.stability,
        target_ci: target,
        counts,
        unconverged: decision::unconverged(d, target),
        physics_faults: if cpu_bound {
            decision::physics_faults(d, crate::machine::capacity(&record.machine))
        } else {
            vec![]
        },
        disturbed_share: {
            let all: usize = record.points.iter().map(|p| p.samples.len()).sum();
            let bad: usize = record
                .points
                .iter()
                .map(|p| p.samples.iter().filter(|s| s.disturbed).count())
                .sum();
            if all == 0 {
                0.0
            } else {
                bad as f64 / all as f64
            }
        },
        disturbed: disturbed(record),
    }
}

/// Every batch marked disturbed, with what disturbed it.
pub fn disturbed(record: &RunRecord) -> Vec<DisturbedBatch> {
    let mut out = Vec::new();
    for p in &record.points {
        for s in p.samples.iter().filter(|s| s.disturbed) {
            let span = (s.wall_s + s.startup_s).max(1e-9);
            out.push(DisturbedBatch {
                workers: p.workers,
                round: s.round,
                other_cpus: s.other_cpu_s.map(|x| x / span),
                steal_cpus: s.steal_s.map(|x| x / span),
                cpu_share: s.cpu_share,
            });
        }
    }
    out
}
