//! One long-lived worker process of a pool: started in its own process group (pinned, with a
//! parent-death signal), its stdin written and its stdout read as lines, its stderr kept in a
//! file for the tail an error shows; at the end told to quit and reaped with its peak RSS, or
//! killed. How a worker ended is described here, an OOM kill by the kernel included.

use super::{child, stderr_tail};
use crate::machine::affinity::pin_current_thread;
use std::io::{Read, Write};
use std::os::unix::io::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Bytes of a worker's stderr shown when it fails.
const STDERR_TAIL_BYTES: usize = 1200;
/// How long a worker may take to exit after `quit` before it is killed.
const QUIT_GRACE: Duration = Duration::from_secs(2);

/// How to start one worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// Program and arguments.
    pub argv: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// The CPU to pin the process to, if any.
    pub pin_cpu: Option<usize>,
}

/// A running worker and the conversation with it.
pub struct WorkerProc {
    /// Process id (and process group id).
    pub pid: i32,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    pending: Vec<u8>,
    stderr_path: PathBuf,
    reaped: bool,
}

impl WorkerProc {
    /// Starts `launch`, its stderr going to `stderr_path`.
    pub fn spawn(launch: &Launch, stderr_path: &Path) -> std::io::Result<Self> {
        let stderr = std::fs::File::create(stderr_path)?;
        let mut cmd = Command::new(&launch.argv[0]);
        cmd.args(&launch.argv[1..])
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .process_group(0);
        let pin = launch.pin_cpu;
        // SAFETY: prctl and sched_setaffinity are async-signal-safe and touch only the child.
        unsafe {
            cmd.pre_exec(move || {
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if let Some(cpu) = pin {
                    pin_current_thread(cpu);
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        let pid = child.id() as i32;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            child::kill_group(pid);
            let _ = child::reap(pid);
            return Err(std::io::Error::other("the worker's pipes were not created"));
        };
        // The Child is dropped unwaited: `reap` waits for the pid itself, with its usage.
        Ok(Self {
            pid,
            stdin: Some(stdin),
            stdout,
            pending: vec![],
            stderr_path: stderr_path.to_path_buf(),
            reaped: false,
        })
    }

    /// The descriptor to poll for output.
    pub fn fd(&self) -> i32 {
        self.stdout.as_raw_fd()
    }

    /// Writes `bytes` to the worker's stdin; an error means it is gone.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.stdin {
            Some(s) => s.write_all(bytes),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    /// Reads what the worker wrote (call when poll says it is readable); false at end of file.
    pub fn fill(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        match self.stdout.read(&mut buf) {
            Ok(0) | Err(_) => false,
            Ok(k) => {
                self.pending.extend_from_slice(&buf[..k]);
                true
            }
        }
    }

    /// The next complete line the worker wrote, without its line ending.
    pub fn next_line(&mut self) -> Option<String> {
        let pos = self.pending.iter().position(|&b| b == b'\n')?;
        let line: Vec<u8> = self.pending.drain(..=pos).collect();
        let text = String::from_utf8_lossy(&line);
        Some(text.trim_end_matches(['\n', '\r']).to_string())
    }

    /// Sends `quit` and closes stdin; `reap_after_quit` then collects the worker.
    pub fn ask_quit(&mut self, quit_line: &[u8]) {
        let _ = self.send(quit_line);
        self.stdin = None;
    }

    /// Waits up to a grace period for the worker to exit after `ask_quit` (then kills it), and
    /// reaps it: its peak RSS in bytes.
    pub fn reap_after_quit(&mut self) -> u64 {
        let deadline = Instant::now() + QUIT_GRACE;
        while !super::child::has_exited(self.pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        child::kill_group(self.pid);
        self.reap().map(|(_, u)| u.maxrss_bytes).unwrap_or(0)
    }

    fn reap(&mut self) -> Option<(libc::c_int, super::rusage::Usage)> {
        if self.reaped {
            return None;
        }
        self.reaped = true;
        child::reap(self.pid).ok()
    }

    /// Kills the worker (and its group), reaps it and says how it ended: "exited with status
    /// 1", "was killed by signal 9 (SIGKILL): the kernel's OOM killer ended it", with the tail
    /// of its stderr as a separate suffix. `oom_before` is the cgroup's OOM-kill count when
    /// the batch began.
    pub fn end_and_describe(&mut self, oom_before: Option<u64>) -> (String, String) {
        // Give a worker that is exiting on its own a moment, so its own status is reported.
        let deadline = Instant::now() + Duration::from_millis(200);
        while !super::child::has_exited(self.pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        child::kill_group(self.pid);
        let how = match self.reap() {
            Some((status, _)) => {
                let mut how = child::describe_status(status);
                let killed = libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL;
                let oom_now = crate::machine::memory::oom_kill_count();
                if killed && matches!((oom_before, oom_now), (Some(a), Some(b)) if b > a) {
                    how.push_str(
                        ": the kernel's OOM killer ended it (out of memory in plateau's cgroup)",
                    );
                }
                how
            }
            None => "ended".to_string(),
        };
        (how, stderr_tail(&self.stderr_path))
    }
}

impl Drop for WorkerProc {
    fn drop(&mut self) {
        if !self.reaped {
            child::kill_group(self.pid);
            let _ = self.reap();
        }
    }
}

/// The last lines of a captured stderr, as a suffix for an error message (read from the end
/// of the file: a worker may have written gigabytes); a file that cannot be opened reads as
/// empty.
fn stderr_tail(path: &Path) -> String {
    match std::fs::File::open(path) {
        Ok(f) => stderr_tail::suffix_of_file(&f, STDERR_TAIL_BYTES),
        Err(_) => stderr_tail::message_suffix(b"", false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(script: &str) -> Launch {
        Launch {
            argv: vec!["sh".into(), "-c".into(), script.into()],
            env: vec![("X".into(), "7".into())],
            pin_cpu: None,
        }
    }

    #[test]
    fn lines_go_both_ways_and_quit_reaps() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WorkerProc::spawn(
            &launch("echo ready $X; read t; echo got $t; read q"),
            &dir.path().join("e"),
        )
        .unwrap();
        w.send(b"5\n").unwrap();
        let mut lines = vec![];
        while lines.len() < 2 {
            if let Some(l) = w.next_line() {
                lines.push(l);
            } else {
                assert!(w.fill());
            }
        }
        assert_eq!(lines, ["ready 7", "got 5"]);
        w.ask_quit(b"quit\n");
        assert!(w.reap_after_quit() > 0);
    }

    #[test]
    fn a_dead_worker_is_described_with_its_stderr() {
        let dir = tempfile::tempdir().unwrap();
        let mut w =
            WorkerProc::spawn(&launch("echo boom >&2; exit 4"), &dir.path().join("e")).unwrap();
        assert!(!w.fill());
        let (how, tail) = w.end_and_describe(None);
        assert_eq!(how, "exited with status 4");
        assert!(tail.contains("| boom"), "{tail}");
    }
}
