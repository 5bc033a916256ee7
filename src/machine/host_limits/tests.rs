//! Tests of the sizing and the check, on injected readings (never this machine's limits).

use super::*;

fn readings(soft: u64, hard: u64) -> Readings {
    Readings {
        open_now: 10,
        open_files: Rlimit {
            soft: Some(soft),
            hard: Some(hard),
        },
        processes: None,
        pids: None,
    }
}

#[test]
fn each_pool_needs_what_its_executor_opens() {
    assert_eq!(PoolKind::Threads.open_files(768), 0);
    assert_eq!(PoolKind::Processes.open_files(768), 3 * 768 + 5);
    assert_eq!(PoolKind::Persistent.open_files(1), 8);
    assert_eq!(
        PoolKind::Command { shell: false }.open_files(768),
        4 * 768 + 1
    );
    assert_eq!(
        open_files_needed(PoolKind::Processes, 768, 10),
        10 + 32 + 2309
    );
    assert_eq!(PoolKind::Threads.tasks(768), 768);
    assert_eq!(PoolKind::Command { shell: false }.tasks(10), 22);
    assert_eq!(PoolKind::Command { shell: true }.tasks(10), 32);
    assert_eq!(tasks_needed(PoolKind::Processes, 768), 776);
}

#[test]
fn a_soft_limit_too_low_is_raised_to_a_hard_one_that_is_enough() {
    let fit = check(PoolKind::Processes, 768, &readings(1024, 1 << 20)).unwrap();
    assert_eq!(fit.raise_open_files_to, Some(1 << 20));
    assert_eq!(fit.record.open_files_raised_from, Some(1024));
    assert_eq!(fit.record.open_files_soft, Some(1 << 20));
    assert_eq!(fit.record.open_files_needed, 2351);
    assert_eq!(fit.record.workers, 768);
    // Enough as it is: nothing raised.
    let fit = check(PoolKind::Processes, 8, &readings(1024, 1 << 20)).unwrap();
    assert_eq!(fit.raise_open_files_to, None);
    assert_eq!(fit.record.open_files_raised_from, None);
    assert_eq!(fit.record.open_files_soft, Some(1024));
    // Threads need no descriptor per worker.
    assert!(check(PoolKind::Threads, 768, &readings(64, 64)).is_ok());
}

#[test]
fn a_hard_limit_too_low_is_refused_in_one_sentence_naming_it() {
    let err = check(PoolKind::Processes, 768, &readings(1024, 1024)).unwrap_err();
    // 10 open + 32 margin + 3w + 5 <= 1024: w <= 325.
    assert_eq!(err.allows, 325);
    assert!(open_files_needed(PoolKind::Processes, 325, 10) <= 1024);
    assert!(open_files_needed(PoolKind::Processes, 326, 10) > 1024);
    let s = err.to_string();
    for needle in [
        "768 workers in processes mode need up to 2351 open files",
        "the hard limit on open files (RLIMIT_NOFILE) is 1024",
        "allows at most 325 workers",
        "`ulimit -n 2351`",
        "`--workers` up to 325",
    ] {
        assert!(s.contains(needle), "{needle:?} in {s}");
    }
    assert!(!s.contains('\n') && !s.ends_with('.'), "{s}");
    // A command's pool holds more per worker than a process pool.
    let cmd = check(
        PoolKind::Command { shell: false },
        768,
        &readings(1024, 1024),
    )
    .unwrap_err();
    assert_eq!(cmd.allows, (1024 - 10 - 32 - 1) / 4);
    assert!(cmd.to_string().contains("in command mode"));
}

#[test]
fn a_limit_that_allows_no_worker_says_so() {
    let err = check(PoolKind::Processes, 4, &readings(40, 40)).unwrap_err();
    assert_eq!(err.allows, 0);
    let s = err.to_string();
    assert!(s.contains("which allows no worker at all"), "{s}");
    assert!(!s.contains("--workers"), "no count to suggest: {s}");
}

#[test]
fn this_users_process_limit_counts_what_already_runs() {
    let mut r = readings(1 << 20, 1 << 20);
    r.processes = Some(ProcessLimit {
        limit: 1000,
        in_use: 300,
    });
    // 300 in use + 8 margin + w <= 1000: w <= 692.
    let err = check(PoolKind::Threads, 768, &r).unwrap_err();
    assert_eq!((err.allows, err.needed), (692, 776));
    let s = err.to_string();
    assert!(s.contains("(RLIMIT_NPROC) is 1000 with 300 in use"), "{s}");
    assert!(
        s.contains("`ulimit -u 1076`") && s.contains("at most 692 workers"),
        "{s}"
    );
    assert!(check(PoolKind::Threads, 692, &r).is_ok());
}

#[test]
fn the_cgroups_pids_max_counts_what_is_in_it() {
    let mut r = readings(1 << 20, 1 << 20);
    r.pids = Some(PidsLimit {
        max: 512,
        current: 40,
        file: PathBuf::from("/sys/fs/cgroup/job/pids.max"),
    });
    // 472 left, 8 margin; a command under sh -c takes 3 per worker and 2 more.
    let shell = PoolKind::Command { shell: true };
    let err = check(shell, 768, &r).unwrap_err();
    assert_eq!(err.allows, (472 - 8 - 2) / 3);
    let s = err.to_string();
    assert!(
        s.contains("pids.max (/sys/fs/cgroup/job/pids.max) is 512 with 40 in use"),
        "{s}"
    );
    let fit = check(PoolKind::Processes, 400, &r).unwrap();
    assert_eq!(
        (fit.record.pids_max, fit.record.pids_current),
        (Some(512), Some(40))
    );
}

#[test]
fn unlimited_limits_always_fit() {
    let r = Readings {
        open_now: 3,
        open_files: Rlimit {
            soft: None,
            hard: None,
        },
        processes: None,
        pids: None,
    };
    let fit = check(PoolKind::Command { shell: false }, 100_000, &r).unwrap();
    assert_eq!(fit.raise_open_files_to, None);
    assert_eq!(fit.record.open_files_soft, None);
}

#[test]
fn under_an_unlimited_hard_limit_the_soft_one_is_raised_to_the_need() {
    let mut r = readings(64, 0);
    r.open_files.hard = None;
    let fit = check(PoolKind::Processes, 100, &r).unwrap();
    assert_eq!(fit.raise_open_files_to, Some(10 + 32 + 305));
    assert_eq!(fit.record.open_files_soft, Some(347));
    assert_eq!(fit.record.open_files_raised_from, Some(64));
}

#[test]
fn largest_finds_the_last_count_that_fits() {
    assert_eq!(largest(10, |w| w <= 7), 7);
    assert_eq!(largest(10, |w| w <= 20), 10);
    assert_eq!(largest(10, |_| false), 0);
    assert_eq!(largest(0, |_| true), 0);
}
