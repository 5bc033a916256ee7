//! How a batch is run and measured. This file owns the contract: the `Executor` trait, the
//! `BatchSpec` it is given (with its `Schedule`) and the `BatchError` it may return. Each
//! executor has its own file (threads, processes with pool_worker, command with command_spec,
//! the test fake), beside their helpers (child, chunking, rusage, throttle).

pub mod batch_clock;
pub mod child;
pub mod chunking;
pub mod command;
pub mod command_spec;
pub mod command_workload;
#[cfg(any(test, feature = "testing"))]
pub mod fake;
pub mod groups;
pub mod guard;
pub mod latency;
pub mod lines;
pub mod memory_guard;
pub mod persistent;
pub mod pool_proc;
mod pool_wait;
pub mod pool_worker;
pub mod proc_stat;
pub mod processes;
pub mod protocol;
pub mod rusage;
pub mod scratch;
pub(crate) mod start_gate;
pub mod stderr_tail;
pub(crate) mod stop;
pub mod threads;
pub mod throttle;
pub mod worker_hooks;
pub mod worker_pool;

use crate::model::Sample;
use crate::workload::SharedWorkload;
use serde::{Deserialize, Serialize};
use std::num::NonZeroUsize;

/// How tasks are handed to workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// Each free worker takes the next task from a shared counter (like Pool.map, small chunks).
    Dynamic,
    /// Each worker gets a fixed contiguous share of the tasks up front.
    Static,
}

impl Schedule {
    /// The schedule as results.json records it.
    pub fn recorded(self) -> crate::model::RunSchedule {
        match self {
            Schedule::Dynamic => crate::model::RunSchedule::Dynamic,
            Schedule::Static => crate::model::RunSchedule::Static,
        }
    }
}

/// One batch to run: `tasks` tasks over `workers` workers.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    /// Workers in the batch.
    pub workers: NonZeroUsize,
    /// Tasks in the batch.
    pub tasks: u64,
    /// How tasks are handed out.
    pub schedule: Schedule,
    /// CPU ids to pin worker i to (`pin[i % len]`); empty for no pinning.
    pub pin_cpus: Vec<usize>,
    /// Checked between tasks: once cancelled, the batch stops and returns `Cancelled`.
    pub cancel: crate::cancel::CancelToken,
    /// Tasks per claim under the dynamic schedule (`--chunk`, adaptive by default).
    pub chunk: chunking::Chunking,
}

impl BatchSpec {
    /// A batch of `tasks` tasks over `workers` unpinned workers, handed out under `schedule` in
    /// claims of `chunk`, stopped once `cancel` is.
    pub fn new(
        workers: NonZeroUsize,
        tasks: u64,
        schedule: Schedule,
        chunk: chunking::Chunking,
        cancel: &crate::cancel::CancelToken,
    ) -> Self {
        Self {
            workers,
            tasks,
            schedule,
            pin_cpus: vec![],
            cancel: cancel.clone(),
            chunk,
        }
    }

    /// This batch with worker i pinned to `cpus[i % len]`; none pinned when `cpus` is empty.
    pub fn pinned(self, cpus: Vec<usize>) -> Self {
        Self {
            pin_cpus: cpus,
            ..self
        }
    }

    /// The CPU worker `worker` is pinned to, or `None` without pinning.
    pub fn cpu_for(&self, worker: usize) -> Option<usize> {
        (!self.pin_cpus.is_empty()).then(|| self.pin_cpus[worker % self.pin_cpus.len()])
    }
}

/// A batch failed: a task's check, a worker's crash, or the executor itself.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A task ran but its result did not check out.
    #[error("{0}")]
    Task(#[from] crate::workload::TaskError),
    /// A worker died (a panic in a thread, a crashed process).
    #[error("worker {worker} died: {reason}")]
    WorkerDied {
        /// Index of the worker within the batch.
        worker: usize,
        /// What is known of why.
        reason: String,
    },
    /// The executor could not start or run the batch.
    #[error("{0}")]
    Setup(String),
    /// Every task ran, but a per-batch check (`Workload::end_batch`) did not add up.
    #[error("the batch's check failed: {0}")]
    BatchCheck(String),
    /// A long-lived worker did not start or broke the worker protocol (never ready, a line
    /// outside the protocol, an exit before `ready`): the worker program is wrong, not the run.
    #[error("{0}")]
    BadWorker(String),
    /// The pool would not fit under the memory limit, judged from the RSS measured so far.
    #[error(
        "{workers} workers would need about {projected_bytes} bytes, over the {usable_bytes} usable"
    )]
    WontFit {
        /// Workers of the skipped batch.
        workers: usize,
        /// Projected bytes of the pool and plateau.
        projected_bytes: u64,
        /// The limit less the safety margin.
        usable_bytes: u64,
    },
    /// The batch was stopped by a cancel request; its measurements are void.
    #[error("the batch was cancelled")]
    Cancelled,
    /// A task failed in the untimed trial batch of 1 worker, before any timed batch: no worker
    /// count's failure, and nothing measured to resume.
    #[error("in the untimed trial batch of 1 worker, before any timed batch, task {} failed: {}", .0.task, .0.reason)]
    Trial(crate::workload::TaskError),
}

/// Runs batches of a workload and measures them.
pub trait Executor {
    /// Runs one batch and returns its measurements.
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError>;
}
