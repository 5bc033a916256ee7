//! Presentation: one pure writer per format (data in, bytes out), the terminal's table and
//! progress bar, and the output folder that owns where bytes go.

pub mod chart;
pub mod compare_fmt;
pub mod compare_md;
pub mod compare_text;
pub mod json;
pub mod machine_text;
pub mod outdir;
pub mod progress;
pub mod table;
