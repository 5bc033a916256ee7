//! The one harness of the end-to-end tests: the binary with a machine lock of its own, the
//! fixtures, files a test writes, what a run wrote, refusals, waiting and signals, and recorded
//! runs of the fake executor.
//!
//! Test files declare it `pub mod common;`: each test crate compiles the harness on its own and
//! uses part of it, and public items of a public module are not reported as unused.

pub mod bin;
pub mod files;
pub mod fixtures;
pub mod lock;
pub mod outputs;
pub mod process;
pub mod recording;
pub mod refusal;
pub mod runs;
pub mod wait;

pub use bin::{plateau, spawnable, stderr};
pub use fixtures::{fixture, repo};
pub use outputs::{number_rows, read_json, results, sample_counts};
pub use refusal::{refused, refused_in_one_sentence, runs_refused};
pub use runs::{run_flags, short_run};
