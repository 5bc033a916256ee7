//! What task latencies add to the analysis: Little's law at every count (a count off by more
//! than 10% is flagged), the USL's response-time form fitted to the mean latencies, the verdict
//! for work that waits on something outside the machine's CPUs, and the latency SLO (`slo`).
//! Pure: the record's points in, `analysis.latency`, sentences and warnings out.

use super::response_fit;
use super::warning::Warning;
use super::{AnalysisOptions, Obs};
use crate::model::{LatencyAnalysis, LatencySummary, LittleCheck, RunRecord};
use crate::numbers::short_secs;

/// How far tasks in flight by Little's law may stray from the workers before it is flagged.
pub const LITTLE_TOLERANCE: f64 = 0.10;
/// Below this CPU share (CPU seconds over wall x workers) the workers are mostly waiting.
pub const LOW_CPU_SHARE: f64 = 0.5;
/// How close latency growth must come to the growth in workers to count as "in proportion".
const PROPORTIONAL: f64 = 0.3;

/// What the analysis hands over.
pub struct Given<'a> {
    /// The record, for its points' latencies and samples.
    pub record: &'a RunRecord,
    /// Measured points, ascending.
    pub obs: &'a [Obs],
    /// The plateau's first count.
    pub plateau_from: usize,
    /// The options, for the SLO and the tolerance.
    pub opts: &'a AnalysisOptions,
}

/// What the latencies decide: the recommendation (the SLO may lower it), the verdict with their
/// sentences, and `analysis.latency`.
pub struct Added {
    /// The recommended worker count.
    pub recommended: usize,
    /// The verdict.
    pub verdict: String,
    /// `analysis.latency`; `None` when no count recorded latencies.
    pub latency: Option<LatencyAnalysis>,
}

/// One measured count with latencies.
pub(super) struct Lat<'a> {
    pub(super) workers: usize,
    pub(super) tasks_per_sec: f64,
    pub(super) latency: &'a LatencySummary,
    /// Wall seconds of the kept batches the latency was merged from, summed.
    pub(super) wall_s: f64,
}

/// Adds the latencies' reading to `recommended` and `verdict` (and pushes their warnings).
pub fn add(
    g: &Given<'_>,
    recommended: usize,
    verdict: String,
    warnings: &mut Vec<Warning>,
) -> Added {
    let lats = with_latency(g);
    if lats.is_empty() {
        return Added {
            recommended,
            verdict,
            latency: None,
        };
    }
    let little = little(&lats);
    let off: Vec<(usize, f64)> = little
        .iter()
        .filter(|c| (c.ratio - 1.0).abs() > LITTLE_TOLERANCE)
        .map(|c| (c.workers, c.ratio))
        .collect();
    if !off.is_empty() {
        warnings.push(Warning::LittleLaw { counts: off });
    }
    let cpu_share = cpu_share(g.record, g.plateau_from);
    let waits = waits_outside(&lats, g.plateau_from, cpu_share);
    let mut verdict = verdict;
    if let Some(sentence) = &waits {
        verdict = format!("{verdict} {sentence}");
    }
    let mut latency = LatencyAnalysis {
        little,
        response_fit: response_fit::fit(&lats),
        cpu_share,
        waits_outside: waits.is_some(),
        slo: None,
    };
    let (recommended, verdict) = match g.opts.latency_slo {
        Some(slo) => {
            let decided = super::slo::decide(slo, &lats, g.opts.tolerance, recommended);
            latency.slo = Some(decided.record);
            (
                decided.recommended,
                format!("{} {verdict}", decided.sentence),
            )
        }
        None => (recommended, verdict),
    };
    Added {
        recommended,
        verdict,
        latency: Some(latency),
    }
}

/// The measured counts whose summary has latencies, ascending.
fn with_latency<'a>(g: &Given<'a>) -> Vec<Lat<'a>> {
    g.obs
        .iter()
        .filter_map(|o| {
            let p = g.record.points.iter().find(|p| p.workers == o.workers)?;
            let latency = p.summary.as_ref()?.latency.as_ref()?;
            let clean = p.samples.iter().any(|s| !s.disturbed);
            let kept = p.samples.iter().filter(|s| !clean || !s.disturbed);
            let wall_s = kept
                .filter(|s| s.latency_histogram.is_some())
                .map(|s| s.wall_s)
                .sum();
            (latency.mean_s.is_finite() && latency.p50_s.is_finite()).then_some(Lat {
                workers: o.workers,
                tasks_per_sec: o.tasks_per_sec,
                latency,
                wall_s,
            })
        })
        .collect()
}

/// Little's law at every count: tasks in flight = throughput x mean latency, against W. The
/// throughput is that of the very batches the latencies come from (their tasks over their
/// summed wall time), so in a closed loop the tasks in flight can never exceed W.
fn little(lats: &[Lat<'_>]) -> Vec<LittleCheck> {
    lats.iter()
        .map(|l| {
            let x = if l.wall_s > 0.0 {
                l.latency.tasks as f64 / l.wall_s
            } else {
                l.tasks_per_sec
            };
            let in_flight = x * l.latency.mean_s;
            LittleCheck {
                workers: l.workers,
                in_flight,
                ratio: in_flight / l.workers as f64,
            }
        })
        .collect()
}

/// The workers' CPU share at `workers`: the median over its kept batches of CPU seconds over
/// wall x workers; `None` without such batches.
fn cpu_share(record: &RunRecord, workers: usize) -> Option<f64> {
    let p = record.points.iter().find(|p| p.workers == workers)?;
    let clean = p.samples.iter().any(|s| !s.disturbed);
    let mut shares: Vec<f64> = p
        .samples
        .iter()
        .filter(|s| (!clean || !s.disturbed) && s.wall_s > 0.0)
        .map(|s| (s.user_s + s.sys_s) / (s.wall_s * workers as f64))
        .filter(|x| x.is_finite())
        .collect();
    shares.sort_by(f64::total_cmp);
    shares.get(shares.len() / 2).copied()
}

/// The verdict for work that waits outside: throughput stopped rising at `from` while the
/// workers were mostly off the CPUs, and past it the median latency grew about as the workers
/// did. `None` when any of it does not hold.
fn waits_outside(lats: &[Lat<'_>], from: usize, cpu_share: Option<f64>) -> Option<String> {
    let share = cpu_share.filter(|s| *s < LOW_CPU_SHARE)?;
    let base = lats.iter().find(|l| l.workers == from)?;
    // The count nearest twice the plateau's start, above it.
    let past = lats
        .iter()
        .filter(|l| l.workers > from)
        .min_by_key(|l| l.workers.abs_diff(2 * from))?;
    let grew = past.latency.p50_s / base.latency.p50_s;
    let expected = past.workers as f64 / from as f64;
    if !grew.is_finite() || (grew / expected - 1.0).abs() > PROPORTIONAL {
        return None;
    }
    Some(format!(
        "Throughput plateaus at {from} workers while the CPUs are {:.0}% busy; past it, each task \
waits longer (p50 {} at {} workers against {} at {from}): something outside this machine's CPUs \
saturates at about {from} concurrent tasks, such as a server's connections, locks or disk.",
        share * 100.0,
        short_secs(past.latency.p50_s),
        past.workers,
        short_secs(base.latency.p50_s),
    ))
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::stats::histogram::Histogram;
    use crate::testdata::record_from_medians;
    use std::time::Duration;

    /// A summary's latency with every percentile at `p50` and the mean at `mean`.
    pub(in crate::analysis) fn lat(p50: f64, p99: f64, mean: f64) -> LatencySummary {
        LatencySummary {
            tasks: 100,
            mean_s: mean,
            p50_s: p50,
            p90_s: p50,
            p99_s: p99,
            p999_s: p99,
            max_s: p99,
        }
    }

    /// The K-slot server of the PostgreSQL example, in numbers: W tasks of `d` seconds each while
    /// W <= k, then k tasks every d seconds, each waiting W/k x d (2% of them 30% longer, so p99
    /// is 1.3 x p50); the workers use `cpu` of their time on a CPU. Each batch carries its
    /// histogram and the summaries are made from them, as a run makes them.
    pub(in crate::analysis) fn slots(k: usize, d: f64, cpu: f64, counts: &[usize]) -> RunRecord {
        let tasks = 250;
        let walls: Vec<f64> = counts
            .iter()
            .map(|&w| tasks as f64 * d / w.min(k) as f64)
            .collect();
        let mut r = record_from_medians(counts, &walls, tasks, 8);
        for p in &mut r.points {
            let w = p.workers;
            let each = d * (w as f64 / k as f64).max(1.0);
            for s in &mut p.samples {
                s.user_s = cpu * s.wall_s * w as f64;
                let mut h = Histogram::new();
                for t in 0..tasks {
                    let slow = if t % 50 < 1 { 1.3 } else { 1.0 };
                    h.record(Duration::from_secs_f64(each * slow));
                }
                s.latency_histogram = Some(h.encode());
            }
        }
        crate::summary::summarize_points(&mut r.points, tasks, 1);
        r
    }

    fn given<'a>(
        r: &'a RunRecord,
        obs: &'a [Obs],
        from: usize,
        o: &'a AnalysisOptions,
    ) -> Given<'a> {
        Given {
            record: r,
            obs,
            plateau_from: from,
            opts: o,
        }
    }

    #[test]
    fn a_server_with_four_slots_is_named_as_the_bottleneck() {
        let r = slots(4, 0.020, 0.09, &[1, 2, 4, 8, 12]);
        let obs = super::super::observations(&r);
        let opts = AnalysisOptions::default();
        let mut warnings = vec![];
        let added = add(&given(&r, &obs, 4, &opts), 4, "V.".into(), &mut warnings);
        assert_eq!(
            added.verdict,
            "V. Throughput plateaus at 4 workers while the CPUs are 9% busy; past it, each task \
waits longer (p50 40 ms at 8 workers against 20 ms at 4): something outside this machine's CPUs \
saturates at about 4 concurrent tasks, such as a server's connections, locks or disk."
        );
        let l = added.latency.unwrap();
        assert!(l.waits_outside);
        assert!(
            l.little.iter().all(|c| (c.ratio - 1.0).abs() < 0.01),
            "{:?}",
            l.little
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(added.recommended, 4);
    }

    #[test]
    fn busy_cpus_or_flat_latency_are_not_an_outside_wait() {
        let opts = AnalysisOptions::default();
        // The same curve with the workers on the CPUs: not waiting.
        let busy = slots(4, 0.020, 0.95, &[1, 2, 4, 8]);
        let obs = super::super::observations(&busy);
        let a = add(&given(&busy, &obs, 4, &opts), 4, "V.".into(), &mut vec![]);
        assert_eq!(a.verdict, "V.");
        // Latency that does not grow past the plateau: Little's law is broken, and flagged.
        let mut flat = slots(4, 0.020, 0.05, &[1, 2, 4, 8]);
        let p8 = flat.points.iter_mut().find(|p| p.workers == 8).unwrap();
        p8.summary.as_mut().unwrap().latency = Some(LatencySummary {
            tasks: 250,
            ..lat(0.020, 0.03, 0.020)
        });
        let obs = super::super::observations(&flat);
        let mut warnings = vec![];
        let a = add(&given(&flat, &obs, 4, &opts), 4, "V.".into(), &mut warnings);
        assert_eq!(a.verdict, "V.");
        assert_eq!(
            warnings,
            vec![Warning::LittleLaw {
                counts: vec![(8, 0.5)]
            }]
        );
    }

    #[test]
    fn without_latencies_nothing_is_added() {
        let r = record_from_medians(&[1, 2], &[2.0, 1.0], 8, 2);
        let obs = super::super::observations(&r);
        let opts = AnalysisOptions::default();
        let a = add(&given(&r, &obs, 2, &opts), 2, "V.".into(), &mut vec![]);
        assert!(a.latency.is_none());
        assert_eq!((a.recommended, a.verdict.as_str()), (2, "V."));
    }
}
