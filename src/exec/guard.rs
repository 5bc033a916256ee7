//! The guard: parent-death protection for commands without `PR_SET_PDEATHSIG`. A small helper
//! process (plateau re-executed as the hidden `__guard` subcommand, in its own process group
//! so the terminal's Ctrl-C does not reach it) reads "+PGID" and "-PGID" lines from a pipe as
//! task groups (and pool workers) start and end, and ">PATH" and "<PATH" as the batches'
//! temporary folders come and go. When the pipe closes, because plateau ended however it ended
//! (SIGKILL and the OOM killer included), it kills every group still listed, and the group of
//! every process whose environment names plateau as its run (`RUN_PID_ENV`, set on every
//! command and persistent worker: it covers one started just before plateau died, before it
//! could be listed), then removes the folders still listed.
//!
//! The guard is started by the main thread, and the pipe's write end is close-on-exec, so no
//! command inherits it and only plateau's own end keeps it open.

use std::io::{BufRead, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;

/// Set on every command to plateau's pid, so the guard can find commands it was not told of.
pub const RUN_PID_ENV: &str = "PLATEAU_RUN_PID";

/// The pipe to the guard, when one runs.
static PIPE: Mutex<Option<ChildStdin>> = Mutex::new(None);

/// The running guard; dropping it closes the pipe and waits for the guard to exit.
#[derive(Debug)]
pub struct Guard {
    child: Child,
}

impl Drop for Guard {
    fn drop(&mut self) {
        PIPE.lock().unwrap_or_else(|p| p.into_inner()).take();
        let _ = self.child.wait();
    }
}

/// Starts the guard from this executable. Call it from the main thread.
pub fn start() -> std::io::Result<Guard> {
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg("__guard")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()?;
    *PIPE.lock().unwrap_or_else(|p| p.into_inner()) = child.stdin.take();
    Ok(Guard { child })
}

/// Tells the guard that group `pgid` started (`+`) or ended (`-`). Best effort: without a
/// guard, or with a dead one, nothing is sent.
pub(crate) fn tell(sign: char, pgid: i32) {
    let mut pipe = PIPE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = pipe.as_mut() {
        if p.write_all(format!("{sign}{pgid}\n").as_bytes()).is_err() {
            *pipe = None;
        }
    }
}

/// Tells the guard that temporary folder `path` was made (`>`) or removed (`<`). Best effort,
/// as `tell`.
pub(crate) fn tell_folder(sign: char, path: &std::path::Path) {
    let text = path.to_string_lossy();
    if text.contains('\n') {
        return;
    }
    let mut pipe = PIPE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = pipe.as_mut() {
        if p.write_all(format!("{sign}{text}\n").as_bytes()).is_err() {
            *pipe = None;
        }
    }
}

/// The guard's side: follows the lines on stdin, then kills what is still listed at EOF and
/// removes the folders still listed.
pub fn main() -> anyhow::Result<()> {
    let run = std::os::unix::process::parent_id();
    let mut live: Vec<i32> = Vec::new();
    let mut folders: Vec<String> = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let (sign, rest) = line.split_at(line.len().min(1));
        match sign {
            ">" => folders.push(rest.to_string()),
            "<" => folders.retain(|f| f != rest),
            _ => {}
        }
        let Ok(pgid) = rest.parse::<i32>() else {
            continue;
        };
        match sign {
            "+" => live.push(pgid),
            "-" => live.retain(|&g| g != pgid),
            _ => {}
        }
    }
    for g in live.into_iter().filter(|&g| g > 1) {
        super::child::kill_group(g);
    }
    if run > 1 {
        for g in groups_of_run(run) {
            super::child::kill_group(g);
        }
    }
    for f in folders {
        let _ = std::fs::remove_dir_all(f);
    }
    Ok(())
}

/// The process groups of processes whose environment holds `RUN_PID_ENV=run` (never the
/// guard's own group, nor group 0 or 1).
fn groups_of_run(run: u32) -> Vec<i32> {
    let marker = format!("{RUN_PID_ENV}={run}");
    // SAFETY: getpgrp has no preconditions.
    let own = unsafe { libc::getpgrp() };
    let mut out: Vec<i32> = super::groups::processes()
        .filter(|dir| {
            std::fs::read(dir.join("environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == marker.as_bytes()))
        })
        .filter_map(|dir| std::fs::read_to_string(dir.join("stat")).ok())
        .filter_map(|stat| super::proc_stat::group(&stat))
        .filter(|&g| g > 1 && g != own)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}
