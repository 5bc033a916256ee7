//! The gate's family of tests: every decidable worker count (ratio of medians with its
//! bootstrap CI, one-sided Mann-Whitney tests) and the whole curve (stratified test, geometric
//! mean ratio), Holm-corrected together; what each decided count and the curve show.

use super::side::Side;
use super::{CompareOptions, Evidence, MIN_SAMPLES, WholeCurve, classify};
use crate::rng::{Stream, derive};
use crate::stats::mann_whitney::{Alternative, PMethod, u_test};
use crate::stats::ratio_ci::{RatioCi, SamplePair, geomean_ratio_ci, ratio_of_medians_ci};
use crate::stats::stratified::{Stratum, stratified_u_test};
use crate::summary::BOOTSTRAP_RESAMPLES;
use std::collections::BTreeMap;

/// Raw test results of one decided worker count (or the whole curve), before the correction.
pub(super) struct Tested {
    pub(super) ratio: RatioCi,
    p_slower: f64,
    p_faster: f64,
    pub(super) method: PMethod,
}

/// The decided counts' and the whole curve's tests, with their Holm-adjusted p-values: index 0
/// is the whole curve (when present), then the decided counts in ascending order.
pub(super) struct Family {
    /// The decided counts' raw tests, by worker count.
    pub(super) tested: BTreeMap<usize, Tested>,
    whole: Option<Tested>,
    slower_holm: Vec<f64>,
    faster_holm: Vec<f64>,
}

impl Family {
    /// Tests every count of `workers` with at least `MIN_SAMPLES` on both sides, then the whole
    /// curve over them, and corrects the family (curve first, then the counts).
    pub(super) fn test(b: &Side<'_>, c: &Side<'_>, workers: &[usize], seed: u64) -> Self {
        let tested: BTreeMap<usize, Tested> = workers
            .iter()
            .filter_map(|&w| Some((w, test_count(b, c, w, seed)?)))
            .collect();
        let whole = whole_curve_raw(b, c, &tested, seed);
        let family: Vec<&Tested> = whole.iter().chain(tested.values()).collect();
        let slower: Vec<f64> = family.iter().map(|t| t.p_slower).collect();
        let faster: Vec<f64> = family.iter().map(|t| t.p_faster).collect();
        Self {
            slower_holm: crate::stats::holm::holm_adjust(&slower),
            faster_holm: crate::stats::holm::holm_adjust(&faster),
            tested,
            whole,
        }
    }

    /// The family member at `i` with its corrected p-values.
    fn evidence_at(&self, i: usize, t: &Tested) -> Evidence {
        Evidence {
            ratio: t.ratio,
            p_slower: t.p_slower,
            p_slower_holm: self.slower_holm[i],
            p_faster: t.p_faster,
            p_faster_holm: self.faster_holm[i],
        }
    }

    /// The whole curve's evidence and status; `None` when no count was decided.
    pub(super) fn whole_curve(&self, opts: &CompareOptions) -> Option<WholeCurve> {
        self.whole.as_ref().map(|t| {
            let evidence = self.evidence_at(0, t);
            WholeCurve {
                workers: self.tested.keys().copied().collect(),
                status: classify(&evidence, opts),
                evidence,
            }
        })
    }

    /// Worker count `w`'s raw tests and corrected evidence, when it was decided.
    pub(super) fn at(&self, w: usize) -> Option<(&Tested, Evidence)> {
        let offset = usize::from(self.whole.is_some());
        let i = self.tested.keys().position(|&k| k == w)?;
        let t = self.tested.get(&w)?;
        Some((t, self.evidence_at(i + offset, t)))
    }

    /// The fewest samples on either side at any decided count; `None` when none was decided.
    pub(super) fn fewest_samples(&self, b: &Side<'_>, c: &Side<'_>) -> Option<usize> {
        self.tested
            .keys()
            .map(|&w| b.throughput(w).len().min(c.throughput(w).len()))
            .min()
    }
}

/// Count `w`'s tests; `None` with fewer than `MIN_SAMPLES` on a side, or when a test is
/// undefined.
fn test_count(b: &Side<'_>, c: &Side<'_>, w: usize, seed: u64) -> Option<Tested> {
    let (xb, xc) = (b.throughput(w), c.throughput(w));
    if xb.len() < MIN_SAMPLES || xc.len() < MIN_SAMPLES {
        return None;
    }
    let ratio = ratio_of_medians_ci(
        xb,
        xc,
        0.95,
        BOOTSTRAP_RESAMPLES,
        derive(seed, Stream::Count(w)),
    );
    let slower = u_test(xc, xb, Alternative::Less);
    let faster = u_test(xc, xb, Alternative::Greater);
    let (Some(ratio), Some(slower), Some(faster)) = (ratio, slower, faster) else {
        return None;
    };
    Some(Tested {
        ratio,
        p_slower: slower.p_value,
        p_faster: faster.p_value,
        method: slower.method,
    })
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
            derive(seed, Stream::WholeCurve),
        )?,
        p_slower: stratified_u_test(&strata, Alternative::Less)?.p_value,
        p_faster: stratified_u_test(&strata, Alternative::Greater)?.p_value,
        method: PMethod::Normal,
    })
}
