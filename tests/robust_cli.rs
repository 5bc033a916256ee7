//! Robustness of `plateau run` through the real binary: Ctrl-C and SIGTERM mid-sweep, `--resume`,
//! a panicking worker, adaptive repetitions, and bad input (exit 2, one sentence, no panic).

pub mod common;

use common::process::signal;
use common::{plateau, refused_in_one_sentence, results, runs_refused};
use common::{run_flags, sample_counts, short_run, spawnable, wait};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;

/// A sweep long enough to interrupt: many small tasks, many rounds.
fn long_sweep(out: &Path) -> std::process::Command {
    let mut cmd = spawnable();
    cmd.args(run_flags("1,2", 200))
        .args([
            "--iterations",
            "20000",
            "--repetitions",
            "20",
            "--warmup",
            "0",
            "--seed",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn sigint_saves_the_completed_batches_and_resume_finishes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut child = long_sweep(&out).spawn().unwrap();
    wait::first_round_saved(&mut child, &out);
    signal(&child, libc::SIGINT);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("interrupted:"), "{stderr}");
    assert!(
        stderr.contains(&format!("plateau run --resume {}", out.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let v = results(&out);
    assert_eq!(v["run"]["interrupted"], true);
    assert_eq!(v["run"]["stop_reason"], "interrupted");
    let counts = sample_counts(&v);
    assert!(counts.iter().all(|&n| n >= 1), "{counts:?}");
    assert!(
        counts.iter().sum::<usize>() < 40,
        "stopped early: {counts:?}"
    );
    assert!(
        v["points"][0]["summary"]["median_s"].as_f64().unwrap() > 0.0,
        "the saved points are summarized"
    );
    assert!(
        out.join("chart.svg").exists(),
        "the chart is rendered from what exists"
    );

    plateau()
        .args(["run", "--quiet", "--resume"])
        .arg(&out)
        .assert()
        .success();
    let v = results(&out);
    assert_eq!(sample_counts(&v), vec![20, 20]);
    assert_eq!(v["run"]["interrupted"], false);
    assert_eq!(v["run"]["stop_reason"], "completed");
    assert_eq!(v["run"]["resumed_at"].as_array().unwrap().len(), 1);
    assert_eq!(v["config"]["seed"], 3);
}

#[test]
fn sigterm_is_an_interruption_too() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut child = long_sweep(&out).spawn().unwrap();
    wait::first_round_saved(&mut child, &out);
    signal(&child, libc::SIGTERM);
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(3));
    assert_eq!(results(&out)["run"]["stop_reason"], "interrupted");
}

#[test]
fn a_second_interrupt_exits_at_once_with_130() {
    let tmp = tempfile::tempdir().unwrap();
    // One task long enough (seconds in a debug build) that the first interrupt, which stops
    // the sweep only between tasks, cannot end the run before the second arrives.
    let mut child = spawnable()
        .args(run_flags("1", 1))
        .args(["--iterations", "4000000000"])
        .args([
            "--warmup",
            "0",
            "--repetitions",
            "1",
            "--wait-idle",
            "3s",
            "--out",
        ])
        .arg(tmp.path().join("run"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut wait_for = |needles: &[&str]| {
        let mut line = String::new();
        while !needles.iter().any(|n| line.contains(n)) {
            line.clear();
            assert!(
                std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0,
                "{needles:?}"
            );
        }
    };
    // The wait for quiet ends (quiet after 3s, or timed out at the shortest --wait-idle, 3s) just
    // before the sweep starts, and the handler was installed before it.
    wait_for(&["quiet after", "starting anyway"]);
    signal(&child, libc::SIGINT);
    wait_for(&["stopping after the tasks in flight"]);
    signal(&child, libc::SIGINT);
    assert_eq!(child.wait().unwrap().code(), Some(130));
}

/// A finished tiny run, then edited to look interrupted mid-round: point 1 lost two samples,
/// point 2 one (it finished the cut round), point 3 none.
fn interrupted_run(out: &Path) {
    plateau()
        .args(run_flags("1,2,3", 6))
        .args(["--iterations", "2000"])
        .args(["--repetitions", "3", "--seed", "5", "--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
    let mut v = results(out);
    v["run"]["interrupted"] = Value::from(true);
    v["run"]["stop_reason"] = Value::from("interrupted");
    for (i, keep) in [(0, 1), (1, 2)] {
        v["points"][i]["samples"]
            .as_array_mut()
            .unwrap()
            .truncate(keep);
    }
    std::fs::write(out.join("results.json"), v.to_string()).unwrap();
}

#[test]
fn resume_finishes_a_partial_round_without_repeating_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    interrupted_run(&out);
    let before = results(&out);
    plateau()
        .args(["run", "--resume"])
        .arg(&out)
        .args(["--tasks", "6", "--seed", "5"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tasks/s"));
    let v = results(&out);
    assert_eq!(sample_counts(&v), vec![3, 3, 3]);
    // The samples measured before the interruption are kept as they were.
    assert_eq!(v["points"][2]["samples"], before["points"][2]["samples"]);
    assert_eq!(
        v["points"][0]["samples"][0],
        before["points"][0]["samples"][0]
    );
    assert_eq!(v["run"]["command_line"], before["run"]["command_line"]);
}

#[test]
fn resume_refuses_what_it_cannot_continue() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    interrupted_run(&out);
    let refuse = |extra: &[&str], needle: &str| {
        let o = plateau()
            .args(["run", "--resume"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        refused_in_one_sentence(&o, needle);
    };
    refuse(&["--tasks", "7"], "--tasks gives 7 but the run recorded 6");
    refuse(
        &["--workers", "1,2", "--repetitions", "4"],
        "--workers gives [1,2] but the run recorded [1,2,3]; --repetitions gives 4",
    );
    refuse(
        &["--target-ci", "2%"],
        "--target-ci gives 0.02 but the run recorded none",
    );
    refuse(&["--out", "elsewhere"], "drop --out");

    let mut v = results(&out);
    v["machine"]["hostname"] = Value::from("another-host");
    std::fs::write(out.join("results.json"), v.to_string()).unwrap();
    refuse(
        &[],
        "was measured on another machine (hostname was \"another-host\"",
    );

    v["run"]["interrupted"] = Value::from(false);
    v["run"]["stop_reason"] = Value::from("completed");
    std::fs::write(out.join("results.json"), v.to_string()).unwrap();
    refuse(&[], "that run finished (it ended: completed)");

    std::fs::write(
        out.join("results.json"),
        "{\"schema_version\": 1, \"tool\": ",
    )
    .unwrap();
    refuse(&[], "results.json ends early (truncated?) at line 1");
    std::fs::write(out.join("results.json"), "").unwrap();
    refuse(&[], "results.json is empty");
    std::fs::remove_file(out.join("results.json")).unwrap();
    refuse(&[], "holds no results.json");
    let o = plateau()
        .args(["run", "--resume"])
        .arg(tmp.path().join("nothing-here"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a folder"));
}

#[test]
fn a_panicking_worker_names_the_count_and_keeps_the_other_points() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = short_run(&out, 2)
        .env("PLATEAU_TEST_PANIC_AT_WORKERS", "2")
        .args(["--workers", "1,2,3", "--tasks", "6", "--iterations", "2000"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("error: the workload failed at 2 workers (round 1 of 2): worker"),
        "{err}"
    );
    assert!(last.contains("died: panicked"), "{last}");
    let v = results(&out);
    assert_eq!(v["run"]["stop_reason"], "failed");
    assert_eq!(v["run"]["interrupted"], true);
    let counts = sample_counts(&v);
    assert_eq!(counts[1], 0, "the failed count has no sample");
    let kept = counts.iter().filter(|&&n| n > 0).count();
    assert!(
        kept >= 1,
        "seed 1 visits another count before 2: {counts:?}"
    );
    assert!(
        last.contains(&format!("the {kept} worker counts measured so far")),
        "{last}"
    );
}

#[test]
fn target_ci_records_why_it_stopped_and_samples_per_point() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    plateau()
        .args(run_flags("1,2", 4))
        .args(["--iterations", "2000"])
        .args(["--repetitions", "2", "--seed", "2", "--target-ci", "50%"])
        .args(["--max-time", "20s", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "note: --target-ci 50% on the within-round CI: stopped (",
        ));
    let v = results(&out);
    assert_eq!(v["config"]["adaptive"]["target_ci"], 0.5);
    assert_eq!(v["config"]["adaptive"]["max_time_s"], 20.0);
    let reason = v["run"]["stop_reason"].as_str().unwrap().to_string();
    assert!(
        ["target_ci_met", "max_time", "max_samples"].contains(&reason.as_str()),
        "{reason}"
    );
    // The CI needs five samples before it can judge a point, whatever --repetitions says.
    assert!(sample_counts(&v).iter().all(|&n| n >= 5), "{v}");
}

#[test]
fn workers_far_above_the_machine_need_force() {
    let logical = {
        let o = plateau().args(["info", "--json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["logical_cpus"].as_u64().unwrap()
    };
    let too_many = (logical * 64 + 1).to_string();
    let tmp = tempfile::tempdir().unwrap();
    let args = |force: bool| {
        let mut a = vec!["run", "--workers", too_many.as_str(), "--tasks", "1"];
        a.extend([
            "--iterations",
            "1",
            "--repetitions",
            "1",
            "--warmup",
            "0",
            "-q",
        ]);
        if force {
            a.push("--force");
        }
        a
    };
    plateau()
        .args(args(false))
        .arg("--out")
        .arg(tmp.path().join("a"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "--workers asks for {too_many} workers, more than 64x"
        )));
    plateau()
        .args(args(true))
        .arg("--out")
        .arg(tmp.path().join("b"))
        .assert()
        .success();
}

#[test]
fn bad_robustness_flags_get_one_sentence_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--target-ci", "0"],
            "--target-ci 0 is out of range: give a percentage above 0% and below 100%",
        ),
        (&["--target-ci", "150%"], "--target-ci"),
        (&["--target-ci", "-2%"], "--target-ci -2% is out of range"),
        (
            &["--target-ci", "two"],
            "--target-ci two is not a percentage",
        ),
        (
            &["--target-ci", "2"],
            "--target-ci 2 is ambiguous: write 2% (or the fraction 0.02)",
        ),
        (
            &["--target-ci", "2%", "--max-time", "0"],
            "--max-time 0 is out of range: give a duration from 1s to 168h",
        ),
        (&["--target-ci", "2%", "--max-time", "-5m"], "--max-time"),
        (&["--target-ci", "2%", "--max-time", "10x"], "--max-time"),
        (
            &["-r", "3", "--max-time", "10m"],
            "--max-time 10m bounds adaptive rounds, but --repetitions fixes the design",
        ),
        (
            &["--max-time", "1s"],
            "--max-time 1s is below what one round needs here",
        ),
        (
            &["--wait-idle", "soon"],
            "--wait-idle soon is not a duration",
        ),
        (
            &["--wait-idle", "1s"],
            "--wait-idle 1s is out of range: give a duration from 3s to 168h",
        ),
        (
            &["--repetitions", "20000"],
            "--repetitions 20000 is out of range",
        ),
        (&["--warmup", "5000"], "--warmup 5000 is out of range"),
        (&["--label", ""], "--label is empty"),
        (&["--workers", "1..100000000000"], "--workers: the range"),
        (&["--price-per-hour", "nan"], "--price-per-hour"),
        (
            &["--price-per-hour", "2000000"],
            "error: --price-per-hour 2000000 is not a price: give a number of USD per hour above 0 and at most 1000000",
        ),
        (
            &["--tolerance", "5"],
            "error: --tolerance 5 is ambiguous: write 5% (or the fraction 0.05)",
        ),
        (
            &["--retrograde-threshold", "100%"],
            "error: --retrograde-threshold 100% is out of range: give a percentage from 0% to below 100%",
        ),
        (
            &["--wait-idle", "169h"],
            "error: --wait-idle 169h is out of range: give a duration from 3s to 168h",
        ),
        (&["--seed", "-1"], "--seed"),
        (&["--tasks", "-1"], "--tasks"),
        (&["--repetitions", "-3"], "--repetitions"),
        (&["--warmup", "-1"], "--warmup"),
        (&["--iterations", "-5"], "--iterations"),
        (&["--workers", "-2"], "--workers"),
    ];
    runs_refused(cases);
}
