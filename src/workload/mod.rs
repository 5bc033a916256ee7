//! What one task does: the `Workload` trait and one file per built-in workload (plus `shm`,
//! the shared counter of `contended`, and `setup`, the typed value a worker process rebuilds a
//! built-in workload from).
//! A workload's task must really do its work, and checks its own result.

pub mod contended;
pub mod cpu;
pub mod identity;
pub mod io;
pub mod memory;
pub mod setup;
pub mod shm;
pub mod tiny;

use setup::WorkloadSetup;
use std::sync::Arc;

/// A task's result did not check out, or the task could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("task {task}: {reason}")]
pub struct TaskError {
    /// The task's index in its batch.
    pub task: u64,
    /// What went wrong, in a sentence.
    pub reason: String,
}

/// A unit of work run many times per batch, by any number of workers at once.
///
/// An executor calls, in order: `prepare` once in every process that runs tasks (untimed:
/// allocate buffers, map shared memory), `begin_batch` in the coordinating process before the
/// clock starts, `run_task` for every task, and `end_batch` in the coordinator after the clock
/// stops, to check totals that no single task can see (a shared counter's final value).
pub trait Workload: Send + Sync {
    /// `{"name": ..., parameters...}` as recorded in results.json's `config.workload`.
    fn describe(&self) -> serde_json::Value;

    /// Runs task `task` (0-based within the batch) and verifies its result.
    fn run_task(&self, task: u64) -> Result<(), TaskError>;

    /// Untimed per-process setup before the first task; an error is a sentence.
    fn prepare(&self) -> Result<(), String> {
        Ok(())
    }

    /// Resets per-batch state in the coordinator before the batch's clock starts.
    fn begin_batch(&self, _tasks: u64) {}

    /// Checks per-batch totals in the coordinator after every task of the batch ran; an error
    /// is a sentence saying what did not add up.
    fn end_batch(&self, _tasks: u64) -> Result<(), String> {
        Ok(())
    }

    /// What a worker process needs to rebuild this workload (`WorkloadSetup::build`), in the
    /// coordinator, which may create shared state here. Only the built-in workloads have one;
    /// by default a workload cannot run in a worker process.
    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        let described = self.describe();
        let name = described.get("name").and_then(|n| n.as_str()).unwrap_or("");
        Err(format!(
            "no workload named {name:?} can run in a worker process"
        ))
    }
}

/// A shared handle to a workload, as executors take it.
pub type SharedWorkload = Arc<dyn Workload>;
