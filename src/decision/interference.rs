//! Whether other work disturbed a batch, from what was measured around it: other processes'
//! CPU time (all CPUs' busy time minus plateau's own), steal time, and for CPU-bound work the
//! workers' share of the CPU that W workers on the machine's CPUs should get. The built-in
//! cpu and memory workloads are CPU-bound by construction; the user's command or function is
//! CPU-bound when its CPU time per task at 1 worker is near its wall time (`intensity_at_one`),
//! and a function that waits is never judged by its share. Pure.

/// CPUs' worth of other work (plus steal) during a batch at or above which it is disturbed:
/// a tenth of the CPUs, at least a quarter of one (kernel threads on an idle machine stay far
/// below that).
pub fn other_threshold(capacity_cpus: f64) -> f64 {
    (0.1 * capacity_cpus).max(0.25)
}

/// Below this share of the CPU they should get, a CPU-bound batch's workers were crowded out.
pub const MIN_CPU_SHARE: f64 = 0.8;

/// CPU seconds per wall second at 1 worker from which the user's work counts as CPU-bound.
pub const CPU_BOUND_INTENSITY: f64 = 0.8;

/// The user's work's CPU intensity from its 1-worker batches (`(cpu_s, wall_s)` each): the
/// median of CPU over wall time among batches long enough to judge; none without one.
pub fn intensity_at_one(batches: &[(f64, f64)]) -> Option<f64> {
    let mut r: Vec<f64> = batches
        .iter()
        .filter(|(c, w)| c.is_finite() && w.is_finite() && *w >= MIN_SPAN_S)
        .map(|(c, w)| c / w)
        .collect();
    if r.is_empty() {
        return None;
    }
    r.sort_by(f64::total_cmp);
    let n = r.len();
    Some(if n % 2 == 1 {
        r[n / 2]
    } else {
        (r[n / 2 - 1] + r[n / 2]) / 2.0
    })
}

/// Shortest span judged: /proc/stat counts in 10 ms ticks, so a shorter batch's figures are
/// recorded but cannot mark it disturbed.
pub const MIN_SPAN_S: f64 = 0.1;

/// What was measured around one batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AroundBatch {
    /// Seconds between the two readings (start-up plus wall).
    pub span_s: f64,
    /// The batch's wall time.
    pub wall_s: f64,
    /// Workers.
    pub workers: usize,
    /// Busy CPU seconds of the whole machine over the span.
    pub busy_s: f64,
    /// Steal seconds over the span.
    pub steal_s: f64,
    /// plateau's own CPU seconds (itself, its workers) over the span.
    pub own_s: f64,
    /// CPUs the workers can use at once (the quota, else the effective CPUs).
    pub capacity_cpus: f64,
    /// True for CPU-bound work, whose CPU share is checked.
    pub cpu_bound: bool,
    /// CPU seconds a worker's task uses per wall second when it has a CPU to itself: 1 for
    /// the built-ins, the measured `intensity_at_one` for the user's work.
    pub intensity: f64,
}

/// The verdict on one batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interference {
    /// Other processes' CPU seconds.
    pub other_cpu_s: f64,
    /// Steal seconds.
    pub steal_s: f64,
    /// Workers' CPU over what they should get (CPU-bound only).
    pub cpu_share: Option<f64>,
    /// True when the batch was disturbed.
    pub disturbed: bool,
}

/// Judges one batch.
pub fn assess(a: &AroundBatch) -> Interference {
    let other = (a.busy_s - a.own_s).max(0.0);
    let steal = a.steal_s.max(0.0);
    let span = a.span_s.max(1e-9);
    let crowd = (other + steal) / span >= other_threshold(a.capacity_cpus);
    let cpu_share = (a.cpu_bound && a.wall_s > 0.0).then(|| {
        let expect = (a.workers as f64).min(a.capacity_cpus.max(0.01)) * a.wall_s;
        a.own_s / (expect * a.intensity.clamp(0.01, 1.0))
    });
    let starved = cpu_share.is_some_and(|s| s < MIN_CPU_SHARE);
    Interference {
        other_cpu_s: other,
        steal_s: steal,
        cpu_share,
        disturbed: a.span_s >= MIN_SPAN_S && (crowd || starved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(busy: f64, own: f64, steal: f64) -> AroundBatch {
        AroundBatch {
            span_s: 1.0,
            wall_s: 1.0,
            workers: 2,
            busy_s: busy,
            steal_s: steal,
            own_s: own,
            capacity_cpus: 2.0,
            cpu_bound: true,
            intensity: 1.0,
        }
    }

    #[test]
    fn a_quiet_batch_is_clean() {
        let i = assess(&around(2.02, 1.98, 0.0));
        assert!(!i.disturbed, "{i:?}");
        assert!((i.cpu_share.unwrap() - 0.99).abs() < 1e-9);
    }

    #[test]
    fn a_hog_or_steal_disturbs() {
        assert!(assess(&around(2.0, 1.4, 0.0)).disturbed, "hog took 0.6 CPU");
        assert!(assess(&around(1.7, 1.7, 0.3)).disturbed, "steal");
        assert!(assess(&around(1.5, 1.5, 0.0)).disturbed, "workers starved");
    }

    #[test]
    fn batches_too_short_to_judge_are_never_disturbed() {
        let mut a = around(0.02, 0.0, 0.0);
        a.span_s = 0.01;
        a.wall_s = 0.01;
        assert!(!assess(&a).disturbed);
    }

    #[test]
    fn io_bound_work_is_not_judged_by_its_share() {
        let mut a = around(0.2, 0.2, 0.0);
        a.cpu_bound = false;
        let i = assess(&a);
        assert!(!i.disturbed && i.cpu_share.is_none());
    }

    #[test]
    fn the_user_s_work_is_cpu_bound_from_its_time_at_one_worker() {
        // A CPU-bound function: 0.95 s of CPU per second at 1 worker.
        let cpu = intensity_at_one(&[(0.95, 1.0), (0.47, 0.5), (0.1, 0.05)]).unwrap();
        assert!(
            (cpu - 0.945).abs() < 1e-9,
            "{cpu}: the 50 ms batch is too short to judge"
        );
        assert!(cpu >= CPU_BOUND_INTENSITY);
        // A function that sleeps: 2% CPU.
        let waits = intensity_at_one(&[(0.02, 1.0)]).unwrap();
        assert!(waits < CPU_BOUND_INTENSITY);
        assert_eq!(intensity_at_one(&[]), None);
        // Judged against its own intensity: 2 workers at 0.95 each are a clean batch.
        let mut a = around(2.0, 1.9, 0.0);
        a.intensity = cpu;
        let i = assess(&a);
        assert!(
            !i.disturbed && (i.cpu_share.unwrap() - 1.0).abs() < 0.01,
            "{i:?}"
        );
        // Half of that CPU with the machine otherwise idle: crowded out (a hidden hog, steal
        // the guest cannot see, a throttled quota).
        let mut starved = around(1.0, 0.95, 0.0);
        starved.intensity = cpu;
        assert!(assess(&starved).disturbed);
    }
}
