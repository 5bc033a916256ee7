//! The scaling analysis: pure functions over a record's measured points (and its machine and
//! config) that find the peak, the plateau, the recommended worker count and oversubscription,
//! fit Amdahl's law and the USL, and write the verdict and warnings.

/// r² below which a fit's reading is given as rough rather than stated: the curve has a shape
/// the law cannot take (typically a hard knee at the core count).
pub const POOR_FIT_R2: f64 = 0.95;

pub mod amdahl;
pub mod data_notes;
pub mod decided;
pub mod karp_flatt;
pub mod latency;
pub mod lm;
pub mod memory;
pub mod regions;
mod response_fit;
pub mod shape;
mod slo;
pub mod usl;
pub mod verdict;
pub mod verdict_noise;
pub mod warning;
mod warning_data;
mod warning_decision;
mod warning_latency;
mod warning_machine;
pub mod warnings;
pub mod warnings_noise;

use crate::model::{Analysis, Peak, Plateau, RunRecord, ThroughputUnit};
use crate::stats::Ci;

/// How the analysis judges the curve (`--tolerance`, `--retrograde-threshold`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisOptions {
    /// Fraction below the peak still counted as the plateau (0.05 = 5%).
    pub tolerance: f64,
    /// Fraction below the peak from which a count above it is oversubscribed (0.02 = 2%).
    pub retrograde_threshold: f64,
    /// `--latency-slo`: the recommendation must meet it (see `slo`).
    pub latency_slo: Option<crate::units::latency_slo::LatencySlo>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            tolerance: 0.05,
            retrograde_threshold: 0.02,
            latency_slo: None,
        }
    }
}

/// One measured worker count, as the analysis sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Obs {
    /// Workers.
    pub workers: usize,
    /// Median tasks/sec.
    pub tasks_per_sec: f64,
    /// 95% interval of tasks/sec.
    pub ci: Ci,
    /// Raw samples behind the median.
    pub samples: usize,
    /// Coefficient of variation of the wall times.
    pub cv: f64,
    /// Speedup relative to one worker (see `summary::summarize_points`).
    pub speedup: f64,
}

/// What the record says about where its numbers came from; imported files may lack the
/// machine or the task count (see `import`), and the analysis must not pretend otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// False when the machine fields describe the analysing machine, not the measuring one.
    pub machine_recorded: bool,
    /// False when `config.tasks` is not the real number of tasks per batch.
    pub tasks_known: bool,
    /// Tasks per second, or runs per second when only seconds per run were given without a
    /// task count.
    pub unit: ThroughputUnit,
}

impl Provenance {
    /// What the record's origin (`ConfigRecord::origin`) says; a plain run knows everything.
    pub fn of(record: &RunRecord) -> Self {
        let origin = record.config.origin();
        Self {
            machine_recorded: origin.machine_recorded(),
            tasks_known: origin.tasks_known(),
            unit: origin.unit(),
        }
    }
}

/// The measured points with a usable summary (finite, positive throughput), ascending by workers.
pub fn observations(record: &RunRecord) -> Vec<Obs> {
    let mut obs: Vec<Obs> = record
        .points
        .iter()
        .filter_map(|p| {
            let s = p.summary.as_ref()?;
            (s.tasks_per_sec.is_finite() && s.tasks_per_sec > 0.0 && p.workers > 0).then(|| Obs {
                workers: p.workers,
                tasks_per_sec: s.tasks_per_sec,
                ci: Ci::from_array(s.tasks_per_sec_ci95),
                samples: p.samples.len(),
                cv: if s.cv.is_finite() { s.cv } else { 0.0 },
                speedup: s.speedup,
            })
        })
        .collect();
    obs.sort_by_key(|o| o.workers);
    obs.dedup_by_key(|o| o.workers);
    obs
}

/// The whole analysis of a record; `None` when no worker count has a usable measurement.
pub fn analyze(record: &RunRecord, opts: &AnalysisOptions) -> Option<Analysis> {
    let obs = observations(record);
    let provenance = Provenance::of(record);
    let decision = decided::decide(record, opts);
    let shape = decision
        .as_ref()
        .and_then(|d| decided::shape(d, &obs))
        .or_else(|| shape::Shape::of(&obs, opts))?;
    let cpu_bound = decided::cpu_bound(record, &provenance);
    let decision_record = decision
        .as_ref()
        .map(|d| decided::record_of(d, record, cpu_bound));
    let fitted = regions::fit(&obs, record.machine.effective_cpus, &provenance);
    let karp_flatt = karp_flatt::metric(&obs);
    let mut warnings = warnings::collect(record, &obs, &provenance);
    // A USL left out for want of counts in the scalable region is said in the verdict instead.
    let usl_said = fitted.usl.is_some() || fitted.regions.fit_note.is_some();
    let amdahl_said = fitted.amdahl.is_some() || fitted.regions.fit_note.is_some();
    warnings.extend(warnings::fits(&obs, amdahl_said, usl_said));
    if let Some(d) = &decision_record {
        warnings.extend(warnings_noise::collect(d));
    }
    let verdict = verdict::write(&verdict::Facts {
        obs: &obs,
        shape: &shape,
        opts,
        machine: &record.machine,
        usl: fitted.usl.as_ref(),
        provenance: &provenance,
        decision: decision_record.as_ref(),
        cpu_bound,
        regions: &fitted.regions,
        amdahl: fitted.amdahl.as_ref(),
    });
    let measured: Vec<usize> = obs.iter().map(|o| o.workers).collect();
    let memory = memory::analyze(record, shape.plateau_from);
    let (recommended, verdict) = match &memory {
        Some(m) => {
            let rec = memory::capped(m, shape.plateau_from, &measured);
            let said = memory::sentence(m, rec);
            // When memory binds it decides the pool: say so first.
            if m.binds == crate::model::MemoryBinds::Memory {
                (rec, format!("{said} {verdict}"))
            } else {
                (rec, format!("{verdict} {said}"))
            }
        }
        None => (shape.plateau_from, verdict),
    };
    let given = latency::Given {
        record,
        obs: &obs,
        plateau_from: shape.plateau_from,
        opts,
    };
    let added = latency::add(&given, recommended, verdict, &mut warnings);
    Some(Analysis {
        peak: Peak {
            workers: shape.peak.workers,
            tasks_per_sec: shape.peak.tasks_per_sec,
        },
        plateau: Plateau {
            from_workers: shape.plateau_from,
            to_workers: shape.plateau_to,
            tolerance: opts.tolerance,
        },
        recommended_workers: added.recommended,
        oversubscribed_from: shape.oversubscribed_from,
        retrograde_drop: shape.retrograde_drop,
        amdahl: fitted.amdahl,
        usl: fitted.usl,
        karp_flatt,
        verdict: added.verdict,
        warnings: warnings.iter().map(ToString::to_string).collect(),
        decision: decision_record,
        regions: Some(fitted.regions),
        memory,
        latency: added.latency,
    })
}

/// Coefficient of determination 1 - SSE/SST, finite for every input: with no variance in the
/// data it is 1 for a perfect fit and 0 otherwise.
pub fn r_squared(observed: &[f64], sse: f64) -> f64 {
    if observed.is_empty() {
        return 0.0;
    }
    let mean = observed.iter().sum::<f64>() / observed.len() as f64;
    let sst: f64 = observed.iter().map(|y| (y - mean).powi(2)).sum();
    let scale = observed
        .iter()
        .map(|y| y * y)
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    if sst <= 1e-24 * scale {
        return if sse <= 1e-20 * scale { 1.0 } else { 0.0 };
    }
    let r2 = 1.0 - sse / sst;
    if r2.is_finite() { r2 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::{record_from_medians, record_from_samples, record_from_throughput};
    use proptest::prelude::*;

    #[test]
    fn r_squared_is_finite_on_flat_data() {
        assert_eq!(r_squared(&[2.0, 2.0], 0.0), 1.0);
        assert_eq!(r_squared(&[2.0, 2.0], 1.0), 0.0);
        assert_eq!(r_squared(&[], 0.0), 0.0);
        assert!((r_squared(&[1.0, 2.0, 3.0], 0.5) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn the_write_up_table() {
        let secs = [32.00, 16.10, 8.20, 5.60, 4.10, 4.05, 4.02, 4.00, 4.01, 4.15];
        let workers = [1, 2, 4, 6, 8, 10, 12, 16, 20, 32];
        let r = record_from_medians(&workers, &secs, 32, 8);
        let a = analyze(&r, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.peak.workers, 16);
        assert_eq!(a.recommended_workers, 8);
        assert_eq!(a.plateau.from_workers, 8);
        assert_eq!(a.plateau.to_workers, 32);
        assert_eq!(a.oversubscribed_from, Some(32));
        let drop = a.retrograde_drop.unwrap();
        assert!((drop - (1.0 - 4.00 / 4.15)).abs() < 1e-9, "{drop}");
        assert!(a.verdict.contains("8 workers"), "{}", a.verdict);
        assert!(a.usl.is_some() && a.amdahl.is_some());
        assert_eq!(a.karp_flatt.len(), 9);
        // 32 tasks do not divide evenly over 6, 10, 12 and 20 workers.
        assert!(
            a.warnings.iter().any(|w| w.contains("divide evenly")),
            "{:?}",
            a.warnings
        );
        assert!(a.warnings.iter().any(|w| w.contains("one sample")));
    }

    #[test]
    fn nothing_measured_gives_no_analysis() {
        let r = record_from_medians(&[], &[], 8, 2);
        assert!(analyze(&r, &AnalysisOptions::default()).is_none());
    }

    #[test]
    fn overlapping_cis_are_not_oversubscription() {
        // 3% slower at 4 workers on the median, but the samples overlap the peak's heavily.
        let r = record_from_samples(
            &[
                (1, vec![4.0, 4.0, 4.0]),
                (2, vec![2.0, 1.8, 2.2, 1.9, 2.1]),
                (4, vec![2.06, 1.8, 2.3, 1.95, 2.2]),
            ],
            8,
            2,
        );
        let a = analyze(&r, &AnalysisOptions::default()).unwrap();
        assert_eq!(a.peak.workers, 2);
        assert_eq!(a.oversubscribed_from, None);
        assert!(a.retrograde_drop.unwrap() > 0.02);
        // With tight samples the same medians are apart, so it is oversubscribed.
        let tight = record_from_samples(
            &[
                (1, vec![4.0, 4.0, 4.0]),
                (2, vec![2.0, 2.0, 2.001, 1.999, 2.0]),
                (4, vec![2.06, 2.06, 2.061, 2.059, 2.06]),
            ],
            8,
            2,
        );
        let b = analyze(&tight, &AnalysisOptions::default()).unwrap();
        assert_eq!(b.oversubscribed_from, Some(4));
    }

    #[test]
    fn one_two_flat_and_linear_sweeps() {
        let opts = AnalysisOptions::default();
        let one = analyze(&record_from_throughput(&[1], &[5.0], 4), &opts).unwrap();
        assert!(one.usl.is_none() && one.amdahl.is_none());
        assert_eq!(one.recommended_workers, 1);
        // The scalable region (up to the 4 CPUs) holds one count: the verdict says why the
        // USL is not fitted (it used to be a warning about the whole curve).
        assert!(one.verdict.contains("too few to fit"), "{}", one.verdict);
        let two = analyze(&record_from_throughput(&[1, 2], &[5.0, 9.0], 4), &opts).unwrap();
        assert!(two.usl.is_none() && two.amdahl.is_some());
        assert_eq!(two.peak.workers, 2);
        let flat = analyze(&record_from_throughput(&[1, 2, 4, 8], &[5.0; 4], 4), &opts).unwrap();
        assert_eq!((flat.recommended_workers, flat.plateau.to_workers), (1, 8));
        assert_eq!(flat.oversubscribed_from, None);
        assert_eq!(flat.amdahl.as_ref().unwrap().serial_fraction, 1.0);
        let lin = analyze(
            &record_from_throughput(&[1, 2, 4, 8], &[1.0, 2.0, 4.0, 8.0], 8),
            &opts,
        )
        .unwrap();
        assert_eq!(lin.recommended_workers, 8);
        assert_eq!(
            lin.usl.unwrap().constraint,
            crate::model::UslConstraint::Linear
        );
        assert_eq!(lin.amdahl.unwrap().serial_fraction, 0.0);
    }

    proptest! {
        /// Any positive samples (noisy, flat, retrograde, one point or many) give an analysis
        /// whose numbers are all finite, so results.json round-trips (NaN would become null).
        #[test]
        fn never_nan_and_results_json_round_trips(
            pts in prop::collection::vec(prop::collection::vec(1e-4f64..1e4, 1..5), 1..12),
            tol in 0.0f64..0.5,
            thr in 0.0f64..0.5,
        ) {
            let points: Vec<(usize, Vec<f64>)> =
                pts.into_iter().enumerate().map(|(i, w)| (1 + 3 * i, w)).collect();
            let mut r = record_from_samples(&points, 24, 4);
            let opts = AnalysisOptions { tolerance: tol, retrograde_threshold: thr, latency_slo: None };
            r.analysis = analyze(&r, &opts);
            let a = r.analysis.as_ref().unwrap();
            prop_assert!(a.peak.tasks_per_sec.is_finite());
            prop_assert_eq!(a.recommended_workers, a.plateau.from_workers);
            prop_assert!(a.plateau.from_workers <= a.peak.workers && a.peak.workers <= a.plateau.to_workers);
            prop_assert!(a.retrograde_drop.is_none_or(|d| d.is_finite()));
            prop_assert!(a.karp_flatt.iter().all(|k| k.serial_fraction.is_finite()));
            if let Some(f) = &a.amdahl {
                prop_assert!(f.serial_fraction.is_finite() && f.max_speedup.is_finite() && f.r2.is_finite());
            }
            let bytes = crate::model::json::render(&r);
            let back = crate::model::json::parse(
                std::str::from_utf8(&bytes).unwrap(),
                std::path::Path::new("r.json"),
            );
            // Every number survived as a number (a NaN would be written as null and fail here).
            let back = back.unwrap().analysis.unwrap();
            prop_assert_eq!(back.recommended_workers, a.recommended_workers);
            prop_assert_eq!(back.usl.is_some(), a.usl.is_some());
        }
    }
}
