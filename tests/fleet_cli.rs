//! End-to-end tests of `plateau fleet` and `plateau run --emit-results` through the real binary:
//! collecting a mix of folders, results.json files and logs (one truncated, one label twice),
//! the Kubernetes and Slurm generators, and their bad input.

pub mod common;

use common::files::write;
use common::{fixture, plateau, read_json, results, run_flags};
use predicates::str::contains;
use serde_json::Value;

const BEGIN: &str = "----- BEGIN PLATEAU RESULTS.JSON -----";
const END: &str = "----- END PLATEAU RESULTS.JSON -----";

/// A fixture's text.
fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// A fixture with another label and task count (as a default run on another machine has).
fn relabelled(name: &str, label: &str, tasks: u64) -> String {
    let mut v = read_json(&fixture(name));
    v["run"]["label"] = label.into();
    v["config"]["tasks"] = tasks.into();
    serde_json::to_string_pretty(&v).unwrap()
}

fn marked(json: &str) -> String {
    format!("{BEGIN}\n{}\n{END}\n", json.trim_end())
}

#[test]
fn emit_results_prints_the_record_between_markers_and_writes_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let assert = plateau()
        .args(run_flags("1,2", 4))
        .args(["--iterations", "1000"])
        .args([
            "--repetitions",
            "1",
            "--warmup",
            "0",
            "--label",
            "box",
            "--emit-results",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let begin = stdout.find(BEGIN).expect("begin marker");
    let end = stdout.find(END).expect("end marker");
    let inner = &stdout[begin + BEGIN.len()..end];
    let v: Value = serde_json::from_str(inner).unwrap();
    assert_eq!(v["run"]["label"], "box");
    let saved = results(&out);
    assert_eq!(
        v, saved,
        "the log carries the same results.json as the folder"
    );
    plateau()
        .args(["run", "--json", "--emit-results"])
        .assert()
        .code(2);
}

#[test]
fn collect_mixes_folders_files_and_logs_names_the_lost_and_keeps_duplicates_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // A result folder (as a downloaded artifact), a bare results.json, a kubectl-style log
    // with timestamps, a Slurm .out cut short, and a second run labelled like the first.
    write(
        d,
        "artifacts/leg-small/results.json",
        &relabelled("small-2cpu.json", "small", 32),
    );
    write(d, "artifacts/leg-small/summary.md", "not a result\n");
    let file = write(
        d,
        "medium.json",
        &relabelled("medium-4cpu.json", "medium", 40),
    );
    let stamped: String = marked(&relabelled("large-8cpu.json", "large", 48))
        .lines()
        .map(|l| format!("2026-12-01T10:00:00.5Z {l}\n"))
        .collect();
    let log = write(
        d,
        "logs/large.log",
        &format!("workers ... table\n{stamped}"),
    );
    let whole = marked(&relabelled("medium-4cpu.json", "cut", 40));
    let cut = write(d, "slurm/fleet-7_1.out", &whole[..whole.len() / 2]);
    let twin = write(
        d,
        "twin.log",
        &marked(&relabelled("medium-4cpu.json", "small", 40)),
    );
    // The same run as medium.json, carried by its log too: kept once.
    let again = write(
        d,
        "again.log",
        &marked(&relabelled("medium-4cpu.json", "medium", 40)),
    );
    let out = d.join("comparison");
    plateau()
        .args(["fleet", "collect"])
        .arg(d.join("artifacts"))
        .args([&file, &log, &cut, &twin, &again])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(3)
        .stdout(contains("Collected 4 results from 6 paths"))
        .stdout(contains("again.log:1: kept once"))
        .stderr(contains("1 result could not be collected"))
        .stderr(contains("fleet-7_1.out:1 is truncated"));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for label in ["small (leg-small)", "small (twin", "medium", "large"] {
        assert!(md.contains(&format!("| {label}")), "{label} in\n{md}");
    }
    assert!(md.contains("32 to 48 tasks per batch"), "{md}");
    let mut folders: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 4, "{folders:?}");
    for f in &folders {
        for file in ["results.json", "chart.svg", "report.html", "summary.md"] {
            assert!(out.join(f).join(file).is_file(), "{f}/{file}");
        }
    }
    assert!(out.join("report.html").is_file());
}

#[test]
fn collect_without_any_result_or_with_different_workloads_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "empty/notes.md", "nothing\n");
    plateau()
        .args(["fleet", "collect"])
        .arg(d.join("empty"))
        .assert()
        .code(2)
        .stderr(contains("holds a result"));
    plateau()
        .args(["fleet", "collect"])
        .arg(d.join("missing"))
        .assert()
        .code(2)
        .stderr(contains("does not exist"));
    let mut other = read_json(&fixture("small-2cpu.json"));
    other["config"]["workload"]["iterations"] = 5.into();
    let a = write(d, "a.json", &fixture_text("medium-4cpu.json"));
    let b = write(d, "b.json", &serde_json::to_string(&other).unwrap());
    plateau()
        .args(["fleet", "collect"])
        .args([&a, &b])
        .arg("--out")
        .arg(d.join("o"))
        .assert()
        .code(2)
        .stderr(contains("different workloads"));
}

#[test]
fn k8s_and_slurm_write_their_manifests_and_refuse_bad_machines() {
    let k8s = plateau()
        .args([
            "fleet", "k8s", "--image", "img:1", "--cpu", "2", "--memory", "4Gi",
        ])
        .args([
            "--fleet",
            "f1",
            "--machine",
            "c7i=c7i.large:0.09",
            "--machine",
            "m7g=m7g.large",
        ])
        .args(["--workers", "1..4"])
        .assert()
        .success();
    let text = String::from_utf8(k8s.get_output().stdout.clone()).unwrap();
    assert_eq!(text.matches("kind: \"Job\"").count(), 2, "{text}");
    assert!(text.contains("node.kubernetes.io/instance-type: \"m7g.large\""));
    let slurm = plateau()
        .args([
            "fleet",
            "slurm",
            "--fleet",
            "f1",
            "--machine",
            "a=fa",
            "--machine",
            "b=fb",
        ])
        .args([
            "--cpus-per-task",
            "a=1",
            "--cpus-per-task",
            "b=2",
            "--repetitions",
            "3",
        ])
        .assert()
        .success();
    let script = String::from_utf8(slurm.get_output().stdout.clone()).unwrap();
    assert!(script.contains("#SBATCH --array=0-1"), "{script}");
    for (args, says) in [
        (&["--machine", "nolabel"][..], "no '='"),
        (&["--machine", "=x"], "empty label"),
        (&["--machine", "a=x:free"], "not a positive number"),
        (&["--machine", "a=x:2000000"], "(at most 1000000)"),
        (&["--machine", "a=x", "--machine", "a=y"], "twice"),
        (&["--machine", "a=x", "--repetitions", "0"], "--repetitions"),
        (&["--machine", "a=x", "--workers", "4..1"], "--workers"),
        (&["--machine", "a=x", "--label", "y"], "--label cannot"),
    ] {
        plateau()
            .args(["fleet", "slurm"])
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(says));
        plateau()
            .args([
                "fleet", "k8s", "--image", "i", "--cpu", "1", "--memory", "1Gi",
            ])
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(says));
    }
}

#[test]
fn k8s_quantities_are_one_sentence_naming_the_flag() {
    for (cpu, memory, says) in [
        (
            "two",
            "1Gi",
            "error: --cpu \"two\" is not a positive Kubernetes quantity; write it like 2, 3.5 or 1500m",
        ),
        (
            "a=0",
            "1Gi",
            "error: --cpu \"0\" is not a positive Kubernetes quantity; write it like 2, 3.5 or 1500m",
        ),
        (
            "1",
            "4GB",
            "error: --memory \"4GB\" is not a positive Kubernetes quantity; write it like 4Gi or 512Mi",
        ),
        (
            "zz=1",
            "1Gi",
            "error: --cpu \"zz=1\": no --machine has the label \"zz\"; the labels are \"a\"",
        ),
    ] {
        let assert = plateau()
            .args(["fleet", "k8s", "--image", "i", "--machine", "a=x"])
            .args(["--cpu", cpu, "--memory", memory])
            .assert()
            .code(2)
            .stderr(contains(says));
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{cpu} {memory}: {stderr}"
        );
    }
}
