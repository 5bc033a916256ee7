//! One batch on a pool of long-lived worker processes speaking the worker protocol: start W
//! workers and wait for each `ready` (start-up, not timed), start the batch clock, hand out
//! task numbers (dynamic: `IN_FLIGHT` claims per worker, refilled as they finish; static: one
//! share each), several lines in flight per worker, read `ok` / `error` answers, enforce the
//! per-task timeout, then `quit`, read each worker's output to its end, reap and report usage
//! and each worker's peak RSS. Nothing here blocks on a worker: writes wait in an outbox, reads
//! and exits are polled, so `--timeout`, `--ready-timeout` and a stop are always enforced. An
//! answer for a task that was not in flight, a task answered before it was read, a line past
//! the cap: each is a bad worker, never a faster batch. Used by both the processes executor
//! (plateau's own workers) and the persistent executor (the user's command).

use super::batch_clock::BatchClock;
use super::chunking::{TaskQueue, static_share};
use super::latency::{self, TaskTimes};
use super::lines::MAX_LINE_BYTES;
use super::pool_proc::{Launch, WorkerProc};
use super::pool_wait::{self, Gone, Line, POLL_MS};
use super::protocol::{self, FromWorker, ToWorker};
use super::rusage::Usage;
use super::scratch::Scratch;
use super::{BatchError, BatchSpec, Schedule, proc_stat};
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
/// How long the workers get, together, to exit after `quit` before they are killed.
const QUIT_GRACE: Duration = Duration::from_secs(2);

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
    let dir = Scratch::new("plateau-workers-")
        .map_err(|e| BatchError::Setup(format!("cannot make a folder for worker stderr: {e}")))?;
    let spawn_start = Instant::now();
    let mut pool = Pool::spawn(launches, opts, dir.path())?;
    on_pids(&pool.procs.iter().map(|p| p.pid as u32).collect::<Vec<_>>());
    pool.handshake(spec, spawn_start)?;

    let queue = TaskQueue::new(spec.tasks, n, spec.chunk);
    let (clock, before) = BatchClock::start(spawn_start, || {
        pool.procs
            .iter()
            .map(|p| proc_stat::read(p.pid as u32))
            .collect::<Vec<Usage>>()
    });
    pool.release(spec, &queue, clock.at())?;
    let failed = pool.serve(spec, &queue)?;
    let last = pool.lanes.iter().filter_map(|l| l.finished).max();
    let mut usage = Usage::default();
    for (p, b) in pool.procs.iter().zip(&before) {
        usage.add(&proc_stat::read(p.pid as u32).since(b));
    }
    let mut sample = clock.finish(last, &usage);
    pool.check_all_read()?;
    sample.worker_peak_rss_bytes = pool.quit()?;
    sample.failed_tasks = opts.keep_going.then_some(failed);
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

    /// Tells every worker to quit first, so they exit side by side, reads each one's output
    /// to its end (an answer after the last task is a bad worker: it answered more tasks
    /// than it was given), then reaps each; returns their peak RSS in bytes.
    fn quit(&mut self) -> Result<Vec<u64>, BatchError> {
        let mut quit = vec![];
        ToWorker::Quit.encode_into(&mut quit);
        let deadline = Instant::now() + QUIT_GRACE;
        for p in self.procs.iter_mut() {
            p.ask_quit(&quit, Duration::from_millis(100));
        }
        let all: Vec<usize> = (0..self.procs.len()).collect();
        let mut extra = vec![0u64; self.procs.len()];
        loop {
            for &i in &all {
                while let Ok(Some(line)) = self.procs[i].next_line() {
                    if matches!(
                        FromWorker::parse(&line),
                        Ok(FromWorker::Ok | FromWorker::Error { .. })
                    ) {
                        extra[i] += 1;
                    }
                }
            }
            if let Some(i) = extra.iter().position(|&e| e > 0) {
                let what = format!(
                    "answered {} more time{} than it was given tasks (after its last task's answer, before `quit` took effect): each task gets exactly one answer, so its batch's time cannot be trusted (see docs/worker-protocol.md)",
                    extra[i],
                    if extra[i] == 1 { "" } else { "s" }
                );
                return Err(self.bad(i, what));
            }
            let open: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| !self.procs[i].is_silent())
                .collect();
            let now = Instant::now();
            if open.is_empty() || now >= deadline {
                break;
            }
            pool_wait::wait(
                &mut self.procs,
                &open,
                (deadline - now).min(Duration::from_millis(POLL_MS)),
            )?;
        }
        Ok(self
            .procs
            .iter_mut()
            .map(|p| p.reap_after_quit(deadline))
            .collect())
    }

    /// After every task was answered: a worker with task lines still unread answered tasks it
    /// never read (a worker that writes `ok` without reading), which would make the batch
    /// look faster than the work it did.
    fn check_all_read(&mut self) -> Result<(), BatchError> {
        for i in 0..self.procs.len() {
            let unread = self.procs[i].unread_input();
            if unread > 0 {
                let what = format!(
                    "answered every task it was given, but {unread} bytes of the task lines sent to it were never read: it answers without reading its tasks, so its batch's time cannot be trusted (a worker reads a task line, runs it, then answers; see docs/worker-protocol.md)"
                );
                return Err(self.bad(i, what));
            }
        }
        Ok(())
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
        let v = protocol::VERSION;
        while ready.iter().any(|r| !r) {
            let waiting: Vec<usize> = (0..ready.len()).filter(|&i| !ready[i]).collect();
            match pool_wait::next_line(&mut self.procs, &waiting, &spec.cancel, Some(deadline))? {
                Line::Text(i, line) => match FromWorker::parse(&line) {
                    Ok(FromWorker::Ready { version }) if version == v => ready[i] = true,
                    Ok(FromWorker::Ready { version }) => {
                        return Err(self.bad(i, format!("speaks worker protocol version {version}; this plateau speaks version {v} (it says `ready {v}`)")));
                    }
                    Ok(FromWorker::Error { message }) => {
                        return Err(self.bad(i, format!("could not start: {message}")));
                    }
                    Ok(FromWorker::Ok) | Err(_) => {
                        if let Some(claimed) = protocol::unknown_version(&line) {
                            return Err(self.bad(i, format!("said `ready {claimed}`: protocol version {claimed} does not exist (it is too large to be one); this plateau speaks version {v} (it says `ready {v}`)")));
                        }
                        let q = protocol::ProtocolError::of(&line).quoted;
                        return Err(self.bad(i, format!("wrote {q} before it was ready; a worker's first line must be `ready {v}` (see docs/worker-protocol.md)")));
                    }
                },
                Line::TooLong(i) => return Err(self.too_long(i, " before it was ready")),
                Line::Gone(i, gone) => {
                    let (how, tail) = self.procs[i].end_and_describe(self.oom_before);
                    let how = how.unwrap_or_else(|| gone.still_running(""));
                    return Err(BatchError::BadWorker(format!(
                        "{} {how} before it said `ready {v}`{tail}",
                        self.who(i)
                    )));
                }
                Line::Timeout(i) => {
                    return Err(self.bad(i, format!("did not say `ready {v}` within --ready-timeout {}: a worker prints it once it is initialised (see docs/worker-protocol.md)", show_duration(self.opts.ready_timeout))));
                }
            }
        }
        Ok(())
    }

    fn bad(&mut self, i: usize, what: String) -> BatchError {
        let (_, tail) = self.procs[i].end_and_describe(self.oom_before);
        BatchError::BadWorker(format!("{} {what}{tail}", self.who(i)))
    }

    fn too_long(&mut self, i: usize, when: &str) -> BatchError {
        let cap = MAX_LINE_BYTES / 1024;
        self.bad(i, format!("wrote a line longer than {cap} KiB{when}; the worker protocol's lines are short (`ready 1`, `ok`, `error MESSAGE`; see docs/worker-protocol.md)"))
    }

    /// Queues worker `i`'s next unsent tasks, up to the window, in one write.
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
            return Err(self.died(i, Gone::InputClosed));
        }
        Ok(())
    }

    /// Worker `i` is gone in the middle of the batch: name it, its task and how it ended.
    fn died(&mut self, i: usize, gone: Gone) -> BatchError {
        let doing = match self.lanes[i].front() {
            Some(t) if self.lanes[i].sent > 0 => format!(" while running task {t}"),
            _ => String::new(),
        };
        let (how, tail) = self.procs[i].end_and_describe(self.oom_before);
        let what = match how {
            Some(how) => format!("{how}{doing}"),
            None => gone.still_running(&doing),
        };
        BatchError::WorkerDied {
            worker: i,
            reason: format!("{} {what}{tail}", self.pid_of(i)),
        }
    }

    /// Answers until every task is done; returns the failed tasks (with keep_going).
    fn serve(&mut self, spec: &BatchSpec, queue: &TaskQueue) -> Result<u64, BatchError> {
        let mut failed = 0;
        let all: Vec<usize> = (0..self.procs.len()).collect();
        while self.lanes.iter().any(|l| !l.claims.is_empty()) {
            let deadline = self.nearest_deadline();
            let (i, line) =
                match pool_wait::next_line(&mut self.procs, &all, &spec.cancel, deadline)? {
                    Line::Text(i, line) => (i, line),
                    Line::Gone(i, gone) => return Err(self.died(i, gone)),
                    Line::Timeout(i) => return Err(self.timed_out(i)),
                    Line::TooLong(i) => return Err(self.too_long(i, "")),
                };
            let msg = match FromWorker::parse(&line) {
                Ok(m @ (FromWorker::Ok | FromWorker::Error { .. })) => m,
                _ => {
                    let q = protocol::ProtocolError::of(&line).quoted;
                    return Err(self.bad(i, format!("wrote {q}, which is not an answer of the worker protocol (`ok` or `error MESSAGE`, one per task; see docs/worker-protocol.md)")));
                }
            };
            let Some(task) = self.lanes[i].front().filter(|_| self.lanes[i].sent > 0) else {
                return Err(self.bad(i, "answered a task it was not given (an answer came with no task in flight): each task gets exactly one answer, so its batch's time cannot be trusted (see docs/worker-protocol.md)".to_string()));
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
}
