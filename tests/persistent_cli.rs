//! `plateau run --persistent` end to end over the worker protocol, with a POSIX shell worker
//! (tests/fixtures/workers/echo_worker.sh) and the Python adapter (python/plateau_bench/worker.py)
//! on tests/fixtures/workers/tasks.py: handshake, every task once, placeholders and
//! environment, task errors, --keep-going, a dying worker, a garbage line, a hang under
//! --timeout, a worker never ready, and targets the adapter cannot load.

pub mod common;

use common::{fixture, number_rows, plateau, repo, results, sample_counts, short_run, stderr};
use std::path::{Path, PathBuf};

/// The worker fixtures' folder.
fn workers() -> PathBuf {
    fixture("workers")
}

fn shell_worker() -> String {
    workers()
        .join("echo_worker.sh")
        .to_string_lossy()
        .into_owned()
}

/// `plateau run --persistent` with one repetition, no warmup, the adapter on PYTHONPATH and
/// the worker fixtures' folder as the working folder.
fn persistent(out: &Path, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    short_run(out, 1)
        .current_dir(workers())
        .env("PYTHONPATH", repo().join("python"))
        .envs(env.iter().copied())
        .arg("--persistent")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_shell_worker_runs_every_task_once_with_its_worker_number() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    let log_s = log.to_str().unwrap();
    let w = shell_worker();
    let args = [
        "--workers",
        "1,2",
        "--tasks",
        "20",
        "--chunk",
        "3",
        "--",
        &w,
        "{worker}",
    ];
    let o = persistent(&tmp.path().join("out"), &[("WORKER_LOG", log_s)], &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = number_rows(&text);
    // The trial batch (1 worker, 4 tasks) runs before the two measured batches of 20.
    assert_eq!(lines.len(), 4 + 20 + 20, "{text}");
    let mut tasks: Vec<u64> = lines[4..].iter().map(|l| l[0]).collect();
    tasks.sort_unstable();
    let twice: Vec<u64> = (0..20).flat_map(|t| [t, t]).collect();
    assert_eq!(tasks, twice);
    assert!(
        lines.iter().all(|l| l[1] == l[2] && l[1] < 2),
        "{{worker}} = PLATEAU_WORKER"
    );
    assert!(
        lines.iter().any(|l| l[1] == 1),
        "the second worker ran tasks"
    );
    let v = results(&tmp.path().join("out"));
    assert_eq!(v["config"]["mode"], "persistent");
    assert_eq!(v["config"]["workload"]["persistent"], true);
    let two = &v["points"][1]["samples"][0];
    assert!(two["startup_s"].as_f64().unwrap() > 0.0);
    assert_eq!(two["worker_peak_rss_bytes"].as_array().unwrap().len(), 2);
    assert!(
        v["analysis"]["memory"]["worker_peak_rss_bytes"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn the_python_adapter_runs_a_function_after_its_initializer() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--workers",
        "2",
        "--tasks",
        "30",
        "--",
        "python3",
        "-m",
        "plateau_bench.worker",
    ];
    let mut full = args.to_vec();
    full.extend(["tasks:square", "--init", "tasks:setup"]);
    let o = persistent(&tmp.path().join("out"), &[], &full);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = results(&tmp.path().join("out"));
    let s = &v["points"][1]["samples"][0];
    // Python's start-up is in startup_s, not in wall_s.
    assert!(s["startup_s"].as_f64().unwrap() > 0.0);
    assert!(s["wall_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_raising_function_fails_the_run_naming_the_task_and_the_exception() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let target = [
        "--",
        "python3",
        "-m",
        "plateau_bench.worker",
        "tasks:fails_at_3",
    ];
    let mut args = vec!["--workers", "1", "--tasks", "6"];
    args.extend(target);
    let o = persistent(&out, &[], &args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    // Task 3 is inside the untimed trial batch of 1 worker: the failure is the trial's, not
    // a timed count's, and nothing was measured to resume.
    assert!(
        stderr(&o).contains("untimed trial batch of 1 worker, before any timed batch, task 3 failed: ValueError: task 3 is refused"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("--resume"), "{}", stderr(&o));
    // --keep-going counts the failure instead (printing does not break the protocol).
    let mut args = vec!["--workers", "1", "--tasks", "6", "--keep-going"];
    args.extend(target);
    let o = persistent(&tmp.path().join("kept"), &[], &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = results(&tmp.path().join("kept"));
    assert_eq!(v["points"][0]["samples"][0]["failed_tasks"], 1);
}

#[test]
fn a_dying_worker_is_named_with_its_stderr_and_earlier_points_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let w = shell_worker();
    let args = [
        "--workers",
        "1,2",
        "--tasks",
        "6",
        "--chunk",
        "1",
        "--",
        &w,
        "{worker}",
    ];
    let o = persistent(&out, &[("WORKER_MODE", "die")], &args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("exited with status 5 while running task 2"),
        "{err}"
    );
    assert!(err.contains("gives up at task 2"), "{err}");
    let v = results(&out);
    assert_eq!(v["run"]["stop_reason"], "failed");
    let kept: usize = sample_counts(&v).iter().sum();
    assert_eq!(
        kept, 1,
        "the 1-worker batch ran before the 2-worker one died"
    );
}

/// A misbehaving worker, what it is run with, and the exit code and message expected.
struct Case {
    env: &'static [(&'static str, &'static str)],
    extra: &'static [&'static str],
    code: i32,
    needle: &'static str,
}

#[test]
fn protocol_breaches_are_bad_input_and_a_hang_is_killed_by_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let w = shell_worker();
    let base = ["--workers", "1", "--tasks", "4", "--chunk", "1"];
    let cases = [
        Case {
            env: &[("WORKER_MODE", "garbage")],
            extra: &[],
            code: 2,
            needle: "\"this is not the protocol\"",
        },
        Case {
            env: &[("WORKER_MODE", "hang")],
            extra: &["--timeout", "300ms"],
            code: 3,
            needle: "ran longer than --timeout 300ms",
        },
        Case {
            env: &[],
            extra: &["--ready-timeout", "300ms", "--", "sleep", "5"],
            code: 2,
            needle: "did not say `ready 1`",
        },
        Case {
            env: &[],
            extra: &["--ready-timeout", "5ms"],
            code: 2,
            needle: "error: --ready-timeout 5ms is out of range: give a duration from 10ms to 168h",
        },
        Case {
            env: &[],
            extra: &["--", "sh", "-c", "echo bye >&2; exit 4"],
            code: 2,
            needle: "exited with status 4 before",
        },
    ];
    for (
        n,
        Case {
            env,
            extra,
            code,
            needle,
        },
    ) in cases.into_iter().enumerate()
    {
        let mut args = base.to_vec();
        args.extend(extra);
        if !extra.contains(&"--") {
            args.extend(["--", &w, "0"]);
        }
        let o = persistent(&tmp.path().join(format!("out{n}")), env, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn targets_the_adapter_cannot_load_are_reported_through_the_protocol() {
    let tmp = tempfile::tempdir().unwrap();
    for (n, (target, needle)) in [
        (
            "no_such_module:f",
            "ModuleNotFoundError: No module named 'no_such_module'",
        ),
        ("tasks:missing", "AttributeError"),
        (
            "tasks:not_callable",
            "tasks:not_callable is not callable: it is 'int'",
        ),
        ("tasks", "is not MODULE:FUNCTION"),
    ]
    .into_iter()
    .enumerate()
    {
        let args = [
            "--workers",
            "1",
            "--tasks",
            "2",
            "--",
            "python3",
            "-m",
            "plateau_bench.worker",
            target,
        ];
        let o = persistent(&tmp.path().join(format!("out{n}")), &[], &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{target}: {err}");
        assert!(
            err.contains("could not start: cannot load"),
            "{target}: {err}"
        );
        assert!(err.contains(needle), "{target}: {err}");
    }
    let o = persistent(&tmp.path().join("none"), &[], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--persistent needs the worker's command"));
}

#[test]
fn a_failed_persistent_run_resumes_with_its_recorded_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let w = shell_worker();
    let args = ["--workers", "1,2", "--tasks", "6", "--", &w, "{worker}"];
    let o = persistent(&out, &[("WORKER_MODE", "die")], &args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    // After the fix (the worker no longer dies), --resume finishes the run it recorded.
    let o = plateau()
        .current_dir(workers())
        .args(["run", "--quiet", "--resume"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v = results(&out);
    assert_eq!(v["config"]["mode"], "persistent");
    assert_eq!(v["run"]["stop_reason"], "completed");
    for p in v["points"].as_array().unwrap() {
        assert_eq!(p["samples"].as_array().unwrap().len(), 1, "{p}");
    }
}
