//! One batch on a pool of long-lived worker processes speaking the worker protocol: start W
//! workers and wait for each `ready` (start-up, not timed), release the clock, hand out task
//! numbers (dynamic: `IN_FLIGHT` claims per worker, refilled as they finish; static: one share
//! each), several lines in flight per worker, read `ok` / `error` answers, enforce the per-task
//! timeout, then `quit`, reap and report usage and each worker's peak RSS. Used by both the
//! processes executor (plateau's own workers) and the persistent executor (the user's command).

use super::chunking::TaskQueue;
use super::latency::{self, TaskTimes};
use super::pool_proc::{Launch, WorkerProc};
use super::protocol::{self, FromWorker, ToWorker};
use super::rusage::Usage;
use super::threads::static_share;
use super::{BatchError, BatchSpec, Schedule, proc_stat, throttle};
use crate::model::Sample;
use crate::numbers::show_duration;
use crate::workload::TaskError;
use std::collections::VecDeque;
use std::ops::Range;
use std::time::{Duration, Instant};

/// Claims queued per worker under the dynamic schedule, so it never waits for the next one.
const IN_FLIGHT: usize = 2;
/// Most task lines sent but unanswered per worker: a few KiB, well inside a pipe's buffer, so
/// a write never blocks while the worker waits for its answers to be read.
const WINDOW: u64 = 256;
/// Milliseconds between cancel checks while waiting for workers.
const POLL_MS: u64 = 50;

/// How the pool treats its workers.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// How long a worker may take to say `ready`.
    pub ready_timeout: Duration,
    /// Kill a worker whose task runs longer than this.
    pub task_timeout: Option<Duration>,
    /// Count failed tasks instead of stopping at the first.
    pub keep_going: bool,
    /// The worker's command as people know it, for messages (e.g. "`python3 -m m:f`").
    pub name: String,
}

/// The tasks one worker has been given and how far it got.
#[derive(Default)]
struct Lane {
    /// Claimed, unanswered tasks; the first `sent` of them were written to the worker.
    claims: VecDeque<Range<u64>>,
    sent: u64,
    /// When the oldest task in flight started (for `--timeout`).
    front_since: Option<Instant>,
    finished: Option<Instant>,
    /// Each task's time, from its start (the previous answer, or its send) to its answer.
    times: TaskTimes,
}

impl Lane {
    fn front(&self) -> Option<u64> {
        self.claims.front().map(|r| r.start)
    }
}

/// A pool's workers; dropping it kills and reaps every one still running.
struct Pool<'a> {
    procs: Vec<WorkerProc>,
    lanes: Vec<Lane>,
    opts: &'a PoolOptions,
    oom_before: Option<u64>,
}

/// What a batch on the pool measured.
pub fn run_batch(
    launches: &[Launch],
    opts: &PoolOptions,
    spec: &BatchSpec,
    on_pids: &mut dyn FnMut(&[u32]),
) -> Result<Sample, BatchError> {
    let n = launches.len();
    // Holds the workers' stderr files until the pool is reaped.
    let dir = tempfile::Builder::new()
        .prefix("plateau-workers-")
        .tempdir()
        .map_err(|e| BatchError::Setup(format!("cannot make a folder for worker stderr: {e}")))?;
    let spawn_start = Instant::now();
    let mut pool = Pool::spawn(launches, opts, dir.path())?;
    on_pids(&pool.procs.iter().map(|p| p.pid as u32).collect::<Vec<_>>());
    pool.handshake(spec, spawn_start)?;

    let before: Vec<Usage> = pool
        .procs
        .iter()
        .map(|p| proc_stat::read(p.pid as u32))
        .collect();
    let queue = TaskQueue::new(spec.tasks, n, spec.chunk);
    let throttled_before = throttle::read();
    let release = Instant::now();
    pool.release(spec, &queue, release)?;
    let failed = pool.serve(spec, &queue)?;
    let throttled_after = throttle::read();
    let last = pool
        .lanes
        .iter()
        .filter_map(|l| l.finished)
        .max()
        .unwrap_or(release);
    let mut usage = Usage::default();
    for (p, b) in pool.procs.iter().zip(&before) {
        usage.add(&proc_stat::delta(b, &proc_stat::read(p.pid as u32)));
    }
    let peaks = pool.quit();
    let mut sample = usage.into_sample(
        last.saturating_duration_since(release),
        release.saturating_duration_since(spawn_start),
    );
    sample.worker_peak_rss_bytes = peaks;
    sample.failed_tasks = opts.keep_going.then_some(failed);
    throttle::fill_delta(&mut sample, throttled_before, throttled_after);
    latency::fill(&mut sample, pool.lanes.iter().map(|l| &l.times));
    Ok(sample)
}

impl<'a> Pool<'a> {
    /// Starts one worker per launch, each writing its stderr to a file in `stderr_dir`.
    fn spawn(
        launches: &[Launch],
        opts: &'a PoolOptions,
        stderr_dir: &std::path::Path,
    ) -> Result<Self, BatchError> {
        let n = launches.len();
        let mut pool = Pool {
            procs: Vec::with_capacity(n),
            lanes: (0..n).map(|_| Lane::default()).collect(),
            opts,
            oom_before: crate::machine::memory::oom_kill_count(),
        };
        for (i, l) in launches.iter().enumerate() {
            let p = WorkerProc::spawn(l, &stderr_dir.join(format!("stderr-{i}"))).map_err(|e| {
                BatchError::BadWorker(format!(
                    "could not start worker {i} of {n} ({}): {e}",
                    opts.name
                ))
            })?;
            pool.procs.push(p);
        }
        Ok(pool)
    }

    /// Gives every worker its first tasks at `release` (dynamic: `IN_FLIGHT` claims each;
    /// static: its whole share) and writes them.
    fn release(
        &mut self,
        spec: &BatchSpec,
        queue: &TaskQueue,
        release: Instant,
    ) -> Result<(), BatchError> {
        let n = self.procs.len();
        for i in 0..n {
            match spec.schedule {
                Schedule::Dynamic => {
                    for _ in 0..IN_FLIGHT {
                        self.lanes[i].claims.extend(queue.claim());
                    }
                }
                Schedule::Static => {
                    let r = static_share(spec.tasks, n, i);
                    if !r.is_empty() {
                        self.lanes[i].claims.push_back(r);
                    }
                }
            }
            self.top_up(i, release)?;
        }
        Ok(())
    }

    /// Tells every worker to quit first, so they exit side by side, then reaps each; returns
    /// their peak RSS in bytes.
    fn quit(&mut self) -> Vec<u64> {
        let mut quit = vec![];
        ToWorker::Quit.encode_into(&mut quit);
        self.procs.iter_mut().for_each(|p| p.ask_quit(&quit));
        self.procs.iter_mut().map(|p| p.reap_after_quit()).collect()
    }

    /// "worker 1 of 4 (`cmd`, pid 123)".
    fn who(&self, i: usize) -> String {
        format!("worker {i}, {},", self.pid_of(i))
    }

    /// "pid 123 (`cmd`) of a batch of 4 worker processes".
    fn pid_of(&self, i: usize) -> String {
        let n = self.procs.len();
        let noun = if n == 1 { "process" } else { "processes" };
        let pid = self.procs[i].pid;
        format!(
            "pid {pid} ({}) of a batch of {n} worker {noun}",
            self.opts.name
        )
    }

    /// Waits until every worker said `ready 1`; any other first word is a bad worker.
    fn handshake(&mut self, spec: &BatchSpec, started: Instant) -> Result<(), BatchError> {
        let deadline = started + self.opts.ready_timeout;
        let mut ready = vec![false; self.procs.len()];
        while ready.iter().any(|r| !r) {
            let waiting: Vec<usize> = (0..ready.len()).filter(|&i| !ready[i]).collect();
            match self.next_line(&waiting, spec, Some(deadline))? {
                Line::Text(i, line) => match FromWorker::parse(&line) {
                    Ok(FromWorker::Ready { version }) if version == protocol::VERSION => {
                        ready[i] = true
                    }
                    Ok(FromWorker::Ready { version }) => {
                        return Err(self.bad(i, format!("speaks worker protocol version {version}; this plateau speaks version {} (it says `ready {}`)", protocol::VERSION, protocol::VERSION)));
                    }
                    Ok(FromWorker::Error { message }) => {
                        return Err(self.bad(i, format!("could not start: {message}")));
                    }
                    Ok(FromWorker::Ok) | Err(_) => {
                        let q = protocol::ProtocolError::of(&line).quoted;
                        return Err(self.bad(i, format!("wrote {q} before it was ready; a worker's first line must be `ready {}` (see docs/worker-protocol.md)", protocol::VERSION)));
                    }
                },
                Line::Closed(i) => {
                    let (how, tail) = self.procs[i].end_and_describe(self.oom_before);
                    return Err(BatchError::BadWorker(format!(
                        "{} {how} before it said `ready {}`{tail}",
                        self.who(i),
                        protocol::VERSION
                    )));
                }
                Line::Timeout(i) => {
                    return Err(self.bad(i, format!("did not say `ready {}` within --ready-timeout {}: a worker prints it once it is initialised (see docs/worker-protocol.md)", protocol::VERSION, show_duration(self.opts.ready_timeout))));
                }
            }
        }
        Ok(())
    }

    fn bad(&mut self, i: usize, what: String) -> BatchError {
        let (_, tail) = self.procs[i].end_and_describe(self.oom_before);
        BatchError::BadWorker(format!("{} {what}{tail}", self.who(i)))
    }

    /// Writes worker `i`'s next unsent tasks, up to the window, in one write.
    fn top_up(&mut self, i: usize, now: Instant) -> Result<(), BatchError> {
        let lane = &mut self.lanes[i];
        if lane.sent >= WINDOW / 2 {
            return Ok(());
        }
        let mut buf = Vec::new();
        let room = (WINDOW - lane.sent) as usize;
        let skip = lane.sent as usize;
        for t in lane
            .claims
            .iter()
            .flat_map(|r| r.clone())
            .skip(skip)
            .take(room)
        {
            ToWorker::Task(t).encode_into(&mut buf);
            lane.sent += 1;
        }
        if buf.is_empty() {
            return Ok(());
        }
        lane.front_since.get_or_insert(now);
        if self.procs[i].send(&buf).is_err() {
            return Err(self.died(i));
        }
        Ok(())
    }

    /// Worker `i` is gone in the middle of the batch: name it, its task and how it ended.
    fn died(&mut self, i: usize) -> BatchError {
        let doing = match self.lanes[i].front() {
            Some(t) if self.lanes[i].sent > 0 => format!(" while running task {t}"),
            _ => String::new(),
        };
        let (how, tail) = self.procs[i].end_and_describe(self.oom_before);
        BatchError::WorkerDied {
            worker: i,
            reason: format!("{} {how}{doing}{tail}", self.pid_of(i)),
        }
    }

    /// Answers until every task is done; returns the failed tasks (with keep_going).
    fn serve(&mut self, spec: &BatchSpec, queue: &TaskQueue) -> Result<u64, BatchError> {
        let mut failed = 0;
        let all: Vec<usize> = (0..self.procs.len()).collect();
        while self.lanes.iter().any(|l| !l.claims.is_empty()) {
            let deadline = self.nearest_deadline();
            let (i, line) = match self.next_line(&all, spec, deadline)? {
                Line::Text(i, line) => (i, line),
                Line::Closed(i) => return Err(self.died(i)),
                Line::Timeout(i) => return Err(self.timed_out(i)),
            };
            let msg = FromWorker::parse(&line).ok().filter(|m| {
                *m != FromWorker::Ready {
                    version: protocol::VERSION,
                }
            });
            let (Some(task), Some(msg)) = (
                self.lanes[i].front().filter(|_| self.lanes[i].sent > 0),
                msg,
            ) else {
                let q = protocol::ProtocolError::of(&line).quoted;
                return Err(self.bad(i, format!("wrote {q}, which is not an answer of the worker protocol (`ok` or `error MESSAGE`, one per task; see docs/worker-protocol.md)")));
            };
            if let FromWorker::Error { message } = msg {
                if !self.opts.keep_going {
                    let reason = format!("{message} (worker {i}, {})", self.pid_of(i));
                    return Err(BatchError::Task(TaskError { task, reason }));
                }
                failed += 1;
            }
            let now = Instant::now();
            let lane = &mut self.lanes[i];
            let front = lane.claims.front_mut().expect("a task was in flight");
            front.start += 1;
            if let Some(since) = lane.front_since {
                lane.times.record(now.saturating_duration_since(since));
            }
            lane.sent -= 1;
            lane.front_since = (lane.sent > 0).then_some(now);
            if front.is_empty() {
                lane.claims.pop_front();
                if spec.schedule == Schedule::Dynamic {
                    lane.claims.extend(queue.claim());
                }
            }
            if lane.claims.is_empty() {
                lane.finished = Some(now);
            }
            self.top_up(i, now)?;
        }
        Ok(failed)
    }

    fn nearest_deadline(&self) -> Option<(usize, Instant)> {
        let t = self.opts.task_timeout?;
        self.lanes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.front_since.map(|s| (i, s + t)))
            .min_by_key(|&(_, d)| d)
    }

    fn timed_out(&mut self, i: usize) -> BatchError {
        let task = self.lanes[i].front().unwrap_or(0);
        let limit = show_duration(self.opts.task_timeout.unwrap_or_default());
        let who = self.who(i);
        let (_, tail) = self.procs[i].end_and_describe(self.oom_before);
        BatchError::Task(TaskError {
            task,
            reason: format!("ran longer than --timeout {limit}; {who} was killed{tail}"),
        })
    }

    /// The next line from one of the `watch` workers, or which one closed its output or passed
    /// its deadline. Checks the cancel token between polls.
    fn next_line(
        &mut self,
        watch: &[usize],
        spec: &BatchSpec,
        deadline: impl Into<Deadline>,
    ) -> Result<Line, BatchError> {
        let deadline = deadline.into();
        loop {
            for &i in watch {
                if let Some(l) = self.procs[i].next_line() {
                    return Ok(Line::Text(i, l));
                }
            }
            if spec.cancel.is_cancelled() {
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
            let mut fds: Vec<libc::pollfd> = watch
                .iter()
                .map(|&i| libc::pollfd {
                    fd: self.procs[i].fd(),
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let ms = wait.as_millis().max(1) as i32;
            // SAFETY: fds is a live array of initialised pollfd of the given length.
            let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
            if rc < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
                return Err(BatchError::Setup(format!(
                    "waiting for the workers failed: {}",
                    std::io::Error::last_os_error()
                )));
            }
            for (&i, fd) in watch.iter().zip(&fds) {
                if fd.revents != 0 && !self.procs[i].fill() {
                    if let Some(l) = self.procs[i].next_line() {
                        return Ok(Line::Text(i, l));
                    }
                    return Ok(Line::Closed(i));
                }
            }
        }
    }
}

/// What `next_line` found.
enum Line {
    Text(usize, String),
    Closed(usize),
    Timeout(usize),
}

/// A deadline for every watched worker (the handshake) or for one (a task's timeout).
enum Deadline {
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
