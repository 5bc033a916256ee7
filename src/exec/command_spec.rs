//! The user's command and one run of it: `{task}` and `{worker}` replaced, PLATEAU_TASK /
//! PLATEAU_WORKER set, started in its own process group (so a kill reaches anything it
//! started), waited for, judged by its exit status, with the tail of its stderr on failure,
//! and its group emptied of anything it left behind (`groups`).
//!
//! Spawning takes std's `posix_spawn` (vfork-like) path: no `pre_exec` closure, the process
//! group set through the spawn attributes, and stderr into the worker's one reused file
//! (truncated per task) rather than a new file per task.

use super::child::{self, Killed, Watchdog};
use super::command_workload::CommandForm;
use super::groups;
use super::rusage::Usage;
use super::stderr_tail::suffix_of_file;
use crate::workload::TaskError;
use serde_json::json;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
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

    /// Starts task `task` as worker `worker` in its own process group; returns its pid.
    fn spawn(&self, task: u64, worker: usize, stderr: &File) -> std::io::Result<i32> {
        let argv = self.argv_for(task, worker);
        let mut cmd = std::process::Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .env("PLATEAU_TASK", task.to_string())
            .env("PLATEAU_WORKER", worker.to_string())
            .env(super::guard::RUN_PID_ENV, std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr.try_clone()?)
            // In its own group the child does not get the terminal's Ctrl-C: plateau's own
            // handler stops it (see `groups`). No pre_exec hook: it would force fork+exec.
            .process_group(0);
        let child = cmd.spawn()?;
        // The Child handle is dropped unwaited: `child::reap` waits for the pid itself.
        Ok(child.id() as i32)
    }

    /// Runs task `task` as worker `worker` to its end, with `watch` enforcing the timeout.
    /// `stderr` is the worker's capture file, opened for appending (see `stderr_file`); it is
    /// emptied first.
    pub(crate) fn run(
        &self,
        task: u64,
        worker: usize,
        stderr: &File,
        watch: Option<&Watchdog>,
    ) -> TaskRun {
        let fail = |reason: String| TaskRun {
            usage: Usage::default(),
            outcome: Err(TaskError { task, reason }),
            leftovers: 0,
        };
        if let Err(e) = stderr.set_len(0) {
            return fail(format!("cannot capture the command's stderr: {e}"));
        }
        let pid = match self.spawn(task, worker, stderr) {
            Ok(pid) => pid,
            Err(e) => {
                return fail(format!(
                    "could not start {:?}: {e}",
                    self.argv_for(task, worker)[0]
                ));
            }
        };
        groups::register(pid);
        let deadline = self.timeout.map(|t| Instant::now() + t);
        if let Some(w) = watch {
            w.register(worker, pid, deadline);
        }
        let waited = child::wait_exit(pid);
        let killed = watch.and_then(|w| w.unregister(worker));
        let reaped = child::reap(pid);
        // The main process has ended: whatever is left of its group goes too. Leftovers of a
        // killed task are not counted, as they may still be dying from the same kill.
        let left = groups::end_leftovers(pid);
        groups::unregister(pid);
        let leftovers = if killed.is_some() { 0 } else { left };
        let (status, usage) = match reaped {
            Ok(r) => r,
            Err(e) => return fail(format!("waiting for the command failed: {e} ({waited:?})")),
        };
        let outcome = match killed {
            Some(Killed::Stop) => Ok(Outcome::Stopped),
            Some(Killed::Timeout) => Err(format!(
                "ran longer than --timeout {} and was killed",
                crate::numbers::show_duration(self.timeout.unwrap_or_default())
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
                    suffix_of_file(stderr, STDERR_TAIL_BYTES)
                ),
            }),
            leftovers,
        }
    }
}

/// A worker's stderr capture file at `path`: created, and opened for appending so each task's
/// output starts at the beginning once the file is emptied.
pub(crate) fn stderr_file(path: &Path) -> std::io::Result<File> {
    File::options()
        .read(true)
        .append(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// How a run that did not fail ended.
pub(crate) enum Outcome {
    /// It exited with status 0.
    Done,
    /// The watchdog killed it because the batch is stopping.
    Stopped,
}

/// One run of the command: what it used, how it ended, and how many processes it left in its
/// group when its main process exited (killed since).
pub(crate) struct TaskRun {
    pub(crate) usage: Usage,
    pub(crate) outcome: Result<Outcome, TaskError>,
    pub(crate) leftovers: u64,
}

impl CommandForm for CommandSpec {
    /// `{"name": "command", "argv": [...], "shell": bool, ...}` for results.json.
    fn describe(&self) -> serde_json::Value {
        json!({
            "name": "command",
            "argv": self.argv,
            "shell": self.shell,
            "timeout_s": self.timeout.map(|t| t.as_secs_f64()),
            "keep_going": self.keep_going,
        })
    }

    /// The command once as worker 0 (without `--timeout`, which the executor's watchdog
    /// enforces).
    fn run_alone(&self, task: u64) -> Result<(), TaskError> {
        let dir = tempfile::tempdir().map_err(|e| TaskError {
            task,
            reason: format!("cannot make a folder for the command's stderr: {e}"),
        })?;
        let stderr = stderr_file(&dir.path().join("stderr")).map_err(|e| TaskError {
            task,
            reason: format!("cannot capture the command's stderr: {e}"),
        })?;
        self.run(task, 0, &stderr, None).outcome.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::command_workload::CommandWorkload;
    use crate::workload::Workload;

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
