//! The machine and the method of a run as named facts for the reports: every core figure and
//! which limit binds, the workload, the exact command line (shell-quoted) and the settings.
//! Pure; strings are escaped later by the templates.

use crate::model::{BindingLimit, MachineInfo, RunRecord};
use crate::render::pick;
use crate::words::count;
use serde::Serialize;

/// A named figure: one row of the machine or method tables.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fact {
    /// What it is.
    pub name: String,
    /// Its value as shown.
    pub value: String,
}

fn fact(name: &str, value: impl Into<String>) -> Fact {
    Fact {
        name: name.into(),
        value: value.into(),
    }
}

/// The workload's name and parameters, e.g. "cpu (iterations 2000)".
pub fn workload_text(w: &serde_json::Value) -> String {
    let name = w.get("name").and_then(|v| v.as_str()).unwrap_or("workload");
    let params: Vec<String> = w
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| k.as_str() != "name")
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => format!("{k} {s}"),
                    other => format!("{k} {other}"),
                })
                .collect()
        })
        .unwrap_or_default();
    if params.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", params.join(", "))
    }
}

/// Every core figure of the machine, then the rest.
pub fn machine_facts(m: &MachineInfo) -> Vec<Fact> {
    let mut out = vec![
        fact("Host", m.hostname.clone()),
        fact(
            "CPU",
            if m.cpu_mhz > 0 {
                format!("{} ({} MHz)", m.cpu_brand, m.cpu_mhz)
            } else {
                m.cpu_brand.clone()
            },
        ),
        fact("Logical CPUs", m.logical_cpus.to_string()),
        fact("Physical cores", m.physical_cores.to_string()),
        fact("Threads per core", m.threads_per_core.to_string()),
        fact("CPUs in the affinity mask", m.affinity_cpus.to_string()),
        fact(
            "cgroup CPU quota",
            m.cgroup_cpu_quota
                .map(|q| format!("{q:.2} CPUs"))
                .unwrap_or_else(|| "none".into()),
        ),
        fact("Effective CPUs", m.effective_cpus.to_string()),
        fact("Binding limit", m.binding_limit.to_string()),
    ];
    if !m.allowed_cpu_ids.is_empty() {
        let ids: Vec<String> = m.allowed_cpu_ids.iter().map(usize::to_string).collect();
        out.push(fact("Allowed CPU ids", ids.join(", ")));
    }
    if let Some(llc) = m.last_level_cache_bytes {
        out.push(fact("Last-level cache", format!("{} MiB", llc >> 20)));
    }
    if let Some(g) = &m.cpu_governor {
        out.push(fact("CPU governor", g.clone()));
    }
    out.push(fact(
        "Memory",
        format!(
            "{:.1} GiB",
            m.memory_total_bytes as f64 / (1u64 << 30) as f64
        ),
    ));
    out.push(fact("OS", format!("{} (kernel {})", m.os, m.kernel)));
    out.push(fact("Architecture", m.arch.clone()));
    out.push(fact(
        "Load average (1 min) at start",
        format!("{:.2}", m.load_average_1m),
    ));
    out
}

/// Which limit sets the effective CPUs, in a sentence.
pub fn binding_sentence(m: &MachineInfo) -> String {
    let eff = m.effective_cpus;
    match m.binding_limit {
        BindingLimit::Affinity => format!(
            "The affinity mask binds: this process may run on {} of the {} logical CPUs, so pools should be sized by {eff}.",
            m.affinity_cpus, m.logical_cpus
        ),
        BindingLimit::CgroupQuota => format!(
            "The cgroup CPU quota binds: {} CPUs of time per period, so pools should be sized by {eff} although the OS shows {} logical CPUs.",
            m.cgroup_cpu_quota
                .map(|q| format!("{q:.2}"))
                .unwrap_or_else(|| "?".into()),
            m.logical_cpus
        ),
        _ => format!(
            "Nothing narrower than the logical CPUs binds: all {} are available ({}, {} per core).",
            m.logical_cpus,
            count(m.physical_cores, "physical core"),
            count(m.threads_per_core, "hardware thread")
        ),
    }
}

/// How the numbers were taken: version, dates, workload, settings, seed, price.
pub fn method_facts(r: &RunRecord) -> Vec<Fact> {
    let c = &r.config;
    let workers: Vec<String> = c.workers.iter().map(usize::to_string).collect();
    vec![
        fact(
            "plateau version",
            format!("{} {}", r.tool.name, r.tool.version),
        ),
        fact("Label", r.run.label.clone()),
        fact("Started", r.run.started_at.clone()),
        fact(
            "Finished",
            r.run
                .finished_at
                .clone()
                .unwrap_or_else(|| "not finished".into()),
        ),
        fact(
            "Completed the plan",
            if r.run.interrupted {
                "no, interrupted"
            } else {
                "yes"
            },
        ),
        fact("Workload", workload_text(&c.workload)),
        fact(
            "Tasks per batch",
            match c.per_worker() {
                Some(k) => format!("{k} per worker (sized per count)"),
                None => c.tasks.to_string(),
            },
        ),
        fact("Worker counts", workers.join(", ")),
        fact(
            "Repetitions (kept batches per count)",
            c.repetitions.to_string(),
        ),
        fact("Warmup (discarded batches per count)", c.warmup.to_string()),
        fact("Execution mode", c.mode.to_string()),
        fact("Schedule", c.schedule.to_string()),
        fact("Pinned to CPUs", if c.pin { "yes" } else { "no" }),
        fact("Seed", c.seed.to_string()),
        fact(
            "Price per hour",
            r.run
                .price_per_hour
                .map(pick::usd)
                .unwrap_or_else(|| "not given".into()),
        ),
    ]
}

/// The command line as a shell would need it typed: arguments with spaces or special
/// characters in single quotes.
pub fn shell_join(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    #[test]
    fn machine_and_method_name_every_core_figure_and_the_command() {
        let r = testdata::record();
        let v = crate::render::view::run_view(&r);
        let names: Vec<&str> = v.machine.iter().map(|f| f.name.as_str()).collect();
        for n in [
            "Logical CPUs",
            "Physical cores",
            "Threads per core",
            "CPUs in the affinity mask",
            "cgroup CPU quota",
            "Effective CPUs",
            "Binding limit",
        ] {
            assert!(names.contains(&n), "{n}");
        }
        assert!(v.binding.contains("all 2 are available"));
        assert_eq!(v.command, "plateau run --label 'box a'");
        assert_eq!(shell_join(&["it's".into()]), r"'it'\''s'");
        assert_eq!(v.workload, "cpu (iterations 2000)");
    }
}
