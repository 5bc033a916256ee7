//! The worker side of `--mode processes`: the hidden `plateau __worker` subcommand. It rebuilds
//! the workload described in `PLATEAU_WORKER_SETUP`, prepares it, says `ready 1`, then answers
//! each task number on stdin with `ok` or `error MESSAGE` until `quit` or the end of its input:
//! the worker protocol of `exec::protocol`, the one a `--persistent` command speaks.

use super::protocol::{FromWorker, ToWorker, VERSION};
use crate::workload::setup::from_setup;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::{Duration, Instant};

/// The environment variable that carries a worker's `WorkerSetup` as JSON.
pub const SETUP_ENV: &str = "PLATEAU_WORKER_SETUP";
/// Test hook, harmless elsewhere: `W:T` makes a worker of a W-worker batch abort (as a
/// crashing worker would) when it is asked to run task T.
pub const ABORT_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_ABORT";
/// Test hook, harmless elsewhere: a file every worker appends the number of each task it ran to.
pub const TASK_LOG_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_TASK_LOG";
/// Answers are held at most this long to share one write when more tasks are already queued.
const FLUSH_EVERY: Duration = Duration::from_millis(1);

/// What a worker is told at start (plateau's own workers only: the user's get PLATEAU_WORKER).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkerSetup {
    /// `Workload::worker_setup` of the coordinator's workload.
    pub workload: serde_json::Value,
    /// This worker's index in its batch.
    pub worker: usize,
    /// Workers in the batch.
    pub workers: usize,
}

impl WorkerSetup {
    /// The setup as one JSON line.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a setup of plain values serializes")
    }

    /// The setup as a worker reads it.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("bad worker setup: {e}"))
    }
}

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
    // A worker must not outlive its coordinator, even in the middle of a long task.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with these arguments only sets this process's parent-death signal.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let setup = std::env::var(SETUP_ENV).unwrap_or_default();
    let stdin = BufReader::new(std::io::stdin());
    let stdout = std::io::stdout().lock();
    serve(&setup, stdin, std::io::BufWriter::new(stdout))
}

/// The worker loop for a setup over any line reader and writer (stdin and stdout in a worker).
pub fn serve(
    setup: &str,
    mut input: BufReader<impl Read>,
    mut out: impl Write,
) -> anyhow::Result<()> {
    let mut hooks = Hooks::from_env();
    let ready = WorkerSetup::parse(setup).and_then(|s| {
        let w = from_setup(&s.workload)?;
        w.prepare()?;
        Ok((w, s.workers))
    });
    let (workload, workers) = match ready {
        Ok(w) => w,
        Err(message) => {
            writeln!(
                out,
                "{}",
                FromWorker::Error {
                    message: message.clone()
                }
                .encode()
            )?;
            out.flush()?;
            anyhow::bail!("worker setup failed: {message}");
        }
    };
    writeln!(out, "{}", FromWorker::Ready { version: VERSION }.encode())?;
    out.flush()?;
    let mut line = String::new();
    let mut flushed = Instant::now();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            // The coordinator went away: nothing left to do.
            break;
        }
        match ToWorker::parse(line.trim_end())? {
            ToWorker::Task(task) => {
                hooks.before_task(workers, task);
                let answer = match workload.run_task(task) {
                    Ok(()) => FromWorker::Ok,
                    Err(e) => FromWorker::Error { message: e.reason },
                };
                writeln!(out, "{}", answer.encode())?;
                // Queued tasks share one write; a lone or slow task is answered at once.
                if !input.buffer().contains(&b'\n') || flushed.elapsed() >= FLUSH_EVERY {
                    out.flush()?;
                    flushed = Instant::now();
                }
            }
            ToWorker::Quit => break,
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converse(setup: &str, input: &str) -> (anyhow::Result<()>, String) {
        let mut out = Vec::new();
        let r = serve(setup, BufReader::new(input.as_bytes()), &mut out);
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_worker_answers_each_task_and_quits() {
        let setup = r#"{"workload":{"name":"cpu","iterations":100},"worker":0,"workers":1}"#;
        let (r, out) = converse(setup, "0\n1\n2\nquit\n5\n");
        r.unwrap();
        assert_eq!(out, "ready 1\nok\nok\nok\n");
    }

    #[test]
    fn failures_are_reported_not_hidden() {
        let (r, out) = converse(r#"{"workload":{"name":"nope"},"worker":0,"workers":1}"#, "");
        assert!(r.is_err());
        assert!(out.starts_with("error "), "{out}");
        // A contended worker whose coordinator's counter file is missing cannot set up.
        let setup = r#"{"workload":{"name":"contended","updates_per_task":1,"shared_file":"/nonexistent/x"},"worker":0,"workers":1}"#;
        let (r, out) = converse(setup, "");
        assert!(r.is_err() && out.starts_with("error "), "{out}");
        let (r, _) = converse("not json", "");
        assert!(r.is_err());
    }
}
