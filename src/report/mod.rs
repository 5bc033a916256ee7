//! Presentation: one pure writer per format (data in, bytes out), the terminal's table and
//! progress bar, and the output folder that owns where bytes go.

pub mod chart;
pub mod json;
pub mod machine_text;
pub mod notes;
pub mod outdir;
pub mod progress;
pub mod table;
