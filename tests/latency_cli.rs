//! Task latency end to end: every mode (threads, processes, command, persistent) records each
//! batch's p50, p99 and histogram, each point's `summary.latency` and the analysis's Little's
//! law check; `--latency-slo` on `run` and `analyze`, and its bad inputs (exit 2, one sentence).

pub mod common;

use common::{
    fixture, plateau, refused_in_one_sentence, repo, results, runs_refused, short_run, stderr,
};
use serde_json::Value;
use std::path::Path;

/// Every point's latency summary and every sample's latency fields, checked for shape; returns
/// the p50 of each point in seconds.
fn latencies(v: &Value) -> Vec<f64> {
    let points = v["points"].as_array().unwrap();
    assert!(!points.is_empty());
    points
        .iter()
        .map(|p| {
            for s in p["samples"].as_array().unwrap() {
                let (p50, p99) = (s["p50_s"].as_f64().unwrap(), s["p99_s"].as_f64().unwrap());
                assert!(p50 > 0.0 && p50 <= p99, "{s}");
                assert!(s["latency_histogram"].as_str().unwrap().len() > 8, "{s}");
            }
            let l = &p["summary"]["latency"];
            let at = |k: &str| l[k].as_f64().unwrap_or_else(|| panic!("{k} in {l}"));
            assert!(
                at("p50_s") <= at("p90_s") && at("p90_s") <= at("p99_s"),
                "{l}"
            );
            assert!(
                at("p99_s") <= at("p999_s") && at("p999_s") <= at("max_s"),
                "{l}"
            );
            assert!(at("mean_s") > 0.0, "{l}");
            at("p50_s")
        })
        .collect()
}

/// The analysis's Little's law entries: (workers, ratio).
fn little(v: &Value) -> Vec<(u64, f64)> {
    v["analysis"]["latency"]["little"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["workers"].as_u64().unwrap(), c["ratio"].as_f64().unwrap()))
        .collect()
}

fn run_ok(cmd: &mut assert_cmd::Command) {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn the_io_workload_records_latency_at_every_count() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("io");
    run_ok(short_run(&out, 2).args([
        "--workload",
        "io",
        "--io-ms",
        "5",
        "--workers",
        "1,2",
        "--tasks",
        "8",
    ]));
    let v = results(&out);
    // A 5 ms sleep lasts at least 5 ms (the histogram holds values within 1%).
    assert!(latencies(&v).iter().all(|&p50| p50 >= 0.005 * 0.99), "{v}");
    assert_eq!(little(&v).iter().map(|c| c.0).collect::<Vec<_>>(), [1, 2]);
    // In a closed loop tasks in flight can never exceed the workers.
    assert!(little(&v).iter().all(|c| c.1 > 0.0 && c.1 <= 1.02), "{v}");
}

#[test]
fn processes_commands_and_persistent_workers_record_latency_too() {
    let tmp = tempfile::tempdir().unwrap();
    let procs = tmp.path().join("procs");
    run_ok(short_run(&procs, 1).args([
        "--workload",
        "io",
        "--io-ms",
        "5",
        "--mode",
        "processes",
        "--workers",
        "1,2",
        "--tasks",
        "8",
    ]));
    assert!(
        latencies(&results(&procs))
            .iter()
            .all(|&p| p >= 0.005 * 0.99)
    );
    let cmd = tmp.path().join("cmd");
    run_ok(short_run(&cmd, 1).args(["--workers", "1,2", "--tasks", "4", "--", "sleep", "0.01"]));
    assert!(latencies(&results(&cmd)).iter().all(|&p| p >= 0.010 * 0.99));
    let pers = tmp.path().join("pers");
    run_ok(
        short_run(&pers, 1)
            .current_dir(fixture("workers"))
            .env("PYTHONPATH", repo().join("python"))
            .args(["--workers", "1,2", "--tasks", "8", "--persistent", "--"])
            .args(["python3", "-m", "plateau_bench.worker", "tasks:nap"]),
    );
    assert!(
        latencies(&results(&pers))
            .iter()
            .all(|&p| p >= 0.005 * 0.99)
    );
}

#[test]
fn an_slo_on_run_and_analyze_is_recorded_with_what_binds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    run_ok(short_run(&out, 1).args([
        "--workload",
        "io",
        "--io-ms",
        "2",
        "--workers",
        "1,2",
        "--tasks",
        "4",
        "--latency-slo",
        "p99=1h",
    ]));
    let v = results(&out);
    let slo = &v["analysis"]["latency"]["slo"];
    assert_eq!(slo["percentile"], "p99", "{slo}");
    assert_eq!(slo["meeting"], serde_json::json!([1, 2]), "{slo}");
    assert_eq!(slo["binds"], "plateau", "{slo}");
    // Re-analysed with an SLO no count can meet: said so, with the best latency seen.
    let again = tmp.path().join("again");
    let o = plateau()
        .args(["analyze", "--json", "--latency-slo", "p50=1us", "--out"])
        .arg(&again)
        .arg(out.join("results.json"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["analysis"]["latency"]["slo"]["binds"], "none_meet");
    let verdict = v["analysis"]["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("No worker count meets the latency SLO p50 <= 1.0 µs"),
        "{verdict}"
    );
}

#[test]
fn bad_slos_are_refused_in_one_sentence() {
    let cases: Vec<(&[&str], &str)> = vec![
        (&["--latency-slo", "50ms"], "names no percentile"),
        (&["--latency-slo", "p95=50ms"], "is not a percentile"),
        (&["--latency-slo", "p99=50"], "gives no unit"),
        (&["--latency-slo", "p99=0ms"], "above zero"),
        (&["--latency-slo", "p99=-1ms"], "above zero"),
    ];
    runs_refused(&cases);
    // An import holds no latencies: refused before anything is written.
    let tmp = tempfile::tempdir().unwrap();
    let never = tmp.path().join("never");
    let o = plateau()
        .args([
            "analyze",
            "--tasks",
            "32",
            "--latency-slo",
            "p99=50ms",
            "--out",
        ])
        .arg(&never)
        .arg(fixture("writeup.csv"))
        .output()
        .unwrap();
    refused_in_one_sentence(&o, "needs task latencies");
    assert!(!Path::new(&never).exists());
}
