//! Nothing leaked and one measurement at a time, through the real binary: the machine lock
//! (waiting, naming the holder, `--no-wait`, `--allow-concurrent`, reading commands never
//! take it), and commands that leave processes behind or are interrupted leave nothing running.

use assert_cmd::Command;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("plateau")
}

/// `plateau` with the machine lock at `lock`.
fn plateau(lock: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plateau").unwrap();
    cmd.env("PLATEAU_LOCK", lock);
    cmd
}

fn quick_run(out: &Path) -> Vec<String> {
    let mut a: Vec<String> = [
        "run",
        "--workers",
        "1",
        "--tasks",
        "2",
        "--iterations",
        "1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(["--repetitions", "1", "--warmup", "0", "-q", "--out"].map(String::from));
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

/// True when process `pid` is gone or a zombie (it runs no more).
fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s[s.rfind(')').unwrap() + 1..].trim_start().starts_with('Z'),
    }
}

#[test]
fn a_held_lock_is_named_refused_with_no_wait_and_skipped_by_readers() {
    let tmp = tempfile::tempdir().unwrap();
    let lock = tmp.path().join("lock");
    // A finished run to read while the lock is held.
    plateau(&lock)
        .args(quick_run(&tmp.path().join("done")))
        .assert()
        .success();
    let results = tmp.path().join("done/results.json");
    let held = hold_lock(&lock);
    let o = plateau(&lock)
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
    // Reading commands do not take the lock: they finish while it is held.
    plateau(&lock).args(["info"]).assert().success();
    plateau(&lock)
        .arg("report")
        .arg(&results)
        .arg("--out")
        .arg(tmp.path().join("r"))
        .assert()
        .success();
    plateau(&lock)
        .arg("analyze")
        .arg(&results)
        .arg("--out")
        .arg(tmp.path().join("a"))
        .assert()
        .success();
    plateau(&lock)
        .arg("compare")
        .arg(&results)
        .arg(&results)
        .assert()
        .code(predicates::ord::lt(3));
    // --allow-concurrent measures anyway, says so, and records it.
    let o = plateau(&lock)
        .args(quick_run(&tmp.path().join("c")))
        .arg("--allow-concurrent")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("another measurement is running"));
    let v: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("c/results.json")).unwrap()).unwrap();
    assert_eq!(v["run"]["allow_concurrent"], true);
    let done: Value = serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();
    assert_eq!(
        done["run"].get("allow_concurrent"),
        None,
        "absent when false"
    );

    // Without --no-wait it waits, naming the holder, and runs once the lock is free.
    let mut waiter = std::process::Command::new(bin())
        .env("PLATEAU_LOCK", &lock)
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
        std::process::Command::new(bin())
            .env("PLATEAU_LOCK", &lock)
            .args([
                "run",
                "--workers",
                "1,2",
                "--tasks",
                "4",
                "--repetitions",
                "2",
            ])
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
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&log).is_ok_and(|t| !t.is_empty()) {
        assert!(Instant::now() < deadline, "the first run never started");
        std::thread::sleep(Duration::from_millis(5));
    }
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
    let o = plateau(&tmp.path().join("lock"))
        .args([
            "run",
            "--workers",
            "2",
            "--tasks",
            "3",
            "--repetitions",
            "1",
        ])
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
    let v: Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/results.json")).unwrap())
            .unwrap();
    for p in v["points"].as_array().unwrap() {
        assert_eq!(p["samples"][0]["leftover_processes"], 3, "{p}");
    }
}

#[test]
fn ctrl_c_twice_leaves_no_command_running() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids");
    let mut child = std::process::Command::new(bin())
        .env("PLATEAU_LOCK", tmp.path().join("lock"))
        .args([
            "run",
            "--workers",
            "2",
            "--tasks",
            "4",
            "--repetitions",
            "1",
        ])
        .args(["--warmup", "0", "-q", "--out"])
        .arg(tmp.path().join("out"))
        .args(["--", "sh", "-c"])
        .arg(format!("echo $$ >> {}; sleep 100", pids.display()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = || {
        std::fs::read_to_string(&pids)
            .map(|t| {
                t.lines()
                    .filter_map(|l| l.parse::<i32>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    while started().is_empty() {
        assert!(Instant::now() < deadline, "no command started");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..2 {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    }
    let code = child.wait().unwrap().code();
    assert!(matches!(code, Some(130) | Some(3)), "{code:?}");
    for pid in started() {
        assert!(ended(pid), "command {pid} outlived plateau");
    }
}

#[test]
fn a_sigkilled_run_leaves_no_command_running() {
    let tmp = tempfile::tempdir().unwrap();
    let pids = tmp.path().join("pids");
    let mut child = std::process::Command::new(bin())
        .env("PLATEAU_LOCK", tmp.path().join("lock"))
        .args([
            "run",
            "--workers",
            "2",
            "--tasks",
            "4",
            "--repetitions",
            "1",
        ])
        .args(["--warmup", "0", "-q", "--out"])
        .arg(tmp.path().join("out"))
        .args(["--", "sh", "-c"])
        .arg(format!("echo $$ >> {}; sleep 100", pids.display()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let started = || {
        std::fs::read_to_string(&pids)
            .map(|t| {
                t.lines()
                    .filter_map(|l| l.parse::<i32>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    while started().is_empty() {
        assert!(Instant::now() < deadline, "no command started");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The guard notices plateau's end and kills the groups it was told of.
    let deadline = Instant::now() + Duration::from_secs(30);
    for pid in started() {
        while !ended(pid) {
            assert!(
                Instant::now() < deadline,
                "command {pid} outlived a SIGKILLed plateau"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
