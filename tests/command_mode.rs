//! The user's command through the CLI: placeholders and environment, failures, --keep-going,
//! --timeout, a missing program, and a crashed worker process keeping the finished points.

pub mod common;

use common::{number_rows, results, sample_counts, short_run, stderr};
use std::path::Path;
use std::time::{Duration, Instant};

/// A one-round run of `args` into `out`, finished.
fn one_round(out: &Path, args: &[&str]) -> std::process::Output {
    short_run(out, 1).args(args).output().unwrap()
}

#[test]
fn placeholders_and_environment_reach_every_task() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    let script = format!(
        "echo {{task}} {{worker}} $PLATEAU_TASK $PLATEAU_WORKER >> {}",
        log.display()
    );
    let o = one_round(
        &tmp.path().join("out"),
        &[
            "--workers",
            "3",
            "--tasks",
            "10",
            "--schedule",
            "static",
            "--",
            "sh",
            "-c",
            &script,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&log).unwrap();
    // --workers 3 also measures 1 worker: 10 tasks each. The static schedule gives the third
    // worker tasks 6..10 for certain.
    let lines = number_rows(&text);
    assert_eq!(lines.len(), 20);
    let mut tasks: Vec<u64> = lines.iter().map(|l| l[0]).collect();
    tasks.sort_unstable();
    tasks.dedup();
    assert_eq!(tasks, (0..10).collect::<Vec<_>>());
    for l in &lines {
        assert_eq!(l[0], l[2], "{{task}} and PLATEAU_TASK agree");
        assert_eq!(l[1], l[3], "{{worker}} and PLATEAU_WORKER agree");
        assert!(l[1] < 3);
    }
    assert!(
        lines.iter().any(|l| l[1] == 2),
        "the third worker ran something"
    );
}

#[test]
fn the_shell_flag_runs_the_joined_command_through_sh() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    let o = one_round(
        &tmp.path().join("out"),
        &[
            "--workers",
            "1",
            "--tasks",
            "3",
            "--shell",
            "--",
            "echo",
            "t{task}",
            ">>",
            log.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "t0\nt1\nt2\n");
}

#[test]
fn a_failing_command_names_the_task_its_status_and_stderr_and_keeps_points() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = one_round(
        &out,
        &[
            "--workers",
            "1",
            "--tasks",
            "6",
            "--",
            "sh",
            "-c",
            "echo first >&2; echo 'bad input {task}' >&2; test {task} -ne 4",
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("task 4"), "{err}");
    assert!(err.contains("exited with status 1"), "{err}");
    assert!(err.contains("bad input 4"), "{err}");
    assert!(
        out.join("results.json").exists(),
        "what was measured is saved"
    );
}

#[test]
fn keep_going_records_failures_instead_of_stopping() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = one_round(
        &out,
        &[
            "--workers",
            "2",
            "--tasks",
            "8",
            "--keep-going",
            "--",
            "sh",
            "-c",
            "test {task} -lt 5",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("tasks failed"), "{}", stderr(&o));
    let v = results(&out);
    for p in v["points"].as_array().unwrap() {
        assert_eq!(
            p["samples"][0]["failed_tasks"], 3,
            "tasks 5, 6, 7 fail: {p}"
        );
    }
}

#[test]
fn a_hung_command_is_killed_at_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let o = one_round(
        &tmp.path().join("out"),
        &[
            "--workers",
            "1",
            "--tasks",
            "2",
            "--timeout",
            "200ms",
            "--",
            "sleep",
            "100",
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains("--timeout 200ms") && err.contains("killed") && err.contains("task 0"),
        "{err}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "sleep 100 was not killed"
    );
}

#[test]
fn a_bad_timeout_is_one_sentence_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for (given, says) in [
        (
            "5x",
            "--timeout 5x is not a duration: write a number and a unit",
        ),
        ("-5s", "--timeout -5s is out of range"),
        (
            "0",
            "--timeout 0 is out of range: give a duration from 1us to 168h",
        ),
    ] {
        let o = one_round(&out, &["--tasks", "2", "--timeout", given, "--", "true"]);
        assert_eq!(o.status.code(), Some(2), "{given}");
        let err = stderr(&o);
        assert!(err.starts_with(&format!("error: {says}")), "{given}: {err}");
    }
    assert!(!out.exists(), "nothing was measured or written");
}

#[test]
fn a_missing_program_is_a_usage_error_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = one_round(
        &out,
        &["--tasks", "2", "--", "no-such-program-plateau", "{task}"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no-such-program-plateau"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing was measured or written");
}

#[test]
fn a_crashed_worker_process_is_named_and_earlier_points_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = short_run(&out, 2)
        .env(plateau::exec::worker_hooks::ABORT_HOOK_ENV, "3:2")
        .args(["--mode", "processes", "--workers", "1,3"])
        .args(["--tasks", "9", "--iterations", "1000"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains("worker")
            && err.contains("pid")
            && err.contains("batch of 3 worker processes"),
        "{err}"
    );
    let v = results(&out);
    assert_eq!(v["run"]["interrupted"], true);
    let kept: usize = sample_counts(&v).iter().sum();
    let one = &v["points"][0];
    assert_eq!(one["workers"], 1);
    assert_eq!(
        kept,
        one["samples"].as_array().unwrap().len(),
        "only 1-worker batches succeed"
    );
    assert!(
        kept >= 1,
        "the 1-worker batch measured before the crash is kept: {err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn pinned_workers_start_commands_on_their_cpu() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    let script = format!(
        "echo {{worker}} $(grep Cpus_allowed_list /proc/self/status | cut -f2) >> {}",
        log.display()
    );
    let o = one_round(
        &tmp.path().join("out"),
        &[
            "--workers",
            "2",
            "--tasks",
            "4",
            "--schedule",
            "static",
            "--pin",
            "--",
            "sh",
            "-c",
            &script,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let allowed = plateau::machine::affinity::allowed_cpus(1);
    for line in std::fs::read_to_string(&log).unwrap().lines() {
        let (worker, cpus) = line.split_once(' ').unwrap();
        let want = allowed[worker.parse::<usize>().unwrap() % allowed.len()];
        assert_eq!(cpus, want.to_string(), "worker {worker}");
    }
}
