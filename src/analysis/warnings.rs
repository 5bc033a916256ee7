//! Reasons to distrust or qualify the numbers: high spread, a busy machine at the start, a CPU
//! governor other than `performance`, load imbalance when tasks do not divide evenly, a binding
//! cgroup quota, too few repetitions for a confidence interval, missing points, an interrupted
//! run, imported runs/s of unknown task count, and fits that could not be made.

use super::{Obs, Provenance, usl};
use crate::model::RunRecord;
use crate::plan::{MAX_IMBALANCE, imbalance};

/// Coefficient of variation above which a worker count's samples are called noisy.
pub const HIGH_CV: f64 = 0.05;
/// Samples per count below which a bootstrap CI of the median is not to be trusted.
pub const MIN_SAMPLES_FOR_CI: usize = 3;

/// Warnings about the measurements and the machine they ran on.
pub fn collect(record: &RunRecord, obs: &[Obs], prov: &Provenance) -> Vec<String> {
    let m = &record.machine;
    let mut out = Vec::new();
    let noisy: Vec<String> = obs
        .iter()
        .filter(|o| o.samples >= 2 && o.cv > HIGH_CV)
        .map(|o| format!("{} ({:.1}%)", o.workers, o.cv * 100.0))
        .collect();
    if !noisy.is_empty() {
        out.push(format!(
            "High spread (CV above {:.0}%) at {} workers: the machine was noisy or the work varies; \
rerun with more --repetitions or on a quieter machine.",
            HIGH_CV * 100.0,
            list(&noisy)
        ));
    }
    if prov.machine_recorded {
        out.extend(busy_start(m));
    }
    if prov.machine_recorded {
        out.extend(governor(m));
    }
    let tasks = record.config.tasks;
    if prov.tasks_known && tasks > 0 {
        let uneven: Vec<(usize, f64)> = obs
            .iter()
            .map(|o| (o.workers, imbalance(tasks, o.workers)))
            .filter(|&(_, i)| i > MAX_IMBALANCE + 1e-12)
            .collect();
        if !uneven.is_empty() {
            let worst = uneven.iter().map(|u| u.1).fold(0.0, f64::max);
            let counts: Vec<String> = uneven.iter().map(|u| u.0.to_string()).collect();
            out.push(format!(
                "{tasks} tasks do not divide evenly over {} workers: the last wave of tasks leaves \
workers idle (up to {:.0}% extra time), which lowers throughput there regardless of scaling; \
choose a task count that is a multiple of the worker counts.",
                list(&counts),
                worst * 100.0
            ));
        }
    }
    if m.binding_limit == "cgroup_quota" {
        let quota = m
            .cgroup_cpu_quota
            .map(|q| format!("{q:.2}"))
            .unwrap_or_else(|| "?".into());
        out.push(format!(
            "A cgroup CPU quota of {quota} CPUs binds, below the {} logical CPUs: workers beyond {} \
are throttled, not run in parallel, and os.cpu_count() overstates what the pool can use.",
            m.logical_cpus, m.effective_cpus
        ));
    }
    if let Some(fewest) = obs.iter().map(|o| o.samples).min() {
        if fewest < MIN_SAMPLES_FOR_CI {
            let what = if fewest == 1 {
                "only one sample, so there is no confidence interval"
            } else {
                "only 2 samples, too few for a confidence interval to be trusted"
            };
            out.push(format!(
                "Some worker counts have {what}, and differences of a few percent may be noise: \
use --repetitions 5 or more (or repeat rows per worker count in a CSV)."
            ));
        }
    }
    if !obs.is_empty() && obs[0].workers != 1 {
        out.push(format!(
            "No 1-worker point: speedup and efficiency are relative to {} workers, assumed to \
scale perfectly up to there.",
            obs[0].workers
        ));
    }
    out.extend(super::data_notes::collect(record));
    if record.run.interrupted {
        out.push(
            "The run was interrupted: some worker counts are missing or have fewer samples.".into(),
        );
    }
    if !prov.tasks_known && prov.unit == "runs/s" {
        out.push(
            "No task count was given (no `tasks` column, no --tasks), so throughput is runs per \
second; give --tasks N for tasks per second. The peak, plateau, recommendation, sigma and kappa \
do not depend on it."
                .into(),
        );
    }
    out
}

/// Warnings for fits that could not be made.
pub fn fits(obs: &[Obs], amdahl: bool, usl: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !usl {
        out.push(format!(
            "Too few distinct worker counts ({}) to fit the USL, which needs at least {}: measure \
more counts, e.g. 1 to 2x the cores.",
            obs.len(),
            usl::MIN_COUNTS
        ));
    }
    if !amdahl {
        out.push("Amdahl's law needs at least two worker counts to be fitted.".into());
    }
    out
}

/// "a, b and c".
/// A warning when other work competed at the start, from the CPU use measured just before the
/// sweep. The load average alone never makes this warning: it lags by a minute and on a VM
/// counts kernel threads that use no CPU.
pub fn busy_start(m: &crate::model::MachineInfo) -> Option<String> {
    use crate::machine::load::is_busy;
    let eff = m.effective_cpus;
    match m.busy_cpus_at_start {
        Some(busy) if is_busy(busy, eff) => Some(format!(
            "The machine was busy when the run started ({busy:.2} CPUs' worth of other work on \
{eff} effective CPUs, measured just before the sweep): other work competed for the CPUs, so the \
curve may flatten early."
        )),
        _ => None,
    }
}

/// A warning when the CPU frequency governor is known and is not `performance`: clock speed
/// then follows load, which bends scaling curves.
pub fn governor(m: &crate::model::MachineInfo) -> Option<String> {
    let g = m.cpu_governor.as_deref().filter(|g| *g != "performance")?;
    Some(format!(
        "The CPU frequency governor is {g:?}, not \"performance\": clock speed follows load, \
which bends scaling curves (set it with `cpupower frequency-set -g performance`)."
    ))
}

pub(super) fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::observations;
    use crate::testdata::{record_from_medians, record_from_samples};

    fn known() -> Provenance {
        Provenance {
            machine_recorded: true,
            tasks_known: true,
            unit: "tasks/s".into(),
        }
    }

    #[test]
    fn a_clean_run_has_no_warnings() {
        let r = record_from_samples(
            &[
                (1, vec![8.0, 8.01, 7.99]),
                (2, vec![4.0, 4.01, 3.99]),
                (4, vec![2.0, 2.01, 1.99]),
            ],
            8,
            4,
        );
        assert!(collect(&r, &observations(&r), &known()).is_empty());
    }

    #[test]
    fn each_warning_fires() {
        let mut r = record_from_samples(&[(2, vec![4.0, 5.0, 3.0]), (3, vec![3.0, 3.0])], 8, 2);
        r.machine.busy_cpus_at_start = Some(1.0);
        r.machine.cpu_governor = Some("powersave".into());
        r.machine.binding_limit = "cgroup_quota".into();
        r.machine.cgroup_cpu_quota = Some(1.5);
        r.run.interrupted = true;
        let w = collect(&r, &observations(&r), &known()).join("\n");
        for needle in [
            "High spread",
            "busy",
            "\"powersave\"",
            "8 tasks do not divide evenly over 3 workers",
            "quota of 1.50",
            "only 2 samples",
            "No 1-worker point",
            "interrupted",
        ] {
            assert!(w.contains(needle), "{needle} missing from:\n{w}");
        }
    }

    #[test]
    fn the_load_average_alone_never_says_busy() {
        // Changed on purpose: a VM's load average counts idle kernel threads, so only CPU use
        // measured at the start makes the warning.
        let mut m = crate::machine::detect();
        m.effective_cpus = 2;
        m.load_average_1m = 3.0;
        m.busy_cpus_at_start = None;
        assert_eq!(busy_start(&m), None);
        m.busy_cpus_at_start = Some(0.1);
        assert_eq!(busy_start(&m), None);
        m.busy_cpus_at_start = Some(1.5);
        assert!(busy_start(&m).unwrap().contains("1.50 CPUs' worth"));
    }

    #[test]
    fn imported_records_skip_what_they_cannot_know() {
        let mut r = record_from_medians(&[1, 3], &[8.0, 3.0], 8, 2);
        r.machine.load_average_1m = 9.0;
        let prov = Provenance {
            machine_recorded: false,
            tasks_known: false,
            unit: "runs/s".into(),
        };
        let w = collect(&r, &observations(&r), &prov).join("\n");
        assert!(!w.contains("busy") && !w.contains("divide"), "{w}");
        assert!(w.contains("runs per second"), "{w}");
        assert_eq!(fits(&observations(&r), true, false).len(), 1);
    }
}
