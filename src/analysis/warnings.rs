//! Reasons to distrust or qualify the numbers: high spread, a busy machine at the start, a CPU
//! governor other than `performance`, load imbalance when tasks do not divide evenly, a binding
//! cgroup quota, too few repetitions for a confidence interval, missing points, an interrupted
//! run, imported runs/s of unknown task count, and fits that could not be made. Found here as
//! `Warning` values; their sentences are `Warning`'s Display.

use super::warning::Warning;
use super::{Obs, Provenance};
use crate::model::{MachineInfo, RunRecord};
use crate::plan::{MAX_IMBALANCE, imbalance};

/// Coefficient of variation above which a worker count's samples are called noisy.
pub const HIGH_CV: f64 = 0.05;
/// Samples per count below which a bootstrap CI of the median is not to be trusted.
pub const MIN_SAMPLES_FOR_CI: usize = 3;

/// Warnings about the measurements and the machine they ran on, in the order they are shown.
pub fn collect(record: &RunRecord, obs: &[Obs], prov: &Provenance) -> Vec<Warning> {
    let m = &record.machine;
    let mut out = Vec::new();
    out.extend(high_spread(obs));
    if prov.machine_recorded {
        out.extend(busy_start(m));
        out.extend(governor(m));
    }
    // Batches sized per count hold a multiple of their workers: no imbalance to warn of.
    if prov.tasks_known && record.config.per_worker().is_none() {
        out.extend(uneven_tasks(record.config.tasks, obs));
    }
    out.extend(binding_quota(m));
    out.extend(few_samples(obs));
    if let Some(first) = obs.first().map(|o| o.workers).filter(|&w| w != 1) {
        out.push(Warning::NoOneWorker { first });
    }
    out.extend(super::data_notes::collect(record));
    if record.run.interrupted {
        out.push(Warning::Interrupted);
    }
    if !prov.tasks_known && prov.unit == crate::model::ThroughputUnit::RunsPerSec {
        out.push(Warning::RunsPerSecond);
    }
    out
}

/// Warnings for fits that could not be made.
pub fn fits(obs: &[Obs], amdahl: bool, usl: bool) -> Vec<Warning> {
    let mut out = Vec::new();
    if !usl {
        out.push(Warning::UslNotFitted { counts: obs.len() });
    }
    if !amdahl {
        out.push(Warning::AmdahlNotFitted);
    }
    out
}

/// The counts whose samples vary more than `HIGH_CV`.
fn high_spread(obs: &[Obs]) -> Option<Warning> {
    let noisy: Vec<(usize, f64)> = obs
        .iter()
        .filter(|o| o.samples >= 2 && o.cv > HIGH_CV)
        .map(|o| (o.workers, o.cv))
        .collect();
    (!noisy.is_empty()).then_some(Warning::HighSpread { noisy })
}

/// The counts over which `tasks` do not divide evenly enough (see `plan::imbalance`).
fn uneven_tasks(tasks: u64, obs: &[Obs]) -> Option<Warning> {
    if tasks == 0 {
        return None;
    }
    let uneven: Vec<(usize, f64)> = obs
        .iter()
        .map(|o| (o.workers, imbalance(tasks, o.workers)))
        .filter(|&(_, i)| i > MAX_IMBALANCE + 1e-12)
        .collect();
    (!uneven.is_empty()).then(|| Warning::UnevenTasks {
        tasks,
        workers: uneven.iter().map(|u| u.0).collect(),
        worst: uneven.iter().map(|u| u.1).fold(0.0, f64::max),
    })
}

/// A cgroup CPU quota that binds below the logical CPUs.
fn binding_quota(m: &MachineInfo) -> Option<Warning> {
    if m.binding_limit == crate::model::BindingLimit::CgroupQuota {
        return Some(Warning::BindingQuota {
            quota: m.cgroup_cpu_quota,
            logical_cpus: m.logical_cpus,
            effective_cpus: m.effective_cpus,
        });
    }
    None
}

/// Some count has fewer samples than a confidence interval needs.
fn few_samples(obs: &[Obs]) -> Option<Warning> {
    let fewest = obs.iter().map(|o| o.samples).min()?;
    (fewest < MIN_SAMPLES_FOR_CI).then_some(Warning::FewSamples { fewest })
}

/// A warning when other work competed at the start, from the CPU use measured just before the
/// sweep. The load average alone never makes this warning: it lags by a minute and on a VM
/// counts kernel threads that use no CPU.
pub fn busy_start(m: &MachineInfo) -> Option<Warning> {
    use crate::machine::load::is_busy;
    let effective_cpus = m.effective_cpus;
    match m.busy_cpus_at_start {
        Some(busy_cpus) if is_busy(busy_cpus, effective_cpus) => Some(Warning::BusyStart {
            busy_cpus,
            effective_cpus,
        }),
        _ => None,
    }
}

/// A warning when the CPU frequency governor is known and is not `performance`: clock speed
/// then follows load, which bends scaling curves.
pub fn governor(m: &MachineInfo) -> Option<Warning> {
    let g = m.cpu_governor.as_deref().filter(|g| *g != "performance")?;
    Some(Warning::Governor {
        governor: g.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::observations;
    use crate::testdata::{record_from_medians, record_from_samples};

    /// The warnings' text, one a line.
    fn text(w: &[Warning]) -> String {
        w.iter()
            .map(Warning::to_string)
            .collect::<Vec<_>>()
            .join("\n")
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
        assert!(collect(&r, &observations(&r), &Provenance::of(&r)).is_empty());
    }

    #[test]
    fn each_warning_fires() {
        let mut r = record_from_samples(&[(2, vec![4.0, 5.0, 3.0]), (3, vec![3.0, 3.0])], 8, 2);
        r.machine.busy_cpus_at_start = Some(1.0);
        r.machine.cpu_governor = Some("powersave".into());
        r.machine.binding_limit = "cgroup_quota".into();
        r.machine.cgroup_cpu_quota = Some(1.5);
        r.run.interrupted = true;
        let w = text(&collect(&r, &observations(&r), &Provenance::of(&r)));
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
        let mut m = crate::testdata::machine(2);
        m.load_average_1m = 3.0;
        assert_eq!(busy_start(&m), None);
        m.busy_cpus_at_start = Some(0.1);
        assert_eq!(busy_start(&m), None);
        m.busy_cpus_at_start = Some(1.5);
        assert_eq!(
            busy_start(&m),
            Some(Warning::BusyStart {
                busy_cpus: 1.5,
                effective_cpus: 2
            })
        );
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
        let w = text(&collect(&r, &observations(&r), &prov));
        assert!(!w.contains("busy") && !w.contains("divide"), "{w}");
        assert!(w.contains("runs per second"), "{w}");
        assert_eq!(fits(&observations(&r), true, false).len(), 1);
    }
}
