//! What the machine is: cores (logical, physical, affinity, cgroup quota, effective and which
//! one binds), CPU, memory, OS, load, last-level cache and frequency governor. `detect` reads
//! the OS; `effective_cpus` and `parse_cache_size` are pure.

pub mod affinity;
pub mod cgroup;
pub mod host_limits;
pub mod load;
pub mod memory;
pub mod procstat;

use crate::model::{BindingLimit, MachineInfo};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

/// The CPU count a pool should be sized by, and the limit that sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveCpus {
    /// The smallest of the limits, at least 1.
    pub count: usize,
    /// The limit that sets `count`.
    pub binding: BindingLimit,
}

/// CPUs' worth of parallel speed: the effective CPUs, or a CPU quota below them as it is (a
/// 1.5-CPU quota on 2 CPUs gives 1.5, though the effective CPUs round it up to 2). The physics
/// check and the batch sizing both judge against it.
pub fn capacity(m: &MachineInfo) -> f64 {
    let e = m.effective_cpus.max(1) as f64;
    match m.cgroup_cpu_quota {
        Some(q) if q > 0.0 && q.is_finite() => q.min(e),
        _ => e,
    }
}

/// True when a CPU quota limits the workers (at or below the effective CPUs): batches then
/// span quota periods.
pub fn quota_limits(m: &MachineInfo) -> bool {
    m.cgroup_cpu_quota
        .is_some_and(|q| q > 0.0 && q <= m.effective_cpus.max(1) as f64 + 1e-9)
}

/// The period of the quota that binds this process, when a CPU quota limits the workers of
/// `m` (see `quota_limits`): a batch should span many of them.
pub fn quota_period(m: &MachineInfo) -> Option<std::time::Duration> {
    if !quota_limits(m) {
        return None;
    }
    cgroup::binding_quota().map(|q| q.limit.period)
}

/// The smallest of the logical CPUs, the affinity mask and the cgroup quota (rounded up, as
/// a quota of 1.5 CPUs still lets two threads make progress). Ties go to the broader limit.
pub fn effective_cpus(logical: usize, affinity: usize, quota: Option<f64>) -> EffectiveCpus {
    let mut best = EffectiveCpus {
        count: logical.max(1),
        binding: BindingLimit::LogicalCpus,
    };
    if affinity > 0 && affinity < best.count {
        best = EffectiveCpus {
            count: affinity,
            binding: BindingLimit::Affinity,
        };
    }
    if let Some(q) = quota.filter(|q| q.is_finite() && *q > 0.0) {
        let ceil = (q.ceil() as usize).max(1);
        if ceil < best.count {
            best = EffectiveCpus {
                count: ceil,
                binding: BindingLimit::CgroupQuota,
            };
        }
    }
    best
}

/// Reads the machine as plateau sees it now.
pub fn detect() -> MachineInfo {
    let sys = System::new_with_specifics(
        RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_frequency())
            .with_memory(MemoryRefreshKind::nothing().with_ram()),
    );
    let logical = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(sys.cpus().len());
    let physical = sys
        .physical_core_count()
        .unwrap_or(logical)
        .clamp(1, logical.max(1));
    let allowed = affinity::allowed_cpus(logical);
    let quota = cgroup::detect_quota();
    let eff = effective_cpus(logical, allowed.len(), quota);
    let cpu = sys.cpus().first();
    let mem = memory::detect();
    MachineInfo {
        hostname: System::host_name().unwrap_or_else(|| "unknown".into()),
        os: System::long_os_version().unwrap_or_else(|| std::env::consts::OS.into()),
        kernel: System::kernel_version().unwrap_or_else(|| "unknown".into()),
        arch: std::env::consts::ARCH.into(),
        cpu_brand: cpu
            .map(|c| c.brand().trim().to_string())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| "unknown".into()),
        cpu_mhz: cpu.map(|c| c.frequency()).unwrap_or(0),
        logical_cpus: logical,
        physical_cores: physical,
        threads_per_core: (logical / physical).max(1),
        affinity_cpus: allowed.len(),
        cgroup_cpu_quota: quota,
        effective_cpus: eff.count,
        binding_limit: eff.binding,
        memory_total_bytes: sys.total_memory(),
        load_average_1m: System::load_average().one,
        last_level_cache_bytes: last_level_cache_bytes(),
        cpu_governor: std::fs::read_to_string(
            "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
        )
        .ok()
        .map(|s| s.trim().to_string()),
        allowed_cpu_ids: allowed,
        busy_cpus_at_start: None,
        memory_limit_bytes: mem.as_ref().map(|m| m.bytes),
        memory_limit_binding: mem.map(|m| m.binding),
        host_limits: None,
        emulated: None,
    }
}

/// The largest cache of CPU 0 in sysfs (the last level), in bytes.
fn last_level_cache_bytes() -> Option<u64> {
    let dir = std::fs::read_dir("/sys/devices/system/cpu/cpu0/cache").ok()?;
    dir.filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("size")).ok())
        .filter_map(|s| parse_cache_size(&s))
        .max()
}

/// Parses sysfs cache sizes such as `32K`, `2048K`, `36M`.
pub fn parse_cache_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, mult) = match t.chars().last()? {
        'K' | 'k' => (&t[..t.len() - 1], 1024),
        'M' | 'm' => (&t[..t.len() - 1], 1024 * 1024),
        'G' | 'g' => (&t[..t.len() - 1], 1024 * 1024 * 1024),
        _ => (t, 1),
    };
    num.trim().parse::<u64>().ok().map(|n| n * mult)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_limit_binds() {
        assert_eq!(
            effective_cpus(8, 8, None),
            EffectiveCpus {
                count: 8,
                binding: BindingLimit::LogicalCpus
            }
        );
        assert_eq!(
            effective_cpus(8, 4, None),
            EffectiveCpus {
                count: 4,
                binding: BindingLimit::Affinity
            }
        );
        assert_eq!(
            effective_cpus(8, 4, Some(1.5)),
            EffectiveCpus {
                count: 2,
                binding: BindingLimit::CgroupQuota
            }
        );
        assert_eq!(
            effective_cpus(8, 8, Some(8.0)).binding,
            BindingLimit::LogicalCpus
        );
        assert_eq!(effective_cpus(8, 8, Some(0.2)).count, 1);
        assert_eq!(effective_cpus(0, 0, None).count, 1);
    }

    #[test]
    fn cache_sizes() {
        assert_eq!(parse_cache_size("32K\n"), Some(32 * 1024));
        assert_eq!(parse_cache_size("36M"), Some(36 * 1024 * 1024));
        assert_eq!(parse_cache_size("x"), None);
    }

    #[test]
    fn detect_is_self_consistent() {
        let m = detect();
        assert!(m.effective_cpus >= 1 && m.effective_cpus <= m.logical_cpus);
        assert!(m.physical_cores <= m.logical_cpus);
        assert_eq!(m.affinity_cpus, m.allowed_cpu_ids.len());
    }
}
