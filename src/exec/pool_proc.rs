//! One long-lived worker process of a pool: started in its own process group (pinned, with a
//! parent-death signal), its stdin written and its stdout read without ever blocking (writes
//! wait in an outbox until the pipe takes them; output is reassembled by `lines`), its exit
//! noticed by itself (a pidfd, else `waitid`) even while a child of it holds its stdout, its
//! stderr kept in a file for the tail an error shows; at the end told to quit, read to the end
//! of its output, and reaped with its peak RSS, or killed. How a worker ended is described
//! here, an OOM kill by the kernel included, and a worker plateau had to end is never
//! described as killed by a signal of its own.

use super::lines::{Lines, TooLong};
use super::{child, stderr_tail};
use crate::machine::affinity::pin_current_thread;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::io::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Bytes of a worker's stderr shown when it fails.
const STDERR_TAIL_BYTES: usize = 1200;

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
    /// Bytes queued for stdin that the pipe has not taken yet.
    outbox: Vec<u8>,
    stdout: Option<ChildStdout>,
    lines: Lines,
    /// Readable once the process has exited (Linux 5.3 and later).
    pidfd: Option<OwnedFd>,
    exited: bool,
    stderr_path: PathBuf,
    reaped: bool,
}

/// What a read of the worker's stdout found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Some bytes arrived.
    Data,
    /// Nothing to read now.
    Empty,
    /// The worker's stdout is closed (or failed).
    Closed,
}

/// Sets `O_NONBLOCK` on `fd`.
fn set_nonblocking(fd: i32) -> std::io::Result<()> {
    // SAFETY: fcntl on a descriptor this process owns.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// A descriptor that becomes readable when process `pid` exits; none where the kernel has no
/// `pidfd_open` (the pool then asks `waitid` whenever its poll times out).
fn pidfd_open(pid: i32) -> Option<OwnedFd> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        // SAFETY: a non-negative result is a descriptor that nothing else owns.
        (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
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
        super::groups::register(pid);
        let pipes = match (child.stdin.take(), child.stdout.take()) {
            (Some(i), Some(o)) => set_nonblocking(i.as_raw_fd())
                .and_then(|_| set_nonblocking(o.as_raw_fd()))
                .map(|_| (i, o)),
            _ => Err(std::io::Error::other("the worker's pipes were not created")),
        };
        let (stdin, stdout) = match pipes {
            Ok(p) => p,
            Err(e) => {
                child::kill_group(pid);
                let _ = child::reap(pid);
                super::groups::unregister(pid);
                return Err(e);
            }
        };
        // The Child is dropped unwaited: `reap` waits for the pid itself, with its usage.
        Ok(Self {
            pid,
            stdin: Some(stdin),
            outbox: vec![],
            stdout: Some(stdout),
            lines: Lines::default(),
            pidfd: pidfd_open(pid),
            exited: false,
            stderr_path: stderr_path.to_path_buf(),
            reaped: false,
        })
    }

    /// The descriptor to poll for output, while it is open.
    pub fn out_fd(&self) -> Option<i32> {
        self.stdout.as_ref().map(|s| s.as_raw_fd())
    }

    /// The descriptor to poll for room in stdin, while bytes wait in the outbox.
    pub fn in_fd(&self) -> Option<i32> {
        self.stdin
            .as_ref()
            .filter(|_| !self.outbox.is_empty())
            .map(|s| s.as_raw_fd())
    }

    /// The descriptor to poll for the process's exit, until it is known.
    pub fn exit_fd(&self) -> Option<i32> {
        self.pidfd
            .as_ref()
            .filter(|_| !self.exited)
            .map(|f| f.as_raw_fd())
    }

    /// True when the pool must ask `waitid` about the exit (no pidfd).
    pub fn needs_exit_peek(&self) -> bool {
        self.pidfd.is_none() && !self.exited
    }

    /// Queues `bytes` for the worker's stdin and writes what the pipe takes now, never
    /// blocking; an error means the worker no longer reads its stdin.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.stdin.is_none() {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        self.outbox.extend_from_slice(bytes);
        self.flush()
    }

    /// Writes what the pipe takes of the outbox now, never blocking.
    pub fn flush(&mut self) -> std::io::Result<()> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        };
        let mut done = 0;
        let result = loop {
            if done == self.outbox.len() {
                break Ok(());
            }
            match stdin.write(&self.outbox[done..]) {
                Ok(0) => break Err(std::io::ErrorKind::WriteZero.into()),
                Ok(k) => done += k,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        self.outbox.drain(..done);
        result
    }

    /// Bytes written to the worker that it has not read: those still in the outbox and those
    /// in the pipe (`FIONREAD`, which Linux answers on either end of a pipe).
    pub fn unread_input(&self) -> usize {
        let Some(stdin) = self.stdin.as_ref() else {
            return self.outbox.len();
        };
        let mut in_pipe: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through the pointer.
        let rc = unsafe { libc::ioctl(stdin.as_raw_fd(), libc::FIONREAD, &mut in_pipe) };
        self.outbox.len() + if rc == 0 { in_pipe.max(0) as usize } else { 0 }
    }

    /// Reads what the worker wrote, without blocking (at most 64 KiB a call, so one worker
    /// cannot starve the others).
    pub fn fill(&mut self) -> Fill {
        let Some(out) = self.stdout.as_mut() else {
            return Fill::Closed;
        };
        let mut buf = [0u8; 8192];
        let mut got = false;
        for _ in 0..8 {
            match out.read(&mut buf) {
                Ok(0) => {
                    self.stdout = None;
                    return if got { Fill::Data } else { Fill::Closed };
                }
                Ok(k) => {
                    self.lines.push(&buf[..k]);
                    got = true;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => {
                    self.stdout = None;
                    return if got { Fill::Data } else { Fill::Closed };
                }
            }
        }
        if got { Fill::Data } else { Fill::Empty }
    }

    /// The next complete line the worker wrote, without its line ending, or `TooLong`.
    pub fn next_line(&mut self) -> Result<Option<String>, TooLong> {
        self.lines.next_line()
    }

    /// True once the process has ended (checked without reaping; remembered).
    pub fn has_exited(&mut self) -> bool {
        if !self.exited && child::has_exited(self.pid) {
            self.exited = true;
        }
        self.exited
    }

    /// The process has exited: reads what it left in its stdout (up to 1 MiB: a child of it
    /// may still be writing there) and stops reading it.
    pub fn drain_after_exit(&mut self) {
        self.exited = true;
        for _ in 0..16 {
            if self.fill() != Fill::Data {
                break;
            }
        }
        self.stdout = None;
    }

    /// True when nothing more will come from the worker: its stdout is closed (or, once it
    /// exited, drained) and every complete line was taken.
    pub fn is_silent(&self) -> bool {
        self.stdout.is_none()
    }

    /// Queues `quit` and closes stdin once the pipe takes it (within `grace`, never blocking
    /// longer); `reap_after_quit` then collects the worker.
    pub fn ask_quit(&mut self, quit_line: &[u8], grace: Duration) {
        let _ = self.send(quit_line);
        let deadline = Instant::now() + grace;
        while !self.outbox.is_empty() && self.stdin.is_some() && Instant::now() < deadline {
            if self.flush().is_err() || self.has_exited() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        self.stdin = None;
    }

    /// Waits until `deadline` for the worker to exit after `ask_quit` (then kills it), and
    /// reaps it: its peak RSS in bytes.
    pub fn reap_after_quit(&mut self, deadline: Instant) -> u64 {
        while !self.has_exited() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        self.kill_and_reap()
            .map(|(_, u)| u.maxrss_bytes)
            .unwrap_or(0)
    }

    /// Kills the group (what the worker left running with it) and reaps the worker.
    fn kill_and_reap(&mut self) -> Option<(libc::c_int, super::rusage::Usage)> {
        child::kill_group(self.pid);
        if self.reaped {
            return None;
        }
        self.reaped = true;
        let r = child::reap(self.pid).ok();
        super::groups::unregister(self.pid);
        r
    }

    /// Ends the worker (and its group), reaps it and says how it ended: `Some("exited with
    /// status 1")`, `Some("was killed by signal 9 (SIGKILL): the kernel's OOM killer ended
    /// it")`, or `None` when it was still running and plateau ended it; with the tail of its
    /// stderr as a separate suffix. `oom_before` is the cgroup's OOM-kill count when the batch
    /// began.
    pub fn end_and_describe(&mut self, oom_before: Option<u64>) -> (Option<String>, String) {
        // Give a worker that is exiting on its own a moment, so its own status is reported.
        let deadline = Instant::now() + Duration::from_millis(200);
        while !self.has_exited() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let on_its_own = self.has_exited();
        let how = match self.kill_and_reap() {
            Some((status, _)) if on_its_own => {
                let mut how = child::describe_status(status);
                let killed = libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL;
                let oom_now = crate::machine::memory::oom_kill_count();
                if killed && matches!((oom_before, oom_now), (Some(a), Some(b)) if b > a) {
                    how.push_str(
                        ": the kernel's OOM killer ended it (out of memory in plateau's cgroup)",
                    );
                }
                Some(how)
            }
            _ => None,
        };
        (how, stderr_tail(&self.stderr_path))
    }
}

impl Drop for WorkerProc {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill_and_reap();
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
mod tests;
