//! One size as plateau emulates it: its `Slot` (host CPUs, CPU quota, memory limit), the
//! `Confinement` that applies a slot before each of its batches (the run's cgroup, or where
//! none can be made, the calling thread's affinity mask, which the threads and processes it
//! starts inherit), and the machine the size reports in results.json (pure).

use super::cgroup::{Limits, Needs, SizeGroup, Version};
use super::size::{MemoryPerVcpu, SizeShape, Vcpus};
use super::topology::{PlaceError, Topology, place};
use crate::model::{EmulatedShape, Emulation, EmulationMethod, MachineInfo, MemoryLimitKind};

/// Where one size runs on the host.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// The size.
    pub size: Vcpus,
    /// How its vCPUs sit on the cores.
    pub shape: SizeShape,
    /// Its host CPUs, ascending: the smallest cpuset that holds it.
    pub cpus: Vec<usize>,
    /// Distinct physical cores among them.
    pub cores: usize,
    /// CPUs' worth of quota, for a fractional size.
    pub quota: Option<f64>,
    /// Bytes of memory, with `--memory-per-vcpu`.
    pub memory: Option<u64>,
}

impl Slot {
    /// The slot of `size` on `topo`, out of the `usable` CPUs (the affinity mask).
    pub fn new(
        size: Vcpus,
        shape: SizeShape,
        topo: &Topology,
        usable: &[usize],
        memory_per_vcpu: Option<MemoryPerVcpu>,
    ) -> Result<Slot, PlaceError> {
        let cpus = place(topo, usable, size.cpus_needed(), shape)?;
        let mut cores: Vec<(usize, usize)> = topo
            .cpus
            .iter()
            .filter(|c| cpus.contains(&c.id))
            .map(|c| (c.package, c.core))
            .collect();
        cores.sort_unstable();
        cores.dedup();
        Ok(Slot {
            size,
            shape,
            cores: cores.len().max(1),
            cpus,
            quota: size.is_fraction().then(|| size.get()),
            memory: memory_per_vcpu.map(|m| (m.0 as f64 * size.get()).round() as u64),
        })
    }

    fn limits(&self) -> Limits {
        Limits {
            cpus: self.cpus.clone(),
            quota: self.quota,
            memory: self.memory,
        }
    }
}

/// How plateau confines itself to the size whose batch runs next.
#[derive(Debug)]
pub enum Confinement {
    /// One cgroup plateau moved into, rewritten before each batch.
    Cgroup(SizeGroup),
    /// The affinity mask of the thread that starts the batch; the reason no cgroup was made.
    Affinity(String),
}

impl Confinement {
    /// The run's cgroup, or the affinity fallback when none can be made and nothing needs one
    /// (a quota or a memory limit): then the refusal names the flag and the reason.
    pub fn new(needs: Needs) -> Result<Confinement, String> {
        match SizeGroup::create(needs) {
            Ok(group) => Ok(Confinement::Cgroup(group)),
            Err(why) if needs.quota => Err(format!(
                "fractional --sizes need a cgroup CPU quota, and no cgroup could be made: {why}; give whole sizes (the CPU affinity mask then emulates them), or run where plateau may create cgroups (as root, or with a delegated cgroup)"
            )),
            Err(why) if needs.memory => Err(format!(
                "--memory-per-vcpu needs a cgroup memory limit, and no cgroup could be made: {why}; leave it out, or run where plateau may create cgroups"
            )),
            Err(why) => Ok(Confinement::Affinity(why)),
        }
    }

    /// Confines what runs next to `slot`: the cgroup's limits for plateau and its children, or
    /// the calling thread's affinity mask. The error says what failed.
    pub fn apply(&self, slot: &Slot) -> Result<(), String> {
        match self {
            Confinement::Cgroup(g) => g.apply(&slot.limits()),
            Confinement::Affinity(_) => {
                match crate::machine::affinity::confine_current_thread(&slot.cpus) {
                    true => Ok(()),
                    false => Err(format!(
                        "the CPU affinity mask could not be set to {}",
                        super::cpu_list(&slot.cpus)
                    )),
                }
            }
        }
    }

    /// How the sizes are made, as results.json records it.
    pub fn method(&self) -> EmulationMethod {
        match self {
            Confinement::Cgroup(g) if g.version() == Version::V2 => EmulationMethod::CgroupV2,
            Confinement::Cgroup(_) => EmulationMethod::CgroupV1,
            Confinement::Affinity(_) => EmulationMethod::Affinity,
        }
    }

    /// Why no cgroup was made, under the affinity fallback.
    pub fn fallback_reason(&self) -> Option<&str> {
        match self {
            Confinement::Cgroup(_) => None,
            Confinement::Affinity(why) => Some(why),
        }
    }
}

/// The machine a size reports: the host's description with the size's CPUs (logical, cores,
/// affinity, quota, effective and which binds), its memory limit, and how it was emulated.
pub fn emulated_machine(
    host: &MachineInfo,
    slot: &Slot,
    method: EmulationMethod,
    fallback_reason: Option<&str>,
) -> MachineInfo {
    let logical = slot.cpus.len();
    let eff = crate::machine::effective_cpus(logical, logical, slot.quota);
    // A fractional size's quota binds even when its ceiling equals the cpuset (0.5 on 1 CPU).
    let binding = match slot.quota {
        Some(_) => crate::model::BindingLimit::CgroupQuota,
        None => eff.binding,
    };
    let (memory_limit_bytes, memory_limit_binding) = match slot.memory {
        Some(m) if host.memory_limit_bytes.is_none_or(|h| m <= h) => (
            Some(m),
            Some(match method {
                EmulationMethod::CgroupV2 => MemoryLimitKind::CgroupV2MemoryMax,
                _ => MemoryLimitKind::CgroupV1MemoryLimit,
            }),
        ),
        _ => (host.memory_limit_bytes, host.memory_limit_binding.clone()),
    };
    MachineInfo {
        logical_cpus: logical,
        physical_cores: slot.cores,
        threads_per_core: (logical / slot.cores).max(1),
        affinity_cpus: logical,
        cgroup_cpu_quota: slot.quota,
        effective_cpus: eff.count,
        binding_limit: binding,
        allowed_cpu_ids: slot.cpus.clone(),
        memory_limit_bytes,
        memory_limit_binding,
        emulated: Some(Emulation {
            vcpus: slot.size.get(),
            shape: match slot.shape {
                SizeShape::Threads => EmulatedShape::Threads,
                SizeShape::Cores => EmulatedShape::Cores,
            },
            method,
            fallback_reason: fallback_reason.map(str::to_string),
            host_cpu_ids: slot.cpus.clone(),
            host_logical_cpus: host.logical_cpus,
            host_physical_cores: host.physical_cores,
            cpu_quota: slot.quota,
            memory_limit_bytes: slot.memory,
        }),
        ..host.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BindingLimit;

    fn size(t: &str) -> Vcpus {
        Vcpus::parse(t).unwrap()
    }

    #[test]
    fn a_slot_holds_the_size_with_a_quota_for_fractions() {
        let t = Topology::synthetic(1, 8, 2);
        let all: Vec<usize> = (0..16).collect();
        let gib = Some(MemoryPerVcpu(1 << 30));
        let s = Slot::new(size("1.5"), SizeShape::Threads, &t, &all, gib).unwrap();
        assert_eq!(s.cpus, vec![0, 8]);
        assert_eq!(s.cores, 1);
        assert_eq!(s.quota, Some(1.5));
        assert_eq!(s.memory, Some(3 << 29));
        let s = Slot::new(size("4"), SizeShape::Cores, &t, &all, None).unwrap();
        assert_eq!(
            (s.cpus.len(), s.cores, s.quota, s.memory),
            (4, 4, None, None)
        );
    }

    #[test]
    fn the_machine_reports_the_size_and_the_host() {
        let t = Topology::synthetic(1, 8, 2);
        let all: Vec<usize> = (0..16).collect();
        let mut host = crate::testdata::machine(16);
        host.physical_cores = 8;
        host.memory_limit_bytes = Some(64 << 30);
        let fallback = (EmulationMethod::Affinity, Some("no cgroup here"));
        let s = Slot::new(size("4"), SizeShape::Threads, &t, &all, None).unwrap();
        let m = emulated_machine(&host, &s, fallback.0.clone(), fallback.1);
        assert_eq!(
            (m.logical_cpus, m.physical_cores, m.threads_per_core),
            (4, 2, 2)
        );
        assert_eq!(
            (m.effective_cpus, m.binding_limit),
            (4, BindingLimit::LogicalCpus)
        );
        assert_eq!(m.allowed_cpu_ids, vec![0, 1, 8, 9]);
        assert_eq!(m.memory_limit_bytes, Some(64 << 30));
        let e = m.emulated.unwrap();
        assert_eq!(e.method, EmulationMethod::Affinity);
        assert_eq!(e.fallback_reason.as_deref(), Some("no cgroup here"));
        assert_eq!((e.host_logical_cpus, e.host_physical_cores), (16, 8));
        let gib = Some(MemoryPerVcpu(1 << 30));
        let s = Slot::new(size("0.5"), SizeShape::Threads, &t, &all, gib).unwrap();
        let m = emulated_machine(&host, &s, fallback.0.clone(), fallback.1);
        assert_eq!(
            (m.effective_cpus, m.binding_limit),
            (1, BindingLimit::CgroupQuota)
        );
        assert_eq!(m.cgroup_cpu_quota, Some(0.5));
        assert_eq!(m.memory_limit_bytes, Some(1 << 29));
        assert_eq!(m.emulated.unwrap().cpu_quota, Some(0.5));
    }
}
