//! A point's `summary.latency`: the histograms of its kept batches merged, and the mean, p50,
//! p90, p99, p99.9 and max read from the merge. Pure: samples in, summary out.

use crate::model::{LatencySummary, Sample};
use crate::stats::histogram::Histogram;

/// The latency of the given (kept) batches; `None` when none recorded a readable histogram.
pub fn summarize<'a>(kept: impl IntoIterator<Item = &'a Sample>) -> Option<LatencySummary> {
    let mut all = Histogram::new();
    for s in kept {
        if let Some(h) = s.latency_histogram.as_deref().and_then(Histogram::decode) {
            all.add(&h);
        }
    }
    (!all.is_empty()).then(|| LatencySummary {
        tasks: all.len(),
        mean_s: all.mean_s(),
        p50_s: all.quantile_s(0.5),
        p90_s: all.quantile_s(0.9),
        p99_s: all.quantile_s(0.99),
        p999_s: all.quantile_s(0.999),
        max_s: all.max_s(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn batch(ms: &[u64]) -> Sample {
        let mut h = Histogram::new();
        ms.iter().for_each(|&v| h.record(Duration::from_millis(v)));
        Sample {
            latency_histogram: Some(h.encode()),
            ..Sample::default()
        }
    }

    #[test]
    fn kept_batches_are_merged_before_the_percentiles() {
        // 99 tasks of 10 ms in one batch, one of 500 ms in another: the merge's p50 is 10 ms,
        // its max 500 ms, and its mean the mean of all 100 tasks.
        let s = summarize(&[batch(&[10; 99]), batch(&[500])]).unwrap();
        assert_eq!(s.tasks, 100);
        assert!((s.p50_s - 0.010).abs() < 1e-4, "{s:?}");
        assert!((s.max_s - 0.5).abs() < 0.005, "{s:?}");
        assert!((s.mean_s - (0.99 + 0.5) / 100.0).abs() < 2e-4, "{s:?}");
        assert!(s.p50_s <= s.p90_s && s.p90_s <= s.p99_s && s.p99_s <= s.p999_s);
        assert!(s.p999_s <= s.max_s);
    }

    #[test]
    fn no_histograms_no_summary() {
        assert!(summarize(&[Sample::default()]).is_none());
        let unreadable = Sample {
            latency_histogram: Some("%%%".into()),
            ..Sample::default()
        };
        assert!(summarize(&[unreadable]).is_none());
    }
}
