//! `plateau run --sizes` through the real binary: each bad input refused in one sentence
//! before anything is measured, the affinity fallback when the cgroup step fails (the
//! `PLATEAU_TEST_CGROUP_FAIL` hook), one folder per size plus the comparison, and no cgroup
//! left behind after a run, after Ctrl-C, and (removed by the next run) after `kill -9`.

pub mod common;

use common::process::signal;
use common::{plateau, refused_in_one_sentence, results, runs_refused, spawnable, wait};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// The hook that makes the cgroup step fail.
const HOOK: &str = "PLATEAU_TEST_CGROUP_FAIL";

/// A short `--sizes` run: 1 and 2 workers, 4 tasks, one round, quiet.
fn sizes_run(sizes: &str, out: &Path) -> assert_cmd::Command {
    let mut cmd = plateau();
    cmd.args(["run", "--sizes", sizes, "--workers", "1,2", "--tasks", "4"])
        .args([
            "--iterations",
            "1000",
            "-r",
            "1",
            "--warmup",
            "0",
            "--seed",
            "1",
        ])
        .args(["--quiet", "--allow-concurrent", "--out"])
        .arg(out);
    cmd
}

/// Every folder under the cgroup mounts named like the group of process `pid`.
fn groups_of(pid: u32) -> Vec<PathBuf> {
    let name = format!("plateau-size-{pid}");
    let mut found = Vec::new();
    let mut dirs = vec![(PathBuf::from("/sys/fs/cgroup"), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            if e.file_name().to_string_lossy() == name {
                found.push(path);
            } else if depth < 3 && e.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push((path, depth + 1));
            }
        }
    }
    found
}

/// How a size's run was confined, from its results.json.
fn method(out: &Path, size: &str) -> String {
    let v = results(&out.join(format!("size-{size}")));
    v["machine"]["emulated"]["method"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn bad_sizes_are_refused_in_one_sentence_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let resume = tmp.path().to_string_lossy().into_owned();
    runs_refused(&[
        (&["--sizes", "0"], "--sizes \"0\": \"0\" is not a size"),
        (&["--sizes", "-2"], "\"-2\" is not a size"),
        (&["--sizes", "1,2,1"], "gives the size 1 twice"),
        (&["--sizes", "4096"], "4096 vCPUs is more than the"),
        (
            &["--sizes", "1", "--price", "2=0.1"],
            "2 is not one of --sizes 1",
        ),
        (&["--sizes", "1", "--price", "1"], "is not SIZE=USD"),
        (
            &["--sizes", "1", "--resume", &resume],
            "--resume cannot be combined with --sizes",
        ),
        (
            &["--sizes", "1", "--price-per-hour", "1"],
            "--price-per-hour cannot be combined",
        ),
        (
            &["--size-shape", "cores"],
            "--size-shape only applies to emulated sizes",
        ),
        (
            &["--price-per-vcpu-hour", "0.05"],
            "--price-per-vcpu-hour only applies",
        ),
        (
            &["--sizes", "1", "--memory-per-vcpu", "2 parsecs"],
            "--memory-per-vcpu \"2 parsecs\"",
        ),
        (
            &["--sizes", "1", "--price-per-vcpu-hour", "-1"],
            "--price-per-vcpu-hour -1",
        ),
    ]);
    let o = plateau().args(["run", "--sizes", "1,1"]).output().unwrap();
    refused_in_one_sentence(&o, "twice");
}

#[test]
fn without_a_cgroup_whole_sizes_fall_back_to_affinity_and_the_rest_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sizes");
    sizes_run("1", &out).env(HOOK, "1").assert().success();
    let v: Value = results(&out.join("size-1"));
    let e = &v["machine"]["emulated"];
    assert_eq!(e["method"], "affinity");
    assert!(
        e["fallback_reason"]
            .as_str()
            .unwrap()
            .contains("on purpose"),
        "{e}"
    );
    assert_eq!(v["machine"]["logical_cpus"], 1);
    assert_eq!(v["machine"]["allowed_cpu_ids"], serde_json::json!([0]));
    assert!(out.join("report.html").is_file());
    let never = tmp.path().join("never");
    let o = sizes_run("0.5,1", &never).env(HOOK, "1").output().unwrap();
    refused_in_one_sentence(&o, "fractional --sizes need a cgroup CPU quota");
    assert!(String::from_utf8_lossy(&o.stderr).contains("the fractional sizes: 0.5"));
    let o = sizes_run("1", &never)
        .args(["--memory-per-vcpu", "1GiB"])
        .env(HOOK, "1")
        .output()
        .unwrap();
    refused_in_one_sentence(&o, "--memory-per-vcpu needs a cgroup memory limit");
    assert!(!never.exists(), "a refused run wrote its folder");
}

#[test]
fn each_size_gets_a_complete_run_and_the_sizes_one_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sizes");
    let o = sizes_run("1,2", &out)
        .args(["--price-per-vcpu-hour", "0.05", "--price", "2=0.2"])
        .env(HOOK, "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (size, price) in [("1", 0.05), ("2", 0.2)] {
        let v = results(&out.join(format!("size-{size}")));
        assert_eq!(
            v["machine"]["emulated"]["vcpus"].as_f64(),
            size.parse().ok()
        );
        assert_eq!(v["run"]["price_per_hour"].as_f64(), Some(price));
        assert_eq!(v["config"]["workers"], serde_json::json!([1, 2]));
        assert!(v["analysis"].is_object());
    }
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("Best value: "), "{md}");
    assert!(md.contains("The sizes are emulated"), "{md}");
    assert!(md.contains("| 1 vCPU") && md.contains("| 2 vCPUs"), "{md}");
    // The per-size folders are runs like any other: report and fleet collect take them.
    let report = tmp.path().join("report");
    plateau()
        .args(["report", "--out"])
        .arg(&report)
        .arg(out.join("size-1/results.json"))
        .arg(out.join("size-2/results.json"))
        .assert()
        .success();
    let collected = tmp.path().join("collected");
    plateau()
        .args(["fleet", "collect", "--out"])
        .arg(&collected)
        .arg(&out)
        .assert()
        .success();
    assert!(collected.join("report.html").is_file());
}

#[test]
fn no_cgroup_is_left_after_a_run_or_ctrl_c_and_a_killed_runs_is_removed_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    // A long run, so there is time to look at its cgroup and to interrupt it.
    let long = |out: &Path| {
        let mut cmd = spawnable();
        cmd.args(["run", "--sizes", "1", "--workers", "1,2", "--tasks", "200"])
            .args([
                "--iterations",
                "20000",
                "-r",
                "1000",
                "--warmup",
                "0",
                "--quiet",
            ])
            .args(["--allow-concurrent", "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    };
    let first = tmp.path().join("first");
    let mut child = long(&first).spawn().unwrap();
    let pid = child.id();
    let made = |pid| !groups_of(pid).is_empty();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !made(pid) && std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none()
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    if !made(pid) {
        // No cgroup can be made here (not root, or no cpuset controller): the fallback test
        // covers this machine.
        let _ = child.kill();
        let _ = child.wait();
        eprintln!("skipped: plateau could not make a cgroup on this machine");
        return;
    }
    wait::first_round_saved(&mut child, &first.join("size-1"));
    signal(&child, libc::SIGINT);
    assert_eq!(child.wait().unwrap().code(), Some(3));
    assert!(
        groups_of(pid).is_empty(),
        "left after Ctrl-C: {:?}",
        groups_of(pid)
    );
    assert!(
        method(&first, "1").starts_with("cgroup_v"),
        "{}",
        method(&first, "1")
    );
    // kill -9 leaves the group; the next run removes it before making its own.
    let second = tmp.path().join("second");
    let mut child = long(&second).spawn().unwrap();
    let pid = child.id();
    wait::while_running(&mut child, "its cgroup", || made(pid));
    signal(&child, libc::SIGKILL);
    let _ = child.wait();
    assert!(made(pid), "a killed run cannot remove its own cgroup");
    let mut third = spawnable();
    third
        .args([
            "run",
            "--sizes",
            "1",
            "--workers",
            "1",
            "--tasks",
            "2",
            "-r",
            "1",
        ])
        .args(["--warmup", "0", "--quiet", "--allow-concurrent", "--out"])
        .arg(tmp.path().join("third"));
    let mut child = third.stdout(Stdio::null()).spawn().unwrap();
    let third_pid = child.id();
    assert!(child.wait().unwrap().success());
    assert!(groups_of(pid).is_empty(), "stale: {:?}", groups_of(pid));
    assert!(
        groups_of(third_pid).is_empty(),
        "left after a run: {:?}",
        groups_of(third_pid)
    );
}

#[test]
fn a_real_reference_scales_the_sizes_and_joins_the_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    // The "real instance": a plain run on this host, labelled, with its effective CPUs.
    let real = tmp.path().join("real");
    plateau()
        .args([
            "run",
            "--workers",
            "1,2",
            "--tasks",
            "4",
            "--iterations",
            "1000",
        ])
        .args([
            "-r",
            "1",
            "--warmup",
            "0",
            "--seed",
            "1",
            "--quiet",
            "--allow-concurrent",
        ])
        .args(["--label", "the real one", "--out"])
        .arg(&real)
        .assert()
        .success();
    let cpus = results(&real)["machine"]["effective_cpus"]
        .as_u64()
        .unwrap();
    let out = tmp.path().join("sizes");
    let mut cmd = sizes_run(&cpus.to_string(), &out);
    let o = cmd
        .arg("--reference")
        .arg(real.join("results.json"))
        .env(HOOK, "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("the real one"),
        "the reference joins the comparison: {md}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Throughputs scaled by"),
        "the scaled sizes say so"
    );
    // A missing reference is refused before anything runs, naming the file.
    let never = tmp.path().join("never");
    let o = sizes_run("1", &never)
        .arg("--reference")
        .arg(tmp.path().join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.json"));
    assert!(!never.exists());
}
