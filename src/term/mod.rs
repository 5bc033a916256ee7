//! What plateau prints on a terminal: the points table and the summary line under it, the
//! verdict and warnings wrapped for the terminal, run notes, `plateau info`'s text, the
//! comparison table, and the progress bar on stderr.

pub mod analysis_text;
pub mod compare_text;
pub mod gate_text;
pub mod machine_text;
pub mod notes;
pub mod progress;
pub mod sizes_text;
pub mod table;
