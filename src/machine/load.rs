//! How busy the machine is right now: CPUs in use over a short window, the busiest processes,
//! and the threshold above which a machine is too busy to measure on. `busy_threshold` is pure;
//! the samplers read the OS through sysinfo.

use sysinfo::{
    CpuRefreshKind, MINIMUM_CPU_UPDATE_INTERVAL, Pid, ProcessRefreshKind, ProcessesToUpdate,
    RefreshKind, System,
};

/// CPUs' worth of other work above which measurements are disturbed: a quarter of the
/// effective CPUs, and at least half a CPU (one busy thread on a 2-CPU machine shifts
/// every point at 2 workers).
pub fn busy_threshold(effective_cpus: usize) -> f64 {
    (effective_cpus as f64 * 0.25).max(0.5)
}

/// True when `busy_cpus` of other work is at or above the threshold for this machine.
pub fn is_busy(busy_cpus: f64, effective_cpus: usize) -> bool {
    busy_cpus >= busy_threshold(effective_cpus)
}

/// A process using CPU, for the busy-machine warning.
#[derive(Debug, Clone, PartialEq)]
pub struct BusyProcess {
    /// Its name.
    pub name: String,
    /// Its process id.
    pub pid: u32,
    /// CPU use over the sampling window, in percent of one CPU.
    pub cpu_percent: f32,
}

/// CPUs in use, summed over all CPUs, averaged over `window` (at least sysinfo's minimum).
pub fn busy_cpus(window: std::time::Duration) -> f64 {
    let mut sys =
        System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()));
    sys.refresh_cpu_usage();
    std::thread::sleep(window.max(MINIMUM_CPU_UPDATE_INTERVAL));
    sys.refresh_cpu_usage();
    f64::from(sys.global_cpu_usage()) / 100.0 * sys.cpus().len() as f64
}

/// The `n` processes (other than this one) using the most CPU over a short window, busiest first.
pub fn top_processes(n: usize) -> Vec<BusyProcess> {
    let mut sys = System::new();
    let kind = ProcessRefreshKind::nothing().with_cpu();
    sys.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
    std::thread::sleep(MINIMUM_CPU_UPDATE_INTERVAL);
    sys.refresh_processes_specifics(ProcessesToUpdate::All, true, kind);
    let me = Pid::from_u32(std::process::id());
    let mut busy: Vec<BusyProcess> = sys
        .processes()
        .iter()
        .filter(|(pid, p)| **pid != me && p.cpu_usage() >= 5.0)
        .map(|(pid, p)| BusyProcess {
            name: p.name().to_string_lossy().into_owned(),
            pid: pid.as_u32(),
            cpu_percent: p.cpu_usage(),
        })
        .collect();
    busy.sort_by(|a, b| b.cpu_percent.total_cmp(&a.cpu_percent));
    busy.truncate(n);
    busy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_scale_with_the_machine() {
        assert_eq!(busy_threshold(2), 0.5);
        assert_eq!(busy_threshold(16), 4.0);
        assert!(is_busy(1.0, 2));
        assert!(!is_busy(0.3, 2));
        assert!(!is_busy(3.0, 16));
    }

    #[test]
    fn sampling_returns_a_plausible_share() {
        let b = busy_cpus(std::time::Duration::from_millis(1));
        assert!(b.is_finite() && b >= 0.0, "{b}");
        assert!(top_processes(3).len() <= 3);
    }
}
