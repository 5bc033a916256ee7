//! Presentation: one pure writer per format (data in, bytes out), the terminal's table and
//! progress bar, and the output folder that owns where bytes go.

pub mod analysis_text;
pub mod chart;
pub mod compare_fmt;
pub mod compare_md;
pub mod compare_text;
pub mod comparison;
pub mod facts;
pub mod fits_text;
pub mod html;
pub mod json;
pub mod machine_text;
pub mod markdown;
pub mod notes;
pub mod outdir;
pub mod overlay_chart;
pub mod pick;
pub mod plot;
pub mod progress;
pub mod provenance_text;
pub mod table;
pub mod templates;
#[cfg(test)]
pub mod testdata;
pub mod view;
