//! Hidden fault injection for end-to-end tests of failure handling, off unless a test sets
//! the environment variable. `PLATEAU_TEST_PANIC_AT_WORKERS=N` makes one worker thread panic
//! (on task 0) in every batch at N workers, through the real threads executor. Only builds with
//! the `testing` feature (the crate's own tests) carry the hook; elsewhere `wrap` is the identity.

use crate::exec::Executor;
#[cfg(any(test, feature = "testing"))]
use {
    crate::exec::{BatchError, BatchSpec},
    crate::model::Sample,
    crate::workload::{SharedWorkload, TaskError, Workload, setup::WorkloadSetup},
    std::sync::Arc,
};

/// The variable that arms the panic hook.
#[cfg(any(test, feature = "testing"))]
pub const PANIC_AT_WORKERS: &str = "PLATEAU_TEST_PANIC_AT_WORKERS";

/// `executor` as is: a build without the `testing` feature has no hook.
#[cfg(not(any(test, feature = "testing")))]
pub fn wrap(executor: Box<dyn Executor>) -> Box<dyn Executor> {
    executor
}

/// `executor` as is, or wrapped by the panic hook when the variable holds a worker count.
#[cfg(any(test, feature = "testing"))]
pub fn wrap(executor: Box<dyn Executor>) -> Box<dyn Executor> {
    match std::env::var(PANIC_AT_WORKERS)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(workers) => Box::new(PanicAt {
            inner: executor,
            workers,
        }),
        None => executor,
    }
}

#[cfg(any(test, feature = "testing"))]
struct PanicAt {
    inner: Box<dyn Executor>,
    workers: usize,
}

#[cfg(any(test, feature = "testing"))]
impl Executor for PanicAt {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        if spec.workers.get() != self.workers {
            return self.inner.run_batch(spec, workload);
        }
        let panicking: SharedWorkload = Arc::new(PanicOnFirstTask(workload.clone()));
        self.inner.run_batch(spec, &panicking)
    }
}

#[cfg(any(test, feature = "testing"))]
struct PanicOnFirstTask(SharedWorkload);

#[cfg(any(test, feature = "testing"))]
impl Workload for PanicOnFirstTask {
    fn describe(&self) -> serde_json::Value {
        self.0.describe()
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        self.0.worker_setup()
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        if task == 0 {
            panic!("test hook {PANIC_AT_WORKERS}: a worker panics on task 0");
        }
        self.0.run_task(task)
    }
}
