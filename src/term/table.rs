//! The terminal table of a run (workers, median time, the decision's within-round CI, tasks/s,
//! speedup, efficiency, and the p50 / p99 task latency when recorded) and what is said under
//! it: the answer in one sentence, then the reasons. Pure: record in, text out.

use crate::analysis::Provenance;
use crate::model::RunRecord;
use crate::numbers::{rate, secs};
use crate::render::headline;
use crate::render::intervals;
use crate::term::analysis_text::{WIDTH, wrap};
use std::fmt::Write;

/// The table, one row per measured worker count, with notes at the machine's core counts.
pub fn render(record: &RunRecord) -> String {
    let m = &record.machine;
    let prov = Provenance::of(record);
    let peak = headline::peak(record).map(|m| m.workers);
    // The latency column only for records that have latencies, so older tables read as before.
    let has_latency = record
        .points
        .iter()
        .any(|p| p.summary.as_ref().is_some_and(|s| s.latency.is_some()));
    let latency_head = if has_latency {
        format!("  {:>19}", "p50 / p99 latency")
    } else {
        String::new()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>7}  {:>10}  {:>15}  {:>11}  {:>7}  {:>10}  {:>5}{latency_head}  note",
        "workers",
        "median",
        intervals::WITHIN_ROUNDS,
        prov.unit,
        "speedup",
        "efficiency",
        "cv"
    );
    for p in &record.points {
        let Some(s) = &p.summary else { continue };
        let mut notes = Vec::new();
        if Some(p.workers) == peak {
            notes.push("peak".to_string());
        }
        // An imported file's core counts are the analysing machine's: no notes from them.
        let here = prov.machine_recorded;
        if here && p.workers == m.physical_cores {
            notes.push("physical cores".into());
        }
        if here && p.workers == m.effective_cpus {
            notes.push("effective CPUs".into());
        } else if here && p.workers == m.logical_cpus {
            notes.push("logical CPUs".into());
        }
        if let Some(a) = &record.analysis {
            if p.workers == a.recommended_workers {
                notes.insert(0, "recommended".into());
            }
            if a.oversubscribed_from.is_some_and(|o| p.workers >= o) {
                notes.push("oversubscribed".into());
            }
            if let Some(d) = &a.decision {
                // Its interval is in the within-round CI column.
                if d.unconverged.contains(&p.workers) && d.method.resampled() {
                    notes.push("unconverged".into());
                }
            }
        }
        let disturbed = p.samples.iter().filter(|s| s.disturbed).count();
        if disturbed > 0 {
            notes.push(format!("{disturbed} disturbed"));
        }
        let latency = match (&s.latency, has_latency) {
            (Some(l), _) => format!("  {:>19}", format!("{} / {}", secs(l.p50_s), secs(l.p99_s))),
            (None, true) => format!("  {:>19}", "-"),
            (None, false) => String::new(),
        };
        let _ = writeln!(
            out,
            "{:>7}  {:>10}  {:>15}  {:>11}  {:>6.2}x  {:>9.0}%  {:>4.1}%{latency}  {}",
            p.workers,
            secs(s.median_s),
            intervals::within_rounds(record, p),
            rate(s.tasks_per_sec),
            s.speedup,
            s.efficiency * 100.0,
            s.cv * 100.0,
            notes.join(", ")
        );
    }
    out
}

/// What is said under the table. With an analysis: the answer in one sentence, then the
/// reasons as a list (the peak, then the verdict's sentences), then the warnings. Without one:
/// the peak in one sentence.
pub fn summary_line(record: &RunRecord) -> String {
    let peak = headline::peak_line(record);
    match (&record.analysis, headline::answer(record)) {
        (Some(a), Some(answer)) => format!(
            "{}\n{}",
            wrap(&answer, "", WIDTH),
            super::analysis_text::render(a, &peak)
        ),
        (Some(a), None) => format!("{peak}\n{}", super::analysis_text::render(a, "")),
        (None, _) => peak,
    }
}
