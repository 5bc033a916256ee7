//! The interleaved gate through the real binary: every bad input is one sentence and exit 2
//! before anything runs (no output folder appears); a gate whose budget runs out is
//! inconclusive (exit 4, or as --inconclusive maps it) and leaves both sides' raw samples, the
//! pairing and the outcome in its folder; Ctrl-C keeps every finished round and exits 3; a
//! command that hangs is ended by `--max-time` or by `--timeout`.

pub mod common;

use assert_cmd::Command;
use common::process::signal;
use common::{plateau, spawnable, wait};
use predicates::str::contains;

#[test]
fn bad_input_is_one_sentence_and_exit_2_before_anything_runs() {
    let cases: &[(&[&str], &str)] = &[
        (&["--baseline-cmd", "true"], "the candidate side is missing"),
        (
            &[
                "--baseline-cmd",
                "true",
                "--baseline-args",
                "",
                "--candidate-cmd",
                "true",
            ],
            "either a command (--baseline-cmd) or flags",
        ),
        (
            &[
                "--baseline-cmd",
                "no-such-program-xyz",
                "--candidate-cmd",
                "true",
            ],
            "\"no-such-program-xyz\" was not found",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--threshold",
                "0%",
            ],
            "--threshold 0% is out of range",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--threshold",
                "100%",
            ],
            "--threshold 100% is out of range",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--alpha",
                "0.5",
            ],
            "--alpha 0.5 is out of range: give an error rate above 0 and below 0.5",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--alpha",
                "0",
            ],
            "--alpha 0 is out of range: give an error rate above 0 and below 0.5",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--max-time",
                "1s",
            ],
            "--max-time 1s is too short",
        ),
        (
            &[
                "--baseline-args",
                "--workers 1",
                "--candidate-args",
                "--workers 1,2",
            ],
            "the same worker counts",
        ),
        (
            &["--baseline-args", "--bogus", "--candidate-args", ""],
            "--baseline-args (with the shared run flags): unexpected argument '--bogus'",
        ),
        (
            &["--baseline-cmd", "echo 'x", "--candidate-cmd", "true"],
            "--baseline-cmd: a single quote is not closed",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--batch-time",
                "5ms",
            ],
            "error: --batch-time 5ms is out of range: give a duration from 10ms to 168h",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--max-time",
                "soon",
            ],
            "error: --max-time soon is not a duration",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--threshold",
                "5",
            ],
            "error: --threshold 5 is ambiguous: write 5% (or the fraction 0.05)",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--tasks",
                "0",
            ],
            "error: --tasks 0 is out of range: give a whole number from 1 to 10000000",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--iterations",
                "-5",
            ],
            "error: --iterations -5 is negative",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--seed",
                "x",
            ],
            "error: --seed x is not a whole number",
        ),
        (
            &[
                "--workers",
                "0",
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
            ],
            "error: --workers: 0 is not a worker count; use counts of at least 1, e.g. 1..16 or 1,2,4,8",
        ),
        (
            &["--baseline-args", "--workers 8..2", "--candidate-args", ""],
            "error: --baseline-args: --workers: the range 8..2 runs backwards; write it low to high, as 2..8",
        ),
        (
            &["--baseline-args", "--tolerance 5", "--candidate-args", ""],
            "error: --baseline-args: --tolerance 5 is ambiguous: write 5% (or the fraction 0.05)",
        ),
        (
            &["--baseline-cmd", "true", "--candidate-args", ""],
            "the two sides must both be commands",
        ),
        (
            &["--baseline-args", "", "--candidate-cmd", "true"],
            "a command against a built-in workload compares two different things",
        ),
        (
            &[
                "--baseline-cmd",
                "true",
                "--candidate-cmd",
                "true",
                "--timeout",
                "0s",
            ],
            "--timeout",
        ),
    ];
    for (args, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("gate");
        let assert = plateau()
            .arg("compare")
            .args(*args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(contains(*says));
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!out.exists(), "{args:?}: nothing may run or be written");
    }
}

#[test]
fn a_shared_mode_or_workload_is_one_of_runs_names() {
    for (flag, value) in [("--mode", "fast"), ("--workload", "Cpu")] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("gate");
        plateau()
            .args(["compare", flag, value])
            .args(["--baseline-cmd", "true", "--candidate-cmd", "true", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(contains(format!("invalid value '{value}' for '{flag} <")));
        assert!(!out.exists(), "{flag}: nothing may run or be written");
    }
}

/// A gate of sleeps whose budget holds warm-up plus at most four measured rounds: a betting
/// test cannot reach 1/alpha = 20 in four rounds (its wealth grows at most 1.8x per round).
fn short_gate(out: &std::path::Path) -> Command {
    let mut cmd = plateau();
    cmd.args([
        "compare",
        "--baseline-cmd",
        "sleep 0.05",
        "--candidate-cmd",
        "sleep 0.05",
        "--workers",
        "1",
        "--tasks",
        "1",
        "--batch-time",
        "50ms",
        "--max-time",
        "1s",
        "--quiet",
        "--out",
    ])
    .arg(out);
    cmd
}

#[test]
fn a_budget_that_runs_out_is_inconclusive_and_keeps_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    short_gate(&out)
        .arg("--json")
        .assert()
        .code(4)
        .stdout(contains("\"verdict\": \"inconclusive\""))
        .stderr(contains("INCONCLUSIVE"));
    let gate: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("gate.json")).unwrap()).unwrap();
    let rounds = gate["rounds"].as_u64().unwrap() as usize;
    assert!(rounds >= 1, "{gate}");
    assert!(gate["resolvable_change"].is_number());
    let pairing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("pairing.json")).unwrap()).unwrap();
    assert_eq!(pairing["rounds"].as_array().unwrap().len(), rounds);
    for side in ["baseline", "candidate"] {
        let r = plateau::model::json::read(&out.join(format!("{side}.json"))).unwrap();
        assert_eq!(
            r.points[0].samples.len(),
            2 * rounds,
            "{side}: two per block"
        );
        assert_eq!(r.run.label, side);
    }
}

#[test]
fn inconclusive_maps_to_pass_or_fail_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    short_gate(&dir.path().join("a"))
        .args(["--inconclusive", "pass"])
        .assert()
        .code(0)
        .stdout(contains("INCONCLUSIVE"));
    short_gate(&dir.path().join("b"))
        .args(["--inconclusive", "fail", "--markdown"])
        .arg(dir.path().join("gate.md"))
        .assert()
        .code(1);
    let md = std::fs::read_to_string(dir.path().join("gate.md")).unwrap();
    assert!(
        md.contains("| workers | blocks | throughput ratio |"),
        "{md}"
    );
}

#[test]
fn ctrl_c_keeps_every_finished_round_and_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    let mut child = spawnable()
        .args([
            "compare",
            "--baseline-cmd",
            "sleep 0.02",
            "--candidate-cmd",
            "sleep 0.02",
            "--workers",
            "1",
            "--tasks",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until a measured round is saved, then interrupt.
    wait::saved(&mut child, &out.join("gate.json"), |v| {
        v["rounds"].as_u64().unwrap_or(0) >= 1
    });
    signal(&child, libc::SIGINT);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the samples so far are saved in"),
        "{stderr}"
    );
    let base = plateau::model::json::read(&out.join("baseline.json")).unwrap();
    assert!(
        base.points[0].samples.len() >= 2,
        "the finished round is kept"
    );
}

/// A gate of two commands that never end, with the given extra flags.
fn hanging_gate(out: &std::path::Path, extra: &[&str]) -> Command {
    let mut cmd = plateau();
    cmd.args([
        "compare",
        "--baseline-cmd",
        "sleep 1000",
        "--candidate-cmd",
        "sleep 1000",
        "--workers",
        "1",
        "--tasks",
        "1",
        "--batch-time",
        "10ms",
        "--max-time",
        "2s",
        "--quiet",
    ])
    .args(extra)
    .arg("--out")
    .arg(out);
    cmd
}

#[test]
fn a_hanging_command_is_ended_by_the_budget_or_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("budget");
    hanging_gate(&out, &[])
        .assert()
        .code(3)
        .stderr(contains("--max-time (2 s) ran out in the warm-up round"))
        .stderr(contains("--timeout bounds each task"));
    assert!(out.join("gate.json").exists(), "the settings are saved");
    hanging_gate(&dir.path().join("timeout"), &["--timeout", "200ms"])
        .assert()
        .code(3)
        .stderr(contains("--timeout 200ms"));
}
