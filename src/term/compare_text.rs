//! The comparison for the terminal: the verdict, an aligned table per worker count, the curve
//! checks, differences and notes. Pure: comparison in, text out.

use crate::compare::Comparison;
use crate::render::compare_fmt::{
    HEADERS, curve_lines, describe_run, headline, row_cells, whole_curve_line,
};
use std::fmt::Write;

/// The terminal report.
pub fn render(c: &Comparison) -> String {
    let rows: Vec<[String; 8]> = c.points.iter().map(row_cells).collect();
    let mut widths = HEADERS.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "baseline: {}", describe_run(&c.baseline));
    let _ = writeln!(out, "current:  {}\n", describe_run(&c.current));
    let header: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    for r in std::iter::once(&header[..]).chain(rows.iter().map(|r| &r[..])) {
        let mut line = String::new();
        for (i, (cell, w)) in r.iter().zip(widths).enumerate() {
            // Numbers right-aligned, the verdict words left-aligned.
            if i == 7 {
                let _ = write!(line, "{cell}");
            } else {
                let _ = write!(line, "{cell:>w$}  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    if let Some(line) = whole_curve_line(c) {
        let _ = writeln!(out, "{line}");
    }
    for line in curve_lines(c) {
        let _ = writeln!(out, "{line}");
    }
    for d in &c.config_differences {
        let _ = writeln!(out, "Allowed configuration change: {d}.");
    }
    for n in &c.notes {
        let _ = writeln!(out, "Note: {n}");
    }
    let _ = writeln!(out, "\n{}", headline(c));
    out
}
