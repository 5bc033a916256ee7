//! End-to-end tests of the analysis through the real binary: `plateau analyze` on a CSV, a
//! hyperfine export and a results.json, its bad inputs, and the analysis `plateau run` writes.

pub mod common;

use common::{fixture, plateau, refused_in_one_sentence, results, run_flags};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

/// Runs `plateau analyze ARGS --json --out OUT` and returns the printed results.json.
fn analyze_json(args: &[&str], out: &Path) -> Value {
    let output = plateau()
        .arg("analyze")
        .args(args)
        .arg("--json")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is only JSON")
}

const ANALYSIS_KEYS: [&str; 10] = [
    "peak",
    "plateau",
    "recommended_workers",
    "oversubscribed_from",
    "retrograde_drop",
    "amdahl",
    "usl",
    "karp_flatt",
    "verdict",
    "warnings",
];

#[test]
fn the_write_up_table_from_a_csv_of_seconds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let csv = fixture("writeup.csv");
    let v = analyze_json(&[csv.to_str().unwrap(), "--tasks", "32"], &out);
    let a = &v["analysis"];
    assert_eq!(a["peak"]["workers"], 16);
    assert_eq!(a["recommended_workers"], 8);
    assert_eq!(a["plateau"]["from_workers"], 8);
    assert_eq!(a["plateau"]["tolerance"], 0.05);
    assert_eq!(a["oversubscribed_from"], 32);
    let drop = a["retrograde_drop"].as_f64().unwrap();
    assert!((drop - (1.0 - 4.00 / 4.15)).abs() < 1e-9, "{drop}");
    assert!((a["peak"]["tasks_per_sec"].as_f64().unwrap() - 8.0).abs() < 1e-12);
    for key in ANALYSIS_KEYS {
        assert!(a.get(key).is_some(), "analysis.{key}");
    }
    assert_eq!(v["config"]["tasks"], 32);
    assert_eq!(v["config"]["workload"]["machine_recorded"], false);
    assert_eq!(v["points"].as_array().unwrap().len(), 10);

    // The same files land in the output folder, and the chart shows the analysis.
    let saved = results(&out);
    assert_eq!(saved["analysis"]["recommended_workers"], 8);
    let svg = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("chart.svg is XML");
    for label in [
        "plateau (8-32 workers)",
        "oversubscribed (from 32 workers)",
        "USL fit",
        "recommended: 8 workers",
    ] {
        assert!(svg.contains(label), "chart lacks {label}");
    }
    assert!(
        !svg.contains("physical cores"),
        "no core lines for an unrecorded machine"
    );
}

#[test]
fn a_new_user_sees_the_table_verdict_and_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = plateau()
        .arg("analyze")
        .arg(fixture("writeup.csv"))
        .args(["--tasks", "32", "--out"])
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert!(out.status.success());
    // Paragraphs are wrapped to the terminal: compare with the line breaks folded away.
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "tasks/s",
        "8 4.100 s",
        "recommended",
        "oversubscribed",
        "Recommended: 8 workers",
        "did not record the machine it was measured on",
        "warning: 32 tasks do not divide evenly",
        "results.json, chart.svg, report.html and summary.md",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn seconds_without_a_task_count_are_runs_per_second() {
    let tmp = tempfile::tempdir().unwrap();
    let v = analyze_json(
        &[fixture("writeup.csv").to_str().unwrap()],
        &tmp.path().join("o"),
    );
    assert_eq!(
        v["analysis"]["recommended_workers"], 8,
        "the shape needs no unit"
    );
    assert_eq!(v["config"]["workload"]["unit"], "runs/s");
    let warnings = v["analysis"]["warnings"].to_string();
    assert!(warnings.contains("runs per second"), "{warnings}");
    assert!(!warnings.contains("divide evenly"), "{warnings}");
}

#[test]
fn a_hyperfine_parameter_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let scan = fixture("hyperfine-scan.json");
    let v = analyze_json(
        &[scan.to_str().unwrap(), "--tasks", "64"],
        &tmp.path().join("o"),
    );
    let a = &v["analysis"];
    assert_eq!(v["config"]["workers"], serde_json::json!([1, 2, 4, 8]));
    assert_eq!(v["points"][0]["samples"].as_array().unwrap().len(), 3);
    assert_eq!(v["points"][0]["samples"][1]["wall_s"], 4.0);
    assert_eq!(a["peak"]["workers"], 2);
    assert_eq!(a["recommended_workers"], 2);
    // 4 workers are 1.9% slower (under the 2% threshold); 8 workers are 9% slower, CIs apart.
    assert_eq!(a["oversubscribed_from"], 8);
    assert!((a["peak"]["tasks_per_sec"].as_f64().unwrap() - 64.0 / 2.03).abs() < 1e-9);
    assert_eq!(v["config"]["workload"]["formats"][0], "hyperfine");
}

#[test]
fn a_results_json_is_re_analysed_with_new_options() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    analyze_json(
        &[fixture("writeup.csv").to_str().unwrap(), "--tasks", "32"],
        &first,
    );
    let results = first.join("results.json");
    let v = analyze_json(
        &[
            results.to_str().unwrap(),
            "--tolerance",
            "1%",
            "--retrograde-threshold",
            "0.05",
        ],
        &tmp.path().join("second"),
    );
    let a = &v["analysis"];
    // Within 1% of 8.0 tasks/s: 12 workers (7.96) is the fewest.
    assert_eq!(a["recommended_workers"], 12);
    assert_eq!(a["plateau"]["tolerance"], 0.01);
    // 3.6% at 32 is under a 5% threshold.
    assert_eq!(a["oversubscribed_from"], Value::Null);
    assert_eq!(
        v["run"]["label"], "writeup",
        "the record is kept, label included"
    );
    assert_eq!(v["config"]["workload"]["machine_recorded"], false);
}

#[test]
fn several_files_pool_their_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = tmp.path().join("more.csv");
    std::fs::write(&extra, "workers,seconds,host\n16,4.02,b\n1,31.9,b\n").unwrap();
    let v = analyze_json(
        &[
            fixture("writeup.csv").to_str().unwrap(),
            extra.to_str().unwrap(),
            "--tasks",
            "32",
        ],
        &tmp.path().join("o"),
    );
    let p16 = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["workers"] == 16)
        .unwrap();
    assert_eq!(p16["samples"].as_array().unwrap().len(), 2);
    assert_eq!(v["run"]["label"], "writeup+more");
}

#[test]
fn bad_inputs_get_one_sentence_naming_the_file_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let newer = r#"{"schema_version": 99, "points": []}"#;
    let cases: Vec<(&str, &str, &str)> = vec![
        ("empty.csv", "", "is empty"),
        ("nocols.csv", "n,time\n1,2\n", "no `workers` column"),
        ("novalue.csv", "workers,host\n1,a\n", "no `throughput`"),
        ("text.csv", "workers,seconds\n1,fast\n", "line 2"),
        ("negative.csv", "workers,seconds\n1,2\n2,-1\n", "line 3"),
        ("zero.csv", "workers,throughput\n1,0\n", "line 2"),
        (
            "zeroworkers.csv",
            "workers,seconds\n0,2\n",
            "whole number from 1 to",
        ),
        ("broken.json", "{\"results\": [", "not valid JSON"),
        ("newer.json", newer, "newer than this plateau reads"),
        (
            "hf.json",
            r#"{"results": [{"mean": 1.0, "times": [1.0]}]}"#,
            "--parameter-scan",
        ),
    ];
    for (name, body, needle) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out_dir = tmp.path().join(format!("out-{name}"));
        let out = plateau()
            .arg("analyze")
            .arg(&path)
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap();
        refused_in_one_sentence(&out, needle);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name), "{name}: {err}");
        assert!(
            !out_dir.exists(),
            "{name}: nothing is written for bad input"
        );
    }
    plateau()
        .args(["analyze", "/no/such/file.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/file.csv"));
}

#[test]
fn bad_flags_name_the_flag_and_exit_2() {
    let csv = fixture("writeup.csv");
    let tmp = tempfile::tempdir().unwrap();
    for (args, flag) in [
        (
            vec!["--tolerance", "5"],
            "--tolerance 5 is ambiguous: write 5% (or the fraction 0.05)",
        ),
        (
            vec!["--tolerance", "abc"],
            "--tolerance abc is not a percentage",
        ),
        (
            vec!["--retrograde-threshold", "-2%"],
            "--retrograde-threshold -2% is out of range: give a percentage from 0% to below 100%",
        ),
        (vec!["--tasks", "0"], "--tasks"),
    ] {
        plateau()
            .arg("analyze")
            .arg(&csv)
            .args(&args)
            .arg("--out")
            .arg(tmp.path().join("never-analyze"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag));
    }
    plateau()
        .args(["run", "--tolerance", "150%", "--out"])
        .arg(tmp.path().join("never"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--tolerance 150% is out of range"));
}

#[test]
fn run_writes_the_analysis_with_every_schema_field() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    plateau()
        .args(run_flags("1,2,3,4", 12))
        .args([
            "--iterations",
            "2000",
            "--repetitions",
            "2",
            "--warmup",
            "0",
            "--seed",
            "5",
            "--tolerance",
            "10%",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let v = results(&out);
    let a = &v["analysis"];
    assert!(a.is_object(), "analysis is written: {a}");
    for key in ANALYSIS_KEYS {
        assert!(a.get(key).is_some(), "analysis.{key}");
    }
    for key in ["workers", "tasks_per_sec"] {
        assert!(a["peak"].get(key).is_some(), "peak.{key}");
    }
    for key in ["from_workers", "to_workers", "tolerance"] {
        assert!(a["plateau"].get(key).is_some(), "plateau.{key}");
    }
    assert_eq!(a["plateau"]["tolerance"], 0.1);
    for key in ["serial_fraction", "max_speedup", "r2"] {
        assert!(a["amdahl"][key].is_number(), "amdahl.{key}");
    }
    // The USL is fitted on the counts up to the effective CPUs; with fewer than four there,
    // it is null and the regions say why (changed on purpose: it was fitted on every count).
    if a["usl"].is_null() {
        assert!(a["regions"]["fit_note"].is_string(), "{}", a["regions"]);
    } else {
        for key in [
            "sigma",
            "kappa",
            "lambda",
            "peak_workers",
            "peak_tasks_per_sec",
            "r2",
            "constraint",
        ] {
            assert!(a["usl"].get(key).is_some(), "usl.{key}");
        }
    }
    assert!(a["decision"]["stability"].is_number() || a["decision"]["method"] == "medians");
    assert_eq!(a["karp_flatt"].as_array().unwrap().len(), 3);
    assert!(a["karp_flatt"][0]["serial_fraction"].is_number());
    assert!(!a["verdict"].as_str().unwrap().is_empty());
    assert!(
        a["warnings"].to_string().contains("only 2 samples"),
        "{}",
        a["warnings"]
    );
    let rec = a["recommended_workers"].as_u64().unwrap();
    assert!((1..=4).contains(&rec));
}

/// Every `[lo, hi]` in `text` whose two ends are written the same: a zero-width interval.
fn zero_width_intervals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        if let Some((lo, hi)) = rest[..close].split_once(", ") {
            let lo = lo.trim_start_matches('\\');
            let hi = hi.trim_end_matches('\\');
            if lo == hi && lo.chars().any(|c| c.is_ascii_digit()) {
                found.push(rest[..close].to_string());
            }
        }
    }
    found
}

#[test]
fn one_sample_per_count_shows_no_interval_anywhere_only_a_dash() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let o = plateau()
        .arg("analyze")
        .arg(fixture("writeup.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = String::from_utf8_lossy(&o.stdout).into_owned();
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for (name, text) in [
        ("terminal", &terminal),
        ("summary.md", &md),
        ("report.html", &html),
    ] {
        assert_eq!(zero_width_intervals(text), Vec::<String>::new(), "{name}");
    }
    // The row of 1 worker: a dash where the interval would be, in each output.
    let row = terminal
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(row.contains(" — "), "{row}");
    assert!(md.contains("| 1 | 32.000 s | — |"), "{md}");
    assert!(html.contains("<td>1</td><td>32.000 s</td><td>—</td><td>—</td>"));
    // The check itself sees a zero-width interval where there is one.
    assert_eq!(
        zero_width_intervals("[32.000 s, 32.000 s]"),
        vec!["32.000 s, 32.000 s"]
    );
    assert!(zero_width_intervals("[1.0 s, 2.0 s]").is_empty());
}
