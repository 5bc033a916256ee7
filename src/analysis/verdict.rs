//! The verdict: plain sentences a sizing engineer can act on, tied to the machine. Where
//! throughput plateaus and what that says (at the cores: CPU bound; well before: memory
//! bandwidth or contention; past them: SMT or waiting), where it falls and by how much, the USL's
//! reading, and the recommendation.

mod smt;

use super::shape::{Shape, drop};
use super::{AnalysisOptions, Obs, Provenance};
use crate::model::{MachineInfo, UslFit};
use crate::numbers::rate;
use crate::words::workers;

/// Everything the verdict is written from.
pub struct Facts<'a> {
    /// Measured points, ascending.
    pub obs: &'a [Obs],
    /// Peak, plateau, oversubscription.
    pub shape: &'a Shape,
    /// Tolerance and threshold.
    pub opts: &'a AnalysisOptions,
    /// The machine the numbers are tied to.
    pub machine: &'a MachineInfo,
    /// The USL fit, when there is one.
    pub usl: Option<&'a UslFit>,
    /// Whether the machine and task count are the measuring run's own.
    pub provenance: &'a Provenance,
    /// The decision with its stability, when there is one.
    pub decision: Option<&'a crate::model::DecisionRecord>,
    /// True for a CPU-bound built-in workload measured here: never explained as waiting.
    pub cpu_bound: bool,
    /// Where the models were fitted.
    pub regions: &'a crate::model::Regions,
    /// Amdahl's law on the scalable region.
    pub amdahl: Option<&'a crate::model::AmdahlFit>,
}

/// The verdict as one paragraph.
pub fn write(f: &Facts<'_>) -> String {
    let mut s: Vec<String> = super::verdict_noise::faults(f).into_iter().collect();
    s.push(where_it_plateaus(f));
    if let Some(fall) = where_it_falls(f) {
        s.push(fall);
    }
    s.extend(smt::SmtGain::of(f).map(|g| g.to_string()));
    s.push(recommendation(f));
    if let Some(u) = f.usl {
        s.push(usl_reading(u));
    }
    s.extend(super::verdict_noise::models(f));
    s.extend(super::verdict_noise::unconverged(f));
    if !f.provenance.machine_recorded {
        s.push(format!(
            "The input did not record the machine it was measured on, so compare {} workers with \
that machine's cores: at the core count the work is CPU bound; well below it, memory bandwidth or \
contention limits it; above it, workers wait (I/O) or hyper-threads help.",
            f.shape.plateau_from
        ));
    }
    s.join(" ")
}

fn where_it_plateaus(f: &Facts<'_>) -> String {
    let unit = &f.provenance.unit;
    let (peak, sh) = (&f.shape.peak, f.shape);
    let last = f.obs.last().map(|o| o.workers).unwrap_or(peak.workers);
    if f.obs.len() == 1 {
        return format!(
            "Only one worker count was measured ({} workers, {} {unit}): measure several, from 1 \
to about twice the effective CPUs, to see where throughput plateaus.",
            peak.workers,
            rate(peak.tasks_per_sec)
        );
    }
    if sh.plateau_from == last && peak.workers == last {
        return format!(
            "Throughput still rises at the largest count measured ({last} workers, {} {unit}){}: \
the plateau lies beyond it, so measure more workers.",
            rate(peak.tasks_per_sec),
            relation(f, last)
        );
    }
    if f.obs.first().is_some_and(|o| o.workers == peak.workers) {
        return format!(
            "Throughput is highest at the smallest count measured, {} ({} {unit}): more workers \
do not help{}.",
            workers(peak.workers),
            rate(peak.tasks_per_sec),
            relation(f, peak.workers)
        );
    }
    if sh.plateau_from == peak.workers {
        return format!(
            "Throughput peaks at {} ({} {unit}) and no smaller count comes within {} of it{}.",
            workers(peak.workers),
            rate(peak.tasks_per_sec),
            pct(f.opts.tolerance),
            relation(f, peak.workers)
        );
    }
    let at = f
        .obs
        .iter()
        .find(|o| o.workers == sh.plateau_from)
        .map(|o| o.tasks_per_sec)
        .unwrap_or(peak.tasks_per_sec);
    format!(
        "Throughput plateaus from {} workers ({} {unit}, within {} of the peak of {} {unit} at \
{} workers){}.",
        sh.plateau_from,
        rate(at),
        pct(f.opts.tolerance),
        rate(peak.tasks_per_sec),
        peak.workers,
        relation(f, sh.plateau_from)
    )
}

/// How a worker count relates to the machine's cores, as a clause starting with ", " (empty
/// when the machine is not the one that measured: the closing sentence covers that case).
fn relation(f: &Facts<'_>, w: usize) -> String {
    if !f.provenance.machine_recorded {
        return String::new();
    }
    let m = f.machine;
    let (p, e, l) = (m.physical_cores, m.effective_cpus, m.logical_cpus);
    let lo = p.min(e).max(1);
    let hi = p.max(e).max(1);
    let cores = if p == e {
        format!("the machine's {p} cores")
    } else {
        format!("the machine's {p} physical cores and {e} effective CPUs")
    };
    if (lo..=hi).contains(&w) {
        format!(
            ", which is {cores}: the work is CPU bound, one worker per core is what the hardware offers"
        )
    } else if w < lo {
        if (w as f64) <= 0.75 * lo as f64 {
            format!(
                ", well before {cores}: something other than the cores limits it, such as memory \
bandwidth, a lock or other contention"
            )
        } else {
            format!(", just under {cores}: CPU bound with some contention or overhead")
        }
    } else if w <= l && l > p && e >= w {
        format!(
            ", past the {p} physical cores but within the {l} logical CPUs: hyper-threads (SMT) \
add throughput"
        )
    } else if f.cpu_bound {
        // CPU-bound work cannot gain from workers past the CPUs: the gain is noise.
        format!(
            ", past {cores}: for this CPU-bound work the difference from {} is within the \
measurement's noise, not scaling",
            workers(hi)
        )
    } else {
        format!(
            ", past {cores}: workers spend time waiting (I/O, sleeps, the network), so more \
workers than CPUs keep the CPUs busy"
        )
    }
}

fn where_it_falls(f: &Facts<'_>) -> Option<String> {
    let sh = f.shape;
    let px = sh.peak.tasks_per_sec;
    let last = f.obs.last()?;
    if let Some(from) = sh.oversubscribed_from {
        let at = f.obs.iter().find(|o| o.workers == from)?;
        let tail = if last.workers > from && last.tasks_per_sec < px {
            format!(
                ", and {} below at {} workers",
                pct(drop(px, last.tasks_per_sec)),
                last.workers
            )
        } else {
            String::new()
        };
        return Some(format!(
            "From {from} workers it falls: {} below the peak{tail}; more workers than that only \
add context switches and contention.",
            pct(drop(px, at.tasks_per_sec))
        ));
    }
    let d = sh.retrograde_drop?;
    Some(if d > f.opts.retrograde_threshold {
        format!(
            "At {} workers it is {} below the peak, but the confidence intervals overlap, so the \
drop may be noise.",
            last.workers,
            pct(d)
        )
    } else {
        format!(
            "Past the peak it stays within {} of it up to {} workers: oversubscription costs \
little here.",
            pct(d),
            last.workers
        )
    })
}

fn recommendation(f: &Facts<'_>) -> String {
    let rec = f.shape.plateau_from;
    let last = f.obs.last().map(|o| o.workers).unwrap_or(rec);
    if f.obs.len() > 1 && rec == last && f.shape.peak.workers == last {
        return format!(
            "Recommended for now: {rec} workers, the best measured; more may be better."
        );
    }
    let mut s = format!(
        "Recommended: {}{}, the fewest within {} of the peak.",
        workers(rec),
        super::verdict_noise::stability_clause(f),
        pct(f.opts.tolerance)
    );
    // Python's Pool() defaults to os.cpu_count(), the logical CPUs: say what that default gets.
    let l = f.machine.logical_cpus;
    if l != rec && f.provenance.machine_recorded {
        if let Some(o) = f.obs.iter().find(|o| o.workers == l) {
            s.push_str(&format!(
                " (A pool sized by os.cpu_count() = {l} gets {:.0}% of the peak.)",
                100.0 * o.tasks_per_sec / f.shape.peak.tasks_per_sec
            ));
        }
    }
    s
}

fn usl_reading(u: &UslFit) -> String {
    let what = u.constraint.words().reading;
    let peak = match u.peak_workers {
        Some(n) => format!(", and it models a peak at {n:.1} workers"),
        None => ", and it models no peak (throughput levels off instead of falling)".to_string(),
    };
    let kappa = if u.kappa == 0.0 {
        "0".to_string()
    } else {
        format!("{:.2e}", u.kappa)
    };
    if u.r2 < super::POOR_FIT_R2 {
        // A hard knee (linear up to the cores, flat after) is not a shape USL can take, so a
        // poor fit says more about the curve than about contention or coherency.
        return format!(
            "The USL fit is poor (r² {:.3}; sigma {:.4}, kappa {kappa}): the curve bends more \
sharply than the law's smooth shape, as a hard limit such as the core count does, so read its \
coefficients and modelled peak as rough.",
            u.r2, u.sigma
        );
    }
    format!(
        "The USL fit (r² {:.3}; sigma {:.4}, kappa {kappa}) says {what}{peak}.",
        u.r2, u.sigma
    )
}

/// A fraction as a percentage with one decimal when it is small.
fn pct(f: f64) -> String {
    let p = f * 100.0;
    if p.abs() >= 10.0 || p.fract().abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AnalysisOptions, analyze};
    use super::{UslFit, usl_reading};
    use crate::testdata::{record_from_medians, record_from_throughput};

    #[test]
    fn a_poor_usl_fit_is_called_rough() {
        let mut u = UslFit {
            sigma: 0.27,
            kappa: 0.035,
            lambda: 40.0,
            peak_workers: Some(4.6),
            peak_tasks_per_sec: Some(80.0),
            r2: 0.86,
            constraint: "contention".into(),
        };
        assert!(usl_reading(&u).contains("poor"), "{}", usl_reading(&u));
        u.r2 = 0.99;
        assert!(usl_reading(&u).contains("models a peak at 4.6"));
    }

    fn verdict(workers: &[usize], xs: &[f64], cores: usize) -> String {
        analyze(
            &record_from_throughput(workers, xs, cores),
            &AnalysisOptions::default(),
        )
        .unwrap()
        .verdict
    }

    #[test]
    fn at_the_cores_is_cpu_bound() {
        let r = record_from_medians(
            &[1, 2, 4, 6, 8, 10, 12, 16, 20, 32],
            &[32.00, 16.10, 8.20, 5.60, 4.10, 4.05, 4.02, 4.00, 4.01, 4.15],
            32,
            8,
        );
        let v = analyze(&r, &AnalysisOptions::default()).unwrap().verdict;
        assert!(v.contains("plateaus from 8 workers"), "{v}");
        assert!(v.contains("CPU bound"), "{v}");
        assert!(
            v.contains("From 32 workers it falls: 3.6% below the peak"),
            "{v}"
        );
        assert!(v.contains("Recommended: 8 workers"), "{v}");
    }

    #[test]
    fn early_plateau_points_at_contention() {
        let v = verdict(&[1, 2, 3, 4, 8, 16], &[1.0, 1.9, 2.0, 2.0, 2.0, 2.0], 16);
        assert!(v.contains("well before"), "{v}");
        assert!(v.contains("memory bandwidth"), "{v}");
    }

    #[test]
    fn scaling_past_the_cores_points_at_waiting() {
        // An I/O workload past the cores: workers wait.
        let mut r = record_from_throughput(&[1, 2, 4, 8, 16], &[1.0, 2.0, 4.0, 8.0, 8.1], 2);
        r.config.workload = serde_json::json!({"name": "io", "io_ms": 10});
        let v = analyze(&r, &AnalysisOptions::default()).unwrap().verdict;
        assert!(v.contains("waiting"), "{v}");
        // The same curve from the CPU-bound cpu workload is a measurement fault, never I/O
        // (changed on purpose: it used to say "waiting" for any workload).
        let cpu = verdict(&[1, 2, 4, 8, 16], &[1.0, 2.0, 4.0, 8.0, 8.1], 2);
        assert!(
            cpu.starts_with("Measurement fault: at 4, 8 and 16 workers"),
            "{cpu}"
        );
        assert!(!cpu.contains("I/O") && !cpu.contains("waiting"), "{cpu}");
    }

    #[test]
    fn still_rising_and_single_points_say_so() {
        let v = verdict(&[1, 2, 4], &[1.0, 2.0, 4.0], 8);
        assert!(v.contains("still rises"), "{v}");
        assert!(v.contains("Recommended for now: 4 workers"), "{v}");
        let one = verdict(&[4], &[10.0], 8);
        assert!(one.contains("Only one worker count"), "{one}");
        let falling = verdict(&[1, 2, 4], &[3.0, 2.0, 1.0], 8);
        assert!(
            falling.contains("highest at the smallest count measured, 1 worker"),
            "{falling}"
        );
        assert!(falling.contains("Recommended: 1 worker,"), "{falling}");
    }
}
