//! The interleaved gate's outcome for the terminal: what ran, a table of throughput ratios per
//! worker count and for the whole curve with their bounds, the decision and why, rounds and
//! time. Also the one-line progress shown after every round. Pure: report in, text out.

use crate::compare::gate_outcome::GateReport;
use crate::render::gate_fmt::{HEADERS, headline, method_line, resolution_line, rows};
use std::fmt::Write;

/// The line printed after every round.
pub fn progress_line(r: &GateReport) -> String {
    match &r.whole_curve {
        Some(w) => format!(
            "round {:>3}  {:>5.0} s  whole curve {:.3} ({:.3} to {:.3})",
            r.rounds, r.elapsed_s, w.ratio, w.ci.lo, w.ci.hi
        ),
        None => format!("round {:>3}  {:>5.0} s", r.rounds, r.elapsed_s),
    }
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
    if let Some(line) = resolution_line(r) {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "Samples, pairing and outcome: {}", r.out_dir);
    let _ = writeln!(out, "\n{}", headline(r));
    out
}
