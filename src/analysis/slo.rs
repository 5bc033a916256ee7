//! `--latency-slo`: the recommendation becomes the fewest workers within tolerance of the best
//! throughput among the counts that meet the SLO. Says which binds, the SLO or the plateau, and
//! when no count meets it, the best latency seen. Pure.

use super::latency::Lat;
use crate::model::{SloOutcome, SloRecord};
use crate::numbers::{rate, short_secs};
use crate::units::latency_slo::LatencySlo;
use crate::words::workers;

/// The SLO's recommendation, its sentence (said before the verdict) and its record.
pub(super) struct Decided {
    pub(super) recommended: usize,
    pub(super) sentence: String,
    pub(super) record: SloRecord,
}

/// Decides under `slo` over the counts with latencies; `unconstrained` is the recommendation
/// without it (the plateau's, capped by memory).
pub(super) fn decide(
    slo: LatencySlo,
    lats: &[Lat<'_>],
    tolerance: f64,
    unconstrained: usize,
) -> Decided {
    let p = slo.percentile;
    let limit = slo.limit.as_secs_f64();
    let valued: Vec<(&Lat<'_>, f64)> = lats
        .iter()
        .filter_map(|l| p.of(l.latency).map(|v| (l, v)))
        .collect();
    let meeting: Vec<&(&Lat<'_>, f64)> = valued.iter().filter(|(_, v)| *v <= limit).collect();
    let (best_workers, best_s) = valued
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or((unconstrained, f64::NAN), |(l, v)| (l.workers, *v));
    let value_at = |w: usize| valued.iter().find(|(l, _)| l.workers == w).map(|x| x.1);
    let best_x = meeting
        .iter()
        .map(|(l, _)| l.tasks_per_sec)
        .fold(0.0, f64::max);
    // A hair of slack so that a count exactly at the tolerance counts, as for the plateau.
    let floor = (1.0 - tolerance) * best_x * (1.0 - 1e-12);
    let pick = meeting
        .iter()
        .filter(|(l, _)| l.tasks_per_sec >= floor)
        .map(|(l, _)| l.workers)
        .min();
    let meets_unconstrained = meeting.iter().any(|(l, _)| l.workers == unconstrained);
    let (binds, recommended) = match pick {
        None => (SloOutcome::NoneMeet, unconstrained),
        Some(w) if meets_unconstrained && w >= unconstrained => {
            (SloOutcome::Plateau, unconstrained)
        }
        Some(w) => (SloOutcome::Slo, w),
    };
    let sentence = match binds {
        SloOutcome::NoneMeet => format!(
            "No worker count meets the latency SLO {slo}: the lowest {p} seen is {}, at {}, so \
the recommendation below ignores the SLO.",
            shown(best_s),
            workers(best_workers)
        ),
        SloOutcome::Plateau => format!(
            "The latency SLO {slo} holds at the recommended {} ({p} {}): the plateau binds, not \
the SLO.",
            workers(recommended),
            value_at(recommended).map_or("-".into(), shown)
        ),
        _ => {
            let x = lats
                .iter()
                .find(|l| l.workers == recommended)
                .map_or(0.0, |l| l.tasks_per_sec);
            let over = value_at(unconstrained)
                .map(|v| format!("; {} would give {p} {}", workers(unconstrained), shown(v)))
                .unwrap_or_default();
            format!(
                "With the latency SLO {slo}, run {}: the SLO binds, not the plateau ({p} {} at \
{} tasks/s{over}). The rest describes the curve without the SLO.",
                workers(recommended),
                value_at(recommended).map_or("-".into(), shown),
                rate(x),
            )
        }
    };
    Decided {
        recommended,
        sentence,
        record: SloRecord {
            percentile: p,
            limit_s: limit,
            meeting: meeting.iter().map(|(l, _)| l.workers).collect(),
            binds,
            unconstrained_workers: unconstrained,
            best_workers,
            best_s: if best_s.is_finite() { best_s } else { -1.0 },
        },
    }
}

fn shown(s: f64) -> String {
    if s.is_finite() {
        short_secs(s)
    } else {
        "-".into()
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::latency::tests::slots;
    use crate::analysis::{AnalysisOptions, analyze};
    use crate::model::{Percentile, SloOutcome};
    use crate::units::latency_slo::LatencySlo;
    use std::time::Duration;

    fn with_slo(p: Percentile, ms: u64) -> AnalysisOptions {
        AnalysisOptions {
            latency_slo: Some(LatencySlo {
                percentile: p,
                limit: Duration::from_millis(ms),
            }),
            ..AnalysisOptions::default()
        }
    }

    #[test]
    fn a_tight_slo_binds_below_the_plateau() {
        // Four slots of 20 ms: p99 is 26 ms up to 4 workers, 39 ms at 6, 52 ms at 8.
        let r = slots(4, 0.020, 0.05, &[1, 2, 3, 4, 6, 8]);
        let plain = analyze(&r, &AnalysisOptions::default()).unwrap();
        assert_eq!(plain.recommended_workers, 4);
        // p99 <= 30 ms holds up to 4 workers: the plateau binds.
        let a = analyze(&r, &with_slo(Percentile::P99, 30)).unwrap();
        assert_eq!(a.recommended_workers, 4);
        let slo = a.latency.as_ref().unwrap().slo.as_ref().unwrap();
        assert_eq!(slo.binds, SloOutcome::Plateau);
        assert_eq!(slo.meeting, vec![1, 2, 3, 4]);
        assert!(a.verdict.starts_with("The latency SLO p99 <= 30 ms holds at the recommended 4 workers (p99 26 ms): the plateau binds"), "{}", a.verdict);
        // p50 <= 15 ms holds nowhere: said with the best seen, and the plateau's choice kept.
        let none = analyze(&r, &with_slo(Percentile::P50, 15)).unwrap();
        assert_eq!(none.recommended_workers, 4);
        assert!(none.verdict.starts_with("No worker count meets the latency SLO p50 <= 15 ms: the lowest p50 seen is 20 ms, at 1 worker"), "{}", none.verdict);
    }

    #[test]
    fn the_slo_binds_when_the_plateau_breaks_it() {
        // Three slots, but p99 above 25 ms from 3 workers on: the SLO keeps the pool at 2.
        let mut r = slots(3, 0.020, 0.05, &[1, 2, 3, 4, 6]);
        for p in &mut r.points {
            let l = p.summary.as_mut().unwrap().latency.as_mut().unwrap();
            l.p99_s = if p.workers >= 3 { 0.030 } else { 0.024 };
        }
        let a = analyze(&r, &with_slo(Percentile::P99, 25)).unwrap();
        assert_eq!(a.recommended_workers, 2);
        let slo = a.latency.as_ref().unwrap().slo.as_ref().unwrap();
        assert_eq!((slo.binds, slo.unconstrained_workers), (SloOutcome::Slo, 3));
        assert!(a.verdict.starts_with("With the latency SLO p99 <= 25 ms, run 2 workers: the SLO binds, not the plateau (p99 24 ms at 100.0 tasks/s; 3 workers would give p99 30 ms)."), "{}", a.verdict);
    }
}
