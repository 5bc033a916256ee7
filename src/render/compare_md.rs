//! The comparison as GitHub-flavoured markdown (for `--markdown FILE` and the Actions step
//! summary): the verdict, the per-worker-count table, the curve checks, differences, notes.
//! Pure: comparison in, text out.

use super::compare_fmt::{
    HEADERS, curve_lines, describe_run, headline, row_cells, whole_curve_line,
};
use crate::compare::Comparison;
use std::fmt::Write;

/// The markdown document.
pub fn render(c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## plateau compare\n");
    let _ = writeln!(out, "**{}**\n", headline(c));
    let _ = writeln!(
        out,
        "Baseline: {}  \nCurrent: {}  \nThreshold {}%, alpha {} (one-sided Mann-Whitney U on raw samples, Holm-corrected; a worker count needs {} samples per side).\n",
        cell(&describe_run(&c.baseline)),
        cell(&describe_run(&c.current)),
        c.threshold * 100.0,
        c.alpha,
        c.min_samples
    );
    if let Some(line) = whole_curve_line(c) {
        let _ = writeln!(out, "{line}\n");
    }
    let _ = writeln!(out, "| {} |", HEADERS.join(" | "));
    let _ = writeln!(out, "|---:|---:|---:|---:|---|---|---:|---|");
    for p in &c.points {
        let cells = row_cells(p).map(|s| cell(&s));
        let mut line = cells.join(" | ");
        if p.status == crate::compare::Status::Regression {
            // Bold the verdict cell so it stands out in the step summary.
            let last = cells[7].clone();
            line = format!("{} | **{last}**", cells[..7].join(" | "));
        }
        let _ = writeln!(out, "| {line} |");
    }
    let _ = writeln!(out, "\n### Curve\n");
    for line in curve_lines(c) {
        let _ = writeln!(out, "- {}", cell(&line));
    }
    if !c.config_differences.is_empty() {
        let _ = writeln!(out, "\n### Configuration changes (allowed)\n");
        for d in &c.config_differences {
            let _ = writeln!(out, "- {}", cell(&d.to_string()));
        }
    }
    if !c.notes.is_empty() {
        let _ = writeln!(out, "\n### Notes\n");
        for n in &c.notes {
            let _ = writeln!(out, "- {}", cell(n));
        }
    }
    out
}

/// Escapes the characters that would break a table cell or start markup.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(cell("a|b<c"), "a\\|b&lt;c");
    }
}
