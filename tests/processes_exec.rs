//! The processes executor against the real plateau binary as its worker: every task runs
//! exactly once, a crashed worker is named, cancellation kills the pool, nothing is left behind.

pub mod common;

use common::process::{ended, reaped};
use plateau::cancel::CancelToken;
use plateau::exec::chunking::Chunking;
use plateau::exec::processes::ProcessesExecutor;
use plateau::exec::worker_hooks::{ABORT_HOOK_ENV, TASK_LOG_HOOK_ENV};
use plateau::exec::{BatchError, BatchSpec, Executor, Schedule};
use plateau::workload::SharedWorkload;
use plateau::workload::contended::ContendedWorkload;
use plateau::workload::cpu::CpuWorkload;
use plateau::workload::io::IoWorkload;
use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn executor() -> ProcessesExecutor {
    ProcessesExecutor::new(common::bin::path().into())
}

fn spec(workers: usize, tasks: u64, schedule: Schedule, chunk: Chunking) -> BatchSpec {
    let workers = NonZeroUsize::new(workers).unwrap();
    BatchSpec::new(workers, tasks, schedule, chunk, &CancelToken::new())
}

#[test]
fn reaped_tells_a_zombie_from_a_reaped_process() {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    common::wait::until("the child's exit", Duration::from_secs(10), || {
        ended(pid as i32)
    });
    assert!(!reaped(pid), "a zombie is not reaped");
    child.wait().unwrap();
    assert!(reaped(pid));
}

#[test]
fn every_task_runs_exactly_once_in_both_schedules() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (Schedule::Dynamic, Chunking::Adaptive, 3),
        (
            Schedule::Dynamic,
            Chunking::Fixed(NonZeroU64::new(4).unwrap()),
            2,
        ),
        (Schedule::Static, Chunking::Adaptive, 3),
    ];
    for (n, (schedule, chunk, workers)) in cases.into_iter().enumerate() {
        let log = dir.path().join(format!("tasks-{n}"));
        let mut exe = executor();
        exe.env
            .push((TASK_LOG_HOOK_ENV.into(), log.to_str().unwrap().into()));
        let w: SharedWorkload = Arc::new(CpuWorkload::new(1000));
        let s = exe
            .run_batch(&spec(workers, 41, schedule, chunk), &w)
            .unwrap();
        let mut seen: Vec<u64> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|l| l.parse().unwrap())
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..41).collect::<Vec<_>>(), "{schedule:?} {chunk:?}");
        assert_eq!(s.worker_peak_rss_bytes.len(), workers);
        assert!(s.worker_peak_rss_bytes.iter().all(|&b| b > 0));
        assert!(s.startup_s > 0.0 && s.wall_s > 0.0);
        assert!(exe.last_worker_pids().iter().all(|&p| reaped(p)));
    }
}

#[test]
fn a_shared_counter_across_processes_adds_up() {
    let w: SharedWorkload = Arc::new(ContendedWorkload::new(200));
    // end_batch checks tasks x updates over all worker processes.
    executor()
        .run_batch(&spec(3, 30, Schedule::Dynamic, Chunking::Adaptive), &w)
        .unwrap();
}

#[test]
fn a_crashed_worker_is_named_with_its_pid_and_the_pool_is_reaped() {
    let mut exe = executor();
    exe.env.push((ABORT_HOOK_ENV.into(), "2:5".into()));
    let w: SharedWorkload = Arc::new(CpuWorkload::new(1000));
    let err = exe
        .run_batch(&spec(2, 20, Schedule::Static, Chunking::Adaptive), &w)
        .unwrap_err();
    let BatchError::WorkerDied { worker, ref reason } = err else {
        panic!("{err}")
    };
    // Task 5 is in worker 0's static share (0..10).
    assert_eq!(worker, 0);
    let pid = exe.last_worker_pids()[0];
    assert!(reason.contains(&format!("pid {pid}")), "{reason}");
    assert!(reason.contains("SIGABRT"), "{reason}");
    assert!(reason.contains("batch of 2 worker processes"), "{reason}");
    assert!(exe.last_worker_pids().iter().all(|&p| reaped(p)));
}

#[test]
fn cancelling_kills_the_workers_promptly() {
    let mut exe = executor();
    let w: SharedWorkload = Arc::new(IoWorkload::new(200, 10));
    let sp = spec(2, 1000, Schedule::Dynamic, Chunking::Adaptive);
    let cancel = sp.cancel.clone();
    let t = Instant::now();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        cancel.cancel();
    });
    let err = exe.run_batch(&sp, &w).unwrap_err();
    canceller.join().unwrap();
    assert!(matches!(err, BatchError::Cancelled), "{err}");
    // 1000 tasks of 200 ms on 2 workers would take 100 s; a cancel ends it at once.
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(exe.last_worker_pids().len(), 2);
    assert!(exe.last_worker_pids().iter().all(|&p| reaped(p)));
}

/// A stand-in worker program speaking the worker protocol: ready, `ok` to every task but
/// task 3, which gets `reply`.
fn fake_worker(dir: &std::path::Path, reply: &str) -> ProcessesExecutor {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("worker.sh");
    let script = format!(
        "#!/bin/sh\necho 'ready 1'\nwhile read t; do\n  case $t in quit) exit 0;; 3) echo '{reply}';; *) echo ok;; esac\ndone\n"
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    ProcessesExecutor::new(path)
}

#[test]
fn a_task_failure_reported_by_a_worker_fails_the_batch_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let w: SharedWorkload = Arc::new(CpuWorkload::new(10));
    let sp = spec(
        1,
        5,
        Schedule::Dynamic,
        Chunking::Fixed(NonZeroU64::new(1).unwrap()),
    );
    let err = fake_worker(dir.path(), "error the sum was wrong")
        .run_batch(&sp, &w)
        .unwrap_err();
    assert!(
        matches!(err, BatchError::Task(ref t) if t.task == 3 && t.reason.starts_with("the sum was wrong")),
        "{err}"
    );
    // A worker that answers outside the protocol is treated as broken, and the line quoted.
    let mut exe = fake_worker(dir.path(), "what?");
    let err = exe.run_batch(&sp, &w).unwrap_err();
    assert!(
        matches!(err, BatchError::Setup(ref m) if m.contains("\"what?\"") && m.contains("worker 0")),
        "{err}"
    );
    assert!(exe.last_worker_pids().iter().all(|&p| reaped(p)));
}
