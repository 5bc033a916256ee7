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

/// "With this spread, N rounds resolve changes of about X.", when the spread is known.
pub fn resolution_line(r: &GateReport) -> Option<String> {
    r.resolvable_change.map(|res| {
        format!(
            "With this spread, {} rounds resolve changes of about {}.",
            r.rounds,
            pct(res)
        )
    })
}
