//! What one task does: the `Workload` trait and one file per built-in workload.
//! A workload's task must really do its work, and checks its own result.

pub mod cpu;

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
pub trait Workload: Send + Sync {
    /// The name used on the command line and in results.json.
    fn name(&self) -> &'static str;

    /// `{"name": ..., parameters...}` as recorded in results.json's `config.workload`.
    fn describe(&self) -> serde_json::Value;

    /// Runs task `task` (0-based within the batch) and verifies its result.
    fn run_task(&self, task: u64) -> Result<(), TaskError>;
}

/// A shared handle to a workload, as executors take it.
pub type SharedWorkload = Arc<dyn Workload>;
