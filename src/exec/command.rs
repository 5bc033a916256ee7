//! The command executor: the user's own command, once per task, at most W at a time. Worker i
//! is a thread that runs one child at a time (see `command_spec`) until the tasks run out; a
//! watchdog thread kills children past `--timeout`, and every child on a stop.

use super::child::Watchdog;
use super::chunking::static_share;
use super::command_spec::Outcome;
use super::command_spec::stderr_file;
pub use super::command_spec::{CommandSpec, substitute};
pub use super::command_workload::CommandWorkload;
use super::latency::{self, TaskTimes};
use super::rusage::Usage;
use super::start_gate::{self, Gate, Released};
use super::stop::Stop;
use super::{BatchError, BatchSpec, Executor, Schedule};
use crate::model::Sample;
use crate::workload::{SharedWorkload, TaskError};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

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
    times: TaskTimes,
}

struct Shared<'a> {
    spec: &'a CommandSpec,
    batch: &'a BatchSpec,
    next: AtomicU64,
    stop: Stop,
    gate: Gate,
    watch: Watchdog,
    dir: &'a Path,
}

impl<'a> Shared<'a> {
    fn new(spec: &'a CommandSpec, batch: &'a BatchSpec, dir: &'a Path) -> Self {
        Self {
            spec,
            batch,
            next: AtomicU64::new(0),
            stop: Stop::new(),
            gate: Gate::new(),
            watch: Watchdog::new(batch.workers.get()),
            dir,
        }
    }

    fn stopping(&self) -> bool {
        self.stop.is_set() || self.batch.cancel.is_cancelled()
    }

    /// Worker i's loop: one child at a time until the tasks run out or the batch stops.
    fn work(&self, i: usize, times: TaskTimes) -> Tally {
        let mut tally = Tally {
            times,
            ..Tally::default()
        };
        let stderr = match stderr_file(&self.dir.join(format!("stderr-{i}"))) {
            Ok(f) => f,
            Err(e) => {
                self.stop.fail(TaskError {
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
            let run = tally
                .times
                .time(|| self.spec.run(task, i, &stderr, Some(&self.watch)));
            tally.usage.add(&run.usage);
            tally.leftovers += run.leftovers;
            match run.outcome {
                Ok(Outcome::Done) => {}
                Ok(Outcome::Stopped) => break,
                Err(_) if self.stopping() => break,
                Err(_) if self.spec.keep_going => tally.failed += 1,
                Err(e) => {
                    self.stop.fail(e);
                    break;
                }
            }
        }
        tally.finished = Some(Instant::now());
        tally
    }

    /// Runs the batch: the watchdog and the workers, released together once all have started;
    /// each worker's tally, and the release.
    fn run_workers(&self) -> (Vec<Tally>, Released<()>) {
        let spawn_start = Instant::now();
        std::thread::scope(|scope| {
            let dog = scope.spawn(|| self.watch.run(&self.batch.cancel, self.stop.flag()));
            let handles = self.spawn_workers(scope);
            let released = self.gate.release(handles.len(), spawn_start, || ());
            let tallies = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect();
            self.watch.finish();
            let _ = dog.join();
            (tallies, released)
        })
    }

    /// Starts the workers, each pinned if asked, counted in and waiting at the gate. A thread
    /// that cannot start fails the batch; the ones started still pass the gate and stop.
    fn spawn_workers<'scope>(
        &'scope self,
        scope: &'scope std::thread::Scope<'scope, '_>,
    ) -> Vec<std::thread::ScopedJoinHandle<'scope, Tally>> {
        let (handles, failed) =
            start_gate::spawn_workers(scope, "plateau-command", self.batch, &self.gate, |i| {
                // Allocated before the clock starts: recording a task never allocates.
                let times = TaskTimes::new();
                move || self.work(i, times)
            });
        if let Some(reason) = failed {
            self.stop.fail(TaskError { task: 0, reason });
        }
        handles
    }
}

/// A folder for the workers' stderr files, removed when dropped.
fn stderr_dir() -> Result<super::scratch::Scratch, BatchError> {
    super::scratch::Scratch::new("plateau-command-").map_err(|e| {
        BatchError::Setup(format!(
            "cannot make a folder for the commands' stderr: {e}"
        ))
    })
}

/// The batch's sample from the workers' tallies: summed usage, wall time from the release to
/// the last worker's end, per-worker peak RSS, failures (with `--keep-going`) and leftovers.
fn sample_of(tallies: &[Tally], released: Released<()>, keep_going: bool) -> Sample {
    let mut total = Usage::default();
    for t in tallies {
        total.add(&t.usage);
    }
    let last = tallies.iter().filter_map(|t| t.finished).max();
    let mut sample = released.clock.finish(last, &total);
    sample.worker_peak_rss_bytes = tallies.iter().map(|t| t.usage.maxrss_bytes).collect();
    sample.failed_tasks = keep_going.then(|| tallies.iter().map(|t| t.failed).sum());
    let leftovers: u64 = tallies.iter().map(|t| t.leftovers).sum();
    sample.leftover_processes = (leftovers > 0).then_some(leftovers);
    latency::fill(&mut sample, tallies.iter().map(|t| &t.times));
    sample
}

impl Executor for CommandExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        _workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let dir = stderr_dir()?;
        let shared = Shared::new(&self.spec, spec, dir.path());
        let (tallies, released) = shared.run_workers();
        let sample = sample_of(&tallies, released, self.spec.keep_going);
        shared.stop.outcome(&spec.cancel)?;
        Ok(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn cancelling_kills_running_commands() {
        let spec = CommandSpec {
            argv: vec!["sleep".into(), "100".into()],
            shell: false,
            timeout: None,
            keep_going: false,
        };
        let two = std::num::NonZeroUsize::new(2).unwrap();
        let cancel = crate::cancel::CancelToken::new();
        let batch = BatchSpec::new(two, 4, Schedule::Dynamic, Default::default(), &cancel);
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
