//! The interleaved gate's outcome as GitHub-flavoured markdown (for `--markdown FILE` and the
//! Actions step summary): the decision and why, the table of ratios with bounds, the method.
//! Pure: report in, text out.

use super::gate_fmt::{HEADERS, headline, method_line, resolution_line, rows};
use crate::compare::gate_outcome::{GateReport, GateVerdict};
use std::fmt::Write;

/// The markdown document.
pub fn render(r: &GateReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## plateau compare (interleaved)\n");
    let _ = writeln!(out, "**{}**\n", cell(&headline(r)));
    let _ = writeln!(
        out,
        "Baseline: `{}`  \nCandidate: `{}`\n",
        r.baseline.replace('`', "'"),
        r.candidate.replace('`', "'")
    );
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|---:|---:|---:|---|---:|");
    let all = rows(r);
    let last = all.len().saturating_sub(1);
    for (i, row) in all.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        if i == last && r.verdict == GateVerdict::Regression {
            let _ = writeln!(out, "| **{}** |", cells.join("** | **"));
        } else {
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    let _ = writeln!(out, "\n{}", method_line(r));
    if let Some(line) = resolution_line(r) {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Escapes a table cell's pipes.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}
