//! Large imports in bounded memory: each worker count keeps exact summary statistics of every
//! row (count, mean, min and max throughput) and a seeded uniform random sample of at most
//! `KEEP_PER_COUNT` rows (reservoir sampling, Algorithm R), which become the point's samples.
//! The record then says it was aggregated, so results.json stays small and readable and every
//! output can warn that its intervals come from a sample.

use super::Measurement;
use crate::rng::{SplitMix64, Stream, derive};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rows kept per worker count: a CI of the median from this many samples is already narrow,
/// and 1,000 rows per count keep results.json small at any input size.
pub const KEEP_PER_COUNT: usize = 1_000;

/// Exact figures of one worker count's rows, recorded when its rows were sampled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountFigures {
    /// Workers.
    pub workers: usize,
    /// Rows read at this count.
    pub rows: u64,
    /// Rows kept as samples.
    pub kept: u64,
    /// Mean throughput over every row, in the import's unit.
    pub mean_tasks_per_sec: f64,
    /// Lowest throughput of any row.
    pub min_tasks_per_sec: f64,
    /// Highest throughput of any row.
    pub max_tasks_per_sec: f64,
}

/// What aggregation did, recorded as `config.workload.aggregated` in results.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregation {
    /// Rows read in all.
    pub rows: u64,
    /// The most rows kept per worker count.
    pub kept_per_worker_count: usize,
    /// The counts whose rows were sampled, with their exact figures.
    pub sampled: Vec<CountFigures>,
}

#[derive(Debug)]
struct Kept {
    rows: u64,
    sum: f64,
    min: f64,
    max: f64,
    samples: Vec<Measurement>,
}

/// Collects measurements; memory grows with the worker counts, not with the rows.
#[derive(Debug)]
pub struct Reservoir {
    rng: SplitMix64,
    counts: BTreeMap<usize, Kept>,
}

impl Reservoir {
    /// An empty reservoir whose draws follow `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: SplitMix64::new(derive(seed, Stream::Reservoir)),
            counts: BTreeMap::new(),
        }
    }

    /// Adds one row.
    pub fn push(&mut self, m: Measurement) {
        let k = self.counts.entry(m.workers).or_insert_with(|| Kept {
            rows: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            samples: Vec::new(),
        });
        let x = m.tasks_per_sec;
        k.sum += x;
        k.min = k.min.min(x);
        k.max = k.max.max(x);
        let seen = k.rows as usize;
        k.rows += 1;
        if k.samples.len() < KEEP_PER_COUNT {
            k.samples.push(m);
        } else {
            let j = self.rng.below(seen + 1);
            if j < KEEP_PER_COUNT {
                k.samples[j] = m;
            }
        }
    }

    /// The kept rows (by worker count, in arrival order within a count when nothing was
    /// dropped) and, when any count had more rows than were kept, what aggregation did.
    pub fn finish(self) -> (Vec<Measurement>, Option<Aggregation>) {
        let rows: u64 = self.counts.values().map(|k| k.rows).sum();
        let mut sampled = Vec::new();
        let mut out = Vec::new();
        for (workers, k) in self.counts {
            if k.rows as usize > k.samples.len() {
                sampled.push(CountFigures {
                    workers,
                    rows: k.rows,
                    kept: k.samples.len() as u64,
                    mean_tasks_per_sec: k.sum / k.rows as f64,
                    min_tasks_per_sec: k.min,
                    max_tasks_per_sec: k.max,
                });
            }
            out.extend(k.samples);
        }
        let aggregation = (!sampled.is_empty()).then_some(Aggregation {
            rows,
            kept_per_worker_count: KEEP_PER_COUNT,
            sampled,
        });
        (out, aggregation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;

    fn m(workers: usize, x: f64) -> Measurement {
        Measurement {
            workers,
            tasks_per_sec: x,
            sample: Sample {
                wall_s: 1.0 / x,
                ..Sample::default()
            },
        }
    }

    #[test]
    fn small_inputs_pass_whole_and_large_ones_are_sampled_with_exact_figures() {
        let mut r = Reservoir::new(1);
        for i in 0..10 {
            r.push(m(1 + i % 2, 1.0 + i as f64));
        }
        let (rows, agg) = r.finish();
        assert_eq!(rows.len(), 10);
        assert!(agg.is_none());

        let mut r = Reservoir::new(1);
        let n = 5 * KEEP_PER_COUNT;
        for i in 0..n {
            r.push(m(4, 1.0 + i as f64));
        }
        r.push(m(1, 2.0));
        let (rows, agg) = r.finish();
        assert_eq!(rows.len(), KEEP_PER_COUNT + 1);
        let agg = agg.unwrap();
        assert_eq!(agg.rows, n as u64 + 1);
        assert_eq!(agg.sampled.len(), 1);
        let f = &agg.sampled[0];
        assert_eq!(
            (f.workers, f.rows, f.kept),
            (4, n as u64, KEEP_PER_COUNT as u64)
        );
        assert_eq!(f.min_tasks_per_sec, 1.0);
        assert_eq!(f.max_tasks_per_sec, n as f64);
        assert!((f.mean_tasks_per_sec - (1.0 + n as f64) / 2.0).abs() < 1e-9);
        // A uniform sample: its mean is near the whole mean (values 1..=5000, sd ~1443).
        let kept: Vec<f64> = rows
            .iter()
            .filter(|r| r.workers == 4)
            .map(|r| r.tasks_per_sec)
            .collect();
        let mean = kept.iter().sum::<f64>() / kept.len() as f64;
        assert!((mean - f.mean_tasks_per_sec).abs() < 200.0, "{mean}");
        // Late rows are kept too, not only the first 1,000.
        assert!(kept.iter().any(|&x| x > 4000.0));
    }
}
