//! One measurement at a time per machine: an advisory `flock` on a machine-wide lock file, held
//! for as long as a measuring command runs and released by the kernel when its process ends,
//! however it ends. The holder writes who it is (pid, command, folder) into the file, so the
//! next measuring process can say whom it waits for. Reading commands never take the lock.
//!
//! Callers: `plateau run` (through `app::machine_lock`) and any other command that measures
//! (e.g. an interleaved `compare`): build a `Holder`, then call `acquire`.

use crate::cancel::CancelToken;
use crate::error::{RunFailed, usage};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that moves the lock file (tests give each run its own; machines
/// whose measuring containers share a volume can point every container at one file there).
pub const LOCK_ENV: &str = "PLATEAU_LOCK";

/// How often a waiting process tries the lock again (and checks for Ctrl-C).
const POLL: Duration = Duration::from_millis(100);

/// The lock file: `$PLATEAU_LOCK`, else `plateau-measure.lock` in the system temp folder.
pub fn lock_path() -> PathBuf {
    match std::env::var_os(LOCK_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => std::env::temp_dir().join("plateau-measure.lock"),
    }
}

/// Who holds (or wants) the lock, as written into the lock file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    /// Process id.
    pub pid: u32,
    /// The command line, joined by spaces.
    pub command: String,
    /// The folder its results go to.
    pub folder: String,
}

impl Holder {
    /// This process, running `command_line` into `folder`.
    pub fn this_process(command_line: &[String], folder: &Path) -> Self {
        let quoted: Vec<String> = command_line
            .iter()
            .enumerate()
            .map(|(i, a)| if i == 0 { program_name(a) } else { quote(a) })
            .collect();
        Self {
            pid: std::process::id(),
            command: quoted.join(" "),
            folder: folder.display().to_string(),
        }
    }

    /// "pid 123, `plateau run ...`, writing to reports/x".
    pub fn describe(&self) -> String {
        format!(
            "pid {}, `{}`, writing to {}",
            self.pid, self.command, self.folder
        )
    }
}

/// The program's file name (`plateau`), not the path it was started by.
fn program_name(arg: &str) -> String {
    Path::new(arg)
        .file_name()
        .map_or_else(|| arg.to_string(), |n| n.to_string_lossy().into_owned())
}

/// An argument as a shell would need it: single-quoted when it holds anything unusual.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,+%@{}".contains(&b));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// What to do when another process holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenBusy {
    /// Wait for it (saying whom for), until it ends or the token is cancelled.
    Wait,
    /// Refuse at once (`--no-wait`): a usage error naming the holder.
    Refuse,
}

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct MachineLock {
    file: File,
    path: PathBuf,
}

impl MachineLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for MachineLock {
    fn drop(&mut self) {
        // Clear the name before the kernel releases the lock on close: a waiter that reads
        // the file next finds the new holder's name or none, never ours.
        let _ = self.file.set_len(0);
    }
}

/// Takes the lock at `path` for `me`. When busy: waits (calling `waiting` with the holder's
/// description each time it changes) or refuses, as `busy` says. A cancelled token ends the
/// wait with a run failure (exit 3) that says nothing was measured.
pub fn acquire(
    path: &Path,
    me: &Holder,
    busy: WhenBusy,
    cancel: &CancelToken,
    waiting: &mut dyn FnMut(&str),
) -> anyhow::Result<MachineLock> {
    let mut file = open(path)?;
    let mut last_seen: Option<String> = None;
    loop {
        if try_lock(&file)? {
            write_holder(&mut file, me);
            return Ok(MachineLock {
                file,
                path: path.to_path_buf(),
            });
        }
        let holder = read_holder(&mut file);
        if busy == WhenBusy::Refuse {
            return Err(usage(format!(
                "--no-wait: another measurement holds the machine lock {} ({holder}); wait for it by dropping --no-wait, or add --allow-concurrent to measure anyway",
                path.display()
            )));
        }
        if last_seen.as_deref() != Some(holder.as_str()) {
            waiting(&holder);
            last_seen = Some(holder);
        }
        if cancel.is_cancelled() {
            return Err(RunFailed(
                "interrupted while waiting for the machine lock; nothing was measured".into(),
            )
            .into());
        }
        std::thread::sleep(POLL);
    }
}

/// Who holds the lock at `path` now, if anyone: for messages and tests. Never blocks.
pub fn current_holder(path: &Path) -> Option<String> {
    let mut file = File::open(path).ok()?;
    // SAFETY: flock on a descriptor we own; LOCK_SH|LOCK_NB only probes.
    let free = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) } == 0;
    if free {
        return None;
    }
    Some(read_holder(&mut file))
}

fn open(path: &Path) -> anyhow::Result<File> {
    let cannot = |e: std::io::Error| {
        usage(format!(
            "cannot open the machine lock {} ({e}); set {LOCK_ENV} to a writable file, or add --allow-concurrent",
            path.display()
        ))
    };
    match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o666)
        .open(path)
    {
        Ok(f) => {
            // Any user's run may take the lock after ours: undo the umask (best effort).
            let _ = f.set_permissions(std::fs::Permissions::from_mode(0o666));
            Ok(f)
        }
        // Another user's file that we may not write: flock works on a read-only descriptor.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            File::open(path).map_err(cannot)
        }
        Err(e) => Err(cannot(e)),
    }
}

/// True when the exclusive lock was taken; false when another process holds it.
fn try_lock(file: &File) -> anyhow::Result<bool> {
    loop {
        // SAFETY: flock on a descriptor we own has no memory effects.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => {
                return Err(usage(format!(
                    "cannot lock the machine lock file ({e}); add --allow-concurrent to measure without it"
                )));
            }
        }
    }
}

fn write_holder(file: &mut File, me: &Holder) {
    // Best effort: a read-only lock file still locks, it just cannot say who holds it.
    let line = serde_json::to_string(me).unwrap_or_default();
    let _ = file
        .set_len(0)
        .and_then(|_| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(format!("{line}\n").as_bytes()));
}

/// The holder's description, or a phrase saying it has not said who it is.
fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| file.read_to_string(&mut text));
    match serde_json::from_str::<Holder>(text.trim()) {
        Ok(h) if pid_alive(h.pid) => h.describe(),
        _ => "a process that has not written its name yet".into(),
    }
}

fn pid_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me(folder: &str) -> Holder {
        Holder::this_process(&["plateau".into(), "run".into()], Path::new(folder))
    }

    #[test]
    fn a_second_open_waits_or_refuses_naming_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("lock");
        let cancel = CancelToken::new();
        let held = acquire(&path, &me("a"), WhenBusy::Refuse, &cancel, &mut |_| {}).unwrap();
        assert!(current_holder(&path).unwrap().contains("writing to a"));
        // flock belongs to the open file, so a second open in this process contends too.
        let err = acquire(&path, &me("b"), WhenBusy::Refuse, &cancel, &mut |_| {}).unwrap_err();
        let text = err.to_string();
        assert!(err.downcast_ref::<crate::error::UsageError>().is_some());
        assert!(text.starts_with("--no-wait: another measurement"), "{text}");
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("`plateau run`, writing to a"), "{text}");
        let mut seen = vec![];
        let stop = cancel.clone();
        let err = acquire(&path, &me("b"), WhenBusy::Wait, &cancel, &mut |h| {
            seen.push(h.to_string());
            stop.cancel();
        })
        .unwrap_err();
        assert!(err.to_string().contains("nothing was measured"), "{err}");
        assert_eq!(seen.len(), 1);
        drop(held);
        assert_eq!(current_holder(&path), None);
        let again = acquire(&path, &me("c"), WhenBusy::Refuse, &cancel, &mut |_| {}).unwrap();
        assert_eq!(again.path(), path);
    }

    #[test]
    fn the_command_is_shown_as_typed() {
        let argv: Vec<String> = [
            "/x/target/release/plateau",
            "run",
            "--",
            "sh",
            "-c",
            "echo a b",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let h = Holder::this_process(&argv, Path::new("out"));
        assert_eq!(h.command, "plateau run -- sh -c 'echo a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_stale_name_is_not_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("lock");
        std::fs::write(
            &path,
            r#"{"pid": 999999999, "command": "old", "folder": "x"}"#,
        )
        .unwrap();
        let mut f = File::open(&path).unwrap();
        assert_eq!(
            read_holder(&mut f),
            "a process that has not written its name yet"
        );
    }
}
