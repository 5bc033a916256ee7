//! The start line of a batch's worker threads: each is started pinned if asked, checks in and
//! waits at a gate that the main thread opens once every started worker is there, after it
//! reads the clock, so no task begins before the timing does.

use super::BatchSpec;
use super::batch_clock::BatchClock;
use crate::machine::affinity::pin_current_thread;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

/// The start barrier: workers wait until the main thread opens it, once. Unlike
/// `std::sync::Barrier` it can be opened with fewer parties, when a spawn fails.
pub(crate) struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
    arrived: AtomicUsize,
}

impl Gate {
    /// A closed gate with no one at it.
    pub(crate) fn new() -> Self {
        Self {
            open: Mutex::new(false),
            cv: Condvar::new(),
            arrived: AtomicUsize::new(0),
        }
    }

    /// Checks in, then blocks until the gate is opened.
    pub(crate) fn arrive_and_wait(&self) {
        self.arrived.fetch_add(1, Ordering::AcqRel);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        while !*open {
            open = self.cv.wait(open).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Blocks until `n` workers have checked in.
    pub(crate) fn await_arrivals(&self, n: usize) {
        while self.arrived.load(Ordering::Acquire) < n {
            std::thread::sleep(Duration::from_micros(50));
        }
    }

    /// Opens the gate for every waiter, present and future.
    pub(crate) fn open(&self) {
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.cv.notify_all();
    }

    /// The release of a batch: waits until `started` workers wait at the gate, starts the
    /// batch's clock (`BatchClock::start`, which runs `before`, the executor's own per-batch
    /// setup and counters) and opens the gate. Only the main thread releases, so no task can
    /// begin before the clock is read. `spawn_start` is when the first worker was started.
    pub(crate) fn release<T>(
        &self,
        started: usize,
        spawn_start: Instant,
        before: impl FnOnce() -> T,
    ) -> Released<T> {
        self.await_arrivals(started);
        let (clock, read) = BatchClock::start(spawn_start, before);
        self.open();
        Released { clock, read }
    }
}

/// What the main thread read as it opened the gate: the batch's clock, and the executor's own
/// reading `T`.
pub(crate) struct Released<T> {
    /// The batch's clock, started at the release.
    pub(crate) clock: BatchClock,
    /// What `before` returned.
    pub(crate) read: T,
}

/// Starts a worker thread called `name` that pins itself to `pin` (the children it starts
/// inherit that affinity), checks in at `gate`, waits there, then runs `body`.
fn spawn_gated<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    name: String,
    pin: Option<usize>,
    gate: &'scope Gate,
    body: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<ScopedJoinHandle<'scope, T>> {
    std::thread::Builder::new()
        .name(name)
        .spawn_scoped(scope, move || {
            if let Some(cpu) = pin {
                pin_current_thread(cpu);
            }
            gate.arrive_and_wait();
            body()
        })
}

/// Starts a batch's workers: worker i is a thread called `{prefix}-{i}`, pinned to the batch's
/// CPU for i, gated at `gate`, running `body(i)`. Stops at the first thread that cannot start:
/// the handles of the started ones, and then that failure as a sentence. The caller fails the
/// batch and still opens the gate, so the started ones pass it and stop.
pub(crate) fn spawn_workers<'scope, T: Send + 'scope, F: FnOnce() -> T + Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    prefix: &str,
    batch: &BatchSpec,
    gate: &'scope Gate,
    body: impl Fn(usize) -> F,
) -> (Vec<ScopedJoinHandle<'scope, T>>, Option<String>) {
    let workers = batch.workers.get();
    let mut handles = Vec::with_capacity(workers);
    for i in 0..workers {
        let name = format!("{prefix}-{i}");
        match spawn_gated(scope, name, batch.cpu_for(i), gate, body(i)) {
            Ok(h) => handles.push(h),
            Err(e) => {
                let failed = format!("could not start worker thread {i} of {workers}: {e}");
                return (handles, Some(failed));
            }
        }
    }
    (handles, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn no_worker_passes_before_the_gate_opens() {
        let gate = Gate::new();
        let opened = AtomicBool::new(false);
        let passed_early = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..3)
                .map(|i| {
                    spawn_gated(scope, format!("t{i}"), None, &gate, || {
                        !opened.load(Ordering::Acquire)
                    })
                    .unwrap()
                })
                .collect();
            let spawn_start = Instant::now();
            let released = gate.release(3, spawn_start, || {
                opened.store(true, Ordering::Release);
                7
            });
            assert_eq!(released.read, 7);
            assert!(released.clock.at() >= spawn_start);
            assert_eq!(released.clock.startup(), released.clock.at() - spawn_start);
            handles.into_iter().any(|h| h.join().unwrap())
        });
        assert!(!passed_early);
    }
}
