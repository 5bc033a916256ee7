//! The one-sentence headline of a run: its peak, the speedup there and the machine's CPUs. The
//! terminal prints it under the table; a report without an analysis leads with it. Pure.

use crate::analysis::Provenance;
use crate::model::RunRecord;
use crate::numbers::rate;
use crate::summary::{Measured, measured, measured_peak};
use crate::words::workers;

/// The peak, its speedup, and the machine's effective CPUs (for imported data, without the
/// machine it does not know), in one sentence.
pub fn peak_line(record: &RunRecord) -> String {
    let m = &record.machine;
    let prov = Provenance::of(record);
    match peak(record) {
        None => "No worker count was measured.".into(),
        Some(Measured {
            workers: w,
            summary: s,
        }) if !prov.machine_recorded => format!(
            "Peak {} {} at {} ({:.2}x speedup, {:.0}% efficiency).",
            rate(s.tasks_per_sec),
            prov.unit,
            workers(w),
            s.speedup,
            s.efficiency * 100.0,
        ),
        Some(Measured {
            workers: w,
            summary: s,
        }) => format!(
            "Peak {} tasks/s at {} ({:.2}x speedup, {:.0}% efficiency) on {} effective CPUs ({} physical cores, {} logical).",
            rate(s.tasks_per_sec),
            workers(w),
            s.speedup,
            s.efficiency * 100.0,
            m.effective_cpus,
            m.physical_cores,
            m.logical_cpus
        ),
    }
}

/// The analysis's peak when it was measured, else the measured point with the highest
/// throughput.
pub fn peak(record: &RunRecord) -> Option<Measured<'_>> {
    if let Some(a) = &record.analysis {
        if let Some(m) = measured(&record.points).find(|m| m.workers == a.peak.workers) {
            return Some(m);
        }
    }
    measured_peak(&record.points)
}
