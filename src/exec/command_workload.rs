//! The user's command, in either form (once per task, or persistent workers), as a workload:
//! one wrapper that describes the command for results.json and runs a task on its own the way
//! its form allows.

use crate::workload::{TaskError, Workload};

/// A validated form of the user's command, as its workload needs it.
pub trait CommandForm: std::fmt::Debug + Send + Sync {
    /// The command as results.json's `config.workload` records it.
    fn describe(&self) -> serde_json::Value;

    /// Task `task` run on its own, outside an executor (or the reason it cannot be).
    fn run_alone(&self, task: u64) -> Result<(), TaskError>;
}

/// The user's command as a workload: its executor runs the tasks; the workload describes the
/// command and runs a lone task through `CommandForm::run_alone`.
#[derive(Debug, Clone)]
pub struct CommandWorkload<S>(S);

impl<S: CommandForm> CommandWorkload<S> {
    /// The workload of a validated command.
    pub fn new(spec: S) -> Self {
        Self(spec)
    }
}

impl<S: CommandForm> Workload for CommandWorkload<S> {
    fn describe(&self) -> serde_json::Value {
        self.0.describe()
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        self.0.run_alone(task)
    }
}
