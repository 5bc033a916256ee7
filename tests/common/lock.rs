//! A machine lock file of its own for each `plateau run` a test starts, so the many tests that
//! cargo runs in parallel neither wait for each other nor for a real measurement on this
//! machine. Tests of the lock itself pick their lock paths explicitly.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable `plateau run` reads its lock file's path from.
pub const LOCK_ENV: &str = "PLATEAU_LOCK";

/// A fresh lock file path under cargo's temporary folder for tests.
pub fn own_lock() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}/plateau-{}-{}.lock",
        env!("CARGO_TARGET_TMPDIR"),
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
