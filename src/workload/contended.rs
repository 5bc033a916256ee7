//! The `contended` workload: every task updates ONE shared counter under a lock, many times
//! (Python's `Value` + `get_lock()` pattern). Workers queue for the lock, so throughput falls
//! as workers are added. The check is per batch: the final count must be tasks x updates.

use super::setup::WorkloadSetup;
use super::shm::SharedCounter;
use super::{TaskError, Workload};
use serde_json::json;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The workload's name: the value of `--workload`, `config.workload.name` in results.json and
/// the end of the default folder's name.
pub const NAME: &str = "contended";

/// Default lock-protected increments per task.
pub const DEFAULT_UPDATES: u64 = 10_000;

/// Tasks that serialise on one lock.
#[derive(Debug)]
pub struct ContendedWorkload {
    updates: u64,
    attach: Option<PathBuf>,
    counter: OnceLock<SharedCounter>,
}

impl ContendedWorkload {
    /// Tasks of `updates` locked increments on a counter this process creates in `prepare`.
    pub fn new(updates: u64) -> Self {
        Self {
            updates,
            attach: None,
            counter: OnceLock::new(),
        }
    }

    /// The same tasks on the counter another process created (a worker process's view).
    pub fn attached(updates: u64, shared_file: PathBuf) -> Self {
        Self {
            attach: Some(shared_file),
            ..Self::new(updates)
        }
    }

    fn counter(&self, task: u64) -> Result<&SharedCounter, TaskError> {
        self.counter.get().ok_or_else(|| TaskError {
            task,
            reason: "the shared counter was not prepared before the task ran".into(),
        })
    }
}

/// The per-batch check: every update of every task must be in the final count.
pub fn check_total(tasks: u64, updates: u64, got: u64) -> Result<(), String> {
    let want = tasks.saturating_mul(updates);
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "the shared counter ended at {got}, expected {tasks} tasks x {updates} updates = {want}: updates were lost or skipped"
        ))
    }
}

impl Workload for ContendedWorkload {
    fn describe(&self) -> serde_json::Value {
        json!({"name": NAME, "updates_per_task": self.updates})
    }

    fn prepare(&self) -> Result<(), String> {
        if self.counter.get().is_none() {
            let c = match &self.attach {
                Some(path) => SharedCounter::attach(path)?,
                None => SharedCounter::create()?,
            };
            let _ = self.counter.set(c);
        }
        Ok(())
    }

    fn worker_setup(&self) -> Result<WorkloadSetup, String> {
        // Worker processes attach to the coordinator's counter, so it must exist first.
        self.prepare()?;
        Ok(WorkloadSetup::Contended {
            updates_per_task: self.updates,
            shared_file: self.counter.get().map(|c| c.path().to_path_buf()),
        })
    }

    fn begin_batch(&self, _tasks: u64) {
        if let Some(c) = self.counter.get() {
            let _ = c.set(0);
        }
    }

    fn end_batch(&self, tasks: u64) -> Result<(), String> {
        let c = self
            .counter
            .get()
            .ok_or("the shared counter was never prepared")?;
        check_total(tasks, self.updates, c.get()?)
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        let counter = self.counter(task)?;
        for _ in 0..self.updates {
            counter
                .increment()
                .map_err(|reason| TaskError { task, reason })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_batch_checks_and_a_skipped_task_fails() {
        let w = ContendedWorkload::new(50);
        w.prepare().unwrap();
        w.begin_batch(4);
        for t in 0..4 {
            w.run_task(t).unwrap();
        }
        w.end_batch(4).unwrap();
        w.begin_batch(4);
        for t in 0..3 {
            w.run_task(t).unwrap();
        }
        let err = w.end_batch(4).unwrap_err();
        assert!(err.contains("150") && err.contains("200"), "{err}");
    }

    #[test]
    fn an_attached_worker_updates_the_owners_counter() {
        let owner = ContendedWorkload::new(10);
        owner.prepare().unwrap();
        let Ok(WorkloadSetup::Contended {
            shared_file: Some(path),
            ..
        }) = owner.worker_setup()
        else {
            panic!("the owner's setup names no shared counter");
        };
        let worker = ContendedWorkload::attached(10, path);
        worker.prepare().unwrap();
        owner.begin_batch(2);
        worker.run_task(0).unwrap();
        worker.run_task(1).unwrap();
        owner.end_batch(2).unwrap();
        assert!(check_total(2, 10, 19).is_err());
    }
}
