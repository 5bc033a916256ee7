//! Nothing lost, through the real binary: a SIGKILLed run resumes to a complete one (and says
//! what it found), no folder holding a result is overwritten without `--force`, a failed save
//! is retried, a final save that fails puts the whole record where the error says, and a
//! report that fails after it says results.json is complete and how to render the rest.

pub mod common;

use assert_cmd::Command;

use common::{
    fixture, plateau, read_json, refused_in_one_sentence, results, run_flags, sample_counts,
    spawnable, wait,
};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A tiny run: 1 and 2 workers, 3 rounds, seed 4, into the default folder.
fn tiny_run() -> Command {
    let mut cmd = plateau();
    cmd.args(run_flags("1,2", 4))
        .args(["--iterations", "2000", "--repetitions", "3"])
        .args(["--warmup", "0", "--seed", "4", "--quiet"]);
    cmd
}

/// The tiny run into `out`.
fn tiny(out: &Path) -> Command {
    let mut cmd = tiny_run();
    cmd.arg("--out").arg(out);
    cmd
}

#[test]
fn a_sigkilled_sweep_resumes_to_a_complete_run_and_says_what_it_found() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut child = spawnable()
        .args(run_flags("1,2", 200))
        .args(["--iterations"])
        .args([
            "20000",
            "--repetitions",
            "12",
            "--warmup",
            "0",
            "--seed",
            "3",
        ])
        .args(["--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once a round is saved: the run cannot record its end.
    wait::first_round_saved(&mut child, &out);
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = results(&out);
    assert_eq!(killed["run"]["finished_at"], Value::Null);
    assert_eq!(killed["run"]["sweep_state"]["seed"], 3);
    let kept = sample_counts(&killed);
    assert!(
        killed["run"]["sweep_state"]["rounds_done"]
            .as_u64()
            .unwrap()
            >= 1,
        "{killed}"
    );

    let o = plateau()
        .args(["run", "--resume"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let found = err.lines().find(|l| l.starts_with("resuming ")).unwrap();
    assert!(found.contains("no finished_at"), "{found}");
    assert!(found.contains("of 12 measured rounds done"), "{found}");
    let total: usize = kept.iter().sum();
    assert!(
        found.contains(&format!("{total} samples kept (1 worker: {}", kept[0])),
        "{found}"
    );
    let v = results(&out);
    assert_eq!(sample_counts(&v), vec![12, 12]);
    assert_eq!(v["run"]["stop_reason"], "completed");
    assert_eq!(v["run"]["sweep_state"]["rounds_done"], 12);
    assert_eq!(
        v["points"][0]["samples"][0],
        killed["points"][0]["samples"][0]
    );
}

#[test]
fn an_out_folder_holding_a_run_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    tiny(&out).assert().success();
    let first = results(&out);
    let shown = out.display().to_string();
    let o = tiny(&out).output().unwrap();
    refused_in_one_sentence(
        &o,
        &format!(
            "--out {shown} already holds a finished results.json; choose another folder, or add --force"
        ),
    );
    // Unfinished (as a killed run leaves it): the sentence names --resume.
    let mut v = first.clone();
    v["run"]["finished_at"] = Value::Null;
    std::fs::write(out.join("results.json"), v.to_string()).unwrap();
    let o = tiny(&out).output().unwrap();
    refused_in_one_sentence(
        &o,
        &format!("continue it with `plateau run --resume {shown}`"),
    );
    assert_eq!(results(&out), v, "nothing was touched");
    tiny(&out).arg("--force").assert().success();
    assert_ne!(results(&out)["run"]["started_at"], Value::Null);
    assert_eq!(sample_counts(&results(&out)), vec![3, 3]);
}

#[test]
fn default_folders_of_runs_in_the_same_second_do_not_collide() {
    let tmp = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        tiny_run().current_dir(tmp.path()).assert().success();
    }
    let folders: Vec<_> = std::fs::read_dir(tmp.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
    for f in folders {
        assert_eq!(sample_counts(&results(&f)), vec![3, 3]);
    }
}

#[test]
fn analyze_and_report_keep_the_same_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    tiny(&run).assert().success();
    let results = run.join("results.json");
    let a = tmp.path().join("a");
    let analyze = |force: bool| {
        let mut c = plateau();
        c.arg("analyze").arg(&results).arg("--out").arg(&a);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    assert!(analyze(false).status.success());
    refused_in_one_sentence(&analyze(false), "already holds a finished results.json");
    assert!(analyze(true).status.success());
    let r = tmp.path().join("r");
    let report = |force: bool| {
        let mut c = plateau();
        c.arg("report").arg(&results).arg("--out").arg(&r);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    assert!(report(false).status.success());
    refused_in_one_sentence(
        &report(false),
        "already holds report.html; choose another folder, or add --force",
    );
    assert!(report(true).status.success());
    // A run's own folder already holds report.html: re-rendering into it needs --force too.
    refused_in_one_sentence(
        &plateau()
            .arg("report")
            .arg(&results)
            .arg("--out")
            .arg(&run)
            .output()
            .unwrap(),
        "already holds report.html",
    );
}

#[test]
fn resume_refuses_bad_pairs_and_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    tiny(&run).assert().success();
    let o = plateau()
        .args(["run", "--force", "--resume"])
        .arg(&run)
        .output()
        .unwrap();
    refused_in_one_sentence(&o, "--force cannot be combined with --resume");
    let o = plateau()
        .args(["run", "--no-wait", "--allow-concurrent"])
        .output()
        .unwrap();
    refused_in_one_sentence(&o, "--no-wait and --allow-concurrent contradict each other");
    let a = tmp.path().join("a");
    plateau()
        .arg("analyze")
        .arg(fixture("writeup.csv"))
        .arg("--out")
        .arg(&a)
        .assert()
        .success();
    let mut v = results(&a);
    v["run"]["finished_at"] = Value::Null;
    std::fs::write(a.join("results.json"), v.to_string()).unwrap();
    let o = plateau()
        .args(["run", "--resume"])
        .arg(&a)
        .output()
        .unwrap();
    refused_in_one_sentence(
        &o,
        "was not written by `plateau run` (it holds a `plateau analyze` result)",
    );
    std::fs::write(a.join("results.json"), "{\"hello\": 1}").unwrap();
    let o = plateau()
        .args(["run", "--resume"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_failed_save_is_retried_by_the_next_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    // Write 1 claims the folder, 2 is the first round's save.
    let o = tiny(&out)
        .env("PLATEAU_TEST_FAIL_WRITES", "2")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    // Round saves are paced by time, so how many there were depends on the machine; the
    // failed one is counted, and a later save (at the latest the final one) wrote it all.
    assert!(err.contains("warning: 1 of "), "{err}");
    assert!(
        err.contains("saves of results.json during the sweep failed"),
        "{err}"
    );
    assert_eq!(sample_counts(&results(&out)), vec![3, 3]);
}

#[test]
fn a_failed_final_save_rescues_the_whole_record_to_the_temp_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let temp = tmp.path().join("temp");
    std::fs::create_dir(&temp).unwrap();
    let o = tiny(&out)
        .env("PLATEAU_TEST_FAIL_WRITES", "2-")
        .env("TMPDIR", &temp)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let last = err.lines().last().unwrap();
    assert!(last.contains("No space left on device"), "{last}");
    let rescued: Vec<PathBuf> = std::fs::read_dir(&temp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("plateau-rescued-run-"))
        .collect();
    assert_eq!(rescued.len(), 1, "{last}");
    assert!(
        last.contains(&format!(
            "the whole record was saved to {}",
            rescued[0].display()
        )),
        "{last}"
    );
    let v = read_json(&rescued[0]);
    assert_eq!(sample_counts(&v), vec![3, 3], "every sample is in it");
    assert_ne!(v["run"]["finished_at"], Value::Null);
    assert_eq!(v["run"]["stop_reason"], "completed");
}

#[test]
fn a_report_that_does_not_fit_says_results_json_is_complete_and_how_to_render_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = tiny(&out)
        .env("PLATEAU_TEST_FAIL_WRITES", "report.html")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let last = err.lines().last().unwrap();
    let results_path = out.join("results.json");
    assert!(
        last.contains(&format!(
            "could not write {}",
            out.join("report.html").display()
        )),
        "{last}"
    );
    assert!(last.contains("No space left on device"), "{last}");
    assert!(
        last.contains("results.json is complete and chart.svg was written"),
        "{last}"
    );
    let command = format!(
        "`plateau report {} --out {}`",
        results_path.display(),
        out.display()
    );
    assert!(last.contains(&command), "{last}");
    // What it says is true: the record is whole, the chart is there, the report is not.
    let v = read_json(&results_path);
    assert_eq!(sample_counts(&v), vec![3, 3]);
    assert_ne!(v["run"]["finished_at"], Value::Null);
    assert!(out.join("chart.svg").is_file() && !out.join("report.html").exists());
    // And the command it gives renders the rest.
    plateau()
        .args(["report"])
        .arg(&results_path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("report.html").is_file() && out.join("summary.md").is_file());
}

#[test]
fn a_summary_that_does_not_fit_gives_the_command_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = tiny(&out)
        .env("PLATEAU_TEST_FAIL_WRITES", "summary.md")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let last = err.lines().last().unwrap();
    assert!(
        last.contains("results.json is complete, and chart.svg and report.html were written"),
        "{last}"
    );
    assert!(last.contains(" --force`"), "{last}");
    plateau()
        .args(["report"])
        .arg(out.join("results.json"))
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert!(out.join("summary.md").is_file());
}

#[test]
fn with_no_temp_folder_either_the_record_goes_to_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = tiny(&out)
        .env("PLATEAU_TEST_FAIL_WRITES", "2-")
        .env("TMPDIR", tmp.path().join("no-such-folder"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("printed on stdout between"), "{err}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let begin = "--- plateau results.json (could not be saved) ---\n";
    let body = &stdout[stdout.find(begin).unwrap() + begin.len()..];
    let body = &body[..body.find("--- end of plateau results.json ---").unwrap()];
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(sample_counts(&v), vec![3, 3]);
}
