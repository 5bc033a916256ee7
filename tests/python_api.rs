//! The Python package (python/plateau_bench) through its own unittest suite
//! (python/tests): the adapter spoken to over the protocol (stdin kept from the function,
//! coroutines and generators run, a death in a task names that task, scripts imported by
//! path) and `sweep()` against this build's binary (figures read back, task 3 failing,
//! refused keywords as ValueError, a lambda without cloudpickle, a script's function).

pub mod common;

use common::bin::path;
use common::lock::{LOCK_ENV, own_lock};
use common::repo;

#[test]
fn the_python_suite_passes_against_this_build() {
    let python = repo().join("python");
    let o = std::process::Command::new("python3")
        .args([
            "-m", "unittest", "discover", "-v", "-s", "tests", "-t", "tests",
        ])
        .current_dir(&python)
        .env("PYTHONPATH", &python)
        .env("PLATEAU_BIN", path())
        .env(LOCK_ENV, own_lock())
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("python3 runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    // Every test ran: none was skipped for want of the binary. Only the notebook case may
    // skip, where the machine has no cloudpickle (it is optional; check-wheel.sh installs it).
    let skips: Vec<&str> = err.lines().filter(|l| l.contains("skipped '")).collect();
    assert!(
        skips
            .iter()
            .all(|l| l.contains("cloudpickle is not installed")),
        "{err}"
    );
    assert!(err.contains("\nOK"), "{err}");
}
