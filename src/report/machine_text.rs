//! `plateau info` as text: the machine's core figures, which limit binds, CPU, memory, load.

use crate::model::MachineInfo;
use std::fmt::Write;

/// A labelled list of what plateau sees, ending with what a pool should be sized by.
pub fn render(m: &MachineInfo) -> String {
    let mut o = String::new();
    let quota = m
        .cgroup_cpu_quota
        .map_or("none".to_string(), |q| format!("{q:.2} CPUs"));
    let gib = m.memory_total_bytes as f64 / (1u64 << 30) as f64;
    let rows: Vec<(&str, String)> = vec![
        ("host", m.hostname.clone()),
        ("os", format!("{} (kernel {}, {})", m.os, m.kernel, m.arch)),
        ("cpu", format!("{} @ {} MHz", m.cpu_brand, m.cpu_mhz)),
        ("logical CPUs", m.logical_cpus.to_string()),
        ("physical cores", m.physical_cores.to_string()),
        ("threads per core", m.threads_per_core.to_string()),
        ("affinity mask", format!("{} CPUs", m.affinity_cpus)),
        ("cgroup CPU quota", quota),
        (
            "effective CPUs",
            format!(
                "{} (bound by {})",
                m.effective_cpus,
                m.binding_limit.replace('_', " ")
            ),
        ),
        ("memory", format!("{gib:.1} GiB")),
        (
            "last-level cache",
            m.last_level_cache_bytes
                .map_or("unknown".into(), |b| format!("{} KiB", b / 1024)),
        ),
        (
            "governor",
            m.cpu_governor.clone().unwrap_or_else(|| "unknown".into()),
        ),
        ("load average (1m)", format!("{:.2}", m.load_average_1m)),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "{k:>18}  {v}");
    }
    let _ = writeln!(
        o,
        "\nSize a CPU-bound pool by the effective CPUs: {}.",
        m.effective_cpus
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_core_figure() {
        let mut m = crate::machine::detect();
        m.cgroup_cpu_quota = Some(1.5);
        m.effective_cpus = 2;
        m.binding_limit = "cgroup_quota".into();
        let t = render(&m);
        for needle in [
            "logical CPUs",
            "physical cores",
            "affinity mask",
            "1.50 CPUs",
            "bound by cgroup quota",
            "by the effective CPUs: 2",
        ] {
            assert!(t.contains(needle), "missing {needle} in\n{t}");
        }
    }
}
