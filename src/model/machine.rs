//! The machine in results.json: every figure that bounds how many workers can run at once,
//! and which CPU and memory limits bind.

use super::named::named_enum;
use serde::{Deserialize, Serialize};

/// What the machine is, with every figure that bounds how many workers can run at once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MachineInfo {
    /// Host name.
    pub hostname: String,
    /// Operating system name and version.
    pub os: String,
    /// Kernel version.
    pub kernel: String,
    /// CPU architecture, e.g. x86_64.
    pub arch: String,
    /// CPU model string.
    pub cpu_brand: String,
    /// CPU frequency in MHz as reported by the OS (0 when unknown).
    pub cpu_mhz: u64,
    /// Logical CPUs (hardware threads) the OS reports.
    pub logical_cpus: usize,
    /// Physical cores.
    pub physical_cores: usize,
    /// Hardware threads per core (logical / physical, at least 1).
    pub threads_per_core: usize,
    /// CPUs in this process's affinity mask (sched_getaffinity).
    pub affinity_cpus: usize,
    /// CPU quota of the cgroup in CPUs (e.g. 1.5), or null when there is none.
    pub cgroup_cpu_quota: Option<f64>,
    /// The CPUs a pool should be sized by: the smallest of logical, affinity and quota.
    pub effective_cpus: usize,
    /// Which limit sets effective_cpus.
    pub binding_limit: BindingLimit,
    /// Total memory in bytes.
    pub memory_total_bytes: u64,
    /// 1-minute load average at the start of the run.
    pub load_average_1m: f64,
    /// Size of the last-level cache in bytes, when the OS reports it.
    #[serde(default)]
    pub last_level_cache_bytes: Option<u64>,
    /// CPU frequency governor (e.g. "performance"), when the OS exposes it.
    #[serde(default)]
    pub cpu_governor: Option<String>,
    /// The CPU ids this process may run on (from the affinity mask).
    #[serde(default)]
    pub allowed_cpu_ids: Vec<usize>,
    /// CPUs' worth of other work measured just before the sweep, when `--wait-idle` looked
    /// (null otherwise). The busy-machine warning prefers it to the lagging load average.
    #[serde(default)]
    pub busy_cpus_at_start: Option<f64>,
    /// Bytes of memory a pool started by plateau may use: the cgroup's limit, or the available
    /// memory when that is smaller or no cgroup limit is set (null when unknown).
    #[serde(default)]
    pub memory_limit_bytes: Option<u64>,
    /// Which limit sets memory_limit_bytes.
    #[serde(default)]
    pub memory_limit_binding: Option<MemoryLimitKind>,
    /// The host's limits on open files and processes, checked for the largest planned worker
    /// count before anything was measured (absent in older files, imports and `plateau info`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_limits: Option<HostLimits>,
    /// Set when this machine is one size emulated on a larger host (`plateau run --sizes`):
    /// the figures above are the size's, this says how it was made (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulated: Option<super::Emulation>,
}

/// The host's limits a run's largest pool was checked against before its first batch, and
/// whether plateau raised the soft open-files limit to fit it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HostLimits {
    /// The largest planned worker count, the one the limits were checked for.
    pub workers: usize,
    /// Open files that count needs at most: plateau's own (those open at the check, plus a
    /// margin) and the pool's (pipes, stderr files, the guard).
    pub open_files_needed: u64,
    /// The soft limit on open files (RLIMIT_NOFILE) the run measured under, after any raise;
    /// null when unlimited.
    pub open_files_soft: Option<u64>,
    /// The hard limit on open files; null when unlimited.
    pub open_files_hard: Option<u64>,
    /// The soft limit before plateau raised it to the hard one (as the Go runtime does); null
    /// when it was already enough.
    #[serde(default)]
    pub open_files_raised_from: Option<u64>,
    /// Processes and threads the largest count starts at most (plateau's own margin included).
    pub tasks_needed: u64,
    /// This user's limit on processes and threads (RLIMIT_NPROC); null when unlimited or not
    /// enforced (root, CAP_SYS_ADMIN or CAP_SYS_RESOURCE).
    #[serde(default)]
    pub process_limit: Option<u64>,
    /// Processes and threads this user ran at the check, when `process_limit` applies.
    #[serde(default)]
    pub processes_in_use: Option<u64>,
    /// The tightest cgroup `pids.max` above plateau (v2 or v1), null when none is set.
    #[serde(default)]
    pub pids_max: Option<u64>,
    /// That cgroup's `pids.current` at the check.
    #[serde(default)]
    pub pids_current: Option<u64>,
}

named_enum! {
    /// Which limit sets the effective CPUs. A name this build does not know reads as `Other`
    /// and is shown as written: the reports treat it like the logical CPUs (nothing narrower).
    pub enum BindingLimit {
        /// The logical CPUs the OS reports: nothing narrower applies.
        LogicalCpus => "logical_cpus",
        /// The process's affinity mask (sched_getaffinity) allows fewer CPUs.
        Affinity => "affinity",
        /// The cgroup's CPU quota gives less than the affinity mask.
        CgroupQuota => "cgroup_quota",
    }
}

named_enum! {
    /// Which limit sets the memory a pool may use. A name this build does not know reads as
    /// `Other` and is shown as written.
    pub enum MemoryLimitKind {
        /// cgroup v2 `memory.max`.
        CgroupV2MemoryMax => "cgroup_v2_memory_max",
        /// cgroup v1 `memory.limit_in_bytes`.
        CgroupV1MemoryLimit => "cgroup_v1_memory_limit",
        /// The available memory (MemAvailable), smaller than any cgroup limit.
        AvailableMemory => "available_memory",
    }
}

impl BindingLimit {
    /// The name in words ("cgroup quota"), for `plateau info`.
    pub fn words(&self) -> String {
        self.as_str().replace('_', " ")
    }
}

impl MemoryLimitKind {
    /// The name in words ("cgroup v2 memory max"), for `plateau info`.
    pub fn words(&self) -> String {
        self.as_str().replace('_', " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn limit_names_round_trip() {
        assert_round_trips(
            BindingLimit::KNOWN,
            &["logical_cpus", "affinity", "cgroup_quota"],
            BindingLimit::Other,
        );
        assert_round_trips(
            MemoryLimitKind::KNOWN,
            &[
                "cgroup_v2_memory_max",
                "cgroup_v1_memory_limit",
                "available_memory",
            ],
            MemoryLimitKind::Other,
        );
        assert_eq!(BindingLimit::CgroupQuota.words(), "cgroup quota");
        assert_eq!(MemoryLimitKind::AvailableMemory.words(), "available memory");
    }
}
