//! The command executor: the user's own command, once per task, at most W at a time. Worker i
//! is a thread that runs one child at a time (see `command_spec`) until the tasks run out; a
//! watchdog thread kills children past `--timeout`, and every child on a stop.

use super::child::Watchdog;
use super::command_spec::Outcome;
use super::command_spec::stderr_file;
pub use super::command_spec::{CommandSpec, CommandWorkload, substitute};
use super::rusage::Usage;
use super::threads::{Gate, static_share};
use super::{BatchError, BatchSpec, Executor, Schedule, throttle};
use crate::machine::affinity::pin_current_thread;
use crate::model::Sample;
use crate::workload::{SharedWorkload, TaskError};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Runs the user's command; the batch's workload argument only describes it.
#[derive(Debug, Clone)]
pub struct CommandExecutor {
    spec: CommandSpec,
}

impl CommandExecutor {
    /// An executor of `spec`. Makes plateau the subreaper of its commands' orphans, so the
    /// leftovers it kills are reaped too (see `groups`).
    pub fn new(spec: CommandSpec) -> Self {
        super::groups::become_subreaper();
        Self { spec }
    }
}

#[derive(Default)]
struct Tally {
    usage: Usage,
    failed: u64,
    leftovers: u64,
    finished: Option<Instant>,
}

struct Shared<'a> {
    spec: &'a CommandSpec,
    batch: &'a BatchSpec,
    next: AtomicU64,
    abort: AtomicBool,
    arrived: AtomicUsize,
    failure: Mutex<Option<TaskError>>,
    gate: Gate,
    watch: Watchdog,
    dir: &'a Path,
}

impl Shared<'_> {
    fn stopping(&self) -> bool {
        self.abort.load(Ordering::Acquire) || self.batch.cancel.is_cancelled()
    }

    /// Worker i's loop: one child at a time until the tasks run out or the batch stops.
    fn work(&self, i: usize) -> Tally {
        let mut tally = Tally::default();
        let stderr = match stderr_file(&self.dir.join(format!("stderr-{i}"))) {
            Ok(f) => f,
            Err(e) => {
                self.fail(TaskError {
                    task: 0,
                    reason: format!("cannot make worker {i}'s stderr file: {e}"),
                });
                return tally;
            }
        };
        let mut share = static_share(self.batch.tasks, self.batch.workers.get(), i);
        loop {
            let task = match self.batch.schedule {
                Schedule::Dynamic => self.next.fetch_add(1, Ordering::Relaxed),
                Schedule::Static => share.next().unwrap_or(u64::MAX),
            };
            if task >= self.batch.tasks || self.stopping() {
                break;
            }
            let run = self.spec.run(task, i, &stderr, Some(&self.watch));
            tally.usage.add(&run.usage);
            tally.leftovers += run.leftovers;
            match run.outcome {
                Ok(Outcome::Done) => {}
                Ok(Outcome::Stopped) => break,
                Err(_) if self.stopping() => break,
                Err(_) if self.spec.keep_going => tally.failed += 1,
                Err(e) => {
                    self.fail(e);
                    break;
                }
            }
        }
        tally.finished = Some(Instant::now());
        tally
    }

    /// Stops the batch with this error (the first one is kept).
    fn fail(&self, e: TaskError) {
        self.abort.store(true, Ordering::Release);
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(e);
    }
}

impl Executor for CommandExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        _workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let workers = spec.workers.get();
        let dir = tempfile::Builder::new()
            .prefix("plateau-command-")
            .tempdir()
            .map_err(|e| {
                BatchError::Setup(format!(
                    "cannot make a folder for the commands' stderr: {e}"
                ))
            })?;
        let shared = Shared {
            spec: &self.spec,
            batch: spec,
            next: AtomicU64::new(0),
            abort: AtomicBool::new(false),
            arrived: AtomicUsize::new(0),
            failure: Mutex::new(None),
            gate: Gate::new(),
            watch: Watchdog::new(workers),
            dir: dir.path(),
        };
        let spawn_start = Instant::now();
        let mut release = spawn_start;
        let mut throttled_before = None;
        let tallies: Vec<Tally> = std::thread::scope(|scope| {
            let dog = scope.spawn(|| shared.watch.run(&spec.cancel, &shared.abort));
            let mut handles = Vec::with_capacity(workers);
            for i in 0..workers {
                let shared = &shared;
                let pin = spec.cpu_for(i);
                let built = std::thread::Builder::new()
                    .name(format!("plateau-command-{i}"))
                    .spawn_scoped(scope, move || {
                        // Children inherit the affinity of the thread that starts them.
                        if let Some(cpu) = pin {
                            pin_current_thread(cpu);
                        }
                        shared.arrived.fetch_add(1, Ordering::AcqRel);
                        shared.gate.wait();
                        shared.work(i)
                    });
                match built {
                    Ok(h) => handles.push(h),
                    Err(e) => {
                        shared.abort.store(true, Ordering::Release);
                        shared
                            .failure
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .get_or_insert(TaskError {
                                task: 0,
                                reason: format!(
                                    "could not start worker thread {i} of {workers}: {e}"
                                ),
                            });
                        break;
                    }
                }
            }
            while shared.arrived.load(Ordering::Acquire) < handles.len() {
                std::thread::sleep(Duration::from_micros(50));
            }
            throttled_before = throttle::read();
            release = Instant::now();
            shared.gate.open();
            let tallies = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect();
            shared.watch.finish();
            let _ = dog.join();
            tallies
        });
        let throttled_after = throttle::read();
        if let Some(e) = shared
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            return Err(BatchError::Task(e));
        }
        if spec.cancel.is_cancelled() {
            return Err(BatchError::Cancelled);
        }
        let mut total = Usage::default();
        for t in &tallies {
            total.add(&t.usage);
        }
        let last = tallies
            .iter()
            .filter_map(|t| t.finished)
            .max()
            .unwrap_or(release);
        let mut sample = total.into_sample(
            last.saturating_duration_since(release),
            release.saturating_duration_since(spawn_start),
        );
        sample.worker_peak_rss_bytes = tallies.iter().map(|t| t.usage.maxrss_bytes).collect();
        sample.failed_tasks = self
            .spec
            .keep_going
            .then(|| tallies.iter().map(|t| t.failed).sum());
        let leftovers: u64 = tallies.iter().map(|t| t.leftovers).sum();
        sample.leftover_processes = (leftovers > 0).then_some(leftovers);
        throttle::fill_delta(&mut sample, throttled_before, throttled_after);
        Ok(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelling_kills_running_commands() {
        let spec = CommandSpec {
            argv: vec!["sleep".into(), "100".into()],
            shell: false,
            timeout: None,
            keep_going: false,
        };
        let batch = BatchSpec {
            workers: std::num::NonZeroUsize::new(2).unwrap(),
            tasks: 4,
            schedule: Schedule::Dynamic,
            pin_cpus: vec![],
            cancel: crate::cancel::CancelToken::new(),
            chunk: Default::default(),
        };
        let cancel = batch.cancel.clone();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            cancel.cancel();
        });
        let t = Instant::now();
        let w: SharedWorkload = std::sync::Arc::new(CommandWorkload::new(spec.clone()));
        let err = CommandExecutor::new(spec)
            .run_batch(&batch, &w)
            .unwrap_err();
        stopper.join().unwrap();
        assert!(matches!(err, BatchError::Cancelled), "{err}");
        assert!(
            t.elapsed() < Duration::from_secs(50),
            "the sleeps were not killed"
        );
    }
}
