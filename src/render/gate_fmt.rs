//! The interleaved gate's outcome in words shared by the terminal and markdown writers: the
//! table's header and rows, the headline and the method sentence. Pure.

use crate::compare::gate::Effect;
use crate::compare::gate_outcome::{GateReport, pct};
use crate::render::compare_fmt::change;

/// The table's header.
pub const HEADERS: [&str; 5] = ["workers", "blocks", "throughput ratio", "bounds", "change"];

/// The cells of one row: the ratio candidate / baseline, its bounds and the change in words.
pub fn row_cells(label: &str, e: &Effect) -> [String; 5] {
    [
        label.to_string(),
        e.n.to_string(),
        format!("{:.3}", e.ratio),
        format!("{:.3} to {:.3}", e.ci.lo, e.ci.hi),
        change(e.ratio),
    ]
}

/// "REGRESSION: why (N rounds, T s)".
pub fn headline(r: &GateReport) -> String {
    format!(
        "{}: {} ({} rounds, {:.0} s of the {:.0} s budget).",
        r.verdict.words(),
        r.reason,
        r.rounds,
        r.elapsed_s,
        r.max_time_s
    )
}

/// The rows: each count, then the whole curve.
pub fn rows(r: &GateReport) -> Vec<[String; 5]> {
    let mut rows: Vec<[String; 5]> = r
        .per_count
        .iter()
        .map(|c| row_cells(&c.workers.to_string(), &c.effect))
        .collect();
    if let Some(w) = &r.whole_curve {
        rows.push(row_cells("all", w));
    }
    rows
}

/// How the bounds were computed, in one sentence.
pub fn method_line(r: &GateReport) -> String {
    format!(
        "Threshold {}, alpha {}; {} tasks per batch. Ratios are candidate / baseline throughput; bounds hold at all times with probability 1 - alpha each (per-count bounds Bonferroni-corrected). Procedure: {}.",
        pct(r.threshold),
        r.alpha,
        r.tasks,
        r.procedure
    )
}

/// What the rounds resolved. A decided gate says what its test settled (a drop beyond the
/// threshold shown, or one of the threshold or more excluded): its one-sided test at the
/// threshold decides sooner than the two-sided bounds narrow, so their half-width would
/// understate what was resolved. An inconclusive gate says "With this spread, N rounds
/// resolve changes of about X." when the spread is known.
pub fn resolution_line(r: &GateReport) -> Option<String> {
    use crate::compare::gate_outcome::GateVerdict;
    let t = pct(r.threshold);
    let rounds = crate::words::count(r.rounds, "round");
    match r.verdict {
        GateVerdict::Regression => Some(format!(
            "{rounds} sufficed to show a throughput drop beyond the {t} threshold."
        )),
        GateVerdict::NoRegression => Some(format!(
            "{rounds} sufficed to exclude a throughput drop of {t} or more."
        )),
        GateVerdict::Inconclusive => r.resolvable_change.map(|res| {
            format!(
                "With this spread, {} rounds resolve changes of about {}.",
                r.rounds,
                pct(res)
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::gate::{Block, Decision, GateOptions, Order, SequentialGate};
    use crate::compare::gate_outcome::{GateRunFacts, GateVerdict, gate_report};

    /// A gate fed rounds whose candidate takes `ratio` times the baseline's wall time, until
    /// it decides (or 60 rounds), and its report.
    fn decided(ratio: f64) -> GateReport {
        let opts = GateOptions {
            threshold: 0.05,
            alpha: 0.05,
        };
        let mut gate = SequentialGate::new(opts);
        for i in 0..60 {
            let wobble = 1.0 + 0.002 * ((i % 5) as f64 - 2.0);
            let (b, c) = (1.0, ratio * wobble);
            let block = Block {
                workers: 1,
                order: Order::Abba,
                wall_s: [b, c, c, b],
            };
            if gate.add_round(&[block]) != Decision::Continue {
                break;
            }
        }
        let facts = GateRunFacts {
            elapsed_s: 10.0,
            max_time_s: 60.0,
            tasks: 2,
            baseline: "a".into(),
            candidate: "b".into(),
            out_dir: "out".into(),
        };
        gate_report(&gate, opts, facts)
    }

    #[test]
    fn a_decided_gate_states_what_it_settled_not_a_resolution() {
        let same = decided(1.0);
        assert_eq!(same.verdict, GateVerdict::NoRegression);
        let line = resolution_line(&same).unwrap();
        assert!(line.ends_with("sufficed to exclude a throughput drop of 5.0% or more."));
        let slower = decided(1.3);
        assert_eq!(slower.verdict, GateVerdict::Regression);
        let line = resolution_line(&slower).unwrap();
        assert!(line.contains("sufficed to show a throughput drop beyond the 5.0%"));
    }
}
