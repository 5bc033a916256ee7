//! End to end from the CLI: every workload in threads and processes mode, and the command
//! mode, each run a tiny sweep and record what ran in results.json.

pub mod common;

use common::{plateau, results, runs_refused};
use std::path::Path;

fn run(out: &Path, args: &[&str]) -> serde_json::Value {
    plateau()
        .args([
            "run",
            "--workers",
            "1,2,3",
            "--repetitions",
            "1",
            "--warmup",
            "1",
            "--seed",
            "3",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(args)
        .assert()
        .success();
    results(out)
}

fn every_point_measured(v: &serde_json::Value) {
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    for p in points {
        assert_eq!(p["samples"].as_array().unwrap().len(), 1, "{p}");
        assert!(p["summary"]["tasks_per_sec"].as_f64().unwrap() > 0.0);
    }
}

#[test]
fn every_workload_runs_in_threads_and_processes_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let workloads: [(&str, &[&str], &str, u64); 5] = [
        ("cpu", &["--iterations", "5000"], "iterations", 5000),
        ("memory", &["--buffer-mib", "1"], "buffer_bytes", 1 << 20),
        ("io", &["--io-ms", "2"], "io_ms", 2),
        ("contended", &["--updates", "100"], "updates_per_task", 100),
        ("tiny", &["--work-ns", "0"], "work_ns", 0),
    ];
    for (name, flags, key, value) in workloads {
        for mode in ["threads", "processes"] {
            let out = tmp.path().join(format!("{name}-{mode}"));
            let mut args = vec!["--workload", name, "--mode", mode, "--tasks", "12"];
            args.extend_from_slice(flags);
            let v = run(&out, &args);
            assert_eq!(v["config"]["workload"]["name"], name);
            assert_eq!(v["config"]["workload"][key], value, "{name}");
            assert_eq!(v["config"]["mode"], mode);
            every_point_measured(&v);
            let rss = &v["points"][2]["samples"][0]["worker_peak_rss_bytes"];
            if mode == "processes" {
                assert_eq!(rss.as_array().unwrap().len(), 3, "{name}: {rss}");
            } else {
                assert!(rss.is_null(), "threads record no per-worker RSS");
            }
        }
    }
}

#[test]
fn a_command_runs_as_the_workload_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmd");
    let v = run(&out, &["--tasks", "6", "--pin", "--", "true", "{task}"]);
    assert_eq!(v["config"]["mode"], "command");
    assert_eq!(v["config"]["pin"], true);
    assert_eq!(v["config"]["workload"]["name"], "command");
    assert_eq!(
        v["config"]["workload"]["argv"],
        serde_json::json!(["true", "{task}"])
    );
    assert_eq!(v["config"]["workload"]["shell"], false);
    every_point_measured(&v);
}

#[test]
fn pinning_and_fixed_chunks_are_accepted_and_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    for mode in ["threads", "processes"] {
        let out = tmp.path().join(mode);
        let v = run(
            &out,
            &[
                "--workload",
                "tiny",
                "--mode",
                mode,
                "--tasks",
                "50",
                "--chunk",
                "7",
                "--pin",
            ],
        );
        assert_eq!(v["config"]["pin"], true);
        every_point_measured(&v);
    }
}

#[test]
fn workload_flags_are_checked() {
    runs_refused(&[
        (&["--workload", "io", "--io-ms", "0"], "--io-ms"),
        (
            &["--workload", "memory", "--buffer-mib", "0"],
            "--buffer-mib",
        ),
        (&["--workload", "contended", "--updates", "0"], "--updates"),
        (&["--workload", "cpu", "--work-ns", "5"], "--work-ns"),
        (&["--chunk", "0"], "--chunk"),
        (&["--schedule", "static", "--chunk", "4"], "--chunk"),
        (
            &[
                "--mode",
                "processes",
                "--workload",
                "memory",
                "--buffer-mib",
                "100000",
                "--workers",
                "4",
            ],
            "--mode processes",
        ),
    ]);
}
