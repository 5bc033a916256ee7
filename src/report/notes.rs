//! Notes printed under the terminal table: reasons to distrust or qualify the numbers that the
//! run itself can see (CPU frequency governor, high-variance points, a busy start) and how
//! adaptive repetitions ended. Pure: record in, sentences out.

use crate::machine::load;
use crate::model::{MachineInfo, RunRecord};
use crate::sweep::adaptive;

/// Coefficient of variation above which a point is flagged as noisy.
pub const HIGH_CV: f64 = 0.05;

/// One sentence per note, in the order a reader should act on them.
pub fn render(record: &RunRecord) -> Vec<String> {
    let mut notes = Vec::new();
    let m = &record.machine;
    notes.extend(governor_note(m));
    if load::is_busy(m.load_average_1m, m.effective_cpus) {
        notes.push(format!(
            "note: the machine was busy at the start (1-minute load average {:.2} on {} effective CPUs); rerun with --wait-idle for cleaner numbers",
            m.load_average_1m, m.effective_cpus
        ));
    }
    let noisy: Vec<String> = record
        .points
        .iter()
        .filter(|p| p.summary.as_ref().is_some_and(|s| s.cv > HIGH_CV))
        .map(|p| p.workers.to_string())
        .collect();
    if !noisy.is_empty() {
        notes.push(format!(
            "note: high variance (CV above {:.0}%) at {} workers: the machine was noisy or batches are short; add --repetitions or --target-ci, or raise --iterations",
            HIGH_CV * 100.0,
            noisy.join(", ")
        ));
    }
    if let Some(a) = &record.config.adaptive {
        notes.push(adaptive_note(record, a.target_ci));
    }
    notes
}

/// A note when the CPU frequency governor is known and is not `performance`.
pub fn governor_note(m: &MachineInfo) -> Option<String> {
    let g = m.cpu_governor.as_deref().filter(|g| *g != "performance")?;
    Some(format!(
        "note: the CPU frequency governor is {g:?}, not \"performance\": clock speed follows load, which bends scaling curves (set it with `cpupower frequency-set -g performance`)"
    ))
}

/// How adaptive repetitions ended: the reason, samples per worker count, and any count still
/// above the target.
fn adaptive_note(record: &RunRecord, target: f64) -> String {
    let reason = record
        .run
        .stop_reason
        .map_or("unknown", |r| r.as_str())
        .replace('_', " ");
    let per_point: Vec<String> = record
        .points
        .iter()
        .map(|p| format!("{}w {}", p.workers, p.samples.len()))
        .collect();
    let open: Vec<String> = record
        .points
        .iter()
        .filter(|p| !adaptive::converged(p, target))
        .map(|p| p.workers.to_string())
        .collect();
    let open = if open.is_empty() {
        "every count is within it".to_string()
    } else {
        format!("still above it at {} workers", open.join(", "))
    };
    format!(
        "note: --target-ci {}%: stopped ({reason}); samples per worker count: {}; {open}",
        target * 100.0,
        per_point.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AdaptiveConfig, StopReason};

    fn record() -> RunRecord {
        let text = include_str!("../../tests/data/results-v1.json");
        crate::report::json::parse(text, std::path::Path::new("x")).unwrap()
    }

    #[test]
    fn flags_the_governor_and_noisy_points() {
        let mut r = record();
        r.machine.cpu_governor = Some("powersave".into());
        r.machine.load_average_1m = 0.0;
        for p in &mut r.points {
            p.summary.as_mut().unwrap().cv = 0.01;
        }
        r.points[1].summary.as_mut().unwrap().cv = 0.12;
        let notes = render(&r);
        assert!(notes[0].contains("\"powersave\""), "{notes:?}");
        assert!(notes[1].contains(&format!("at {} workers", r.points[1].workers)));
        r.machine.cpu_governor = Some("performance".into());
        r.points[1].summary.as_mut().unwrap().cv = 0.01;
        assert!(
            render(&r)
                .iter()
                .all(|n| !n.contains("governor") && !n.contains("variance"))
        );
    }

    #[test]
    fn a_busy_start_is_noted() {
        let mut r = record();
        r.machine.load_average_1m = 4.0;
        r.machine.effective_cpus = 2;
        assert!(render(&r).iter().any(|n| n.contains("busy at the start")));
    }

    #[test]
    fn adaptive_runs_say_why_they_stopped() {
        let mut r = record();
        r.config.adaptive = Some(AdaptiveConfig {
            target_ci: 0.02,
            max_time_s: 60.0,
        });
        r.run.stop_reason = Some(StopReason::MaxTime);
        let note = render(&r).pop().unwrap();
        assert!(
            note.contains("--target-ci 2%: stopped (max time)"),
            "{note}"
        );
        assert!(note.contains("1w "), "{note}");
    }
}
