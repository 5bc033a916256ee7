//! The interleaved gate's outcome as the writers and `--json` see it: the verdict and why,
//! per-count and whole-curve throughput ratios with their bounds, rounds and time used.
//! Serialized field names are read by CI scripts (documented in docs/ci.md): add, never rename.

use super::gate::{Decision, Effect, GateOptions, SequentialGate};
use serde::Serialize;

/// Named in the outputs: the sequential procedure behind the decision.
pub const PROCEDURE: &str = "betting confidence sequence (Waudby-Smith & Ramdas 2023) on clipped per-round log ratios of randomised ABBA/BAAB blocks (half minimum ratio, half paired mean)";

/// The gate's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GateVerdict {
    /// A significant slowdown beyond the threshold (exit 1).
    Regression,
    /// The data exclude a slowdown as large as the threshold (exit 0).
    NoRegression,
    /// The budget ran out first (exit 4, or as `--inconclusive` maps it).
    Inconclusive,
}

impl GateVerdict {
    /// The verdict in capitals, for the headline.
    pub fn words(self) -> &'static str {
        match self {
            GateVerdict::Regression => "REGRESSION",
            GateVerdict::NoRegression => "NO REGRESSION",
            GateVerdict::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// One worker count's effect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CountEffect {
    /// Workers.
    pub workers: usize,
    /// Throughput ratio candidate / baseline with its bounds (Bonferroni over the counts);
    /// `n` is the number of ABBA blocks.
    pub effect: Effect,
}

/// The interleaved gate's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    /// regression, no_regression or inconclusive.
    pub verdict: GateVerdict,
    /// Why, in one sentence.
    pub reason: String,
    /// Threshold as a fraction of throughput (0.05 = 5%).
    pub threshold: f64,
    /// Error rate of each one-sided test; the bounds below hold at 1 - alpha each.
    pub alpha: f64,
    /// The procedure, named.
    pub procedure: String,
    /// Measured rounds (one ABBA block per worker count each).
    pub rounds: usize,
    /// Seconds from the start to the decision (calibration and warm-up included).
    pub elapsed_s: f64,
    /// The budget, in seconds.
    pub max_time_s: f64,
    /// Tasks per batch (both sides).
    pub tasks: u64,
    /// What the baseline ran (its command or flags).
    pub baseline: String,
    /// What the candidate ran.
    pub candidate: String,
    /// The whole curve: the per-round mean over the counts; null before any round.
    pub whole_curve: Option<Effect>,
    /// Per worker count, ascending.
    pub per_count: Vec<CountEffect>,
    /// The smallest throughput change these rounds resolve (half the whole-curve interval's
    /// width), as a fraction; null before any round.
    pub resolvable_change: Option<f64>,
    /// True when the candidate is significantly faster (reported, never failed).
    pub improvement: bool,
    /// The folder the samples and this outcome were saved in.
    pub out_dir: String,
}

/// What the report needs besides the gate itself.
#[derive(Debug, Clone)]
pub struct GateRunFacts {
    /// Seconds spent.
    pub elapsed_s: f64,
    /// The budget in seconds.
    pub max_time_s: f64,
    /// Tasks per batch.
    pub tasks: u64,
    /// The baseline as given.
    pub baseline: String,
    /// The candidate as given.
    pub candidate: String,
    /// The output folder.
    pub out_dir: String,
}

/// The report of `gate` as it stands.
pub fn gate_report(gate: &SequentialGate, opts: GateOptions, facts: GateRunFacts) -> GateReport {
    let verdict = match gate.decision() {
        Decision::Regression => GateVerdict::Regression,
        Decision::NoRegression => GateVerdict::NoRegression,
        Decision::Continue => GateVerdict::Inconclusive,
    };
    let whole = gate.whole_curve();
    let resolvable = gate.resolvable();
    let improvement = whole.is_some_and(|w| w.ci.lo > 1.0);
    let reason = reason(verdict, whole, resolvable, opts, gate.rounds(), &facts);
    GateReport {
        verdict,
        reason,
        threshold: opts.threshold,
        alpha: opts.alpha,
        procedure: PROCEDURE.to_string(),
        rounds: gate.rounds(),
        elapsed_s: facts.elapsed_s,
        max_time_s: facts.max_time_s,
        tasks: facts.tasks,
        baseline: facts.baseline,
        candidate: facts.candidate,
        whole_curve: whole,
        per_count: gate
            .per_count()
            .into_iter()
            .map(|(workers, effect)| CountEffect { workers, effect })
            .collect(),
        resolvable_change: resolvable,
        improvement,
        out_dir: facts.out_dir,
    }
}

/// A fraction as a percentage with one decimal.
pub fn pct(f: f64) -> String {
    format!("{:.1}%", f * 100.0)
}

fn reason(
    verdict: GateVerdict,
    whole: Option<Effect>,
    resolvable: Option<f64>,
    opts: GateOptions,
    rounds: usize,
    facts: &GateRunFacts,
) -> String {
    let t = pct(opts.threshold);
    let Some(w) = whole else {
        return format!(
            "no measured round fitted in the {:.0} s budget: give a longer --max-time or a shorter --batch-time",
            facts.max_time_s
        );
    };
    let ci = format!(
        "ratio {:.3}, bounds {:.3} to {:.3}",
        w.ratio, w.ci.lo, w.ci.hi
    );
    match verdict {
        GateVerdict::Regression => format!(
            "the candidate's throughput is {} lower ({ci}): significantly slower, and by more than the {t} threshold",
            pct(1.0 - w.ratio)
        ),
        GateVerdict::NoRegression if w.ci.lo > 1.0 => {
            format!("the candidate is faster ({ci}): an improvement, so no regression")
        }
        GateVerdict::NoRegression => format!(
            "the data exclude a throughput drop of {t} or more ({ci}; the lower bound is above {:.3})",
            1.0 - opts.threshold
        ),
        GateVerdict::Inconclusive => format!(
            "after {rounds} rounds in {:.0} s the data neither show a slowdown beyond {t} nor exclude one ({ci}); with this spread they resolve changes of about {}: a longer --max-time narrows it",
            facts.elapsed_s,
            resolvable.map_or_else(|| "?".to_string(), pct)
        ),
    }
}
