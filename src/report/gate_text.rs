//! The interleaved gate's outcome for the terminal: what ran, a table of throughput ratios per
//! worker count and for the whole curve with their bounds, the decision and why, rounds and
//! time. Also the one-line progress shown after every round. Pure: report in, text out.

use crate::compare::gate::Effect;
use crate::compare::gate_outcome::{GateReport, pct};
use std::fmt::Write;

/// The table's header.
pub const HEADERS: [&str; 5] = ["workers", "blocks", "throughput ratio", "bounds", "change"];

/// The cells of one row: the ratio candidate / baseline, its bounds and the change in words.
pub fn row_cells(label: &str, e: &Effect) -> [String; 5] {
    [
        label.to_string(),
        e.n.to_string(),
        format!("{:.3}", e.ratio),
        format!("{:.3} to {:.3}", e.lo, e.hi),
        change(e.ratio),
    ]
}

/// "+3.1%" or "-12.0%": the throughput change.
pub fn change(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
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

/// The line printed after every round.
pub fn progress_line(r: &GateReport) -> String {
    match &r.whole_curve {
        Some(w) => format!(
            "round {:>3}  {:>5.0} s  whole curve {:.3} ({:.3} to {:.3})",
            r.rounds, r.elapsed_s, w.ratio, w.lo, w.hi
        ),
        None => format!("round {:>3}  {:>5.0} s", r.rounds, r.elapsed_s),
    }
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

/// The terminal report.
pub fn render(r: &GateReport) -> String {
    let rows = rows(r);
    let mut widths = HEADERS.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "baseline:  {}", r.baseline);
    let _ = writeln!(out, "candidate: {}\n", r.candidate);
    let header = HEADERS.map(String::from);
    for row in std::iter::once(&header).chain(rows.iter()) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:>w$}  ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out, "\n{}", method_line(r));
    if let Some(res) = r.resolvable_change {
        let _ = writeln!(
            out,
            "With this spread, {} rounds resolve changes of about {}.",
            r.rounds,
            pct(res)
        );
    }
    let _ = writeln!(out, "Samples, pairing and outcome: {}", r.out_dir);
    let _ = writeln!(out, "\n{}", headline(r));
    out
}
