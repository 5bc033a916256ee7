//! Per-task latency inside an executor: each worker owns a `TaskTimes` (its histogram allocated
//! before the clock starts, so recording never allocates), times its tasks into it, and the
//! batch's are merged once it ends into the sample's `p50_s`, `p99_s` and `latency_histogram`.

use crate::model::Sample;
use crate::stats::histogram::Histogram;
use std::time::{Duration, Instant};

/// One worker's task times within a batch.
#[derive(Debug, Clone, Default)]
pub struct TaskTimes(Histogram);

impl TaskTimes {
    /// An empty recorder; allocates its fixed memory now.
    pub fn new() -> Self {
        Self(Histogram::new())
    }

    /// Runs `task`, counting how long it took.
    pub fn time<T>(&mut self, task: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = task();
        self.0.record(start.elapsed());
        out
    }

    /// Counts one task that took `d` (measured by the caller, e.g. from send to answer).
    pub fn record(&mut self, d: Duration) {
        self.0.record(d);
    }
}

/// Merges the workers' task times into `sample`: the batch's median and 99th percentile and its
/// histogram's text form. Leaves the sample as it was when no task was timed.
pub fn fill<'a>(sample: &mut Sample, workers: impl IntoIterator<Item = &'a TaskTimes>) {
    let mut all = Histogram::new();
    for w in workers {
        all.add(&w.0);
    }
    if all.is_empty() {
        return;
    }
    sample.p50_s = Some(all.quantile_s(0.5));
    sample.p99_s = Some(all.quantile_s(0.99));
    sample.latency_histogram = Some(all.encode());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_times_are_merged_into_the_sample() {
        let mut a = TaskTimes::new();
        let mut b = TaskTimes::new();
        (0..60).for_each(|_| a.record(Duration::from_millis(10)));
        (0..40).for_each(|_| b.record(Duration::from_millis(30)));
        b.record(Duration::from_millis(90));
        let mut s = Sample::default();
        fill(&mut s, [&a, &b]);
        assert!((s.p50_s.unwrap() - 0.010).abs() < 1e-4, "{:?}", s.p50_s);
        assert!((s.p99_s.unwrap() - 0.030).abs() < 3e-4, "{:?}", s.p99_s);
        let h = Histogram::decode(s.latency_histogram.as_deref().unwrap()).unwrap();
        assert_eq!(h.len(), 101);
        assert!(s.p99_s.unwrap() < 0.031);
    }

    #[test]
    fn timing_a_task_counts_it_and_returns_its_result() {
        let mut t = TaskTimes::new();
        let got = t.time(|| {
            std::thread::sleep(Duration::from_millis(2));
            7
        });
        assert_eq!(got, 7);
        let mut s = Sample::default();
        fill(&mut s, [&t]);
        assert!(s.p50_s.unwrap() >= 0.002 * 0.99, "{:?}", s.p50_s);
    }

    #[test]
    fn nothing_timed_leaves_the_sample_alone() {
        let mut s = Sample::default();
        fill(&mut s, [&TaskTimes::new()]);
        assert_eq!(s, Sample::default());
    }
}
