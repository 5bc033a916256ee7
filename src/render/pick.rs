//! The worker count a report recommends for a run (the analysis's recommendation, else the
//! measured peak) and the cost per million tasks there. Pure.

use crate::model::RunRecord;
use crate::summary::{Measured, measured, measured_peak};

/// The worker count a report puts forward for a run, with its measured figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chosen {
    /// Workers.
    pub workers: usize,
    /// Median tasks/sec measured at that count.
    pub tasks_per_sec: f64,
    /// Efficiency (speedup / workers) measured at that count.
    pub efficiency: f64,
    /// True when the scaling analysis recommended it; false when it is the measured peak.
    pub from_analysis: bool,
}

/// The analysis's recommended count when there is an analysis (and that count was measured),
/// else the count with the highest median throughput. None when nothing was measured.
pub fn chosen(record: &RunRecord) -> Option<Chosen> {
    let chosen = |m: Measured<'_>, from_analysis: bool| Chosen {
        workers: m.workers,
        tasks_per_sec: m.summary.tasks_per_sec,
        efficiency: m.summary.efficiency,
        from_analysis,
    };
    if let Some(a) = &record.analysis {
        if let Some(m) = measured(&record.points).find(|m| m.workers == a.recommended_workers) {
            return Some(chosen(m, true));
        }
    }
    measured_peak(&record.points).map(|m| chosen(m, false))
}

/// USD per million tasks for a machine at `usd_per_hour` running `tasks_per_sec`:
/// price / (tasks/s x 3600) x 1e6. None when the throughput is not positive.
pub fn cost_per_million(usd_per_hour: f64, tasks_per_sec: f64) -> Option<f64> {
    (tasks_per_sec > 0.0 && tasks_per_sec.is_finite())
        .then(|| usd_per_hour / (tasks_per_sec * 3600.0) * 1e6)
}

/// USD with enough digits to tell cheap runs apart, e.g. $0.0123 or $12.35.
pub fn usd(x: f64) -> String {
    if x >= 100.0 {
        format!("${x:.0}")
    } else if x >= 1.0 {
        format!("${x:.2}")
    } else {
        format!("${x:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    #[test]
    fn cost_follows_the_formula() {
        // 1 USD/h at 1000 tasks/s: 3.6 million tasks per dollar, so 1/3.6 USD per million.
        let c = cost_per_million(1.0, 1000.0).unwrap();
        assert!((c - 1.0 / 3.6).abs() < 1e-12);
        assert_eq!(cost_per_million(1.0, 0.0), None);
        assert_eq!(usd(0.27777), "$0.2778");
        assert_eq!(usd(12.345), "$12.35");
    }

    #[test]
    fn analysis_recommendation_wins_over_the_peak() {
        let with = testdata::record_with_analysis();
        let c = chosen(&with).unwrap();
        assert_eq!(c.workers, 2);
        assert!(c.from_analysis);
        let without = testdata::record();
        let c = chosen(&without).unwrap();
        assert!(!c.from_analysis);
        assert_eq!(c.workers, 3, "the measured peak");
    }
}
