//! The terminal table of a run (workers, median time with CI, tasks/s, speedup, efficiency)
//! and the one-line summary under it. Pure: record in, text out.

use crate::analysis::Provenance;
use crate::model::RunRecord;
use crate::summary::{Measured, measured, measured_peak};
use crate::words::workers;
use std::fmt::Write;

/// The table, one row per measured worker count, with notes at the machine's core counts.
pub fn render(record: &RunRecord) -> String {
    let m = &record.machine;
    let prov = Provenance::of(record);
    let peak = peak(record).map(|m| m.workers);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>7}  {:>10}  {:>23}  {:>11}  {:>7}  {:>10}  {:>5}  note",
        "workers", "median", "95% CI of median", prov.unit, "speedup", "efficiency", "cv"
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
                if d.unconverged.contains(&p.workers) && d.method != "medians" {
                    let hw = d.counts.iter().find(|c| c.workers == p.workers);
                    notes.push(match hw.map(|c| c.ci_half_width).filter(|w| *w >= 0.0) {
                        Some(w) => format!("unconverged ±{:.1}%", w * 100.0),
                        None => "unconverged".into(),
                    });
                }
            }
        }
        let disturbed = p.samples.iter().filter(|s| s.disturbed).count();
        if disturbed > 0 {
            notes.push(format!("{disturbed} disturbed"));
        }
        let _ = writeln!(
            out,
            "{:>7}  {:>10}  {:>23}  {:>11}  {:>6.2}x  {:>9.0}%  {:>4.1}%  {}",
            p.workers,
            secs(s.median_s),
            format!("[{}, {}]", secs(s.ci95_s[0]), secs(s.ci95_s[1])),
            rate(s.tasks_per_sec),
            s.speedup,
            s.efficiency * 100.0,
            s.cv * 100.0,
            notes.join(", ")
        );
    }
    out
}

/// One line under the table: the peak, its speedup, and the machine's effective CPUs; then the
/// verdict and warnings when the record has been analysed.
pub fn summary_line(record: &RunRecord) -> String {
    let m = &record.machine;
    let prov = Provenance::of(record);
    let line = match peak(record) {
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
    };
    match &record.analysis {
        Some(a) => format!("{line}\n{}", super::analysis_text::render(a)),
        None => line,
    }
}

/// The analysis's peak when it was measured, else the measured point with the highest
/// throughput.
fn peak(record: &RunRecord) -> Option<Measured<'_>> {
    if let Some(a) = &record.analysis {
        if let Some(m) = measured(&record.points).find(|m| m.workers == a.peak.workers) {
            return Some(m);
        }
    }
    measured_peak(&record.points)
}

/// Seconds with a unit that keeps about four significant digits.
pub fn secs(s: f64) -> String {
    if s >= 100.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// A rate with thousands grouped, e.g. 12,345.6 or 1.23.
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if x >= 1000.0 {
        let whole = x.round() as u64;
        let digits = whole.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(secs(1.23456), "1.235 s");
        assert_eq!(secs(0.0123), "12.30 ms");
        assert_eq!(secs(0.0000123), "12.3 µs");
        assert_eq!(rate(1_234_567.8), "1,234,568");
        assert_eq!(rate(12.34), "12.3");
        assert_eq!(rate(f64::NAN), "-");
    }
}
