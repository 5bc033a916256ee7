//! The descriptors each executor really holds during a batch, counted from /proc/self/fd by a
//! sampling thread, against the per-worker cost `machine::host_limits` checks before a run:
//! never more than the formula says (so no run fails mid-way on a limit checked up front), and
//! at least the part every worker holds for the whole batch (so the formula's slope is right).
//! One test in its own test binary: nothing else opens descriptors in this process meanwhile.

pub mod common;

use plateau::cancel::CancelToken;
use plateau::exec::command::{CommandExecutor, CommandSpec, CommandWorkload};
use plateau::exec::persistent::{PersistentExecutor, PersistentSpec};
use plateau::exec::processes::ProcessesExecutor;
use plateau::exec::threads::ThreadsExecutor;
use plateau::exec::{BatchSpec, Executor, Schedule};
use plateau::machine::host_limits::PoolKind;
use plateau::workload::SharedWorkload;
use plateau::workload::cpu::CpuWorkload;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Descriptors open in this process now (the listing's own left out).
fn open_now() -> u64 {
    std::fs::read_dir("/proc/self/fd").unwrap().count() as u64 - 1
}

/// The most descriptors open beyond those open before, while `batch` runs.
fn peak_extra(batch: impl FnOnce()) -> u64 {
    let before = open_now();
    let stop = AtomicBool::new(false);
    let peak = AtomicU64::new(before);
    std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                // The sampler's own listing is its one descriptor, left out by `open_now`.
                peak.fetch_max(open_now(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_micros(100));
            }
        });
        batch();
        stop.store(true, Ordering::Relaxed);
    });
    peak.load(Ordering::Relaxed) - before
}

fn spec(workers: usize, tasks: u64) -> BatchSpec {
    let workers = NonZeroUsize::new(workers).unwrap();
    BatchSpec::new(
        workers,
        tasks,
        Schedule::Dynamic,
        Default::default(),
        &CancelToken::new(),
    )
}

/// The peak extra descriptors of one batch of `workers` on `exe`.
fn measure(exe: &mut dyn Executor, workload: &SharedWorkload, workers: usize, tasks: u64) -> u64 {
    peak_extra(|| {
        exe.run_batch(&spec(workers, tasks), workload).unwrap();
    })
}

/// Files plateau itself opens for a moment during a batch (the cgroup's cpu.stat, /proc reads
/// of the workers' usage), which the check's margin of 32 covers, not the pool's count.
const OWN_READS: u64 = 4;

#[test]
fn every_executor_holds_no_more_descriptors_than_the_check_counts() {
    let cpu: SharedWorkload = Arc::new(CpuWorkload::new(200_000));
    let command = CommandSpec {
        argv: vec!["sh".into(), "-c".into(), "sleep 0.02".into()],
        shell: false,
        timeout: None,
        keep_going: false,
    };
    let command_load: SharedWorkload = Arc::new(CommandWorkload::new(command.clone()));
    let persistent = PersistentSpec {
        argv: vec![
            "sh".into(),
            common::fixture("workers/echo_worker.sh")
                .display()
                .to_string(),
            "{worker}".into(),
        ],
        shell: false,
        ready_timeout: Duration::from_secs(30),
        timeout: None,
        keep_going: false,
    };
    for workers in [1, 6, 24] {
        let tasks = 8 * workers as u64;
        let threads = measure(&mut ThreadsExecutor, &cpu, workers, tasks);
        let mut procs = ProcessesExecutor::new(common::bin::path().into());
        let processes = measure(&mut procs, &cpu, workers, tasks);
        let mut pers = PersistentExecutor::new(persistent.clone());
        let pool = measure(&mut pers, &cpu, workers, tasks);
        let mut cmd = CommandExecutor::new(command.clone());
        let commands = measure(&mut cmd, &command_load, workers, tasks);
        eprintln!(
            "{workers} workers: threads +{threads}, processes +{processes}, persistent +{pool}, command +{commands} descriptors at the peak"
        );
        let w = workers as u64;
        assert!(
            threads <= PoolKind::Threads.open_files(w) + OWN_READS,
            "threads: {threads}"
        );
        for (kind, seen) in [
            (PoolKind::Processes, processes),
            (PoolKind::Persistent, pool),
        ] {
            assert!(
                seen <= kind.open_files(w) + OWN_READS,
                "{kind:?} at {w}: {seen}"
            );
            // Each worker's two pipe ends are held for the whole batch.
            assert!(seen >= 2 * w, "{kind:?} at {w}: {seen}");
        }
        // The command's guard pipe (its last descriptor) is the run's, not the batch's: the
        // batch must stay below the count.
        let command_kind = PoolKind::Command { shell: false };
        assert!(
            commands < command_kind.open_files(w) + OWN_READS,
            "command at {w}: {commands}"
        );
        // Each worker thread's stderr file is held for the whole batch.
        assert!(commands >= w, "command at {w}: {commands}");
    }
}
