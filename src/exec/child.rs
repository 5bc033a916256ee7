//! Child processes, waited for precisely: wait for an exit without reaping (so a watchdog can
//! still kill the child's process group safely), reap with its own resource usage (wait4),
//! describe how it ended, and a watchdog that kills children past a deadline or on a stop.

use super::rusage::Usage;
use crate::cancel::CancelToken;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// True once child `pid` has ended, without waiting and leaving it unreaped.
pub fn has_exited(pid: i32) -> bool {
    let (rc, info) = peek_exit(pid, libc::WNOHANG);
    // SAFETY: si_pid is set by waitid when a child changed state, zero otherwise.
    rc != 0 || unsafe { info.si_pid() } != 0
}

/// `waitid` for child `pid`'s exit with `WNOWAIT` (the child stays unreaped) and `extra` flags:
/// its return code and what it filled in.
fn peek_exit(pid: i32, extra: libc::c_int) -> (libc::c_int, libc::siginfo_t) {
    // SAFETY: siginfo_t is plain data that waitid fills.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let rc = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT | extra,
        )
    };
    (rc, info)
}

/// Blocks until child `pid` has ended, leaving it unreaped (a zombie) so its pid stays ours.
pub fn wait_exit(pid: i32) -> std::io::Result<()> {
    loop {
        if peek_exit(pid, 0).0 == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Reaps child `pid` (blocking until it ends) and returns its wait status and usage.
pub fn reap(pid: i32) -> std::io::Result<(libc::c_int, Usage)> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain data that wait4 fills.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if rc == pid {
            return Ok((status, super::rusage::from_raw(&ru)));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// True when a wait status says the child exited with code 0.
pub fn succeeded(status: libc::c_int) -> bool {
    libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
}

/// How a child ended, in words: "exited with status 3", "was killed by signal 9 (SIGKILL)".
pub fn describe_status(status: libc::c_int) -> String {
    if libc::WIFEXITED(status) {
        format!("exited with status {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        let name = match sig {
            libc::SIGKILL => " (SIGKILL)",
            libc::SIGTERM => " (SIGTERM)",
            libc::SIGSEGV => " (SIGSEGV)",
            libc::SIGABRT => " (SIGABRT: an abort or a panic)",
            libc::SIGINT => " (SIGINT)",
            libc::SIGBUS => " (SIGBUS)",
            _ => "",
        };
        format!("was killed by signal {sig}{name}")
    } else {
        format!("ended with wait status {status}")
    }
}

/// Sends SIGKILL to process group `pgid` (a child started as its group's leader) and so to
/// anything it started.
pub fn kill_group(pgid: i32) {
    // SAFETY: kill has no memory effects; the group is ours while its leader is unreaped.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Why the watchdog killed a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Killed {
    /// It ran past its deadline.
    Timeout,
    /// The batch was cancelled or aborted.
    Stop,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    pid: Option<i32>,
    deadline: Option<Instant>,
    killed: Option<Killed>,
}

/// One slot per worker: the child it runs now and its deadline. A watchdog thread kills
/// children past their deadline, or all of them once the batch must stop.
#[derive(Debug)]
pub struct Watchdog {
    slots: Mutex<Vec<Slot>>,
    cv: Condvar,
    done: AtomicBool,
}

/// How often the watchdog looks at the stop flags when no deadline is nearer.
const POLL: Duration = Duration::from_millis(20);

impl Watchdog {
    /// A watchdog for `workers` workers.
    pub fn new(workers: usize) -> Self {
        Self {
            slots: Mutex::new(vec![Slot::default(); workers]),
            cv: Condvar::new(),
            done: AtomicBool::new(false),
        }
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Worker `i` now runs child `pid` (its own process group) until `deadline`.
    pub fn register(&self, i: usize, pid: i32, deadline: Option<Instant>) {
        self.slots()[i] = Slot {
            pid: Some(pid),
            deadline,
            killed: None,
        };
        if deadline.is_some() {
            self.cv.notify_one();
        }
    }

    /// Worker `i`'s child has ended (not yet reaped): forget it, and say if it was killed.
    pub fn unregister(&self, i: usize) -> Option<Killed> {
        std::mem::take(&mut self.slots()[i]).killed
    }

    /// Ends `run`.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Release);
        self.cv.notify_all();
    }

    /// The watchdog loop, until `finish`: kills overdue children, and every child once
    /// `cancel` or `abort` is set.
    pub fn run(&self, cancel: &CancelToken, abort: &AtomicBool) {
        let mut slots = self.slots();
        while !self.done.load(Ordering::Acquire) {
            let stop = cancel.is_cancelled() || abort.load(Ordering::Acquire);
            let now = Instant::now();
            let mut wake = now + POLL;
            for s in slots.iter_mut() {
                let (Some(pid), None) = (s.pid, s.killed) else {
                    continue;
                };
                let overdue = s.deadline.is_some_and(|d| d <= now);
                if stop || overdue {
                    kill_group(pid);
                    s.killed = Some(if overdue {
                        Killed::Timeout
                    } else {
                        Killed::Stop
                    });
                } else if let Some(d) = s.deadline {
                    wake = wake.min(d);
                }
            }
            let wait = wake.saturating_duration_since(Instant::now());
            slots = self
                .cv
                .wait_timeout(slots, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    fn spawn(cmd: &str) -> i32 {
        std::process::Command::new("sh")
            .args(["-c", cmd])
            .process_group(0)
            .spawn()
            .unwrap()
            .id() as i32
    }

    #[test]
    fn statuses_are_described_and_usage_is_read() {
        let pid = spawn("exit 3");
        wait_exit(pid).unwrap();
        let (status, _) = reap(pid).unwrap();
        assert!(!succeeded(status));
        assert_eq!(describe_status(status), "exited with status 3");
        let pid = spawn("exit 0");
        let (status, usage) = reap(pid).unwrap();
        assert!(succeeded(status));
        assert!(usage.maxrss_bytes > 0);
        let pid = spawn("sleep 100");
        kill_group(pid);
        let (status, _) = reap(pid).unwrap();
        assert!(describe_status(status).contains("SIGKILL"), "{status}");
    }

    #[test]
    fn the_watchdog_kills_overdue_children_and_everything_on_stop() {
        let dog = Watchdog::new(2);
        let cancel = CancelToken::new();
        let abort = AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| dog.run(&cancel, &abort));
            let t = Instant::now();
            let a = spawn("sleep 100");
            dog.register(0, a, Some(Instant::now() + Duration::from_millis(50)));
            wait_exit(a).unwrap();
            assert_eq!(dog.unregister(0), Some(Killed::Timeout));
            reap(a).unwrap();
            assert!(t.elapsed() < Duration::from_secs(50));
            let b = spawn("sleep 100");
            dog.register(1, b, None);
            cancel.cancel();
            wait_exit(b).unwrap();
            assert_eq!(dog.unregister(1), Some(Killed::Stop));
            reap(b).unwrap();
            dog.finish();
        });
    }
}
