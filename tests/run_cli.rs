//! End-to-end tests of `plateau run` and `plateau info` through the real binary.

pub mod common;

use common::{plateau, results, run_flags, runs_refused};
use predicates::prelude::*;
use std::path::Path;

/// A tiny, fast sweep into `out`.
fn tiny_run(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = plateau();
    cmd.args(run_flags("1,2,3", 6))
        .args(["--iterations", "2000"])
        .args([
            "--repetitions",
            "2",
            "--warmup",
            "1",
            "--seed",
            "5",
            "--out",
        ])
        .arg(out)
        .args(extra);
    cmd.assert()
}

/// The results.json of a successful tiny sweep, run in a temporary folder.
fn tiny_results() -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    tiny_run(&out, &[]).success();
    results(&out)
}

/// Asserts that `object` has every one of `keys`, naming a missing one as `what.key`.
fn assert_keys(object: &serde_json::Value, what: &str, keys: &[&str]) {
    for key in keys {
        assert!(object.get(key).is_some(), "{what}.{key}");
    }
}

#[test]
fn a_tiny_sweep_prints_the_table_and_the_peak() {
    let tmp = tempfile::tempdir().unwrap();
    tiny_run(&tmp.path().join("run"), &[])
        .success()
        .stdout(predicate::str::contains("workers").and(predicate::str::contains("tasks/s")))
        .stdout(predicate::str::contains("Peak"));
}

#[test]
fn a_tiny_sweep_writes_schema_v1_results_with_the_run_and_the_machine() {
    let v = tiny_results();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "plateau");
    assert_keys(
        &v["run"],
        "run",
        &[
            "label",
            "started_at",
            "finished_at",
            "interrupted",
            "price_per_hour",
            "command_line",
        ],
    );
    assert_keys(
        &v["machine"],
        "machine",
        &[
            "hostname",
            "os",
            "kernel",
            "arch",
            "cpu_brand",
            "cpu_mhz",
            "logical_cpus",
            "physical_cores",
            "threads_per_core",
            "affinity_cpus",
            "cgroup_cpu_quota",
            "effective_cpus",
            "binding_limit",
            "memory_total_bytes",
            "load_average_1m",
        ],
    );
}

#[test]
fn a_tiny_sweep_records_its_config() {
    let v = tiny_results();
    assert_eq!(v["config"]["workload"]["name"], "cpu");
    assert_eq!(v["config"]["workload"]["iterations"], 2000);
    assert_eq!(v["config"]["workers"], serde_json::json!([1, 2, 3]));
    assert_eq!(v["config"]["tasks"], 6);
    assert_eq!(v["config"]["seed"], 5);
    assert_eq!(v["config"]["schedule"], "dynamic");
}

#[test]
fn a_tiny_sweep_keeps_each_points_measured_samples_and_a_summary() {
    let v = tiny_results();
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    for p in points {
        let samples = p["samples"].as_array().unwrap();
        assert_eq!(samples.len(), 2, "warmup batches are not kept");
        assert_keys(
            &samples[0],
            "sample",
            &[
                "wall_s",
                "startup_s",
                "user_s",
                "sys_s",
                "voluntary_ctx_switches",
                "involuntary_ctx_switches",
                "peak_rss_bytes",
            ],
        );
        assert!(samples[0]["wall_s"].as_f64().unwrap() > 0.0);
        assert_keys(
            &p["summary"],
            "summary",
            &[
                "median_s",
                "mean_s",
                "min_s",
                "max_s",
                "stddev_s",
                "ci95_s",
                "cv",
                "outliers",
                "tasks_per_sec",
                "tasks_per_sec_ci95",
                "speedup",
                "efficiency",
            ],
        );
    }
    assert_eq!(points[0]["summary"]["speedup"], 1.0);
}

#[test]
fn a_tiny_sweep_draws_a_chart_with_a_marker_per_worker_count_and_three_panels() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    tiny_run(&out, &[]).success();
    let svg = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("chart.svg is XML");
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(
        circles,
        2 * 3,
        "one throughput and one speedup marker per worker count"
    );
    assert!(
        svg.contains("physical cores"),
        "the core-count line is labelled"
    );
    assert!(
        svg.contains("Speedup over 1 worker"),
        "the second panel exists"
    );
    assert!(svg.contains("Wall time"), "the third panel exists");
}

#[test]
fn json_flag_prints_the_results_on_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let assert = tiny_run(&out, &["--json"]).success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is only JSON");
    assert_eq!(v["points"].as_array().unwrap().len(), 3);
}

#[test]
fn static_schedule_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    tiny_run(&out, &["--schedule", "static", "--quiet"])
        .success()
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(v["config"]["schedule"], "static");
}

#[test]
fn bad_flags_get_one_sentence_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["--workers", "0"], "--workers"),
        (&["--workers", "8..2"], "--workers"),
        (&["--workers", "abc"], "--workers"),
        (&["--tasks", "0"], "--tasks"),
        (&["--iterations", "0"], "--iterations"),
        (&["--repetitions", "0"], "--repetitions"),
        (&["--tasks", "many"], "--tasks"),
    ];
    runs_refused(cases);
}

#[test]
fn an_out_path_that_is_a_file_is_refused_before_measuring() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    for out in [file.clone(), file.join("below")] {
        plateau()
            .args(run_flags("1", 1))
            .args(["--iterations", "1", "--repetitions", "1", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--out"));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn default_output_folder_is_dated_and_ignored_by_git() {
    let tmp = tempfile::tempdir().unwrap();
    plateau()
        .current_dir(tmp.path())
        .args(run_flags("1", 2))
        .args(["--iterations", "10", "--repetitions", "1", "--quiet"])
        .assert()
        .success();
    let reports: Vec<_> = std::fs::read_dir(tmp.path().join("reports"))
        .unwrap()
        .collect();
    assert_eq!(reports.len(), 1);
    let dir = reports[0].as_ref().unwrap().path();
    assert!(dir.file_name().unwrap().to_string_lossy().ends_with("_cpu"));
    assert!(dir.join("results.json").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
}

#[test]
fn info_names_the_limits_and_json_parses() {
    plateau().arg("info").assert().success().stdout(
        predicate::str::contains("effective CPUs").and(predicate::str::contains("physical cores")),
    );
    let out = plateau().args(["info", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["effective_cpus"].as_u64().unwrap() >= 1);
    assert!(v["binding_limit"].is_string());
}

#[test]
fn help_teaches_the_worker_spec() {
    plateau()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1..64:4").and(predicate::str::contains("--repetitions")));
}
