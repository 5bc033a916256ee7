//! `machine.emulated` in results.json: a run of `plateau run --sizes` measured one size of an
//! instance family on a slice of a larger host; what the slice was and how it was made.

use super::named::named_enum;
use serde::{Deserialize, Serialize};

/// How an emulated size was made, and on which host CPUs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Emulation {
    /// The size emulated, in vCPUs (0.5, 4).
    pub vcpus: f64,
    /// How its vCPUs sit on the host's cores.
    pub shape: EmulatedShape,
    /// How plateau confined the run to the size.
    pub method: EmulationMethod,
    /// Why no cgroup could be made, when the method is `affinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    /// The host CPUs the size ran on.
    pub host_cpu_ids: Vec<usize>,
    /// The host's logical CPUs.
    pub host_logical_cpus: usize,
    /// The host's physical cores.
    pub host_physical_cores: usize,
    /// The CPU quota in CPUs that made a fractional size (null for whole sizes).
    #[serde(default)]
    pub cpu_quota: Option<f64>,
    /// The memory limit in bytes from `--memory-per-vcpu` (null without it).
    #[serde(default)]
    pub memory_limit_bytes: Option<u64>,
}

named_enum! {
    /// How a size's vCPUs sit on the host's cores.
    pub enum EmulatedShape {
        /// SMT siblings kept together: a vCPU is a hardware thread.
        Threads => "threads",
        /// Whole cores, siblings left idle: a vCPU is a core.
        Cores => "cores",
    }
}

named_enum! {
    /// How plateau confined a run to its size.
    pub enum EmulationMethod {
        /// A cgroup v2 group (`cpuset.cpus`, `cpu.max`, `memory.max`).
        CgroupV2 => "cgroup_v2",
        /// cgroup v1 groups (cpuset, cpu quota, memory limit).
        CgroupV1 => "cgroup_v1",
        /// The CPU affinity mask of plateau's threads and children (no cgroup could be made).
        Affinity => "affinity",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::named::assert_round_trips;

    #[test]
    fn names_round_trip() {
        assert_round_trips(
            EmulationMethod::KNOWN,
            &["cgroup_v2", "cgroup_v1", "affinity"],
            EmulationMethod::Other,
        );
        assert_round_trips(
            EmulatedShape::KNOWN,
            &["threads", "cores"],
            EmulatedShape::Other,
        );
    }
}
