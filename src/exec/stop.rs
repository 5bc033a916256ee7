//! A batch's stop signal, shared by its worker threads: the abort flag they poll, and the first
//! task error that set it, turned into the batch's error once the workers are joined.

use super::BatchError;
use crate::cancel::CancelToken;
use crate::workload::TaskError;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The abort flag and the first failure of one batch.
#[derive(Default)]
pub(crate) struct Stop {
    abort: AtomicBool,
    failure: Mutex<Option<TaskError>>,
}

impl Stop {
    /// Not stopped, no failure.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The flag itself, for a watchdog that polls it.
    pub(crate) fn flag(&self) -> &AtomicBool {
        &self.abort
    }

    /// True once the batch is aborted.
    pub(crate) fn is_set(&self) -> bool {
        self.abort.load(Ordering::Acquire)
    }

    /// Aborts the batch without a task error (the caller reports its own).
    pub(crate) fn set(&self) {
        self.abort.store(true, Ordering::Release);
    }

    /// Aborts the batch with this error; the first one is kept.
    pub(crate) fn fail(&self, e: TaskError) {
        self.set();
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(e);
    }

    /// After the workers are joined: the first failure, else `Cancelled` if `cancel` is set.
    pub(crate) fn outcome(&self, cancel: &CancelToken) -> Result<(), BatchError> {
        if let Some(e) = self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            return Err(BatchError::Task(e));
        }
        if cancel.is_cancelled() {
            return Err(BatchError::Cancelled);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(task: u64) -> TaskError {
        TaskError {
            task,
            reason: format!("task {task} failed"),
        }
    }

    #[test]
    fn the_first_failure_wins_and_sets_the_flag() {
        let stop = Stop::new();
        assert!(!stop.is_set());
        stop.fail(error(3));
        stop.fail(error(4));
        assert!(stop.is_set());
        let cancel = CancelToken::new();
        cancel.cancel();
        match stop.outcome(&cancel) {
            Err(BatchError::Task(e)) => assert_eq!(e.task, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_a_failure_a_cancel_is_the_outcome() {
        let stop = Stop::new();
        stop.set();
        assert!(stop.outcome(&CancelToken::new()).is_ok());
        let cancel = CancelToken::new();
        cancel.cancel();
        assert!(matches!(stop.outcome(&cancel), Err(BatchError::Cancelled)));
    }
}
