//! The `plateau run`s tests spell out: their first flags, and the short run many tests start (a
//! few measured rounds, no warm-up, seed 1, quiet).

use super::bin::plateau;
use std::path::Path;

/// `plateau run` of `repetitions` measured rounds, no warm-up, seed 1 and `--quiet`, into
/// `out`; the test adds the workers, tasks and workload.
pub fn short_run(out: &Path, repetitions: u32) -> assert_cmd::Command {
    let mut cmd = plateau();
    cmd.args(["run", "--repetitions", &repetitions.to_string()])
        .args(["--warmup", "0", "--seed", "1", "--quiet", "--out"])
        .arg(out);
    cmd
}

/// `run --workers W --tasks T`: the start of every `plateau run` a test spells out.
pub fn run_flags(workers: &str, tasks: u32) -> [String; 5] {
    ["run", "--workers", workers, "--tasks", &tasks.to_string()].map(String::from)
}
