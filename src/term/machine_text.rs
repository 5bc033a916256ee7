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
                m.binding_limit.words()
            ),
        ),
        ("memory", format!("{gib:.1} GiB")),
        (
            "memory limit",
            match (m.memory_limit_bytes, &m.memory_limit_binding) {
                (Some(b), Some(by)) => format!(
                    "{:.2} GiB (bound by {})",
                    b as f64 / (1u64 << 30) as f64,
                    by.words()
                ),
                _ => "unknown".into(),
            },
        ),
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
    if crate::machine::load::is_busy(m.load_average_1m, m.effective_cpus) {
        let _ = writeln!(
            o,
            "note: the machine is busy now (load {:.2}, quiet is below {:.2}); a run now would be noisy, or use `plateau run --wait-idle`",
            m.load_average_1m,
            crate::machine::load::busy_threshold(m.effective_cpus)
        );
    }
    if let Some(w) = crate::analysis::warnings::governor(m) {
        let _ = writeln!(o, "note: {w}");
    }
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

    #[test]
    fn a_busy_machine_and_a_slow_governor_are_noted() {
        let mut m = crate::machine::detect();
        m.effective_cpus = 2;
        m.load_average_1m = 3.0;
        m.cpu_governor = Some("powersave".into());
        let t = render(&m);
        assert!(
            t.contains("busy now (load 3.00, quiet is below 0.50)"),
            "{t}"
        );
        assert!(t.contains("\"powersave\""), "{t}");
        m.load_average_1m = 0.1;
        m.cpu_governor = Some("performance".into());
        assert!(!render(&m).contains("note:"));
    }
}
