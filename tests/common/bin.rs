//! The plateau binary under test, started with a machine lock of its own and without the CI
//! runner's step summary.

use super::lock::{LOCK_ENV, own_lock};

/// The built binary's path.
pub fn path() -> &'static str {
    env!("CARGO_BIN_EXE_plateau")
}

/// `plateau` for tests that spawn it, signal it or read it as it runs. Its own lock file lets
/// the tests cargo runs in parallel measure at once; `GITHUB_STEP_SUMMARY` is removed so a test
/// never appends to the real summary of a CI job it runs in. Tests set either again as needed.
pub fn spawnable() -> std::process::Command {
    let mut cmd = std::process::Command::new(path());
    cmd.env(LOCK_ENV, own_lock())
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

/// The same, as an assert_cmd `Command`.
pub fn plateau() -> assert_cmd::Command {
    assert_cmd::Command::from_std(spawnable())
}

/// What a finished command wrote on stderr.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
