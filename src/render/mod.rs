//! Pure writers: data in, bytes out. chart.svg, report.html and summary.md of one run or of
//! several, the comparison's markdown, and the display strings they share. No I/O: where the
//! bytes go is `outdir`'s business, and the terminal's text is `term`'s.

pub mod chart;
mod chart_speedup;
mod chart_throughput;
pub mod compare_fmt;
pub mod compare_md;
pub mod comparison;
pub mod facts;
pub mod fits_text;
pub mod fleet_facts;
pub mod gate_fmt;
pub mod gate_md;
pub mod headline;
pub mod html;
pub mod intervals;
pub mod latency_chart;
pub mod latency_text;
pub mod markdown;
pub mod overlay_chart;
pub mod pick;
pub mod plot;
pub mod provenance_text;
pub mod sizes_verdict;
pub mod templates;
#[cfg(test)]
pub mod testdata;
pub mod view;
