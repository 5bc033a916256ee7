//! The worker side of `--mode processes`: the hidden `plateau __worker` subcommand. It reads a
//! setup line on stdin (the workload and an optional CPU to pin to), prepares the workload,
//! says it is ready, then runs the chunks of tasks it is sent, answering each, until told to
//! quit; it then reports its own CPU time, context switches and peak RSS and exits.
//!
//! Lines from the coordinator: `{setup json}`, `R <lo> <hi>` (run tasks lo..hi), `Q` (quit).
//! Lines to it: `K` (ready), `D` (chunk done), `E <task> <json reason>` (a task failed),
//! `F <json reason>` (setup failed), `U <user_s> <sys_s> <nvcsw> <nivcsw> <maxrss_bytes>`.

use super::rusage::{self, Who};
use crate::machine::affinity::pin_current_thread;
use crate::workload::setup::from_setup;
use std::io::{BufRead, Write};

/// Test hook, harmless elsewhere: `W:T` makes a worker of a W-worker batch abort (as a
/// crashing worker would) when it is asked to run task T.
pub const ABORT_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_ABORT";
/// Test hook, harmless elsewhere: a file every worker appends the number of each task it ran to.
pub const TASK_LOG_HOOK_ENV: &str = "PLATEAU_TEST_WORKER_TASK_LOG";

/// What a worker is told at start.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct WorkerSetup {
    /// `Workload::worker_setup` of the coordinator's workload.
    pub workload: serde_json::Value,
    /// The CPU to pin this process to, if any.
    pub pin_cpu: Option<usize>,
    /// This worker's index in its batch.
    pub worker: usize,
    /// Workers in the batch.
    pub workers: usize,
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
    let (workload, workers) = match serde_json::from_str::<WorkerSetup>(&line)
        .map_err(|e| format!("bad worker setup: {e}"))
        .and_then(|s| {
            if let Some(cpu) = s.pin_cpu {
                pin_current_thread(cpu);
            }
            let w = from_setup(&s.workload)?;
            w.prepare()?;
            Ok((w, s.workers))
        }) {
        Ok(w) => w,
        Err(reason) => {
            writeln!(out, "F {}", serde_json::to_string(&reason)?)?;
            out.flush()?;
            anyhow::bail!("worker setup failed: {reason}");
        }
    };
    let start = rusage::read(Who::SelfProcess);
    writeln!(out, "K")?;
    out.flush()?;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            // The coordinator went away: nothing left to do.
            return Ok(());
        }
        let mut words = line.split_whitespace();
        match words.next() {
            Some("R") => {
                let lo: u64 = words.next().unwrap_or("0").parse()?;
                let hi: u64 = words.next().unwrap_or("0").parse()?;
                let mut failed = false;
                for task in lo..hi {
                    hooks.before_task(workers, task);
                    if let Err(e) = workload.run_task(task) {
                        writeln!(out, "E {task} {}", serde_json::to_string(&e.reason)?)?;
                        failed = true;
                        break;
                    }
                }
                if !failed {
                    writeln!(out, "D")?;
                }
                out.flush()?;
            }
            Some("Q") => {
                let end = rusage::read(Who::SelfProcess);
                writeln!(
                    out,
                    "U {} {} {} {} {}",
                    (end.user_s - start.user_s).max(0.0),
                    (end.sys_s - start.sys_s).max(0.0),
                    end.nvcsw.saturating_sub(start.nvcsw),
                    end.nivcsw.saturating_sub(start.nivcsw),
                    end.maxrss_bytes
                )?;
                out.flush()?;
                return Ok(());
            }
            _ => anyhow::bail!("unexpected message from the coordinator: {line:?}"),
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
