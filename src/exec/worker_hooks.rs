//! Hidden fault injection for tests of the processes executor, off unless a test sets the
//! environment variables: `PLATEAU_TEST_WORKER_ABORT=W:T` makes a worker of a W-worker batch
//! abort (as a crashing worker would) when asked to run task T, and
//! `PLATEAU_TEST_WORKER_TASK_LOG=FILE` makes every worker append the number of each task it
//! runs to FILE. Only builds with the `testing` feature (the crate's own tests) carry the
//! hooks; elsewhere `WorkerHooks` does nothing and reads no variable.

#[cfg(any(test, feature = "testing"))]
use std::io::Write;

/// The variable that arms the abort hook (`W:T`).
#[cfg(any(test, feature = "testing"))]
pub const ABORT_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_ABORT";
/// The variable that names the task log file.
#[cfg(any(test, feature = "testing"))]
pub const TASK_LOG_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_TASK_LOG";

/// The hooks as set in this worker's environment.
#[cfg(any(test, feature = "testing"))]
pub struct WorkerHooks {
    abort_at: Option<(usize, u64)>,
    task_log: Option<std::fs::File>,
}

#[cfg(any(test, feature = "testing"))]
impl WorkerHooks {
    /// The hooks this process's environment arms.
    pub fn from_env() -> Self {
        let abort_at = std::env::var(ABORT_HOOK_ENV)
            .ok()
            .and_then(|v| parse_abort(&v));
        let task_log = std::env::var_os(TASK_LOG_HOOK_ENV).and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        Self { abort_at, task_log }
    }

    /// Called before a worker of a `workers`-worker batch runs `task`.
    pub fn before_task(&mut self, workers: usize, task: u64) {
        if self.abort_at == Some((workers, task)) {
            std::process::abort();
        }
        if let Some(f) = &mut self.task_log {
            // One short append per line: lines from concurrent workers do not interleave.
            let _ = f.write_all(format!("{task}\n").as_bytes());
        }
    }
}

/// `W:T` as the batch size and task the abort hook fires at.
#[cfg(any(test, feature = "testing"))]
fn parse_abort(v: &str) -> Option<(usize, u64)> {
    let (w, t) = v.split_once(':')?;
    Some((w.parse().ok()?, t.parse().ok()?))
}

/// No hooks: a build without the `testing` feature.
#[cfg(not(any(test, feature = "testing")))]
pub struct WorkerHooks;

#[cfg(not(any(test, feature = "testing")))]
impl WorkerHooks {
    /// No hooks to read.
    pub fn from_env() -> Self {
        Self
    }

    /// Nothing to do.
    pub fn before_task(&mut self, _workers: usize, _task: u64) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_abort_spec_is_a_batch_size_and_a_task() {
        assert_eq!(parse_abort("3:2"), Some((3, 2)));
        assert_eq!(parse_abort("3"), None);
        assert_eq!(parse_abort("x:2"), None);
        assert_eq!(parse_abort("3:-1"), None);
    }

    #[test]
    fn the_task_log_gets_one_line_per_task() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let mut hooks = WorkerHooks {
            abort_at: Some((2, 9)),
            task_log: Some(std::fs::File::create(&path).unwrap()),
        };
        hooks.before_task(1, 9);
        hooks.before_task(2, 4);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "9\n4\n");
    }
}
