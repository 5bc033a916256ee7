//! Nothing leaked and one measurement at a time, through the real binary: the machine lock
//! (waiting, naming the holder, `--no-wait`, `--allow-concurrent`, reading commands never
//! take it), and commands that leave processes behind or are interrupted leave nothing running.

pub mod common;

use assert_cmd::Command;
use common::lock::LOCK_ENV;
use common::process::{ended, signal};
use common::{read_json, results, run_flags, spawnable, wait};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

/// `plateau` with the machine lock at `lock`.
fn plateau_locked(lock: &Path) -> Command {
    let mut cmd = common::plateau();
    cmd.env(LOCK_ENV, lock);
    cmd
}

/// The same, to spawn.
fn spawn_locked(lock: &Path) -> std::process::Command {
    let mut cmd = spawnable();
    cmd.env(LOCK_ENV, lock);
    cmd
}

fn quick_run(out: &Path) -> Vec<String> {
    let mut a = run_flags("1", 2).to_vec();
    a.extend(["--iterations", "1000", "--repetitions", "1"].map(String::from));
    a.extend(["--warmup", "0", "-q", "--out"].map(String::from));
    a.push(out.display().to_string());
    a
}

/// Holds the lock at `path` the way a run does, naming this test process as the holder.
fn hold_lock(path: &Path) -> std::fs::File {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0);
    writeln!(
        f,
        r#"{{"pid": {}, "command": "plateau run --label first", "folder": "first-run"}}"#,
        std::process::id()
    )
    .unwrap();
    f
}

/// The pids the commands wrote to `pids` so far.
fn started(pids: &Path) -> Vec<i32> {
    std::fs::read_to_string(pids)
        .map(|t| t.lines().filter_map(|l| l.parse().ok()).collect())
        .unwrap_or_default()
}

/// A run in `tmp` whose commands write their pid to `pids` and sleep 100 s, once the first
/// command has started.
fn sleeping_commands(tmp: &Path, pids: &Path) -> Child {
    let mut child = spawn_locked(&tmp.join("lock"))
        .args(run_flags("2", 4))
        .args(["--repetitions", "1"])
        .args(["--warmup", "0", "-q", "--out"])
        .arg(tmp.join("out"))
        .args(["--", "sh", "-c"])
        .arg(format!("echo $$ >> {}; sleep 100", pids.display()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait::while_running(&mut child, "the first command", || {
        !started(pids).is_empty()
    });
    child
}

/// A finished quick run in `tmp/done`, made under the lock at `lock` (before a test holds it);
/// its results.json, to read while the lock is held.
fn finished_run(lock: &Path, tmp: &Path) -> PathBuf {
    plateau_locked(lock)
        .args(quick_run(&tmp.join("done")))
        .assert()
        .success();
    tmp.join("done/results.json")
}

#[test]
fn a_held_lock_refuses_a_run_with_no_wait_naming_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let _held = hold_lock(&lock);
    let o = plateau_locked(&lock)
        .args(quick_run(&tmp.path().join("b")))
        .arg("--no-wait")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "(pid {}, `plateau run --label first`, writing to first-run)",
            std::process::id()
        )),
        "{err}"
    );
}

#[test]
fn a_held_lock_refuses_the_interleaved_gate_with_no_wait() {
    // The interleaved gate measures too: it takes the same lock.
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let _held = hold_lock(&lock);
    let o = plateau_locked(&lock)
        .args(["compare", "--baseline-args", "--iterations 1000"])
        .args(["--candidate-args", "--iterations 1000", "--workers", "1"])
        .args(["--tasks", "2", "--quiet", "--no-wait", "--out"])
        .arg(tmp.path().join("gate"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("plateau run --label first"), "{err}");
}

#[test]
fn reading_commands_finish_while_the_lock_is_held() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let results = finished_run(&lock, tmp.path());
    let _held = hold_lock(&lock);
    plateau_locked(&lock).args(["info"]).assert().success();
    plateau_locked(&lock)
        .arg("report")
        .arg(&results)
        .arg("--out")
        .arg(tmp.path().join("r"))
        .assert()
        .success();
    plateau_locked(&lock)
        .arg("analyze")
        .arg(&results)
        .arg("--out")
        .arg(tmp.path().join("a"))
        .assert()
        .success();
    plateau_locked(&lock)
        .arg("compare")
        .arg(&results)
        .arg(&results)
        .assert()
        .code(predicates::ord::lt(3));
}

#[test]
fn allow_concurrent_measures_under_a_held_lock_says_so_and_records_it() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let done = finished_run(&lock, tmp.path());
    let _held = hold_lock(&lock);
    let o = plateau_locked(&lock)
        .args(quick_run(&tmp.path().join("c")))
        .arg("--allow-concurrent")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("another measurement is running"));
    let v = read_json(&tmp.path().join("c/results.json"));
    assert_eq!(v["run"]["allow_concurrent"], true);
    assert_eq!(
        read_json(&done)["run"].get("allow_concurrent"),
        None,
        "absent when false"
    );
}

#[test]
fn without_no_wait_a_run_waits_naming_the_holder_and_runs_once_the_lock_is_free() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let held = hold_lock(&lock);
    let mut waiter = spawn_locked(&lock)
        .args(quick_run(&tmp.path().join("w")))
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(waiter.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("plateau: waiting for another measurement to finish (pid"),
        "{line}"
    );
    assert!(
        tmp.path().join("w").is_dir(),
        "the folder is claimed while waiting"
    );
    assert!(
        !tmp.path().join("w/results.json").exists(),
        "nothing is saved before the lock"
    );
    drop(held);
    assert!(waiter.wait().unwrap().success());
}

#[test]
fn two_concurrent_runs_never_interleave_and_the_second_names_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    let log = tmp.path().join("log");
    let run = |name: &str| {
        spawn_locked(&lock)
            .args(run_flags("1,2", 4))
            .args(["--repetitions", "2"])
            .args(["--warmup", "0", "-q", "--out"])
            .arg(tmp.path().join(name))
            .args(["--", "sh", "-c"])
            .arg(format!("echo {name} >> {}; sleep 0.05", log.display()))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = run("A");
    let first_pid = first.id();
    wait::until("the first run's start", Duration::from_secs(60), || {
        std::fs::read_to_string(&log).is_ok_and(|t| !t.is_empty())
    });
    let second = run("B");
    let a = first.wait_with_output().unwrap();
    let b = second.wait_with_output().unwrap();
    assert!(a.status.success() && b.status.success());
    let err = String::from_utf8_lossy(&b.stderr);
    assert!(err.contains(&format!("(pid {first_pid}, ")), "{err}");
    assert!(
        err.contains(&tmp.path().join("A").display().to_string()),
        "{err}"
    );
    let order: String = std::fs::read_to_string(&log)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(order, format!("{}{}", "A".repeat(16), "B".repeat(16)));
}

#[test]
fn a_task_is_its_whole_process_group() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids");
    let o = plateau_locked(&tmp.path().join("lock"))
        .args(run_flags("2", 3))
        .args(["--repetitions", "1"])
        .args(["--warmup", "0", "-q", "--out"])
        .arg(tmp.path().join("out"))
        .args(["--", "sh", "-c"])
        .arg(format!("sleep 30 & echo $! >> {}; exit 0", pids.display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let left: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(left.len(), 6);
    for pid in left {
        assert!(ended(pid), "sleep {pid} still runs");
    }
    assert_eq!(
        err.matches("the command left").count(),
        1,
        "warned once: {err}"
    );
    assert!(err.contains("left 6 processes running"), "{err}");
    let v = results(&tmp.path().join("out"));
    for p in v["points"].as_array().unwrap() {
        assert_eq!(p["samples"][0]["leftover_processes"], 3, "{p}");
    }
}

#[test]
fn ctrl_c_twice_leaves_no_command_running() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids");
    let mut child = sleeping_commands(tmp.path(), &pids);
    for _ in 0..2 {
        signal(&child, libc::SIGINT);
    }
    let code = child.wait().unwrap().code();
    assert!(matches!(code, Some(130) | Some(3)), "{code:?}");
    // A command spawned just as the signal arrived is ended by the guard an instant after
    // plateau exits: allow it that instant, never the command's 100 s.
    let commands = started(&pids);
    wait::until("every command's end", Duration::from_secs(10), || {
        commands.iter().all(|&pid| ended(pid))
    });
}

#[test]
fn a_sigkilled_run_leaves_no_command_running() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids");
    let mut child = sleeping_commands(tmp.path(), &pids);
    child.kill().unwrap();
    child.wait().unwrap();
    // The guard notices plateau's end and kills the groups it was told of.
    let commands = started(&pids);
    wait::until("every command's end", Duration::from_secs(30), || {
        commands.iter().all(|&pid| ended(pid))
    });
}
