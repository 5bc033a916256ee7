//! The decision rule and its uncertainty. From the levels of the counts (see `table`) and a
//! bootstrap of whole rounds, it finds:
//! - the peak: the fewest workers that no count beats credibly (a 95% interval of the
//!   difference wholly above zero), so an advantage within the noise never makes a peak;
//! - the plateau: the counts not credibly more than `tolerance` below the best level the data
//!   support (below no count by more than that, credibly);
//! - the recommendation: the fewest workers on the plateau, with its stability, the share of
//!   resamples whose own decision (same interval widths, resampled centres) names the same count;
//! - oversubscription: the smallest count past the peak credibly more than `threshold` below it.
//!
//! Pure: a table in, a decision out; the bootstrap is seeded.

use super::table::{Table, diffs_of};
use crate::rng::{Stream, derive};
use crate::stats::Ci;
use crate::stats::bootstrap::{percentile, replicates};

/// Bootstrap resamples of a decision.
pub const RESAMPLES: usize = 1_000;

/// Level of every interval of a decision.
pub const LEVEL: f64 = 0.95;

/// Share of resamples above which a count whose standing changes counts as unsettled.
pub const UNSETTLED_SHARE: f64 = 0.05;

/// What the rule needs besides the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleOptions {
    /// Share below the peak still on the plateau (0.05).
    pub tolerance: f64,
    /// Share below the peak from which a larger count is oversubscribed (0.02).
    pub threshold: f64,
    /// Seed of the bootstrap.
    pub seed: u64,
    /// Resamples to draw.
    pub resamples: usize,
}

/// Peak, plateau, recommendation and oversubscription, as column indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Column of the peak.
    pub peak: usize,
    /// Whether each column is on the plateau.
    pub plateau: Vec<bool>,
    /// Column of the recommendation (the first on the plateau).
    pub recommended: usize,
    /// Column of the first oversubscribed count past the peak.
    pub oversubscribed: Option<usize>,
}

/// How the decision was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Rounds as blocks, resampled whole.
    RoundBlocks,
    /// Each count's batches resampled on their own (no rounds recorded).
    Independent,
    /// Too few batches for intervals: point values only.
    Medians,
}

/// A decision with its uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Worker counts, ascending (the table's columns).
    pub workers: Vec<usize>,
    /// `d[i][j]`: log throughput of count i over count j, compared within rounds.
    pub d: Vec<Vec<f64>>,
    /// `ci[i][j]`: 95% interval of `d[i][j]`.
    pub ci: Vec<Vec<Ci>>,
    /// Half-width of each count's own 95% interval, relative (0.02 = ±2%): its tightest
    /// comparison's half-width over sqrt(2) (infinite for a lone count).
    pub half_width: Vec<f64>,
    /// The decision on the data as measured.
    pub standing: Standing,
    /// Share of resamples naming the same recommendation (`None` under `Medians`).
    pub stability: Option<f64>,
    /// Counts whose standing changes in more than `UNSETTLED_SHARE` of resamples.
    pub unsettled: Vec<bool>,
    /// How it was reached.
    pub method: Method,
    /// Blocks (rounds), or the most batches of a count when not blocked.
    pub rounds: usize,
    /// Resamples drawn.
    pub resamples: usize,
}

impl Decision {
    /// Column of `workers`.
    pub fn col(&self, workers: usize) -> Option<usize> {
        self.workers.iter().position(|&w| w == workers)
    }

    /// Recommended worker count.
    pub fn recommended(&self) -> usize {
        self.workers[self.standing.recommended]
    }

    /// Peak worker count.
    pub fn peak(&self) -> usize {
        self.workers[self.standing.peak]
    }

    /// Throughput of column `i` relative to column `j` (point value).
    pub fn ratio(&self, i: usize, j: usize) -> f64 {
        self.d[i][j].exp()
    }
}

/// The rule on point differences `d[i][j]` with intervals `ci[i][j]` (all log scale).
pub fn stand(d: &[Vec<f64>], ci: &[Vec<Ci>], o: &RuleOptions) -> Standing {
    let k = d.len();
    let beaten = |j: usize| (0..k).any(|i| i != j && ci[i][j].lo > 0.0);
    let peak = (0..k).find(|&j| !beaten(j)).unwrap_or_else(|| {
        (0..k)
            .max_by(|&a, &b| d[a][0].total_cmp(&d[b][0]))
            .unwrap_or(0)
    });
    let floor = (1.0 - o.tolerance).max(1e-9).ln() - 1e-12;
    // Below the best level the data support: credibly more than the tolerance below any count
    // (a noisy peak must not pull a clearly slower count onto the plateau).
    let plateau: Vec<bool> = (0..k)
        .map(|i| i == peak || (0..k).all(|j| ci[i][j].hi >= floor))
        .collect();
    let recommended = plateau.iter().position(|&p| p).unwrap_or(peak);
    let over = (1.0 - o.threshold).max(1e-9).ln();
    let oversubscribed = (peak + 1..k).find(|&i| ci[i][peak].hi < over);
    Standing {
        peak,
        plateau,
        recommended,
        oversubscribed,
    }
}

/// The decision on `table`; `None` when it has no count.
pub fn decide(table: &Table, o: &RuleOptions) -> Option<Decision> {
    let k = table.workers.len();
    if k == 0 {
        return None;
    }
    let d = table.diffs();
    let method = method_of(table);
    let rounds = if table.blocked {
        table.rows
    } else {
        table.most_samples()
    };
    if method == Method::Medians || o.resamples == 0 {
        return Some(medians_only(table, d, rounds, o));
    }
    let boots = replicates(o.resamples, derive(o.seed, Stream::Decision), |rng| {
        diffs_of(&table.resample(rng), k, table.blocked)
    });
    let ci = intervals(&d, &boots);
    let half_width = half_widths(&ci);
    let standing = stand(&d, &ci, o);
    let agreement = agreement(&boots, &d, &ci, &standing, o);
    Some(Decision {
        workers: table.workers.clone(),
        d,
        ci,
        half_width,
        standing,
        stability: agreement.stability,
        unsettled: agreement.unsettled,
        method,
        rounds,
        resamples: o.resamples,
    })
}

/// Round blocks when the table has rounds (two or more), independent resamples when it has
/// none but some count has two batches, else medians alone.
fn method_of(table: &Table) -> Method {
    if table.blocked && table.rows >= 2 {
        Method::RoundBlocks
    } else if !table.blocked && table.most_samples() >= 2 {
        Method::Independent
    } else {
        Method::Medians
    }
}

/// The decision on point values alone: every interval is the point, nothing is settled.
fn medians_only(table: &Table, d: Vec<Vec<f64>>, rounds: usize, o: &RuleOptions) -> Decision {
    let k = table.workers.len();
    let ci: Vec<Vec<Ci>> = d
        .iter()
        .map(|row| row.iter().map(|&x| Ci::point(x)).collect())
        .collect();
    let standing = stand(&d, &ci, o);
    Decision {
        workers: table.workers.clone(),
        d,
        ci,
        half_width: vec![f64::INFINITY; k],
        standing,
        stability: None,
        unsettled: vec![true; k],
        method: Method::Medians,
        rounds,
        resamples: 0,
    }
}

/// The 95% interval of every difference from the resamples' finite values, widened to contain
/// the point value; the point itself where no resample is finite. Its ends are the one
/// bootstrap's `percentile`, interpolated between neighbouring resamples (until issue 10 this
/// rule took the nearest one, rank round(p(n-1)): at 1,000 resamples the two differ by less
/// than the gap between two neighbouring resamples).
fn intervals(d: &[Vec<f64>], boots: &[Vec<Vec<f64>>]) -> Vec<Vec<Ci>> {
    let k = d.len();
    (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    let mut v: Vec<f64> = boots.iter().map(|b| b[i][j]).collect();
                    percentile(&mut v, LEVEL).map_or(Ci::point(d[i][j]), |c| c.widened_to(d[i][j]))
                })
                .collect()
        })
        .collect()
}

/// A count's own CI: its tightest comparison with another count in the same rounds, shared
/// between the two sides (a level alone is not defined when rounds are blocks: only
/// differences within rounds are; a noisy neighbour must not widen a steady count).
fn half_widths(ci: &[Vec<Ci>]) -> Vec<f64> {
    let k = ci.len();
    (0..k)
        .map(|i| {
            let widths: Vec<f64> = (0..k)
                .filter(|&j| j != i)
                .map(|j| ci[i][j].width() / 2.0 / std::f64::consts::SQRT_2)
                .collect();
            let tightest = widths.iter().copied().fold(f64::INFINITY, f64::min);
            if tightest.is_finite() {
                tightest.exp() - 1.0
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

/// How often the resamples' own decisions agree with the decision as measured.
struct Agreement {
    /// Share naming the same recommendation (`None` when no resample was finite).
    stability: Option<f64>,
    /// Per count: whether its standing changes in more than `UNSETTLED_SHARE` of them.
    unsettled: Vec<bool>,
}

/// Each finite resample decided with the same interval widths around its own centres, against
/// `standing`.
fn agreement(
    boots: &[Vec<Vec<f64>>],
    d: &[Vec<f64>],
    ci: &[Vec<Ci>],
    standing: &Standing,
    o: &RuleOptions,
) -> Agreement {
    let k = d.len();
    let (mut same, mut valid) = (0usize, 0usize);
    let mut flips = vec![0usize; k];
    for db in boots {
        if db.iter().flatten().any(|x| !x.is_finite()) {
            continue;
        }
        valid += 1;
        // The same widths around the resample's own centres.
        let moved: Vec<Vec<Ci>> = (0..k)
            .map(|i| {
                (0..k)
                    .map(|j| Ci {
                        lo: db[i][j] + ci[i][j].lo - d[i][j],
                        hi: db[i][j] + ci[i][j].hi - d[i][j],
                    })
                    .collect()
            })
            .collect();
        let s = stand(db, &moved, o);
        if s.recommended == standing.recommended {
            same += 1;
        }
        for (i, f) in flips.iter_mut().enumerate() {
            let changed = s.plateau[i] != standing.plateau[i]
                || (s.peak == i) != (standing.peak == i)
                || (s.recommended == i) != (standing.recommended == i);
            *f += usize::from(changed);
        }
    }
    let valid_f = valid.max(1) as f64;
    Agreement {
        stability: (valid > 0).then(|| same as f64 / valid_f),
        unsettled: flips
            .iter()
            .map(|&f| f as f64 / valid_f > UNSETTLED_SHARE)
            .collect(),
    }
}
