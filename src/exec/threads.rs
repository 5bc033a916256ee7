//! The threads executor: W OS threads started before timing, held at a barrier, then fed
//! chunks of tasks from a shared counter (dynamic) or a fixed contiguous share (static).

use super::chunking::{TaskQueue, static_share};
use super::latency::{self, TaskTimes};
use super::rusage::{self, Who};
use super::start_gate::{self, Gate, Released};
use super::stop::Stop;
use super::{BatchError, BatchSpec, Executor, Schedule};
use crate::model::Sample;
use crate::workload::SharedWorkload;
use std::time::Instant;

/// Runs each batch on freshly started OS threads.
#[derive(Debug, Default)]
pub struct ThreadsExecutor;

struct Shared {
    queue: TaskQueue,
    stop: Stop,
    gate: Gate,
}

impl Executor for ThreadsExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let workers = spec.workers.get();
        workload.prepare().map_err(BatchError::Setup)?;
        let shared = Shared {
            queue: TaskQueue::new(spec.tasks, workers, spec.chunk),
            stop: Stop::new(),
            gate: Gate::new(),
        };
        let spawn_start = Instant::now();
        let (finishes, released) = std::thread::scope(|scope| {
            let handles = spawn_workers(scope, spec, &shared, workload)?;
            let released = release(spec, &shared, workload, spawn_start);
            Ok::<_, BatchError>((join_workers(handles, &shared)?, released))
        })?;
        let used = rusage::read(Who::SelfProcess).since(&released.read);
        let mut sample = released
            .clock
            .finish(finishes.iter().map(|f| f.0).max(), &used);
        shared.stop.outcome(&spec.cancel)?;
        workload
            .end_batch(spec.tasks)
            .map_err(BatchError::BatchCheck)?;
        latency::fill(&mut sample, finishes.iter().map(|f| &f.1));
        Ok(sample)
    }
}

/// Starts the W workers, each pinned if asked, counted in and waiting at the gate. A thread that
/// cannot start aborts the batch and opens the gate so the started ones end.
fn spawn_workers<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    spec: &'env BatchSpec,
    shared: &'env Shared,
    workload: &'env SharedWorkload,
) -> Result<Vec<std::thread::ScopedJoinHandle<'scope, Finish>>, BatchError> {
    let (handles, failed) =
        start_gate::spawn_workers(scope, "plateau-worker", spec, &shared.gate, |i| {
            // Allocated here, before the clock starts: recording a task never allocates.
            let mut times = TaskTimes::new();
            move || {
                work(spec, i, shared, workload.as_ref(), &mut times);
                (Instant::now(), times)
            }
        });
    match failed {
        None => Ok(handles),
        Some(reason) => {
            shared.stop.set();
            shared.gate.open();
            Err(BatchError::Setup(reason))
        }
    }
}

/// Releases the workers once every one waits at the gate, with the batch begun and this
/// process's usage read just before the clock starts.
fn release(
    spec: &BatchSpec,
    shared: &Shared,
    workload: &SharedWorkload,
    spawn_start: Instant,
) -> Released<rusage::Usage> {
    shared.gate.release(spec.workers.get(), spawn_start, || {
        workload.begin_batch(spec.tasks);
        rusage::read(Who::SelfProcess)
    })
}

/// A worker's finish time and its tasks' times.
type Finish = (Instant, TaskTimes);

/// Each worker's finish, or the first panic (after which the others are told to stop).
fn join_workers(
    handles: Vec<std::thread::ScopedJoinHandle<'_, Finish>>,
    shared: &Shared,
) -> Result<Vec<Finish>, BatchError> {
    let mut finishes = Vec::with_capacity(handles.len());
    let mut died = None;
    for (i, h) in handles.into_iter().enumerate() {
        match h.join() {
            Ok(t) => finishes.push(t),
            Err(payload) => {
                shared.stop.set();
                died.get_or_insert(BatchError::WorkerDied {
                    worker: i,
                    reason: panic_message(payload.as_ref()),
                });
            }
        }
    }
    died.map_or(Ok(finishes), Err)
}

fn work(
    spec: &BatchSpec,
    i: usize,
    shared: &Shared,
    workload: &dyn crate::workload::Workload,
    times: &mut TaskTimes,
) {
    let mut run = |task: u64| -> bool {
        if shared.stop.is_set() || spec.cancel.is_cancelled() {
            return false;
        }
        if let Err(e) = times.time(|| workload.run_task(task)) {
            shared.stop.fail(e);
            return false;
        }
        true
    };
    match spec.schedule {
        Schedule::Dynamic => {
            while let Some(chunk) = shared.queue.claim() {
                if !chunk.into_iter().all(&mut run) {
                    break;
                }
            }
        }
        Schedule::Static => {
            for task in static_share(spec.tasks, spec.workers.get(), i) {
                if !run(task) {
                    break;
                }
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::chunking::Chunking;
    use crate::workload::{TaskError, Workload};
    use std::num::{NonZeroU64, NonZeroUsize};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Counts how often each task ran; fails task `fail_at` when set; panics at `panic_at`.
    struct Counting {
        seen: Vec<AtomicU64>,
        fail_at: Option<u64>,
        panic_at: Option<u64>,
    }

    impl Workload for Counting {
        fn describe(&self) -> serde_json::Value {
            serde_json::json!({"name": "counting"})
        }
        fn run_task(&self, task: u64) -> Result<(), TaskError> {
            if self.panic_at == Some(task) {
                panic!("boom at {task}");
            }
            self.seen[task as usize].fetch_add(1, Ordering::Relaxed);
            if self.fail_at == Some(task) {
                return Err(TaskError {
                    task,
                    reason: "bad sum".into(),
                });
            }
            Ok(())
        }
    }

    fn counting(tasks: usize, fail_at: Option<u64>, panic_at: Option<u64>) -> Arc<Counting> {
        Arc::new(Counting {
            seen: (0..tasks).map(|_| AtomicU64::new(0)).collect(),
            fail_at,
            panic_at,
        })
    }

    fn spec(workers: usize, tasks: u64, schedule: Schedule) -> BatchSpec {
        let workers = NonZeroUsize::new(workers).unwrap();
        let cancel = crate::cancel::CancelToken::new();
        BatchSpec::new(workers, tasks, schedule, Default::default(), &cancel)
    }

    #[test]
    fn every_task_runs_exactly_once_in_both_schedules() {
        let chunkings = [
            Chunking::Adaptive,
            Chunking::Fixed(NonZeroU64::new(5).unwrap()),
        ];
        for schedule in [Schedule::Dynamic, Schedule::Static] {
            for (workers, chunk) in [1, 3, 8].into_iter().zip(chunkings.into_iter().cycle()) {
                let w = counting(37, None, None);
                let shared: SharedWorkload = w.clone();
                let mut sp = spec(workers, 37, schedule);
                sp.chunk = chunk;
                let s = ThreadsExecutor.run_batch(&sp, &shared).unwrap();
                assert!(s.wall_s >= 0.0 && s.startup_s >= 0.0);
                assert!(
                    w.seen.iter().all(|c| c.load(Ordering::Relaxed) == 1),
                    "{schedule:?} {workers}"
                );
            }
        }
    }

    #[test]
    fn a_failed_check_is_an_error() {
        let w: SharedWorkload = counting(20, Some(5), None);
        let err = ThreadsExecutor
            .run_batch(&spec(2, 20, Schedule::Dynamic), &w)
            .unwrap_err();
        assert!(
            matches!(err, BatchError::Task(ref t) if t.task == 5),
            "{err}"
        );
    }

    #[test]
    fn a_panicking_worker_is_named() {
        let w: SharedWorkload = counting(20, None, Some(0));
        let err = ThreadsExecutor
            .run_batch(&spec(2, 20, Schedule::Static), &w)
            .unwrap_err();
        assert!(
            matches!(err, BatchError::WorkerDied { worker: 0, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_cancelled_batch_stops_and_says_so() {
        let w = counting(1000, None, None);
        let shared: SharedWorkload = w.clone();
        let sp = spec(2, 1000, Schedule::Dynamic);
        sp.cancel.cancel();
        let err = ThreadsExecutor.run_batch(&sp, &shared).unwrap_err();
        assert!(matches!(err, BatchError::Cancelled));
        assert!(w.seen.iter().all(|c| c.load(Ordering::Relaxed) == 0));
    }

    #[test]
    fn workers_are_pinned_round_robin_over_the_given_cpus() {
        let mut sp = spec(3, 1, Schedule::Dynamic);
        assert_eq!(sp.cpu_for(0), None);
        sp.pin_cpus = vec![4, 6];
        let cpus: Vec<Option<usize>> = (0..3).map(|i| sp.cpu_for(i)).collect();
        assert_eq!(cpus, [Some(4), Some(6), Some(4)]);
    }

    #[test]
    fn pinning_to_an_allowed_cpu_still_runs_everything() {
        let w = counting(10, None, None);
        let shared: SharedWorkload = w.clone();
        let mut sp = spec(2, 10, Schedule::Dynamic);
        sp.pin_cpus = crate::machine::affinity::allowed_cpus(1);
        ThreadsExecutor.run_batch(&sp, &shared).unwrap();
        assert!(w.seen.iter().all(|c| c.load(Ordering::Relaxed) == 1));
    }
}
