//! Betting test martingales and the confidence sequence they give: the sequential statistics of
//! the interleaved gate. Pure.
//!
//! To test "the mean of y is at most 0" on a stream y_1, y_2, ... in [-c_t, c_t], a gambler
//! starts with wealth 1 and stakes a fraction lambda_t of it on each y_t, chosen from the past
//! only: wealth_t = prod (1 + lambda_t y_t). While the null holds, wealth is a nonnegative
//! supermartingale, so by Ville's inequality it ever reaches 1/alpha with probability at most
//! alpha, however often it is looked at (Waudby-Smith & Ramdas, "Estimating means of bounded
//! random variables by betting", JRSS-B 2023). The stake is the plug-in Kelly fraction
//! mean / (variance + mean^2) of the past (their aGRAPA), capped at 1 / (2 c_t).
//!
//! Wall-time noise is unbounded, so observations are clipped to +-c_t around the hypothesised
//! value (a Huber-type score). c_t comes from the past only (a robust running scale), so the
//! clipped stream is still predictable-bounded. Clipping keeps the test valid whenever the
//! noise is symmetric about the true value, which the gate's randomised ABBA/BAAB order
//! guarantees (see `gate`); it only costs power against rare wild outliers.

use super::{Ci, median_of_sorted};

/// Clip scale before any observation, in log-ratio units (a 50% change).
const FIRST_CLIP: f64 = 0.25;
/// Clip scales stay within these bounds.
const MIN_CLIP: f64 = 0.02;
const MAX_CLIP: f64 = 1.0;
/// The clip is this many robust standard deviations of the past observations.
const CLIP_SDS: f64 = 2.5;
/// The largest stake, as a fraction of 1/c (1 would risk the whole wealth on one round).
const MAX_STAKE: f64 = 0.8;

/// `x` clipped to `[-c, c]`.
pub fn clip(x: f64, c: f64) -> f64 {
    x.clamp(-c, c)
}

/// The running clip scale: 2.5 robust standard deviations (1.4826 times the median absolute
/// deviation from the median) of the observations so far, plus one pseudo-deviation at the
/// first scale's level, within [0.02, 1]. Medians, so that outliers cannot inflate it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClipScale {
    sorted: Vec<f64>,
}

impl ClipScale {
    /// The scale for the next observation (computed from the past only).
    pub fn current(&self) -> f64 {
        let mut dev = Vec::with_capacity(self.sorted.len() + 1);
        dev.push(FIRST_CLIP / (CLIP_SDS * 1.4826));
        if !self.sorted.is_empty() {
            let m = median_of_sorted(&self.sorted);
            dev.extend(self.sorted.iter().map(|x| (x - m).abs()));
        }
        dev.sort_by(f64::total_cmp);
        (CLIP_SDS * 1.4826 * median_of_sorted(&dev)).clamp(MIN_CLIP, MAX_CLIP)
    }

    /// Takes in one observation (non-finite ones are ignored).
    pub fn push(&mut self, x: f64) {
        if x.is_finite() {
            let at = self.sorted.partition_point(|&y| y < x);
            self.sorted.insert(at, x);
        }
    }
}

/// The clip scale of every observation, each computed from the ones before it only.
pub fn clip_scales(xs: &[f64]) -> Vec<f64> {
    let mut scale = ClipScale::default();
    xs.iter()
        .map(|&x| {
            let c = scale.current();
            scale.push(x);
            c
        })
        .collect()
}

/// One gambler's state: the running moments its stakes come from and its log-wealth.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bettor {
    n: u32,
    sum: f64,
    sum_sq: f64,
    log_wealth: f64,
    max_log_wealth: f64,
}

impl Bettor {
    /// The stake for the next observation, whose bound is `c`: the plug-in Kelly fraction of
    /// the past (with one pseudo-observation of mean 0 and variance (c/2)^2), in [0, 1/(2c)].
    pub fn stake(&self, c: f64) -> f64 {
        let k = f64::from(self.n) + 1.0;
        let mean = self.sum / k;
        let var = ((c / 2.0).powi(2) + self.sum_sq - 2.0 * mean * self.sum
            + f64::from(self.n) * mean * mean)
            / k;
        (mean / (var + mean * mean)).clamp(0.0, MAX_STAKE / c)
    }

    /// Bets on `y` (already clipped to `[-c, c]`).
    pub fn observe(&mut self, y: f64, c: f64) {
        let lambda = self.stake(c);
        self.log_wealth += (lambda * y).ln_1p();
        self.max_log_wealth = self.max_log_wealth.max(self.log_wealth);
        self.n += 1;
        self.sum += y;
        self.sum_sq += y * y;
    }

    /// The largest log-wealth reached so far: the null is rejected at level alpha once this
    /// reaches ln(1/alpha) (and stays rejected: Ville's bound covers the whole path).
    pub fn max_log_wealth(&self) -> f64 {
        self.max_log_wealth
    }

    /// True once the null was rejected at `alpha`.
    pub fn rejected(&self, alpha: f64) -> bool {
        self.max_log_wealth >= (1.0 / alpha).ln()
    }
}

/// Which null hypothesis about the location `delta` a test bets against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// "the location is at most delta": betting that observations run above it.
    AtMost,
    /// "the location is at least delta": betting that observations run below it.
    AtLeast,
}

/// Replays the whole stream against one null and says whether it was ever rejected at `alpha`.
pub fn rejects(xs: &[f64], clips: &[f64], delta: f64, against: Against, alpha: f64) -> bool {
    let mut b = Bettor::default();
    for (&x, &c) in xs.iter().zip(clips) {
        let y = match against {
            Against::AtMost => x - delta,
            Against::AtLeast => delta - x,
        };
        b.observe(clip(y, c), c);
        if b.rejected(alpha) {
            return true;
        }
    }
    false
}

/// The confidence sequence's bounds now: every delta between the data's centre and `lo` was
/// kept, and `lo` rejected as "at most delta"; likewise `hi` as "at least delta", each side at
/// level `alpha` (so the interval covers the true location at all times with probability at
/// least 1 - 2 alpha). Within [-2, 2] (a factor of e^2 either way).
///
/// Each bound is searched outward from the centre (the Huber location at the last clip
/// scale), in doubling steps, and then bisected between the last kept and the first rejected
/// delta. Rejection is not monotone far from the data: a far-off null sees its first
/// observations clipped at the first, wide scale and the later ones at a much narrower one, so
/// its bettor stakes less and can fail to reject a delta that is further out than one it does
/// reject. Taking the first rejection met on the way out keeps the bounds where the data are.
pub fn confidence_bounds(xs: &[f64], clips: &[f64], alpha: f64) -> Ci {
    // The search reaches past the data by BOUND_RANGE, so no estimate (a 10x or 100x
    // difference between the sides included) sits at or beyond an edge of it.
    let range = xs
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0_f64, |m, x| m.max(x.abs()))
        + BOUND_RANGE;
    let centre = clips
        .last()
        .and_then(|&c| huber_location(xs, c))
        .unwrap_or(0.0)
        .clamp(-range, range);
    let bound = |against: Against| {
        let rejected = |d: f64| rejects(xs, clips, d, against, alpha);
        // AtMost rejects small deltas (the lower bound), AtLeast large ones (the upper).
        let outward = match against {
            Against::AtMost => -1.0,
            Against::AtLeast => 1.0,
        };
        let edge = outward * range;
        if rejected(centre) {
            // The centre itself is rejected on this side (a stream that moved late): the bound
            // lies inward of it; search the whole range from the far edge's side instead.
            return bisect(-edge, centre, &rejected);
        }
        let mut inside = centre;
        let mut step = FIRST_STEP;
        loop {
            let probe = (centre + outward * step).clamp(-range, range);
            if rejected(probe) {
                return bisect(inside, probe, &rejected);
            }
            if probe == edge {
                return edge;
            }
            inside = probe;
            step *= 2.0;
        }
    };
    Ci {
        lo: bound(Against::AtMost),
        hi: bound(Against::AtLeast),
    }
}

/// Bounds are searched within this many log units beyond the largest observation.
const BOUND_RANGE: f64 = 2.0;
/// The first step out from the centre, in log units (1%).
const FIRST_STEP: f64 = 0.01;

/// The boundary between a kept delta `inside` and a rejected one `outside`, by bisection.
fn bisect(mut inside: f64, mut outside: f64, rejected: &dyn Fn(f64) -> bool) -> f64 {
    for _ in 0..40 {
        let mid = (inside + outside) / 2.0;
        if rejected(mid) {
            outside = mid;
        } else {
            inside = mid;
        }
    }
    (inside + outside) / 2.0
}

/// The Huber location of `xs` with clip `c`: the delta where the clipped residuals sum to 0.
/// Robust to wild outliers, the mean when there are none. `None` for no data.
pub fn huber_location(xs: &[f64], c: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let score = |d: f64| xs.iter().map(|&x| clip(x - d, c)).sum::<f64>();
    let lo0 = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi0 = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut lo, mut hi) = (lo0, hi0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if score(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn noise(rng: &mut SplitMix64) -> f64 {
        (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }

    #[test]
    fn a_null_stream_rarely_rejects_and_a_shifted_one_does() {
        let mut false_alarms = 0;
        let mut hits = 0;
        for seed in 0..300 {
            let mut rng = SplitMix64::new(seed);
            let null: Vec<f64> = (0..100).map(|_| 0.2 * noise(&mut rng)).collect();
            let shifted: Vec<f64> = null.iter().map(|x| x + 0.05).collect();
            let cn = clip_scales(&null);
            let cs = clip_scales(&shifted);
            false_alarms += usize::from(rejects(&null, &cn, 0.0, Against::AtMost, 0.05));
            hits += usize::from(rejects(&shifted, &cs, 0.0, Against::AtMost, 0.05));
        }
        assert!(false_alarms <= 15, "{false_alarms} of 300");
        assert!(hits >= 280, "{hits} of 300");
    }

    #[test]
    fn bounds_bracket_the_truth_and_the_huber_location_ignores_outliers() {
        let mut rng = SplitMix64::new(9);
        let mut xs: Vec<f64> = (0..80).map(|_| 0.1 + 0.1 * noise(&mut rng)).collect();
        xs[10] = 5.0;
        let clips = clip_scales(&xs);
        let Ci { lo, hi } = confidence_bounds(&xs, &clips, 0.05);
        assert!(lo < 0.1 && 0.1 < hi && hi - lo < 0.1, "{lo} {hi}");
        let h = huber_location(&xs, 0.05).unwrap();
        assert!((h - 0.1).abs() < 0.02, "{h}");
        assert_eq!(huber_location(&[], 0.1), None);
    }

    #[test]
    fn a_steady_shift_gets_bounds_around_it_not_the_search_range() {
        // A steady 16% slowdown with little spread: the clip scale falls from its first value
        // to its floor, and far-off nulls lose power (their first, clipped observations
        // inflate the bettor's variance), so "not rejected at -2" must not mean "the bound is
        // -2" when deltas nearer the data are rejected.
        let mut rng = SplitMix64::new(3);
        let xs: Vec<f64> = (0..16).map(|_| 0.16 + 0.01 * noise(&mut rng)).collect();
        let clips = clip_scales(&xs);
        let Ci { lo, hi } = confidence_bounds(&xs, &clips, 0.05);
        assert!(lo < 0.16 && 0.16 < hi, "{lo} {hi}");
        assert!(
            lo > 0.0 && hi < 0.5,
            "bounds {lo} {hi} are the search range, not the data's"
        );
    }

    #[test]
    fn tenfold_and_hundredfold_differences_get_bounds_around_their_estimate() {
        // Seeded: sides 10x and 100x apart (log wall-time ratios of 2.3 and 4.6), either way
        // round. The search range grows with the data, so the bounds are never its edges
        // (once e^-2 and e^2, a throughput ratio of 0.135 to 7.389) and always hold the
        // estimate.
        for (seed, truth) in [(1, 10f64.ln()), (2, -10f64.ln()), (3, 100f64.ln())] {
            let mut rng = SplitMix64::new(seed);
            let xs: Vec<f64> = (0..12).map(|_| truth + 0.05 * noise(&mut rng)).collect();
            let clips = clip_scales(&xs);
            let Ci { lo, hi } = confidence_bounds(&xs, &clips, 0.05);
            let est = huber_location(&xs, *clips.last().unwrap()).unwrap();
            assert!(lo <= est && est <= hi, "{lo} {est} {hi}");
            assert!(lo < truth && truth < hi, "{lo} {truth} {hi}");
            assert!(hi - lo < 1.0, "bounds {lo} {hi} are the search range");
        }
    }

    #[test]
    fn bounds_cover_the_true_location_as_often_as_promised() {
        // Seeded simulation: 400 streams of 30 rounds around a true shift of 0.1, with
        // symmetric noise and an occasional wild round. The bounds promise coverage of at
        // least 1 - 2 alpha = 90% at every look; they are conservative, so most streams are
        // covered, and they must also be informative (not the search range).
        let (mut covered, mut widths) = (0, Vec::new());
        for seed in 0..400 {
            let mut rng = SplitMix64::new(seed);
            let xs: Vec<f64> = (0..30)
                .map(|i| 0.1 + 0.1 * noise(&mut rng) + if i % 11 == 5 { 0.8 } else { 0.0 })
                .collect();
            let clips = clip_scales(&xs);
            let Ci { lo, hi } = confidence_bounds(&xs, &clips, 0.05);
            covered += usize::from(lo <= 0.1 && 0.1 <= hi);
            widths.push(hi - lo);
        }
        assert!(covered >= 360, "covered {covered} of 400");
        widths.sort_by(f64::total_cmp);
        assert!(widths[200] < 0.2, "median width {}", widths[200]);
    }

    #[test]
    fn stakes_are_never_negative_and_never_exceed_half_the_bound() {
        let mut b = Bettor::default();
        for y in [0.3, 0.3, 0.3, -0.3, 0.3] {
            let s = b.stake(0.3);
            assert!((0.0..=MAX_STAKE / 0.3).contains(&s));
            b.observe(y, 0.3);
        }
        assert!(b.max_log_wealth() > 0.0);
        assert_eq!(Bettor::default().stake(0.3), 0.0);
    }
}
