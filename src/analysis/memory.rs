//! Memory against the recommendation (pure): the largest per-worker peak RSS at each count,
//! plateau's own share, the most workers whose pool fits under the machine's memory limit with
//! the safety margin of `machine::memory`, and the recommendation capped there, with a
//! sentence for the verdict saying whether memory or throughput binds.

use crate::machine::memory::{SAFETY_MARGIN, max_workers, usable_bytes};
use crate::model::{MemoryAnalysis, MemoryBinds, MemoryLimitKind, MemoryPoint, RunMode, RunRecord};

/// The memory analysis of a record whose throughput alone recommends `recommended` among the
/// `measured` counts (ascending); `None` without a recorded memory limit or for imports.
pub fn analyze(record: &RunRecord, recommended: usize) -> Option<MemoryAnalysis> {
    let limit = record.machine.memory_limit_bytes?;
    let binding = record
        .machine
        .memory_limit_binding
        .clone()
        // Bytes without their kind (a file edited by hand) keep an empty name, as before.
        .unwrap_or_else(|| MemoryLimitKind::Other(String::new()));
    let samples = || record.points.iter().flat_map(|p| &p.samples);
    let own = samples().map(|s| s.peak_rss_bytes).max().unwrap_or(0);
    let mut out = MemoryAnalysis {
        limit_bytes: limit,
        limit_binding: binding,
        safety_margin: SAFETY_MARGIN,
        plateau_rss_bytes: own,
        per_count: vec![],
        worker_peak_rss_bytes: None,
        max_workers: None,
        skipped_workers: record
            .points
            .iter()
            .filter(|p| p.skipped_for_memory.is_some())
            .map(|p| p.workers)
            .collect(),
        throughput_recommended: recommended,
        binds: MemoryBinds::NotMeasured,
    };
    match record.config.mode {
        RunMode::Processes | RunMode::Persistent | RunMode::Command => {}
        RunMode::Threads => return Some(out),
        _ => return None,
    }
    out.per_count = record
        .points
        .iter()
        .filter_map(|p| {
            let peak = p
                .samples
                .iter()
                .flat_map(|s| &s.worker_peak_rss_bytes)
                .max()?;
            Some(MemoryPoint {
                workers: p.workers,
                worker_peak_rss_bytes: *peak,
            })
        })
        .collect();
    let per = out
        .per_count
        .iter()
        .map(|m| m.worker_peak_rss_bytes)
        .max()?;
    let cap = max_workers(usable_bytes(limit), own, per);
    out.worker_peak_rss_bytes = Some(per);
    out.max_workers = Some(cap);
    // Memory binds when it caps the recommendation, or when it kept the sweep from counts
    // beyond a throughput that was still rising at the largest count run.
    let largest = record
        .points
        .iter()
        .filter(|p| !p.samples.is_empty())
        .map(|p| p.workers)
        .max();
    let cut_short = !out.skipped_workers.is_empty() && Some(recommended) >= largest;
    out.binds = if cap < recommended || cut_short {
        MemoryBinds::Memory
    } else {
        MemoryBinds::Throughput
    };
    Some(out)
}

/// The recommendation under the memory cap: the largest measured count that fits (the
/// smallest measured count when none does), or `recommended` when memory does not bind.
pub fn capped(m: &MemoryAnalysis, recommended: usize, measured: &[usize]) -> usize {
    match m.max_workers {
        Some(cap) if cap < recommended => measured
            .iter()
            .copied()
            .filter(|&w| w <= cap)
            .max()
            .or_else(|| measured.first().copied())
            .unwrap_or(recommended),
        _ => recommended,
    }
}

/// The verdict's sentence on memory.
pub fn sentence(m: &MemoryAnalysis, recommended: usize) -> String {
    let limit = format!("{} {}", size(m.limit_bytes), limit_name(&m.limit_binding));
    let margin = (m.safety_margin * 100.0).round();
    let skipped = match m.skipped_workers.as_slice() {
        [] => String::new(),
        s => format!(
            " Not run because their pool would not have fitted: {} workers.",
            s.iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let (Some(per), Some(cap)) = (m.worker_peak_rss_bytes, m.max_workers) else {
        return format!(
            "Memory per worker is not measured for threads: they share one process (plateau's peak RSS {} of the {limit}).",
            size(m.plateau_rss_bytes)
        );
    };
    if m.binds == MemoryBinds::Memory {
        let instead = if m.throughput_recommended > recommended {
            format!(
                ", so {recommended} rather than the {} throughput alone would pick",
                m.throughput_recommended
            )
        } else {
            String::new()
        };
        format!(
            "Memory binds: {} of {} (plus plateau's {}) fit in the {limit} with a {margin}% margin{instead}.{skipped}",
            crate::words::workers(cap),
            size(per),
            size(m.plateau_rss_bytes),
        )
    } else {
        let fit = if cap == usize::MAX {
            "any number of workers".to_string()
        } else {
            format!("up to {}", crate::words::workers(cap))
        };
        format!(
            "Throughput binds, not memory: {fit} of {} fit in the {limit} with a {margin}% margin.{skipped}",
            size(per)
        )
    }
}

fn limit_name(binding: &MemoryLimitKind) -> &'static str {
    match binding {
        MemoryLimitKind::CgroupV2MemoryMax => "cgroup limit (memory.max)",
        MemoryLimitKind::CgroupV1MemoryLimit => "cgroup limit (memory.limit_in_bytes)",
        _ => "of available memory",
    }
}

/// Bytes for people: "290 MiB", "1.0 GiB".
pub fn size(bytes: u64) -> String {
    const MIB: f64 = (1u64 << 20) as f64;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.0} MiB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sample;
    use crate::testdata::record_from_medians;

    fn record(mode: RunMode, rss: u64, limit: u64) -> RunRecord {
        let mut r = record_from_medians(&[1, 2, 4, 8], &[8.0, 4.0, 2.0, 1.0], 32, 2);
        r.config.mode = mode;
        r.machine.memory_limit_bytes = Some(limit);
        r.machine.memory_limit_binding = Some(MemoryLimitKind::CgroupV1MemoryLimit);
        for p in &mut r.points {
            for s in &mut p.samples {
                *s = Sample {
                    worker_peak_rss_bytes: vec![rss; p.workers],
                    peak_rss_bytes: 10 << 20,
                    ..s.clone()
                };
            }
        }
        r
    }

    #[test]
    fn memory_caps_the_recommendation_and_says_so() {
        let r = record(RunMode::Persistent, 290 << 20, 1 << 30);
        let m = analyze(&r, 8).unwrap();
        assert_eq!(m.max_workers, Some(3));
        assert_eq!(m.binds, MemoryBinds::Memory);
        assert_eq!(
            capped(&m, 8, &[1, 2, 4, 8]),
            2,
            "the largest measured count that fits"
        );
        let s = sentence(&m, 2);
        assert!(s.starts_with("Memory binds: 3 workers of 290 MiB"), "{s}");
        assert!(s.contains("1.0 GiB cgroup limit"), "{s}");
        // Counts skipped above a still-rising curve: memory binds although it caps nothing.
        let mut r = record(RunMode::Persistent, 290 << 20, 1 << 30);
        r.points.retain(|p| p.workers <= 2);
        r.points.push(crate::model::Point {
            skipped_for_memory: Some(2 << 30),
            ..crate::model::Point::unmeasured(4)
        });
        let m = analyze(&r, 2).unwrap();
        assert_eq!(
            (&m.binds, m.skipped_workers.as_slice()),
            (&MemoryBinds::Memory, &[4][..])
        );
        assert!(sentence(&m, 2).contains("Not run because their pool would not have fitted: 4"));
    }

    #[test]
    fn without_a_tight_limit_throughput_binds_and_threads_are_not_measured() {
        let r = record(RunMode::Processes, 10 << 20, 16 << 30);
        let m = analyze(&r, 2).unwrap();
        assert_eq!(m.binds, MemoryBinds::Throughput);
        assert_eq!(capped(&m, 2, &[1, 2, 4, 8]), 2);
        assert!(sentence(&m, 2).starts_with("Throughput binds"));
        let t = analyze(&record(RunMode::Threads, 0, 1 << 30), 2).unwrap();
        assert_eq!(t.binds, MemoryBinds::NotMeasured);
        assert!(sentence(&t, 2).contains("not measured for threads"));
        let mut old = record(RunMode::Processes, 1, 1);
        old.machine.memory_limit_bytes = None;
        assert!(analyze(&old, 2).is_none());
        assert!(analyze(&record(RunMode::Imported, 1, 1), 2).is_none());
    }
}
