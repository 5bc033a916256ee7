//! The persistent executor: the user's own command as a pool of long-lived workers
//! (`plateau run --persistent -- CMD ARGS`). Each worker is one process of CMD, `{worker}`
//! replaced and PLATEAU_WORKER / PLATEAU_WORKERS / PLATEAU_PROTOCOL set, started and
//! initialised before the clock (its `ready` ends `startup_s`), then fed task numbers over the
//! worker protocol on the shared pool (`exec::worker_pool`), exactly as plateau's own
//! `--mode processes` workers are.

use super::command_workload::{CommandForm, CommandWorkload};
use super::pool_proc::Launch;
use super::worker_pool::{self, PoolOptions};
use super::{BatchError, BatchSpec, Executor};
use crate::model::Sample;
use crate::workload::{SharedWorkload, TaskError};
use serde_json::json;
use std::time::Duration;

/// Characters of the command a message quotes.
const NAME_CHARS: usize = 60;

/// The user's worker command and how to run its pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistentSpec {
    /// The program and its arguments as given after `--`.
    pub argv: Vec<String>,
    /// Run `sh -c` on the arguments joined by spaces.
    pub shell: bool,
    /// How long a worker may take to say `ready`.
    pub ready_timeout: Duration,
    /// Kill a worker whose task runs longer than this.
    pub timeout: Option<Duration>,
    /// Record failed tasks instead of stopping.
    pub keep_going: bool,
}

impl PersistentSpec {
    /// The argv of worker `worker` (`{worker}` replaced; `sh -c` in front under `--shell`).
    pub fn argv_for(&self, worker: usize) -> Vec<String> {
        let w = worker.to_string();
        if self.shell {
            vec![
                "sh".into(),
                "-c".into(),
                self.argv.join(" ").replace("{worker}", &w),
            ]
        } else {
            self.argv
                .iter()
                .map(|a| a.replace("{worker}", &w))
                .collect()
        }
    }

    /// The command as messages quote it: "`python3 -m plateau_bench.worker m:f`", cut short.
    pub fn name(&self) -> String {
        let full = self.argv.join(" ");
        let cut: String = full.chars().take(NAME_CHARS).collect();
        let more = if cut.len() < full.len() { "…" } else { "" };
        format!("`{cut}{more}`")
    }

    fn launches(&self, spec: &BatchSpec) -> Vec<Launch> {
        let n = spec.workers.get();
        (0..n)
            .map(|i| Launch {
                argv: self.argv_for(i),
                env: vec![
                    ("PLATEAU_WORKER".into(), i.to_string()),
                    ("PLATEAU_WORKERS".into(), n.to_string()),
                    (
                        "PLATEAU_PROTOCOL".into(),
                        super::protocol::VERSION.to_string(),
                    ),
                    // Lets the guard find what a worker started in groups of its own.
                    (
                        super::guard::RUN_PID_ENV.into(),
                        std::process::id().to_string(),
                    ),
                ],
                pin_cpu: spec.cpu_for(i),
            })
            .collect()
    }
}

/// Runs each batch on a fresh pool of the user's workers.
#[derive(Debug, Clone)]
pub struct PersistentExecutor {
    spec: PersistentSpec,
}

impl PersistentExecutor {
    /// An executor of `spec`.
    pub fn new(spec: PersistentSpec) -> Self {
        Self { spec }
    }
}

impl Executor for PersistentExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        _workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let opts = PoolOptions {
            ready_timeout: self.spec.ready_timeout,
            task_timeout: self.spec.timeout,
            keep_going: self.spec.keep_going,
            name: self.spec.name(),
        };
        worker_pool::run_batch(&self.spec.launches(spec), &opts, spec, &mut |_| {})
    }
}

/// The persistent command as a workload: it describes the command for results.json. Its tasks
/// run only in a pool of its workers (the persistent executor), never one by one.
pub type PersistentWorkload = CommandWorkload<PersistentSpec>;

impl CommandForm for PersistentSpec {
    /// `{"name": "command", "persistent": true, "argv": [...], ...}` for results.json.
    fn describe(&self) -> serde_json::Value {
        json!({
            "name": "command",
            "persistent": true,
            "argv": self.argv,
            "shell": self.shell,
            "protocol": super::protocol::VERSION,
            "ready_timeout_s": self.ready_timeout.as_secs_f64(),
            "timeout_s": self.timeout.map(|t| t.as_secs_f64()),
            "keep_going": self.keep_going,
        })
    }

    fn run_alone(&self, task: u64) -> Result<(), TaskError> {
        Err(TaskError {
            task,
            reason: "a persistent worker's tasks run in its pool (--persistent), not one by one"
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_placeholder_is_replaced_and_the_name_cut() {
        let spec = PersistentSpec {
            argv: vec!["w".into(), "--id={worker}".into()],
            shell: false,
            ready_timeout: Duration::from_secs(1),
            timeout: None,
            keep_going: false,
        };
        assert_eq!(spec.argv_for(3), ["w", "--id=3"]);
        let sh = PersistentSpec {
            shell: true,
            ..spec.clone()
        };
        assert_eq!(sh.argv_for(2), ["sh", "-c", "w --id=2"]);
        assert_eq!(spec.describe()["persistent"], true);
        let long = PersistentSpec {
            argv: vec!["x".repeat(200)],
            ..spec
        };
        assert!(long.name().chars().count() < 70);
    }
}
