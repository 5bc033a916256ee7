//! Waiting on a pool's workers without ever blocking on one: one `poll` over each watched
//! worker's stdout and exit (its pidfd; `waitid` on a timeout where there is none) and every
//! worker's stdin that has bytes waiting, so reads, writes and exits are all seen, and the
//! next complete line, the worker that stopped talking (and how) or the deadline passed is
//! what the pool's loop gets. The cancel token is checked between polls.

use super::BatchError;
use super::pool_proc::{Fill, WorkerProc};
use crate::cancel::CancelToken;
use std::time::{Duration, Instant};

/// Milliseconds between cancel checks while waiting for workers.
pub(super) const POLL_MS: u64 = 50;

/// How a worker stopped talking in the middle of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gone {
    /// Its stdout closed, or the process exited.
    Ended,
    /// It stopped reading its stdin (a write failed).
    InputClosed,
}

/// The next line from one of the `watch` workers, or which one stopped talking (its
/// stdout closed, its process exited, its stdin no longer read) or passed its deadline.
/// Checks the cancel token between polls; never blocks on a write.
pub(super) fn next_line(
    procs: &mut [WorkerProc],
    watch: &[usize],
    cancel: &CancelToken,
    deadline: impl Into<Deadline>,
) -> Result<Line, BatchError> {
    let deadline = deadline.into();
    loop {
        for &i in watch {
            match procs[i].next_line() {
                Ok(Some(l)) => return Ok(Line::Text(i, l)),
                Err(_) => return Ok(Line::TooLong(i)),
                Ok(None) if procs[i].is_silent() => {
                    return Ok(Line::Gone(i, Gone::Ended));
                }
                Ok(None) => {}
            }
        }
        if cancel.is_cancelled() {
            return Err(BatchError::Cancelled);
        }
        let now = Instant::now();
        let mut wait = Duration::from_millis(POLL_MS);
        if let Some((i, d)) = deadline.at(watch) {
            if d <= now {
                return Ok(Line::Timeout(i));
            }
            wait = wait.min(d - now + Duration::from_micros(100));
        }
        if let Some(i) = self::wait(procs, watch, wait)? {
            return Ok(Line::Gone(i, Gone::InputClosed));
        }
    }
}

/// One poll: the `watch` workers' stdout and exits, and every worker's stdin that has
/// bytes waiting, for at most `wait`. Reads what arrived, writes what the pipes take, and
/// notes exits (asking `waitid` on a timeout where there is no pidfd). Returns a worker
/// whose stdin no longer takes writes.
pub(super) fn wait(
    procs: &mut [WorkerProc],
    watch: &[usize],
    wait: Duration,
) -> Result<Option<usize>, BatchError> {
    #[derive(Clone, Copy)]
    enum Fd {
        Out,
        In,
        Exit,
    }
    let mut tags = vec![];
    let mut fds = vec![];
    let mut add = |i: usize, kind: Fd, fd: Option<i32>, events: libc::c_short| {
        if let Some(fd) = fd {
            tags.push((i, kind));
            fds.push(libc::pollfd {
                fd,
                events,
                revents: 0,
            });
        }
    };
    for &i in watch {
        add(i, Fd::Out, procs[i].out_fd(), libc::POLLIN);
        add(i, Fd::Exit, procs[i].exit_fd(), libc::POLLIN);
    }
    for (i, p) in procs.iter().enumerate() {
        add(i, Fd::In, p.in_fd(), libc::POLLOUT);
    }
    let ms = wait.as_millis().clamp(1, i32::MAX as u128) as i32;
    // SAFETY: fds is a live array of initialised pollfd of the given length.
    let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        if e.kind() == std::io::ErrorKind::Interrupted {
            return Ok(None);
        }
        return Err(BatchError::Setup(format!(
            "waiting for the workers failed: {e}"
        )));
    }
    if rc == 0 {
        for &i in watch {
            if procs[i].needs_exit_peek() && procs[i].has_exited() {
                procs[i].drain_after_exit();
            }
        }
        return Ok(None);
    }
    for (&(i, kind), fd) in tags.iter().zip(&fds) {
        if fd.revents == 0 {
            continue;
        }
        match kind {
            Fd::Out => {
                let _: Fill = procs[i].fill();
            }
            Fd::Exit => procs[i].drain_after_exit(),
            Fd::In => {
                if procs[i].flush().is_err() {
                    return Ok(Some(i));
                }
            }
        }
    }
    Ok(None)
}

impl Gone {
    /// How a worker that was still running when it stopped talking is described; `doing`
    /// names its task (" while running task 3") or is empty.
    pub(super) fn still_running(self, doing: &str) -> String {
        let what = match self {
            Gone::Ended => "closed its stdout",
            Gone::InputClosed => "stopped reading its stdin",
        };
        format!("{what} (the protocol channel){doing}; it was still running, so plateau ended it")
    }
}

/// What `next_line` found.
pub(super) enum Line {
    Text(usize, String),
    Gone(usize, Gone),
    Timeout(usize),
    TooLong(usize),
}

/// A deadline for every watched worker (the handshake) or for one (a task's timeout).
pub(super) enum Deadline {
    None,
    All(Instant),
    One(usize, Instant),
}

impl Deadline {
    fn at(&self, watch: &[usize]) -> Option<(usize, Instant)> {
        match *self {
            Deadline::None => None,
            Deadline::All(d) => watch.first().map(|&i| (i, d)),
            Deadline::One(i, d) => Some((i, d)),
        }
    }
}

impl From<Option<Instant>> for Deadline {
    fn from(d: Option<Instant>) -> Self {
        d.map_or(Deadline::None, Deadline::All)
    }
}

impl From<Option<(usize, Instant)>> for Deadline {
    fn from(d: Option<(usize, Instant)>) -> Self {
        d.map_or(Deadline::None, |(i, d)| Deadline::One(i, d))
    }
}
