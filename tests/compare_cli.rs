//! `plateau compare` through the real binary: exit codes 0, 1 and 2, the `--threshold` forms,
//! the too-few-samples message, the markdown file, the JSON verdict and appending to
//! $GITHUB_STEP_SUMMARY.

pub mod common;

use assert_cmd::Command;
use common::plateau;
use common::recording::{Recording, record};
use predicates::prelude::*;
use predicates::str::contains;
use std::path::PathBuf;

/// Two recorded runs written to b.json and c.json in a temporary folder.
struct Pair {
    dir: tempfile::TempDir,
    b: PathBuf,
    c: PathBuf,
}

impl Pair {
    fn new(base: Recording, current: Recording) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path().join("b.json");
        let c = dir.path().join("c.json");
        std::fs::write(&b, plateau::model::json::render(&record(base))).unwrap();
        std::fs::write(&c, plateau::model::json::render(&record(current))).unwrap();
        Self { dir, b, c }
    }

    /// `plateau compare b.json c.json`, more flags to follow.
    fn compare(&self) -> Command {
        let mut cmd = plateau();
        cmd.arg("compare").arg(&self.b).arg(&self.c);
        cmd
    }
}

fn slower(seed: u64) -> Recording {
    Recording {
        task_s: 0.011,
        ..Recording::new(seed)
    }
}

#[test]
fn same_build_exits_0_with_a_table() {
    Pair::new(Recording::new(1), Recording::new(2))
        .compare()
        .assert()
        .code(0)
        .stdout(contains("95% CI of ratio"))
        .stdout(contains("PASS"));
}

#[test]
fn ten_percent_slower_exits_1() {
    Pair::new(Recording::new(1), slower(2))
        .compare()
        .assert()
        .code(1)
        .stdout(contains("REGRESSION"))
        .stderr(contains("error: REGRESSION beyond 5%"));
}

#[test]
fn a_config_change_is_refused_unless_allowed() {
    let more_work = Recording {
        iterations: 3_300_000,
        ..slower(2)
    };
    let pair = Pair::new(Recording::new(1), more_work);
    pair.compare()
        .assert()
        .code(2)
        .stderr(contains(
            "workload.iterations is 3000000 in the baseline but 3300000 in the current run",
        ))
        .stderr(contains("--allow-config-change"));
    pair.compare()
        .arg("--allow-config-change")
        .assert()
        .code(1)
        .stdout(contains(
            "Allowed configuration change: workload.iterations",
        ));
}

#[test]
fn missing_and_malformed_files_exit_2() {
    let pair = Pair::new(Recording::new(1), Recording::new(2));
    plateau()
        .arg("compare")
        .arg(&pair.b)
        .arg(pair.dir.path().join("nope.json"))
        .assert()
        .code(2)
        .stderr(contains("cannot read"))
        .stderr(contains("nope.json"));
    std::fs::write(&pair.c, "{ not json").unwrap();
    pair.compare()
        .assert()
        .code(2)
        .stderr(contains("c.json is not valid JSON"));
}

#[test]
fn bad_threshold_exits_2() {
    let pair = Pair::new(Recording::new(1), Recording::new(2));
    pair.compare()
        .args(["--threshold", "5"])
        .assert()
        .code(2)
        .stderr("error: --threshold 5 is ambiguous: write 5% (or the fraction 0.05)\n");
    pair.compare()
        .args(["--threshold", "-5%"])
        .assert()
        .code(2)
        .stderr(contains(
            "--threshold -5% is out of range: give a percentage above 0% and below 100%",
        ));
}

#[test]
fn a_threshold_is_a_percentage_or_a_fraction_below_1() {
    let pair = Pair::new(Recording::new(1), Recording::new(2));
    for given in ["10%", "0.1"] {
        let out = pair
            .compare()
            .args(["--threshold", given, "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["threshold"], 0.1, "{given}");
    }
}

#[test]
fn too_few_samples_are_said_plainly_and_exit_2() {
    let few = |seed| Recording {
        repetitions: 3,
        ..Recording::new(seed)
    };
    Pair::new(few(1), few(2))
        .compare()
        .assert()
        .code(2)
        .stdout(contains(
            "Too few samples to decide at worker count 1 (3 baseline, 3 current)",
        ))
        .stderr(contains("too few samples to decide"));
}

#[test]
fn markdown_is_written_and_appended_to_the_step_summary() {
    let pair = Pair::new(Recording::new(1), slower(2));
    let md = pair.dir.path().join("compare.md");
    let summary = pair.dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    pair.compare()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .arg("--markdown")
        .arg(&md)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("## plateau compare"), "{text}");
    assert!(text.contains("| workers | baseline tasks/s |"), "{text}");
    assert_eq!(text.matches("**REGRESSION**").count(), 3, "{text}");
    let appended = std::fs::read_to_string(&summary).unwrap();
    assert!(
        appended.starts_with("earlier step\n## plateau compare"),
        "{appended}"
    );
    assert!(appended.contains(&text));
}

#[test]
fn json_gives_the_verdict_for_machines() {
    let pair = Pair::new(Recording::new(1), slower(2));
    let out = pair
        .compare()
        .arg("--json")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["verdict"], "regression");
    assert_eq!(v["threshold"], 0.05);
    assert_eq!(v["regressions"], serde_json::json!([1, 2, 4]));
    assert_eq!(v["points"].as_array().unwrap().len(), 3);
    assert_eq!(v["points"][0]["status"], "regression");
    assert_eq!(v["points"][0]["p_method"], "exact");
    assert!(
        v["whole_curve"]["evidence"]["ratio"]["ratio"]
            .as_f64()
            .unwrap()
            < 0.95
    );
    assert!(v["curve"]["recommendation"]["moved"].is_null());
    assert_eq!(v["baseline"]["file"], pair.b.display().to_string());
    assert!(predicate::str::contains("b.json").eval(v["baseline"]["file"].as_str().unwrap()));
}
