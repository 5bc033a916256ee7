//! The worker side of `--mode processes`: the hidden `plateau __worker` subcommand. It rebuilds
//! the workload its `WorkerSetup` (in `PLATEAU_WORKER_SETUP`) describes, prepares it, says
//! `ready 1`, then answers each task number on stdin with `ok` or `error MESSAGE` until `quit`
//! or the end of its input: the worker protocol of `exec::protocol`, the one a `--persistent`
//! command speaks.

use super::protocol::{FromWorker, SETUP_ENV, ToWorker, VERSION, WorkerSetup};
use super::worker_hooks::WorkerHooks;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::{Duration, Instant};

/// Answers are held at most this long to share one write when more tasks are already queued.
const FLUSH_EVERY: Duration = Duration::from_millis(1);

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
    let mut hooks = WorkerHooks::from_env();
    let ready = WorkerSetup::parse(setup).and_then(|s| {
        let w = s.workload.build();
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
