//! The processes executor, like `multiprocessing.Pool`: W worker processes (this program
//! re-executed as the hidden `__worker` subcommand) are started and report ready before the
//! clock starts; chunks of tasks are then handed out over their stdin and answered on their
//! stdout (dynamic: two chunks in flight per worker, refilled as answers come; static: one
//! share each). Workers check their own tasks; the coordinator checks per-batch totals.
//! Every path, error and cancel included, kills and reaps every worker it started.

use super::chunking::TaskQueue;
use super::protocol::{FromWorker, ToWorker, WorkerSetup};
use super::threads::static_share;
use super::{BatchError, BatchSpec, Executor, Schedule, child, throttle};
use crate::model::Sample;
use crate::workload::{SharedWorkload, TaskError};
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::ops::Range;
use std::os::unix::io::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// Chunks queued per worker under the dynamic schedule, so it never waits for the next one.
const IN_FLIGHT: usize = 2;
/// Milliseconds between cancel checks while waiting for workers.
const POLL_MS: i32 = 50;

/// Runs each batch on a fresh pool of worker processes.
#[derive(Debug, Clone)]
pub struct ProcessesExecutor {
    program: PathBuf,
    /// Extra environment for the workers (tests use it for the worker's abort hook).
    pub env: Vec<(String, String)>,
    last_pids: Vec<u32>,
}

impl ProcessesExecutor {
    /// Workers run `program __worker` (`program` must be a plateau binary).
    pub fn new(program: PathBuf) -> Self {
        Self {
            program,
            env: vec![],
            last_pids: vec![],
        }
    }

    /// Workers run this very program.
    pub fn current_exe() -> anyhow::Result<Self> {
        let exe = std::env::current_exe().map_err(|e| {
            anyhow::anyhow!("--mode processes re-runs plateau itself, but its path is unknown: {e}")
        })?;
        Ok(Self::new(exe))
    }

    /// The pids of the workers of the last batch (all reaped by the time a batch returns).
    pub fn last_worker_pids(&self) -> &[u32] {
        &self.last_pids
    }
}

/// One worker process and the conversation with it.
struct Worker {
    child: Option<Child>,
    stdin: ChildStdin,
    stdout: ChildStdout,
    pid: u32,
    pending: Vec<u8>,
    in_flight: VecDeque<Range<u64>>,
    finished: Option<Instant>,
}

/// The workers of one batch. Dropping it kills and reaps whichever are still alive.
struct Pool {
    workers: Vec<Worker>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &mut self.workers {
            if let Some(mut c) = w.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

/// A line from worker `i`, or how it ended.
enum Event {
    /// Worker `i` said this.
    Message(usize, FromWorker),
    /// Worker `i` closed its stdout, or said something outside the protocol.
    Died(usize),
}

impl Pool {
    fn spawn(
        exe: &ProcessesExecutor,
        spec: &BatchSpec,
        setup: &serde_json::Value,
    ) -> Result<Pool, BatchError> {
        let n = spec.workers.get();
        let mut pool = Pool {
            workers: Vec::with_capacity(n),
        };
        for i in 0..n {
            let mut child = Command::new(&exe.program)
                .arg("__worker")
                .envs(exe.env.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| {
                    BatchError::Setup(format!(
                        "could not start worker process {i} of {n} ({}): {e}",
                        exe.program.display()
                    ))
                })?;
            let (stdin, stdout) = (child.stdin.take(), child.stdout.take());
            let pid = child.id();
            let (Some(stdin), Some(stdout)) = (stdin, stdout) else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BatchError::Setup("worker pipes were not created".into()));
            };
            pool.workers.push(Worker {
                child: Some(child),
                stdin,
                stdout,
                pid,
                pending: vec![],
                in_flight: VecDeque::new(),
                finished: None,
            });
            let pin_cpu = spec.cpu_for(i);
            let line = WorkerSetup {
                workload: setup.clone(),
                pin_cpu,
                worker: i,
                workers: n,
            }
            .encode();
            pool.send(i, &line, spec)?;
        }
        Ok(pool)
    }

    /// Writes one line to worker `i`; a closed pipe means it died.
    fn send(&mut self, i: usize, line: &str, spec: &BatchSpec) -> Result<(), BatchError> {
        let w = &mut self.workers[i];
        // One write per message: the pipe is unbuffered, and a formatted write would make
        // one system call per piece.
        let msg = format!("{line}\n");
        match w.stdin.write_all(msg.as_bytes()) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.died(i, spec)),
        }
    }

    /// Worker `i` is gone: reap it and describe how it ended.
    fn died(&mut self, i: usize, spec: &BatchSpec) -> BatchError {
        let w = &mut self.workers[i];
        let mut how = "ended".to_string();
        let mut stderr = String::new();
        if let Some(mut c) = w.child.take() {
            // It may only have said something unexpected: make sure it is gone before reading.
            let _ = c.kill();
            if let Some(mut e) = c.stderr.take() {
                let tail = super::stderr_tail::tail_of_stream(&mut e, 4096).unwrap_or_default();
                stderr = String::from_utf8_lossy(&tail).into_owned();
            }
            let pid = c.id() as i32;
            // std's wait would discard the raw status; reap it ourselves to name the signal.
            if let Ok((status, _)) = child::reap(pid) {
                how = child::describe_status(status);
            }
        }
        let doing = match w.in_flight.front() {
            Some(r) => format!(" while running tasks {}..{}", r.start, r.end),
            None => String::new(),
        };
        let tail: String = stderr
            .trim_end()
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" | ");
        BatchError::WorkerDied {
            worker: i,
            reason: format!(
                "worker process {i} (pid {}) {how}{doing}, in a batch of {} worker processes{}",
                w.pid,
                spec.workers.get(),
                if tail.is_empty() {
                    String::new()
                } else {
                    format!("; its stderr ended with: {tail}")
                }
            ),
        }
    }

    /// Waits for the next complete line from any worker, checking `cancel` between polls.
    fn next_event(&mut self, spec: &BatchSpec) -> Result<Event, BatchError> {
        loop {
            for (i, w) in self.workers.iter_mut().enumerate() {
                if let Some(pos) = w.pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = w.pending.drain(..=pos).collect();
                    let line = String::from_utf8_lossy(&line);
                    return Ok(match FromWorker::parse(line.trim_end()) {
                        Ok(m) => Event::Message(i, m),
                        Err(_) => Event::Died(i),
                    });
                }
            }
            if spec.cancel.is_cancelled() {
                return Err(BatchError::Cancelled);
            }
            // Workers that already quit and were reaped are not listened to any more.
            let live: Vec<usize> = (0..self.workers.len())
                .filter(|&i| self.workers[i].child.is_some())
                .collect();
            let mut fds: Vec<libc::pollfd> = live
                .iter()
                .map(|&i| libc::pollfd {
                    fd: self.workers[i].stdout.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            // SAFETY: fds is a live array of initialised pollfd of the given length.
            let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, POLL_MS) };
            if rc < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(BatchError::Setup(format!(
                    "waiting for the workers failed: {e}"
                )));
            }
            for (&i, fd) in live.iter().zip(&fds) {
                if fd.revents == 0 {
                    continue;
                }
                let mut buf = [0u8; 4096];
                match self.workers[i].stdout.read(&mut buf) {
                    Ok(0) | Err(_) => return Ok(Event::Died(i)),
                    Ok(k) => self.workers[i].pending.extend_from_slice(&buf[..k]),
                }
            }
        }
    }

    /// Hands worker `i` its next dynamic chunk, if any remain.
    fn feed(&mut self, i: usize, queue: &TaskQueue, spec: &BatchSpec) -> Result<(), BatchError> {
        if let Some(r) = queue.claim() {
            self.send(i, &ToWorker::Run(r.clone()).encode(), spec)?;
            self.workers[i].in_flight.push_back(r);
        }
        Ok(())
    }
}

impl Executor for ProcessesExecutor {
    fn run_batch(
        &mut self,
        spec: &BatchSpec,
        workload: &SharedWorkload,
    ) -> Result<Sample, BatchError> {
        let n = spec.workers.get();
        let setup = workload.worker_setup().map_err(BatchError::Setup)?;
        let spawn_start = Instant::now();
        let pool = Pool::spawn(self, spec, &setup);
        self.last_pids = match &pool {
            Ok(p) => p.workers.iter().map(|w| w.pid).collect(),
            Err(_) => vec![],
        };
        let mut pool = pool?;

        // Start-up: every worker prepared its workload and said so.
        let mut ready = 0;
        while ready < n {
            match pool.next_event(spec)? {
                Event::Message(_, FromWorker::Ready) => ready += 1,
                Event::Message(i, FromWorker::SetupFailed { reason }) => {
                    return Err(BatchError::Setup(format!(
                        "worker process {i} could not set up: {reason}"
                    )));
                }
                Event::Message(i, _) | Event::Died(i) => return Err(pool.died(i, spec)),
            }
        }

        workload.begin_batch(spec.tasks);
        let queue = TaskQueue::new(spec.tasks, n, spec.chunk);
        let throttled_before = throttle::read();
        let release = Instant::now();
        for i in 0..n {
            match spec.schedule {
                Schedule::Dynamic => {
                    for _ in 0..IN_FLIGHT {
                        pool.feed(i, &queue, spec)?;
                    }
                }
                Schedule::Static => {
                    let r = static_share(spec.tasks, n, i);
                    if !r.is_empty() {
                        pool.send(i, &ToWorker::Run(r.clone()).encode(), spec)?;
                        pool.workers[i].in_flight.push_back(r);
                    }
                }
            }
        }
        let mut outstanding: usize = pool.workers.iter().map(|w| w.in_flight.len()).sum();
        while outstanding > 0 {
            match pool.next_event(spec)? {
                Event::Message(i, FromWorker::Done) => {
                    outstanding -= 1;
                    pool.workers[i].in_flight.pop_front();
                    pool.workers[i].finished = Some(Instant::now());
                    if spec.schedule == Schedule::Dynamic {
                        let before = pool.workers[i].in_flight.len();
                        pool.feed(i, &queue, spec)?;
                        outstanding += pool.workers[i].in_flight.len() - before;
                    }
                }
                Event::Message(_, FromWorker::TaskFailed { task, reason }) => {
                    return Err(BatchError::Task(TaskError { task, reason }));
                }
                Event::Message(i, _) | Event::Died(i) => return Err(pool.died(i, spec)),
            }
        }
        let throttled_after = throttle::read();
        let last = pool
            .workers
            .iter()
            .filter_map(|w| w.finished)
            .max()
            .unwrap_or(release);

        // Quit: each worker reports its own usage over the timed part, then exits.
        let mut usage = super::rusage::Usage::default();
        let mut peaks = vec![0u64; n];
        for i in 0..n {
            pool.send(i, &ToWorker::Quit.encode(), spec)?;
        }
        let mut reported = 0;
        while reported < n {
            match pool.next_event(spec)? {
                Event::Message(i, FromWorker::Usage(u)) => {
                    usage.add(&u);
                    peaks[i] = u.maxrss_bytes;
                    reported += 1;
                    if let Some(mut c) = pool.workers[i].child.take() {
                        let _ = c.wait();
                    }
                }
                Event::Message(i, _) | Event::Died(i) => return Err(pool.died(i, spec)),
            }
        }
        drop(pool);
        workload
            .end_batch(spec.tasks)
            .map_err(BatchError::BatchCheck)?;
        let mut sample = usage.into_sample(
            last.saturating_duration_since(release),
            release.saturating_duration_since(spawn_start),
        );
        sample.worker_peak_rss_bytes = peaks;
        throttle::fill_delta(&mut sample, throttled_before, throttled_after);
        Ok(sample)
    }
}
