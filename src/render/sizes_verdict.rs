//! What a comparison of emulated sizes (`run --sizes`) says beyond a comparison of machines:
//! the one-sentence verdict (best value, and what the fastest size costs more per task), the
//! line that is honest about emulation, each run's vCPUs and throughput per vCPU, and the
//! scaling by a real instance (`--reference`). Pure.

use super::comparison::{ComparedRun, Comparison, LoadedRun};
use super::pick;
use crate::model::RunRecord;
use crate::numbers::rate;

/// The vCPUs a run had: an emulated size's own, else the CPUs its machine gives (a CPU
/// quota as it is).
pub fn vcpus(record: &RunRecord) -> f64 {
    match &record.machine.emulated {
        Some(e) if e.vcpus > 0.0 => e.vcpus,
        _ => crate::machine::capacity(&record.machine),
    }
}

/// Tasks/s per vCPU at the run's chosen count.
pub fn per_vcpu(r: &ComparedRun) -> Option<f64> {
    r.chosen.map(|c| c.tasks_per_sec / vcpus(&r.record))
}

/// Whether any run of the comparison is an emulated size.
fn has_sizes(c: &Comparison) -> bool {
    c.runs.iter().any(|r| r.record.machine.emulated.is_some())
}

/// "4 vCPUs" for a size, else the label.
fn name(r: &ComparedRun) -> &str {
    &r.label
}

/// The verdict of a comparison of sizes in one sentence, e.g. "Best value: 8 vCPUs with 8
/// workers, $0.021 per million tasks; 16 vCPUs is 1.9x faster at 5% more per task." `None`
/// when no run is an emulated size.
pub fn verdict(c: &Comparison) -> Option<String> {
    if !has_sizes(c) {
        return None;
    }
    let fastest = c.fastest.map(|i| &c.runs[i]);
    let best = c.best_value.map(|i| &c.runs[i]);
    match (best, fastest) {
        (Some(b), Some(f)) => {
            let (bc, bcost) = (b.chosen?, b.cost_per_million?);
            let head = format!(
                "Best value: {} with {}, {} per million tasks",
                name(b),
                crate::words::workers(bc.workers),
                pick::usd(bcost)
            );
            let (Some(fc), Some(fcost)) = (f.chosen, f.cost_per_million) else {
                return Some(format!("{head}."));
            };
            if std::ptr::eq(b, f) {
                return Some(format!("{head}, and it is also the fastest."));
            }
            Some(format!(
                "{head}; {} is {:.1}x faster at {:.0}% more per task.",
                name(f),
                fc.tasks_per_sec / bc.tasks_per_sec,
                (fcost / bcost - 1.0) * 100.0
            ))
        }
        (_, Some(f)) => {
            let fc = f.chosen?;
            let most = c
                .runs
                .iter()
                .filter_map(|r| per_vcpu(r).map(|p| (r, p)))
                .max_by(|a, b| a.1.total_cmp(&b.1))?;
            Some(format!(
                "Most throughput: {} with {} ({} tasks/s); the most work per vCPU: {} ({} tasks/s per vCPU). Give --price-per-vcpu-hour for the best value.",
                name(f),
                crate::words::workers(fc.workers),
                rate(fc.tasks_per_sec),
                name(most.0),
                rate(most.1)
            ))
        }
        _ => None,
    }
}

/// The line that says what emulation is not, when any run is an emulated size.
pub fn emulation_note(c: &Comparison) -> Option<String> {
    let e = c
        .runs
        .iter()
        .find_map(|r| r.record.machine.emulated.as_ref().map(|e| (r, e)))?;
    Some(format!(
        "The sizes are emulated: slices of one host ({}, {} logical CPUs) confined by {}, which gives a small size more cache, memory bandwidth and turbo than a real instance with neighbours, so it may look faster than the real one; scale by one real instance with --reference.",
        e.0.record.machine.cpu_brand,
        e.1.host_logical_cpus,
        e.1.method.as_str().replace('_', " ")
    ))
}

/// How a real instance scales the emulated sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Throughput per vCPU of the real instance over that of the emulated size of its vCPUs.
    pub factor: f64,
    /// The vCPUs they share.
    pub vcpus: f64,
    /// The real instance's label.
    pub reference: String,
}

/// Scales the emulated runs' throughputs by the per-vCPU ratio of the real `reference` to
/// the emulated size of the same vCPUs (each scaled run says so in a warning); `None`, with
/// nothing scaled, when no size shares its vCPUs or either lacks a throughput.
pub fn reference_scale(runs: &mut [LoadedRun], reference: &RunRecord) -> Option<Scale> {
    let v = vcpus(reference);
    let real = pick::chosen(reference)?.tasks_per_sec / v;
    let twin = runs.iter().find(|r| {
        r.record
            .machine
            .emulated
            .as_ref()
            .is_some_and(|e| (e.vcpus - v).abs() < 1e-9)
    })?;
    let emulated = pick::chosen(&twin.record)?.tasks_per_sec / v;
    let factor = real / emulated;
    if !(factor.is_finite() && factor > 0.0) {
        return None;
    }
    let scale = Scale {
        factor,
        vcpus: v,
        reference: reference.run.label.clone(),
    };
    for r in runs
        .iter_mut()
        .filter(|r| r.record.machine.emulated.is_some())
    {
        scale_record(&mut r.record, factor);
        if let Some(a) = r.record.analysis.as_mut() {
            a.warnings.push(format!(
                "Throughputs scaled by {factor:.3}: the real instance {} does {factor:.3}x the work per vCPU of the emulated {v}-vCPU size.",
                scale.reference
            ));
        }
    }
    Some(scale)
}

/// Multiplies every throughput of a record's summaries by `factor` (wall times stay measured).
fn scale_record(record: &mut RunRecord, factor: f64) {
    for p in &mut record.points {
        if let Some(s) = p.summary.as_mut() {
            s.tasks_per_sec *= factor;
            let [lo, hi] = s.tasks_per_sec_ci95;
            s.tasks_per_sec_ci95 = [lo * factor, hi * factor];
        }
    }
    if let Some(peak) = record.analysis.as_mut().map(|a| &mut a.peak) {
        peak.tasks_per_sec *= factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmulatedShape, Emulation, EmulationMethod};
    use crate::render::comparison::compare;
    use crate::render::testdata;

    /// A size of `vcpus` whose throughput is the fixture's times `speed`, at `price` per hour.
    fn size(vcpus: f64, speed: f64, price: Option<f64>) -> LoadedRun {
        let mut record = testdata::record_with_analysis();
        record.run.label = format!("{vcpus} vCPUs");
        record.run.price_per_hour = price;
        record.machine.emulated = Some(Emulation {
            vcpus,
            shape: EmulatedShape::Threads,
            method: EmulationMethod::CgroupV1,
            fallback_reason: None,
            host_cpu_ids: vec![0],
            host_logical_cpus: 2,
            host_physical_cores: 2,
            cpu_quota: None,
            memory_limit_bytes: None,
        });
        scale_record(&mut record, speed);
        LoadedRun {
            source: format!("size-{vcpus}/results.json").into(),
            record,
        }
    }

    #[test]
    fn the_verdict_names_the_best_value_and_what_speed_costs() {
        // 2 vCPUs do 1.9x the work of 1 at twice the price: 1 vCPU is the better value.
        let c = compare(
            vec![size(1.0, 1.0, Some(0.05)), size(2.0, 1.9, Some(0.10))],
            &[],
        )
        .unwrap();
        let v = verdict(&c).unwrap();
        assert!(v.starts_with("Best value: 1 vCPUs with 2 workers"), "{v}");
        assert!(
            v.ends_with("2 vCPUs is 1.9x faster at 5% more per task."),
            "{v}"
        );
        assert!(emulation_note(&c).unwrap().contains("cgroup v1"));
        // Without prices: the fastest, and the most work per vCPU.
        let c = compare(vec![size(1.0, 1.0, None), size(2.0, 1.9, None)], &[]).unwrap();
        let v = verdict(&c).unwrap();
        assert!(v.starts_with("Most throughput: 2 vCPUs"), "{v}");
        assert!(v.contains("the most work per vCPU: 1 vCPUs"), "{v}");
        // Machines that are not sizes get the usual headline.
        let mut plain = size(1.0, 1.0, None);
        plain.record.machine.emulated = None;
        assert_eq!(verdict(&compare(vec![plain], &[]).unwrap()), None);
    }

    #[test]
    fn a_reference_scales_the_sizes_by_its_work_per_vcpu() {
        let mut runs = vec![size(1.0, 1.0, None), size(2.0, 2.0, None)];
        let mut real = size(2.0, 1.7, None).record;
        real.machine.emulated = None;
        real.machine.effective_cpus = 2;
        real.machine.cgroup_cpu_quota = None;
        real.run.label = "c7i.large".into();
        let before = pick::chosen(&runs[1].record).unwrap().tasks_per_sec;
        let s = reference_scale(&mut runs, &real).unwrap();
        assert!((s.factor - 0.85).abs() < 1e-9, "{s:?}");
        let after = pick::chosen(&runs[1].record).unwrap().tasks_per_sec;
        assert!((after / before - 0.85).abs() < 1e-9);
        let w = &runs[0].record.analysis.as_ref().unwrap().warnings;
        assert!(w.last().unwrap().contains("c7i.large"), "{w:?}");
        // No size shares the reference's vCPUs: nothing is scaled.
        real.machine.effective_cpus = 8;
        assert_eq!(reference_scale(&mut runs, &real), None);
    }
}
