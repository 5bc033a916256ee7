//! The command executor: the user's own command, once per task, at most W at a time. Worker i
//! is a thread that starts one child at a time (in its own process group, `{task}` and
//! `{worker}` replaced, PLATEAU_TASK / PLATEAU_WORKER set), waits for it, and checks its exit
//! status; a watchdog kills children past `--timeout` and every child on a stop.

use super::child::{self, Killed, Watchdog};
use super::rusage::Usage;
use super::threads::{Gate, static_share};
use super::{BatchError, BatchSpec, Executor, Schedule, throttle};
use crate::machine::affinity::pin_current_thread;
use crate::model::Sample;
use crate::workload::{SharedWorkload, TaskError, Workload};
use serde_json::json;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Bytes of a failed command's stderr shown in the error.
const STDERR_TAIL_BYTES: usize = 1500;

/// The user's command and how to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandSpec {
    /// The program and its arguments as given after `--`.
    pub argv: Vec<String>,
    /// Run `sh -c` on the arguments joined by spaces.
    pub shell: bool,
    /// Kill a task that runs longer than this.
    pub timeout: Option<Duration>,
    /// Record failures instead of stopping.
    pub keep_going: bool,
}

/// Replaces `{task}` and `{worker}` in one argument.
pub fn substitute(arg: &str, task: u64, worker: usize) -> String {
    arg.replace("{task}", &task.to_string())
        .replace("{worker}", &worker.to_string())
}

impl CommandSpec {
    /// The argv of task `task` on worker `worker` (with `sh -c` in front under `--shell`).
    pub fn argv_for(&self, task: u64, worker: usize) -> Vec<String> {
        if self.shell {
            let line = substitute(&self.argv.join(" "), task, worker);
            vec!["sh".into(), "-c".into(), line]
        } else {
            self.argv
                .iter()
                .map(|a| substitute(a, task, worker))
                .collect()
        }
    }

    /// `{"name": "command", "argv": [...], "shell": bool, ...}` for results.json.
    pub fn describe(&self) -> serde_json::Value {
        json!({
            "name": "command",
            "argv": self.argv,
            "shell": self.shell,
            "timeout_s": self.timeout.map(|t| t.as_secs_f64()),
            "keep_going": self.keep_going,
        })
    }

    /// Starts task `task` as worker `worker` in its own process group; returns its pid.
    fn spawn(&self, task: u64, worker: usize, stderr: File) -> std::io::Result<i32> {
        let argv = self.argv_for(task, worker);
        let child = std::process::Command::new(&argv[0])
            .args(&argv[1..])
            .env("PLATEAU_TASK", task.to_string())
            .env("PLATEAU_WORKER", worker.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .process_group(0)
            .spawn()?;
        // The Child handle is dropped unwaited: `child::reap` waits for the pid itself.
        Ok(child.id() as i32)
    }

    /// Runs task `task` as worker `worker` to its end, with `watch` enforcing the timeout.
    fn run(
        &self,
        task: u64,
        worker: usize,
        stderr_path: &Path,
        watch: Option<&Watchdog>,
    ) -> TaskRun {
        let fail = |reason: String| TaskRun {
            usage: Usage::default(),
            outcome: Err(TaskError { task, reason }),
        };
        let file = match File::create(stderr_path) {
            Ok(f) => f,
            Err(e) => return fail(format!("cannot capture the command's stderr: {e}")),
        };
        let pid = match self.spawn(task, worker, file) {
            Ok(pid) => pid,
            Err(e) => {
                return fail(format!(
                    "could not start {:?}: {e}",
                    self.argv_for(task, worker)[0]
                ));
            }
        };
        let deadline = self.timeout.map(|t| Instant::now() + t);
        if let Some(w) = watch {
            w.register(worker, pid, deadline);
        }
        let waited = child::wait_exit(pid);
        let killed = watch.and_then(|w| w.unregister(worker));
        let (status, usage) = match child::reap(pid) {
            Ok(r) => r,
            Err(e) => return fail(format!("waiting for the command failed: {e} ({waited:?})")),
        };
        let outcome = match killed {
            Some(Killed::Stop) => Ok(Outcome::Stopped),
            Some(Killed::Timeout) => Err(format!(
                "ran longer than --timeout {:?} and was killed",
                self.timeout.unwrap_or_default()
            )),
            None if child::succeeded(status) => Ok(Outcome::Done),
            None => Err(child::describe_status(status)),
        };
        TaskRun {
            usage,
            outcome: outcome.map_err(|how| TaskError {
                task,
                reason: format!(
                    "`{}` {how}{}",
                    self.argv_for(task, worker).join(" "),
                    stderr_tail(stderr_path)
                ),
            }),
        }
    }
}

/// The last lines of a captured stderr, as a suffix for an error message.
fn stderr_tail(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_default();
    let start = bytes.len().saturating_sub(STDERR_TAIL_BYTES);
    let text = String::from_utf8_lossy(&bytes[start..]);
    let text = text.trim_end();
    if text.is_empty() {
        "; its stderr was empty".into()
    } else {
        let body: Vec<String> = text.lines().map(|l| format!("  | {l}")).collect();
        format!("; the end of its stderr:\n{}", body.join("\n"))
    }
}

enum Outcome {
    Done,
    Stopped,
}

struct TaskRun {
    usage: Usage,
    outcome: Result<Outcome, TaskError>,
}

/// The command as a workload: it describes the command for results.json; `run_task` runs it
/// once as worker 0 (without `--timeout`, which the executor's watchdog enforces).
#[derive(Debug, Clone)]
pub struct CommandWorkload(CommandSpec);

impl CommandWorkload {
    /// The workload of a validated command.
    pub fn new(spec: CommandSpec) -> Self {
        Self(spec)
    }
}

impl Workload for CommandWorkload {
    fn name(&self) -> &'static str {
        "command"
    }

    fn describe(&self) -> serde_json::Value {
        self.0.describe()
    }

    fn run_task(&self, task: u64) -> Result<(), TaskError> {
        let dir = tempfile::tempdir().map_err(|e| TaskError {
            task,
            reason: format!("cannot make a folder for the command's stderr: {e}"),
        })?;
        self.0
            .run(task, 0, &dir.path().join("stderr"), None)
            .outcome
            .map(|_| ())
    }
}

/// Runs the user's command; the batch's workload argument only describes it.
#[derive(Debug, Clone)]
pub struct CommandExecutor {
    spec: CommandSpec,
}

impl CommandExecutor {
    /// An executor of `spec`.
    pub fn new(spec: CommandSpec) -> Self {
        Self { spec }
    }
}

#[derive(Default)]
struct Tally {
    usage: Usage,
    failed: u64,
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
        let stderr_path = self.dir.join(format!("stderr-{i}"));
        let mut share = static_share(self.batch.tasks, self.batch.workers.get(), i);
        loop {
            let task = match self.batch.schedule {
                Schedule::Dynamic => self.next.fetch_add(1, Ordering::Relaxed),
                Schedule::Static => share.next().unwrap_or(u64::MAX),
            };
            if task >= self.batch.tasks || self.stopping() {
                break;
            }
            let run = self.spec.run(task, i, &stderr_path, Some(&self.watch));
            tally.usage.add(&run.usage);
            match run.outcome {
                Ok(Outcome::Done) => {}
                Ok(Outcome::Stopped) => break,
                Err(_) if self.stopping() => break,
                Err(_) if self.spec.keep_going => tally.failed += 1,
                Err(e) => {
                    self.abort.store(true, Ordering::Release);
                    self.failure
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                    break;
                }
            }
        }
        tally.finished = Some(Instant::now());
        tally
    }
}

impl Executor for CommandExecutor {
    fn mode(&self) -> &'static str {
        "command"
    }

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
                let pin =
                    (!spec.pin_cpus.is_empty()).then(|| spec.pin_cpus[i % spec.pin_cpus.len()]);
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
        throttle::fill_delta(&mut sample, throttled_before, throttled_after);
        Ok(sample)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_everywhere() {
        let spec = CommandSpec {
            argv: vec!["echo".into(), "t={task}".into(), "{worker}/{task}".into()],
            shell: false,
            timeout: None,
            keep_going: false,
        };
        assert_eq!(spec.argv_for(7, 2), vec!["echo", "t=7", "2/7"]);
        let sh = CommandSpec {
            shell: true,
            ..spec.clone()
        };
        assert_eq!(sh.argv_for(7, 2), vec!["sh", "-c", "echo t=7 2/7"]);
        assert_eq!(spec.describe()["argv"][1], "t={task}");
        assert_eq!(spec.describe()["shell"], false);
    }

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

    #[test]
    fn the_workload_form_runs_the_command_once() {
        let ok = CommandWorkload::new(CommandSpec {
            argv: vec!["sh".into(), "-c".into(), "test {task} = 4".into()],
            shell: false,
            timeout: None,
            keep_going: false,
        });
        ok.run_task(4).unwrap();
        let err = ok.run_task(5).unwrap_err();
        assert!(err.reason.contains("exited with status 1"), "{err}");
    }
}
