//! One run as `compare` sees it: the record, its points re-summarized from the raw samples
//! (stored summaries may be stale, e.g. in files merged from interleaved runs), and each
//! worker count's throughput samples. Pure.

use crate::model::{Point, RunRecord};
use crate::summary::summarize_points;
use std::collections::BTreeMap;

/// One run as the comparison sees it: the record, its points re-summarized from the raw
/// samples (stored summaries may be stale, e.g. in merged files), and throughput samples.
pub struct Side<'a> {
    /// The record as read.
    pub record: &'a RunRecord,
    /// Points with summaries recomputed from their samples.
    pub points: Vec<Point>,
    throughput: BTreeMap<usize, Vec<f64>>,
}

impl<'a> Side<'a> {
    /// Prepares one run.
    pub fn new(record: &'a RunRecord) -> Self {
        let mut points = record.points.clone();
        summarize_points(&mut points, record.config.tasks, record.config.seed);
        let throughput = points
            .iter()
            .map(|p| {
                let tasks = p.tasks_or(record.config.tasks) as f64;
                let xs = p
                    .samples
                    .iter()
                    .filter(|s| s.wall_s.is_finite() && s.wall_s > 0.0)
                    .map(|s| tasks / s.wall_s)
                    .collect();
                (p.workers, xs)
            })
            .collect();
        Self {
            record,
            points,
            throughput,
        }
    }

    /// Worker counts measured (with at least one usable sample or not), ascending.
    pub fn worker_counts(&self) -> impl Iterator<Item = usize> + '_ {
        self.throughput.keys().copied()
    }

    /// Throughput samples (tasks/s of each batch) at `workers`; empty when not measured.
    pub fn throughput(&self, workers: usize) -> &[f64] {
        self.throughput.get(&workers).map_or(&[], Vec::as_slice)
    }

    /// Median tasks/s at `workers` from the recomputed summary; `None` when not measured.
    pub fn median_tasks_per_sec(&self, workers: usize) -> Option<f64> {
        self.points
            .iter()
            .find(|p| p.workers == workers)
            .and_then(|p| p.summary.as_ref())
            .map(|s| s.tasks_per_sec)
    }
}
