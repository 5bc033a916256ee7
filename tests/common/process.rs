//! Processes a test starts: signalling them, whether one still runs, and whether one was
//! reaped.

use std::process::Child;

/// Sends `sig` to the child.
pub fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) on our own child's pid has no memory-safety preconditions.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(rc, 0);
}

/// True when process `pid` is gone or a zombie (it runs no more). For processes plateau may
/// not be the one to reap (a command's orphans, adopted by another process once plateau has
/// exited); [`reaped`] is the stricter check.
pub fn ended(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s[s.rfind(')').unwrap() + 1..].trim_start().starts_with('Z'),
    }
}

/// True once no process has pid `pid`, zombies included: it ended and its parent reaped it.
/// Stricter than [`ended`], which a zombie passes: for checking that plateau waited for the
/// children it started rather than leaving them zombies.
pub fn reaped(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the pid exists (a zombie still does).
    unsafe { libc::kill(pid as libc::pid_t, 0) != 0 }
}
