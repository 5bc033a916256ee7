//! The host's limits a pool must fit under, checked for the largest planned worker count before
//! anything is measured: open files (RLIMIT_NOFILE) and processes (RLIMIT_NPROC, the cgroup's
//! `pids.max`). Owns what each kind of pool needs per worker, the check of those needs against
//! the readings (raise the soft open-files limit to the hard one when that is enough, else one
//! sentence naming the limit and the largest worker count it allows); pure, but for `readings`
//! (what the OS says) and `raise_open_files`. Memory is the memory guard's
//! (`exec::memory_guard`): a worker's size is known only once one has run.

pub mod readings;

use crate::model::HostLimits;
use crate::words;
use std::fmt;
use std::path::PathBuf;

/// Descriptors plateau may open after the check beside its pool: the output folder's lock, the
/// machine lock, results.json's temporary file, the /proc and cgroup files read around a batch.
pub const OWN_FILES_MARGIN: u64 = 32;
/// Threads plateau may start after the check beside its pool (a command batch's watchdog, the
/// signal and progress threads), and a little room for other processes of the same user.
pub const OWN_TASKS_MARGIN: u64 = 8;

/// How a pool's workers run, as far as descriptors and processes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// OS threads of plateau itself.
    Threads,
    /// plateau's own worker processes (`--mode processes`), on pipes.
    Processes,
    /// The user's command as long-lived workers (`--persistent`), on the same pipes.
    Persistent,
    /// The user's command once per task, at most one per worker thread; `shell` under `sh -c`.
    Command {
        /// The command runs under `sh -c`, which may be one more process per task.
        shell: bool,
    },
}

impl PoolKind {
    /// The mode's name as `--mode` spells it.
    pub fn mode(self) -> &'static str {
        match self {
            PoolKind::Threads => "threads",
            PoolKind::Processes => "processes",
            PoolKind::Persistent => "persistent",
            PoolKind::Command { .. } => "command",
        }
    }

    /// Descriptors a batch of `workers` holds at its peak beyond plateau's own (read from the
    /// executors, and measured from /proc/self/fd in `tests/host_limits_fds.rs`).
    pub fn open_files(self, workers: u64) -> u64 {
        match self {
            PoolKind::Threads => 0,
            // Each worker: the write end of its stdin, the read end of its stdout and the pidfd
            // that tells its exit, for the whole batch. While one starts (they start one at a
            // time): the other ends of both pipes, its stderr file and std's pipe that reports a
            // failed exec, 5 more.
            PoolKind::Processes | PoolKind::Persistent => 3 * workers + 5,
            // Each worker thread: its stderr file for the batch, and while it starts a task a
            // copy of that file and /dev/null twice (posix_spawn: no exec-error pipe), or while
            // it looks for leftovers /proc and one stat file. Every thread may be at it at
            // once. One more: the pipe to the guard process.
            PoolKind::Command { .. } => 4 * workers + 1,
        }
    }

    /// Processes and threads a batch of `workers` runs at once beyond plateau's own: a thread
    /// or a process per worker; the command mode's worker threads each wait for one command
    /// (two under `sh -c`), beside the guard process and the watchdog thread. What the user's
    /// own program starts cannot be known.
    pub fn tasks(self, workers: u64) -> u64 {
        match self {
            PoolKind::Threads | PoolKind::Processes | PoolKind::Persistent => workers,
            PoolKind::Command { shell } => workers * (2 + u64::from(shell)) + 2,
        }
    }
}

/// A limit of setrlimit(2); `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rlimit {
    /// The soft limit, the one enforced.
    pub soft: Option<u64>,
    /// The hard limit, the most the soft one may be raised to without privilege.
    pub hard: Option<u64>,
}

/// This user's limit on processes and threads, and how many it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessLimit {
    /// RLIMIT_NPROC's soft limit.
    pub limit: u64,
    /// Processes and threads whose real user is this process's.
    pub in_use: u64,
}

/// The tightest cgroup `pids.max` over plateau (least room left), and its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PidsLimit {
    /// `pids.max`.
    pub max: u64,
    /// `pids.current` of the same cgroup.
    pub current: u64,
    /// The `pids.max` file.
    pub file: PathBuf,
}

impl PidsLimit {
    fn room(&self) -> u64 {
        self.max.saturating_sub(self.current)
    }
}

/// What the OS says, read once before the first batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readings {
    /// Descriptors plateau has open now.
    pub open_now: u64,
    /// RLIMIT_NOFILE.
    pub open_files: Rlimit,
    /// RLIMIT_NPROC with this user's count; `None` when unlimited or not enforced.
    pub processes: Option<ProcessLimit>,
    /// The cgroup's pids limit; `None` when no cgroup sets one.
    pub pids: Option<PidsLimit>,
}

/// The largest count of a pool fits: what to record, and the soft open-files limit to raise
/// to, when the current one is too low.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    /// The figures for results.json (`machine.host_limits`), the raise included.
    pub record: HostLimits,
    /// Raise the soft RLIMIT_NOFILE to this (the hard limit) before the first batch.
    pub raise_open_files_to: Option<u64>,
}

/// Which limit a pool would exceed, with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// The hard RLIMIT_NOFILE.
    OpenFiles {
        /// The hard limit.
        hard: u64,
    },
    /// RLIMIT_NPROC, of which `in_use` are taken.
    Processes(ProcessLimit),
    /// A cgroup's `pids.max`.
    Pids(PidsLimit),
}

/// A pool too large for the host, refused before anything is measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// How the pool runs.
    pub kind: PoolKind,
    /// The largest planned count.
    pub workers: usize,
    /// What that count needs of the limit (open files, or processes and threads).
    pub needed: u64,
    /// The limit it exceeds.
    pub limit: Limit,
    /// The largest worker count the limit allows (0: none).
    pub allows: usize,
}

/// Open files `workers` of `kind` need in all: plateau's open ones, its margin, the pool's.
pub fn open_files_needed(kind: PoolKind, workers: usize, open_now: u64) -> u64 {
    open_now + OWN_FILES_MARGIN + kind.open_files(workers as u64)
}

/// Processes and threads `workers` of `kind` add, with plateau's margin.
pub fn tasks_needed(kind: PoolKind, workers: usize) -> u64 {
    OWN_TASKS_MARGIN + kind.tasks(workers as u64)
}

/// Checks the largest planned count, `workers` of `kind`, against the readings: fits as is,
/// fits once the soft open-files limit is raised to the hard one, or is refused naming the
/// first limit it exceeds.
pub fn check(kind: PoolKind, workers: usize, r: &Readings) -> Result<Fit, Refusal> {
    let files = |w| open_files_needed(kind, w, r.open_now);
    let refuse = |needed, limit, allows| Refusal {
        kind,
        workers,
        needed,
        limit,
        allows,
    };
    let needed_files = files(workers);
    if let Some(hard) = r.open_files.hard.filter(|&h| needed_files > h) {
        let allows = largest(workers, |w| files(w) <= hard);
        return Err(refuse(needed_files, Limit::OpenFiles { hard }, allows));
    }
    let tasks = tasks_needed(kind, workers);
    if let Some(p) = r.processes.filter(|p| p.in_use + tasks > p.limit) {
        let allows = largest(workers, |w| p.in_use + tasks_needed(kind, w) <= p.limit);
        return Err(refuse(tasks, Limit::Processes(p), allows));
    }
    if let Some(p) = r.pids.as_ref().filter(|p| tasks > p.room()) {
        let allows = largest(workers, |w| tasks_needed(kind, w) <= p.room());
        return Err(refuse(tasks, Limit::Pids(p.clone()), allows));
    }
    let raise = r.open_files.soft.filter(|&s| needed_files > s);
    // To the hard limit; under an unlimited hard limit (not on Linux, whose is at most
    // fs.nr_open), to what the pool needs.
    let raise_to = raise.map(|_| r.open_files.hard.unwrap_or(needed_files));
    let soft_after = match raise_to {
        Some(to) => Some(to),
        None => r.open_files.soft,
    };
    Ok(Fit {
        record: HostLimits {
            workers,
            open_files_needed: needed_files,
            open_files_soft: soft_after,
            open_files_hard: r.open_files.hard,
            open_files_raised_from: raise,
            tasks_needed: tasks,
            process_limit: r.processes.map(|p| p.limit),
            processes_in_use: r.processes.map(|p| p.in_use),
            pids_max: r.pids.as_ref().map(|p| p.max),
            pids_current: r.pids.as_ref().map(|p| p.current),
        },
        raise_open_files_to: raise_to,
    })
}

/// The largest count in 0..=`below` for which `fits` holds (`fits` holds for every smaller
/// count when it holds for one; 0 holds by convention).
fn largest(below: usize, fits: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, below);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) { lo = mid } else { hi = mid - 1 }
    }
    lo
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (w, mode, needed) = (words::workers(self.workers), self.kind.mode(), self.needed);
        let allows = match self.allows {
            0 => "no worker at all".to_string(),
            n => format!("at most {}", words::workers(n)),
        };
        let fewer = match self.allows {
            0 => String::new(),
            n => format!(", or plan fewer workers (`--workers` up to {n})"),
        };
        match &self.limit {
            Limit::OpenFiles { hard } => write!(
                f,
                "{w} in {mode} mode need up to {needed} open files, but the hard limit on open files (RLIMIT_NOFILE) is {hard}, which allows {allows}: raise it (`ulimit -n {needed}` as root, `docker run --ulimit nofile={needed}`, or LimitNOFILE= for a service){fewer}"
            ),
            Limit::Processes(p) => write!(
                f,
                "{w} in {mode} mode run up to {needed} processes and threads, but this user's limit on them (RLIMIT_NPROC) is {} with {} in use, which allows {allows}: raise it (`ulimit -u {}`){fewer}",
                p.limit,
                p.in_use,
                p.in_use + needed
            ),
            Limit::Pids(p) => write!(
                f,
                "{w} in {mode} mode run up to {needed} processes and threads, but the cgroup's pids.max ({}) is {} with {} in use, which allows {allows}: raise it (`docker run --pids-limit`, TasksMax= for a service, or write {} to it){fewer}",
                p.file.display(),
                p.max,
                p.current,
                p.current + needed
            ),
        }
    }
}

#[cfg(test)]
mod tests;
