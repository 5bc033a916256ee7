//! The worker side of `--mode processes`: the hidden `plateau __worker` subcommand. It reads a
//! setup line on stdin (the workload and an optional CPU to pin to), prepares the workload,
//! says it is ready, then runs the chunks of tasks it is sent, answering each, until told to
//! quit; it then reports its own CPU time, context switches and peak RSS and exits.
//!
//! The messages are those of `exec::protocol`, read and written through its types.

use super::protocol::{FromWorker, ToWorker, WorkerSetup};
use super::rusage::{self, Who};
use crate::machine::affinity::pin_current_thread;
use crate::workload::setup::from_setup;
use std::io::{BufRead, Write};

/// Test hook, harmless elsewhere: `W:T` makes a worker of a W-worker batch abort (as a
/// crashing worker would) when it is asked to run task T.
pub const ABORT_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_ABORT";
/// Test hook, harmless elsewhere: a file every worker appends the number of each task it ran to.
pub const TASK_LOG_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_TASK_LOG";

/// The test hooks as set in this process's environment.
struct Hooks {
    abort_at: Option<(usize, u64)>,
    task_log: Option<std::fs::File>,
}

impl Hooks {
    fn from_env() -> Self {
        let abort_at = std::env::var(ABORT_HOOK_ENV).ok().and_then(|v| {
            let (w, t) = v.split_once(':')?;
            Some((w.parse().ok()?, t.parse().ok()?))
        });
        let task_log = std::env::var_os(TASK_LOG_HOOK_ENV).and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        Self { abort_at, task_log }
    }

    fn before_task(&mut self, workers: usize, task: u64) {
        if self.abort_at == Some((workers, task)) {
            std::process::abort();
        }
        if let Some(f) = &mut self.task_log {
            // One short append per line: lines from concurrent workers do not interleave.
            let _ = f.write_all(format!("{task}\n").as_bytes());
        }
    }
}

/// Runs a worker on this process's stdin and stdout.
pub fn main() -> anyhow::Result<()> {
    // A worker must not outlive its coordinator, even in the middle of a long chunk.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with these arguments only sets this process's parent-death signal.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    serve(stdin, std::io::BufWriter::new(stdout))
}

/// The worker loop over any line reader and writer (stdin and stdout in a real worker).
pub fn serve(mut input: impl BufRead, mut out: impl Write) -> anyhow::Result<()> {
    let mut hooks = Hooks::from_env();
    let mut line = String::new();
    input.read_line(&mut line)?;
    let (workload, workers) = match WorkerSetup::parse(line.trim_end()).and_then(|s| {
        if let Some(cpu) = s.pin_cpu {
            pin_current_thread(cpu);
        }
        let w = from_setup(&s.workload)?;
        w.prepare()?;
        Ok((w, s.workers))
    }) {
        Ok(w) => w,
        Err(reason) => {
            let failed = FromWorker::SetupFailed {
                reason: reason.clone(),
            };
            writeln!(out, "{}", failed.encode())?;
            out.flush()?;
            anyhow::bail!("worker setup failed: {reason}");
        }
    };
    let start = rusage::read(Who::SelfProcess);
    writeln!(out, "{}", FromWorker::Ready.encode())?;
    out.flush()?;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            // The coordinator went away: nothing left to do.
            return Ok(());
        }
        match ToWorker::parse(line.trim_end())? {
            ToWorker::Run(tasks) => {
                let mut answer = FromWorker::Done;
                for task in tasks {
                    hooks.before_task(workers, task);
                    if let Err(e) = workload.run_task(task) {
                        answer = FromWorker::TaskFailed {
                            task,
                            reason: e.reason,
                        };
                        break;
                    }
                }
                writeln!(out, "{}", answer.encode())?;
                out.flush()?;
            }
            ToWorker::Quit => {
                let end = rusage::read(Who::SelfProcess);
                let usage = rusage::Usage {
                    user_s: (end.user_s - start.user_s).max(0.0),
                    sys_s: (end.sys_s - start.sys_s).max(0.0),
                    nvcsw: end.nvcsw.saturating_sub(start.nvcsw),
                    nivcsw: end.nivcsw.saturating_sub(start.nivcsw),
                    maxrss_bytes: end.maxrss_bytes,
                };
                writeln!(out, "{}", FromWorker::Usage(usage).encode())?;
                out.flush()?;
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converse(input: &str) -> (anyhow::Result<()>, String) {
        let mut out = Vec::new();
        let r = serve(input.as_bytes(), &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_worker_runs_chunks_and_reports_usage() {
        let setup =
            r#"{"workload":{"name":"cpu","iterations":100},"pin_cpu":null,"worker":0,"workers":1}"#;
        let (r, out) = converse(&format!("{setup}\nR 0 5\nR 5 9\nQ\n"));
        r.unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(&lines[..3], &["K", "D", "D"]);
        assert!(lines[3].starts_with("U "), "{out}");
        assert_eq!(lines[3].split_whitespace().count(), 6);
    }

    #[test]
    fn failures_are_reported_not_hidden() {
        let (r, out) = converse(
            "{\"workload\":{\"name\":\"nope\"},\"pin_cpu\":null,\"worker\":0,\"workers\":1}\n",
        );
        assert!(r.is_err());
        assert!(out.starts_with("F \""), "{out}");
        // A contended worker whose coordinator's counter file is missing cannot set up.
        let setup = r#"{"workload":{"name":"contended","updates_per_task":1,"shared_file":"/nonexistent/x"},"pin_cpu":null,"worker":0,"workers":1}"#;
        let (r, out) = converse(&format!("{setup}\n"));
        assert!(r.is_err() && out.starts_with("F "), "{out}");
    }
}
