//! The interleaved gate's sequential decision. Pure: rounds of ABBA blocks in, a decision and
//! its evidence out, after every round.
//!
//! # The statistic
//!
//! In every round each worker count is measured as one block of four back-to-back batches,
//! A B B A or B A A B (a seeded coin per block). Its effect d (positive when the candidate is
//! slower) is the mean of two log ratios: the ratio of each side's faster batch,
//! ln(min(B1, B2) / min(A1, A2)), which ignores a batch hit by a delay (delays only add time:
//! the reason Julia's BenchmarkTools reports minimums), and the mean of the two paired ratios,
//! (ln(B1/A1) + ln(B2/A2)) / 2, whose mirrored order cancels a linear drift. The round's
//! whole-curve effect x is the mean of its blocks' d.
//!
//! Chosen by the simulations in `gate_sim` and by real rounds: with rare wild outliers the
//! paired mean alone caught a 10% slowdown in 374 of 400 simulated runs within the budget,
//! the minimum alone and this mix in 400 and 396; on speed phases and drift the paired mean
//! decided soonest and the mix came close (A/A median 20 rounds, the minimum 23). On three
//! real gates on a loaded 2-vCPU VM the round SD was 0.08-0.10 for the mean, 0.09-0.11 for the
//! minimum and 0.08-0.09 for the mix.
//!
//! Why the coin matters: when nothing changed, swapping the labels of a block turns ABBA into
//! BAAB and d into -d, with the machine's state untouched. So given everything before it, x is
//! exactly symmetric about 0 whatever the machine does (phases, drift, outliers); with a real
//! slowdown of the candidate by a factor e^delta, symmetric about delta. That is all the
//! betting tests of `betting` need, so the error rates hold on any machine.
//!
//! # The decision, after every round
//!
//! Two one-sided betting tests run on the clipped x (level alpha each, valid under peeking):
//! - "slower": the null "delta <= 0"; rejected = a significant slowdown;
//! - "clear": the null "delta >= ln(1/(1 - threshold))" (throughput down by the threshold);
//!   rejected = the data exclude a slowdown as large as the threshold.
//!
//! Regression when "slower" has been rejected and the Huber estimate of delta is beyond the
//! threshold; no regression when "clear" has been rejected; otherwise continue. A false alarm
//! needs "slower" rejected with delta <= 0, which happens with probability at most alpha.

use crate::stats::Ci;
use crate::stats::betting::{
    Bettor, ClipScale, clip, clip_scales, confidence_bounds, huber_location,
};

/// The gate's settings, already validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateOptions {
    /// Smallest throughput drop that counts, as a fraction (0.05 = 5%).
    pub threshold: f64,
    /// Error rate of each one-sided test.
    pub alpha: f64,
}

impl GateOptions {
    /// The threshold as a log wall-time ratio: ln(1 / (1 - threshold)).
    pub fn log_threshold(&self) -> f64 {
        -(1.0 - self.threshold).ln()
    }
}

/// The order of a block's four batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Order {
    /// Baseline, candidate, candidate, baseline.
    Abba,
    /// Candidate, baseline, baseline, candidate.
    Baab,
}

impl Order {
    /// The order from a coin.
    pub fn from_coin(heads: bool) -> Self {
        if heads { Order::Abba } else { Order::Baab }
    }

    /// True when slot `i` (0..4) runs the baseline.
    pub fn baseline_at(self, i: usize) -> bool {
        matches!((self, i), (Order::Abba, 0 | 3) | (Order::Baab, 1 | 2))
    }
}

/// One block: four batches of one worker count, back to back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// Workers.
    pub workers: usize,
    /// Which side ran in which slot.
    pub order: Order,
    /// Wall time of each slot, in time order.
    pub wall_s: [f64; 4],
}

impl Block {
    /// The block's effect d (see the module doc); `None` when a wall time is not positive.
    pub fn log_ratio(&self) -> Option<f64> {
        if !self.wall_s.iter().all(|t| t.is_finite() && *t > 0.0) {
            return None;
        }
        let [s1, s2, s3, s4] = self.wall_s.map(f64::ln);
        // Slots 2 and 3 ran B under ABBA; BAAB swaps the labels, which negates the effect.
        let minimums = s2.min(s3) - s1.min(s4);
        let paired = ((s2 - s1) + (s3 - s4)) / 2.0;
        let abba = (minimums + paired) / 2.0;
        Some(match self.order {
            Order::Abba => abba,
            Order::Baab => -abba,
        })
    }
}

/// What the gate says after a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A significant slowdown beyond the threshold.
    Regression,
    /// The data exclude a slowdown as large as the threshold.
    NoRegression,
    /// Neither yet: measure another round.
    Continue,
}

/// An effect with its confidence bounds, as a throughput ratio candidate / baseline.
/// Serialized as `ratio`, `lo`, `hi`, `n` (the bounds flattened in, as gate.json has them).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Effect {
    /// Robust estimate of the throughput ratio (below 1: the candidate is slower).
    pub ratio: f64,
    /// Confidence bounds of the ratio.
    #[serde(flatten)]
    pub ci: Ci,
    /// Blocks (or rounds, for the whole curve) it rests on.
    pub n: usize,
}

/// Turns a stream of log wall-time effects into a throughput-ratio effect; `None` when empty.
pub fn effect_of(xs: &[f64], alpha: f64) -> Option<Effect> {
    let clips = clip_scales(xs);
    let mut scale = ClipScale::default();
    xs.iter().for_each(|&x| scale.push(x));
    // The scale after every round, as `SequentialGate::estimate` uses it.
    let est = huber_location(xs, scale.current())?;
    let log = confidence_bounds(xs, &clips, alpha);
    // A log wall-time slowdown is a throughput ratio of exp(-x): the ends swap.
    Some(Effect {
        ratio: (-est).exp(),
        ci: Ci {
            lo: (-log.hi).exp(),
            hi: (-log.lo).exp(),
        },
        n: xs.len(),
    })
}

/// The sequential gate: feed it rounds, read its decision.
#[derive(Debug, Clone)]
pub struct SequentialGate {
    opts: GateOptions,
    rounds: Vec<f64>,
    per_count: Vec<(usize, Vec<f64>)>,
    scale: ClipScale,
    slower: Bettor,
    clear: Bettor,
}

impl SequentialGate {
    /// A gate with no rounds yet.
    pub fn new(opts: GateOptions) -> Self {
        Self {
            opts,
            rounds: vec![],
            per_count: vec![],
            scale: ClipScale::default(),
            slower: Bettor::default(),
            clear: Bettor::default(),
        }
    }

    /// Adds one round's blocks and returns the decision. A round whose blocks all failed
    /// to give an effect is ignored (Continue).
    pub fn add_round(&mut self, blocks: &[Block]) -> Decision {
        let mut ds = Vec::with_capacity(blocks.len());
        for b in blocks {
            let Some(d) = b.log_ratio() else { continue };
            ds.push(d);
            match self.per_count.iter_mut().find(|(w, _)| *w == b.workers) {
                Some((_, v)) => v.push(d),
                None => self.per_count.push((b.workers, vec![d])),
            }
        }
        if ds.is_empty() {
            return self.decision();
        }
        let x = ds.iter().sum::<f64>() / ds.len() as f64;
        self.add_effect(x)
    }

    /// Adds one round's whole-curve effect x directly (what `add_round` computes).
    pub fn add_effect(&mut self, x: f64) -> Decision {
        let c = self.scale.current();
        let t = self.opts.log_threshold();
        self.slower.observe(clip(x, c), c);
        self.clear.observe(clip(t - x, c), c);
        self.rounds.push(x);
        self.scale.push(x);
        self.decision()
    }

    /// The decision on the rounds so far.
    pub fn decision(&self) -> Decision {
        let alpha = self.opts.alpha;
        if self.slower.rejected(alpha) && self.estimate().is_some_and(|e| e > self.threshold_log())
        {
            Decision::Regression
        } else if self.clear.rejected(alpha) {
            Decision::NoRegression
        } else {
            Decision::Continue
        }
    }

    fn threshold_log(&self) -> f64 {
        self.opts.log_threshold()
    }

    /// Huber estimate of the whole-curve log slowdown, clipped at the current scale.
    pub fn estimate(&self) -> Option<f64> {
        huber_location(&self.rounds, self.scale.current())
    }

    /// Rounds seen.
    pub fn rounds(&self) -> usize {
        self.rounds.len()
    }

    /// The whole-curve effect with its bounds.
    pub fn whole_curve(&self) -> Option<Effect> {
        effect_of(&self.rounds, self.opts.alpha)
    }

    /// Per worker count: its effect, bounds at alpha divided by the number of counts
    /// (Bonferroni, so all of them hold at once). Reported, not decided on.
    pub fn per_count(&self) -> Vec<(usize, Effect)> {
        let k = self.per_count.len().max(1) as f64;
        let mut out: Vec<(usize, Effect)> = self
            .per_count
            .iter()
            .filter_map(|(w, xs)| effect_of(xs, self.opts.alpha / k).map(|e| (*w, e)))
            .collect();
        out.sort_by_key(|(w, _)| *w);
        out
    }

    /// The smallest slowdown (as a fraction of throughput) these rounds could resolve: half
    /// the width of the whole-curve confidence interval, in log units, as a throughput change.
    pub fn resolvable(&self) -> Option<f64> {
        let clips = clip_scales(&self.rounds);
        if self.rounds.is_empty() {
            return None;
        }
        let log = confidence_bounds(&self.rounds, &clips, self.opts.alpha);
        Some(1.0 - (-log.width() / 2.0).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_decides_the_sign_of_a_block() {
        let slow_b = Block {
            workers: 1,
            order: Order::Abba,
            wall_s: [1.0, 1.1, 1.1, 1.0],
        };
        let d = slow_b.log_ratio().unwrap();
        assert!((d - 1.1f64.ln()).abs() < 1e-12);
        let delayed = Block {
            wall_s: [1.0, 1.1, 1.1, 3.0],
            ..slow_b
        };
        // The minimums ignore the delayed batch; the paired mean takes half of it.
        let expect = (d + (d + (1.1f64 / 3.0).ln()) / 2.0) / 2.0;
        assert!((delayed.log_ratio().unwrap() - expect).abs() < 1e-12);
        let swapped = Block {
            order: Order::Baab,
            ..slow_b
        };
        assert!((swapped.log_ratio().unwrap() + d).abs() < 1e-12);
        let broken = Block {
            wall_s: [1.0, 0.0, 1.0, 1.0],
            ..slow_b
        };
        assert_eq!(broken.log_ratio(), None);
        assert!(Order::Abba.baseline_at(0) && !Order::Abba.baseline_at(1));
        assert!(Order::Baab.baseline_at(2) && !Order::Baab.baseline_at(3));
    }

    #[test]
    fn a_clear_slowdown_is_a_regression_and_a_clear_tie_is_not() {
        let opts = GateOptions {
            threshold: 0.05,
            alpha: 0.05,
        };
        let mut slow = SequentialGate::new(opts);
        let mut same = SequentialGate::new(opts);
        let mut ds = (Decision::Continue, Decision::Continue);
        for i in 0..200 {
            let wiggle = if i % 2 == 0 { 0.02 } else { -0.02 };
            if ds.0 == Decision::Continue {
                ds.0 = slow.add_effect(0.15 + wiggle);
            }
            if ds.1 == Decision::Continue {
                ds.1 = same.add_effect(wiggle);
            }
        }
        assert_eq!(ds, (Decision::Regression, Decision::NoRegression));
        let w = slow.whole_curve().unwrap();
        assert!(
            w.ci.lo < w.ratio && w.ratio < w.ci.hi && w.ratio < 0.9,
            "{w:?}"
        );
        assert!(same.resolvable().unwrap() < 0.05);
    }

    #[test]
    fn an_effect_serializes_with_its_bounds_flattened_in() {
        let e = Effect {
            ratio: 0.9,
            ci: Ci { lo: 0.85, hi: 0.95 },
            n: 12,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"ratio":0.9,"lo":0.85,"hi":0.95,"n":12}"#
        );
    }
}
