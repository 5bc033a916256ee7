//! Waiting for something a running plateau does, with a deadline instead of a fixed sleep.

use super::outputs::sample_counts;
use serde_json::Value;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

/// Polls `done` every 5 ms until it holds; fails naming `what` once `limit` has passed.
pub fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The same while `child` runs, for a minute at most; fails as soon as the child has ended.
pub fn while_running(child: &mut Child, what: &str, mut done: impl FnMut() -> bool) {
    until(what, Duration::from_secs(60), || {
        if done() {
            return true;
        }
        assert!(child.try_wait().unwrap().is_none(), "ended before {what}");
        false
    });
}

/// Waits until the JSON file at `path` reads and `saved` holds of it, while `child` runs.
pub fn saved(child: &mut Child, path: &Path, saved: impl Fn(&Value) -> bool) {
    let what = format!("a save in {}", path.display());
    while_running(child, &what, || {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .is_some_and(|v| saved(&v))
    });
}

/// Waits until `out/results.json` holds a sample of every point (a round was saved).
pub fn first_round_saved(child: &mut Child, out: &Path) {
    saved(child, &out.join("results.json"), |v| {
        sample_counts(v).iter().all(|&n| n >= 1)
    });
}
