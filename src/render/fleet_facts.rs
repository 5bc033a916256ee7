//! What a comparison of machines says about each one beyond its curve: how stable its
//! recommendation is, and which limit binds how many workers can run at once. Pure: record in.

use crate::model::{BindingLimit, MemoryBinds, RunRecord};
use std::fmt;

/// The limit that sets how many workers a machine can usefully run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// All logical CPUs are available: the cores bind.
    Cores,
    /// The affinity mask allows fewer CPUs than the machine has (a Slurm step, `taskset`).
    Affinity,
    /// A cgroup CPU quota (a container's or pod's CPU limit).
    Quota,
    /// The memory limit caps the pool below what throughput alone would recommend.
    Memory,
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Binding::Cores => "cores",
            Binding::Affinity => "affinity mask",
            Binding::Quota => "CPU quota",
            Binding::Memory => "memory",
        })
    }
}

/// Which limit binds the run's machine. Memory binds when the run's memory analysis says it
/// set the recommendation; otherwise `machine.binding_limit` names the CPU limit.
pub fn binding(record: &RunRecord) -> Binding {
    let memory = record
        .analysis
        .as_ref()
        .and_then(|a| a.memory.as_ref())
        .is_some_and(|m| m.binds == MemoryBinds::Memory);
    if memory {
        return Binding::Memory;
    }
    match record.machine.binding_limit {
        BindingLimit::CgroupQuota => Binding::Quota,
        BindingLimit::Affinity => Binding::Affinity,
        _ => Binding::Cores,
    }
}

/// The recommendation's stability (the share of resamples that give the same count, 0 to 1):
/// `analysis.decision.stability`, recorded by plateau versions that resample their decision.
/// None in records without it, or when it is not a share.
pub fn stability(record: &RunRecord) -> Option<f64> {
    let s = record.analysis.as_ref()?.decision.as_ref()?.stability?;
    (0.0..=1.0).contains(&s).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::testdata;

    #[test]
    fn the_binding_limit_follows_the_machine_and_a_memory_verdict() {
        let mut r = testdata::record_with_analysis();
        assert_eq!(binding(&r), Binding::Cores);
        r.machine.binding_limit = BindingLimit::CgroupQuota;
        assert_eq!(binding(&r).to_string(), "CPU quota");
        r.machine.binding_limit = BindingLimit::Affinity;
        assert_eq!(binding(&r), Binding::Affinity);
        let mut memory = crate::model::MemoryAnalysis {
            limit_bytes: 1 << 30,
            limit_binding: crate::model::MemoryLimitKind::AvailableMemory,
            safety_margin: 0.1,
            plateau_rss_bytes: 10 << 20,
            per_count: Vec::new(),
            worker_peak_rss_bytes: Some(290 << 20),
            max_workers: Some(3),
            skipped_workers: Vec::new(),
            throughput_recommended: 4,
            binds: MemoryBinds::Throughput,
        };
        if let Some(a) = r.analysis.as_mut() {
            a.memory = Some(memory.clone());
        }
        assert_eq!(binding(&r), Binding::Affinity);
        memory.binds = MemoryBinds::Memory;
        if let Some(a) = r.analysis.as_mut() {
            a.memory = Some(memory);
        }
        assert_eq!(binding(&r), Binding::Memory);
    }

    fn decision(r: &mut RunRecord) -> &mut crate::model::DecisionRecord {
        r.analysis
            .as_mut()
            .and_then(|a| a.decision.as_mut())
            .unwrap()
    }

    #[test]
    fn stability_is_read_when_present_and_a_share() {
        let mut r = testdata::record_with_analysis();
        r.analysis.as_mut().unwrap().decision = Some(crate::model::DecisionRecord {
            method: crate::model::DecisionMethod::RoundBlocks,
            rounds: 3,
            resamples: 1000,
            stability: None,
            target_ci: 0.02,
            counts: vec![],
            unconverged: vec![],
            physics_faults: vec![],
            disturbed: vec![],
            disturbed_share: 0.0,
        });
        decision(&mut r).stability = Some(0.97);
        assert_eq!(stability(&r), Some(0.97));
        decision(&mut r).stability = Some(7.0);
        assert_eq!(stability(&r), None);
        decision(&mut r).stability = None;
        assert_eq!(stability(&r), None);
        r.analysis.as_mut().unwrap().decision = None;
        assert_eq!(stability(&r), None);
        r.analysis = None;
        assert_eq!(stability(&r), None);
    }
}
